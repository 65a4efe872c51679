//! # Exercise 07: task pools
//!
//! Run many jobs, but never more than `k` at once, and start the next job the moment a slot
//! frees up. The lesson is in README.md; this file is the contract.
//!
//! For `run_jobs(&[2, 3, 1, 0, 2, 1, 2], 3)` (the demo) the grader expects this transcript:
//!
//! ```text
//!   0.000s  job 0 starts (2 s)
//!   0.000s  job 1 starts (3 s)
//!   0.000s  job 2 starts (1 s)
//!   1.000s  job 2 done
//!   1.000s  job 3 fails
//!   1.000s  job 4 starts (2 s)
//!   2.000s  job 0 done
//!   2.000s  job 5 starts (1 s)
//!   ...
//!   5.000s  job 6 done
//! ```
//!
//! Lines stamped with the same time may come in any order.

use std::fmt;
use std::future::Future;
use std::time::Duration;

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

/// Runs every job of `jobs`, at most `k` of them at any moment, and returns all their results in
/// the order the jobs were given.
///
/// A job is a closure that builds the job's future when called (`move || job(3, 2)`); the job
/// runs while that future is awaited. The contract, which the grader checks:
///
/// - **at most `k` at once**: a job counts from the moment its closure is called until its future
///   finishes. Never more than `k` of them, and `k` whenever enough jobs are waiting;
/// - **no idle slot**: the jobs start in the order given, each one the moment a slot is free (when
///   a job finishes, the next one starts at that same instant, not when the rest of some "batch"
///   is done);
/// - **every result, in input order**: `results[i]` is the result of the `i`-th job, whenever it
///   finished. A job that returns `Err` is a result like any other: the pool keeps going and
///   returns it in its place;
/// - **`k == 0`** returns `Err(PoolError::NoWorkers)` at once, without calling any job (a pool
///   with no slots would otherwise wait forever);
/// - **no job is started early**: a job's closure is called only when the job starts, so jobs
///   waiting their turn are never futures yet, and never tasks: at most `k` job futures exist at
///   any moment, and the pool has about `k` tasks alive at most (one per slot, plus a helper or
///   two if you like; never `2 k`), however many jobs there are. 10,000 jobs must not mean 10,000
///   tasks;
/// - no jobs: with no jobs at all, the pool returns `Ok(vec![])` at once.
///
/// Use `tokio::spawn` (or a `tokio::task::JoinSet`) to run the jobs as tasks: that is why a job
/// and its future must be `Send + 'static`. A job that panics is a bug: `run_pool` may panic too.
pub async fn run_pool<I, F, Fut, T, E>(jobs: I, k: usize) -> Result<Vec<Result<T, E>>, PoolError>
where
    I: IntoIterator<Item = F>,
    F: FnOnce() -> Fut + Send + 'static,
    Fut: Future<Output = Result<T, E>> + Send + 'static,
    T: Send + 'static,
    E: Send + 'static,
{
    let _ = (jobs.into_iter(), k);
    todo!(
        "run the jobs, at most k at a time (a JoinSet's len() counts the running ones), each result \
         in its job's place"
    )
}

/// One job of the demo (already written): works for `secs` seconds, or fails at once when `secs`
/// is 0.
///
/// Says `job {id} starts ({secs} s)`, sleeps `secs` seconds, says `job {id} done` and returns
/// `Ok("job {id}: {secs} s of work")`. With `secs == 0` it says `job {id} fails` and returns
/// `Err("job {id}: nothing to do")` without sleeping.
pub async fn job(id: usize, secs: u64) -> Result<String, String> {
    if secs == 0 {
        awaitlings::say!("job {id} fails");
        return Err(format!("job {id}: nothing to do"));
    }
    awaitlings::say!("job {id} starts ({secs} s)");
    tokio::time::sleep(Duration::from_secs(secs)).await;
    awaitlings::say!("job {id} done");
    Ok(format!("job {id}: {secs} s of work"))
}

/// Runs `job(i, durations[i])` for every duration (`i` counts from 0) through [`run_pool`] with
/// `k` slots, and returns what the pool returns.
///
/// Hand the pool closures that will call [`job`], not the futures `job` returns: the pool decides
/// when each job starts.
pub async fn run_jobs(
    durations: &[u64],
    k: usize,
) -> Result<Vec<Result<String, String>>, PoolError> {
    let _ = (durations, k);
    todo!("build one closure per duration, `move || job(id, secs)`, and give them all to run_pool")
}
