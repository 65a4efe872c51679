//! The public checks of exercise 08 timeouts-and-cancellation.
//!
//! Every tool is driven with jobs the check builds itself, wrapped so that the check sees whether
//! each job finished, or was dropped (cancelled) and at which virtual instant, and in which task it
//! ran. The jobs say a line when they start and as they go, and after each tool returns the check
//! lets virtual time run on: a job that was meant to be cancelled must stay silent from then on.
//!
//! Every check but the kitchen draws its inputs from the run's seed (the grader prints the seed):
//! the limits, the jobs' lengths and ticks, their names and values, when the check cancels, how
//! many steps a group has and in which of them its deadline falls. What each check expects is
//! worked out from the contract below. A tool that decides by its limit alone cannot pass: each
//! check gives the same limit to a job that fits and to one that does not. No limit, deadline or
//! cancellation falls on the instant a job ticks or ends (all instants are different multiples of
//! 0.1 s), so no verdict depends on which of two things tokio does first at one instant.
//!
//! ## The contract, clause by clause, and the check that fails when only that clause is broken
//!
//! `with_timeout(limit, job)` (asyncio's `wait_for`):
//! - the job finishes within `limit`: `Ok(its value)` ... `timeout-fires-at-the-limit` (value)
//! - ... as soon as it finishes (not at the limit) ... `timeout-fires-at-the-limit` (timing)
//! - it does not: `Err(TimedOut)` (not another kind) ... `timeout-fires-at-the-limit`
//! - ... at exactly `limit`, not when the job ends ... `timeout-fires-at-the-limit` (timing)
//! - ... the job dropped at that instant, never polled again ... `timeout-fires-at-the-limit`
//!
//! `cancel_after(after, job)` (`task.cancel()`, then `await task`):
//! - spawns the job as a task (it runs in a task of its own) ... `abort-stops-the-task`
//! - the job finishes within `after`: `Ok(its value)`, as soon as it finishes ... `abort-stops-the-task`
//! - it does not: `Err(Cancelled)` at `after` ... `abort-stops-the-task`
//! - ... its task aborted, and gone (future dropped) before `cancel_after` returns ... `abort-stops-the-task`
//! - a cancelled job makes no progress after `after` ... `abort-stops-the-task`
//! - the job panics: `Err(Panicked)` (not `Cancelled`, and no panic of `cancel_after`), as soon as
//!   its task ends ... `abort-tells-panics-apart`
//!
//! `wait_detached(limit, job)` (asyncio's `wait_for(shield(task))`):
//! - spawns the job as a task ... `detached-task-keeps-running`
//! - the job finishes within `limit`: `Done(its value)`, as soon as it finishes ... `detached-returns-when-done`
//! - it does not: `StillRunning(handle)` at exactly `limit` ... `detached-task-keeps-running`
//! - ... the task keeps running, on time, with nobody waiting ... `detached-task-keeps-running`
//! - ... awaiting the handle later gives the job's value ... `detached-task-keeps-running`
//! - a job that panics within the limit makes `wait_detached` panic too ... `detached-panic-is-passed-on`
//!
//! `with_cleanup(name, job)` (`try: ... finally:`):
//! - returns the job's value ... `cleanup-runs-once-on-finish`
//! - the job finishes: `{name}: cleaned up` once, at that instant ... `cleanup-runs-once-on-finish`
//! - its future is cancelled (timed out, its task aborted, or just dropped): the line once, at the
//!   instant it is dropped ... `cleanup-runs-on-cancel` (all three ways)
//! - the future is `Send` when the job is: `cleanup-runs-on-cancel` spawns it, so a future that
//!   is not `Send` makes these checks fail to compile
//!
//! `all_within(limit, steps)` (asyncio's `async with timeout(limit):` around several awaits):
//! - the steps run one after another, in order, each starting when the one before ends ...
//!   `one-deadline-for-the-group` (transcript)
//! - all finish by the deadline: `Ok(outputs, in order)` as soon as the last one finishes ...
//!   `one-deadline-for-the-group`
//! - one deadline for the group, fixed at the call (not a fresh limit per step, not a share of it
//!   per step) ... `one-deadline-for-the-group`
//! - the deadline comes first: `Err(TimedOut)` (not the outputs so far) at exactly the deadline,
//!   even in the middle of a step ... `one-deadline-for-the-group`
//! - ... the running step cancelled (dropped) then, the steps after it never started ...
//!   `one-deadline-for-the-group`; also checked by a check you do not have
//!
//! `run()`, the demo's kitchen, given: its transcript, fixtures/timeouts-and-cancellation/run.txt
//! ... `kitchen-transcript` (the main check). The check plays its own copy of it (see [`demo`]),
//! calling only the five tools the student writes, so a `run()` that merely replays the expected
//! lines earns nothing.
//!
//! The lesson's promises: a cancelled job never says another line (every cancelling check lets
//! time run on afterwards); the verdicts the README explains are the ones these checks give; and
//! each mistake it warns of fails a check whatever the seed: awaiting the job, then comparing the
//! clock (`timeout-fires-at-the-limit`); `timeout(after, handle)` by value, which detaches the
//! task, and `abort()` without awaiting the handle (`abort-stops-the-task`); `let _ = guard`
//! (`cleanup-runs-on-cancel`, `cleanup-runs-once-on-finish`); a fresh `timeout` per step, a
//! `std::time::Instant` deadline, a look at the clock only between steps
//! (`one-deadline-for-the-group`); `std::thread::sleep` (a check that waits reports it blocked).
//!
//! Not checked, and why:
//! - a job that finishes at the very instant its limit passes: the contract leaves it open (either
//!   answer is right: tokio does not promise the order of two timers at one instant, and an abort
//!   that comes as the task finishes changes nothing), so no check lets the two meet;
//! - the lesson's "a value is a value, even after `abort()`": on the grader's single thread, an
//!   abort that reaches a task already finished cannot happen between `cancel_after`'s own steps
//!   (the runtime runs nothing else in between), so code that takes a value after `abort()` for
//!   impossible is not caught here; the advice stands for multi-threaded runtimes;
//! - a future of `with_cleanup` dropped before it was ever polled: its job never began, and the
//!   contract speaks of a job that ends;
//! - when `wait_detached` panics for a job that panicked: the contract says only that it does.

use awaitlings::{format_line, say};
use awaitlings_check::check::secs;
use awaitlings_check::compare::parse;
use awaitlings_check::prelude::*;
use exercise::{JobError, Waited};
use std::future::Future;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::task::Id;
use tokio::time::sleep;

fn ms(millis: u64) -> Duration {
    Duration::from_millis(millis)
}

/// `n` different multiples of 0.1 s in `range` (milliseconds), smallest first.
fn instants(r: &mut Rng, n: usize, range: std::ops::RangeInclusive<u64>) -> Vec<u64> {
    let mut v = r.distinct(n, range, 100);
    v.sort_unstable();
    v
}

/// `n` different small values for the jobs to return.
fn values(r: &mut Rng, n: usize) -> Vec<u32> {
    r.distinct(n, 10..=99, 1)
        .into_iter()
        .map(|v| v as u32)
        .collect()
}

pub fn checks() -> Vec<Check> {
    vec![
        check(
            "timeout-fires-at-the-limit",
            3,
            "with_timeout(limit, a longer job) is Err(TimedOut) at the limit, the job dropped then \
             and silent after; with the same limit, a shorter job's value as soon as it ends",
            || async {
                let mut r = rng();
                let names = r.names(2);
                let vals = values(&mut r, 2);
                // The long job ticks once before the limit and would end after it.
                let t = instants(&mut r, 3, 300..=3000);
                let (tick, limit, end) = (t[0], t[1], t[2]);
                let short = r.range(1..=limit / 100 - 1) * 100;

                let (job, stats) = watched(paced(names[0], vec![ms(tick), ms(end)], vals[0]));
                let result = exercise::with_timeout(ms(limit), job).await;
                let took = elapsed();
                let done = what_the_job_did(stats.finished(), stats.dropped_at());
                let what = format!(
                    "with_timeout({}, a job of {})",
                    secs(ms(limit)),
                    secs(ms(end))
                );
                match result {
                    Err(JobError::TimedOut) => {}
                    Ok(value) => {
                        return Err(Fail::new(
                            Kind::WrongValue,
                            format!(
                                "{what} returned Ok({value}) after {}, expected Err(TimedOut) at \
                                 {}: it waited for the job to finish instead of giving up at \
                                 the limit. Race the job against a timer: \
                                 `tokio::time::timeout(limit, job)`.",
                                secs(took),
                                secs(ms(limit))
                            ),
                        ));
                    }
                    Err(other) => return Err(wrong_error(&what, other, JobError::TimedOut)),
                }
                if took > ms(limit) {
                    return Err(Fail::new(
                        Kind::WrongTiming,
                        format!(
                            "{what} returned Err(TimedOut) after {} of virtual time, expected \
                             exactly {}; {done}. A timeout must fire at the limit, while the \
                             job is still running: awaiting the job and then comparing the clock \
                             with the limit only notices the lateness once the job is over. \
                             `tokio::time::timeout(limit, job)` polls the job and a timer together.",
                            secs(took),
                            secs(ms(limit))
                        ),
                    ));
                }
                expect_took(&what, took, ms(limit))?;
                expect(
                    stats.cancelled() && stats.dropped_at() == Some(ms(limit)),
                    Kind::WrongValue,
                    format!(
                        "{what} returned Err(TimedOut) on time, but {done}: a job that runs out \
                         of time is cancelled, which for a future means dropped, there and then."
                    ),
                )?;
                sleep(ms(end + 500 - limit)).await;
                let name = names[0];
                expect_silent_after(
                    &what,
                    &[
                        format_line(ms(0), &format!("{name}: started")),
                        format_line(ms(tick), &format!("{name}: 1/2")),
                    ],
                    "a timed-out job must never be polled again",
                )?;

                restart();
                let (job, _) = watched(paced(names[1], vec![ms(short)], vals[1]));
                let result = exercise::with_timeout(ms(limit), job).await;
                let what = format!(
                    "with_timeout({}, a job of {} that returns {})",
                    secs(ms(limit)),
                    secs(ms(short)),
                    vals[1]
                );
                expect_eq(&what, result, Ok(vals[1])).map_err(|fail| {
                    fail.then(format!(
                        "The job ends at {}, within the limit, so its value is the answer; with \
                         the same limit the longer job timed out: the limit alone cannot tell \
                         which answer is due, only a race between the job and a timer can",
                        secs(ms(short))
                    ))
                })?;
                expect_elapsed(
                    &format!("{what}, which should return as soon as the job does,"),
                    ms(short),
                )
            },
        ),
        check(
            "abort-stops-the-task",
            3,
            "cancel_after(after, a longer job) spawns it and aborts its task: Err(Cancelled) at \
             `after`, the task gone by then, not a line more; with the same `after`, a shorter \
             job's value as soon as it ends",
            || async {
                let mut r = rng();
                let names = r.names(2);
                let vals = values(&mut r, 2);
                // The job ticks before and after the allowance, and would end later still.
                let t = instants(&mut r, 4, 300..=4000);
                let (tick1, after, tick2, end) = (t[0], t[1], t[2], t[3]);
                let short = r.range(1..=after / 100 - 1) * 100;

                let caller = tokio::task::try_id();
                let ran_in = Arc::new(Mutex::new(None));
                let job = noting_task(
                    ran_in.clone(),
                    paced(names[0], vec![ms(tick1), ms(tick2), ms(end)], vals[0]),
                );
                let (job, probe) = watched(job);
                let result = exercise::cancel_after(ms(after), job).await;
                let took = elapsed();
                let dropped_by_return = probe.dropped();
                let said = transcript().len();
                let what = format!(
                    "cancel_after({}, a job of {})",
                    secs(ms(after)),
                    secs(ms(end))
                );
                // Let time run on: an aborted task must stay silent.
                sleep(ms(end + 500 - after)).await;
                let later = transcript().split_off(said);
                match result {
                    Err(JobError::Cancelled) => {}
                    Ok(value) => {
                        return Err(Fail::new(
                            Kind::WrongValue,
                            format!(
                                "{what} returned Ok({value}) after {}, expected Err(Cancelled) at \
                                 {}: the job was allowed to run to its end. Wait for the \
                                 handle at most `after` (`tokio::time::timeout(after, &mut \
                                 handle)`), then `handle.abort()`.",
                                secs(took),
                                secs(ms(after))
                            ),
                        ));
                    }
                    Err(other) => return Err(wrong_error(&what, other, JobError::Cancelled)),
                }
                if took.is_zero() {
                    return Err(frozen_clock(&format!(
                        "{what} returned Err(Cancelled) at once, expected it at {}:",
                        secs(ms(after))
                    )));
                }
                expect_own_task(&what, caller, &ran_in, "cancel_after")?;
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
                expect_took(&what, took, ms(after))?;
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
                let name = names[0];
                expect_lines(&[
                    format_line(ms(0), &format!("{name}: started")).as_str(),
                    format_line(ms(tick1), &format!("{name}: 1/3")).as_str(),
                ])?;

                restart();
                let (job, _) = watched(paced(names[1], vec![ms(short)], vals[1]));
                let result = exercise::cancel_after(ms(after), job).await;
                let took = elapsed();
                let what = format!(
                    "cancel_after({}, a job of {} that returns {})",
                    secs(ms(after)),
                    secs(ms(short)),
                    vals[1]
                );
                expect_eq(&what, result, Ok(vals[1])).map_err(|fail| {
                    fail.then(format!(
                        "The job ends at {}, within the allowance, so its value is the answer; \
                         with the same allowance the longer job was cancelled: the allowance \
                         alone cannot tell which answer is due. Wait on the job's handle for at \
                         most `after`",
                        secs(ms(short))
                    ))
                })?;
                if took > ms(short) {
                    return Err(Fail::new(
                        Kind::WrongTiming,
                        format!(
                            "{what} returned its value after {}, expected {}, when the job \
                             finished: it waited out the whole allowance (a plain \
                             `sleep(after)`) before looking at the task. Wait on the handle \
                             itself, with a time limit.",
                            secs(took),
                            secs(ms(short))
                        ),
                    ));
                }
                expect_elapsed(&what, ms(short))
            },
        ),
        check(
            "abort-tells-panics-apart",
            2,
            "cancel_after(after, a job that panics before then) is Err(Panicked) when the job's \
             task ends: not Err(Cancelled), and no panic of its own",
            || async {
                let mut r = rng();
                let name = r.name();
                let t = instants(&mut r, 2, 300..=3000);
                let (fails, after) = (t[0], t[1]);
                let job = async move {
                    say!("{name}: started");
                    sleep(ms(fails)).await;
                    panic!(
                        "the check's job panics here on purpose: cancel_after should turn this \
                         into Err(JobError::Panicked) and return it, not panic itself (an \
                         `.unwrap()` or `.expect(..)` on the JoinError passes the panic on)"
                    );
                };
                let result: Result<u32, JobError> = exercise::cancel_after(ms(after), job).await;
                let took = elapsed();
                // cancel_after returned (had it panicked, the harness would report its panic): the
                // job's panic was the point of the check, not news for the report.
                forget_panics();
                let what = format!(
                    "cancel_after({}, a job that panics at {})",
                    secs(ms(after)),
                    secs(ms(fails))
                );
                match result {
                    Err(JobError::Panicked) => {}
                    Ok(value) => {
                        return Err(Fail::new(
                            Kind::WrongValue,
                            format!("{what} returned Ok({value}), expected Err(Panicked)"),
                        ));
                    }
                    Err(other) => return Err(wrong_error(&what, other, JobError::Panicked)),
                }
                if took > ms(fails) {
                    return Err(Fail::new(
                        Kind::WrongTiming,
                        format!(
                            "{what} returned Err(Panicked) after {}, expected {}, when the \
                             job's task ended: it waited out the whole allowance (a plain \
                             `sleep(after)`) before looking at the task. Wait on the handle \
                             itself, with a time limit: it is ready as soon as the task ends, \
                             however it ends.",
                            secs(took),
                            secs(ms(fails))
                        ),
                    ));
                }
                expect_elapsed(&what, ms(fails))
            },
        ),
        check(
            "detached-task-keeps-running",
            3,
            "wait_detached(limit, a longer job) gives StillRunning at the limit; the job's task \
             runs on with nobody waiting, and its handle gives the value when the job ends",
            || async {
                let mut r = rng();
                let name = r.name();
                let value = values(&mut r, 1)[0];
                // The job ticks before the limit and after it; the check looks in between the
                // second tick and the job's end, then collects it.
                let t = instants(&mut r, 5, 300..=4500);
                let (tick1, limit, tick2, look, end) = (t[0], t[1], t[2], t[3], t[4]);
                let caller = tokio::task::try_id();
                let ran_in = Arc::new(Mutex::new(None));
                let job = noting_task(
                    ran_in.clone(),
                    paced(name, vec![ms(tick1), ms(tick2), ms(end)], value),
                );
                let (job, probe) = watched(job);
                let waited = exercise::wait_detached(ms(limit), job).await;
                let took = elapsed();
                let what = format!(
                    "wait_detached({}, a job of {})",
                    secs(ms(limit)),
                    secs(ms(end))
                );
                let handle = match waited {
                    Waited::StillRunning(handle) => handle,
                    Waited::Done(value) => {
                        return Err(Fail::new(
                            Kind::WrongValue,
                            format!(
                                "{what} returned Done({value}) after {}, expected StillRunning at \
                                 {}: it waited for the job to finish instead of giving up \
                                 *waiting* at the limit.",
                                secs(took),
                                secs(ms(limit))
                            ),
                        ));
                    }
                };
                if took.is_zero() {
                    let fail = frozen_clock(&format!("{what} returned StillRunning at once:"));
                    if fail.kind == Kind::NeverWaited {
                        return Err(Fail::new(
                            Kind::NeverWaited,
                            format!(
                                "{what} returned StillRunning at once, without waiting for the job \
                                 at all, expected it at {}: a shield stops the waiting at the \
                                 limit, not before it. Wait on the handle for up to the limit \
                                 (`timeout(limit, &mut handle)`).",
                                secs(ms(limit))
                            ),
                        ));
                    }
                    return Err(fail);
                }
                expect_took(&what, took, ms(limit))?;
                expect_own_task(&what, caller, &ran_in, "wait_detached")?;
                // Do something else for a while, waiting for nobody.
                sleep(ms(look - limit)).await;
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
                    format_line(ms(0), &format!("{name}: started")).as_str(),
                    format_line(ms(tick1), &format!("{name}: 1/3")).as_str(),
                    format_line(ms(tick2), &format!("{name}: 2/3")).as_str(),
                ])
                .map_err(|fail| Fail {
                    message: format!(
                        "after {what} returned, its task should keep running while nobody waits \
                         for it, and tick at {}: {}",
                        secs(ms(tick2)),
                        fail.message
                    ),
                    ..fail
                })?;
                let collected = handle.await;
                expect(
                    collected.as_ref().is_ok_and(|&v| v == value),
                    Kind::WrongValue,
                    format!(
                        "awaiting the handle {what} returned gave {collected:?}, expected \
                         Ok({value}), the job's own value: the handle must be the job's task's."
                    ),
                )?;
                expect_elapsed(
                    &format!("collecting the value of the detached job of {}", secs(ms(end))),
                    ms(end),
                )
            },
        ),
        check(
            "detached-returns-when-done",
            1,
            "wait_detached(limit, a shorter job) gives Done with the job's value as soon as the \
             job ends",
            || async {
                let mut r = rng();
                let name = r.name();
                let value = values(&mut r, 1)[0];
                let t = instants(&mut r, 2, 300..=3000);
                let (short, limit) = (t[0], t[1]);
                let (job, _) = watched(paced(name, vec![ms(short)], value));
                let waited = exercise::wait_detached(ms(limit), job).await;
                let took = elapsed();
                let what = format!(
                    "wait_detached({}, a job of {} that returns {value})",
                    secs(ms(limit)),
                    secs(ms(short))
                );
                match waited {
                    Waited::Done(got) => expect_eq(&what, got, value)?,
                    Waited::StillRunning(_) => {
                        return Err(Fail::new(
                            Kind::WrongValue,
                            format!(
                                "{what} returned StillRunning after {}, expected Done({value}) at \
                                 {}: it stopped waiting before the limit had passed. Wait on the \
                                 handle for up to the limit: it is ready as soon as the job ends",
                                secs(took),
                                secs(ms(short))
                            ),
                        ));
                    }
                }
                if took > ms(short) {
                    return Err(Fail::new(
                        Kind::WrongTiming,
                        format!(
                            "{what} returned Done({value}) after {}, expected {}, when the job \
                             finished: it waited out the whole limit (a `sleep(limit)`, then a \
                             look at the task) instead of waiting on the handle itself with a \
                             time limit, which returns as soon as the task is done.",
                            secs(took),
                            secs(ms(short))
                        ),
                    ));
                }
                expect_elapsed(&what, ms(short))
            },
        ),
        check(
            "detached-panic-is-passed-on",
            1,
            "wait_detached(limit, a job that panics before the limit) panics too: it neither \
             returns Done nor StillRunning",
            || async {
                let mut r = rng();
                let name = r.name();
                let t = instants(&mut r, 2, 300..=3000);
                let (fails, limit) = (t[0], t[1]);
                let job = panics_at(name, ms(fails));
                let what = format!(
                    "wait_detached({}, a job that panics at {})",
                    secs(ms(limit)),
                    secs(ms(fails))
                );
                // wait_detached runs in a task of the check's own, so that its panic can be seen.
                let outcome = tokio::task::spawn_local(exercise::wait_detached(ms(limit), job)).await;
                let took = elapsed();
                match outcome {
                    Err(error) if error.is_panic() => {
                        let payload = error.into_panic();
                        let text = payload
                            .downcast_ref::<String>()
                            .cloned()
                            .or_else(|| payload.downcast_ref::<&str>().map(|s| s.to_string()))
                            .unwrap_or_default();
                        if text.starts_with("not yet implemented") || text.starts_with("not implemented") {
                            return Err(Fail::new(
                                Kind::Panicked,
                                format!("{what} panicked with `{text}` before the job did"),
                            ));
                        }
                        // The panics were the scenario's own, passed on as they should be.
                        forget_panics();
                        Ok(())
                    }
                    Err(error) => Err(Fail::new(
                        Kind::WrongValue,
                        format!("{what}: the check's task running it ended with {error}"),
                    )),
                    Ok(waited) => {
                        let got = match waited {
                            Waited::Done(v) => format!("Done({v})"),
                            Waited::StillRunning(_) => "StillRunning(handle)".to_string(),
                        };
                        forget_panics();
                        let why = if took < ms(fails) {
                            format!(
                                "It returned before the job panicked at {}: it did not wait for \
                                 the job, up to the limit, and so never saw the panic. Wait on the \
                                 handle with a time limit (`timeout(limit, &mut handle)`), and \
                                 pass a JoinError on as a panic",
                                secs(ms(fails))
                            )
                        } else {
                            "The job's panic was swallowed: a JoinError from a task nobody else \
                             can abort is a panic: pass it on \
                             (`std::panic::resume_unwind(error.into_panic())`), don't turn it into \
                             an answer"
                                .to_string()
                        };
                        Err(Fail::new(
                            Kind::WrongValue,
                            format!(
                                "{what} returned {got} after {}, expected it to panic. {why}.",
                                secs(took)
                            ),
                        ))
                    }
                }
            },
        ),
        check(
            "cleanup-runs-on-cancel",
            2,
            "with_cleanup says `cleaned up` once, at the instant its future is cancelled: timed \
             out, its task aborted, or dropped by hand",
            || async {
                let mut r = rng();
                let names = r.names(3);
                for (how, name) in ["timed out", "aborted", "dropped"].into_iter().zip(names) {
                    restart();
                    // The job ticks before and after the cancellation; `stop` is when its future
                    // is dropped (for "dropped", the check stops polling it at `idle` first).
                    let t = instants(&mut r, 5, 300..=4000);
                    let (tick1, stop, tick2, end) = (t[0], t[2], t[3], t[4]);
                    let idle = t[1];
                    let job = exercise::with_cleanup(
                        name,
                        paced(name, vec![ms(tick1), ms(tick2), ms(end)], 1),
                    );
                    let what = match how {
                        "timed out" => {
                            let _ = tokio::time::timeout(ms(stop), job).await;
                            format!(
                                "with_cleanup(\"{name}\", a job of {}), timed out by the check \
                                 at {}",
                                secs(ms(end)),
                                secs(ms(stop))
                            )
                        }
                        "aborted" => {
                            let task = tokio::spawn(job);
                            sleep(ms(stop)).await;
                            task.abort();
                            let _ = task.await;
                            format!(
                                "with_cleanup(\"{name}\", a job of {}), spawned, its task aborted \
                                 by the check at {}",
                                secs(ms(end)),
                                secs(ms(stop))
                            )
                        }
                        _ => {
                            let mut job = Box::pin(job);
                            let _ = within(ms(idle), &mut job).await;
                            sleep(ms(stop - idle)).await;
                            drop(job);
                            format!(
                                "with_cleanup(\"{name}\", a job of {}), polled by the check until \
                                 {}, then dropped at {}",
                                secs(ms(end)),
                                secs(ms(idle)),
                                secs(ms(stop))
                            )
                        }
                    };
                    sleep(ms(end + 500 - stop)).await;
                    expect_cleanup(&what, name, ms(stop), "cancelled")?;
                    // The job ticked once before it was cancelled (or left unpolled), never after.
                    let lines = [
                        format_line(ms(0), &format!("{name}: started")),
                        format_line(ms(tick1), &format!("{name}: 1/3")),
                        format_line(ms(stop), &format!("{name}: cleaned up")),
                    ];
                    let lines: Vec<&str> = lines.iter().map(String::as_str).collect();
                    expect_lines(&lines).map_err(|fail| Fail {
                        message: format!("{what}: {}", fail.message),
                        ..fail
                    })?;
                }
                Ok(())
            },
        ),
        check(
            "cleanup-runs-once-on-finish",
            1,
            "with_cleanup(name, a job) returns the job's value when it ends and says `cleaned up` \
             once, at that instant",
            || async {
                let mut r = rng();
                let name = r.name();
                let value = values(&mut r, 1)[0];
                let t = instants(&mut r, 2, 300..=3000);
                let (tick, end) = (t[0], t[1]);
                let got = exercise::with_cleanup(name, paced(name, vec![ms(tick), ms(end)], value))
                    .await;
                let what = format!(
                    "with_cleanup(\"{name}\", a job of {} that returns {value})",
                    secs(ms(end))
                );
                expect_eq(&what, got, value)?;
                expect_elapsed(&what, ms(end))?;
                sleep(ms(1000)).await;
                expect_cleanup(
                    &format!("{what}, awaited to its end"),
                    name,
                    ms(end),
                    "finished",
                )?;
                expect_lines(&[
                    format_line(ms(0), &format!("{name}: started")).as_str(),
                    format_line(ms(tick), &format!("{name}: 1/2")).as_str(),
                    format_line(ms(end), &format!("{name}: finished")).as_str(),
                    format_line(ms(end), &format!("{name}: cleaned up")).as_str(),
                ])
            },
        ),
        check(
            "one-deadline-for-the-group",
            4,
            "all_within(limit, steps) runs the steps one after another under one deadline: \
             Err(TimedOut) at the deadline (the running step dropped then, the rest never \
             started), or all their outputs as soon as the last ends",
            || async {
                let mut r = rng();
                let group = Group::draw(&mut r, 3..=5, 300..=1500);
                let deadline = group.deadline;
                let names = r.names(group.late.len());
                let vals = values(&mut r, group.late.len());
                judge_late_group(&group, &names, &vals).await?;

                restart();
                let names = r.names(group.fits.len());
                let vals = values(&mut r, group.fits.len());
                let steps: Vec<_> = group
                    .fits
                    .iter()
                    .zip(&names)
                    .zip(&vals)
                    .map(|((&len, &name), &v)| paced(name, vec![ms(len)], v))
                    .collect();
                let total: u64 = group.fits.iter().sum();
                let result = exercise::all_within(ms(deadline), steps).await;
                let what = format!("all_within({}, steps of {})", secs(ms(deadline)), list(&group.fits));
                expect_eq(&what, result, Ok(vals.clone())).map_err(|fail| Fail {
                    message: format!(
                        "{}: the steps take {} in all, within the {} deadline. (A step timed out \
                         early? Each step may run until the one deadline, not for a share of the \
                         limit.)",
                        fail.message,
                        secs(ms(total)),
                        secs(ms(deadline))
                    ),
                    ..fail
                })?;
                let took = elapsed();
                if took > ms(total) {
                    judged(took);
                    return Err(Fail::new(
                        Kind::WrongTiming,
                        format!(
                            "{what} returned its outputs after {}, expected {}, when the last step \
                             ended: it waited on past the last step{}. A deadline only cuts the \
                             group short; awaiting it alongside the steps (`join!`) rather than \
                             racing it makes every group last until the deadline.",
                            secs(took),
                            secs(ms(total)),
                            if took == ms(deadline) {
                                ", until the deadline"
                            } else {
                                ""
                            }
                        ),
                    ));
                }
                expect_elapsed(&what, ms(total))?;
                let mut lines = Vec::new();
                let mut at = 0;
                for (&len, name) in group.fits.iter().zip(&names) {
                    lines.push(format_line(ms(at), &format!("{name}: started")));
                    at += len;
                    lines.push(format_line(ms(at), &format!("{name}: finished")));
                }
                let lines: Vec<&str> = lines.iter().map(String::as_str).collect();
                expect_lines(&lines).map_err(|fail| Fail {
                    message: format!(
                        "{what}: each step starts when the one before it ends, in the order \
                         given: {}",
                        fail.message
                    ),
                    ..fail
                })
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

/// What the panicking job of `detached-panic-is-passed-on` panics with.
const JOB_PANIC: &str = "the check's job panics here on purpose: wait_detached should pass this \
                         panic on to its caller";

/// A job of the check's own that says `{name}: started`, and panics `at` later.
async fn panics_at(name: &'static str, at: Duration) -> u32 {
    say!("{name}: started");
    sleep(at).await;
    panic!("{JOB_PANIC}");
}

/// A job of the check's own: says `{name}: started`, then sleeps until each of `marks` (instants
/// from its start, increasing) and says `{name}: {i}/{n}` at each but the last, where it says
/// `{name}: finished` and returns `value`.
async fn paced(name: &'static str, marks: Vec<Duration>, value: u32) -> u32 {
    say!("{name}: started");
    let n = marks.len();
    let mut now = Duration::ZERO;
    for (i, mark) in marks.into_iter().enumerate() {
        sleep(mark - now).await;
        now = mark;
        if i + 1 < n {
            say!("{name}: {}/{n}", i + 1);
        }
    }
    say!("{name}: finished");
    value
}

/// `job`, noting in `slot` the task it is first polled in.
async fn noting_task<F: Future>(slot: Arc<Mutex<Option<Id>>>, job: F) -> F::Output {
    *slot.lock().unwrap_or_else(|e| e.into_inner()) = tokio::task::try_id();
    job.await
}

/// The job noted in `ran_in` must have run in a task other than the check's (`caller`): the tool
/// `tool` spawns it.
fn expect_own_task(
    what: &str,
    caller: Option<Id>,
    ran_in: &Mutex<Option<Id>>,
    tool: &str,
) -> Result<(), Fail> {
    let ran = *ran_in.lock().unwrap_or_else(|e| e.into_inner());
    expect(
        ran.is_some() && ran != caller,
        Kind::WrongValue,
        format!(
            "{what}: the job ran inside the caller's own task, not in a task of its own. {tool} \
             spawns the job (`tokio::spawn(job)`) and waits on its JoinHandle: a task is what the \
             runtime polls whoever waits for it, and what `abort()` stops."
        ),
    )
}

/// When each step was first polled: "step 1 at 2.600 s, step 3 at 0.000 s, step 2 never".
fn starts(stats: &[Arc<Stats>]) -> String {
    let parts: Vec<String> = stats
        .iter()
        .enumerate()
        .map(|(i, s)| match s.first_polled_at() {
            Some(at) => format!("step {} at {}", i + 1, secs(at)),
            None => format!("step {} never", i + 1),
        })
        .collect();
    parts.join(", ")
}

/// Durations as the messages list them: "0.300 s, 1.200 s and 0.700 s".
fn list(lengths: &[u64]) -> String {
    let parts: Vec<String> = lengths.iter().map(|&l| secs(ms(l))).collect();
    match parts.split_last() {
        Some((last, [])) => last.clone(),
        Some((last, rest)) => format!("{} and {last}", rest.join(", ")),
        None => String::new(),
    }
}

/// A group for `all_within`, drawn so that every classic mistake gives another answer than the
/// contract's: `late` runs past `deadline`, which falls strictly inside step `k` (k >= 1), every
/// step shorter than the deadline (a fresh limit per step would finish them all) and the first
/// longer than an even share of it (shares would give up in step 1); `fits` has as many steps,
/// done before the same deadline, one of them longer than a share.
struct Group {
    late: Vec<u64>,
    k: usize,
    deadline: u64,
    fits: Vec<u64>,
}

impl Group {
    fn draw(
        r: &mut Rng,
        count: std::ops::RangeInclusive<usize>,
        lengths: std::ops::RangeInclusive<u64>,
    ) -> Group {
        loop {
            let n = r.count(count.clone());
            let late = r.distinct(n, lengths.clone(), 100);
            let k = r.count(1..=n - 2);
            let start: u64 = late[..k].iter().sum();
            let deadline = start + r.range(1..=late[k] / 100 - 1) * 100;
            if late.iter().any(|&l| l >= deadline) || late[0] * n as u64 <= deadline {
                continue;
            }
            for _ in 0..20 {
                let fits = r.distinct(n, 200..=*lengths.end(), 100);
                let total: u64 = fits.iter().sum();
                let longest = fits.iter().copied().max().unwrap_or(0);
                if total < deadline && longest * n as u64 > deadline {
                    return Group {
                        late,
                        k,
                        deadline,
                        fits,
                    };
                }
            }
        }
    }
}

/// `all_within(group.deadline, group.late)`, judged: Err(TimedOut) at the deadline, the steps
/// before `k` done, step `k` dropped at the deadline, the rest never started, and nothing said
/// after.
async fn judge_late_group(group: &Group, names: &[&'static str], vals: &[u32]) -> Result<(), Fail> {
    let (deadline, k) = (group.deadline, group.k);
    let mut steps = Vec::new();
    let mut stats = Vec::new();
    for ((&len, &name), &v) in group.late.iter().zip(names).zip(vals) {
        let (step, s) = watched(paced(name, vec![ms(len)], v));
        steps.push(step);
        stats.push(s);
    }
    let result = exercise::all_within(ms(deadline), steps).await;
    let took = elapsed();
    let what = format!(
        "all_within({}, steps of {})",
        secs(ms(deadline)),
        list(&group.late)
    );
    let start_k: u64 = group.late[..k].iter().sum();
    let n = group.late.len();
    match result {
        Err(JobError::TimedOut) => {}
        Ok(outputs) => {
            let why = if outputs.len() < n {
                " It returned the outputs of the steps that were done, but a group that runs out \
                 of time fails as a whole: Err(TimedOut)."
            } else {
                " Every step seems to have had a time limit of its own: with `timeout(limit, \
                 step)` for each step, the clock starts again at every step (and a \
                 `std::time::Instant` deadline does the same: std's clock does not follow tokio's \
                 paused one). Fix one deadline before the first step \
                 (`tokio::time::Instant::now() + limit`) and give each step what is left of it \
                 (`timeout_at(deadline, step)`), or put the whole loop under one `timeout`."
            };
            return Err(Fail::new(
                Kind::WrongValue,
                format!(
                    "{what} returned Ok({outputs:?}) after {}, expected Err(TimedOut) at {}: the \
                     steps need {} in all.{why}",
                    secs(took),
                    secs(ms(deadline)),
                    secs(ms(group.late.iter().sum()))
                ),
            ));
        }
        Err(other) => return Err(wrong_error(&what, other, JobError::TimedOut)),
    }
    if took.is_zero() {
        return Err(frozen_clock(&format!(
            "{what} returned Err(TimedOut) at once, expected it at {}:",
            secs(ms(deadline))
        )));
    }
    if took != ms(deadline) {
        let why = if took > ms(deadline) {
            format!(
                " The deadline passed while step {} was running, and nothing noticed until that \
                 step was over: checking the clock between steps is too late. The running step \
                 itself must be cut off at the deadline (`timeout_at(deadline, step)`).",
                k + 1
            )
        } else {
            " It gave up before the group's deadline: a step got less than what was left of the \
             time (a share of the limit?). One deadline, fixed once: each step may run until then."
                .to_string()
        };
        judged(took);
        return Err(Fail::new(
            Kind::WrongTiming,
            format!(
                "{what} returned Err(TimedOut) after {} of virtual time, expected exactly {}, the \
                 group's one deadline.{why}",
                secs(took),
                secs(ms(deadline))
            ),
        ));
    }
    judged(took);
    expect(
        stats[..k].iter().all(|s| s.finished()),
        Kind::WrongValue,
        format!(
            "{what}: the step(s) before step {} should have finished, by {}, each starting when \
             the one before it ends, in the order given; the steps started at: {}",
            k + 1,
            secs(ms(start_k)),
            starts(&stats)
        ),
    )?;
    let cut = &stats[k];
    expect(
        cut.polls() > 0 && cut.cancelled() && cut.dropped_at() == Some(ms(deadline)),
        Kind::WrongValue,
        format!(
            "{what}: step {} should start at {} and be cancelled (dropped) at the deadline, {}; \
             {}",
            k + 1,
            secs(ms(start_k)),
            secs(ms(deadline)),
            what_the_job_did(cut.finished(), cut.dropped_at())
        ),
    )?;
    for (i, s) in stats.iter().enumerate().skip(k + 1) {
        expect(
            s.polls() == 0,
            Kind::WrongValue,
            format!(
                "{what}: step {} comes after the deadline and should never start, but it was \
                 polled {} time(s)",
                i + 1,
                s.polls()
            ),
        )?;
    }
    // Nothing of a cancelled step may happen later.
    sleep(ms(group.late[k] + 500)).await;
    let mut lines = Vec::new();
    let mut at = 0;
    for (i, (&len, name)) in group.late.iter().zip(names).enumerate().take(k + 1) {
        lines.push(format_line(ms(at), &format!("{name}: started")));
        at += len;
        if i < k {
            lines.push(format_line(ms(at), &format!("{name}: finished")));
        }
    }
    let lines: Vec<&str> = lines.iter().map(String::as_str).collect();
    expect_lines(&lines).map_err(|fail| Fail {
        message: format!(
            "{what}, then time let run on: each step starts when the one before it ends, and the \
             step cut off at the deadline says nothing more: {}",
            fail.message
        ),
        ..fail
    })
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
fn expect_silent_after(what: &str, lines: &[String], why: &str) -> Result<(), Fail> {
    let said = transcript();
    let extra: Vec<&String> = said.iter().filter(|l| !lines.contains(l)).collect();
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
    let lines: Vec<&str> = lines.iter().map(String::as_str).collect();
    expect_lines(&lines)
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
