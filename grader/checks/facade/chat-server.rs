//! The facade of exercise 12 chat-server: its public API as the checks call it (`exercise::serve`,
//! `Hub`, `Listener`, `BACKLOG`), compiled once for every crate the checks are run against.
//!
//! The checks spawn `serve` on listeners of their own (pipes they can break, a `TcpListener`), so
//! `serve` here takes any [`Listener`] of the facade's, boxes it, and hands the crate's own `serve`
//! an adapter that implements the crate's `Listener` (see `bind!`): its connections are the
//! checks' connections, boxed, byte for byte the same. The crate's `serve` is called at once and
//! its future returned boxed, `Send` as `tokio::spawn` wants it: a crate whose `serve` is not
//! `Send` fails to compile in `bind!`, as it failed in the checks before.

use awaitlings_check::facade::Bound;
use std::any::Any;
use std::future::Future;
use std::io;
use std::pin::Pin;
use tokio::io::{AsyncRead, AsyncWrite};

/// The contract's capacity. A facade cannot take a constant from the crate under test, so this is
/// the stub's value, and `bind!` refuses to compile a crate whose `BACKLOG` is not this one: the
/// checks work out what a stalled client must hear from it.
pub const BACKLOG: usize = 32;

/// The crate's `Listener`, as the checks implement it (the same bounds, the same `accept`).
pub trait Listener: Send + 'static {
    /// One connection: bytes in, bytes out.
    type Conn: AsyncRead + AsyncWrite + Unpin + Send + 'static;

    /// Waits for the next connection.
    fn accept(&mut self) -> impl Future<Output = io::Result<Self::Conn>> + Send;
}

/// A connection of any of the checks' listeners. (One trait, so it can be a `dyn` object.)
pub trait Stream: AsyncRead + AsyncWrite + Unpin + Send + 'static {}

impl<T: AsyncRead + AsyncWrite + Unpin + Send + 'static> Stream for T {}

/// What the crate's `serve` gets as its connections: the checks' own, boxed (tokio forwards every
/// read and write of a `Box` to what it holds).
pub type Conn = Box<dyn Stream>;

/// A listener of the checks with its type erased, so that one table entry serves them all.
pub trait DynListener: Send + 'static {
    fn accept_boxed(&mut self) -> Pin<Box<dyn Future<Output = io::Result<Conn>> + Send + '_>>;
}

impl<L: Listener> DynListener for L {
    fn accept_boxed(&mut self) -> Pin<Box<dyn Future<Output = io::Result<Conn>> + Send + '_>> {
        // The checks' `accept` is called now, as the crate asks; the block only boxes what it
        // gives.
        let accepting = Listener::accept(self);
        Box::pin(async move { Ok(Box::new(accepting.await?) as Conn) })
    }
}

/// The crate's `Hub`, boxed: `bind!` makes it with the crate's `Hub::new` and unboxes it for the
/// crate's `serve`, the only two things the checks do with a `Hub`.
pub struct Hub(pub Box<dyn Any + Send>);

// No `Default`: the checks make every room with `Hub::new()`, and one here would call the crate's
// `Hub::new`, not its `Default`.
#[allow(clippy::new_without_default)]
impl Hub {
    /// A new, empty chat room: the crate's `Hub::new()`.
    pub fn new() -> Hub {
        (BOUND.get().hub_new)()
    }
}

/// `serve`'s future: the crate's own, boxed, and `Send` because the checks spawn it.
pub type Serving = Pin<Box<dyn Future<Output = io::Result<()>> + Send>>;

/// The crate under test's functions, boxed.
pub struct Table {
    pub hub_new: fn() -> Hub,
    pub serve: fn(Box<dyn DynListener>, Hub) -> Serving,
}

pub static BOUND: Bound<Table> = Bound::new();

/// The crate's `serve`, on the checks' listener.
pub fn serve<L: Listener>(listener: L, hub: Hub) -> Serving {
    (BOUND.get().serve)(Box::new(listener), hub)
}

/// Fills the table in from the crate under test, named `$code` in the harness.
#[macro_export]
macro_rules! bind {
    ($code:ident) => {{
        const _: () = assert!(
            $code::BACKLOG == $crate::BACKLOG,
            "BACKLOG is given by the exercise: 32"
        );

        /// A listener of the checks, as the crate's `Listener`.
        struct Checks(Box<dyn $crate::DynListener>);

        impl $code::Listener for Checks {
            type Conn = $crate::Conn;

            fn accept(
                &mut self,
            ) -> impl ::std::future::Future<Output = ::std::io::Result<$crate::Conn>> + Send
            {
                self.0.accept_boxed()
            }
        }

        $crate::BOUND.install($crate::Table {
            hub_new: || $crate::Hub(Box::new($code::Hub::new())),
            serve: |listener, hub| {
                let hub = hub
                    .0
                    .downcast::<$code::Hub>()
                    .expect("every Hub is made by bind!'s hub_new");
                Box::pin($code::serve(Checks(listener), *hub))
            },
        })
    }};
}
