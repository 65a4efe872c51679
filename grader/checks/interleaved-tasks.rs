//! Hidden checks for exercise 03 interleaved-tasks.
//!
//! What is checked, and why:
//! - `up`, `down` and `powers`, each awaited alone: the right lines, each at its virtual time, and
//!   the right total time (so a sleep after the last line shows up). Other arguments than the demo's
//!   (4 and 3 instead of 5 and 2), so nothing can be hard-coded;
//! - `spawn_all` really spawns: its three tasks run with nobody awaiting their handles. Python's
//!   `asyncio.create_task` schedules a task the same way; a plain future (or coroutine) does nothing
//!   until awaited;
//! - `run_all(5, 2)` prints the interleaved transcript of fixtures/interleaved-tasks/run_all.txt
//!   (the main check: what `grader run 03` shows);
//! - `run_all(5, 2)` takes 4.9 s of virtual time, its slowest task, rather than 8.9 s, the sum of all
//!   three run one after another; and it does not return before its tasks are done.
//!
//! Every check runs on paused time: sleeps cost no real time, and timestamps are exact. The three
//! steps (0.3 s, 0.5 s, 0.7 s) differ, so most lines happen at instants of their own and tokio
//! fixes their order; lines sharing an instant (0.000 s, 1.500 s) are compared as a set.

use awaitlings_check::check::secs;
use awaitlings_check::prelude::*;
use std::time::Duration;

/// `run_all(5, 2)` lasts as long as `powers(2)`: 7 steps of 0.7 s.
const RUN_ALL_CONCURRENT: Duration = Duration::from_millis(4900);
/// ... and up(5) 1.5 s + down(5) 2.5 s + powers(2) 4.9 s when the three run one after another.
const RUN_ALL_SEQUENTIAL: Duration = Duration::from_millis(8900);

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
