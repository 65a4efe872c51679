//! Exercise 08, solved: timeouts and cancellation.
//!
//! Five small tools, each the tokio spelling of an asyncio idiom:
//!
//! | asyncio                                  | here              | tokio                                  |
//! |------------------------------------------|-------------------|----------------------------------------|
//! | `await asyncio.wait_for(job, limit)`     | [`with_timeout`]  | `tokio::time::timeout(limit, job)`     |
//! | `task.cancel()`, then `await task`       | [`cancel_after`]  | `handle.abort()`, then `handle.await`  |
//! | `wait_for(asyncio.shield(task), limit)`  | [`wait_detached`] | `timeout(limit, &mut handle)`, kept    |
//! | `try: ... finally: cleanup()`            | [`with_cleanup`]  | a guard whose `Drop` does the cleanup  |
//! | `async with asyncio.timeout(limit): ...` | [`all_within`]    | one deadline: `timeout_at(deadline, ..)` |
//!
//! The one idea behind all of them: a Rust future only makes progress while someone polls it, so
//! *cancelling a future is dropping it*. Nothing is raised inside it; it simply is never polled
//! again, and its destructors run (that is where cleanup goes). A spawned task is polled by the
//! runtime instead, so it is cancelled by asking the runtime to drop it: `JoinHandle::abort`.

use awaitlings::say;
use std::fmt;
use std::future::Future;
use std::time::Duration;
use tokio::task::JoinHandle;
use tokio::time::{Instant, sleep, timeout, timeout_at};

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

/// Runs `job`, but gives up on it after `limit`: its value if it finishes in time (as soon as it
/// does), `Err(JobError::TimedOut)` at `limit` otherwise. A job that runs out of time is cancelled:
/// dropped at that instant, never polled again.
pub async fn with_timeout<F: Future>(limit: Duration, job: F) -> Result<F::Output, JobError> {
    // `timeout` polls `job` and a timer together and returns with whichever is ready first. When
    // the timer wins, the `Timeout` future returns `Err(Elapsed)` and drops `job` on the spot: that
    // drop *is* the cancellation. Nothing runs inside the job afterwards.
    timeout(limit, job)
        .await
        .map_err(|_elapsed| JobError::TimedOut)
}

/// Spawns `job` as a task and cancels it if it is still running after `after`: its value as soon
/// as it finishes within `after`; otherwise the task is aborted, and `Err(JobError::Cancelled)` is
/// returned once the task is really gone. A panicking job: `Err(JobError::Panicked)`, when it ends.
pub async fn cancel_after<F>(after: Duration, job: F) -> Result<F::Output, JobError>
where
    F: Future + Send + 'static,
    F::Output: Send + 'static,
{
    let mut handle = tokio::spawn(job);
    // Wait for the task, but no longer than `after`. Time out on `&mut handle`, not on `handle`:
    // by value, the timeout would own the handle and drop it when it fires, and dropping a
    // JoinHandle does *not* stop the task, it only detaches it. We need the handle to stop it.
    let joined = match timeout(after, &mut handle).await {
        Ok(joined) => joined,
        Err(_elapsed) => {
            // `abort` only *asks*: the runtime drops the task's future the next time it gets to
            // it. Awaiting the handle waits until it has (its cleanup has run by then), and gives
            // `Err(JoinError)` that says "cancelled" (or the value, if the task finished first).
            handle.abort();
            handle.await
        }
    };
    // A JoinError is either a cancellation or a panic; say which.
    joined.map_err(|error| {
        if error.is_cancelled() {
            JobError::Cancelled
        } else {
            JobError::Panicked
        }
    })
}

/// Spawns `job` as a task and waits for it at most `limit`: `Waited::Done(value)` as soon as it
/// finishes within the limit; otherwise `Waited::StillRunning(handle)` at `limit`, with the task
/// left running, so its value can be collected later by awaiting the handle. (A job that panics
/// within the limit panics here too.)
pub async fn wait_detached<F>(limit: Duration, job: F) -> Waited<F::Output>
where
    F: Future + Send + 'static,
    F::Output: Send + 'static,
{
    // The task is the shield: the runtime polls it, whoever waits for it. Timing out on
    // `&mut handle` stops only our *waiting*; the task, and the handle to collect it, live on.
    let mut handle = tokio::spawn(job);
    match timeout(limit, &mut handle).await {
        Ok(Ok(value)) => Waited::Done(value),
        // Nobody else holds the handle, so nobody can abort the task: a JoinError is a panic.
        Ok(Err(error)) => std::panic::resume_unwind(error.into_panic()),
        Err(_elapsed) => Waited::StillRunning(handle),
    }
}

/// Runs `job` and returns its value; says `{name}: cleaned up` once when the job ends, however it
/// ends: finished, or cancelled at an `.await` (timed out, aborted, dropped), at that instant.
pub async fn with_cleanup<F: Future>(name: &'static str, job: F) -> F::Output {
    // A cancelled future is dropped where it last waited; the code after that `.await` never runs.
    // So the cleanup cannot be a line after `job.await`. It goes in a destructor: the guard lives
    // in this future's state, and is dropped with it, whether it finishes or is cancelled.
    // (Name it `_cleanup`, not `_`: `let _ = ...` drops the value at once.)
    let _cleanup = Cleanup(name);
    job.await
}

/// Says `{name}: cleaned up` when dropped: Rust's `finally`.
struct Cleanup(&'static str);

impl Drop for Cleanup {
    fn drop(&mut self) {
        say!("{}: cleaned up", self.0);
    }
}

/// Runs `steps` one after another, all under one deadline `limit` from the call: the outputs in
/// order if all finish in time (as soon as the last one does), `Err(JobError::TimedOut)` at the
/// deadline otherwise, cancelling the step that was running and never starting the rest.
pub async fn all_within<F: Future>(
    limit: Duration,
    steps: Vec<F>,
) -> Result<Vec<F::Output>, JobError> {
    // One deadline, fixed once, shared by every step: a step that starts late gets only what is
    // left. (`timeout(limit, step)` for each step would restart the clock every time.)
    let deadline = Instant::now() + limit;
    let mut outputs = Vec::with_capacity(steps.len());
    for step in steps {
        let output = timeout_at(deadline, step)
            .await
            .map_err(|_elapsed| JobError::TimedOut)?;
        outputs.push(output);
    }
    Ok(outputs)
}

/// A job for the demo: says `{name}: started`, then `{name}: {s}/{secs} s` after each second,
/// and returns `"{name} done"`. (Given: nothing to write here.)
pub async fn work(name: &'static str, secs: u64) -> String {
    say!("{name}: started");
    for s in 1..=secs {
        sleep(Duration::from_secs(1)).await;
        say!("{name}: {s}/{secs} s");
    }
    format!("{name} done")
}

/// The demo's kitchen, one tool after another (given: read it to see the tools in use). Every limit
/// ends on a half second and every job step on a whole one, so no two things happen at the same
/// instant by accident.
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
