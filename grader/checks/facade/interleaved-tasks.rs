//! The facade of exercise 03 interleaved-tasks: its public API as the checks call it
//! (`exercise::up` and the rest), compiled once for every crate the checks are run against.
//!
//! Each function calls the crate under test's own function at once, through the table `bind!`
//! fills in, and returns the crate's own future, boxed: a future the checks never await never
//! runs, exactly as the crate's would not. `spawn_all` hands back the crate's own `JoinHandle`s.

use awaitlings_check::facade::{Bound, Boxed};
use std::future::Future;
use std::pin::Pin;
use tokio::task::JoinHandle;

/// A boxed future that is `Send`: `run_all`'s, which a check spawns as a task of its own (to see
/// its panic as a `JoinError`), so a crate whose `run_all` future is not `Send` still fails to
/// compile, as it did when the checks called the crate directly.
pub type SendBoxed = Pin<Box<dyn Future<Output = ()> + Send>>;

/// The crate under test's functions, boxed.
pub struct Table {
    pub up: fn(u32) -> Boxed<'static, ()>,
    pub down: fn(u32) -> Boxed<'static, ()>,
    pub powers: fn(u64) -> Boxed<'static, ()>,
    pub spawn_all: fn(u32, u64) -> Vec<JoinHandle<()>>,
    pub run_all: fn(u32, u64) -> SendBoxed,
}

pub static BOUND: Bound<Table> = Bound::new();

pub fn up(maximum: u32) -> Boxed<'static, ()> {
    (BOUND.get().up)(maximum)
}

pub fn down(maximum: u32) -> Boxed<'static, ()> {
    (BOUND.get().down)(maximum)
}

pub fn powers(n: u64) -> Boxed<'static, ()> {
    (BOUND.get().powers)(n)
}

pub fn spawn_all(maximum: u32, n: u64) -> Vec<JoinHandle<()>> {
    (BOUND.get().spawn_all)(maximum, n)
}

pub fn run_all(maximum: u32, n: u64) -> SendBoxed {
    (BOUND.get().run_all)(maximum, n)
}

/// Fills the table in from the crate under test, named `$code` in the harness.
#[macro_export]
macro_rules! bind {
    ($code:ident) => {
        $crate::BOUND.install($crate::Table {
            up: |maximum| Box::pin($code::up(maximum)),
            down: |maximum| Box::pin($code::down(maximum)),
            powers: |n| Box::pin($code::powers(n)),
            spawn_all: $code::spawn_all,
            run_all: |maximum, n| Box::pin($code::run_all(maximum, n)),
        })
    };
}
