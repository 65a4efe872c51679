//! The public checks of exercise 07 task-pools.
//!
//! The checks hand `run_pool` jobs of their own: closures that, when called, build a future that
//! sleeps a given time and returns a given result. The jobs watch the pool from the inside, so
//! every check judges what the pool *does* (how many jobs run at once, when each starts, what it
//! returns, how much it keeps alive), never how it is written: a JoinSet, a Semaphore, or `k`
//! worker tasks sharing a queue all pass.
//!
//! Every check but the demo's draws its scenario from the run's seed (the number of slots, the
//! number of jobs, their durations, which jobs fail), and works out what the contract makes of it
//! (each job takes the first free slot, in the order given): a failure states the scenario it
//! drew, and `--seed N` replays it.
//!
//! ## The contract, clause by clause, and the checks that fail when only that clause is broken
//!
//! `run_pool(jobs, k)` (the doc comment of `run_pool` in src/lib.rs):
//!
//! | clause | checks |
//! |---|---|
//! | never more than `k` jobs at once | `never-more-than-k`, `ten-thousand-jobs`, the transcript checks |
//! | `k` at once whenever enough jobs wait (no slot kept idle) | `never-more-than-k`, `freed-slot-starts-next`, `ten-thousand-jobs` |
//! | the jobs start in the order given | `freed-slot-starts-next`, `run-jobs-builds-the-jobs`, `demo-transcript` |
//! | a job starts the moment a slot is free, not when a "batch" is done | `freed-slot-starts-next`, `failures-do-not-stop-the-pool`, `ten-thousand-jobs`, the transcript checks |
//! | `results[i]` is the `i`-th job's result, whatever order they finished in | `results-in-input-order`, `failures-do-not-stop-the-pool`, `ten-thousand-jobs` |
//! | an `Err` is a result like any other: the pool keeps going and returns it in its place | `failures-do-not-stop-the-pool`, `run-jobs-builds-the-jobs` |
//! | a failed job frees its slot at once | `failures-do-not-stop-the-pool`, `run-jobs-builds-the-jobs` |
//! | every job has finished when `run_pool` returns (none cancelled, none forgotten) | every check that runs jobs |
//! | `k == 0` gives `Err(PoolError::NoWorkers)` at once, calling no job | `zero-workers-is-an-error` |
//! | a job's closure is called only when the job starts: at most `k` job futures | `ten-thousand-jobs` |
//! | about `k` tasks alive at most, never one per job waiting | `ten-thousand-jobs` |
//! | no jobs at all give `Ok(vec![])` at once | `results-in-input-order` |
//!
//! `run_jobs(durations, k)`: `job(i, durations[i])` for each duration, `i` from 0, through the
//! pool with `k` slots, and what the pool returns: `run-jobs-builds-the-jobs`, `demo-transcript`
//! (and a check you do not have).
//!
//! What no check can see, and why:
//! - "hand the pool closures, not the futures" in `run_jobs`: a future of `job(..)` that is built
//!   early but polled only when its slot frees does and says nothing until then, so the lines, the
//!   times and the results are the same. (`run_pool`'s own jobs are the checks', which count the
//!   futures they build: that side of the clause is checked.)
//! - "a job that panics is a bug: `run_pool` may panic too": a permission, not a promise.
//! - "use `tokio::spawn` or a JoinSet": how the pool runs its jobs is its own business; the checks
//!   judge what it does.
//!
//! ## The checks
//!
//! - `never-more-than-k`: `k` from 2 to 5 slots and 2k + 1 to 3k + 2 jobs of 1 to 4 s: `k` jobs
//!   run at once, never `k + 1`, and not only `k - 1`; then 1 slot, one job at a time. (A job runs
//!   from its first poll until it finishes: the shared `InFlight`.)
//! - `results-in-input-order`: jobs that finish in another order than they were given (the first
//!   one is the longest) come back in input order, like asyncio's `gather`; no jobs at all give
//!   `Ok(vec![])` at once.
//! - `freed-slot-starts-next`: one long job first, then short ones, through 2 or 3 slots. Each job
//!   says when it starts and ends, and each must start the moment a slot frees. A pool that runs
//!   "batches" of k (start k jobs, wait for all of them, start the next k) keeps the short jobs'
//!   slots idle while the long one runs. This is the lesson of the exercise, so every start time
//!   is pinned.
//! - `failures-do-not-stop-the-pool`: two jobs return `Err`, one of them well before the last job
//!   is due; every job is still taken (its closure called), all the results come back, each in
//!   its place (asyncio's `gather(..., return_exceptions=True)`), and every job starts the moment
//!   a slot frees, a failed job's slot too (the time a pool needs). A pool that runs batches is
//!   told so, not blamed for its error handling.
//! - `zero-workers-is-an-error`: `k = 0` returns `Err(PoolError::NoWorkers)` at once and calls no
//!   job. A pool with no slots can never start anything; waiting for a free slot (a `Semaphore`
//!   with no permits) would wait forever.
//! - `ten-thousand-jobs`: 10,000 jobs of 1 to 3 s through 40 to 60 slots. The right results, in the
//!   time of a pool that never leaves a slot idle (computed by the check), and the pool's
//!   footprint does not grow with the number of jobs: at most k job futures exist at once (each
//!   job's closure counts the futures it builds, and a guard inside the future counts their
//!   drops), and the runtime never has more than 2k + 2 tasks alive (tokio's `num_alive_tasks`,
//!   sampled whenever a job is built or starts). Spawning all 10,000 tasks up front, each waiting
//!   for a permit, passes every other check and fails this one.
//! - `run-jobs-builds-the-jobs`: `run_jobs` with 2 or 3 slots and 2k + 2 or 2k + 3 durations of
//!   1 to 3 s, one or two of them 0 (a job that fails at once, one of them with more than k jobs
//!   still to come): the jobs' lines at their times, the time, and the results in order.
//! - `demo-transcript` (the main check): `run_jobs(&[2, 3, 1, 0, 2, 1, 2], 3)`, then every result
//!   in order, as the demo prints them, against fixtures/task-pools/demo.txt.
//!
//! When a transcript differs, the check reads the pool's behaviour back from the lines (`job i
//! starts`, `done`, `fails`) and names the mistake: more than k jobs running at one instant, a job
//! that started later than a free slot allowed (batches, or a failed job's slot left idle), jobs
//! started out of input order, or a pool that stopped taking jobs. Within one instant, ends are
//! counted before starts, so a correct pool is never blamed; the comparison's own verdict stands
//! when none of these fits.
//!
//! Every check runs on paused time, so sleeps cost no real time and every instant is exact. Lines
//! that share an instant are compared as a set: which of two jobs finishing at 3.000 s the pool
//! sees first is not promised by tokio, and no check depends on it (when two jobs end at once,
//! the next two jobs start at that instant whichever slot each takes).

use awaitlings_check::check::secs;
use awaitlings_check::prelude::*;
use exercise::PoolError;
use std::cmp::Reverse;
use std::collections::BinaryHeap;
use std::future::Future;
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// The footprint check: far more jobs than slots.
const BIG_JOBS: usize = 10_000;

pub fn checks() -> Vec<Check> {
    vec![
        check(
            "never-more-than-k",
            2,
            "with k slots and more than 2k jobs, exactly k jobs run at once (never k + 1, and not \
             just k - 1); with 1 slot, one at a time",
            || async {
                let mut r = rng();
                let k = r.count(2..=5);
                let n = r.count(2 * k + 1..=3 * k + 2);
                let many: Vec<u64> = (0..n).map(|_| r.range(1..=4)).collect();
                let one: Vec<u64> = (0..r.count(2..=4)).map(|_| r.range(1..=3)).collect();
                for (durations, k) in [(many, k), (one, 1)] {
                    restart();
                    let probe = Probe::new();
                    let jobs = durations
                        .iter()
                        .enumerate()
                        .map(|(i, &secs)| probe.job(Spec::quiet(i, secs, Ok(i as u32))));
                    let results = exercise::run_pool(jobs, k).await;
                    let n = durations.len();
                    let what = format!("run_pool of {n} jobs of {} (k = {k})", list(&durations));
                    expect_all_ok(&what, results, n)?;
                    let most = probe.flight.most();
                    expect(
                        most <= k,
                        Kind::WrongValue,
                        format!(
                            "{what}: {most} jobs ran at the same time: the pool must never run \
                             more than k. Count the jobs that are running (a JoinSet's `len()`, or \
                             the permits of a Semaphore) and wait for one to finish before \
                             starting another once k are running.{}",
                            if most == n {
                                " Every job ran at once: nothing waits for a free slot at all."
                            } else if most == k + 1 {
                                " One too many: is the test `running > k` where it should be \
                                 `running == k` (or `>=`)?"
                            } else {
                                ""
                            }
                        ),
                    )?;
                    expect(
                        most == k,
                        Kind::WrongValue,
                        format!(
                            "{what}: at most {most} job(s) ever ran at the same time, with more \
                             than k jobs waiting: the pool never used all its k slots. A slot \
                             that stays idle while jobs wait is time lost. Is the pool waiting \
                             for a free slot one job too early (`running >= k - 1`)?"
                        ),
                    )?;
                }
                Ok(())
            },
        ),
        check(
            "results-in-input-order",
            2,
            "jobs that finish in another order than given still come back in input order; no jobs \
             at all give Ok(vec![]) at once",
            || async {
                let mut r = rng();
                let k = r.count(2..=4);
                let n = r.count(k + 2..=k + 5);
                let mut durations: Vec<u64> = (0..n).map(|_| r.range(1..=5)).collect();
                // The first job is the longest: at least one job given after it finishes before it.
                durations[0] = 6;
                let values: Vec<u32> = r
                    .distinct(n, 100..=999, 1)
                    .into_iter()
                    .map(|v| v as u32)
                    .collect();
                let probe = Probe::new();
                let jobs = durations
                    .iter()
                    .enumerate()
                    .map(|(i, &secs)| probe.job(Spec::quiet(i, secs, Ok(values[i]))));
                let results = exercise::run_pool(jobs, k).await;
                let expected: Vec<Result<u32, String>> = values.iter().map(|&v| Ok(v)).collect();
                expect_results(
                    &format!(
                        "run_pool of {n} jobs of {} returning {} (k = {k})",
                        list(&durations),
                        values
                            .iter()
                            .map(u32::to_string)
                            .collect::<Vec<_>>()
                            .join(", ")
                    ),
                    results,
                    expected,
                )?;

                let took = elapsed();

                restart();
                let k = r.count(1..=4);
                let none: Vec<Job> = Vec::new();
                let results = exercise::run_pool(none, k).await;
                expect_eq(
                    &format!("run_pool of no jobs at all (k = {k})"),
                    results,
                    Ok(Vec::new()),
                )?;
                expect(
                    elapsed().is_zero(),
                    Kind::WrongTiming,
                    format!(
                        "run_pool of no jobs took {} of virtual time: with nothing to run it should \
                         return at once.",
                        secs(elapsed())
                    ),
                )?;
                judged(took);
                Ok(())
            },
        ),
        check(
            "freed-slot-starts-next",
            3,
            "one long job, then short ones, through 2 or 3 slots: each job starts the moment a \
             slot frees (while the long job still runs), not when a whole batch is done",
            || async {
                let mut r = rng();
                let k = r.count(2..=3);
                let n = r.count(2 * k + 1..=2 * k + 3);
                let mut durations: Vec<u64> = vec![r.range(3..=5)];
                durations.extend((1..n).map(|_| r.range(1..=2)));
                let probe = Probe::new();
                let jobs = durations
                    .iter()
                    .enumerate()
                    .map(|(i, &secs)| probe.job(Spec::saying(i, secs, Ok(i as u32))));
                let what = format!("run_pool of jobs of {} (k = {k})", list(&durations));
                let results = exercise::run_pool(jobs, k).await;
                let took = elapsed();
                expect_all_ok(&what, results, n)?;
                let lines = pool_lines(&durations, k);
                let lines: Vec<&str> = lines.iter().map(String::as_str).collect();
                expect_lines(&lines).map_err(|fail| {
                    let fail = explain_pool(fail, &durations, k);
                    Fail {
                        message: format!("{what}: {}", fail.message),
                        ..fail
                    }
                })?;
                expect_took(&what, took, Duration::from_secs(greedy(&durations, k).1))
            },
        ),
        check(
            "failures-do-not-stop-the-pool",
            2,
            "two jobs return Err: every job still runs, a failed job's slot goes to the next job, \
             and all the results come back in their places",
            || async {
                let mut r = rng();
                let (durations, k, failing) = failing_scenario(&mut r);
                let n = durations.len();
                let fails = |i: usize| failing.contains(&i);
                let outcome = |i: usize| {
                    if fails(i) {
                        Err(format!("job {i} failed"))
                    } else {
                        Ok(i as u32 * 10)
                    }
                };
                let probe = Probe::new();
                let jobs = durations
                    .iter()
                    .enumerate()
                    .map(|(i, &secs)| probe.job(Spec::quiet(i, secs, outcome(i))));
                let scenario = format!(
                    "{n} jobs of {} with k = {k}, jobs {} and {} returning Err",
                    list(&durations),
                    failing[0],
                    failing[1]
                );
                let results = exercise::run_pool(jobs, k).await;
                let took = elapsed();
                judged(took);
                let expected_time = Duration::from_secs(greedy(&durations, k).1);
                let starts = probe.starts(n);
                // Batches are a timing mistake, not an error-handling one: name them first.
                let batched = starts
                    .iter()
                    .zip(batch_starts(&durations, k))
                    .all(|(got, b)| *got == Some(b * 1000));
                if batched && let Some(why) = late_start(&starts, &durations, k, &fails) {
                    return Err(Fail::new(Kind::WrongTiming, format!("{scenario}: {why}.")));
                }
                // Jobs the pool took (called the closure of): a pool that returns too early may
                // have taken them all and cancelled the last ones, which is another mistake.
                let taken = probe.built();
                expect(
                    taken == n,
                    Kind::WrongValue,
                    format!(
                        "{scenario}: only {taken} of the {n} jobs were ever started: a job's `Err` \
                         must not stop the pool. An `Err` is a result like any other: keep it in \
                         its place and go on with the next job (no `?`, no `break`, no \
                         `abort_all` on an error)."
                    ),
                )?;
                let expected: Vec<Result<u32, String>> = (0..n).map(outcome).collect();
                expect_results(&format!("run_pool of {scenario}"), results, expected)?;
                // Every job starts the moment a slot frees, a failed job's slot too.
                if let Some(why) = late_start(&starts, &durations, k, &fails) {
                    return Err(Fail::new(Kind::WrongTiming, format!("{scenario}: {why}.")));
                }
                expect(
                    took == expected_time,
                    Kind::WrongTiming,
                    format!(
                        "{scenario}: they took {} of virtual time, expected {}: the pool \
                         returned before its last jobs were done, or waited after them.",
                        secs(took),
                        secs(expected_time)
                    ),
                )
            },
        ),
        check(
            "zero-workers-is-an-error",
            1,
            "k = 0 returns Err(PoolError::NoWorkers) at once, without starting any job, instead of \
             waiting forever",
            || async {
                let mut r = rng();
                let durations: Vec<u64> = (0..r.count(1..=6)).map(|_| r.range(1..=3)).collect();
                let n = durations.len();
                let probe = Probe::new();
                let jobs = durations
                    .iter()
                    .enumerate()
                    .map(|(i, &secs)| probe.job(Spec::quiet(i, secs, Ok(i as u32))));
                let limit = Duration::from_secs(600);
                let Ok(result) = tokio::time::timeout(limit, exercise::run_pool(jobs, 0)).await
                else {
                    return Err(Fail::new(
                        Kind::Deadlock,
                        format!(
                            "run_pool of {n} jobs with k = 0 was still waiting after {} of virtual \
                             time: a pool with 0 slots waits forever for a free one (a Semaphore \
                             with 0 permits never hands one out). Check k first, and return \
                             Err(PoolError::NoWorkers) when it is 0.",
                            secs(limit)
                        ),
                    ));
                };
                let built = probe.built();
                expect(
                    result == Err(PoolError::NoWorkers),
                    Kind::WrongValue,
                    format!(
                        "run_pool of {n} jobs with k = 0 returned {result:?}, expected \
                         Err(NoWorkers): k = 0 means no job can ever run, and the caller must be \
                         told. {}",
                        if built > 0 {
                            format!(
                                "{built} job(s) were started anyway: is 0 treated as \"no limit\", \
                                 or rounded up to 1?"
                            )
                        } else {
                            "Check k before anything else.".to_string()
                        }
                    ),
                )?;
                expect(
                    built == 0,
                    Kind::WrongValue,
                    format!(
                        "run_pool of {n} jobs with k = 0 returned Err(NoWorkers), but only after \
                         calling {built} job closure(s): with k = 0, no job should be started at \
                         all."
                    ),
                )?;
                expect(
                    elapsed().is_zero(),
                    Kind::WrongTiming,
                    format!(
                        "run_pool(jobs, 0) took {} of virtual time to say Err(NoWorkers): it \
                         should say so at once.",
                        secs(elapsed())
                    ),
                )
            },
        ),
        check(
            "ten-thousand-jobs",
            2,
            "10,000 jobs through 40 to 60 slots: right results, no idle slot, and never more than k \
             job futures (nor about 2k tasks) alive at once",
            || async {
                let mut r = rng();
                let k = r.count(40..=60);
                let durations: Vec<u64> = (0..BIG_JOBS).map(|_| r.range(1..=3)).collect();
                let probe = Probe::new();
                let jobs = durations
                    .iter()
                    .enumerate()
                    .map(|(i, &secs)| probe.job(Spec::quiet(i, secs, Ok(i as u32))));
                let results = exercise::run_pool(jobs, k).await;
                let took = elapsed();
                judged(took);

                let most_futures = probe.most_futures();
                let most_running = probe.flight.most();
                expect(
                    most_futures <= k,
                    Kind::WrongValue,
                    if most_running > k {
                        format!(
                            "with 10,000 jobs and k = {k}, {most_running} jobs ran at the same \
                             time, and {most_futures} job futures existed: the pool starts more \
                             jobs at once than it has slots (see never-more-than-k)."
                        )
                    } else if most_futures <= 2 * k {
                        format!(
                            "with 10,000 jobs and k = {k}, {most_futures} job futures existed at \
                             the same time, although never more than {most_running} ran: the \
                             pool calls a job's closure before a slot is free for it (say, it \
                             takes and builds the next job, then waits for a slot). Wait for the \
                             free slot first, then call the closure."
                        )
                    } else {
                        format!(
                            "with 10,000 jobs and k = {k}, {most_futures} job futures existed at \
                             the same time: the pool called the job closures long before their \
                             jobs could start (say, `jobs.map(|job| job()).collect()` up front). \
                             Every future holds its job's state from the moment it is built, so \
                             memory grows with the number of jobs. Call a job's closure only when \
                             a slot is free for it."
                        )
                    },
                )?;
                let most_tasks = probe.most_tasks();
                let task_limit = 2 * k + 2;
                expect(
                    most_tasks <= task_limit,
                    Kind::WrongValue,
                    format!(
                        "with 10,000 jobs and k = {k}, the runtime had {most_tasks} tasks alive at \
                         once (a pool of {k} slots needs about {k}, and {task_limit} is the most \
                         the check allows): the pool spawns tasks for jobs that cannot run yet, \
                         perhaps one task per job, each waiting for a Semaphore permit. Each \
                         waiting task costs memory, so it grows with the number of jobs. Wait for \
                         a free slot *before* spawning (`acquire_owned().await`, then spawn with \
                         the permit), or keep k tasks that each take the next job when they are \
                         done."
                    ),
                )?;
                let (_, makespan) = greedy(&durations, k);
                let expected = Duration::from_secs(makespan);
                let batches = batch_time(&durations, k);
                expect(
                    took == expected,
                    Kind::WrongTiming,
                    format!(
                        "10,000 jobs of 1 to 3 s through {k} slots took {} of virtual time, \
                         expected {}, the time when each job starts as soon as a slot is free.{}",
                        secs(took),
                        secs(expected),
                        if took == batches {
                            " That is the time of batches: the pool waits for all the jobs of a \
                             batch before starting the next ones."
                        } else if took < expected {
                            " The pool returned before its jobs were done: once the last job has \
                             started, wait for every job still running."
                        } else {
                            " A slot stayed idle while jobs were waiting."
                        }
                    ),
                )?;
                let expected: Vec<Result<u32, String>> =
                    (0..BIG_JOBS).map(|i| Ok(i as u32)).collect();
                expect_results(
                    &format!("run_pool of 10,000 jobs (k = {k})"),
                    results,
                    expected,
                )
            },
        )
        // A pool with far fewer slots than k (a single one: 20,000 s) must show as slow, not as
        // a pool that never finishes.
        .watchdog(Duration::from_secs(12 * 3600)),
        check(
            "run-jobs-builds-the-jobs",
            1,
            "run_jobs runs job(i, durations[i]) for each duration through the pool: the jobs' \
             lines at their times (a 0 s job fails at once), and the results in order",
            || async {
                let mut r = rng();
                let k = r.count(2..=3);
                let durations = run_jobs_scenario(&mut r, k, 1, 3);
                expect_run_jobs(&durations, k).await
            },
        ),
        check(
            "demo-transcript",
            3,
            "run_jobs(&[2, 3, 1, 0, 2, 1, 2], 3): each job starts the moment a slot frees, then \
             every result in order (the demo's transcript)",
            || async {
                let durations = [2, 3, 1, 0, 2, 1, 2];
                let results = exercise::run_jobs(&durations, 3).await;
                match &results {
                    Ok(results) => {
                        for (id, result) in results.iter().enumerate() {
                            awaitlings::say!("result {id}: {result:?}");
                        }
                    }
                    Err(error) => awaitlings::say!("the pool did not run: {error}"),
                }
                expect_transcript("demo").map_err(|fail| {
                    let mut fail = explain_pool(fail, &durations, 3);
                    if let Ok(results) = &results {
                        let expected = run_jobs_results(&durations);
                        let mut got = results.clone();
                        let mut want = expected.clone();
                        got.sort();
                        want.sort();
                        if *results != expected && got == want {
                            fail.message.push_str(
                                " The results are all there, but not in the order the jobs were \
                                 given: put each job's result in its own place (by its index), not \
                                 in the order the jobs finish.",
                            );
                        }
                    }
                    fail
                })
            },
        )
        .main(),
    ]
}

/// `durations` as a message says them: `3, 1 and 2 s`.
fn list(durations: &[u64]) -> String {
    let words: Vec<String> = durations.iter().map(u64::to_string).collect();
    match words.split_last() {
        Some((last, [])) => format!("{last} s"),
        Some((last, rest)) => format!("{} and {last} s", rest.join(", ")),
        None => "nothing".to_string(),
    }
}

/// A scenario for `failures-do-not-stop-the-pool`: durations, k, and two failing jobs, one of
/// which fails strictly before the last job is due to start and alone at its instant (so a pool
/// that stops at a failure leaves jobs untaken, and one that leaves a failed job's slot idle
/// starts the next job late), and such that batches would start some job later than a pool does.
fn failing_scenario(r: &mut Rng) -> (Vec<u64>, usize, [usize; 2]) {
    loop {
        let k = r.count(2..=3);
        let n = r.count(k + 3..=k + 5);
        let durations: Vec<u64> = (0..n).map(|_| r.range(1..=3)).collect();
        let (starts, _) = greedy(&durations, k);
        let last_start = starts[n - 1];
        let ends: Vec<u64> = starts.iter().zip(&durations).map(|(s, d)| s + d).collect();
        // The first failing job ends strictly before the last job is due, and alone at its
        // instant: its slot, and only its slot, is the one the next job must take then.
        let early: Vec<usize> = (0..n - 1)
            .filter(|&i| {
                ends[i] < last_start && ends.iter().filter(|&&e| e == ends[i]).count() == 1
            })
            .collect();
        if early.is_empty() || batch_starts(&durations, k) == starts {
            continue;
        }
        let first = *r.pick(&early);
        let others: Vec<usize> = (0..n).filter(|&i| i != first).collect();
        let second = *r.pick(&others);
        let mut failing = [first, second];
        failing.sort();
        return (durations, k, failing);
    }
}

/// Durations for a `run_jobs` check with `k` slots: 2k + 2 to 2k + 2 + `more` durations of 1 to
/// `most` s, with a 0 s job (which fails at once) among those that wait for a slot and more than
/// k jobs after it, so a pool that stops taking jobs once it has seen an `Err` leaves some
/// untaken, however late it looks at the results; perhaps another 0 s job among the first k.
pub(crate) fn run_jobs_scenario(r: &mut Rng, k: usize, more: usize, most: u64) -> Vec<u64> {
    let n = r.count(2 * k + 2..=2 * k + 2 + more);
    let mut durations: Vec<u64> = (0..n).map(|_| r.range(1..=most)).collect();
    let zero = r.count(k..=n - k - 2);
    durations[zero] = 0;
    if r.chance(1, 2) {
        durations[r.count(0..=k - 1)] = 0;
    }
    durations
}

/// What `run_jobs` returns for `durations`: `job`'s own results, from its contract.
pub(crate) fn run_jobs_results(durations: &[u64]) -> Vec<Result<String, String>> {
    durations
        .iter()
        .enumerate()
        .map(|(id, &secs)| match secs {
            0 => Err(format!("job {id}: nothing to do")),
            _ => Ok(format!("job {id}: {secs} s of work")),
        })
        .collect()
}

/// The lines `job` says when `durations` go through a pool of `k` that gives each job the first
/// free slot: `job i starts (d s)` and `job i done`, or `job i fails` for a 0 s job.
fn pool_lines(durations: &[u64], k: usize) -> Vec<String> {
    let (at, _) = greedy(durations, k);
    let line = |s: u64, text: String| awaitlings::format_line(Duration::from_secs(s), &text);
    let mut lines: Vec<(u64, String)> = Vec::new();
    for (i, (&d, &start)) in durations.iter().zip(&at).enumerate() {
        if d == 0 {
            lines.push((start, line(start, format!("job {i} fails"))));
        } else {
            lines.push((start, line(start, format!("job {i} starts ({d} s)"))));
            lines.push((start + d, line(start + d, format!("job {i} done"))));
        }
    }
    lines.sort_by_key(|(at, _)| *at);
    lines.into_iter().map(|(_, line)| line).collect()
}

/// Runs `run_jobs(durations, k)` and judges its lines, its time and its results, from the
/// contract of `job` and of the pool. (The hidden check uses it too, with other scenarios.)
pub(crate) async fn expect_run_jobs(durations: &[u64], k: usize) -> Result<(), Fail> {
    let what = format!(
        "run_jobs(&[{}], {k})",
        durations
            .iter()
            .map(u64::to_string)
            .collect::<Vec<_>>()
            .join(", ")
    );
    let results = exercise::run_jobs(durations, k).await;
    let took = elapsed();
    let lines = pool_lines(durations, k);
    let lines: Vec<&str> = lines.iter().map(String::as_str).collect();
    expect_lines(&lines).map_err(|fail| {
        let fail = explain_pool(fail, durations, k);
        Fail {
            message: format!("{what}: {}", fail.message),
            ..fail
        }
    })?;
    expect_took(&what, took, Duration::from_secs(greedy(durations, k).1))?;
    expect_eq(&what, results, Ok(run_jobs_results(durations))).map_err(|fail| {
        fail.then(
            "One result per job, each in the place of its job (a 0 s job's Err too), whatever \
             order they finished in",
        )
    })
}

/// The check's jobs: a closure that builds a boxed future, all of one type.
type Job = Box<dyn FnOnce() -> JobFuture + Send>;
type JobFuture = std::pin::Pin<Box<dyn Future<Output = Result<u32, String>> + Send>>;

/// What one check job does: sleep `secs` and return `result`, saying `job {i} starts ({secs} s)`
/// and `job {i} done` around the sleep if it is a saying job (the demo's lines).
struct Spec {
    id: usize,
    say: bool,
    secs: u64,
    result: Result<u32, String>,
}

impl Spec {
    fn quiet(id: usize, secs: u64, result: Result<u32, String>) -> Spec {
        Spec {
            id,
            say: false,
            secs,
            result,
        }
    }

    fn saying(id: usize, secs: u64, result: Result<u32, String>) -> Spec {
        Spec {
            id,
            say: true,
            secs,
            result,
        }
    }
}

/// Watches the pool from inside its jobs: the jobs running at once (`flight`), the job futures
/// that exist at once (built by a closure and not yet dropped), and the tasks alive in the
/// runtime whenever a job is built or starts.
#[derive(Clone)]
struct Probe {
    flight: InFlight,
    counts: Arc<Mutex<Counts>>,
    /// Tasks alive before the pool ran (the check's own, if any), left out of the count.
    baseline: usize,
}

#[derive(Default)]
struct Counts {
    /// When each job started (its first poll), in ms of virtual time, by job.
    starts: std::collections::BTreeMap<usize, u64>,
    built: usize,
    futures_now: usize,
    futures_most: usize,
    tasks_most: usize,
}

impl Probe {
    fn new() -> Probe {
        Probe {
            flight: InFlight::new(),
            counts: Arc::default(),
            baseline: alive_tasks(),
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Counts> {
        self.counts.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Job closures called so far.
    fn built(&self) -> usize {
        self.lock().built
    }

    /// When each of the first `n` jobs started, in ms (`None`: never).
    fn starts(&self, n: usize) -> Vec<Option<u64>> {
        let counts = self.lock();
        (0..n).map(|id| counts.starts.get(&id).copied()).collect()
    }

    /// The most job futures that existed at once.
    fn most_futures(&self) -> usize {
        self.lock().futures_most
    }

    /// The most tasks the pool had alive at once, as sampled.
    fn most_tasks(&self) -> usize {
        self.lock().tasks_most
    }

    fn sample_tasks(&self) {
        let tasks = alive_tasks().saturating_sub(self.baseline);
        let mut counts = self.lock();
        counts.tasks_most = counts.tasks_most.max(tasks);
    }

    /// A job for the pool: calling it counts a new future (dropped: one fewer), and the future,
    /// from its first poll to its end, counts as running in `flight`.
    fn job(&self, spec: Spec) -> Job {
        let probe = self.clone();
        Box::new(move || {
            {
                let mut counts = probe.lock();
                counts.built += 1;
                counts.futures_now += 1;
                counts.futures_most = counts.futures_most.max(counts.futures_now);
            }
            probe.sample_tasks();
            let alive = FutureAlive(probe.clone());
            Box::pin(async move {
                let _alive = alive;
                let _running = probe.flight.enter();
                probe.sample_tasks();
                probe
                    .lock()
                    .starts
                    .insert(spec.id, elapsed().as_millis() as u64);
                let i = spec.id;
                if spec.say {
                    awaitlings::say!("job {i} starts ({} s)", spec.secs);
                }
                tokio::time::sleep(Duration::from_secs(spec.secs)).await;
                if spec.say {
                    awaitlings::say!("job {i} done");
                }
                spec.result
            })
        })
    }
}

/// Lives inside a job's future: its drop is the future's.
struct FutureAlive(Probe);

impl Drop for FutureAlive {
    fn drop(&mut self) {
        self.0.lock().futures_now -= 1;
    }
}

fn alive_tasks() -> usize {
    tokio::runtime::Handle::current()
        .metrics()
        .num_alive_tasks()
}

/// When each job starts, and when the last one ends, if each job takes the first free slot
/// (the pool the exercise asks for). Whole seconds.
fn greedy(durations: &[u64], k: usize) -> (Vec<u64>, u64) {
    let mut free: BinaryHeap<Reverse<u64>> = (0..k).map(|_| Reverse(0)).collect();
    let mut starts = Vec::new();
    let mut end = 0;
    for &d in durations {
        let Reverse(start) = free.pop().expect("k > 0");
        starts.push(start);
        end = end.max(start + d);
        free.push(Reverse(start + d));
    }
    (starts, end)
}

/// The time a pool that runs batches of k takes: each batch as long as its longest job.
fn batch_time(durations: &[u64], k: usize) -> Duration {
    Duration::from_secs(
        durations
            .chunks(k)
            .map(|batch| batch.iter().copied().max().unwrap_or(0))
            .sum(),
    )
}

/// Expects `Ok` with `n` results, each `Ok`: what the limit and timing checks need before they
/// look at anything else.
fn expect_all_ok(
    what: &str,
    results: Result<Vec<Result<u32, String>>, PoolError>,
    n: usize,
) -> Result<(), Fail> {
    match results {
        Ok(results) if results.len() == n && results.iter().all(Result::is_ok) => Ok(()),
        Ok(results) => Err(Fail::new(
            Kind::WrongValue,
            format!(
                "{what} returned {} result(s), expected {n}, every one Ok: {}.{}",
                results.len(),
                short(&results),
                if results.len() < n {
                    " Results are missing: did the pool return before every job had finished? \
                     Once the last job has started, wait for every job still running"
                } else {
                    ""
                }
            ),
        )),
        Err(error) => Err(Fail::new(
            Kind::WrongValue,
            format!("{what} returned Err({error:?}), expected Ok with one result per job"),
        )),
    }
}

/// Compares the pool's results with `expected`; the right results in another order are a wrong
/// order (results collected as the jobs finish, rather than in their places).
fn expect_results(
    what: &str,
    results: Result<Vec<Result<u32, String>>, PoolError>,
    expected: Vec<Result<u32, String>>,
) -> Result<(), Fail> {
    let results = match results {
        Ok(results) => results,
        Err(error) => {
            return Err(Fail::new(
                Kind::WrongValue,
                format!("{what} returned Err({error:?}), expected Ok with one result per job"),
            ));
        }
    };
    if results == expected {
        return Ok(());
    }
    let key = |r: &Result<u32, String>| format!("{r:?}");
    let mut got: Vec<String> = results.iter().map(key).collect();
    let mut want: Vec<String> = expected.iter().map(key).collect();
    got.sort();
    want.sort();
    if got == want {
        return Err(Fail::new(
            Kind::WrongOrder,
            format!(
                "{what} returned the right results in the wrong order: {}, expected {}. The \
                 results must come back in the order the jobs were given, not the order they \
                 finished in: remember each job's index, and put its result in that place.",
                short(&results),
                short(&expected)
            ),
        ));
    }
    let missing = expected.len().saturating_sub(results.len());
    Err(Fail::new(
        Kind::WrongValue,
        format!(
            "{what} returned {} result(s): {}, expected {}: {}.{}",
            results.len(),
            short(&results),
            expected.len(),
            short(&expected),
            if missing > 0 {
                format!(
                    " {missing} result(s) missing: every job's result must come back, an Err as \
                     much as an Ok, so the pool returns only once every job has finished"
                )
            } else {
                String::new()
            }
        ),
    ))
}

/// The first few results, for a message.
fn short(results: &[Result<u32, String>]) -> String {
    const SHOWN: usize = 8;
    let shown: Vec<String> = results
        .iter()
        .take(SHOWN)
        .map(|r| format!("{r:?}"))
        .collect();
    let more = if results.len() > SHOWN {
        format!(", ... ({} in all)", results.len())
    } else {
        String::new()
    };
    format!("[{}{more}]", shown.join(", "))
}

/// Explains a transcript failure by what the lines say about the pool, when they show a pool
/// mistake: more than `k` jobs running at once or a job started later than a free slot allowed
/// (the wrong timing of a pool), or jobs started out of order. The lines are the demo's:
/// `job {i} starts ({secs} s)`, `job {i} done`, `job {i} fails`. Within one instant, ends are
/// counted before starts, so a correct pool is never blamed. Otherwise the comparison's own
/// verdict stands. (The hidden checks, grader/checks/hidden/task-pools.rs, use it too.)
pub(crate) fn explain_pool(fail: Fail, durations: &[u64], k: usize) -> Fail {
    match pool_diagnosis(&transcript(), durations, k) {
        Some((kind, why)) => Fail {
            kind,
            message: format!("{why}. The transcripts below show where."),
            ..fail
        },
        None => fail,
    }
}

fn pool_diagnosis(lines: &[String], durations: &[u64], k: usize) -> Option<(Kind, String)> {
    use awaitlings_check::compare::parse;
    // (instant in ms, job, +1 for a start, -1 for an end), and each job's start.
    let mut events: Vec<(u64, usize, i32)> = Vec::new();
    let mut starts: Vec<Option<u64>> = vec![None; durations.len()];
    let mut start_order = Vec::new();
    let mut failed = vec![false; durations.len()];
    for line in lines {
        let line = parse(line);
        let at: f64 = line.at?.parse().ok()?;
        let at = (at * 1000.0).round() as u64;
        let Some(rest) = line.text.strip_prefix("job ") else {
            continue;
        };
        let (id, what) = rest.split_once(' ')?;
        let id: usize = id.parse().ok()?;
        if id >= durations.len() {
            return None;
        }
        if what.starts_with("starts") || what == "fails" {
            starts[id] = Some(at);
            start_order.push(id);
        }
        if what == "fails" {
            failed[id] = true;
        }
        if what.starts_with("starts") {
            events.push((at, id, 1));
        } else if what == "done" {
            events.push((at, id, -1));
        }
    }
    // Ends before starts within one instant: the fewest running a correct pool could show.
    events.sort_by_key(|&(at, _, delta)| (at, delta));
    let (mut running, mut most, mut most_at) = (0i32, 0i32, 0u64);
    for &(at, _, delta) in &events {
        running += delta;
        if running > most {
            (most, most_at) = (running, at);
        }
    }
    let ms = |at: u64| secs(Duration::from_millis(at));
    if most as usize > k {
        return Some((
            Kind::WrongTiming,
            format!(
                "{most} jobs were running at the same time (at {}), with k = {k}: the pool must \
             never run more than k jobs at once",
                ms(most_at)
            ),
        ));
    }
    if start_order.len() < durations.len() {
        // Stopped by a failure when the last job to start is one that failed.
        let last_failed = start_order.last().is_some_and(|&id| failed[id]);
        let why = if last_failed {
            "and the last of them had failed: a job's `Err` must not stop the pool. Keep the \
             `Err` in its place among the results and go on with the next job"
        } else {
            "and the pool returned all the same: it must wait until every job has run and \
             finished (dropping a JoinSet cancels the tasks still in it)"
        };
        return Some((
            Kind::WrongValue,
            format!(
                "only {} of the {} jobs ever started, {why}",
                start_order.len(),
                durations.len()
            ),
        ));
    }
    let out_of_order = start_order
        .windows(2)
        .find(|w| w[0] > w[1] && starts[w[0]] != starts[w[1]]);
    if let Some(&[first, second]) = out_of_order {
        return Some((
            Kind::WrongOrder,
            format!(
                "the jobs did not start in the order they were given: job {first} started at {}, \
             before job {second} (at {}). Take the jobs in order, first come first served",
                ms(starts[first]?),
                ms(starts[second]?),
            ),
        ));
    }
    if starts.iter().any(Option::is_none) {
        return None;
    }
    late_start(&starts, durations, k, &|id| failed[id]).map(|why| (Kind::WrongTiming, why))
}

/// The first job that started later than a free slot allowed, in words (no full stop), with what
/// the starts look like: batches (every job started where batches of k would start it), a
/// failed job's slot left idle, or a slot left idle. `starts` in ms of virtual time, by job;
/// `None` when every job started on time.
fn late_start(
    starts: &[Option<u64>],
    durations: &[u64],
    k: usize,
    fails: &dyn Fn(usize) -> bool,
) -> Option<String> {
    let ms = |at: u64| secs(Duration::from_millis(at));
    let (expected, _) = greedy(durations, k);
    let freed_by = freed_by(durations, k);
    let batches = batch_starts(durations, k);
    let in_batches = starts
        .iter()
        .zip(&batches)
        .all(|(got, &b)| *got == Some(b * 1000));
    let (id, got, want) =
        expected
            .iter()
            .zip(starts)
            .enumerate()
            .find_map(|(id, (&want, &got))| {
                let got = got?;
                (got > want * 1000).then_some((id, got, want * 1000))
            })?;
    let note = if in_batches {
        "That is what batches look like: k jobs start, and the next ones wait until *all* of \
         them are done, while finished jobs' slots sit idle. Start the next job as soon as *any* \
         running job finishes (`JoinSet::join_next` returns the first one to finish, whichever \
         it is)"
            .to_string()
    } else if let Some(before) = freed_by[id].filter(|&before| fails(before)) {
        format!(
            "That slot was job {before}'s, which returned an Err: a job that fails frees its slot \
             like any other, and the next job takes it at once"
        )
    } else {
        "When a job finishes, its slot is free: start the next job at that instant".to_string()
    };
    Some(format!(
        "job {id} started at {}, but a slot was free for it from {}. {note}",
        ms(got),
        ms(want)
    ))
}

/// For each job, the job whose end freed the slot it takes when each job takes the first free
/// slot (`None` for the first k, which find their slots free).
fn freed_by(durations: &[u64], k: usize) -> Vec<Option<usize>> {
    let mut free: BinaryHeap<Reverse<(u64, Option<usize>)>> =
        (0..k).map(|_| Reverse((0, None))).collect();
    let mut by = Vec::new();
    for (id, &d) in durations.iter().enumerate() {
        let Reverse((start, before)) = free.pop().expect("k > 0");
        by.push(before);
        free.push(Reverse((start + d, Some(id))));
    }
    by
}

/// When each job starts if the pool runs batches of k: each batch when the last one has ended.
fn batch_starts(durations: &[u64], k: usize) -> Vec<u64> {
    let mut starts = Vec::new();
    let mut at = 0;
    for batch in durations.chunks(k) {
        starts.extend(batch.iter().map(|_| at));
        at += batch.iter().copied().max().unwrap_or(0);
    }
    starts
}
