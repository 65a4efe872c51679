//! The public checks of exercise 10 blocking-pitfalls.
//!
//! The lesson is one rule: blocking or CPU-heavy work never runs on the runtime's thread, because
//! while it runs, nothing else does (asyncio's debug mode warns "Executing <Task ...> took 1.000
//! seconds"). Most checks hand `run_jobs` jobs of their own, which watch it from the inside: each
//! job notes the thread it runs on, which jobs had started when it started, and how many ticks the
//! heartbeat had said before and after it. So every correct `run_jobs` passes (a `Vec` of
//! `spawn_blocking` handles, a `JoinSet` of them), and a failure names the job that blocked.
//!
//! What is checked, and why:
//!
//! - `count-primes`: the CPU-bound job's values, edges included (`below` itself is not counted;
//!   0, 1 and 2 give 0; a prime's square is not a prime). Called on the blocking pool, so a slow
//!   algorithm costs time, not a "blocked" verdict.
//! - `count-lines`: the blocking job's values (a last line without a newline counts, a trailing
//!   newline adds none, an empty file has 0), an error for a missing file, and the slow disk:
//!   each call takes at least `SLOW_DISK` of real time, a lower bound that never fails a right
//!   answer. The four calls run at once, on the blocking pool.
//! - `heartbeat-ticks`: `heartbeat(4)` says `tick 1` to `tick 4`, 100 ms apart, starting at
//!   0.100 s; `heartbeat(0)` says nothing and takes no time.
//! - `jobs-run-off-the-runtime`: two jobs, one holding its thread for 1 s of real time. Neither may
//!   run on the runtime's thread (a direct call, or `tokio::spawn`, which runs a task on that very
//!   thread): the grader's job notices where it runs and, on the runtime's thread, returns at once
//!   and names itself. Waiting for the jobs must not block either: a `std::thread` joined, or a
//!   std channel's `recv()`, keeps the runtime's thread stuck for the second the job holds, and the
//!   harness reports it blocked. The results come back in job order although the second job
//!   finishes first, and the transcript is exact: both results at 0.000 s (tokio holds its paused
//!   clock still while `spawn_blocking` work runs), then the heartbeat's two ticks.
//! - `jobs-run-together`: three jobs that each wait (up to 2 s of real time) until all three have
//!   started. Started together, they meet at once; awaited one after another, the first waits in
//!   vain, and the check says so. The bound is seconds where a right answer needs microseconds.
//! - `heartbeat-ticks-during-jobs` (on the real clock: the only way to watch ticks *while*
//!   blocking work runs, since the paused clock stands still meanwhile): two jobs hold their
//!   threads for 1.5 s while the heartbeat is asked for 25 ticks. Each job must see at least 3 ticks
//!   said while it ran (a free runtime says about 15: the margin is wide for a loaded machine), and
//!   the heartbeat must say all 25, also after the jobs are done. A heartbeat awaited after the
//!   jobs, or stopped with them, fails here; a runtime blocked by a job fails everywhere.
//! - `run-other-arguments`: `run(7919, "notes.txt", 3)` (7919 is prime, so counting `below` itself
//!   shows), then `run` on a file that does not exist, against inline transcripts.
//! - `demo-transcript` (the main check): the demo's `run(1_000_000, "report.txt", 15)` against
//!   fixtures/blocking-pitfalls/demo.txt. The file job sleeps a real second: run on the runtime's
//!   thread, it blocks it, and the harness says so.
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
/// How long a job of `heartbeat-ticks-during-jobs` holds its thread (real time).
const LONG_JOB: Duration = Duration::from_millis(1500);
/// The fewest ticks a job of `heartbeat-ticks-during-jobs` must see while it runs (about 15 come
/// when the runtime is free).
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
    onto `tokio::task::spawn_blocking` (or a thread of its own), and the task awaits its \
    JoinHandle. `tokio::spawn`, or an `async` block around the job, still runs it on the \
    runtime's thread.";

pub fn checks() -> Vec<Check> {
    vec![
        check(
            "count-primes",
            2,
            "count_primes counts the primes below its argument: 0, 1, 2 give 0, 10 gives 4, 7919 \
             gives 999, 20000 gives 2262",
            || async {
                let cases: [(u64, u64); 13] = [
                    (0, 0),
                    (1, 0),
                    (2, 0),
                    (3, 1),
                    (4, 2),
                    (10, 4),
                    (11, 4),
                    (12, 5),
                    (26, 9),
                    (100, 25),
                    (7919, 999),
                    (7920, 1000),
                    (20_000, 2262),
                ];
                // On the blocking pool, as the lesson says: a slow algorithm costs time here,
                // not a "blocked" verdict.
                let got = tokio::task::spawn_blocking(move || {
                    cases.map(|(below, _)| exercise::count_primes(below))
                })
                .await
                .map_err(|e| Fail::new(Kind::Panicked, format!("count_primes panicked: {e}")))?;
                // Read the whole table first, to tell one mistake from another.
                let count = |below: u64| got[cases.iter().position(|c| c.0 == below).unwrap_or(0)];
                let hint = if count(3) == 2 && count(11) == 5 && count(7919) == 1000 {
                    " Is `below` itself counted? \"Below\" leaves it out: `2..below`."
                } else if count(10) == 5 && count(26) == 11 {
                    " Are squares of primes (9, 25) counted as primes? Try divisors while \
                     `d * d <= n`, not `<`."
                } else if count(2) > 0 {
                    " 0 and 1 are not primes, and there is no prime below 2."
                } else {
                    ""
                };
                for ((below, expected), actual) in cases.into_iter().zip(got) {
                    expect_eq(&format!("count_primes({below})"), actual, expected)
                        .map_err(|fail| fail.then(hint))?;
                }
                Ok(())
            },
        ),
        check(
            "count-lines",
            2,
            "count_lines counts lines like str::lines (3, 3, 0), returns Err for a missing file, \
             and each call waits SLOW_DISK on its thread first",
            || async {
                let files: [(&str, Option<&str>, Option<usize>); 4] = [
                    ("three.txt", Some("one\ntwo\nthree"), Some(3)),
                    ("blank-line.txt", Some("alpha\n\nbeta\n"), Some(3)),
                    ("empty.txt", Some(""), Some(0)),
                    ("missing.txt", None, None),
                ];
                // Four slow reads at once, each on a thread of the blocking pool: one second in
                // all, not four.
                let mut handles = Vec::new();
                for (name, text, _) in files {
                    if let Some(text) = text {
                        std::fs::write(name, text).expect("the check could not write its file");
                    }
                    handles.push(tokio::task::spawn_blocking(move || {
                        let began = Instant::now();
                        let lines = exercise::count_lines(Path::new(name));
                        (lines, began.elapsed())
                    }));
                }
                for ((name, text, expected), handle) in files.into_iter().zip(handles) {
                    let (lines, took) = handle.await.map_err(|e| {
                        Fail::new(
                            Kind::Panicked,
                            format!("count_lines(\"{name}\") panicked: {e}"),
                        )
                    })?;
                    let what = match text {
                        Some(text) => format!("count_lines of a file holding {text:?}"),
                        None => format!("count_lines(\"{name}\"), a file that does not exist,"),
                    };
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
                Ok(())
            },
        ),
        check(
            "heartbeat-ticks",
            2,
            "heartbeat(4) says tick 1 at 0.100 s ... tick 4 at 0.400 s and returns then; \
             heartbeat(0) says nothing",
            || async {
                exercise::heartbeat(4).await;
                expect_ticks("heartbeat(4)", 4)?;
                expect_lines(&[
                    "  0.100s  tick 1",
                    "  0.200s  tick 2",
                    "  0.300s  tick 3",
                    "  0.400s  tick 4",
                ])?;
                expect_elapsed("heartbeat(4)", Duration::from_millis(400))?;

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
                )
            },
        ),
        check(
            "jobs-run-off-the-runtime",
            3,
            "run_jobs runs each job on the blocking pool, never on the runtime's thread, awaits \
             them without blocking, and returns their results in job order",
            || async {
                let probe = Probe::new();
                let jobs = vec![
                    probe.job("slow", Work::Hold(Duration::from_secs(1))),
                    probe.job("quick", Work::Hold(Duration::ZERO)),
                ];
                let results = within_a_minute("run_jobs", exercise::run_jobs(jobs, 2)).await?;
                probe.expect_off_runtime()?;
                let expected = vec!["slow done".to_string(), "quick done".to_string()];
                let mut reversed = expected.clone();
                reversed.reverse();
                expect(
                    results != reversed,
                    Kind::WrongOrder,
                    format!(
                        "run_jobs returned {results:?}, the results in the order the jobs \
                         finished; expected {expected:?}, the order of the jobs. Keep each \
                         result in its job's place (await the handles in job order, or number \
                         them)."
                    ),
                )?;
                expect_eq("run_jobs's results", results, expected)?;
                expect_results_at_start(&["slow: slow done", "quick: quick done"])?;
                expect_ticks("run_jobs(.., 2)", 2)?;
                expect_lines(&[
                    "  0.000s  slow: slow done",
                    "  0.000s  quick: quick done",
                    "  0.100s  tick 1",
                    "  0.200s  tick 2",
                ])?;
                expect_elapsed("run_jobs with 2 ticks", Duration::from_millis(200))
            },
        )
        .stall_advice(BLOCKED, SPINNING),
        check(
            "jobs-run-together",
            3,
            "run_jobs starts every job before waiting for any: three jobs that wait for each \
             other meet at once",
            || async {
                let probe = Probe::new();
                let jobs = ["a", "b", "c"]
                    .into_iter()
                    .map(|name| probe.job(name, Work::Meet(3)))
                    .collect();
                let results = within_a_minute("run_jobs", exercise::run_jobs(jobs, 1)).await?;
                probe.expect_off_runtime()?;
                let state = probe.state();
                if let Some((name, started)) = state.alone.first() {
                    return Err(Fail::new(
                        Kind::Sequential,
                        format!(
                            "the jobs ran one after another: job {name:?} waited {} of real time \
                             for the other jobs to start, and only {} had started. Awaiting a job \
                             before starting the next runs them in sequence; hand every job to \
                             spawn_blocking first (it returns a JoinHandle at once), then await \
                             the handles.",
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
                    vec!["a done".into(), "b done".into(), "c done".into()],
                )?;
                expect_results_at_start(&["a: a done", "b: b done", "c: c done"])
            },
        )
        .stall_advice(BLOCKED, SPINNING),
        check(
            "heartbeat-ticks-during-jobs",
            3,
            "on the real clock: while two jobs hold their threads for 1.5 s, the heartbeat keeps \
             ticking, and it says all its 25 ticks",
            || async {
                let probe = Probe::new();
                let jobs = vec![
                    probe.job("disk", Work::Hold(LONG_JOB)),
                    probe.job("cpu", Work::Hold(LONG_JOB)),
                ];
                let results = exercise::run_jobs(jobs, 25).await;
                probe.expect_off_runtime()?;
                let ticks = tick_stamps();
                let gap = longest_gap(&ticks);
                for span in &probe.state().spans {
                    let during = span.ticks_after - span.ticks_before;
                    expect(
                        during >= FEWEST_TICKS,
                        Kind::Sequential,
                        format!(
                            "the heartbeat stood still while job {:?} ran: {during} tick(s) came \
                             during its {} of real time (a free runtime says about 15), {} \
                             before it and {} after it; the longest gap between two ticks was {}. \
                             The heartbeat must run at the same time as the jobs: spawn it (or \
                             join! it with the waiting) before you await any job, not after.",
                            span.name,
                            secs(LONG_JOB),
                            span.ticks_before,
                            ticks.len() - span.ticks_after,
                            secs(gap),
                        ),
                    )?;
                }
                expect(
                    ticks.len() == 25,
                    Kind::WrongValue,
                    format!(
                        "the heartbeat said {} of its 25 ticks: it must tick `ticks` times \
                         whatever the jobs do, and run_jobs returns only after its last tick. Was \
                         it stopped (aborted, dropped) when the jobs were done?",
                        ticks.len()
                    ),
                )?;
                expect_eq(
                    "run_jobs's results",
                    results,
                    vec!["disk done".into(), "cpu done".into()],
                )
            },
        )
        .real_time()
        .stall_advice(BLOCKED, SPINNING),
        check(
            "run-other-arguments",
            2,
            "run(7919, \"notes.txt\", 3): 999 primes, 5 lines, 3 ticks; a missing file reports \
             its error",
            || async {
                std::fs::write("notes.txt", "a\nb\nc\nd\ne").expect("could not write notes.txt");
                let results =
                    within_a_minute("run", exercise::run(7919, Path::new("notes.txt"), 3)).await?;
                expect_ticks("run(7919, \"notes.txt\", 3)", 3)?;
                expect_lines(&[
                    "  0.000s  primes below 7919: 999",
                    "  0.000s  lines in notes.txt: 5",
                    "  0.100s  tick 1",
                    "  0.200s  tick 2",
                    "  0.300s  tick 3",
                ])?;
                expect_eq("run's results", results, vec!["999".into(), "5".into()])?;

                restart();
                let error = std::fs::read_to_string("missing.txt")
                    .expect_err("missing.txt should not exist")
                    .to_string();
                let path = std::env::current_dir()
                    .expect("the check's directory")
                    .join("missing.txt");
                let results = within_a_minute("run", exercise::run(20, &path, 1)).await?;
                let line = format!("  0.000s  lines in missing.txt: error: {error}");
                expect_lines(&["  0.000s  primes below 20: 8", &line, "  0.100s  tick 1"])?;
                expect_eq(
                    "run's results for a missing file",
                    results,
                    vec!["8".into(), format!("error: {error}")],
                )
            },
        )
        .stall_advice(BLOCKED, SPINNING),
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
        .stall_advice(BLOCKED, SPINNING),
    ]
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
}

/// The grader's jobs report here.
struct Probe {
    runtime: ThreadId,
    seen: Mutex<Seen>,
    changed: Condvar,
}

impl Probe {
    /// Made on the runtime's thread (the check's body runs there).
    fn new() -> Arc<Probe> {
        Arc::new(Probe {
            runtime: std::thread::current().id(),
            seen: Mutex::new(Seen::default()),
            changed: Condvar::new(),
        })
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
                    Work::Hold(d) => std::thread::sleep(d),
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
            " Each tick comes one beat early: the heartbeat says a tick before it sleeps. Sleep \
             first, then say the tick."
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
