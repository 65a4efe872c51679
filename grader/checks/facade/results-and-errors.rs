//! The facade of exercise 06 results-and-errors: its public API as the checks call it
//! (`exercise::collect_all`, `fail_fast`, `run`, `JobError` and the job types), compiled once for
//! every crate the checks are run against.
//!
//! Each function calls the crate under test's own function at once and returns the crate's own
//! future, boxed; where the output holds a `JobError`, the box only turns the crate's `JobError`
//! into the facade's when the crate's future is ready.
//!
//! `JobError` here is a mirror of the crate's: the same variants, holding the same values (a
//! `Failed` holds the job's very error, so it still downcasts back). What the crate implements for
//! it (`From<JoinError>`, `Display`, `Error::source`) is the crate's own code, reached through the
//! table.

use awaitlings_check::facade::{Bound, Boxed};
use std::error::Error;
use std::fmt;
use std::future::Future;
use std::pin::Pin;
use tokio::task::JoinError;

/// Any error a job can fail with, boxed (the crate's, which `bind!` checks is the same type).
pub type BoxError = Box<dyn Error + Send + Sync + 'static>;

/// What running a job gives.
pub type JobOutput = Result<u64, BoxError>;

/// A job: a closure that, once called, gives the future doing the work.
pub type Job = Box<dyn FnOnce() -> Pin<Box<dyn Future<Output = JobOutput> + Send>> + Send>;

/// Why a job did not give its value: the crate's `JobError`, variant for variant.
#[derive(Debug)]
pub enum JobError {
    Failed(BoxError),
    Panicked(String),
    Cancelled,
}

impl fmt::Display for JobError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        (BOUND.get().display)(self, f)
    }
}

impl Error for JobError {
    fn source(&self) -> Option<&(dyn Error + 'static)> {
        (BOUND.get().source)(self)
    }
}

impl From<JoinError> for JobError {
    fn from(error: JoinError) -> Self {
        (BOUND.get().from_join_error)(error)
    }
}

/// What the crate's `Display` and `source()` are asked about in place of a `Failed`'s error: the
/// error stays in the facade's `JobError` (the crate's gets a copy of its words), and a `source()`
/// that gives this stand-in back is taken to give the error itself (see [`source_of`]).
///
/// Its own `source()` is `None`: a crate that answers with its job error's source instead of the
/// error gets `None`, which is what every error the checks make has as its source.
#[derive(Debug)]
pub struct Standin {
    display: String,
}

impl Standin {
    pub fn of(error: &BoxError) -> Standin {
        Standin {
            display: error.to_string(),
        }
    }
}

impl fmt::Display for Standin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.display)
    }
}

impl Error for Standin {}

/// `error.source()`, from what the crate's `source()` gave for `error`'s copy: the stand-in
/// becomes `error`'s own job error; anything else (`None`, an error of the crate's) is the crate's
/// answer as it is. `bind!` leaks the copy it asked, so that an answer borrowed from it lives as
/// long as `error`: a few bytes per call, in a check process that makes a handful of calls.
pub fn source_of<'a>(
    error: &'a JobError,
    answer: Option<&'static (dyn Error + 'static)>,
) -> Option<&'a (dyn Error + 'static)> {
    match (error, answer) {
        (JobError::Failed(inner), Some(source)) if source.is::<Standin>() => Some(&**inner),
        (_, answer) => answer,
    }
}

/// What `collect_all` gives: every outcome, in the order of the jobs.
pub type Outcomes = Vec<Result<u64, JobError>>;

/// What `fail_fast` gives: every value, or the first failure.
pub type Values = Result<Vec<u64>, JobError>;

/// The crate under test's functions, boxed.
pub struct Table {
    pub from_join_error: fn(JoinError) -> JobError,
    pub display: fn(&JobError, &mut fmt::Formatter<'_>) -> fmt::Result,
    pub source: for<'a> fn(&'a JobError) -> Option<&'a (dyn Error + 'static)>,
    pub collect_all: fn(Vec<Job>) -> Boxed<'static, Outcomes>,
    pub fail_fast: fn(Vec<Job>) -> Boxed<'static, Values>,
    pub run: fn() -> Boxed<'static, ()>,
}

pub static BOUND: Bound<Table> = Bound::new();

pub fn collect_all(jobs: Vec<Job>) -> Boxed<'static, Outcomes> {
    (BOUND.get().collect_all)(jobs)
}

pub fn fail_fast(jobs: Vec<Job>) -> Boxed<'static, Values> {
    (BOUND.get().fail_fast)(jobs)
}

pub fn run() -> Boxed<'static, ()> {
    (BOUND.get().run)()
}

/// Fills the table in from the crate under test, named `$code` in the harness.
#[macro_export]
macro_rules! bind {
    ($code:ident) => {{
        /// The crate's `JobError` as the facade's: the same variant, the same values.
        fn mirror(error: $code::JobError) -> $crate::JobError {
            match error {
                $code::JobError::Failed(error) => $crate::JobError::Failed(error),
                $code::JobError::Panicked(message) => $crate::JobError::Panicked(message),
                $code::JobError::Cancelled => $crate::JobError::Cancelled,
            }
        }

        /// The facade's `JobError` as the crate's, to ask the crate about it: a `Failed` holds
        /// a stand-in for its error (the error itself stays where it is).
        fn copy(error: &$crate::JobError) -> $code::JobError {
            match error {
                $crate::JobError::Failed(error) => {
                    $code::JobError::Failed(Box::new($crate::Standin::of(error)))
                }
                $crate::JobError::Panicked(message) => $code::JobError::Panicked(message.clone()),
                $crate::JobError::Cancelled => $code::JobError::Cancelled,
            }
        }

        $crate::BOUND.install($crate::Table {
            from_join_error: |error| mirror(<$code::JobError>::from(error)),
            display: |error, f| ::std::fmt::Display::fmt(&copy(error), f),
            source: |error| {
                let asked: &'static $code::JobError = Box::leak(Box::new(copy(error)));
                $crate::source_of(error, ::std::error::Error::source(asked))
            },
            collect_all: |jobs| {
                let collecting = $code::collect_all(jobs);
                Box::pin(async move {
                    let outcomes = collecting.await;
                    outcomes.into_iter().map(|o| o.map_err(mirror)).collect()
                })
            },
            fail_fast: |jobs| {
                let failing_fast = $code::fail_fast(jobs);
                Box::pin(async move { failing_fast.await.map_err(mirror) })
            },
            run: || Box::pin($code::run()),
        })
    }};
}
