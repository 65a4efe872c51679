//! The facade of exercise 05 gather-vs-wait: its four functions as the checks call them
//! (`exercise::gather` and the rest), compiled once for every crate the checks are run against.
//!
//! Each function calls the crate under test's own function at once, through the table `bind!`
//! fills in, and returns the crate's own future, boxed: what runs (or is spawned) before the
//! checks first poll it is exactly what the crate's own function does.
//!
//! The crate's functions are generic over the jobs; the table holds them instantiated with one
//! job type, [`Job`]: each job the checks hand over, boxed as it is (a box forwards every poll
//! and drops what it holds when dropped, so the checks see the same polls and the same
//! cancellations). A job's result is not erased, though: `first_completed` and
//! `wait_with_timeout` hand back a `JoinSet` of the jobs' own results, and a `JoinSet` of one
//! type cannot become a `JoinSet` of another without tasks of the facade's own in it. So the
//! result type is the one every check's job gives, its name, a `&'static str`.

use awaitlings_check::facade::{Bound, Boxed};
use std::future::Future;
use std::pin::Pin;
use std::time::Duration;
use tokio::task::JoinSet;

/// A job's result: its name.
pub type Name = &'static str;

/// A job as the crate under test gets it: one of the checks' jobs, boxed.
pub type Job = Pin<Box<dyn Future<Output = Name> + Send>>;

/// What `as_completed` is handed each result with, boxed. `Send` and `'static` like every
/// callback the checks pass, so that a crate asking for either (to move it into a task) compiles
/// as it would against the checks' own closures.
pub type OnEach = Box<dyn FnMut(Name) + Send>;

/// The jobs still running when `first_completed` or `wait_with_timeout` returns.
pub type Rest = JoinSet<Name>;

/// The crate under test's functions, instantiated with [`Job`].
pub struct Table {
    pub gather: fn(Vec<Job>) -> Boxed<'static, Vec<Name>>,
    pub as_completed: fn(Vec<Job>, OnEach) -> Boxed<'static, ()>,
    pub first_completed: fn(Vec<Job>) -> Boxed<'static, (Name, Rest)>,
    pub wait_with_timeout: fn(Vec<Job>, Duration) -> Boxed<'static, (Vec<Name>, Rest)>,
}

pub static BOUND: Bound<Table> = Bound::new();

/// The checks' jobs, each boxed, in the order given. Nothing polls them here.
fn boxed<F>(jobs: Vec<F>) -> Vec<Job>
where
    F: Future<Output = Name> + Send + 'static,
{
    jobs.into_iter().map(|job| Box::pin(job) as Job).collect()
}

pub fn gather<F>(jobs: Vec<F>) -> Boxed<'static, Vec<Name>>
where
    F: Future<Output = Name> + Send + 'static,
{
    (BOUND.get().gather)(boxed(jobs))
}

pub fn as_completed<F>(
    jobs: Vec<F>,
    on_each: impl FnMut(Name) + Send + 'static,
) -> Boxed<'static, ()>
where
    F: Future<Output = Name> + Send + 'static,
{
    (BOUND.get().as_completed)(boxed(jobs), Box::new(on_each))
}

pub fn first_completed<F>(jobs: Vec<F>) -> Boxed<'static, (Name, Rest)>
where
    F: Future<Output = Name> + Send + 'static,
{
    (BOUND.get().first_completed)(boxed(jobs))
}

pub fn wait_with_timeout<F>(jobs: Vec<F>, timeout: Duration) -> Boxed<'static, (Vec<Name>, Rest)>
where
    F: Future<Output = Name> + Send + 'static,
{
    (BOUND.get().wait_with_timeout)(boxed(jobs), timeout)
}

/// Fills the table in from the crate under test, named `$code` in the harness.
#[macro_export]
macro_rules! bind {
    ($code:ident) => {
        $crate::BOUND.install($crate::Table {
            gather: |jobs| Box::pin($code::gather(jobs)),
            as_completed: |jobs, on_each| Box::pin($code::as_completed(jobs, on_each)),
            first_completed: |jobs| Box::pin($code::first_completed(jobs)),
            wait_with_timeout: |jobs, timeout| Box::pin($code::wait_with_timeout(jobs, timeout)),
        })
    };
}
