//! The public checks of exercise 08 timeouts-and-cancellation.
//!
//! Every tool is driven with jobs the check builds itself, wrapped so that the check sees whether
//! each job finished, or was dropped (cancelled) and at which virtual instant. The jobs say a line
//! when they start and as they go, and after each tool returns the check lets virtual time run on:
//! a job that was meant to be cancelled must stay silent from then on. What is checked, and why:
//!
//! - `with_timeout` (asyncio's `wait_for`): a 2 s job with a 1 s limit gives `Err(TimedOut)` at
//!   exactly 1.000 s, and the job is dropped at that instant and says nothing more; a 1 s job with a
//!   2 s limit gives its value at 1.000 s. Awaiting the job and only then looking at the clock gives
//!   up late; the error must be `TimedOut`, not some other kind;
//! - `cancel_after` (`task.cancel()` then `await task`): a job still running at 1.5 s is aborted;
//!   `cancel_after` returns `Err(Cancelled)` at 1.5 s, *after* the task is gone (abort only asks the
//!   runtime; awaiting the handle is how you know it happened), and the job never says another
//!   line (a timeout on the handle by value only drops the handle, which detaches the task). A job
//!   done at 1 s with 2 s allowed gives its value at 1.000 s, not when the allowance runs out;
//! - `cancel_after` tells a panic from a cancellation: a job that panics is `Err(Panicked)`,
//!   neither `Err(Cancelled)` nor a panic of `cancel_after` itself;
//! - `wait_detached` (asyncio's `shield`): a 3 s job with a 1.5 s limit gives `StillRunning` at
//!   1.5 s; the task keeps running with nobody waiting (its 2 s line comes on time), and awaiting
//!   the handle later gives its value at 3.000 s. A 1 s job with a 2 s limit gives `Done` at 1.000 s;
//! - `with_cleanup` (`try/finally`): the cleanup line is said exactly once, at the instant the job
//!   is cancelled, both when the check's own `tokio::time::timeout` drops it and when the check
//!   aborts the task running it; and exactly once, at the end, when the job finishes. A line after
//!   `job.await` never runs for a cancelled future; `let _ = guard` drops the guard at once;
//! - `all_within` (asyncio's `timeout()` block): four 1 s steps with a 2.5 s deadline stop at
//!   exactly 2.500 s with `Err(TimedOut)`: steps 1 and 2 done, step 3 cancelled at 2.5 s, step 4
//!   never started. Not 4 s (a fresh 2.5 s per step), not 3 s (the deadline only looked at between
//!   steps), not earlier (the deadline split into shares). And 0.5 s, 1 s and 1.5 s steps with 4 s
//!   give all three outputs at 3.000 s, each step starting when the one before it ends;
//! - the demo's kitchen prints the transcript of fixtures/timeouts-and-cancellation/run.txt (the
//!   main check). The stub gives `run()`; the check plays its own copy of it (see [`demo`]),
//!   calling only the five tools the student writes, so a `run()` that merely replays the
//!   expected lines earns nothing.
//!
//! Every check runs on paused time. No limit or deadline the checks judge falls on the same
//! instant as a step of a job (limits end on half seconds where jobs tick on whole ones, or a job
//! sleeps in one piece past the limit): tokio does not promise the order of same-instant timers,
//! and no check depends on it.

use awaitlings::say;
use awaitlings_check::check::secs;
use awaitlings_check::compare::parse;
use awaitlings_check::prelude::*;
use exercise::{JobError, Waited};
use std::time::Duration;
use tokio::time::sleep;

fn ms(millis: u64) -> Duration {
    Duration::from_millis(millis)
}

pub fn checks() -> Vec<Check> {
    vec![
        check(
            "timeout-fires-at-the-limit",
            3,
            "with_timeout(1 s, a 2 s job) is Err(TimedOut) at 1.000 s with the job dropped then; \
             with_timeout(2 s, a 1 s job) is Ok at 1.000 s",
            || async {
                let (job, stats) = watched(one_sleep("soup", ms(2000), 7));
                let result = exercise::with_timeout(ms(1000), job).await;
                let took = elapsed();
                let done = what_the_job_did(stats.finished(), stats.dropped_at());
                let what = "with_timeout(1 s, a 2 s job)";
                match result {
                    Err(JobError::TimedOut) => {}
                    Ok(value) => {
                        return Err(Fail::new(
                            Kind::WrongValue,
                            format!(
                                "{what} returned Ok({value}) after {}, expected Err(TimedOut) at \
                                 1.000 s: it waited for the job to finish instead of giving up at \
                                 the limit. Race the job against a timer: \
                                 `tokio::time::timeout(limit, job)`.",
                                secs(took)
                            ),
                        ));
                    }
                    Err(other) => return Err(wrong_error(what, other, JobError::TimedOut)),
                }
                if took > ms(1000) {
                    return Err(Fail::new(
                        Kind::WrongTiming,
                        format!(
                            "{what} returned Err(TimedOut) after {} of virtual time, expected \
                             exactly 1.000 s; {done}. A timeout must fire at the limit, while the \
                             job is still running: awaiting the job and then comparing the clock \
                             with the limit only notices the lateness once the job is over. \
                             `tokio::time::timeout(limit, job)` polls the job and a timer together.",
                            secs(took)
                        ),
                    ));
                }
                expect_elapsed(what, ms(1000))?;
                expect(
                    stats.cancelled() && stats.dropped_at() == Some(ms(1000)),
                    Kind::WrongValue,
                    format!(
                        "{what} returned Err(TimedOut) on time, but {done}: a job that runs out \
                         of time is cancelled, which for a future means dropped, there and then."
                    ),
                )?;
                sleep(ms(2000)).await;
                expect_silent_after(
                    what,
                    &["  0.000s  soup: started"],
                    "a timed-out job must never be polled again",
                )?;

                restart();
                let (job, _) = watched(one_sleep("tea", ms(1000), 8));
                let result = exercise::with_timeout(ms(2000), job).await;
                expect_eq("with_timeout(2 s, a 1 s job that returns 8)", result, Ok(8))?;
                expect_elapsed(
                    "with_timeout(2 s, a 1 s job), which should return as soon as the job does,",
                    ms(1000),
                )
            },
        ),
        check(
            "abort-stops-the-task",
            3,
            "cancel_after(1.5 s, a 4 s job) aborts its task: Err(Cancelled) at 1.500 s, the task \
             gone by then, not a line more; cancel_after(2 s, a 1 s job) is Ok at 1.000 s",
            || async {
                let (job, probe) = watched(ticking("stew", 4, 5));
                let result = exercise::cancel_after(ms(1500), job).await;
                let took = elapsed();
                let dropped_by_return = probe.dropped();
                let said = transcript().len();
                let what = "cancel_after(1.5 s, a 4 s job)";
                // Let time run on: an aborted task must stay silent.
                sleep(ms(4000)).await;
                let later = transcript().split_off(said);
                match result {
                    Err(JobError::Cancelled) => {}
                    Ok(value) => {
                        return Err(Fail::new(
                            Kind::WrongValue,
                            format!(
                                "{what} returned Ok({value}) after {}, expected Err(Cancelled) at \
                                 1.500 s: the job was allowed to run to its end. Wait for the \
                                 handle at most `after` (`tokio::time::timeout(after, &mut \
                                 handle)`), then `handle.abort()`.",
                                secs(took)
                            ),
                        ));
                    }
                    Err(other) => return Err(wrong_error(what, other, JobError::Cancelled)),
                }
                if took.is_zero() {
                    return Err(frozen_clock(&format!(
                        "{what} returned Err(Cancelled) at once, expected it at 1.500 s:"
                    )));
                }
                if !later.is_empty() {
                    return Err(Fail::new(
                        Kind::WrongValue,
                        format!(
                            "{what} returned Err(Cancelled) after {}, but the job's task kept \
                             running: {} more line(s) came afterwards, the last `{}`. Dropping a \
                             JoinHandle (or a timeout that owns it, `timeout(after, handle)`) \
                             does not stop its task, it only detaches it. Keep the handle (time \
                             out on `&mut handle`) and call `handle.abort()`.",
                            secs(took),
                            later.len(),
                            later.last().map_or("", |l| l.trim_start())
                        ),
                    ));
                }
                expect_took(what, took, ms(1500))?;
                expect(
                    dropped_by_return,
                    Kind::WrongValue,
                    format!(
                        "{what} returned Err(Cancelled) while the job's task was still alive: its \
                         future was dropped only after cancel_after had returned. \
                         `handle.abort()` only asks the runtime to cancel the task; it happens \
                         the next time the runtime gets to that task. Await the handle after \
                         aborting (asyncio: `task.cancel()` then `await task`): it returns once \
                         the task is gone and its cleanup has run."
                    ),
                )?;
                expect_lines(&["  0.000s  stew: started", "  1.000s  stew: 1 s"])?;

                restart();
                let (job, _) = watched(one_sleep("egg", ms(1000), 6));
                let result = exercise::cancel_after(ms(2000), job).await;
                let took = elapsed();
                expect_eq("cancel_after(2 s, a 1 s job that returns 6)", result, Ok(6))?;
                if took > ms(1000) {
                    return Err(Fail::new(
                        Kind::WrongTiming,
                        format!(
                            "cancel_after(2 s, a 1 s job) returned its value after {}, expected \
                             1.000 s, when the job finished: it waited out the whole allowance \
                             (a plain `sleep(after)`) before looking at the task. Wait on the \
                             handle itself, with a time limit.",
                            secs(took)
                        ),
                    ));
                }
                expect_elapsed("cancel_after(2 s, a 1 s job)", ms(1000))
            },
        ),
        check(
            "abort-tells-panics-apart",
            2,
            "cancel_after(1.5 s, a job that panics at 0.5 s) is Err(Panicked) at 0.500 s: not \
             Err(Cancelled), and no panic of its own",
            || async {
                let job = async {
                    say!("bad: started");
                    sleep(ms(500)).await;
                    panic!(
                        "the check's job panics here on purpose: cancel_after should turn this \
                         into Err(JobError::Panicked) and return it, not panic itself (an \
                         `.unwrap()` or `.expect(..)` on the JoinError passes the panic on)"
                    );
                };
                let result: Result<u32, JobError> = exercise::cancel_after(ms(1500), job).await;
                let took = elapsed();
                // cancel_after returned (had it panicked, the harness would report its panic): the
                // job's panic was the point of the check, not news for the report.
                forget_panics();
                let what = "cancel_after(1.5 s, a job that panics at 0.5 s)";
                match result {
                    Err(JobError::Panicked) => {}
                    Ok(value) => {
                        return Err(Fail::new(
                            Kind::WrongValue,
                            format!("{what} returned Ok({value}), expected Err(Panicked)"),
                        ));
                    }
                    Err(other) => return Err(wrong_error(what, other, JobError::Panicked)),
                }
                if took > ms(500) {
                    return Err(Fail::new(
                        Kind::WrongTiming,
                        format!(
                            "{what} returned Err(Panicked) after {}, expected 0.500 s, when the \
                             job's task ended: it waited out the whole allowance (a plain \
                             `sleep(after)`) before looking at the task. Wait on the handle \
                             itself, with a time limit: it is ready as soon as the task ends, \
                             however it ends.",
                            secs(took)
                        ),
                    ));
                }
                expect_elapsed(what, ms(500))
            },
        ),
        check(
            "detached-task-keeps-running",
            3,
            "wait_detached(1.5 s, a 3 s job) gives StillRunning at 1.500 s; the task runs on with \
             nobody waiting, and its handle gives the value at 3.000 s",
            || async {
                let (job, probe) = watched(ticking("bread", 3, 9));
                let waited = exercise::wait_detached(ms(1500), job).await;
                let took = elapsed();
                let what = "wait_detached(1.5 s, a 3 s job)";
                let handle = match waited {
                    Waited::StillRunning(handle) => handle,
                    Waited::Done(value) => {
                        return Err(Fail::new(
                            Kind::WrongValue,
                            format!(
                                "{what} returned Done({value}) after {}, expected StillRunning at \
                                 1.500 s: it waited for the job to finish instead of giving up \
                                 *waiting* at the limit.",
                                secs(took)
                            ),
                        ));
                    }
                };
                expect_elapsed(what, ms(1500))?;
                // Do something else for a while, waiting for nobody.
                sleep(ms(1000)).await;
                if let Some(at) = probe.cancelled_at() {
                    return Err(Fail::new(
                        Kind::WrongValue,
                        format!(
                            "{what} returned StillRunning on time, but the job's task was \
                             cancelled at {}: the point of wait_detached is that only the \
                             *waiting* stops, the task runs on (asyncio's shield). Don't abort \
                             the task when the limit passes; hand its handle back untouched.",
                            secs(at)
                        ),
                    ));
                }
                expect_lines(&[
                    "  0.000s  bread: started",
                    "  1.000s  bread: 1 s",
                    "  2.000s  bread: 2 s",
                ])
                .map_err(|fail| Fail {
                    message: format!(
                        "after wait_detached(1.5 s, a 3 s job) returned, its task should keep \
                         running while nobody waits for it: {}",
                        fail.message
                    ),
                    ..fail
                })?;
                let collected = handle.await;
                expect(
                    collected.as_ref().is_ok_and(|&v| v == 9),
                    Kind::WrongValue,
                    format!(
                        "awaiting the handle wait_detached returned gave {collected:?}, expected \
                         Ok(9), the job's own value: the handle must be the job's task's."
                    ),
                )?;
                expect_elapsed("collecting the detached job's value", ms(3000))
            },
        ),
        check(
            "detached-returns-when-done",
            1,
            "wait_detached(2 s, a 1 s job) gives Done with the job's value at 1.000 s",
            || async {
                let (job, _) = watched(one_sleep("jam", ms(1000), 4));
                let waited = exercise::wait_detached(ms(2000), job).await;
                let took = elapsed();
                let what = "wait_detached(2 s, a 1 s job that returns 4)";
                match waited {
                    Waited::Done(value) => expect_eq(what, value, 4)?,
                    Waited::StillRunning(_) => {
                        return Err(Fail::new(
                            Kind::WrongValue,
                            format!(
                                "{what} returned StillRunning after {}, expected Done(4) at 1.000 s",
                                secs(took)
                            ),
                        ));
                    }
                }
                if took > ms(1000) {
                    return Err(Fail::new(
                        Kind::WrongTiming,
                        format!(
                            "{what} returned Done(4) after {}, expected 1.000 s, when the job \
                             finished: it waited out the whole limit (a `sleep(limit)`, then a \
                             look at the task) instead of waiting on the handle itself with a \
                             time limit, which returns as soon as the task is done.",
                            secs(took)
                        ),
                    ));
                }
                expect_elapsed(what, ms(1000))
            },
        ),
        check(
            "cleanup-runs-on-cancel",
            2,
            "with_cleanup says `cleaned up` once, at the instant its job is cancelled: timed out \
             at 1.5 s, or its task aborted at 0.5 s",
            || async {
                let job = exercise::with_cleanup("pot", ticking("pot", 3, 1));
                let _ = tokio::time::timeout(ms(1500), job).await;
                sleep(ms(3000)).await;
                expect_cleanup(
                    "with_cleanup(\"pot\", a 3 s job), timed out by the check at 1.5 s",
                    "pot",
                    ms(1500),
                    "cancelled",
                )?;
                expect_lines(&[
                    "  0.000s  pot: started",
                    "  1.000s  pot: 1 s",
                    "  1.500s  pot: cleaned up",
                ])?;

                restart();
                let task = tokio::spawn(exercise::with_cleanup("lid", ticking("lid", 3, 2)));
                sleep(ms(500)).await;
                task.abort();
                let _ = task.await;
                sleep(ms(3000)).await;
                expect_cleanup(
                    "with_cleanup(\"lid\", a 3 s job), spawned, its task aborted by the check at \
                     0.5 s",
                    "lid",
                    ms(500),
                    "cancelled",
                )?;
                expect_lines(&["  0.000s  lid: started", "  0.500s  lid: cleaned up"])
            },
        ),
        check(
            "cleanup-runs-once-on-finish",
            1,
            "with_cleanup(\"tap\", a 1 s job) returns the job's value at 1.000 s and says \
             `cleaned up` once, at 1.000 s",
            || async {
                let value = exercise::with_cleanup("tap", one_sleep("tap", ms(1000), 3)).await;
                expect_eq("with_cleanup(\"tap\", a job that returns 3)", value, 3)?;
                expect_elapsed("with_cleanup(\"tap\", a 1 s job)", ms(1000))?;
                sleep(ms(1000)).await;
                expect_cleanup(
                    "with_cleanup(\"tap\", a 1 s job), awaited to its end",
                    "tap",
                    ms(1000),
                    "finished",
                )?;
                expect_lines(&[
                    "  0.000s  tap: started",
                    "  1.000s  tap: finished",
                    "  1.000s  tap: cleaned up",
                ])
            },
        ),
        check(
            "one-deadline-for-the-group",
            4,
            "all_within(2.5 s, four 1 s steps) is Err(TimedOut) at 2.500 s (step 3 cancelled, \
             step 4 never started); all_within(4 s, steps of 0.5, 1, 1.5 s) is Ok at 3.000 s",
            || async {
                let mut steps = Vec::new();
                let mut stats = Vec::new();
                for (name, value) in [("wash", 1), ("chop", 2), ("fry", 3), ("plate", 4)] {
                    let (step, s) = watched(one_sleep(name, ms(1000), value));
                    steps.push(step);
                    stats.push(s);
                }
                let result = exercise::all_within(ms(2500), steps).await;
                let took = elapsed();
                let what = "all_within(2.5 s, four 1 s steps)";
                match result {
                    Err(JobError::TimedOut) => {}
                    Ok(outputs) => {
                        let why = if outputs.len() < 4 {
                            " It returned the outputs of the steps that were done, but a group \
                             that runs out of time fails as a whole: Err(TimedOut)."
                        } else {
                            " Every step seems to have had a time limit of its own: with \
                             `timeout(limit, step)` for each step, the clock starts again at \
                             every step. Fix one deadline before the first step \
                             (`Instant::now() + limit`) and give each step what is left of it \
                             (`timeout_at(deadline, step)`), or put the whole loop under one \
                             `timeout`."
                        };
                        return Err(Fail::new(
                            Kind::WrongValue,
                            format!(
                                "{what} returned Ok({outputs:?}) after {}, expected Err(TimedOut) \
                                 at 2.500 s.{why}",
                                secs(took)
                            ),
                        ));
                    }
                    Err(other) => return Err(wrong_error(what, other, JobError::TimedOut)),
                }
                if took.is_zero() {
                    return Err(frozen_clock(&format!(
                        "{what} returned Err(TimedOut) at once, expected it at 2.500 s:"
                    )));
                }
                if took != ms(2500) {
                    let why = if took > ms(2500) {
                        " The deadline passed while a step was running, and nothing noticed \
                         until that step was over: checking the clock between steps is too late. \
                         The running step itself must be cut off at the deadline \
                         (`timeout_at(deadline, step)`)."
                    } else {
                        " It gave up before the group's deadline: a step got less than what was \
                         left of the time (a share of the limit?). One deadline, fixed once: \
                         each step may run until then."
                    };
                    return Err(Fail::new(
                        Kind::WrongTiming,
                        format!(
                            "{what} returned Err(TimedOut) after {} of virtual time, expected \
                             exactly 2.500 s, the group's one deadline.{why}",
                            secs(took)
                        ),
                    ));
                }
                let fry = &stats[2];
                expect(
                    stats[0].finished() && stats[1].finished(),
                    Kind::WrongValue,
                    format!("{what}: steps 1 and 2 (1 s each) should have finished by 2 s"),
                )?;
                expect(
                    fry.polls() > 0 && fry.cancelled() && fry.dropped_at() == Some(ms(2500)),
                    Kind::WrongValue,
                    format!(
                        "{what}: step 3 should start at 2 s and be cancelled (dropped) at the \
                         deadline, 2.5 s; {}",
                        what_the_job_did(fry.finished(), fry.dropped_at())
                    ),
                )?;
                expect(
                    stats[3].polls() == 0,
                    Kind::WrongValue,
                    format!(
                        "{what}: step 4 comes after the deadline and should never start, but it \
                         was polled {} time(s)",
                        stats[3].polls()
                    ),
                )?;
                expect_lines(&[
                    "  0.000s  wash: started",
                    "  1.000s  wash: finished",
                    "  1.000s  chop: started",
                    "  2.000s  chop: finished",
                    "  2.000s  fry: started",
                ])?;

                restart();
                let steps = vec![
                    one_sleep("peel", ms(500), 1),
                    one_sleep("boil", ms(1000), 2),
                    one_sleep("mash", ms(1500), 3),
                ];
                let result = exercise::all_within(ms(4000), steps).await;
                let what = "all_within(4 s, steps of 0.5 s, 1 s and 1.5 s)";
                expect_eq(what, result, Ok(vec![1, 2, 3])).map_err(|fail| Fail {
                    message: format!(
                        "{}: the three steps take 3 s in all, within the 4 s deadline. (A step \
                         timed out early? Each step may run until the one deadline, not for a \
                         share of the limit.)",
                        fail.message
                    ),
                    ..fail
                })?;
                expect_elapsed(what, ms(3000))?;
                expect_lines(&[
                    "  0.000s  peel: started",
                    "  0.500s  peel: finished",
                    "  0.500s  boil: started",
                    "  1.500s  boil: finished",
                    "  1.500s  mash: started",
                    "  3.000s  mash: finished",
                ])
            },
        ),
        check(
            "kitchen-transcript",
            3,
            "the demo's kitchen (the checks' own copy of run()), every line at its exact virtual time",
            || async {
                demo::run().await;
                expect_transcript("run")
            },
        )
        .main(),
    ]
}

/// A job of the check's own: says `{name}: started`, sleeps `length` in one go, says
/// `{name}: finished` and returns `value`.
async fn one_sleep(name: &'static str, length: Duration, value: u32) -> u32 {
    say!("{name}: started");
    sleep(length).await;
    say!("{name}: finished");
    value
}

/// A job of the check's own that shows its progress: says `{name}: started`, then `{name}: {s} s`
/// after each second, for `seconds` seconds, and returns `value`.
async fn ticking(name: &'static str, seconds: u64, value: u32) -> u32 {
    say!("{name}: started");
    for s in 1..=seconds {
        sleep(Duration::from_secs(1)).await;
        say!("{name}: {s} s");
    }
    value
}

/// "the job finished", "the job was dropped at 1.000 s without finishing", ... for messages.
fn what_the_job_did(finished: bool, dropped_at: Option<Duration>) -> String {
    match (finished, dropped_at) {
        (true, _) => "the job ran to its end instead of being cancelled".into(),
        (false, Some(at)) => format!("the job was dropped (cancelled) at {}", secs(at)),
        (false, None) => "the job was still alive, neither finished nor dropped".into(),
    }
}

/// A wrong kind of [`JobError`], explained.
fn wrong_error(what: &str, got: JobError, expected: JobError) -> Fail {
    let meaning = |e: JobError| match e {
        JobError::TimedOut => "TimedOut means a time limit came first",
        JobError::Cancelled => "Cancelled means the job's task was aborted",
        JobError::Panicked => "Panicked means the job's task panicked",
    };
    let hint = match (got, expected) {
        (JobError::Cancelled, JobError::Panicked) | (JobError::Panicked, JobError::Cancelled) => {
            " A JoinError is one or the other: `error.is_cancelled()` tells them apart."
        }
        _ => "",
    };
    Fail::new(
        Kind::WrongValue,
        format!(
            "{what} returned Err({got:?}), expected Err({expected:?}). {}; {}.{hint}",
            meaning(expected),
            meaning(got)
        ),
    )
}

/// The transcript, once time has run on past a cancellation, must be exactly `lines`: nothing
/// from the cancelled job after it.
fn expect_silent_after(what: &str, lines: &[&str], why: &str) -> Result<(), Fail> {
    let said = transcript();
    let extra: Vec<&String> = said
        .iter()
        .filter(|l| !lines.contains(&l.as_str()))
        .collect();
    if let Some(last) = extra.last() {
        return Err(Fail::new(
            Kind::WrongValue,
            format!(
                "{what}: the job kept going after it was given up on: {} more line(s), the last \
                 `{}`; {why}.",
                extra.len(),
                last.trim_start()
            ),
        ));
    }
    expect_lines(lines)
}

/// `{name}: cleaned up` was said exactly once, at `at` (when the job was `how`: cancelled or
/// finished).
fn expect_cleanup(what: &str, name: &str, at: Duration, how: &str) -> Result<(), Fail> {
    let text = format!("{name}: cleaned up");
    let said = transcript();
    let instants: Vec<&str> = said
        .iter()
        .map(|line| parse(line))
        .filter(|line| line.text == text)
        .filter_map(|line| line.at)
        .collect();
    let expected = format!("{:.3}", at.as_secs_f64());
    match instants.as_slice() {
        [] if how == "cancelled" => Err(Fail::new(
            Kind::WrongValue,
            format!(
                "{what}: `{text}` was never said. A cancelled future is dropped where it last \
                 waited: the code after `job.await` never runs, so a cleanup line there runs \
                 only when the job finishes. Put the cleanup in the `Drop` of a guard that \
                 lives across the `.await` (Rust's `finally`)."
            ),
        )),
        [] => Err(Fail::new(
            Kind::WrongValue,
            format!("{what}: `{text}` was never said, expected once at {expected} s"),
        )),
        [one] if *one == expected => Ok(()),
        [one] => {
            let why = if *one == "0.000" {
                " At 0.000 s the guard was dropped as soon as it was made: `let _ = guard;` \
                 drops at once, `let _guard = guard;` keeps it to the end of the scope."
            } else {
                ""
            };
            Err(Fail::new(
                Kind::WrongTiming,
                format!(
                    "{what}: `{text}` was said at {one} s, expected at {expected} s, the instant \
                     the job was {how}.{why}"
                ),
            ))
        }
        many => Err(Fail::new(
            Kind::WrongValue,
            format!(
                "{what}: `{text}` was said {} times (at {} s), expected exactly once, at \
                 {expected} s. Is there a cleanup line after `job.await` as well as in the \
                 guard's Drop? The guard runs in every case, finished ones too: it is all you \
                 need.",
                many.len(),
                many.join(" s, ")
            ),
        )),
    }
}

/// The checks' own copy of the demo the stub gives (`work` and `run`, line for line): the stub's
/// copy is in a file the student may edit, and a check must not take its scenario from there.
/// Only the five tools the student writes come from `exercise`.
mod demo {
    use awaitlings::say;
    use exercise::{Waited, all_within, cancel_after, wait_detached, with_cleanup, with_timeout};
    use std::time::Duration;
    use tokio::time::sleep;

    async fn work(name: &'static str, secs: u64) -> String {
        say!("{name}: started");
        for s in 1..=secs {
            sleep(Duration::from_secs(1)).await;
            say!("{name}: {s}/{secs} s");
        }
        format!("{name} done")
    }

    pub async fn run() {
        let patience = Duration::from_millis(1500);

        let kettle = with_timeout(patience, work("kettle", 1)).await;
        say!("kettle: {kettle:?}");
        let oven = with_timeout(patience, work("oven", 3)).await;
        say!("oven: {oven:?}");

        let mixer = cancel_after(patience, with_cleanup("mixer", work("mixer", 3))).await;
        say!("mixer: {mixer:?}");

        let bread = wait_detached(patience, work("bread", 3)).await;
        if let Waited::StillRunning(_) = bread {
            say!("bread: still rising, back later");
        }

        let steps = vec![work("wash", 1), work("chop", 1), work("fry", 1)];
        let prep = all_within(Duration::from_millis(2500), steps).await;
        say!("prep: {prep:?}");

        let bread = match bread {
            Waited::Done(value) => value,
            Waited::StillRunning(handle) => handle.await.expect("the bread's task panicked"),
        };
        say!("bread: {bread:?}");
    }
}
