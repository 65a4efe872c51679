//! The facade of exercise 07 task-pools: its public API as the checks call it (`exercise::run_pool`,
//! `exercise::run_jobs`, `exercise::PoolError`), compiled once for every crate the checks are run
//! against.
//!
//! Each function calls the crate under test's own function at once, through the table `bind!`
//! fills in, and returns the crate's own future, boxed; only its output is converted (the crate's
//! `PoolError` into the facade's), on the poll that brings it, by a future that forwards each poll
//! once. The pool takes the checks' jobs one by one, as it did without the facade: each job is
//! boxed when the pool takes it, and its closure called when the pool calls it.

use awaitlings_check::facade::{Bound, Boxed};
use std::fmt;
use std::future::Future;
use std::pin::Pin;

/// Why `run_pool` could not run the jobs at all: the crate's `PoolError`, variant for variant.
/// `bind!` converts the crate's values into these, and [`fmt::Display`] asks the crate's own.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PoolError {
    /// `k` was 0: a pool with no slots could never start a single job.
    NoWorkers,
}

impl fmt::Display for PoolError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        (BOUND.get().display)(*self, f)
    }
}

/// A job as the crate's `run_pool` gets it: the checks' jobs all return `Result<u32, String>`,
/// so the crate's `T` and `E` stay the very types they were before the facade (a crate that asks
/// more of them, `E: Debug` say, compiles as it did), and a job is the checks' own `Job` type.
pub type PoolJob = Box<dyn FnOnce() -> PoolFuture + Send>;

/// A job's future, boxed.
pub type PoolFuture = Pin<Box<dyn Future<Output = Result<u32, String>> + Send>>;

/// The jobs, taken one at a time when the pool asks for the next. `Send`, as the checks' own
/// iterators are, so a pool that hands its iterator to another task compiles as before.
pub type PoolJobs<'a> = Box<dyn Iterator<Item = PoolJob> + Send + 'a>;

/// What the crate's `run_pool` returns for the checks' jobs, and its `run_jobs` for the demo's.
pub type Results<T> = Result<Vec<Result<T, String>>, PoolError>;

/// The crate under test's functions, boxed, and its `PoolError`'s `Display`.
pub struct Table {
    pub run_pool: for<'a> fn(PoolJobs<'a>, usize) -> Boxed<'a, Results<u32>>,
    pub run_jobs: for<'a> fn(&'a [u64], usize) -> Boxed<'a, Results<String>>,
    pub display: fn(PoolError, &mut fmt::Formatter<'_>) -> fmt::Result,
}

pub static BOUND: Bound<Table> = Bound::new();

/// The crate's `run_pool`, with each job boxed as the pool takes it (`next()` on the iterator
/// boxes one job, and calls nothing of it).
pub fn run_pool<'a, I, F, Fut>(jobs: I, k: usize) -> Boxed<'a, Results<u32>>
where
    I: IntoIterator<Item = F>,
    I::IntoIter: Send + 'a,
    F: FnOnce() -> Fut + Send + 'static,
    Fut: Future<Output = Result<u32, String>> + Send + 'static,
{
    let jobs = jobs
        .into_iter()
        .map(|job| -> PoolJob { Box::new(move || -> PoolFuture { Box::pin(job()) }) });
    (BOUND.get().run_pool)(Box::new(jobs), k)
}

pub fn run_jobs(durations: &[u64], k: usize) -> Boxed<'_, Results<String>> {
    (BOUND.get().run_jobs)(durations, k)
}

/// Converts the crate's future's output on the way out (named by `bind!`'s expansion).
pub use awaitlings_check::facade::converted;

/// Fills the table in from the crate under test, named `$code` in the harness.
#[macro_export]
macro_rules! bind {
    ($code:ident) => {{
        // The checks compared the crate's `PoolError` with `==`, and showed it with `{:?}` and
        // `{}`: a crate without those cannot be called, as before the facade.
        fn _shown_and_compared<E: PartialEq + ::std::fmt::Debug + ::std::fmt::Display>() {}
        _shown_and_compared::<$code::PoolError>();
        fn from_code<T>(
            results: Result<Vec<Result<T, String>>, $code::PoolError>,
        ) -> $crate::Results<T> {
            results.map_err(|error| match error {
                $code::PoolError::NoWorkers => $crate::PoolError::NoWorkers,
            })
        }
        $crate::BOUND.install($crate::Table {
            run_pool: |jobs, k| $crate::converted($code::run_pool(jobs, k), from_code),
            run_jobs: |durations, k| $crate::converted($code::run_jobs(durations, k), from_code),
            display: |error, f| {
                let error = match error {
                    $crate::PoolError::NoWorkers => $code::PoolError::NoWorkers,
                };
                ::std::fmt::Display::fmt(&error, f)
            },
        })
    }};
}
