//! # Exercise 08: timeouts and cancellation
//!
//! Five small tools, each the tokio spelling of an asyncio idiom. The lesson is in README.md; this
//! file is the contract. [`work`] (a demo job) and [`run`] (the demo's kitchen, which uses all five
//! tools) are given: read them, don't change them.
//!
//! | asyncio                                   | here              |
//! |-------------------------------------------|-------------------|
//! | `await asyncio.wait_for(job, limit)`      | [`with_timeout`]  |
//! | `task.cancel()`, then `await task`        | [`cancel_after`]  |
//! | `wait_for(asyncio.shield(task), limit)`   | [`wait_detached`] |
//! | `try: ... finally: cleanup()`             | [`with_cleanup`]  |
//! | `async with asyncio.timeout(limit): ...`  | [`all_within`]    |
//!
//! For `run()` the grader expects this transcript (times in seconds since the start):
//!
//! ```text
//!   0.000s  kettle: started
//!   1.000s  kettle: 1/1 s
//!   1.000s  kettle: Ok("kettle done")
//!   1.000s  oven: started
//!   2.000s  oven: 1/3 s
//!   2.500s  oven: Err(TimedOut)
//!   2.500s  mixer: started
//!   ...
//!   8.000s  prep: Err(TimedOut)
//!   8.000s  bread: "bread done"
//! ```
//!
//! Lines stamped with the same time may come in any order.

use awaitlings::say;
use std::fmt;
use std::future::Future;
use std::time::Duration;
use tokio::task::JoinHandle;
use tokio::time::sleep;

/// Why a job gave no value.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum JobError {
    /// The time limit (or the group's deadline) came before the job finished: asyncio's
    /// `TimeoutError`.
    TimedOut,
    /// The job's task was aborted before it finished: asyncio's `CancelledError`.
    Cancelled,
    /// The job's task panicked: in asyncio, the exception the task raised.
    Panicked,
}

impl fmt::Display for JobError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            JobError::TimedOut => "the job ran out of time",
            JobError::Cancelled => "the job was cancelled",
            JobError::Panicked => "the job panicked",
        })
    }
}

impl std::error::Error for JobError {}

/// What [`wait_detached`] gives back: the job's value, or the handle of the task still running it.
#[derive(Debug)]
pub enum Waited<T> {
    /// The job finished within the limit, with this value.
    Done(T),
    /// The limit passed first. The task runs on; await this handle later for its value.
    StillRunning(JoinHandle<T>),
}

/// Runs `job`, but gives up on it after `limit` (asyncio's `wait_for`).
///
/// - The job finishes within `limit`: returns `Ok(its value)` as soon as it finishes.
/// - It does not: returns `Err(JobError::TimedOut)` at exactly `limit`, and the job is
///   cancelled then: dropped at that instant, never polled again.
///
/// `with_timeout(1 s, a 2-second job)` is `Err(TimedOut)` at 1.000 s; `with_timeout(2 s, a
/// 1-second job)` is `Ok(..)` at 1.000 s.
pub async fn with_timeout<F: Future>(limit: Duration, job: F) -> Result<F::Output, JobError> {
    let _ = (limit, job);
    todo!(
        "race the job against a timer: tokio::time::timeout, with its error mapped to JobError::TimedOut"
    )
}

/// Spawns `job` as a task and cancels it if it is still running after `after` (asyncio's
/// `task.cancel()`).
///
/// - The job finishes within `after`: returns `Ok(its value)` as soon as it finishes.
/// - It does not: at `after` its task is aborted, and `Err(JobError::Cancelled)` is returned once
///   the task is really gone (its future dropped, its cleanup done): never before.
/// - The job panics: returns `Err(JobError::Panicked)` as soon as its task ends.
///
/// A cancelled job makes no progress after `after`.
pub async fn cancel_after<F>(after: Duration, job: F) -> Result<F::Output, JobError>
where
    F: Future + Send + 'static,
    F::Output: Send + 'static,
{
    let _ = (after, job);
    todo!(
        "tokio::spawn the job; wait for its handle at most `after`; then abort it and await the handle"
    )
}

/// Spawns `job` as a task and waits for it at most `limit`, without ever cancelling it (asyncio's
/// `wait_for(shield(task), limit)`).
///
/// - The job finishes within `limit`: returns `Waited::Done(its value)` as soon as it finishes.
/// - It does not: returns `Waited::StillRunning(handle)` at exactly `limit`. The task keeps
///   running; awaiting `handle` later gives its value.
///
/// (A job that panics within the limit makes `wait_detached` panic too.)
pub async fn wait_detached<F>(limit: Duration, job: F) -> Waited<F::Output>
where
    F: Future + Send + 'static,
    F::Output: Send + 'static,
{
    let _ = (limit, job);
    todo!("tokio::spawn the job, then time out on a *borrowed* handle, and keep the handle")
}

/// Runs `job` and returns its value, and says `{name}: cleaned up` exactly once when the job ends,
/// however it ends (asyncio's `try: ... finally:`):
///
/// - the job finishes: at the instant it finishes;
/// - the future `with_cleanup` returns is cancelled (timed out, its task aborted, or just
///   dropped): at the instant it is cancelled.
///
/// The future it returns must be `Send` whenever `job` is (so it can be spawned): hold nothing
/// like an `Rc` across the `.await`.
pub async fn with_cleanup<F: Future>(name: &'static str, job: F) -> F::Output {
    let _ = (name, job);
    todo!("say `{{name}}: cleaned up` from the Drop of a guard that lives while the job is awaited")
}

/// Runs `steps` one after another, all under **one** deadline `limit` from the call (asyncio's
/// `async with asyncio.timeout(limit):` around several awaits).
///
/// - All finish by the deadline: returns `Ok(their outputs, in order)` as soon as the last one
///   finishes.
/// - The deadline comes first: returns `Err(JobError::TimedOut)` at exactly the deadline; the step
///   running then is cancelled (dropped), and the steps after it are never started.
///
/// Three 1-second steps with `limit` 2.5 s: steps 1 and 2 finish (at 1 s and 2 s), step 3 is
/// cancelled at 2.5 s, and the result is `Err(TimedOut)` at 2.500 s.
pub async fn all_within<F: Future>(
    limit: Duration,
    steps: Vec<F>,
) -> Result<Vec<F::Output>, JobError> {
    let _ = (limit, steps);
    todo!(
        "fix one deadline (tokio::time::Instant::now() + limit) before the first step, and give every step only what is left of it"
    )
}

/// A job for the demo: says `{name}: started`, then `{name}: {s}/{secs} s` after each second,
/// and returns `"{name} done"`. (Given.)
pub async fn work(name: &'static str, secs: u64) -> String {
    say!("{name}: started");
    for s in 1..=secs {
        sleep(Duration::from_secs(1)).await;
        say!("{name}: {s}/{secs} s");
    }
    format!("{name} done")
}

/// The demo's kitchen, one tool after another (given: read it to see the tools in use). Every limit
/// lasts a half second more than a whole one and every job step a whole second, so no two things
/// happen at the same instant by accident.
pub async fn run() {
    let patience = Duration::from_millis(1500);

    // wait_for: a quick job finishes in time, a slow one is cancelled at the limit.
    let kettle = with_timeout(patience, work("kettle", 1)).await;
    say!("kettle: {kettle:?}");
    let oven = with_timeout(patience, work("oven", 3)).await;
    say!("oven: {oven:?}");

    // Task.cancel: the mixer's task is aborted, and its cleanup runs right then.
    let mixer = cancel_after(patience, with_cleanup("mixer", work("mixer", 3))).await;
    say!("mixer: {mixer:?}");

    // shield: we stop waiting for the bread, but it keeps rising; we collect it later.
    let bread = wait_detached(patience, work("bread", 3)).await;
    if let Waited::StillRunning(_) = bread {
        say!("bread: still rising, back later");
    }

    // asyncio.timeout() around three steps: one deadline for the lot.
    let steps = vec![work("wash", 1), work("chop", 1), work("fry", 1)];
    let prep = all_within(Duration::from_millis(2500), steps).await;
    say!("prep: {prep:?}");

    let bread = match bread {
        Waited::Done(value) => value,
        Waited::StillRunning(handle) => handle.await.expect("the bread's task panicked"),
    };
    say!("bread: {bread:?}");
}
