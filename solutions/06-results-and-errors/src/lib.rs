//! Exercise 06, solved: every result (failures and panics included), or the first failure fast.
//!
//! A spawned task can end three ways: with its value, with a panic, or cancelled. tokio keeps the
//! last two apart from the first: awaiting the task's `JoinHandle` gives `Ok(output)` or an
//! `Err(JoinError)` that says which. Here the output of a job is itself a `Result` (the job's own
//! error), so one job has four outcomes, and [`JobError`] names the three that are failures.
//!
//! - [`collect_all`] is asyncio's `gather(..., return_exceptions=True)`: every job runs to its
//!   end, and every outcome comes back, in input order, failures as values;
//! - [`fail_fast`] is a `TaskGroup` (or `gather` that also cancels the rest): the first failure,
//!   the first *in time*, is returned the instant it happens, and the other jobs are cancelled.

use awaitlings::say;
use std::any::Any;
use std::error::Error;
use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::time::Duration;
use tokio::task::{JoinError, JoinHandle, JoinSet};
use tokio::time::sleep;

/// Any error a job can fail with, boxed: `Send + Sync` so it can leave the task that made it.
pub type BoxError = Box<dyn Error + Send + Sync + 'static>;

/// What running a job gives: a number (say, the bytes downloaded) or the job's own error.
pub type JobOutput = Result<u64, BoxError>;

/// A job: a closure that, once called, gives the future doing the work (the way an `async def`
/// function gives a coroutine once called). Build one with [`job`].
pub type Job = Box<dyn FnOnce() -> Pin<Box<dyn Future<Output = JobOutput> + Send>> + Send>;

/// Makes a [`Job`] out of a closure returning a future:
/// `job(|| async { sleep(Duration::from_secs(1)).await; Ok(42) })`.
pub fn job<F, Fut>(make: F) -> Job
where
    F: FnOnce() -> Fut + Send + 'static,
    Fut: Future<Output = JobOutput> + Send + 'static,
{
    Box::new(move || Box::pin(make()))
}

/// Why a job did not give its value.
#[derive(Debug)]
pub enum JobError {
    /// The job returned an error. The error is kept as it is: it is this error's `source()`.
    Failed(BoxError),
    /// The job's task panicked; this is the panic's message.
    Panicked(String),
    /// The job's task was cancelled (aborted) before it finished.
    Cancelled,
}

impl fmt::Display for JobError {
    // The Display of an error says what *this* layer knows, and leaves the rest to `source()`:
    // "failed", not "failed: connection refused". A report that walks the chain (see [`chain`])
    // then says each thing once.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            JobError::Failed(_) => write!(f, "failed"),
            JobError::Panicked(message) => write!(f, "panicked: {message}"),
            JobError::Cancelled => write!(f, "cancelled"),
        }
    }
}

impl Error for JobError {
    fn source(&self) -> Option<&(dyn Error + 'static)> {
        match self {
            // The job's own error, unchanged: whoever holds a JobError can still ask what really
            // went wrong, and even downcast it back to its type
            // (`error.source()?.downcast_ref::<std::io::Error>()`). `&**error` turns the
            // `&Box<dyn Error + Send + Sync>` into the `&dyn Error` that `source` returns.
            JobError::Failed(error) => Some(&**error),
            // A panic's payload is not an Error, and a cancelled task has no cause to give.
            JobError::Panicked(_) | JobError::Cancelled => None,
        }
    }
}

impl From<JoinError> for JobError {
    /// A task that did not finish: it panicked, or it was cancelled. (This `From` is also what
    /// lets `?` turn a `JoinError` into a `JobError`.)
    fn from(error: JoinError) -> Self {
        match error.try_into_panic() {
            Ok(payload) => JobError::Panicked(panic_message(payload)),
            // Not a panic: the only other way a task ends without its output.
            Err(_) => JobError::Cancelled,
        }
    }
}

/// The text of a panic. `panic!("literal")` carries a `&'static str`, `panic!("{x}")` (any
/// formatting) a `String`: try both, or half of the messages are lost.
fn panic_message(payload: Box<dyn Any + Send>) -> String {
    match payload.downcast::<String>() {
        Ok(message) => *message,
        Err(payload) => match payload.downcast_ref::<&'static str>() {
            Some(message) => message.to_string(),
            None => "a panic without a message".to_string(),
        },
    }
}

/// The outcome of one joined job, as a `Result` of ours: the task's own failure (a panic, a
/// cancellation) through `From<JoinError>` and `?`, the job's error as [`JobError::Failed`].
fn settle(joined: Result<JobOutput, JoinError>) -> Result<u64, JobError> {
    joined?.map_err(JobError::Failed)
}

/// Runs every job at once, each as a task of its own, waits for **all** of them, and returns
/// every outcome in the order of `jobs` (asyncio's `gather(*jobs, return_exceptions=True)`).
pub async fn collect_all(jobs: Vec<Job>) -> Vec<Result<u64, JobError>> {
    // Spawn them all first: from here on they run side by side, whoever we wait for.
    let handles: Vec<JoinHandle<JobOutput>> =
        jobs.into_iter().map(|job| tokio::spawn(job())).collect();

    // Then await the handles in input order. Waiting for job 0 while job 1 is already done costs
    // nothing: job 1's outcome waits in its handle. The whole takes as long as the slowest job.
    // A panic in a job is not a panic here: tokio caught it, and `handle.await` hands it over as
    // an `Err(JoinError)`, which becomes a value like any other failure.
    let mut results = Vec::with_capacity(handles.len());
    for handle in handles {
        results.push(settle(handle.await));
    }
    results
}

/// Runs every job at once, each as a task of its own. If all succeed, returns their values in the
/// order of `jobs`. At the first failure (the first in time), cancels every other job and returns
/// that failure at once (a `TaskGroup`, or `gather` that cancels the rest).
pub async fn fail_fast(jobs: Vec<Job>) -> Result<Vec<u64>, JobError> {
    let mut values = vec![0; jobs.len()];
    // A JoinSet hands back its tasks' outcomes in the order they *finish*, which is what "first
    // failure" means. Each task carries its index, so the values still land in input order.
    let mut set = JoinSet::new();
    for (index, job) in jobs.into_iter().enumerate() {
        let work = job();
        set.spawn(async move { (index, work.await) });
    }

    while let Some(joined) = set.join_next().await {
        let failure = match joined {
            Ok((index, Ok(value))) => {
                values[index] = value;
                continue;
            }
            Ok((_, Err(error))) => JobError::Failed(error),
            // The task panicked (its index went down with it; it is not needed).
            Err(join_error) => JobError::from(join_error),
        };
        // Stop the others. An aborted task is dropped at its next turn, in the middle of whatever
        // it was awaiting: its sleeps never end, its later lines are never said. (Dropping the
        // set on return would abort them too; saying so keeps the intent visible.)
        set.abort_all();
        return Err(failure);
    }
    Ok(values)
}

/// The error of the demo's `logo.png` job.
#[derive(Debug)]
pub struct Refused {
    pub host: String,
}

impl fmt::Display for Refused {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "connection refused by {}", self.host)
    }
}

impl Error for Refused {}

/// The demo's four downloads: `index.html` (5120 bytes after 0.8 s), `logo.png` (refused after
/// 0.3 s), `feed.xml` (panics after 0.5 s) and `about.html` (2048 bytes after 1.2 s). A download
/// that succeeds says `{name}: {bytes} bytes` as it finishes.
pub fn demo_jobs() -> Vec<Job> {
    vec![
        job(|| download("index.html", 800, 5120)),
        job(|| async {
            sleep(Duration::from_millis(300)).await;
            Err(Refused {
                host: "cdn.example".into(),
            }
            .into())
        }),
        job(|| async {
            sleep(Duration::from_millis(500)).await;
            panic!("feed.xml: the parser choked on line 3")
        }),
        job(|| download("about.html", 1200, 2048)),
    ]
}

async fn download(name: &'static str, millis: u64, bytes: u64) -> JobOutput {
    sleep(Duration::from_millis(millis)).await;
    say!("{name}: {bytes} bytes");
    Ok(bytes)
}

/// An error and its sources, one after another: `failed: connection refused by cdn.example`.
pub fn chain(error: &dyn Error) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text
}

/// One outcome in words: `ok, 5120`, or the error's [`chain`].
pub fn describe(outcome: &Result<u64, JobError>) -> String {
    match outcome {
        Ok(value) => format!("ok, {value}"),
        Err(error) => chain(error),
    }
}

/// The demo: [`demo_jobs`] through [`collect_all`], then through [`fail_fast`].
pub async fn run() {
    say!("collect_all: every outcome, failures included");
    let outcomes = collect_all(demo_jobs()).await;
    for (index, outcome) in outcomes.iter().enumerate() {
        say!("job {index}: {}", describe(outcome));
    }

    say!("fail_fast: the first failure, and the rest cancelled");
    match fail_fast(demo_jobs()).await {
        Ok(values) => say!("all ok: {values:?}"),
        Err(error) => say!("first failure: {}", chain(&error)),
    }
    // Had the other downloads kept running, index.html and about.html would print within this
    // second. They were cancelled: nothing comes.
    sleep(Duration::from_secs(1)).await;
    say!("quiet: the other jobs were cancelled");
}
