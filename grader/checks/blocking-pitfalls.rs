//! The public checks of exercise 10 blocking-pitfalls.
//!
//! The lesson is one rule: blocking or CPU-heavy work never runs on the runtime's thread, because
//! while it runs, nothing else does (asyncio's debug mode warns "Executing <Task ...> took 1.000
//! seconds"). Most checks hand `run_jobs` jobs of their own, which watch it from the inside: each
//! job notes the thread it runs on, which jobs had started when it started, and how many ticks the
//! heartbeat had said before and after it. So every correct `run_jobs` passes (a `Vec` of
//! `spawn_blocking` handles, a `JoinSet` of them, the heartbeat spawned or joined), and a failure
//! names the job that blocked.
//!
//! Every check but the demo's draws its inputs from the run's seed: the numbers whose primes are
//! counted, the files' names and lines, the number of ticks, the jobs' names, how many there are
//! and how long they hold their threads. What it expects is worked out from the contract (a sieve
//! for the primes, `str::lines` for the lines), a failure states what was drawn, and `--seed N`
//! replays it.
//!
//! ## The contract, clause by clause, and the checks that fail when only that clause is broken
//!
//! | clause (src/lib.rs, README.md) | checks |
//! |---|---|
//! | `count_primes(below)`: the primes in `2..below`, `below` itself never counted | `count-primes`, `run-other-arguments` |
//! | ... a prime's square is not a prime; 0, 1 and 2 give 0 | `count-primes` |
//! | `count_lines`: first `std::thread::sleep(SLOW_DISK)` (each call takes at least that long) | `count-lines` |
//! | ... lines counted like `str::lines` (a last line without a newline counts, a final newline adds none, an empty file has 0) | `count-lines`, `run-other-arguments` |
//! | ... an error reading the file is returned, not hidden | `count-lines`, `run-other-arguments` |
//! | `heartbeat(n)`: `tick 1` .. `tick n`, one every `BEAT`, the first after one beat; returns at the last | `heartbeat-ticks`, and every check of `run_jobs` |
//! | `run_jobs`: every job on the blocking pool, never on the runtime's thread | `jobs-run-off-the-runtime`, `jobs-run-together`, `heartbeat-ticks-during-jobs`, `run-other-arguments`, `demo-transcript` |
//! | ... all the jobs at the same time: every one started before waiting for any | `jobs-run-together` |
//! | ... waiting for a job never blocks (no `.join()`, no std channel's `recv()`) | `jobs-run-off-the-runtime`, `heartbeat-ticks-during-jobs` |
//! | ... the jobs' work on threads tokio knows of (results at 0.000 s of the paused clock) | `jobs-run-off-the-runtime`, `jobs-run-together`, `run-other-arguments` |
//! | ... `{name}: {result}` said for each job when its result is in | `jobs-run-off-the-runtime`, `jobs-run-together`, `run-other-arguments` |
//! | ... the heartbeat ticks while the jobs work | `heartbeat-ticks-during-jobs` |
//! | ... the heartbeat says all its ticks, and `run_jobs` returns after the last one | `heartbeat-ticks-during-jobs`, `jobs-run-off-the-runtime`, `run-other-arguments` |
//! | ... the results in the order of `jobs`, whatever order they finish in | `jobs-run-off-the-runtime` |
//! | `run`: two jobs, `primes below {below}` then `lines in {file name}` (the name, not the path) | `run-other-arguments`, `demo-transcript` |
//! | ... `error: {the error}` for a file that cannot be read | `run-other-arguments` |
//! | ... both jobs do their work inside `run_jobs`, off the runtime | `run-other-arguments`, `demo-transcript` |
//!
//! What no check can see, and why:
//! - that `count_lines` sleeps *before* it reads: the order shows only in a race with the real
//!   clock (a file changed during the sleep), which a loaded machine could lose for a right answer;
//!   the checks judge the sleep's length and the count.
//! - that it reads with `std::fs`: any way of reading the file gives the same count.
//! - "a job that panics is a bug: `run_jobs` may panic too": a permission, not a promise.
//!
//! ## The checks
//!
//! - `count-primes`: 0, 1 and 2, and seeded values around drawn primes and prime squares (a prime
//!   `p` and `p + 1`, `q * q` and `q * q + 1`) and up to 30,000, against the check's own sieve.
//!   Called on the blocking pool, so a slow algorithm costs time, not a "blocked" verdict.
//! - `count-lines`: files of drawn names holding drawn lines (one without a final newline, one
//!   with a blank line and a final newline, an empty one), and a missing file, which must be an
//!   `Err`. Each call takes at least `SLOW_DISK` of real time, a lower bound that never fails a
//!   right answer (so this check runs on the real clock). The calls run at once, on the blocking
//!   pool.
//! - `heartbeat-ticks`: `heartbeat(n)` for a drawn `n` says `tick 1` to `tick n`, 100 ms apart,
//!   starting at 0.100 s; `heartbeat(0)` says nothing and takes no time.
//! - `jobs-run-off-the-runtime`: 2 to 4 jobs of drawn names, the first holding its thread for 0.6
//!   to 1 s of real time, the others less. None may run on the runtime's thread (a direct call, or
//!   `tokio::spawn`, which runs a task on that very thread): the grader's job notices where it
//!   runs and, on the runtime's thread, returns at once and names itself. Waiting for the jobs must
//!   not block either: while it holds, a job asks a task of the check on the runtime's thread for
//!   an answer, and a `std::thread` joined, or a std channel's `recv()`, keeps that thread stuck,
//!   so no answer comes (within 2 s, where a free runtime answers in microseconds). The results come
//!   back in job order although the first job finishes last, and the transcript is exact: every
//!   result at 0.000 s (tokio holds its paused clock still while `spawn_blocking` work runs), then
//!   the heartbeat's 2 to 4 ticks.
//! - `jobs-run-together`: 2 to 4 jobs that each wait (up to 2 s of real time) until all have
//!   started. Started together, they meet at once; awaited one after another, the first waits in
//!   vain, and the check says so. The bound is seconds where a right answer needs microseconds.
//! - `heartbeat-ticks-during-jobs` (on the real clock: the only way to watch ticks *while*
//!   blocking work runs, since the paused clock stands still meanwhile): 2 or 3 jobs hold their
//!   threads for 1.2 to 1.8 s while the heartbeat is asked for 5 to 10 ticks more than that. Each
//!   job must see at least 3 ticks said while it ran (a free runtime says one every 100 ms: the
//!   margin is wide for a loaded machine), and the heartbeat must say all its ticks, also after the
//!   jobs are done. A heartbeat awaited after the jobs, or stopped with them, fails here; a runtime
//!   blocked by a job fails everywhere.
//! - `run-other-arguments`: `run` with a drawn prime as `below` (so counting `below` itself
//!   shows), a file of a drawn name and lines (the last with no newline, so counting newlines
//!   shows), and 2 to 5 ticks; then `run` on a file that does not exist, given by its full path
//!   (the job's name is the file name only).
//! - `demo-transcript` (the main check): the demo's `run(1_000_000, "report.txt", 15)` against
//!   fixtures/blocking-pitfalls/demo.txt. The file job sleeps a real second: run on the runtime's
//!   thread, it blocks it, and the harness says so.
//!
//! The checks that wait seconds of real time on purpose (the slow disk, jobs holding their
//! threads) are marked `.waits()`: the grader runs them beside the other checks instead of one per
//! CPU, so that their waiting overlaps. It changes when they run, never what they judge.
//!
//! The checks that run jobs give their own advice when the runtime's thread was stuck: the
//! blocking (`std::thread::sleep` in `count_lines`) and the computing (the primes) are the
//! contract's, so the cure is where they run (`spawn_blocking`), never to change them; with the
//! grader's own jobs, which block only off the runtime, the cure is in how `run_jobs` waits.
//!
//! Why the results are all at 0.000 s: the checks run on paused time, where the clock jumps to the
//! next timer only when every task waits. While `spawn_blocking` work runs, tokio cannot know when
//! it ends, so it holds the clock until it does. Threads tokio does not know of (a plain
//! `std::thread::spawn`) do not hold it: the clock runs on past them, and the checks say so.

use awaitlings_check::check::secs;
use awaitlings_check::compare::parse;
use awaitlings_check::prelude::*;
use exercise::Job;
use std::future::Future;
use std::path::Path;
use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use std::thread::ThreadId;
use std::time::{Duration, Instant};

/// How long a job of `jobs-run-together` waits for the others to start (real time).
const GIVE_UP: Duration = Duration::from_secs(2);
/// The fewest ticks a job of `heartbeat-ticks-during-jobs` must see while it runs (one every
/// 100 ms comes when the runtime is free).
const FEWEST_TICKS: usize = 3;
/// The demo's report (the same text as the demo's main.rs writes).
const REPORT: &str = "disk: slow\nnetwork: fine\ncpu: busy\nheartbeat: steady";

/// What to do when the runtime's thread was stuck asleep in a check that runs jobs: the blocking
/// is the contract's (count_lines' `std::thread::sleep` stays), so the advice is where it runs.
const BLOCKED: &str = "Blocking work is part of this exercise: count_lines sleeps with \
    std::thread::sleep (the slow disk, which the contract keeps), and it must run off the \
    runtime's thread, on `tokio::task::spawn_blocking`, like every job's work. `tokio::spawn`, or \
    an `async` block around a job, still runs it on the runtime's own thread. Waiting for the jobs \
    must not block either: await the JoinHandles spawn_blocking gives, never a std::thread's \
    `join()` or a std channel's `recv()`. And the heartbeat waits with \
    `tokio::time::sleep(..).await`, not std::thread::sleep.";

/// What to do when the runtime's thread computed without awaiting: the CPU-bound job ran there.
const SPINNING: &str = "That is CPU-bound work, such as count_primes, run on the runtime's \
    thread: its loop never waits, so every other task (the heartbeat too) stands still until it \
    is done. An `.await` inside the loop is not the cure: work that computes goes off the runtime, \
    onto `tokio::task::spawn_blocking`, and the task awaits its JoinHandle. `tokio::spawn`, or an \
    `async` block around the job, still runs it on the runtime's thread.";

/// What to do when the runtime's thread was stuck asleep in a check whose jobs are the grader's
/// own: they hold their threads only once they know they run off the runtime, so what blocked it
/// is `run_jobs` itself (or the heartbeat).
const BLOCKED_WAITING: &str = "The grader's jobs in this check block only off the runtime's \
    thread (they check where they run), so what blocked it is run_jobs itself: waiting for a job \
    the blocking way (a std::thread's `join()`, a std channel's `recv()`, a std Mutex or Condvar), \
    or a heartbeat that sleeps with std::thread::sleep. Await the JoinHandles spawn_blocking \
    gives, and let the heartbeat wait with `tokio::time::sleep(..).await`.";

/// What to do when the runtime's thread computed without awaiting in a check whose jobs are the
/// grader's own, which never compute on it: `run_jobs` polls for its jobs.
const SPINNING_WAITING: &str = "The grader's jobs in this check never compute on the runtime's \
    thread, so what kept it busy is run_jobs itself: a loop that checks whether a job is done \
    (`is_finished()`, `try_recv()`) without waiting. Await the JoinHandle instead: the task then \
    sleeps until the job is done, and the heartbeat ticks meanwhile.";

pub fn checks() -> Vec<Check> {
    vec![
        check(
            "count-primes",
            2,
            "count_primes counts the primes below its argument (below itself never counted, 0, 1 \
             and 2 give 0, a prime's square is no prime), for drawn values up to 30,000",
            || async {
                let mut r = rng();
                // Every `below` drawn is at most 179² + 1 = 32,042: the table must reach past it,
                // or a square above 30,000 is counted against too short a list.
                let primes = sieve(40_000);
                let small: Vec<u64> = primes.iter().copied().filter(|&p| p < 180).collect();
                let upto: Vec<u64> = primes.iter().copied().filter(|&p| p <= 30_000).collect();
                let p = *r.pick(&upto[upto.len() / 2..]);
                let q = *r.pick(&small[1..]);
                let mut belows = vec![0, 1, 2, 3, p, p + 1, q * q, q * q + 1];
                belows.push(r.range(10_000..=30_000));
                belows.push(r.range(3..=200));
                // The whole table, from the contract: the primes in 2..below.
                let count = |below: u64| primes.iter().filter(|&&x| x < below).count() as u64;
                let cases: Vec<(u64, u64)> = belows.iter().map(|&b| (b, count(b))).collect();
                // On the blocking pool, as the lesson says: a slow algorithm costs time here,
                // not a "blocked" verdict.
                let asked = belows.clone();
                let got = tokio::task::spawn_blocking(move || {
                    asked
                        .into_iter()
                        .map(exercise::count_primes)
                        .collect::<Vec<_>>()
                })
                .await
                .map_err(|e| Fail::new(Kind::Panicked, format!("count_primes panicked: {e}")))?;
                // Read the whole table first, to tell one mistake from another.
                let squares_below =
                    |below: u64| small.iter().filter(|&&s| s * s < below).count() as u64;
                let all =
                    |f: &dyn Fn(u64) -> u64| cases.iter().zip(&got).all(|(&(b, _), &g)| g == f(b));
                let hint = if all(&|b| count(b + 1)) {
                    " Is `below` itself counted? \"Below\" leaves it out: `2..below`."
                } else if all(&|b| count(b) + squares_below(b)) {
                    " Are squares of primes (9, 25, 49...) counted as primes? Try divisors while \
                     `d * d <= n`, not `<`."
                } else if got[2] > 0 {
                    " 0 and 1 are not primes, and there is no prime below 2."
                } else {
                    ""
                };
                for (&(below, expected), &actual) in cases.iter().zip(&got) {
                    expect_eq(&format!("count_primes({below})"), actual, expected)
                        .map_err(|fail| fail.then(hint))?;
                }
                Ok(())
            },
        ),
        check(
            "count-lines",
            2,
            "count_lines counts lines like str::lines in drawn files, returns Err for a missing \
             file, and each call waits SLOW_DISK on its thread first",
            || async {
                let mut r = rng();
                let names = r.names(4);
                let (plain_lines, blank_lines) = (r.count(2..=7), r.count(3..=6));
                let mut words = |n: usize| -> Vec<String> {
                    (0..n)
                        .map(|_| {
                            let len = 1 + r.below(8) as usize;
                            r.letters(len)
                        })
                        .collect()
                };
                let plain = words(plain_lines).join("\n");
                let mut blank = words(blank_lines);
                let at = blank.len() / 2;
                blank.insert(at, String::new());
                let blank = blank.join("\n") + "\n";
                let files: Vec<(String, Option<String>)> = vec![
                    (format!("{}.txt", names[0]), Some(plain)),
                    (format!("{}.txt", names[1]), Some(blank)),
                    (format!("{}.txt", names[2]), Some(String::new())),
                    (format!("{}.txt", names[3]), None),
                ];
                // The slow reads at once, each on a thread of the blocking pool: one second in
                // all, not four.
                let mut handles = Vec::new();
                for (name, text) in &files {
                    if let Some(text) = text {
                        std::fs::write(name, text).expect("the check could not write its file");
                    }
                    let name = name.clone();
                    handles.push(tokio::task::spawn_blocking(move || {
                        let began = Instant::now();
                        let lines = exercise::count_lines(Path::new(&name));
                        (lines, began.elapsed())
                    }));
                }
                let mut slowest = Duration::ZERO;
                for ((name, text), handle) in files.into_iter().zip(handles) {
                    let (lines, took) = handle.await.map_err(|e| {
                        Fail::new(
                            Kind::Panicked,
                            format!("count_lines(\"{name}\") panicked: {e}"),
                        )
                    })?;
                    let what = match &text {
                        Some(text) => format!("count_lines of a file holding {text:?}"),
                        None => format!("count_lines(\"{name}\"), a file that does not exist,"),
                    };
                    let expected = text.as_deref().map(|text| text.lines().count());
                    match (lines, expected) {
                        (Ok(actual), Some(expected)) => expect_eq(&what, actual, expected)
                            .map_err(|fail| {
                                fail.then(
                                    "Count lines the way `str::lines()` does: a last line without \
                                     a newline counts, and a final newline does not start another \
                                     line.",
                                )
                            })?,
                        (Err(error), Some(_)) => {
                            return Err(Fail::new(
                                Kind::WrongValue,
                                format!("{what} returned the error {error:?}"),
                            ));
                        }
                        (Ok(actual), None) => {
                            return Err(Fail::new(
                                Kind::WrongValue,
                                format!(
                                    "{what} returned Ok({actual}): an error reading the file must \
                                     come back as Err (with `?`), not be hidden as a count."
                                ),
                            ));
                        }
                        (Err(_), None) => {}
                    }
                    slowest = slowest.max(took);
                    expect(
                        took >= exercise::SLOW_DISK,
                        Kind::WrongTiming,
                        format!(
                            "{what} returned after {} of real time: it must first wait SLOW_DISK \
                             ({}) with std::thread::sleep, the stand-in for a slow disk that makes \
                             the blocking visible.",
                            secs(took),
                            secs(exercise::SLOW_DISK)
                        ),
                    )?;
                }
                // The duration this check judges: the slow disk's, on the real clock.
                judged(slowest);
                Ok(())
            },
        )
        // The slow disk is real time: the check runs on the real clock, so its report shows
        // the real time the calls took.
        .real_time()
        .waits(),
        check(
            "heartbeat-ticks",
            2,
            "heartbeat(n) says tick 1 at 0.100 s ... tick n at n × 0.100 s and returns then; \
             heartbeat(0) says nothing",
            || async {
                let n = rng().range(2..=8);
                let what = format!("heartbeat({n})");
                exercise::heartbeat(n as u32).await;
                let took = elapsed();
                expect_ticks(&what, n)?;
                let lines = tick_lines(n);
                expect_lines(&lines.iter().map(String::as_str).collect::<Vec<_>>())?;
                expect_took(&what, took, exercise::BEAT * n as u32)?;

                restart();
                exercise::heartbeat(0).await;
                expect_lines(&[])?;
                expect(
                    elapsed().is_zero(),
                    Kind::WrongTiming,
                    format!(
                        "heartbeat(0) took {} of virtual time: with no tick to say, it should \
                         return at once.",
                        secs(elapsed())
                    ),
                )?;
                judged(took);
                Ok(())
            },
        ),
        check(
            "jobs-run-off-the-runtime",
            3,
            "run_jobs runs each job on the blocking pool, never on the runtime's thread, awaits \
             them without blocking, and returns their results in job order",
            || async {
                let mut r = rng();
                let jobs_n = r.count(2..=4);
                let names = r.names(jobs_n);
                let first = r.millis(600..=1000, 100);
                // Two ticks at least: a heartbeat that blocks shows as ticks all at one instant.
                let ticks = r.range(2..=4);
                let probe = Probe::new();
                let jobs = names
                    .iter()
                    .enumerate()
                    .map(|(i, name)| {
                        let hold = if i == 0 {
                            first
                        } else {
                            Duration::from_millis(r.range(0..=3) * 50)
                        };
                        probe.job(name, Work::Hold(hold))
                    })
                    .collect();
                let what = format!(
                    "run_jobs of jobs {} ({} holding its thread {} of real time, the others \
                     less), {ticks} ticks",
                    quoted(&names),
                    names[0],
                    secs(first)
                );
                let results =
                    within_a_minute("run_jobs", exercise::run_jobs(jobs, ticks as u32)).await?;
                let took = elapsed();
                probe.expect_off_runtime()?;
                probe.expect_runtime_answered()?;
                let expected: Vec<String> = names.iter().map(|n| format!("{n} done")).collect();
                let mut sorted = results.clone();
                sorted.sort();
                let mut want = expected.clone();
                want.sort();
                expect(
                    results == expected || sorted != want,
                    Kind::WrongOrder,
                    format!(
                        "{what}: run_jobs returned {results:?}, the right results in another \
                         order, perhaps the order the jobs finished in (the first job finishes \
                         last); expected {expected:?}, the order of the jobs. Keep each result in \
                         its job's place (await the handles in job order, or number them)."
                    ),
                )?;
                expect_eq(&format!("{what}: run_jobs's results"), results, expected)?;
                let said: Vec<String> = names.iter().map(|n| format!("{n}: {n} done")).collect();
                expect_results_at_start(&said.iter().map(String::as_str).collect::<Vec<_>>())?;
                expect_ticks(&format!("run_jobs(.., {ticks})"), ticks)?;
                let mut lines: Vec<String> = said
                    .iter()
                    .map(|s| awaitlings::format_line(Duration::ZERO, s))
                    .collect();
                lines.extend(tick_lines(ticks));
                expect_lines(&lines.iter().map(String::as_str).collect::<Vec<_>>())?;
                expect_took(&what, took, exercise::BEAT * ticks as u32)
            },
        )
        .stall_advice(BLOCKED_WAITING, SPINNING_WAITING)
        .waits(),
        check(
            "jobs-run-together",
            3,
            "run_jobs starts every job before waiting for any: jobs that wait for each other \
             meet at once",
            || async {
                let mut r = rng();
                let jobs_n = r.count(2..=4);
                let names = r.names(jobs_n);
                let ticks = r.range(1..=3);
                let probe = Probe::new();
                let jobs = names
                    .iter()
                    .map(|name| probe.job(name, Work::Meet(names.len())))
                    .collect();
                let results =
                    within_a_minute("run_jobs", exercise::run_jobs(jobs, ticks as u32)).await?;
                probe.expect_off_runtime()?;
                let state = probe.state();
                if let Some((name, started)) = state.alone.first() {
                    return Err(Fail::new(
                        Kind::Sequential,
                        format!(
                            "the jobs {} ran one after another: job {name:?} waited {} of real \
                             time for the other jobs to start, and only {} had started. Awaiting \
                             a job before starting the next runs them in sequence; hand every job \
                             to spawn_blocking first (it returns a JoinHandle at once), then await \
                             the handles.",
                            quoted(&names),
                            secs(GIVE_UP),
                            started
                                .iter()
                                .map(|s| format!("{s:?}"))
                                .collect::<Vec<_>>()
                                .join(", ")
                        ),
                    ));
                }
                drop(state);
                expect_eq(
                    "run_jobs's results",
                    results,
                    names.iter().map(|n| format!("{n} done")).collect(),
                )?;
                let said: Vec<String> = names.iter().map(|n| format!("{n}: {n} done")).collect();
                expect_results_at_start(&said.iter().map(String::as_str).collect::<Vec<_>>())
            },
        )
        .stall_advice(BLOCKED_WAITING, SPINNING_WAITING)
        .waits(),
        check(
            "heartbeat-ticks-during-jobs",
            3,
            "on the real clock: while jobs hold their threads for over a second, the heartbeat \
             keeps ticking, and it says all its ticks",
            || async {
                let mut r = rng();
                let jobs_n = r.count(2..=3);
                let names = r.names(jobs_n);
                let hold = r.millis(1200..=1800, 100);
                let ticks =
                    (hold.as_millis() / exercise::BEAT.as_millis()) as usize + r.count(5..=10);
                let probe = Probe::new();
                let jobs = names
                    .iter()
                    .map(|name| probe.job(name, Work::Hold(hold)))
                    .collect();
                let results = exercise::run_jobs(jobs, ticks as u32).await;
                probe.expect_off_runtime()?;
                probe.expect_runtime_answered()?;
                let stamps = tick_stamps();
                let gap = longest_gap(&stamps);
                for span in &probe.state().spans {
                    let during = span.ticks_after - span.ticks_before;
                    expect(
                        during >= FEWEST_TICKS,
                        Kind::Sequential,
                        format!(
                            "the heartbeat stood still while job {:?} ran: {during} tick(s) came \
                             during its {} of real time (a free runtime says one every 100 ms), \
                             {} before it and {} after it; the longest gap between two ticks was \
                             {}. The heartbeat must run at the same time as the jobs: spawn it (or \
                             join! it with the waiting) before you await any job, not after.",
                            span.name,
                            secs(hold),
                            span.ticks_before,
                            stamps.len() - span.ticks_after,
                            secs(gap),
                        ),
                    )?;
                }
                expect(
                    stamps.len() == ticks,
                    Kind::WrongValue,
                    format!(
                        "the heartbeat said {} of its {ticks} ticks (jobs holding {}): it must \
                         tick `ticks` times whatever the jobs do, and run_jobs returns only after \
                         its last tick. Was it stopped (aborted, dropped) when the jobs were done?",
                        stamps.len(),
                        secs(hold)
                    ),
                )?;
                expect_eq(
                    "run_jobs's results",
                    results,
                    names.iter().map(|n| format!("{n} done")).collect(),
                )
            },
        )
        .real_time()
        .stall_advice(BLOCKED_WAITING, SPINNING_WAITING)
        .waits(),
        check(
            "run-other-arguments",
            2,
            "run with a drawn number, file and ticks: the primes, the lines, the ticks; a missing \
             file, given by its full path, reports its error under its file name",
            || async {
                let mut r = rng();
                let primes = sieve(20_001);
                // A prime, so that counting `below` itself shows.
                let below = *r.pick(&primes[10..]);
                let count = |below: u64| primes.iter().filter(|&&x| x < below).count();
                let file = format!("{}.txt", r.name());
                let count_of_lines = r.count(2..=9);
                let lines: Vec<String> = (0..count_of_lines).map(|_| r.letters(5)).collect();
                // No final newline: a last line without one still counts.
                let text = lines.join("\n");
                let ticks = r.range(2..=5);
                std::fs::write(&file, &text).expect("could not write the check's file");
                let what = format!("run({below}, \"{file}\", {ticks})");
                let results =
                    within_a_minute("run", exercise::run(below, Path::new(&file), ticks as u32))
                        .await?;
                expect_ticks(&what, ticks)?;
                let primes_line = format!("primes below {below}: {}", count(below));
                let lines_line = format!("lines in {file}: {}", lines.len());
                let mut expected = vec![
                    awaitlings::format_line(Duration::ZERO, &primes_line),
                    awaitlings::format_line(Duration::ZERO, &lines_line),
                ];
                expected.extend(tick_lines(ticks));
                expect_lines(&expected.iter().map(String::as_str).collect::<Vec<_>>())?;
                expect_eq(
                    &format!("{what}'s results"),
                    results,
                    vec![count(below).to_string(), lines.len().to_string()],
                )?;

                restart();
                let missing = format!("{}.txt", r.name());
                let error = std::fs::read_to_string(&missing)
                    .expect_err("the missing file should not exist")
                    .to_string();
                let path = std::env::current_dir()
                    .expect("the check's directory")
                    .join(&missing);
                let below = r.range(3..=50);
                let results = within_a_minute("run", exercise::run(below, &path, 1)).await?;
                let primes_line = format!("primes below {below}: {}", count(below));
                let lines_line = format!("lines in {missing}: error: {error}");
                expect_lines(&[
                    &awaitlings::format_line(Duration::ZERO, &primes_line),
                    &awaitlings::format_line(Duration::ZERO, &lines_line),
                    "  0.100s  tick 1",
                ])?;
                expect_eq(
                    &format!("run({below}, {path:?}, 1)'s results, a file that does not exist"),
                    results,
                    vec![count(below).to_string(), format!("error: {error}")],
                )
            },
        )
        .stall_advice(BLOCKED, SPINNING)
        .waits(),
        check(
            "demo-transcript",
            3,
            "run(1_000_000, \"report.txt\", 15): the demo's transcript, both results at 0.000 s \
             and 15 ticks",
            || async {
                std::fs::write("report.txt", REPORT).expect("could not write report.txt");
                let results =
                    within_a_minute("run", exercise::run(1_000_000, Path::new("report.txt"), 15))
                        .await?;
                let compared = expect_transcript("demo");
                expect_ticks("run(1_000_000, \"report.txt\", 15)", 15)?;
                compared?;
                expect_eq("run's results", results, vec!["78498".into(), "4".into()])
            },
        )
        .main()
        .stall_advice(BLOCKED, SPINNING)
        .waits(),
    ]
}

/// The primes below `below`, by the sieve of Eratosthenes: the checks' own count, another
/// algorithm than the trial division the lesson suggests.
fn sieve(below: u64) -> Vec<u64> {
    let n = below as usize;
    let mut composite = vec![false; n.max(2)];
    let mut primes = Vec::new();
    for i in 2..n {
        if !composite[i] {
            primes.push(i as u64);
            let mut j = i * i;
            while j < n {
                composite[j] = true;
                j += i;
            }
        }
    }
    primes
}

/// `tick 1` .. `tick {n}` at their times, one every `BEAT` from one beat on.
fn tick_lines(n: u64) -> Vec<String> {
    (1..=n)
        .map(|k| awaitlings::format_line(exercise::BEAT * k as u32, &format!("tick {k}")))
        .collect()
}

/// Names as a message says them: `"amber", "basil"`.
fn quoted(names: &[&str]) -> String {
    names
        .iter()
        .map(|n| format!("{n:?}"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// What a grader's job does once it is sure it runs off the runtime's thread.
#[derive(Clone, Copy)]
enum Work {
    /// Holds its thread this long (real time), like a slow blocking call.
    Hold(Duration),
    /// Waits (at most [`GIVE_UP`]) until this many jobs have started.
    Meet(usize),
}

/// A job's run as the heartbeat saw it: how many ticks had been said when it started and ended.
struct Span {
    name: String,
    ticks_before: usize,
    ticks_after: usize,
}

#[derive(Default)]
struct Seen {
    /// Jobs that found themselves on the runtime's thread.
    on_runtime: Vec<String>,
    /// Jobs started (off the runtime), in order.
    started: Vec<String>,
    /// A `Meet` job that gave up waiting, with the jobs started by then.
    alone: Vec<(String, Vec<String>)>,
    /// Set once one job gave up: the others do not wait in vain as well.
    gave_up: bool,
    spans: Vec<Span>,
    /// Holding jobs whose call to the runtime's thread got no answer while they held: the
    /// runtime's thread was blocked waiting for them.
    unanswered: Vec<String>,
}

/// The grader's jobs report here.
struct Probe {
    runtime: ThreadId,
    seen: Mutex<Seen>,
    changed: Condvar,
    /// Calls a task of the check answers on the runtime's thread: a holding job calls it while it
    /// holds, and no answer within `GIVE_UP` means that thread was blocked meanwhile.
    echo: Mutex<tokio::sync::mpsc::UnboundedSender<std::sync::mpsc::Sender<()>>>,
}

impl Probe {
    /// Made on the runtime's thread (the check's body runs there).
    fn new() -> Arc<Probe> {
        let (echo, mut calls) =
            tokio::sync::mpsc::unbounded_channel::<std::sync::mpsc::Sender<()>>();
        // Answers every call at once, whenever the runtime's thread is free to run it; ends
        // when the probe (the only sender) is dropped.
        tokio::spawn(async move {
            while let Some(reply) = calls.recv().await {
                let _ = reply.send(());
            }
        });
        Arc::new(Probe {
            runtime: std::thread::current().id(),
            seen: Mutex::new(Seen::default()),
            changed: Condvar::new(),
            echo: Mutex::new(echo),
        })
    }

    /// Called by a holding job, off the runtime: does the runtime's thread answer while the job
    /// holds? Waits at most `GIVE_UP` (a free runtime answers in microseconds).
    fn runtime_answers(&self) -> bool {
        let (reply, answer) = std::sync::mpsc::channel();
        let sent = self
            .echo
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .send(reply)
            .is_ok();
        sent && answer.recv_timeout(GIVE_UP).is_ok()
    }

    /// Fails, naming the job, when the runtime's thread did not answer while a job held its
    /// thread: whatever waited for the jobs blocked it.
    fn expect_runtime_answered(&self) -> Result<(), Fail> {
        let Some(name) = self.state().unanswered.first().cloned() else {
            return Ok(());
        };
        Err(Fail::new(
            Kind::Blocked,
            format!(
                "blocked the runtime: while job {name:?} held its thread (off the runtime, as it \
                 should), the runtime's thread did not run a single task for {} of real time: it \
                 was stuck waiting for the job the blocking way, so the heartbeat and every other \
                 task stood still. A std::thread's `join()` or a std channel's `recv()` blocks; \
                 run the work with `tokio::task::spawn_blocking` and await its JoinHandle, which \
                 waits without blocking.",
                secs(GIVE_UP)
            ),
        ))
    }

    fn state(&self) -> MutexGuard<'_, Seen> {
        self.seen.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// A job named `name` that returns `"{name} done"`. On the runtime's thread it returns at
    /// once and notes it (so the check can name it, instead of freezing the heartbeat itself).
    fn job(self: &Arc<Self>, name: &str, work: Work) -> Job {
        let probe = Arc::clone(self);
        let name = name.to_string();
        let result = format!("{name} done");
        // A literal, not the stub's given `Job::new` (in a file the student may edit): the
        // job is exactly this closure.
        Job {
            name: name.clone(),
            work: Box::new(move || {
                if std::thread::current().id() == probe.runtime {
                    probe.state().on_runtime.push(name);
                    return result;
                }
                let ticks_before = tick_stamps().len();
                match work {
                    Work::Hold(d) => {
                        let began = Instant::now();
                        if !probe.runtime_answers() {
                            probe.state().unanswered.push(name.clone());
                        }
                        std::thread::sleep(d.saturating_sub(began.elapsed()));
                    }
                    Work::Meet(n) => probe.meet(&name, n),
                }
                let ticks_after = tick_stamps().len();
                probe.state().spans.push(Span {
                    name,
                    ticks_before,
                    ticks_after,
                });
                result
            }),
        }
    }

    fn meet(&self, name: &str, n: usize) {
        let deadline = Instant::now() + GIVE_UP;
        let mut seen = self.state();
        seen.started.push(name.to_string());
        self.changed.notify_all();
        while seen.started.len() < n && !seen.gave_up {
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                seen.gave_up = true;
                let started = seen.started.clone();
                seen.alone.push((name.to_string(), started));
                break;
            }
            seen = self
                .changed
                .wait_timeout(seen, left)
                .unwrap_or_else(|p| p.into_inner())
                .0;
        }
        self.changed.notify_all();
    }

    /// Fails, naming the jobs, when any job ran on the runtime's thread.
    fn expect_off_runtime(&self) -> Result<(), Fail> {
        let on_runtime = self.state().on_runtime.clone();
        if on_runtime.is_empty() {
            return Ok(());
        }
        let names = on_runtime
            .iter()
            .map(|s| format!("{s:?}"))
            .collect::<Vec<_>>()
            .join(", ");
        let (jobs, they) = if on_runtime.len() == 1 {
            ("job", "it")
        } else {
            ("jobs", "they")
        };
        Err(Fail::new(
            Kind::Blocked,
            format!(
                "blocked the runtime: {jobs} {names} ran on the runtime's own thread, the one \
                 every task shares, so the heartbeat and every other task stood still until \
                 {they} returned (the grader's jobs noticed and returned at once; real ones would \
                 have frozen the heartbeat for as long as they worked). Calling `(job.work)()` in \
                 async code runs it there, in an `async` block too, and so does \
                 `tokio::spawn(async move {{ (job.work)() }})`: a task is not a thread. Hand the \
                 work to `tokio::task::spawn_blocking(job.work)` and await its JoinHandle."
            ),
        ))
    }
}

/// The heartbeat's ticks said so far, with their times.
fn tick_stamps() -> Vec<Duration> {
    transcript()
        .iter()
        .filter_map(|line| {
            let line = parse(line);
            line.text.starts_with("tick ").then(|| {
                line.at
                    .and_then(|at| at.parse::<f64>().ok())
                    .map_or(Duration::ZERO, Duration::from_secs_f64)
            })
        })
        .collect()
}

/// The longest wait for a tick: from the start to the first, or between two.
fn longest_gap(ticks: &[Duration]) -> Duration {
    let mut last = Duration::ZERO;
    let mut longest = Duration::ZERO;
    for &at in ticks {
        longest = longest.max(at.saturating_sub(last));
        last = at;
    }
    longest
}

/// Fails unless every line of `texts` was said at 0.000 s: the paused clock stands still while
/// `spawn_blocking` work runs, so results of jobs started at 0 s come at 0 s.
fn expect_results_at_start(texts: &[&str]) -> Result<(), Fail> {
    let lines = transcript();
    for text in texts {
        let Some(line) = lines.iter().find(|l| parse(l).text == *text) else {
            return Err(Fail::new(
                Kind::WrongValue,
                format!(
                    "run_jobs never said {text:?}: say `{{name}}: {{result}}` for each job once \
                     its result is in. The transcript: {lines:?}"
                ),
            ));
        };
        let at = parse(line).at.unwrap_or("?");
        expect(
            at == "0.000",
            Kind::WrongTiming,
            format!(
                "{text:?} was said at {at} s of virtual time, expected 0.000 s. Under the grader's \
                 paused clock, tokio holds time still while spawn_blocking work runs (it cannot \
                 know how long the work takes), so jobs started at 0 s report at 0 s. Time ran on \
                 while this job worked: did it run on a thread tokio does not know of \
                 (std::thread::spawn), or wait for a tick before it started?"
            ),
        )?;
    }
    Ok(())
}

/// Fails unless the heartbeat said exactly `tick 1` to `tick {n}`, one every 100 ms from 0.100 s,
/// naming the mistake when it is a known one: a tick said before its sleep, a heartbeat that
/// started late (after the jobs) or stopped early (with them).
fn expect_ticks(what: &str, n: u64) -> Result<(), Fail> {
    let ticks: Vec<(String, u64)> = transcript()
        .iter()
        .filter_map(|line| {
            let line = parse(line);
            let (s, ms) = line.at?.split_once('.')?;
            let at = s.parse::<u64>().ok()? * 1000 + ms.parse::<u64>().ok()?;
            line.text
                .starts_with("tick ")
                .then(|| (line.text.to_string(), at))
        })
        .collect();
    let said: Vec<&str> = ticks.iter().map(|(text, _)| text.as_str()).collect();
    let expected: Vec<String> = (1..=n).map(|k| format!("tick {k}")).collect();
    if said != expected {
        let why = if said.len() < expected.len() && said.iter().zip(&expected).all(|(a, b)| a == b)
        {
            " It stopped early: it must say all its ticks whatever the jobs do, and run_jobs returns \
             only after the last one. Was it aborted or dropped when the jobs were done?"
        } else {
            ""
        };
        return Err(Fail::new(
            Kind::WrongValue,
            format!(
                "{what}: the heartbeat said {} tick line(s), {said:?}, expected {} ({:?} to {:?}).{why}",
                said.len(),
                n,
                expected.first().map_or("", String::as_str),
                expected.last().map_or("", String::as_str),
            ),
        ));
    }
    if n >= 2 && ticks.iter().all(|(_, at)| *at == ticks[0].1) {
        // No time between ticks at all: the heartbeat's wait did not wait on tokio's clock.
        return Err(frozen_clock(&format!(
            "{what}: all {n} ticks came at the same instant, where they should be 100 ms apart:"
        )));
    }
    let beat = exercise::BEAT.as_millis() as u64;
    for (k, (text, at)) in (1..).zip(&ticks) {
        let due = k * beat;
        if *at == due {
            continue;
        }
        let why = if *at + beat == due {
            " Each tick comes one beat early: the heartbeat says a tick before it sleeps (or \
             counts the first tick of a `tokio::time::interval`, which completes at once, as \
             tick 1). Sleep first, then say the tick."
        } else if ticks
            .iter()
            .zip(1..)
            .all(|((_, a), j)| a.checked_sub(j * beat) == at.checked_sub(due))
        {
            " Every tick is late by the same time: the heartbeat started late. Start it with the \
             jobs, at 0 s, not after them."
        } else {
            ""
        };
        return Err(Fail::new(
            Kind::WrongTiming,
            format!(
                "{what}: `{text}` came at {}.{:03} s of virtual time, expected {}.{:03} s (one tick \
                 every {} ms, the first after one beat).{why}",
                at / 1000,
                at % 1000,
                due / 1000,
                due % 1000,
                beat
            ),
        ));
    }
    Ok(())
}

/// Awaits the student's `future`, but no longer than a minute of virtual time: a `run_jobs` whose
/// jobs run on threads tokio does not know of lets the paused clock run on to the watchdog, and
/// deserves a better word than "deadlock".
async fn within_a_minute<T>(what: &str, future: impl Future<Output = T>) -> Result<T, Fail> {
    within(Duration::from_secs(60), future)
        .await
        .ok_or_else(|| {
            Fail::new(
                Kind::Deadlock,
                format!(
                    "{what} had not returned after 60 s of virtual time, with ticks due every \
                     0.100 s. Under the grader's paused clock, time jumps ahead whenever every \
                     task waits; it stands still only for work tokio knows of, such as \
                     spawn_blocking. Jobs on threads of your own (std::thread::spawn) let the \
                     clock run past them, and a wait for something that never comes runs it to \
                     the end. Use tokio::task::spawn_blocking, and await every handle."
                ),
            )
        })
}
