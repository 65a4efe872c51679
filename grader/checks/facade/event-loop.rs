//! The facade of exercise 02 event-loop: its public API as the checks call it (`exercise::count`,
//! `exercise::Executor` and the rest), compiled once for every crate the checks are run against.
//!
//! Each function calls the crate under test's own function at once, through the table `bind!`
//! fills in. The futures it makes (`yield_now`, `count`) come back boxed: a box forwards every
//! poll, so the checks' hand-polling sees exactly the crate's own `Pending`s and wake-ups.
//! [`Executor`] holds the crate's own executor and forwards each call to it, handing it the
//! checks' tasks and callbacks boxed: a box polls, calls and drops what it holds exactly when the
//! executor does, so the checks still count every poll and see every drop.

use awaitlings_check::facade::{Bound, Boxed};
use std::cell::RefCell;
use std::future::Future;
use std::rc::Rc;

/// The shared log the tasks write their lines to: the crate's own type, which the checks make
/// (`Log::default()`) and pass to `count`.
pub type Log = Rc<RefCell<Vec<String>>>;

/// A task as the crate's executor gets it: one of the checks' futures, boxed.
pub type Task = Boxed<'static, ()>;

/// What the checks do with an executor, as calls on the crate's own, which `bind!` implements
/// (an adapter around the crate's `Executor`).
pub trait Executing {
    fn spawn(&mut self, future: Task);
    fn call_soon(&mut self, callback: Box<dyn FnOnce()>);
    fn run(&mut self);
}

/// The crate under test's functions, boxed.
pub struct Table {
    pub yield_now: fn() -> Boxed<'static, ()>,
    pub count: fn(u32, u32, Log) -> Boxed<'static, ()>,
    pub executor: fn() -> Box<dyn Executing>,
    pub round_robin: fn() -> Vec<String>,
}

pub static BOUND: Bound<Table> = Bound::new();

pub fn yield_now() -> Boxed<'static, ()> {
    (BOUND.get().yield_now)()
}

pub fn count(id: u32, maximum: u32, log: Log) -> Boxed<'static, ()> {
    (BOUND.get().count)(id, maximum, log)
}

pub fn round_robin() -> Vec<String> {
    (BOUND.get().round_robin)()
}

/// The crate's `Executor`, made by its own `Executor::new()`.
pub struct Executor(Box<dyn Executing>);

impl Executor {
    #[allow(clippy::new_without_default)] // the checks call `new`, and the crate need have no `Default`
    pub fn new() -> Self {
        Executor((BOUND.get().executor)())
    }

    pub fn spawn(&mut self, future: impl Future<Output = ()> + 'static) {
        self.0.spawn(Box::pin(future));
    }

    pub fn call_soon(&mut self, callback: impl FnOnce() + 'static) {
        self.0.call_soon(Box::new(callback));
    }

    pub fn run(&mut self) {
        self.0.run();
    }
}

/// Fills the table in from the crate under test, named `$code` in the harness.
#[macro_export]
macro_rules! bind {
    ($code:ident) => {{
        /// The crate's executor, called by the facade's.
        struct Adapter($code::Executor);

        impl $crate::Executing for Adapter {
            fn spawn(&mut self, future: $crate::Task) {
                self.0.spawn(future)
            }
            fn call_soon(&mut self, callback: Box<dyn FnOnce()>) {
                self.0.call_soon(callback)
            }
            fn run(&mut self) {
                self.0.run()
            }
        }

        $crate::BOUND.install($crate::Table {
            yield_now: || Box::pin($code::yield_now()),
            count: |id, maximum, log| Box::pin($code::count(id, maximum, log)),
            executor: || Box::new(Adapter($code::Executor::new())),
            round_robin: || $code::round_robin(),
        })
    }};
}
