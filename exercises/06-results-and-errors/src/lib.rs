//! # Exercise 06: results and errors
//!
//! Run jobs as tasks and bring back what each one gave, failures and panics included: all of
//! them ([`collect_all`], asyncio's `gather(..., return_exceptions=True)`), or only the first
//! failure, fast, cancelling the rest ([`fail_fast`], a `TaskGroup`). The lesson is in README.md;
//! this file is the contract.
//!
//! Given: the job types ([`Job`], [`job`]), the error type [`JobError`] and its `Display`, the
//! demo's jobs and the helpers that describe an outcome. Yours: `JobError`'s `source()`, the
//! conversion from tokio's `JoinError`, [`collect_all`], [`fail_fast`] and [`run`].
//!
//! For [`run`] the grader expects this transcript (lines with the same time in any order):
//!
//! ```text
//!   0.000s  collect_all: every outcome, failures included
//!   0.800s  index.html: 5120 bytes
//!   1.200s  about.html: 2048 bytes
//!   1.200s  job 0: ok, 5120
//!   1.200s  job 1: failed: connection refused by cdn.example
//!   1.200s  job 2: panicked: feed.xml: the parser choked on line 3
//!   1.200s  job 3: ok, 2048
//!   1.200s  fail_fast: the first failure, and the rest cancelled
//!   1.500s  first failure: failed: connection refused by cdn.example
//!   2.500s  quiet: the other jobs were cancelled
//! ```

use awaitlings::say;
use std::error::Error;
use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::time::Duration;
use tokio::task::JoinError;
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
    /// The error underneath this one: for [`JobError::Failed`], the job's own error, unchanged
    /// (so a caller can walk the chain, or downcast it back to its type); `None` for a panic or a
    /// cancellation.
    fn source(&self) -> Option<&(dyn Error + 'static)> {
        todo!("return the job's own error for Failed (Some(&**error)), None otherwise")
    }
}

impl From<JoinError> for JobError {
    /// Turns the `JoinError` of a task that did not finish into a `JobError`: a panic becomes
    /// [`JobError::Panicked`] with the panic's message (the text given to `panic!`, whether it
    /// was a literal or formatted; any other payload gives the message `a panic without a
    /// message`), and a cancelled task becomes [`JobError::Cancelled`].
    ///
    /// This `From` also lets `?` convert a `JoinError` into a `JobError`.
    fn from(error: JoinError) -> Self {
        let _ = error;
        todo!(
            "a panic (error.try_into_panic()) becomes Panicked(its message), anything else Cancelled"
        )
    }
}

/// Runs every job at the same time, each as a task of its own (`tokio::spawn(job())`), waits
/// for **all** of them, and returns every outcome, in the order of `jobs`:
/// - `Ok(value)` for a job that returned `Ok(value)`;
/// - `Err(JobError::Failed(error))` for a job that returned `Err(error)`, the error kept as is;
/// - `Err(JobError::Panicked(message))` for a job that panicked. A panic in a job must not
///   become a panic here.
///
/// It takes as long as the slowest job, and a failure does not stop the other jobs.
pub async fn collect_all(jobs: Vec<Job>) -> Vec<Result<u64, JobError>> {
    let _ = jobs;
    todo!("spawn every job, then await every handle, turning each outcome into a Result")
}

/// Runs every job at the same time, each as a task of its own.
/// - If every job succeeds, returns `Ok` with their values in the order of `jobs`, once the
///   slowest is done (no jobs: `Ok` of an empty `Vec`, at once).
/// - Otherwise, as soon as the first job fails (the first **in time**, whatever its place in
///   `jobs`), cancels all the other jobs and returns that job's failure at once:
///   `JobError::Failed(error)` for an error, `JobError::Panicked(message)` for a panic. The
///   cancelled jobs do nothing more: their later lines are never said.
///
/// `tokio::task::JoinSet` gives outcomes in the order tasks finish, and can abort them all.
pub async fn fail_fast(jobs: Vec<Job>) -> Result<Vec<u64>, JobError> {
    let _ = jobs;
    todo!("spawn every job; at the first failure, abort the others and return it")
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

/// The demo: says `collect_all: every outcome, failures included`, runs [`demo_jobs`] through
/// [`collect_all`] and says `job {index}: {describe(outcome)}` for each outcome; then says
/// `fail_fast: the first failure, and the rest cancelled`, runs a fresh [`demo_jobs`] through
/// [`fail_fast`] and says `all ok: {values:?}` or `first failure: {chain(&error)}`; then sleeps
/// 1 s (long enough for any download that was not cancelled to print) and says
/// `quiet: the other jobs were cancelled`. The transcript is in this file's header.
pub async fn run() {
    todo!(
        "collect_all(demo_jobs()), say each outcome; fail_fast(demo_jobs()), say it; sleep 1 s, say quiet"
    )
}
