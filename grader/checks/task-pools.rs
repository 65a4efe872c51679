//! The public checks of exercise 07 task-pools.
//!
//! The checks hand `run_pool` jobs of their own: closures that, when called, build a future that
//! sleeps a given time and returns a given result. The jobs watch the pool from the inside, so
//! every check judges what the pool *does* (how many jobs run at once, when each starts, what it
//! returns, how much it keeps alive), never how it is written: a JoinSet, a Semaphore, or `k`
//! worker tasks sharing a queue all pass. What is checked, and why:
//!
//! - `never-more-than-k`: with 3 slots and 9 jobs, 3 jobs run at once, never 4, and not only 2;
//!   with 1 slot, one at a time. A pool's one promise is its limit, and a pool that keeps a slot
//!   idle wastes it. (A job runs from its first poll until it finishes: the shared `InFlight`.)
//! - `results-in-input-order`: jobs that finish in another order than they were given still come
//!   back in input order, like asyncio's `gather`; no jobs at all give `Ok(vec![])` at once.
//! - `freed-slot-starts-next`: jobs of 3, 1, 1, 1, 1, 1 s with 2 slots. Each job says when it
//!   starts and ends: job 2 starts at 1 s, job 3 at 2 s, jobs 4 and 5 at 3 s, all done at 4 s. A
//!   pool that runs "batches" of k (start k jobs, wait for all of them, start the next k) takes
//!   5 s: the short jobs of a batch wait for its long one. This is the lesson of the exercise, so
//!   the start times are pinned.
//! - `failures-do-not-stop-the-pool`: two of six jobs return `Err`; every job is still taken
//!   (its closure called), and all six results come back, each in its place (asyncio's
//!   `gather(..., return_exceptions=True)`), in the time the pool needs with no job missing.
//! - `zero-workers-is-an-error`: `k = 0` returns `Err(PoolError::NoWorkers)` at once and calls no
//!   job. A pool with no slots can never start anything; waiting for a free slot (a `Semaphore`
//!   with no permits) would wait forever.
//! - `ten-thousand-jobs`: 10,000 jobs through 50 slots. The right results, in the time of a pool
//!   that never leaves a slot idle (computed by the check), and the pool's footprint does not
//!   grow with the number of jobs: at most 50 job futures exist at once (each job's closure
//!   counts the futures it builds, and a guard inside the future counts their drops), and the
//!   runtime never has more than 2 × 50 + 2 tasks alive (tokio's `num_alive_tasks`, sampled
//!   whenever a job is built or starts). Spawning all 10,000 tasks up front, each waiting for a
//!   permit, passes every other check and fails this one.
//! - `run-jobs-builds-the-jobs`: `run_jobs(&[1, 0, 2, 1], 2)`, other arguments than the demo's:
//!   the jobs' lines at their times, and the results in order (job 1 failing).
//! - `demo-transcript` (the main check): `run_jobs(&[2, 3, 1, 0, 2, 1, 2], 3)`, then every result
//!   in order, as the demo prints them, against fixtures/task-pools/demo.txt.
//!
//! When a transcript differs, the check reads the pool's behaviour back from the lines (`job i
//! starts`, `done`, `fails`) and names the mistake: more than k jobs running at one instant, a job
//! that started later than a free slot allowed (batches), jobs started out of input order, or a
//! pool that stopped taking jobs. Within one instant, ends are counted before starts, so a correct
//! pool is never blamed; the comparison's own verdict stands when none of these fits.
//!
//! Every check runs on paused time, so sleeps cost no real time and every instant is exact. Lines
//! that share an instant are compared as a set: which of two jobs finishing at 3.000 s the pool
//! sees first is not promised by tokio, and no check depends on it.

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
const BIG_SLOTS: usize = 50;

pub fn checks() -> Vec<Check> {
    vec![
        check(
            "never-more-than-k",
            2,
            "with 3 slots and 9 jobs, exactly 3 jobs run at once (never 4, and not just 2); with 1 \
             slot, one at a time",
            || async {
                for (durations, k) in [(&[2, 1, 3, 1, 2, 2, 1, 3, 1][..], 3), (&[2, 1, 1][..], 1)] {
                    let probe = Probe::new();
                    let jobs = durations
                        .iter()
                        .enumerate()
                        .map(|(i, &secs)| probe.job(Spec::quiet(i, secs, Ok(i as u32))));
                    let results = exercise::run_pool(jobs, k).await;
                    expect_all_ok(&format!("run_pool with k = {k}"), results, durations.len())?;
                    let most = probe.flight.most();
                    let n = durations.len();
                    expect(
                        most <= k,
                        Kind::WrongValue,
                        format!(
                            "with k = {k} and {n} jobs, {most} jobs ran at the same time: the pool \
                             must never run more than k. Count the jobs that are running (a \
                             JoinSet's `len()`, or the permits of a Semaphore) and wait for one to \
                             finish before starting another once k are running.{}",
                            if most == k + 1 {
                                " One too many: is the test `running > k` where it should be \
                                 `running == k` (or `>=`)?"
                            } else if most == n {
                                " Every job ran at once: nothing waits for a free slot at all."
                            } else {
                                ""
                            }
                        ),
                    )?;
                    expect(
                        most == k,
                        Kind::WrongValue,
                        format!(
                            "with k = {k} and {n} jobs waiting, at most {most} job(s) ever ran at \
                             the same time: the pool never used all its k slots. A slot that \
                             stays idle while jobs wait is time lost. Is the pool waiting for a \
                             free slot one job too early (`running >= k - 1`)?"
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
                // With 3 slots, these finish as jobs 2, 1 and 3, 0 and 5, 4: far from input order.
                let durations = [4, 3, 2, 1, 2, 1];
                let probe = Probe::new();
                let jobs = durations
                    .iter()
                    .enumerate()
                    .map(|(i, &secs)| probe.job(Spec::quiet(i, secs, Ok(100 + i as u32))));
                let results = exercise::run_pool(jobs, 3).await;
                let expected: Vec<Result<u32, String>> =
                    (0..durations.len()).map(|i| Ok(100 + i as u32)).collect();
                expect_results(
                    "run_pool of jobs returning 100, 101, ..., 105 (k = 3)",
                    results,
                    expected,
                )?;

                restart();
                let none: Vec<Job> = Vec::new();
                let results = exercise::run_pool(none, 2).await;
                expect_eq(
                    "run_pool of no jobs at all (k = 2)",
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
                )
            },
        ),
        check(
            "freed-slot-starts-next",
            3,
            "jobs of 3, 1, 1, 1, 1, 1 s with 2 slots: each job starts the moment a slot frees \
             (job 2 at 1 s, job 3 at 2 s, jobs 4 and 5 at 3 s), all done at 4 s, not the 5 s of \
             batches",
            || async {
                let durations = [3, 1, 1, 1, 1, 1];
                let probe = Probe::new();
                let jobs = durations
                    .iter()
                    .enumerate()
                    .map(|(i, &secs)| probe.job(Spec::saying(i, secs, Ok(i as u32))));
                let results = exercise::run_pool(jobs, 2).await;
                expect_all_ok("run_pool of jobs of 3, 1, 1, 1, 1, 1 s (k = 2)", results, 6)?;
                let expected = Duration::from_secs(greedy(&durations, 2).1);
                expect_lines(&[
                    "  0.000s  job 0 starts (3 s)",
                    "  0.000s  job 1 starts (1 s)",
                    "  1.000s  job 1 done",
                    "  1.000s  job 2 starts (1 s)",
                    "  2.000s  job 2 done",
                    "  2.000s  job 3 starts (1 s)",
                    "  3.000s  job 0 done",
                    "  3.000s  job 3 done",
                    "  3.000s  job 4 starts (1 s)",
                    "  3.000s  job 5 starts (1 s)",
                    "  4.000s  job 4 done",
                    "  4.000s  job 5 done",
                ])
                .map_err(|fail| explain_pool(fail, &durations, 2))?;
                expect_elapsed("run_pool of jobs of 3, 1, 1, 1, 1, 1 s (k = 2)", expected)
            },
        ),
        check(
            "failures-do-not-stop-the-pool",
            2,
            "two of six jobs return Err (k = 2): every job still runs, and all six results come \
             back in their places",
            || async {
                let durations = [2, 1, 1, 3, 1, 2];
                let fails = |i: usize| i == 1 || i == 3;
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
                let results = exercise::run_pool(jobs, 2).await;
                let took = elapsed();
                // Jobs the pool took (called the closure of): a pool that returns too early may
                // have taken them all and cancelled the last ones, which is another mistake.
                let taken = probe.built();
                expect(
                    taken == durations.len(),
                    Kind::WrongValue,
                    format!(
                        "only {taken} of the 6 jobs were ever started, although only jobs 1 and 3 \
                         failed: a job's `Err` must not stop the pool. An `Err` is a result like \
                         any other: keep it in its place and go on with the next job (no `?`, no \
                         `break`, no `abort_all` on an error)."
                    ),
                )?;
                let expected: Vec<Result<u32, String>> =
                    (0..durations.len()).map(outcome).collect();
                expect_results(
                    "run_pool of six jobs, jobs 1 and 3 failing (k = 2)",
                    results,
                    expected,
                )?;
                let expected = Duration::from_secs(greedy(&durations, 2).1);
                let why = late_start(&probe.starts(durations.len()), &durations, 2, &fails)
                    .map_or(String::new(), |why| format!(": {why}"));
                expect(
                    took == expected,
                    Kind::WrongTiming,
                    format!(
                        "the six jobs (2, 1, 1, 3, 1, 2 s, jobs 1 and 3 failing) took {} of virtual \
                         time with 2 slots, expected {}{why}.",
                        secs(took),
                        secs(expected)
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
                let probe = Probe::new();
                let jobs = [1, 2, 1]
                    .into_iter()
                    .enumerate()
                    .map(|(i, secs)| probe.job(Spec::quiet(i, secs, Ok(i as u32))));
                let limit = Duration::from_secs(600);
                let Ok(result) = tokio::time::timeout(limit, exercise::run_pool(jobs, 0)).await
                else {
                    return Err(Fail::new(
                        Kind::Deadlock,
                        format!(
                            "run_pool(jobs, 0) was still waiting after {} of virtual time: a pool \
                             with 0 slots waits forever for a free one (a Semaphore with 0 \
                             permits never hands one out). Check k first, and return \
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
                        "run_pool(jobs, 0) returned {result:?}, expected Err(NoWorkers): k = 0 \
                         means no job can ever run, and the caller must be told. {}",
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
                        "run_pool(jobs, 0) returned Err(NoWorkers), but only after calling {built} \
                         job closure(s): with k = 0, no job should be started at all."
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
            "10,000 jobs through 50 slots: right results, no idle slot, and never more than 50 job \
             futures (nor about 100 tasks) alive at once",
            || async {
                let durations: Vec<u64> = (0..BIG_JOBS).map(|i| 1 + (i % 7 % 3) as u64).collect();
                let probe = Probe::new();
                let jobs = durations
                    .iter()
                    .enumerate()
                    .map(|(i, &secs)| probe.job(Spec::quiet(i, secs, Ok(i as u32))));
                let results = exercise::run_pool(jobs, BIG_SLOTS).await;
                let took = elapsed();

                let most_futures = probe.most_futures();
                expect(
                    most_futures <= BIG_SLOTS,
                    Kind::WrongValue,
                    if most_futures <= 2 * BIG_SLOTS {
                        format!(
                            "with 10,000 jobs and k = {BIG_SLOTS}, {most_futures} job futures \
                             existed at the same time, more than k: the pool starts more jobs at \
                             once than it has slots (see never-more-than-k)."
                        )
                    } else {
                        format!(
                            "with 10,000 jobs and k = {BIG_SLOTS}, {most_futures} job futures \
                             existed at the same time: the pool called the job closures long \
                             before their jobs could start (say, `jobs.map(|job| job()).collect()` \
                             up front). Every future holds its job's state from the moment it is \
                             built, so memory grows with the number of jobs. Call a job's closure \
                             only when a slot is free for it."
                        )
                    },
                )?;
                let most_tasks = probe.most_tasks();
                let task_limit = 2 * BIG_SLOTS + 2;
                expect(
                    most_tasks <= task_limit,
                    Kind::WrongValue,
                    format!(
                        "with 10,000 jobs and k = {BIG_SLOTS}, the runtime had {most_tasks} \
                         tasks alive at once (a pool of {BIG_SLOTS} slots needs about \
                         {BIG_SLOTS}, and {task_limit} is the most the check allows): the pool \
                         spawns tasks for jobs that cannot run yet, perhaps one task per job, each \
                         waiting for a Semaphore permit. Each waiting task costs memory, so it \
                         grows with the number of jobs. Wait for a free slot *before* spawning \
                         (`acquire_owned().await`, then spawn with the permit), or keep k tasks \
                         that each take the next job when they are done."
                    ),
                )?;
                let (_, makespan) = greedy(&durations, BIG_SLOTS);
                let expected = Duration::from_secs(makespan);
                let batches = batch_time(&durations, BIG_SLOTS);
                expect(
                    took == expected,
                    Kind::WrongTiming,
                    format!(
                        "10,000 jobs of 1 to 3 s through {BIG_SLOTS} slots took {} of virtual \
                         time, expected {}, the time when each job starts as soon as a slot is \
                         free.{}",
                        secs(took),
                        secs(expected),
                        if took == batches {
                            " That is the time of batches: the pool waits for all the jobs of a \
                             batch before starting the next ones."
                        } else if took < expected {
                            " The pool returned before its jobs were done: once the last job has \
                             started, wait for every job still running."
                        } else {
                            ""
                        }
                    ),
                )?;
                let expected: Vec<Result<u32, String>> =
                    (0..BIG_JOBS).map(|i| Ok(i as u32)).collect();
                expect_results("run_pool of 10,000 jobs", results, expected)
            },
        ),
        check(
            "run-jobs-builds-the-jobs",
            1,
            "run_jobs(&[1, 0, 2, 1], 2) runs job(i, durations[i]) for each duration through the \
             pool: the jobs' lines at their times, and the four results in order",
            || async {
                let results = exercise::run_jobs(&[1, 0, 2, 1], 2).await;
                expect_lines(&[
                    "  0.000s  job 0 starts (1 s)",
                    "  0.000s  job 1 fails",
                    "  0.000s  job 2 starts (2 s)",
                    "  1.000s  job 0 done",
                    "  1.000s  job 3 starts (1 s)",
                    "  2.000s  job 2 done",
                    "  2.000s  job 3 done",
                ])
                .map_err(|fail| explain_pool(fail, &[1, 0, 2, 1], 2))?;
                expect_eq(
                    "run_jobs(&[1, 0, 2, 1], 2)",
                    results,
                    Ok(vec![
                        Ok("job 0: 1 s of work".to_string()),
                        Err("job 1: nothing to do".to_string()),
                        Ok("job 2: 2 s of work".to_string()),
                        Ok("job 3: 1 s of work".to_string()),
                    ]),
                )
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
                        let expected: Vec<Result<String, String>> = durations
                            .iter()
                            .enumerate()
                            .map(|(id, &secs)| match secs {
                                0 => Err(format!("job {id}: nothing to do")),
                                _ => Ok(format!("job {id}: {secs} s of work")),
                            })
                            .collect();
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
