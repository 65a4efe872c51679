//! The public checks of exercise 03 interleaved-tasks.
//!
//! Every check but the demo's (`run-all-transcript`) draws its arguments from the run's seed: the
//! counters' `maximum`, the base `n` of `powers`, the instant a check looks at what was said, the
//! line a check makes panic. What each check expects is worked out from the contract (each counter
//! says its lines one step apart, starting at once, with no sleep after the last), and a failure
//! message names the arguments drawn. `cargo run -p grader -- check 03 --seed N` draws the same
//! ones again.
//!
//! The contract (the doc comments of `src/lib.rs` and the lesson), clause by clause, and the checks
//! that fail when only that clause is broken:
//!
//! | clause | checks |
//! |---|---|
//! | `up(maximum)` says `up 0` ... `up {maximum}`, both ends included (`up(0)` says `up 0`) | `up-counts-up` (and every check that runs `up`) |
//! | ... `UP_STEP` between two lines, the first at once, no sleep after the last | `up-counts-up` |
//! | `down(maximum)` says `down {maximum}` ... `down 0`, both ends included | `down-counts-down` (and every check that runs `down`) |
//! | ... `DOWN_STEP` between two lines, the first at once, no sleep after the last | `down-counts-down` |
//! | `powers(n)` says `{n}^{k} = {n to the k}` for k = 0 to 7, for any `n` (the values need 64 bits) | `powers-of-n` (and every check that runs `powers`) |
//! | ... `POWERS_STEP` between two lines, the first at once, no sleep after the last | `powers-of-n` |
//! | `spawn_all` spawns the three counters as tasks that run with nobody awaiting their handles | `spawn-all-spawns` |
//! | ... with its own arguments, `up(maximum)`, `down(maximum)`, `powers(n)` | `spawn-all-spawns`, `spawn-all-one-handle-per-counter` |
//! | ... returns three handles, in the order up, down, powers, each the handle of its own counter's task | `spawn-all-one-handle-per-counter` |
//! | `run_all` runs the three at the same time: it takes as long as the slowest | `run-all-total-time` (and a check you do not have) |
//! | ... returns once all three have finished (every handle awaited) | `run-all-total-time`, `run-all-transcript`, `run-all-surfaces-panics` |
//! | ... a task's panic is not ignored: `run_all` panics too, whichever task it was | `run-all-surfaces-panics` |
//! | `run_all(5, 2)` prints the demo's transcript | `run-all-transcript` (the main check) |
//!
//! What cannot be checked: that `run_all` calls `spawn_all` rather than spawning the tasks itself
//! (both give the same tasks, and nothing a check sees tells them apart); and the order in which
//! `spawn_all` spawns its tasks, beyond the order of the handles (their first lines share the
//! instant 0.000 s, whose order tokio does not promise).
//!
//! How the checks see it:
//! - `up`, `down` and `powers`, each awaited alone: the right lines, each at its virtual time, and
//!   the right total time (so a sleep after the last line shows up); then the smallest case
//!   (`up(0)`, `down(0)`) or a large base for `powers`;
//! - `spawn_all` really spawns: its three tasks run with nobody awaiting their handles (the check
//!   looks at the transcript at an instant when no line is due). Python's `asyncio.create_task`
//!   schedules a task the same way; a plain future (or coroutine) does nothing until awaited;
//! - `spawn_all` returns one handle per counter, in the order up, down, powers, and each handle
//!   finishes when its own counter does. Each handle is awaited by a watcher task of its own, so
//!   each finish time is seen the instant it happens;
//! - `run_all` takes the time of its slowest task rather than the sum of all three, and does not
//!   return before its tasks are done;
//! - a panic in one of `run_all`'s tasks is not swallowed: the check makes one line of a counter
//!   panic (with `awaitlings_check::panic_when_said`), runs `run_all` in a task of its own and
//!   requires that task to end in a panic too; once for each of the three counters, so awaiting
//!   only one handle (or only some) is caught whichever it is.
//!
//! Every check runs on paused time: sleeps cost no real time, and timestamps are exact. Lines
//! sharing an instant are compared as a set. No check depends on which of two things happening at
//! the same instant goes first: the instants a check looks at fall between lines (x.x50 s).

use awaitlings_check::check::secs;
use awaitlings_check::prelude::*;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;
use tokio::time::Instant;

pub fn checks() -> Vec<Check> {
    vec![
        check(
            "up-counts-up",
            1,
            "up(maximum) says `up 0` to `up {maximum}`, 0.3 s apart, and returns with its last \
             line; up(0) says `up 0` at once",
            || async {
                let maximum = rng().range(1..=9) as u32;
                exercise::up(maximum).await;
                let lines = up_lines(maximum);
                in_context(&format!("up({maximum})"), expect_said(&lines))?;
                expect_elapsed(&format!("up({maximum})"), last_at(&lines))?;
                restart();
                exercise::up(0).await;
                in_context("up(0)", expect_said(&up_lines(0)))?;
                expect_elapsed("up(0), one line and no step,", Duration::ZERO)
            },
        ),
        check(
            "down-counts-down",
            1,
            "down(maximum) says `down {maximum}` to `down 0`, 0.5 s apart, and returns with its \
             last line; down(0) says `down 0` at once",
            || async {
                let maximum = rng().range(1..=9) as u32;
                exercise::down(maximum).await;
                let lines = down_lines(maximum);
                in_context(&format!("down({maximum})"), expect_said(&lines))?;
                expect_elapsed(&format!("down({maximum})"), last_at(&lines))?;
                restart();
                exercise::down(0).await;
                in_context("down(0)", expect_said(&down_lines(0)))?;
                expect_elapsed("down(0), one line and no step,", Duration::ZERO)
            },
        ),
        check(
            "powers-of-n",
            1,
            "powers(n) says `{n}^0 = 1` to `{n}^7 = ...`, 0.7 s apart, and returns at 4.9 s; for a \
             small n, then a large one",
            || async {
                let mut r = rng();
                for n in [r.range(3..=9), r.range(24..=99)] {
                    restart();
                    exercise::powers(n).await;
                    let lines = powers_lines(n);
                    in_context(&format!("powers({n})"), expect_said(&lines))?;
                    expect_elapsed(&format!("powers({n})"), last_at(&lines))?;
                }
                Ok(())
            },
        ),
        check(
            "spawn-all-spawns",
            2,
            "spawn_all(maximum, n) starts three tasks that run on their own: some time later, with \
             no handle awaited, all three have printed their lines up to then",
            || async {
                let mut r = rng();
                let (maximum, n) = (r.range(1..=9) as u32, r.range(3..=9));
                // Between two lines: no line is due at the instant the check looks.
                let look = ms(r.range(5..=20) * 100 + 50);
                let handles = exercise::spawn_all(maximum, n);
                // Not awaiting the handles is the point: spawned tasks run anyway.
                tokio::time::sleep(look).await;
                let printed = transcript();
                for handle in &handles {
                    handle.abort();
                }
                expect(
                    !printed.is_empty(),
                    Kind::WrongValue,
                    format!(
                        "nothing was printed in the {} of virtual time after spawn_all({maximum}, \
                         {n}) returned. Its tasks should run on their own, with nobody awaiting \
                         their handles: start each counter with `tokio::spawn`. A future that is \
                         only created (or kept to be joined later) does nothing until it is \
                         awaited.",
                        secs(look)
                    ),
                )?;
                let due: Vec<(u64, String)> = all_lines(maximum, n)
                    .into_iter()
                    .filter(|(at, _)| ms(*at) < look)
                    .collect();
                in_context(
                    &format!(
                        "{} after spawn_all({maximum}, {n}), with no handle awaited, the three \
                         tasks up({maximum}), down({maximum}) and powers({n}) should each have \
                         printed their lines up to then",
                        secs(look)
                    ),
                    expect_said(&due),
                )
                .map_err(|fail| match fail.kind {
                    // What had been printed by then is not what the contract prints: whether the
                    // difference shows as other lines, another order or other instants depends
                    // only on the instant the check looks.
                    Kind::WrongOrder | Kind::WrongTiming => Fail {
                        kind: Kind::WrongValue,
                        ..fail
                    },
                    _ => fail,
                })?;
                expect_eq(
                    &format!("the number of handles spawn_all({maximum}, {n}) returned"),
                    handles.len(),
                    3,
                )
            },
        ),
        check(
            "spawn-all-one-handle-per-counter",
            2,
            "spawn_all(maximum, n) returns one handle per counter, in the order up, down, powers: \
             each finishes when its own counter does",
            || async {
                let mut r = rng();
                // maximum >= 1: the three counters end at three different instants (and from 2
                // on, up's lines fall between down's).
                let (maximum, n) = (r.range(2..=9) as u32, r.range(3..=9));
                let start = Instant::now();
                let handles = exercise::spawn_all(maximum, n);
                expect(
                    handles.len() == 3,
                    Kind::WrongValue,
                    format!(
                        "spawn_all({maximum}, {n}) returned {} handle(s), expected 3: one \
                         JoinHandle per counter, from `tokio::spawn(up(maximum))`, \
                         `tokio::spawn(down(maximum))` and `tokio::spawn(powers(n))`.",
                        handles.len()
                    ),
                )?;

                // Each handle is awaited by a watcher task of its own, so each finish time is the
                // instant that handle's task finished (awaiting them one by one here would see a
                // quick task only once the slow one before it is done).
                let watchers: Vec<_> = handles
                    .into_iter()
                    .map(|handle| {
                        tokio::spawn(async move {
                            let result = handle.await;
                            (elapsed(), result.is_err_and(|e| e.is_panic()))
                        })
                    })
                    .collect();
                let mut finished = Vec::new();
                for watcher in watchers {
                    let (at, panicked) = watcher.await.expect("a watcher task never panics");
                    expect(
                        !panicked,
                        Kind::Panicked,
                        format!("a task spawned by spawn_all({maximum}, {n}) panicked"),
                    )?;
                    finished.push(at);
                }

                // Every line is said by now, unless some handle finished before its counter did
                // (then wait past the last line rather than to it: same-instant wake-ups come in
                // no promised order).
                let lines = all_lines(maximum, n);
                let done = last_at(&lines);
                if elapsed() < done {
                    tokio::time::sleep_until(start + done + ms(100)).await;
                }
                in_context(
                    &format!(
                        "the three tasks of spawn_all({maximum}, {n}) should say up({maximum})'s, \
                         down({maximum})'s and powers({n})'s lines, interleaved"
                    ),
                    expect_said(&lines),
                )?;
                let expected = [
                    (format!("up({maximum})"), last_at(&up_lines(maximum))),
                    (format!("down({maximum})"), last_at(&down_lines(maximum))),
                    (format!("powers({n})"), last_at(&powers_lines(n))),
                ];
                expect_handles_finish(&format!("spawn_all({maximum}, {n})"), &expected, &finished)
            },
        ),
        check(
            "run-all-transcript",
            3,
            "run_all(5, 2) interleaves the three counters' lines, each at its exact virtual time",
            || async {
                exercise::run_all(5, 2).await;
                let took = elapsed();
                if let Err(fail) = expect_transcript("run_all") {
                    // Keep the transcripts (for the diff), but explain an early return if that is
                    // what went wrong.
                    return Err(match returned_too_early(5, 2, took).await {
                        Some(early) => Fail {
                            kind: early.kind,
                            message: early.message,
                            ..fail
                        },
                        None => fail,
                    });
                }
                Ok(())
            },
        )
        .main(),
        check(
            "run-all-total-time",
            2,
            "run_all(maximum, n) takes as long as its slowest task, not as long as all three in \
             turn, and returns only once they are all done",
            || async {
                let mut r = rng();
                let (maximum, n) = (r.range(1..=9) as u32, r.range(3..=9));
                exercise::run_all(maximum, n).await;
                let took = elapsed();
                let (concurrent, sequential) = run_all_times(maximum, n);
                if let Err(fail) = expect_concurrent(
                    &format!(
                        "run_all({maximum}, {n}), whose tasks take {}, {} and {},",
                        secs(last_at(&up_lines(maximum))),
                        secs(last_at(&down_lines(maximum))),
                        secs(last_at(&powers_lines(n)))
                    ),
                    concurrent,
                    sequential,
                ) {
                    return Err(returned_too_early(maximum, n, took).await.unwrap_or(fail));
                }
                Ok(())
            },
        ),
        check(
            "run-all-surfaces-panics",
            2,
            "when one task of run_all panics (the check makes a line of up, then of down, then of \
             powers panic, in some order), run_all panics too instead of returning as if all \
             went well",
            || async {
                let mut r = rng();
                let mut counters = [0, 1, 2];
                r.shuffle(&mut counters);
                for counter in counters {
                    restart();
                    let (maximum, n) = (r.range(2..=9) as u32, r.range(3..=9));
                    let lines = match counter {
                        0 => up_lines(maximum),
                        1 => down_lines(maximum),
                        _ => powers_lines(n),
                    };
                    // Never the first line (said at 0.000 s, before run_all could wait at all).
                    let (at, line) = lines[r.count(1..=lines.len() - 1)].clone();
                    let scene = Scene {
                        maximum,
                        n,
                        line,
                        at: ms(at),
                    };
                    let injected = inject_panic_when_said(&scene.line);
                    // run_all in a task of its own, so that its panic ends that task (as an
                    // Err(JoinError)) instead of this check.
                    let outcome = tokio::spawn(exercise::run_all(maximum, n)).await;
                    let took = elapsed();
                    match outcome {
                        // Passed on, as it should be. A panic before the injected one is
                        // run_all's own (or the stub's todo!()): the harness reports it with its
                        // message.
                        Err(error) if error.is_panic() => {
                            expect(injected.load(Ordering::SeqCst), Kind::Panicked, "")?;
                            // Both panics, the injected one and run_all's, were the point: they
                            // are not news for the report.
                            forget_panics();
                        }
                        Err(error) => {
                            return Err(Fail::new(
                                Kind::WrongValue,
                                format!(
                                    "the task running run_all({maximum}, {n}) ended without \
                                     finishing: {error}"
                                ),
                            ));
                        }
                        Ok(()) => return Err(returned_despite_panic(&scene, took, &injected).await),
                    }
                    // Let the other tasks of this run_all finish before the next scene.
                    let over = run_all_times(maximum, n).1 + ms(100);
                    if elapsed() < over {
                        tokio::time::sleep(over - elapsed()).await;
                    }
                }
                Ok(())
            },
        ),
    ]
}

fn ms(millis: u64) -> Duration {
    Duration::from_millis(millis)
}

/// A counter's lines: `count` lines `text(i)`, `step` ms apart, the first at once.
fn counter_lines(count: u64, step: u64, text: impl Fn(u64) -> String) -> Vec<(u64, String)> {
    (0..count).map(|i| (i * step, text(i))).collect()
}

/// What `up(maximum)` says, and when (in ms).
pub(crate) fn up_lines(maximum: u32) -> Vec<(u64, String)> {
    counter_lines(u64::from(maximum) + 1, 300, |i| format!("up {i}"))
}

/// What `down(maximum)` says, and when.
pub(crate) fn down_lines(maximum: u32) -> Vec<(u64, String)> {
    let maximum = u64::from(maximum);
    counter_lines(maximum + 1, 500, |i| format!("down {}", maximum - i))
}

/// What `powers(n)` says, and when.
pub(crate) fn powers_lines(n: u64) -> Vec<(u64, String)> {
    counter_lines(8, 700, |k| format!("{n}^{k} = {}", n.pow(k as u32)))
}

/// The three counters' lines together, in time order.
pub(crate) fn all_lines(maximum: u32, n: u64) -> Vec<(u64, String)> {
    let mut lines = up_lines(maximum);
    lines.extend(down_lines(maximum));
    lines.extend(powers_lines(n));
    lines.sort_by_key(|(at, _)| *at);
    lines
}

/// The instant of the last line.
pub(crate) fn last_at(lines: &[(u64, String)]) -> Duration {
    ms(lines.iter().map(|(at, _)| *at).max().unwrap_or(0))
}

/// What `run_all(maximum, n)` takes: its slowest task, and the three one after another.
pub(crate) fn run_all_times(maximum: u32, n: u64) -> (Duration, Duration) {
    let each = [
        last_at(&up_lines(maximum)),
        last_at(&down_lines(maximum)),
        last_at(&powers_lines(n)),
    ];
    (
        each.iter().copied().max().unwrap_or_default(),
        each.iter().sum(),
    )
}

/// The transcript must be exactly `lines` (same-instant lines in any order).
pub(crate) fn expect_said(lines: &[(u64, String)]) -> Result<(), Fail> {
    let lines: Vec<String> = lines
        .iter()
        .map(|(at, text)| awaitlings::format_line(ms(*at), text))
        .collect();
    let lines: Vec<&str> = lines.iter().map(String::as_str).collect();
    expect_lines(&lines)
}

/// Puts `what` in front of a failure's message.
pub(crate) fn in_context(what: &str, result: Result<(), Fail>) -> Result<(), Fail> {
    result.map_err(|fail| Fail {
        message: format!("{what}: {}", fail.message),
        ..fail
    })
}

/// The scene of `run-all-surfaces-panics`: the arguments, and the line made to panic.
struct Scene {
    maximum: u32,
    n: u64,
    line: String,
    at: Duration,
}

/// Called when `run_all(maximum, n)` returned with a wrong result. If it returned sooner than it
/// should, did it return while its tasks were still running (spawned them, but never awaited
/// their handles)? Wait and see whether lines keep coming. `Some(fail)` explains it if so; `None`
/// means the tasks were done (and the caller's own verdict stands).
async fn returned_too_early(maximum: u32, n: u64, took: Duration) -> Option<Fail> {
    let (concurrent, sequential) = run_all_times(maximum, n);
    if took >= concurrent {
        return None;
    }
    let at_return = transcript().len();
    // Long enough for every task, even ones started late, to finish.
    tokio::time::sleep(sequential).await;
    let after = transcript();
    let later = after.len().checked_sub(at_return).filter(|&n| n > 0)?;
    Some(Fail::new(
        Kind::WrongTiming,
        format!(
            "run_all({maximum}, {n}) returned after {} of virtual time while its tasks were still \
             running: {later} more line(s) came after it returned, the last one `{}`. \
             `tokio::spawn` starts a task and gives you a JoinHandle; awaiting the handle is how \
             you wait for the task to finish. Await every handle before run_all returns.",
            secs(took),
            after.last().map_or("", |l| l.trim_start()),
        ),
    ))
}

/// Compares the instants at which the handles of `call` finished with `expected` (each counter
/// and the instant of its last line), in order.
fn expect_handles_finish(
    call: &str,
    expected: &[(String, Duration)],
    finished: &[Duration],
) -> Result<(), Fail> {
    let want: Vec<Duration> = expected.iter().map(|(_, at)| *at).collect();
    if finished == want.as_slice() {
        return Ok(());
    }
    let report: Vec<String> = expected
        .iter()
        .zip(finished)
        .enumerate()
        .map(|(i, ((counter, want), got))| {
            let n = i + 1;
            if got == want {
                format!(
                    "handle {n} (for {counter}) finished at {}, as it should",
                    secs(*got)
                )
            } else {
                format!(
                    "handle {n} (for {counter}) finished at {}, expected {}",
                    secs(*got),
                    secs(*want)
                )
            }
        })
        .collect();
    let report = report.join("; ");
    let mut sorted = finished.to_vec();
    sorted.sort();
    let mut sorted_want = want.clone();
    sorted_want.sort();
    if sorted == sorted_want {
        return Err(Fail::new(
            Kind::WrongOrder,
            format!(
                "{call} returned the right handles in the wrong order: {report}. Return them in \
                 the order the contract gives, up, down, powers, so that whoever holds \
                 handles[0] is waiting for up."
            ),
        ));
    }
    let mut why = String::new();
    if finished.iter().any(|at| at.is_zero()) {
        why.push_str(
            " A handle that finishes at 0.000 s belongs to a task that counted nothing: is the \
             counting done in some other task?",
        );
    }
    if finished.iter().zip(&want).any(|(got, want)| got > want) {
        why.push_str(
            " A handle that finishes late belongs to a task that does more than its own counter \
             (or the counter sleeps after its last line).",
        );
    }
    Err(Fail::new(
        Kind::WrongTiming,
        format!(
            "each handle {call} returns should finish when its own counter does: {report}.{why} \
             Spawn each counter as a task of its own, `tokio::spawn(up(maximum))`, \
             `tokio::spawn(down(maximum))`, `tokio::spawn(powers(n))`, and return exactly those \
             three handles, in that order: awaiting a handle is how the caller waits for that one \
             counter."
        ),
    ))
}

/// Arms [`awaitlings_check::panic_when_said`]`(line)` and returns a flag that turns true
/// once that injected panic has happened (in whichever task said the line). The panic hook the
/// harness installed is kept: it is called after the flag is set, and still records the panic.
fn inject_panic_when_said(line: &str) -> Arc<AtomicBool> {
    let happened = Arc::new(AtomicBool::new(false));
    let flag = happened.clone();
    let previous = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        let payload = info.payload();
        let text = payload
            .downcast_ref::<String>()
            .map(String::as_str)
            .or_else(|| payload.downcast_ref::<&str>().copied())
            .unwrap_or_default();
        if text.starts_with(awaitlings_check::INJECTED_PANIC) {
            flag.store(true, Ordering::SeqCst);
        }
        previous(info);
    }));
    awaitlings_check::panic_when_said(line);
    happened
}

/// `run_all` returned normally after `took`, although the scene's line was made to panic (or was
/// to). Waits until all its tasks are over, then says which mistake it was.
async fn returned_despite_panic(scene: &Scene, took: Duration, injected: &AtomicBool) -> Fail {
    let (maximum, n) = (scene.maximum, scene.n);
    let over = run_all_times(maximum, n).1 + ms(100);
    if took < over {
        tokio::time::sleep(over - took).await;
    }
    let line = &scene.line;
    if !injected.load(Ordering::SeqCst) {
        return Fail::new(
            Kind::WrongValue,
            format!(
                "the check makes the line `{line}` panic, but no task of run_all({maximum}, {n}) \
                 ever said it. run_all(maximum, n) should run up(maximum), down(maximum) and \
                 powers(n)."
            ),
        );
    }
    if took < scene.at {
        return Fail::new(
            Kind::WrongTiming,
            format!(
                "run_all({maximum}, {n}) returned after {} of virtual time, while its tasks were \
                 still running: the task saying `{line}` panicked later, at {}, and by then nobody \
                 was waiting for it, so the failure went unnoticed. Await every handle before \
                 run_all returns, and don't discard what it gives you.",
                secs(took),
                secs(scene.at)
            ),
        );
    }
    Fail::new(
        Kind::WrongValue,
        format!(
            "run_all returned normally although one of its tasks panicked: the check made the \
             line `{line}` panic (at {}), and run_all({maximum}, {n}) still returned, at {}, as if \
             all had gone well. Awaiting a JoinHandle gives Err(JoinError) for a panicked task; \
             don't discard it (`let _ = handle.await;` does, so does only printing it, and so \
             does never awaiting a handle). Pass the failure on: `handle.await.expect(\"...\")`.",
            secs(scene.at),
            secs(took)
        ),
    )
}
