//! The facade of exercise 10 blocking-pitfalls: its public API as the checks call it
//! (`exercise::run_jobs` and the rest), compiled once for every crate the checks are run against.
//!
//! Each function calls the crate under test's own function at once, through the table `bind!`
//! fills in: the plain functions return what the crate's return, and the async ones the crate's
//! own future, boxed, so what runs on which thread, and when, is exactly the crate's.

use awaitlings_check::facade::{Bound, Boxed};
use std::path::Path;
use std::time::Duration;

/// The heartbeat's period. A constant cannot come from a table filled in at run time, so the
/// facade holds the contract's value (the stub gives it; the checks' messages say "100 ms"), and
/// `bind!` requires the crate's `BEAT` to be a `Duration`, as the checks did. A crate that changed
/// the value is judged against the contract's.
pub const BEAT: Duration = Duration::from_millis(100);

/// How long `count_lines` must take at least (real time): the contract's value, like [`BEAT`].
pub const SLOW_DISK: Duration = Duration::from_secs(1);

/// A blocking job, the crate's `Job` field for field: the checks build it as a literal, and
/// `bind!` moves both fields into the crate's own `Job`, so the crate runs the checks' very
/// closure.
pub struct Job {
    /// Said before the result: `{name}: {result}`.
    pub name: String,
    /// The work itself: plain, blocking code, called once.
    pub work: Box<dyn FnOnce() -> String + Send + 'static>,
}

/// The crate under test's functions. The plain ones are called from the blocking pool's threads
/// too, which the table (plain function pointers) allows.
pub struct Table {
    pub count_primes: fn(u64) -> u64,
    pub count_lines: fn(&Path) -> std::io::Result<usize>,
    pub heartbeat: fn(u32) -> Boxed<'static, ()>,
    pub run_jobs: fn(Vec<Job>, u32) -> Boxed<'static, Vec<String>>,
    pub run: for<'a> fn(u64, &'a Path, u32) -> Boxed<'a, Vec<String>>,
}

pub static BOUND: Bound<Table> = Bound::new();

pub fn count_primes(below: u64) -> u64 {
    (BOUND.get().count_primes)(below)
}

pub fn count_lines(path: &Path) -> std::io::Result<usize> {
    (BOUND.get().count_lines)(path)
}

pub fn heartbeat(ticks: u32) -> Boxed<'static, ()> {
    (BOUND.get().heartbeat)(ticks)
}

pub fn run_jobs(jobs: Vec<Job>, ticks: u32) -> Boxed<'static, Vec<String>> {
    (BOUND.get().run_jobs)(jobs, ticks)
}

pub fn run(below: u64, path: &Path, ticks: u32) -> Boxed<'_, Vec<String>> {
    (BOUND.get().run)(below, path, ticks)
}

/// Fills the table in from the crate under test, named `$code` in the harness.
#[macro_export]
macro_rules! bind {
    ($code:ident) => {{
        // The checks use the crate's constants as `Duration`s: a crate without them, or with
        // another type, cannot be called, as before the facade.
        let _: ::std::time::Duration = $code::BEAT;
        let _: ::std::time::Duration = $code::SLOW_DISK;
        $crate::BOUND.install($crate::Table {
            count_primes: |below| $code::count_primes(below),
            count_lines: |path| $code::count_lines(path),
            heartbeat: |ticks| Box::pin($code::heartbeat(ticks)),
            run_jobs: |jobs, ticks| {
                // The crate's `Job`, built the way the checks built theirs: a literal of both
                // fields, done before the call, so the call itself is the crate's alone.
                let jobs: Vec<$code::Job> = jobs
                    .into_iter()
                    .map(|job| $code::Job {
                        name: job.name,
                        work: job.work,
                    })
                    .collect();
                Box::pin($code::run_jobs(jobs, ticks))
            },
            run: |below, path, ticks| Box::pin($code::run(below, path, ticks)),
        })
    }};
}
