//! Exercise 05, solved: four ways to wait for several futures at once.
//!
//! Every function starts all of its jobs first, as tasks, and only then waits. What differs is
//! *what* it waits for and what it hands back:
//!
//! - [`gather`]: every result, in the order the jobs were given (`asyncio.gather`);
//! - [`as_completed`]: every result, each the moment its job finishes (`asyncio.as_completed`);
//! - [`first_completed`]: the first result, and the rest still running (`asyncio.wait` with
//!   `FIRST_COMPLETED`);
//! - [`wait_with_timeout`]: what finished before a deadline, and the rest still running
//!   (`asyncio.wait` with `timeout=`).
//!
//! A job is any future the caller built; the functions never look inside it. Each is spawned with
//! `tokio::spawn` (or into a `JoinSet`, which spawns too), which is why a job must be `Send` and
//! `'static`: the runtime owns it from then on.

use awaitlings::say;
use std::future::Future;
use std::time::Duration;
use tokio::task::JoinSet;
use tokio::time::{Instant, sleep};

/// Runs every job at the same time and returns their results **in the order the jobs were
/// given**, whatever order they finish in (`asyncio.gather`).
pub async fn gather<F>(jobs: Vec<F>) -> Vec<F::Output>
where
    F: Future + Send + 'static,
    F::Output: Send + 'static,
{
    // Spawn them all first: from here on every job runs, whether or not anyone awaits it.
    let handles: Vec<_> = jobs.into_iter().map(tokio::spawn).collect();
    // Then await the handles in the order given. While we wait for the first handle, the others
    // keep running, so this takes as long as the slowest job, not the sum of them all. (A
    // `JoinSet` works too, but it hands results back in completion order: spawn `(index, job)`
    // pairs and put each result back in its place.)
    let mut results = Vec::with_capacity(handles.len());
    for handle in handles {
        results.push(handle.await.expect("a job passed to gather panicked"));
    }
    results
}

/// Runs every job at the same time and calls `on_each` with each result **the moment its job
/// finishes**, so the results come in the order the jobs finish (`asyncio.as_completed`).
/// Returns once every job has finished and `on_each` has seen every result.
pub async fn as_completed<F>(jobs: Vec<F>, mut on_each: impl FnMut(F::Output))
where
    F: Future + Send + 'static,
    F::Output: Send + 'static,
{
    // A JoinSet spawns each job as a task, and `join_next` waits for whichever finishes next:
    // exactly the order asked for. Collecting into a JoinSet spawns every job.
    let mut set: JoinSet<F::Output> = jobs.into_iter().collect();
    while let Some(joined) = set.join_next().await {
        // Hand it on now, not after the loop: whoever called us can act on the first result
        // while the slower jobs are still running.
        on_each(joined.expect("a job passed to as_completed panicked"));
    }
}

/// Runs every job at the same time, waits for the **first one to finish**, and returns its result
/// together with the other jobs, **still running**, in a `JoinSet` (`asyncio.wait` with
/// `return_when=FIRST_COMPLETED`).
pub async fn first_completed<F>(jobs: Vec<F>) -> (F::Output, JoinSet<F::Output>)
where
    F: Future + Send + 'static,
    F::Output: Send + 'static,
{
    let mut set: JoinSet<F::Output> = jobs.into_iter().collect();
    let first = set
        .join_next()
        .await
        .expect("first_completed needs at least one job")
        .expect("a job passed to first_completed panicked");
    // Hand the set itself back: its tasks keep running and the caller can `join_next` them
    // later. Dropping a JoinSet aborts its tasks, so letting it go out of scope here (or calling
    // `abort_all`) would cancel the very jobs we were asked to leave running.
    (first, set)
}

/// Runs every job at the same time and waits until `timeout` has passed since the call, or until
/// every job has finished if that is sooner. Returns the results of the jobs that finished
/// **before the deadline**, in the order they finished, and the other jobs, **still running**, in
/// a `JoinSet` (`asyncio.wait` with `timeout=`).
///
/// At the deadline instant itself the time is up: a job finishing at that very instant goes with
/// the pending ones.
pub async fn wait_with_timeout<F>(
    jobs: Vec<F>,
    timeout: Duration,
) -> (Vec<F::Output>, JoinSet<F::Output>)
where
    F: Future + Send + 'static,
    F::Output: Send + 'static,
{
    // One deadline for all the jobs, fixed now, before anything runs: a timeout per job would let
    // the whole call last far longer than `timeout`.
    let deadline = sleep(timeout);
    tokio::pin!(deadline);
    let mut set: JoinSet<F::Output> = jobs.into_iter().collect();
    let mut done = Vec::new();
    loop {
        tokio::select! {
            // `biased;` polls the branches in the order written (instead of at random), so the
            // deadline is looked at first: once it has passed, a result that is ready at the same
            // instant is no longer taken as done.
            biased;
            () = &mut deadline => break,
            joined = set.join_next() => match joined {
                Some(joined) => done.push(joined.expect("a job passed to wait_with_timeout panicked")),
                // Every job finished before the deadline: no need to wait for it.
                None => break,
            },
        }
    }
    // The unfinished jobs go back to the caller still running, not aborted.
    (done, set)
}

/// A stand-in for real work (a download, a query): waits `secs` seconds, says `{name} ready`, and
/// returns `name`.
pub async fn job(name: &'static str, secs: u64) -> &'static str {
    sleep(Duration::from_secs(secs)).await;
    say!("{name} ready");
    name
}

/// The demo's three jobs: coffee takes 3 s, toast 1 s, eggs 2 s.
fn breakfast() -> Vec<impl Future<Output = &'static str> + Send + 'static> {
    vec![job("coffee", 3), job("toast", 1), job("eggs", 2)]
}

/// Seconds since `start`, as `1.000`.
fn since(start: Instant) -> String {
    format!("{:.3}", start.elapsed().as_secs_f64())
}

/// Waits for the jobs left in `rest` and says each result as it comes.
async fn drain(mut rest: JoinSet<&'static str>) {
    while let Some(joined) = rest.join_next().await {
        say!("  then {}", joined.expect("a job panicked"));
    }
}

/// The demo (and the grader's main scenario): the same jobs waited for in each of the four ways.
pub async fn run() {
    say!("one, two, three (1 s each), awaited one after another:");
    let start = Instant::now();
    for name in ["one", "two", "three"] {
        job(name, 1).await;
    }
    say!("  took {} s", since(start));

    say!("one, two, three (1 s each), with gather:");
    let start = Instant::now();
    let names = gather(vec![job("one", 1), job("two", 1), job("three", 1)]).await;
    say!("  gather -> {names:?}, took {} s", since(start));

    say!("coffee (3 s), toast (1 s), eggs (2 s), with gather:");
    let names = gather(breakfast()).await;
    say!("  gather -> {names:?}");

    say!("the same, with as_completed:");
    as_completed(breakfast(), |name| say!("  as_completed -> {name}")).await;

    say!("the same, with first_completed:");
    let (first, rest) = first_completed(breakfast()).await;
    say!("  first_completed -> {first}, {} still running", rest.len());
    drain(rest).await;

    say!("the same, with wait_with_timeout(1.5 s):");
    let (done, pending) = wait_with_timeout(breakfast(), Duration::from_millis(1500)).await;
    say!("  done {done:?}, {} pending", pending.len());
    drain(pending).await;
}
