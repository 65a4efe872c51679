//! Exercise 07, solved: a task pool that runs many jobs, at most `k` at a time.
//!
//! The pool keeps its running jobs in a [`JoinSet`]: the set's length *is* the number of busy
//! slots. Before a job starts, the pool makes sure a slot is free, waiting for whichever running
//! job finishes first if none is. So a freed slot is taken the instant it frees up, never at the
//! end of a "batch", and no more than `k` jobs ever run at once.
//!
//! The jobs are closures, called only when their turn comes: a job that has not started costs a
//! closure, not a future, and never a task. Ten thousand jobs through a pool of 50 keep at most
//! 50 futures and 50 tasks alive, whatever the number of jobs.
//!
//! Each job's result goes into the slot of its index, so the results come back in the order the
//! jobs were given, whatever order they finish in. An `Err` is just another result: the pool
//! keeps going.

use awaitlings::say;
use std::fmt;
use std::future::Future;
use std::time::Duration;
use tokio::task::{JoinError, JoinSet};

/// Why [`run_pool`] could not run the jobs at all.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PoolError {
    /// `k` was 0: a pool with no slots could never start a single job.
    NoWorkers,
}

impl fmt::Display for PoolError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PoolError::NoWorkers => f.write_str("a pool needs at least one worker (k was 0)"),
        }
    }
}

impl std::error::Error for PoolError {}

/// Runs every job, at most `k` of them at any moment, and returns their results in the order the
/// jobs were given.
pub async fn run_pool<I, F, Fut, T, E>(jobs: I, k: usize) -> Result<Vec<Result<T, E>>, PoolError>
where
    I: IntoIterator<Item = F>,
    F: FnOnce() -> Fut + Send + 'static,
    Fut: Future<Output = Result<T, E>> + Send + 'static,
    T: Send + 'static,
    E: Send + 'static,
{
    // With no slots, no job could ever start: waiting for a free one would wait forever. Say so
    // at once instead (asyncio's `Semaphore(0)` would hang the same way).
    if k == 0 {
        return Err(PoolError::NoWorkers);
    }

    // The running jobs, each a task that hands back its index with its result.
    let mut running = JoinSet::new();
    // One entry per job taken so far: `None` while it runs, its result once it is done.
    let mut results: Vec<Option<Result<T, E>>> = Vec::new();

    // `jobs` is consumed lazily: the next job is taken (and its closure called) only once a slot
    // is free for it, so the jobs waiting their turn are never futures, let alone tasks.
    for (index, job) in jobs.into_iter().enumerate() {
        if running.len() == k {
            // Every slot is busy: wait for the first job to finish, whichever it is. That is
            // what frees a slot at once, instead of waiting for the whole "batch".
            if let Some(finished) = running.join_next().await {
                store(&mut results, finished);
            }
        }
        results.push(None);
        // Calling the closure builds the job's future; spawning it starts it. The task carries
        // its index, so its result lands in its own place whenever it finishes.
        let future = job();
        running.spawn(async move { (index, future.await) });
    }

    // Every job has started; wait for the last ones to finish.
    while let Some(finished) = running.join_next().await {
        store(&mut results, finished);
    }

    // Every job has finished, so every place is filled.
    Ok(results
        .into_iter()
        .map(|result| result.expect("every job has finished"))
        .collect())
}

/// Puts a finished job's result in its place. A job that panicked makes the pool panic with the
/// job's own panic: the contract says jobs report failure with `Err`, so a panic is a bug.
fn store<R>(results: &mut [Option<R>], finished: Result<(usize, R), JoinError>) {
    match finished {
        Ok((index, result)) => results[index] = Some(result),
        Err(error) if error.is_panic() => std::panic::resume_unwind(error.into_panic()),
        Err(error) => panic!("a job of the pool was cancelled: {error}"),
    }
}

/// One job of the demo: works for `secs` seconds, or fails at once when `secs` is 0.
///
/// Says `job {id} starts ({secs} s)`, sleeps `secs` seconds, says `job {id} done` and returns
/// `Ok("job {id}: {secs} s of work")`. With `secs == 0` it says `job {id} fails` and returns
/// `Err("job {id}: nothing to do")` without sleeping.
pub async fn job(id: usize, secs: u64) -> Result<String, String> {
    if secs == 0 {
        say!("job {id} fails");
        return Err(format!("job {id}: nothing to do"));
    }
    say!("job {id} starts ({secs} s)");
    tokio::time::sleep(Duration::from_secs(secs)).await;
    say!("job {id} done");
    Ok(format!("job {id}: {secs} s of work"))
}

/// Runs `job(i, durations[i])` for every duration through [`run_pool`] with `k` slots.
pub async fn run_jobs(
    durations: &[u64],
    k: usize,
) -> Result<Vec<Result<String, String>>, PoolError> {
    // Each job is a closure that *will* build the job's future when called: `job(id, secs)` is
    // not called here. `move` copies `id` and `secs` into the closure, so it owns what it needs
    // (`'static`) and can go to another task.
    let jobs = durations
        .iter()
        .enumerate()
        .map(|(id, &secs)| move || job(id, secs));
    run_pool(jobs, k).await
}
