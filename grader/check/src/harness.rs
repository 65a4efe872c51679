//! The `main` of every generated harness binary.
//!
//! ```text
//! check-<slug> list        the checks, encoded as protocol::CheckInfo::encode_list
//! check-<slug> run NAME    run one check: reads a protocol::Job from stdin, writes a Report
//! ```
//!
//! The grader runs one process per check, so a check that crashes, hangs or calls
//! `std::process::exit` takes nothing else down with it, and global state (the clock, the
//! transcript, the panic list) starts fresh every time.
//!
//! The job (report path, nonce, expected transcripts, limits) comes on standard input and is read
//! to its end before any student code runs. Nothing of it is in the environment, so student code
//! finds no report channel there or in `/proc/self/environ`; and since the expected transcripts
//! are in memory, changing the files under fixtures/ while a check runs changes nothing. Run by
//! hand with stdin on a terminal (or `< /dev/null`), a check prints its report on stderr instead.
//!
//! Right after reading the job, the process puts itself in the sandbox the job asks for (see
//! [`crate::sandbox`]): from then on it writes only beneath its own directory, reads no `/proc`,
//! and signals nothing outside itself. The report says which protection applied.

use crate::check::{Check, Fail, Kind, secs};
use crate::monitor::{self, Watch};
use crate::panics;
use crate::protocol::{CheckInfo, Clock, Job, Judged, Report, Verdict};
use std::io::{IsTerminal, Read};
use std::sync::OnceLock;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;
use tokio::runtime::LocalRuntime;

/// Default limit on one uninterrupted busy stretch of the runtime thread (real time).
const BLOCKED_AFTER: Duration = Duration::from_millis(300);
/// Default number of transcript lines kept.
const TRANSCRIPT_CAP: usize = 10_000;

/// The job of this process, once read.
static JOB: OnceLock<Job> = OnceLock::new();
/// The protection this process runs under (the report's `sandbox` field).
static SANDBOX: OnceLock<String> = OnceLock::new();
/// The name of the check this process runs (it seeds the check's own stream, see `crate::seed`).
static RUNNING: OnceLock<&'static str> = OnceLock::new();

/// Entry point: `fn main() { awaitlings_check::harness::main(checks::checks()) }`.
pub fn main(checks: Vec<Check>) {
    main_with_hidden(checks, Vec::new());
}

/// Entry point of an exercise with hidden checks (`grader/checks/hidden/<slug>.rs`, which the
/// student edition leaves out): `hidden`'s checks are listed after the public ones, marked hidden.
pub fn main_with_hidden(public: Vec<Check>, hidden: Vec<Check>) {
    // Before anything else, so that no code under test ever says a line the harness does not
    // stamp and record itself (and none can install a sink of its own).
    crate::recording::install();
    let mut checks = public;
    checks.extend(hidden.into_iter().map(|mut c| {
        c.hidden = true;
        c
    }));
    if let Some(clash) = name_clash(&checks) {
        eprintln!("{clash}");
        std::process::exit(2);
    }
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args
        .iter()
        .map(String::as_str)
        .collect::<Vec<_>>()
        .as_slice()
    {
        ["list"] => {
            let list: Vec<CheckInfo> = checks.iter().map(Check::info).collect();
            print!("{}", CheckInfo::encode_list(&list));
        }
        ["run", name] => match checks.iter().find(|c| c.name == *name) {
            Some(check) => run(check, read_job()),
            None => {
                eprintln!("no check named {name:?}; `list` shows them");
                std::process::exit(2);
            }
        },
        _ => {
            eprintln!("usage: check-<exercise> list | run NAME  (a job on stdin)");
            std::process::exit(2);
        }
    }
}

/// Two checks under one name, said so that the maintainer knows which files to look at: results,
/// hints and wrong solutions are keyed by the name, so it must be unique across the public and
/// the hidden checks of an exercise.
fn name_clash(checks: &[Check]) -> Option<String> {
    let (i, j) = (0..checks.len())
        .flat_map(|i| (i + 1..checks.len()).map(move |j| (i, j)))
        .find(|&(i, j)| checks[i].name == checks[j].name)?;
    let whose = |c: &Check| {
        if c.hidden {
            "grader/checks/hidden/<slug>.rs"
        } else {
            "grader/checks/<slug>.rs"
        }
    };
    let (a, b) = (&checks[i], &checks[j]);
    let place = if a.hidden == b.hidden {
        format!("both in {}", whose(a))
    } else {
        "one in grader/checks/<slug>.rs, one in grader/checks/hidden/<slug>.rs".to_string()
    };
    Some(format!(
        "two checks are named `{}` ({place}). Results, hints and known-wrong solutions are keyed \
         by a check's name, so every name must be unique across an exercise's public and hidden \
         checks: rename one.",
        a.name
    ))
}

/// Reads the job from stdin to its end; a terminal or an empty stdin means "run by hand".
fn read_job() -> Job {
    let stdin = std::io::stdin();
    let mut text = String::new();
    if !stdin.is_terminal() && stdin.lock().read_to_string(&mut text).is_err() {
        text.clear();
    }
    if text.is_empty() {
        return Job {
            blocked_ms: BLOCKED_AFTER.as_millis() as u64,
            transcript_cap: TRANSCRIPT_CAP,
            ..Job::default()
        };
    }
    match Job::decode(&text) {
        Ok(job) => job,
        Err(e) => {
            eprintln!("awaitlings: the job on stdin is not one: {e}");
            std::process::exit(2);
        }
    }
}

/// The job's expected transcript `name`, if the grader sent one.
pub(crate) fn fixture(name: &str) -> Option<&'static str> {
    JOB.get()?
        .fixtures
        .iter()
        .find(|(n, _)| n == name)
        .map(|(_, text)| text.as_str())
}

/// The job's seed, once the job is read.
pub(crate) fn job_seed() -> Option<u64> {
    JOB.get().map(|j| j.seed)
}

/// The running check's name.
pub(crate) fn running_check() -> Option<&'static str> {
    RUNNING.get().copied()
}

/// The job's transcript cap.
pub(crate) fn transcript_cap() -> usize {
    JOB.get().map_or(TRANSCRIPT_CAP, |j| j.transcript_cap)
}

/// Runs one check, start to end: takes up the job, builds the runtime, starts the monitor, runs
/// the body, writes the report. Whichever of the check's end and the monitor writes a report
/// first ends the process; this never returns.
fn run(check: &Check, job: Job) {
    let seed = job.seed;
    let watch = take_up(check, job);
    let runtime = build_runtime(check, seed);
    start_monitor(watch, check.paused);
    let (ending, virtual_time) = run_body(check, &runtime);
    let report = final_report(check, ending, virtual_time);
    if write_first(&report) {
        end(0);
    }
    // The monitor is writing its own report and will end the process.
    loop {
        std::thread::park();
    }
}

/// Puts the process under the job's terms before any student code can run: the sandbox, the
/// memory limit, then the job, the panic hook and the check's name where the check API finds
/// them. Returns what the monitor is to watch for.
fn take_up(check: &Check, job: Job) -> Watch {
    // Before the sandbox closes /proc: the figure of this thread (the runtime's) that tells the
    // monitor how long it waited for a core, which is the load's time, not the code's.
    monitor::open_run_queue();
    // First, while this process still has one thread (Landlock binds only the calling thread and
    // those it starts later), and before any student code can run.
    let _ = SANDBOX.set(if job.report.as_os_str().is_empty() {
        "none: run by hand".into()
    } else {
        crate::sandbox::apply(&job)
    });
    monitor::limit_memory(job.memory_bytes);
    let watch = Watch {
        limit: Duration::from_millis(job.blocked_ms.max(1)),
        memory_bytes: job.memory_bytes,
        untimed: check.untimed,
        advice: check.stall_advice,
    };
    let _ = JOB.set(job);
    panics::install();
    let _ = RUNNING.set(check.name);
    watch
}

/// The check's runtime: one thread, on paused time unless the check runs on the real clock, with
/// the monitor's hooks on the thread going idle and waking up.
fn build_runtime(check: &Check, seed: u64) -> LocalRuntime {
    let mut builder = tokio::runtime::Builder::new_current_thread();
    // Time, and I/O for the checks that use real sockets on loopback (`.real_time()`) or tokio's
    // networking types in memory. Under paused time, socket I/O never holds the clock back.
    builder
        .enable_all()
        .start_paused(check.paused)
        .on_thread_park(monitor::on_park)
        .on_thread_unpark(monitor::on_unpark);
    // tokio's own random choices (the branch an unbiased `select!` polls first) follow the seed,
    // so a verdict that depends on them is the same for the same seed and differs across seeds.
    // The grader builds harnesses with `--cfg tokio_unstable`, which this needs.
    #[cfg(tokio_unstable)]
    builder.rng_seed(tokio::runtime::RngSeed::from_bytes(
        &crate::seed::mix(seed, check.name, u64::MAX).to_le_bytes(),
    ));
    #[cfg(not(tokio_unstable))]
    let _ = seed;
    // A local runtime: the check's body is a task of its own, spawned with `spawn_local`, so the
    // student's code runs where it would in a program, among the other tasks, and never from
    // `block_on`'s own future, which the scheduler polls before any task woken at the same instant
    // (a check run from there would always see one order of what tokio leaves open).
    match builder.build_local(tokio::runtime::LocalOptions::default()) {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("could not start the tokio runtime: {e}");
            std::process::exit(3);
        }
    }
}

/// Starts the monitor on the runtime thread (the calling thread). Its verdict comes with a report
/// of its own, of what the check had said and compared by then, unless the check ended first.
/// `paused`: the check runs on paused time (see [`judged`]).
fn start_monitor(watch: Watch, paused: bool) {
    monitor::watch(watch, move |kind, message| {
        let said = crate::recording::try_said().unwrap_or_default();
        let mut report = Report::new(Verdict::failed(kind, crate::check::full_stop(&message)));
        report.transcript = said.lines;
        report.transcript_tasks = said.tasks;
        report.transcript_dropped = said.dropped;
        report.panics = panics::recorded();
        report.compared = crate::expect::compared();
        report.wall_ms = ms(crate::clock::wall_elapsed());
        report.sandbox = sandbox();
        report.seeded = crate::seed::drawn();
        report.judged = judged(paused, crate::clock::try_elapsed().unwrap_or_default());
        if !write_first(&report) {
            return false; // the check ended on its own first; its report stands
        }
        end(1);
    });
}

/// How the check's body ended: past the watchdog (`Err`), in a panic (`Ok(Err(()))`), or with the
/// body's own verdict.
type Ending = Result<Result<Result<(), Fail>, ()>, tokio::time::error::Elapsed>;

/// Runs the check's body to its end on the runtime, and returns how it ended and the virtual time
/// it took.
fn run_body(check: &Check, runtime: &LocalRuntime) -> (Ending, Duration) {
    let body = (check.body)();
    let watchdog = check.watchdog;
    let mut check_future = Box::pin(async move {
        monitor::on_unpark();
        crate::expect::restart();
        let body = panics::CatchUnwind(body);
        let result = tokio::time::timeout(watchdog, body).await;
        monitor::finish();
        (result, crate::clock::elapsed())
    });
    // Each `Pending` hands the thread back to the scheduler, even when the runtime does not park
    // (after a `yield_now`): the monitor must know, or a long run of short steps looks like one.
    let task = std::future::poll_fn(move |cx| {
        let poll = check_future.as_mut().poll(cx);
        if poll.is_pending() {
            monitor::on_yield();
        }
        poll
    });
    match runtime.block_on(async {
        let body = tokio::task::spawn_local(task);
        let _ = crate::recording::BODY.set(body.id());
        body.await
    }) {
        Ok(done) => done,
        // The body catches its own panics, and nothing aborts the task: only a panic in the
        // harness's own wrapper could land here.
        Err(e) => {
            eprintln!("the check's task ended without a result: {e}");
            end(3);
        }
    }
}

/// The verdict of a body that ended: its own, or a panic, or a deadlock when it outlived the
/// watchdog.
fn verdict_of(ending: Ending, watchdog: Duration) -> Result<(), Fail> {
    match ending {
        Ok(Ok(verdict)) => verdict,
        Ok(Err(())) => Err(Fail::new(Kind::Panicked, String::new())),
        Err(_) => Err(Fail::new(
            Kind::Deadlock,
            format!(
                "never finished: still waiting after {} of virtual time. Under paused time the \
                 clock only jumps this far when nothing else can ever happen, so something awaits \
                 an event that never comes: a channel nobody sends on (or whose sender is still \
                 alive), a task that is never spawned, a lock that is never released.",
                secs(watchdog)
            ),
        )),
    }
}

/// The report of a check whose body ended: its verdict (a failure explained by the panics on the
/// way), what it said and compared, and the time it took.
fn final_report(check: &Check, ending: Ending, virtual_time: Duration) -> Report {
    let recorded_panics = panics::recorded();
    let verdict =
        verdict_of(ending, check.watchdog).map_err(|fail| explain_panics(fail, &recorded_panics));

    let said = crate::recording::said();
    let mut report = Report::new(Verdict::Passed);
    report.finished = true;
    report.transcript = said.lines;
    report.transcript_tasks = said.tasks;
    report.transcript_dropped = said.dropped;
    report.compared = crate::expect::compared();
    report.panics = recorded_panics;
    report.virtual_ms = ms(virtual_time);
    report.wall_ms = ms(crate::clock::wall_elapsed());
    report.sandbox = sandbox();
    report.seeded = crate::seed::drawn();
    report.judged = judged(check.paused, virtual_time);
    if let Err(fail) = verdict {
        report.verdict = Verdict::Failed {
            kind: fail.kind,
            message: crate::check::full_stop(&fail.message),
        };
        report.expected = fail.expected;
        report.actual = fail.actual;
    }
    report
}

/// The duration the report shows beside the check, on the clock the check judges by: the one it
/// stated (or an `expect_took` judged), else the time of its last scenario. On a `.real_time()`
/// check tokio's clock is the real one, so its durations are real time.
fn judged(paused: bool, last_scenario: Duration) -> Option<Judged> {
    let clock = if paused { Clock::Virtual } else { Clock::Real };
    let took = crate::expect::last_judged().unwrap_or(if paused {
        last_scenario
    } else {
        crate::clock::wall_elapsed()
    });
    Some(Judged {
        ms: ms(took),
        clock,
    })
}

/// Ends the process at once, once the report is written: without dropping the runtime (a
/// student's task stuck in a blocking call would make the drop wait for it), and without running
/// exit handlers or thread-local destructors, where student code could still act after the
/// verdict (the report's MAC keeps it from forging one, but it has no business running).
#[allow(unsafe_code)]
fn end(code: i32) -> ! {
    #[cfg(unix)]
    // SAFETY: _exit ends the process without touching memory of ours; nothing that runs after
    // it could observe a broken invariant, because nothing runs after it.
    unsafe {
        libc::_exit(code)
    }
    #[cfg(not(unix))]
    std::process::exit(code)
}

fn sandbox() -> String {
    SANDBOX.get().cloned().unwrap_or_default()
}

fn nonce() -> String {
    JOB.get().map(|j| j.nonce.clone()).unwrap_or_default()
}

/// Writes the report unless another thread already has (the first writer wins: the check's end,
/// or the monitor). Atomic: to a temporary file, then renamed into place. `false` if another
/// writer came first.
fn write_first(report: &Report) -> bool {
    static WRITTEN: AtomicBool = AtomicBool::new(false);
    if WRITTEN.swap(true, Ordering::SeqCst) {
        return false;
    }
    let text = report.encode(&nonce());
    let path = JOB.get().map(|j| j.report.clone()).unwrap_or_default();
    if path.as_os_str().is_empty() {
        // Run by hand: say what happened on stderr instead.
        eprintln!("{text}");
        return true;
    }
    let tmp = path.with_extension("partial");
    if std::fs::write(&tmp, text)
        .and_then(|()| std::fs::rename(&tmp, &path))
        .is_err()
    {
        eprintln!(
            "awaitlings: could not write the report to {}",
            path.display()
        );
    }
    true
}

/// A failure while something panicked is usually *because* it panicked: say so. A `todo!()`
/// reached anywhere (even in a spawned task) means "not implemented yet", whatever else went wrong.
fn explain_panics(fail: Fail, panics: &[String]) -> Fail {
    if let Some(todo) = panics.iter().find(|p| panics::is_not_implemented(p)) {
        return Fail {
            kind: Kind::NotImplemented,
            message: format!(
                "not implemented yet: the code reached `{todo}`. Replace the `todo!()` with your code."
            ),
            ..fail
        };
    }
    match (fail.kind, panics.first()) {
        // A check that says in its own words why a panic is the mistake keeps its words, with
        // the panic after them.
        (Kind::Panicked, Some(first)) if !fail.message.is_empty() => Fail {
            message: if fail.message.contains(first.as_str()) {
                fail.message.clone()
            } else {
                format!(
                    "{} The panic: {first}",
                    crate::check::full_stop(&fail.message)
                )
            },
            ..fail
        },
        (Kind::Panicked, _) if !fail.message.is_empty() => fail,
        (Kind::Panicked, Some(first)) => Fail {
            message: format!("panicked: {first}"),
            ..fail
        },
        (Kind::Panicked, None) => Fail {
            message: "panicked (no message was recorded)".into(),
            ..fail
        },
        (_, Some(first)) => Fail {
            message: format!(
                "{} A task panicked on the way: {first}",
                crate::check::full_stop(&fail.message)
            ),
            ..fail
        },
        (_, None) => fail,
    }
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check::check;

    fn named(name: &'static str, hidden: bool) -> Check {
        let mut c = check(name, 1, "", || async { Ok(()) });
        c.hidden = hidden;
        c
    }

    #[test]
    fn a_name_used_twice_is_named_with_the_files_it_is_in() {
        assert_eq!(name_clash(&[named("a", false), named("b", true)]), None);
        let across = name_clash(&[named("a", false), named("b", false), named("a", true)]).unwrap();
        assert!(
            across.contains("`a`")
                && across.contains(
                    "one in grader/checks/<slug>.rs, one in grader/checks/hidden/<slug>.rs"
                ),
            "{across}"
        );
        let within = name_clash(&[named("b", true), named("b", true)]).unwrap();
        assert!(
            within.contains("both in grader/checks/hidden/<slug>.rs"),
            "{within}"
        );
    }
}
