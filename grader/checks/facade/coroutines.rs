//! The facade of exercise 01 coroutines: its public API as the checks call it (`exercise::step`
//! and the rest), compiled once for every crate the checks are run against.
//!
//! Each function calls the crate under test's own function at once, through the table `bind!`
//! fills in, and returns the crate's own future, boxed: a future the checks never await never
//! runs, exactly as the crate's would not.

use awaitlings_check::facade::{Bound, Boxed};

/// The crate under test's functions, boxed.
pub struct Table {
    pub step: for<'a> fn(&'a str, u64) -> Boxed<'a, String>,
    pub breakfast_in_sequence: fn() -> Boxed<'static, Vec<String>>,
    pub breakfast_together: fn() -> Boxed<'static, Vec<String>>,
}

pub static BOUND: Bound<Table> = Bound::new();

pub fn step(name: &str, secs: u64) -> Boxed<'_, String> {
    (BOUND.get().step)(name, secs)
}

pub fn breakfast_in_sequence() -> Boxed<'static, Vec<String>> {
    (BOUND.get().breakfast_in_sequence)()
}

pub fn breakfast_together() -> Boxed<'static, Vec<String>> {
    (BOUND.get().breakfast_together)()
}

/// Fills the table in from the crate under test, named `$code` in the harness.
#[macro_export]
macro_rules! bind {
    ($code:ident) => {
        $crate::BOUND.install($crate::Table {
            step: |name, secs| Box::pin($code::step(name, secs)),
            breakfast_in_sequence: || Box::pin($code::breakfast_in_sequence()),
            breakfast_together: || Box::pin($code::breakfast_together()),
        })
    };
}
