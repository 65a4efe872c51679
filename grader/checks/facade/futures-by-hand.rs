//! The facade of exercise 09 futures-by-hand: its public API as the checks call it (`cell`,
//! `Setter`, `Getter`, `timed`, `Timed`), compiled once for every crate the checks are run
//! against.
//!
//! The crate's API is generic (a cell of any `T`, a timer around any future), and a table of
//! function pointers cannot be: `bind!` instantiates the crate's `cell` with [`Value`] (a boxed
//! `Any`) and its `timed` with [`Erased`] (a boxed future), and the facade's generic halves put
//! each value in, and take it out again with its own type, at the edges.
//!
//! Nothing else is in between. `cell` and `timed` call the crate's own at once; every poll of a
//! facade future is one poll of the crate's, with the very `Context` the checks gave (so the
//! crate clones, stores and wakes the checks' own wakers, and the checks count them as before);
//! the crate's setter is dropped when the facade's is. The value types are `Send + Sync`, the
//! most the checks' values are, so that a crate whose `Setter` or `Getter` is `Send` only when
//! `T` is also `Sync` (a `RwLock` inside, say) still compiles as it did against the checks.

use awaitlings_check::facade::Bound;
use std::any::Any;
use std::future::Future;
use std::marker::PhantomData;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

/// A value of any of the checks' types, as it goes through the crate: what the crate's cells hold
/// and what the crate's `Timed` gives back.
pub type Value = Box<dyn Any + Send + Sync>;

/// A boxed future that may move to another thread (the checks spawn getters and timers on tokio,
/// and send getters to threads of their own).
pub type SendBoxed<T> = Pin<Box<dyn Future<Output = T> + Send>>;

/// The crate under test's functions, with [`Value`] for every `T` and [`Erased`] for every `F`.
pub struct Table {
    /// The crate's `cell()`: its setter's `set`, and its getter.
    pub cell: fn() -> (Box<dyn FnOnce(Value) + Send>, SendBoxed<Value>),
    pub timed: fn(Erased) -> SendBoxed<(Value, Duration)>,
}

pub static BOUND: Bound<Table> = Bound::new();

/// The sending half of a cell: the crate's own `Setter`, set or dropped with this one.
pub struct Setter<T> {
    set: Box<dyn FnOnce(Value) + Send>,
    /// `fn(T)`: a setter takes a `T` in. (`cell` asks `T` to be `Send`, so the setter is.)
    value: PhantomData<fn(T)>,
}

/// The receiving half of a cell: the crate's own `Getter`, polled through this one.
pub struct Getter<T> {
    getter: SendBoxed<Value>,
    /// `fn() -> T`: a getter gives a `T` out, and is `Unpin` as the boxed getter is.
    value: PhantomData<fn() -> T>,
}

pub fn cell<T: Send + Sync + 'static>() -> (Setter<T>, Getter<T>) {
    let (set, getter) = (BOUND.get().cell)();
    (
        Setter {
            set,
            value: PhantomData,
        },
        Getter {
            getter,
            value: PhantomData,
        },
    )
}

impl<T: Send + Sync + 'static> Setter<T> {
    pub fn set(self, value: T) {
        (self.set)(Box::new(value))
    }
}

impl<T: 'static> Future for Getter<T> {
    type Output = T;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<T> {
        self.getter.as_mut().poll(cx).map(take)
    }
}

/// The crate's `Timed` around the checks' future.
pub struct Timed<F: Future> {
    timed: SendBoxed<(Value, Duration)>,
    /// `fn() -> F`: the future itself is inside the crate's `Timed`, boxed.
    future: PhantomData<fn() -> F>,
}

pub fn timed<F>(future: F) -> Timed<F>
where
    F: Future + Send + 'static,
    F::Output: Send + Sync + 'static,
{
    Timed {
        timed: (BOUND.get().timed)(Erased::new(future)),
        future: PhantomData,
    }
}

impl<F: Future> Future for Timed<F>
where
    F::Output: 'static,
{
    type Output = (F::Output, Duration);

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        self.timed
            .as_mut()
            .poll(cx)
            .map(|(output, took)| (take(output), took))
    }
}

/// Any of the checks' futures, as the crate's `timed` gets it: each poll is one poll of that
/// future, with the same `Context`, its output boxed as a [`Value`].
pub struct Erased(Box<dyn FnMut(&mut Context<'_>) -> Poll<Value> + Send>);

impl Erased {
    fn new<F>(future: F) -> Self
    where
        F: Future + Send + 'static,
        F::Output: Send + Sync + 'static,
    {
        let mut future = Box::pin(future);
        Erased(Box::new(move |cx: &mut Context<'_>| {
            future
                .as_mut()
                .poll(cx)
                .map(|output| Box::new(output) as Value)
        }))
    }
}

impl Future for Erased {
    type Output = Value;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Value> {
        (self.0)(cx)
    }
}

/// A value back with the type the checks put in. The crate only moves values from its setter to
/// its getter (or from its future to its output), so the type is always the one put in.
fn take<T: 'static>(value: Value) -> T {
    match value.downcast::<T>() {
        Ok(value) => *value,
        Err(_) => panic!("the crate gave back a value that is not the one it was given"),
    }
}

/// Fills the table in from the crate under test, named `$code` in the harness.
#[macro_export]
macro_rules! bind {
    ($code:ident) => {
        $crate::BOUND.install($crate::Table {
            cell: || {
                let (setter, getter) = $code::cell::<$crate::Value>();
                // A statement, as the checks called `set`: whatever it returns is dropped.
                let set = move |value: $crate::Value| {
                    setter.set(value);
                };
                (Box::new(set), Box::pin(getter))
            },
            timed: |future| Box::pin($code::timed(future)),
        })
    };
}
