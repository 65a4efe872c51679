//! The public checks of exercise 03 interleaved-tasks.
//!
//! What is checked, and why:
//! - `up`, `down` and `powers`, each awaited alone: the right lines, each at its virtual time, and
//!   the right total time (so a sleep after the last line shows up). Other arguments than the demo's
//!   (4 and 3 instead of 5 and 2), so nothing can be hard-coded;
//! - `spawn_all` really spawns: its three tasks run with nobody awaiting their handles. Python's
//!   `asyncio.create_task` schedules a task the same way; a plain future (or coroutine) does nothing
//!   until awaited;
//! - `spawn_all(3, 4)` returns one handle per counter, in the order up, down, powers, and each
//!   handle finishes when its own counter does (0.9 s, 1.5 s, 4.9 s). A handle is how the caller
//!   waits for one particular task: three handles of tasks that do something else (one task doing
//!   all the work, two doing nothing) would let `handles[0].await` return at the wrong moment. Each
//!   handle is awaited by a watcher task of its own, so each finish time is seen the instant it
//!   happens;
//! - `run_all(5, 2)` prints the interleaved transcript of fixtures/interleaved-tasks/run_all.txt
//!   (the main check: what `grader run 03` shows);
//! - `run_all(5, 2)` takes 4.9 s of virtual time, its slowest task, rather than 8.9 s, the sum of all
//!   three run one after another; and it does not return before its tasks are done;
//! - a panic in one of `run_all`'s tasks is not swallowed: the check makes `down(4)` panic as it
//!   says `down 3` (with `awaitlings_check::panic_when_said`), runs `run_all(4, 3)` in a task
//!   of its own and requires that task to end in a panic too. tokio catches a task's panic and hands
//!   it to whoever awaits the task's handle, as an `Err(JoinError)`: discard it, or never await that
//!   handle, and the failure vanishes without a trace (asyncio's "Task exception was never
//!   retrieved").
//!
//! Every check runs on paused time: sleeps cost no real time, and timestamps are exact. The three
//! steps (0.3 s, 0.5 s, 0.7 s) differ, so most lines happen at instants of their own and tokio
//! fixes their order; lines sharing an instant (0.000 s, 1.500 s) are compared as a set. No check
//! depends on which of two things happening at the same instant goes first.

use awaitlings_check::check::secs;
use awaitlings_check::prelude::*;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;
use tokio::time::Instant;

/// `run_all(5, 2)` lasts as long as `powers(2)`: 7 steps of 0.7 s.
const RUN_ALL_CONCURRENT: Duration = Duration::from_millis(4900);
/// ... and up(5) 1.5 s + down(5) 2.5 s + powers(2) 4.9 s when the three run one after another.
const RUN_ALL_SEQUENTIAL: Duration = Duration::from_millis(8900);

/// `spawn_all(3, 4)`'s tasks finish when their counters say their last lines: up(3) after 3 steps
/// of 0.3 s, down(3) after 3 of 0.5 s, powers(4) after 7 of 0.7 s. Three distinct instants.
const SPAWN_ALL_3_4_FINISH: [(&str, Duration); 3] = [
    ("up(3)", Duration::from_millis(900)),
    ("down(3)", Duration::from_millis(1500)),
    ("powers(4)", Duration::from_millis(4900)),
];
/// ... so every line of spawn_all(3, 4) is said by 4.9 s.
const SPAWN_ALL_3_4_DONE: Duration = Duration::from_millis(4900);
/// In run_all(4, 3), down(4) says `down 3` (the line the check makes panic) after one step.
const DOWN_3_AT: Duration = Duration::from_millis(500);
/// ... and every task of run_all(4, 3) is done by 4.9 s (powers(3)), so 5 s is after all of them.
const RUN_ALL_4_3_OVER: Duration = Duration::from_secs(5);

pub fn checks() -> Vec<Check> {
    vec![
        check(
            "up-counts-up",
            1,
            "up(4) says `up 0` to `up 4`, 0.3 s apart, and returns at 1.2 s",
            || async {
                exercise::up(4).await;
                expect_lines(&[
                    "  0.000s  up 0",
                    "  0.300s  up 1",
                    "  0.600s  up 2",
                    "  0.900s  up 3",
                    "  1.200s  up 4",
                ])?;
                expect_elapsed("up(4)", Duration::from_millis(1200))
            },
        ),
        check(
            "down-counts-down",
            1,
            "down(4) says `down 4` to `down 0`, 0.5 s apart, and returns at 2.0 s",
            || async {
                exercise::down(4).await;
                expect_lines(&[
                    "  0.000s  down 4",
                    "  0.500s  down 3",
                    "  1.000s  down 2",
                    "  1.500s  down 1",
                    "  2.000s  down 0",
                ])?;
                expect_elapsed("down(4)", Duration::from_millis(2000))
            },
        ),
        check(
            "powers-of-n",
            1,
            "powers(3) says `3^0 = 1` to `3^7 = 2187`, 0.7 s apart, and returns at 4.9 s",
            || async {
                exercise::powers(3).await;
                expect_lines(&[
                    "  0.000s  3^0 = 1",
                    "  0.700s  3^1 = 3",
                    "  1.400s  3^2 = 9",
                    "  2.100s  3^3 = 27",
                    "  2.800s  3^4 = 81",
                    "  3.500s  3^5 = 243",
                    "  4.200s  3^6 = 729",
                    "  4.900s  3^7 = 2187",
                ])?;
                expect_elapsed("powers(3)", Duration::from_millis(4900))
            },
        ),
        check(
            "spawn-all-spawns",
            2,
            "spawn_all(5, 2) starts three tasks that run on their own: 1.1 s later, with no handle \
             awaited, all three have printed their lines up to 1.000 s",
            || async {
                let handles = exercise::spawn_all(5, 2);
                // Not awaiting the handles is the point: spawned tasks run anyway. Sleep past the
                // 1.000 s lines (rather than to exactly 1.000 s, where `down 3` and this sleep would
                // wake at the same instant, in an order tokio does not promise).
                tokio::time::sleep(Duration::from_millis(1100)).await;
                let printed = transcript();
                for handle in &handles {
                    handle.abort();
                }
                expect(
                    !printed.is_empty(),
                    Kind::WrongValue,
                    "nothing was printed in the 1.1 s of virtual time after spawn_all(5, 2) \
                     returned. Its tasks should run on their own, with nobody awaiting their \
                     handles: start each counter with `tokio::spawn`. A future that is only \
                     created (or kept to be joined later) does nothing until it is awaited.",
                )?;
                expect_lines(&[
                    "  0.000s  up 0",
                    "  0.000s  down 5",
                    "  0.000s  2^0 = 1",
                    "  0.300s  up 1",
                    "  0.500s  down 4",
                    "  0.600s  up 2",
                    "  0.700s  2^1 = 2",
                    "  0.900s  up 3",
                    "  1.000s  down 3",
                ])
                .map_err(|fail| Fail {
                    message: format!(
                        "1.1 s after spawn_all(5, 2), with no handle awaited, the three tasks \
                         should each have printed their lines up to 1.000 s: {}",
                        fail.message
                    ),
                    ..fail
                })?;
                expect_eq(
                    "the number of handles spawn_all(5, 2) returned",
                    handles.len(),
                    3,
                )
            },
        ),
        check(
            "spawn-all-one-handle-per-counter",
            2,
            "spawn_all(3, 4) returns one handle per counter, in the order up, down, powers: each \
             finishes when its own counter does (0.9 s, 1.5 s, 4.9 s)",
            || async {
                let start = Instant::now();
                let handles = exercise::spawn_all(3, 4);
                expect(
                    handles.len() == 3,
                    Kind::WrongValue,
                    format!(
                        "spawn_all(3, 4) returned {} handle(s), expected 3: one JoinHandle per \
                         counter, from `tokio::spawn(up(maximum))`, `tokio::spawn(down(maximum))` \
                         and `tokio::spawn(powers(n))`.",
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
                        "a task spawned by spawn_all(3, 4) panicked",
                    )?;
                    finished.push(at);
                }

                // Every line is said by now, unless some handle finished before its counter did
                // (then wait past the last line, at 4.9 s, rather than to it: same-instant wake-ups
                // come in no promised order).
                if elapsed() < SPAWN_ALL_3_4_DONE {
                    tokio::time::sleep_until(
                        start + SPAWN_ALL_3_4_DONE + Duration::from_millis(100),
                    )
                    .await;
                }
                expect_lines(&[
                    "  0.000s  up 0",
                    "  0.000s  down 3",
                    "  0.000s  4^0 = 1",
                    "  0.300s  up 1",
                    "  0.500s  down 2",
                    "  0.600s  up 2",
                    "  0.700s  4^1 = 4",
                    "  0.900s  up 3",
                    "  1.000s  down 1",
                    "  1.400s  4^2 = 16",
                    "  1.500s  down 0",
                    "  2.100s  4^3 = 64",
                    "  2.800s  4^4 = 256",
                    "  3.500s  4^5 = 1024",
                    "  4.200s  4^6 = 4096",
                    "  4.900s  4^7 = 16384",
                ])
                .map_err(|fail| Fail {
                    message: format!(
                        "the three tasks of spawn_all(3, 4) should say up(3)'s, down(3)'s and \
                         powers(4)'s lines, interleaved: {}",
                        fail.message
                    ),
                    ..fail
                })?;
                expect_handles_finish(&finished)
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
                    return Err(match returned_too_early(took).await {
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
            "run_all(5, 2) takes 4.9 s of virtual time (its slowest task), not 8.9 s (all three in turn)",
            || async {
                exercise::run_all(5, 2).await;
                let took = elapsed();
                if let Err(fail) =
                    expect_concurrent("run_all(5, 2)", RUN_ALL_CONCURRENT, RUN_ALL_SEQUENTIAL)
                {
                    return Err(returned_too_early(took).await.unwrap_or(fail));
                }
                Ok(())
            },
        ),
        check(
            "run-all-surfaces-panics",
            2,
            "when one task of run_all(4, 3) panics (down(4), as it says `down 3`), run_all panics \
             too instead of returning as if all went well",
            || async {
                let injected = inject_panic_when_said("down 3");
                // run_all in a task of its own, so that its panic ends that task (as an
                // Err(JoinError)) instead of this check.
                let outcome = tokio::spawn(exercise::run_all(4, 3)).await;
                let took = elapsed();
                match outcome {
                    // Passed on, as it should be. A panic before the injected one is run_all's
                    // own (or the stub's todo!()): the harness reports it with its message.
                    Err(error) if error.is_panic() => {
                        expect(injected.load(Ordering::SeqCst), Kind::Panicked, "")?;
                        // Both panics, the injected one and run_all's, were the point: they are
                        // not news for the report.
                        forget_panics();
                        Ok(())
                    }
                    Err(error) => Err(Fail::new(
                        Kind::WrongValue,
                        format!("the task running run_all(4, 3) ended without finishing: {error}"),
                    )),
                    Ok(()) => Err(returned_despite_panic(took, &injected).await),
                }
            },
        ),
    ]
}

/// Called when `run_all` returned with a wrong result. If it returned sooner than it should, did it
/// return while its tasks were still running (spawned them, but never awaited their handles)?
/// Wait and see whether lines keep coming. `Some(fail)` explains it if so; `None` means the tasks
/// were done (and the caller's own verdict stands).
async fn returned_too_early(took: Duration) -> Option<Fail> {
    if took >= RUN_ALL_CONCURRENT {
        return None;
    }
    let at_return = transcript().len();
    // Long enough for every task of run_all(5, 2), even ones started late, to finish.
    tokio::time::sleep(RUN_ALL_SEQUENTIAL).await;
    let after = transcript();
    let later = after.len().checked_sub(at_return).filter(|&n| n > 0)?;
    Some(Fail::new(
        Kind::WrongTiming,
        format!(
            "run_all(5, 2) returned after {} of virtual time while its tasks were still running: \
             {later} more line(s) came after it returned, the last one `{}`. `tokio::spawn` starts \
             a task and gives you a JoinHandle; awaiting the handle is how you wait for the task \
             to finish. Await every handle before run_all returns.",
            secs(took),
            after.last().map_or("", |l| l.trim_start()),
        ),
    ))
}

/// Compares the instants at which the handles of `spawn_all(3, 4)` finished with
/// [`SPAWN_ALL_3_4_FINISH`], in order.
fn expect_handles_finish(finished: &[Duration]) -> Result<(), Fail> {
    let expected: Vec<Duration> = SPAWN_ALL_3_4_FINISH.iter().map(|&(_, at)| at).collect();
    if finished == expected.as_slice() {
        return Ok(());
    }
    let report: Vec<String> = SPAWN_ALL_3_4_FINISH
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
    if sorted == expected {
        return Err(Fail::new(
            Kind::WrongOrder,
            format!(
                "spawn_all(3, 4) returned the right handles in the wrong order: {report}. Return \
                 them in the order the contract gives, up, down, powers, so that whoever holds \
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
    if finished.iter().zip(&expected).any(|(got, want)| got > want) {
        why.push_str(
            " A handle that finishes late belongs to a task that does more than its own counter \
             (or the counter sleeps after its last line).",
        );
    }
    Err(Fail::new(
        Kind::WrongTiming,
        format!(
            "each handle spawn_all(3, 4) returns should finish when its own counter does: \
             {report}.{why} Spawn each counter as a task of its own, \
             `tokio::spawn(up(maximum))`, `tokio::spawn(down(maximum))`, \
             `tokio::spawn(powers(n))`, and return exactly those three handles, in that order: \
             awaiting a handle is how the caller waits for that one counter."
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

/// run_all(4, 3) returned normally after `took`, although down(4) was made to panic at
/// [`DOWN_3_AT`] (or was to). Waits until all its tasks are over, then says which mistake it was.
async fn returned_despite_panic(took: Duration, injected: &AtomicBool) -> Fail {
    if took < RUN_ALL_4_3_OVER {
        tokio::time::sleep(RUN_ALL_4_3_OVER - took).await;
    }
    if !injected.load(Ordering::SeqCst) {
        return Fail::new(
            Kind::WrongValue,
            "the check makes down(4)'s line `down 3` panic, but no task of run_all(4, 3) ever said \
             `down 3`. run_all(maximum, n) should run up(maximum), down(maximum) and powers(n).",
        );
    }
    if took < DOWN_3_AT {
        return Fail::new(
            Kind::WrongTiming,
            format!(
                "run_all(4, 3) returned after {} of virtual time, while its tasks were still \
                 running: down(4) panicked later, at {}, and by then nobody was waiting for it, so \
                 the failure went unnoticed. Await every handle before run_all returns, and don't \
                 discard what it gives you.",
                secs(took),
                secs(DOWN_3_AT)
            ),
        );
    }
    Fail::new(
        Kind::WrongValue,
        format!(
            "run_all returned normally although one of its tasks panicked: the check made down(4) \
             panic as it said `down 3` (at {}), and run_all(4, 3) still returned, at {}, as if \
             all had gone well. Awaiting a JoinHandle gives Err(JoinError) for a panicked task; \
             don't discard it (`let _ = handle.await;` does, and so does never awaiting a handle). \
             Pass the failure on: `handle.await.expect(\"...\")`.",
            secs(DOWN_3_AT),
            secs(took)
        ),
    )
}
