//! The facade of exercise 08 timeouts-and-cancellation: its public API as the checks call it
//! (`exercise::with_timeout` and the rest, `JobError`, `Waited`), compiled once for every crate the
//! checks are run against.
//!
//! The five tools are generic over the job. The table cannot be, so each facade function boxes
//! the checks' jobs into one type, [`Job`] (their values boxed as `dyn Any`), and the crate's tool
//! is instantiated with that; its answer is unboxed on the way out. A boxed job is polled and
//! dropped exactly when the crate polls and drops it. The crate's own function is called at once,
//! when the check calls the facade's: [`map`] only converts the output of the future the crate
//! has already made.
//!
//! The jobs are boxed `Send + 'static`, as all the checks' jobs are, so a crate that asks that of
//! a job (as `cancel_after` and `wait_detached` must) takes the boxed job as it took the checks'.

use awaitlings_check::facade::{Bound, Boxed};
use std::any::Any;
use std::fmt;
use std::future::Future;
use std::marker::PhantomData;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

/// A job's value, its type erased.
pub type Output = Box<dyn Any + Send>;

/// A job of the checks', boxed with its value erased: the one type the crate's tools are
/// instantiated with.
pub type Job = Pin<Box<dyn Future<Output = Output> + Send>>;

/// A boxed future that is `Send`: what `with_cleanup` gives, since the checks spawn it.
pub type BoxedSend<T> = Pin<Box<dyn Future<Output = T> + Send>>;

/// The crate's `JobError`, mirrored (`bind!` converts, and requires the derives the checks use).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum JobError {
    TimedOut,
    Cancelled,
    Panicked,
}

/// The crate's `Waited`, mirrored: `StillRunning` holds the crate's own task's handle.
#[derive(Debug)]
pub enum Waited<T> {
    Done(T),
    StillRunning(JoinHandle<T>),
}

/// The `tokio::task::JoinHandle` the crate's `wait_detached` gave back, as it is: awaiting it
/// awaits the crate's task (no task of the facade's in between) and gives the job's value
/// unboxed; dropping it detaches the task. Its `Debug` is tokio's.
pub struct JoinHandle<T> {
    task: tokio::task::JoinHandle<Output>,
    value: PhantomData<fn() -> T>,
}

impl<T> JoinHandle<T> {
    /// The handle of a crate's task whose job gives a `T`.
    pub fn of(task: tokio::task::JoinHandle<Output>) -> Self {
        JoinHandle {
            task,
            value: PhantomData,
        }
    }
}

impl<T: 'static> Future for JoinHandle<T> {
    type Output = Result<T, tokio::task::JoinError>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        Pin::new(&mut self.task).poll(cx).map(|r| r.map(unbox))
    }
}

impl<T> fmt::Debug for JoinHandle<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.task.fmt(f)
    }
}

/// The crate under test's tools, instantiated with [`Job`].
pub struct Table {
    pub with_timeout: fn(Duration, Job) -> Boxed<'static, Result<Output, JobError>>,
    pub cancel_after: fn(Duration, Job) -> Boxed<'static, Result<Output, JobError>>,
    pub wait_detached: fn(Duration, Job) -> Boxed<'static, Waited<Output>>,
    pub with_cleanup: fn(&'static str, Job) -> BoxedSend<Output>,
    pub all_within: fn(Duration, Vec<Job>) -> Boxed<'static, Result<Vec<Output>, JobError>>,
}

pub static BOUND: Bound<Table> = Bound::new();

/// `future`, its output converted by `f`. The caller has made `future` already (the crate's call
/// is not delayed), and this polls it exactly when it is polled itself.
pub fn map<A, B>(
    future: impl Future<Output = A>,
    f: impl FnOnce(A) -> B,
) -> impl Future<Output = B> {
    async move { f(future.await) }
}

fn erase<F>(job: F) -> Job
where
    F: Future + Send + 'static,
    F::Output: Send + 'static,
{
    Box::pin(map(job, |value| Box::new(value) as Output))
}

/// A job's value back in its type: the crate can only give back values its jobs gave.
fn unbox<T: 'static>(value: Output) -> T {
    *value
        .downcast()
        .expect("the crate under test gives back the values of the jobs it was given")
}

pub fn with_timeout<F>(limit: Duration, job: F) -> impl Future<Output = Result<F::Output, JobError>>
where
    F: Future + Send + 'static,
    F::Output: Send + 'static,
{
    map((BOUND.get().with_timeout)(limit, erase(job)), |r| {
        r.map(unbox)
    })
}

pub fn cancel_after<F>(after: Duration, job: F) -> impl Future<Output = Result<F::Output, JobError>>
where
    F: Future + Send + 'static,
    F::Output: Send + 'static,
{
    map((BOUND.get().cancel_after)(after, erase(job)), |r| {
        r.map(unbox)
    })
}

pub fn wait_detached<F>(limit: Duration, job: F) -> impl Future<Output = Waited<F::Output>>
where
    F: Future + Send + 'static,
    F::Output: Send + 'static,
{
    map(
        (BOUND.get().wait_detached)(limit, erase(job)),
        |waited| match waited {
            Waited::Done(value) => Waited::Done(unbox(value)),
            Waited::StillRunning(handle) => Waited::StillRunning(JoinHandle::of(handle.task)),
        },
    )
}

/// `Send`, as the contract asks (the checks spawn it): a crate whose future is not fails to
/// compile in `bind!`.
pub fn with_cleanup<F>(name: &'static str, job: F) -> impl Future<Output = F::Output> + Send
where
    F: Future + Send + 'static,
    F::Output: Send + 'static,
{
    map((BOUND.get().with_cleanup)(name, erase(job)), unbox)
}

pub fn all_within<F>(
    limit: Duration,
    steps: Vec<F>,
) -> impl Future<Output = Result<Vec<F::Output>, JobError>>
where
    F: Future + Send + 'static,
    F::Output: Send + 'static,
{
    let steps = steps.into_iter().map(erase).collect();
    map((BOUND.get().all_within)(limit, steps), |r| {
        r.map(|values| values.into_iter().map(unbox).collect())
    })
}

/// Fills the table in from the crate under test, named `$code` in the harness.
#[macro_export]
macro_rules! bind {
    ($code:ident) => {{
        // The checks copy, compare and print the crate's JobError: without these derives, they
        // could not call the crate, as when they were compiled against it.
        fn derives<E: Copy + ::std::fmt::Debug + PartialEq>() {}
        derives::<$code::JobError>();
        // Typed, so that a crate whose tool answers otherwise is told what was expected.
        fn answer<T>(result: Result<T, $code::JobError>) -> Result<T, $crate::JobError> {
            result.map_err(|e| match e {
                $code::JobError::TimedOut => $crate::JobError::TimedOut,
                $code::JobError::Cancelled => $crate::JobError::Cancelled,
                $code::JobError::Panicked => $crate::JobError::Panicked,
            })
        }
        $crate::BOUND.install($crate::Table {
            with_timeout: |limit, job| {
                Box::pin($crate::map($code::with_timeout(limit, job), answer))
            },
            cancel_after: |after, job| {
                Box::pin($crate::map($code::cancel_after(after, job), answer))
            },
            wait_detached: |limit, job| {
                Box::pin($crate::map(
                    $code::wait_detached(limit, job),
                    |waited: $code::Waited<$crate::Output>| match waited {
                        $code::Waited::Done(value) => $crate::Waited::Done(value),
                        $code::Waited::StillRunning(task) => {
                            $crate::Waited::StillRunning($crate::JoinHandle::of(task))
                        }
                    },
                ))
            },
            with_cleanup: |name, job| Box::pin($code::with_cleanup(name, job)),
            all_within: |limit, steps| {
                Box::pin($crate::map($code::all_within(limit, steps), answer))
            },
        })
    }};
}
