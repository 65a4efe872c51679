//! # Exercise 05: gather versus wait
//!
//! Four ways to wait for several futures at once, each a function you write, with its asyncio
//! name beside it:
//!
//! | function              | asyncio                                   | waits for            | gives back                             |
//! |-----------------------|-------------------------------------------|----------------------|----------------------------------------|
//! | [`gather`]            | `gather(*aws)`                            | every job            | the results, in the order given        |
//! | [`as_completed`]      | `as_completed(aws)`                       | every job            | each result as soon as it is ready     |
//! | [`first_completed`]   | `wait(aws, return_when=FIRST_COMPLETED)`  | the first job only   | its result, and the rest still running |
//! | [`wait_with_timeout`] | `wait(aws, timeout=...)`                  | a deadline, at most  | what was done, and the rest running    |
//!
//! The lesson is in README.md; this file is the contract. A *job* is any future the caller built
//! (the grader builds its own, to watch what you do with them). Start all the jobs before you wait
//! for any, so that they run at the same time: `tokio::spawn`, or a `tokio::task::JoinSet`. That
//! is why a job must be `Send + 'static`: once spawned, the runtime owns it.
//!
//! [`job`] and [`run`] are given: `run` is the demo, and the grader's main scenario.

use awaitlings::say;
use std::future::Future;
use std::time::Duration;
use tokio::task::JoinSet;
use tokio::time::{Instant, sleep};

/// Runs every job at the same time and returns their results **in the order the jobs were
/// given**, whatever order they finish in (`asyncio.gather`).
///
/// Returns when the last job finishes: three jobs of 3 s, 1 s and 2 s take 3 s in all (not 6 s),
/// and give their three results in that order. No jobs: an empty Vec, at once. A job that
/// panics makes this panic too (don't drop the error: `.expect(..)` it).
pub async fn gather<F>(jobs: Vec<F>) -> Vec<F::Output>
where
    F: Future + Send + 'static,
    F::Output: Send + 'static,
{
    let _ = jobs;
    todo!("spawn every job, then collect the results in the order the jobs were given")
}

/// Runs every job at the same time and calls `on_each` with each result **the moment its job
/// finishes**, so the results come in the order the jobs finish (`asyncio.as_completed`).
///
/// Jobs of 3 s, 1 s and 2 s: `on_each` gets the 1 s job's result at 1 s, the 2 s job's at 2 s,
/// the 3 s job's at 3 s. Returns once every job has finished and `on_each` has seen every result.
/// A job that panics makes this panic too.
pub async fn as_completed<F>(jobs: Vec<F>, on_each: impl FnMut(F::Output))
where
    F: Future + Send + 'static,
    F::Output: Send + 'static,
{
    let _ = (jobs, on_each);
    todo!("spawn every job, then hand each result to on_each as soon as its job finishes")
}

/// Runs every job at the same time, waits for the **first one to finish**, and returns its result
/// together with the other jobs in a `JoinSet`, **still running** (`asyncio.wait` with
/// `return_when=FIRST_COMPLETED`).
///
/// Jobs of 3 s, 1 s and 2 s: returns at 1 s with the 1 s job's result and a set of the two
/// others. Nobody needs to touch that set for them to keep going: they finish at 2 s and 3 s all
/// the same, and the caller gets their results with `join_next` whenever it likes. (Dropping a
/// `JoinSet` aborts its tasks: that is the caller's choice to make, not this function's.)
///
/// `jobs` must not be empty (this panics if it is). The checks never make two jobs finish first
/// at the same instant.
pub async fn first_completed<F>(jobs: Vec<F>) -> (F::Output, JoinSet<F::Output>)
where
    F: Future + Send + 'static,
    F::Output: Send + 'static,
{
    let _ = jobs;
    todo!("spawn every job into a JoinSet, wait for the first to finish, return it and the set")
}

/// Runs every job at the same time and waits until `timeout` has passed since the call, or until
/// every job has finished if that comes sooner (`asyncio.wait` with `timeout=`).
///
/// Returns the results of the jobs that finished **before the deadline**, in the order they
/// finished, and the other jobs in a `JoinSet`, **still running** (not aborted: the caller can
/// await them later, or abort them). A job that panics before the deadline makes this panic too.
///
/// - One deadline for all: jobs of 3 s, 1 s and 2 s with a timeout of 1.5 s return at 1.5 s, with
///   the 1 s job's result done and the other two pending.
/// - All done early: jobs of 1 s and 2 s with a timeout of 5 s return at 2 s, both done, none
///   pending.
/// - **At the deadline instant the time is up**: a job that finishes at that very instant is
///   pending, not done (it is in the set, and `join_next` gives its result at once). Jobs of 1 s
///   and 2 s with a timeout of 2 s return at 2 s with only the 1 s job done. tokio fires every
///   timer of one instant before any task runs, so when the deadline has passed, a `select!`
///   that looks at it first (`biased;`) always sees it.
pub async fn wait_with_timeout<F>(
    jobs: Vec<F>,
    timeout: Duration,
) -> (Vec<F::Output>, JoinSet<F::Output>)
where
    F: Future + Send + 'static,
    F::Output: Send + 'static,
{
    let _ = (jobs, timeout);
    todo!("spawn every job, collect results until one overall deadline, return them and the rest")
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
