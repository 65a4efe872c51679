//! The public checks of exercise 02 event-loop.
//!
//! There is no tokio in this exercise, so every check calls your code synchronously: it polls
//! your futures by hand, or builds your `Executor`, spawns some futures and calls `run()`. (The
//! grader still runs each check inside its own tokio runtime, but your executor never touches it.)
//!
//! To point at one piece at a time:
//! - `yield_now` and `count` are polled by hand, with a waker that counts its wake-ups;
//! - the executor is driven with futures written here (`steps`, `done`, `sleeper`, `Watched`),
//!   which yield, park, log and count their polls without using your `yield_now`, so an executor
//!   check fails only when the executor is wrong.
//!
//! Each rule of the `Executor` contract has a check of its own:
//! - one ready queue, first come, first served, for tasks and callbacks alike
//!   (`ready-queue-is-fifo`);
//! - `spawn` and `call_soon` only schedule: nothing is polled or called before `run()`
//!   (`nothing-runs-before-run`). asyncio's `create_task` and `call_soon` do not run anything
//!   either; the loop does, when it gets there;
//! - a task nobody wakes stays parked, costs nothing and does not stop `run()` from returning;
//!   finished tasks are dropped (`parked-task-waits-for-its-waker`);
//! - a task's id is how its waker finds it again, so while the task lives no other task may get
//!   that id, not even after many tasks have come and gone (`parked-task-keeps-its-id`);
//! - a woken task is polled once more, and a finished one never again
//!   (`woken-task-runs-again`).
//!
//! The logs the tasks write become the check's transcript, so a failure shows them as a diff.

use awaitlings_check::prelude::*;
use exercise::{Executor, Log};
use std::future::Future;
use std::pin::pin;
use std::task::Context;

pub fn checks() -> Vec<Check> {
    vec![
        check(
            "round-robin-transcript",
            3,
            "round_robin() prints the 16 lines of the Python demo: the three counts take turns, then Done!",
            || async {
                let lines = exercise::round_robin();
                for line in &lines {
                    record_line(line.clone());
                }
                expect_transcript("round-robin").map_err(|fail| explain_round_robin(fail, &lines))
            },
        )
        .main(),
        check(
            "yield-now-pending-once",
            1,
            "yield_now() wakes its waker and returns Pending on the first poll, Ready on the second",
            || async {
                let (wakes, waker) = CountingWaker::new();
                let mut cx = Context::from_waker(&waker);
                let mut future = pin!(exercise::yield_now());

                let first = future.as_mut().poll(&mut cx);
                let woke = wakes.take();
                record_line(format!("poll 1: {}", describe_poll(&first, woke)));
                expect(
                    first.is_pending(),
                    Kind::WrongValue,
                    "yield_now() was Ready on its very first poll, so it never handed control back \
                     to the executor. The first poll must return Poll::Pending: that is the `yield`.",
                )?;
                expect(
                    woke > 0,
                    Kind::WrongValue,
                    "yield_now() returned Pending without waking its waker. An executor polls a \
                     Pending task again only once its waker is woken, so this task would sleep \
                     forever. Call cx.waker().wake_by_ref() before returning Poll::Pending.",
                )?;

                let second = future.as_mut().poll(&mut cx);
                record_line(format!("poll 2: {}", describe_poll(&second, wakes.take())));
                expect(
                    second.is_ready(),
                    Kind::WrongValue,
                    "yield_now() was Pending again on its second poll. It gives way once, then it \
                     is done: the second poll must return Poll::Ready(()).",
                )
            },
        ),
        check(
            "count-yields-after-each-line",
            1,
            "count(7, 3, log) logs one line per poll and yields after each: Pending three times, then Ready",
            || async {
                let (wakes, waker) = CountingWaker::new();
                let mut cx = Context::from_waker(&waker);
                let log = Log::default();
                let mut future = pin!(exercise::count(7, 3, log.clone()));

                // Poll by hand, the way an executor would, writing down what each poll did.
                for n in 1..=8 {
                    let before = log.borrow().len();
                    let result = future.as_mut().poll(&mut cx);
                    let Ok(now) = log.try_borrow() else {
                        return Err(Fail::new(
                            Kind::WrongValue,
                            "count returned from a poll while still holding `log.borrow_mut()`: \
                             the borrow lives across `.await`, so any other task touching the log \
                             would panic (\"already borrowed\"). Push in one statement, \
                             `log.borrow_mut().push(..);`, so the borrow ends before you yield.",
                        ));
                    };
                    let logged: Vec<String> =
                        now[before..].iter().map(|l| format!("\"{l}\"")).collect();
                    let logged = if logged.is_empty() {
                        "nothing".into()
                    } else {
                        logged.join(", ")
                    };
                    record_line(format!(
                        "poll {n}: logged {logged}, {}",
                        describe_poll(&result, wakes.take())
                    ));
                    if result.is_ready() {
                        break;
                    }
                }
                expect_lines(&[
                    "poll 1: logged \"7: 0\", Pending, woke the waker",
                    "poll 2: logged \"7: 1\", Pending, woke the waker",
                    "poll 3: logged \"7: 2\", Pending, woke the waker",
                    "poll 4: logged nothing, Ready",
                ])
                .map_err(explain_count)
            },
        ),
        check(
            "ready-queue-is-fifo",
            2,
            "tasks and call_soon callbacks run in the order they were scheduled, and a yielding task goes to the back",
            || async {
                let log = Log::default();
                let mut executor = Executor::new();
                executor.spawn(steps("a", 2, log.clone()));
                executor.call_soon({
                    let log = log.clone();
                    move || log.borrow_mut().push("callback 1".into())
                });
                executor.spawn(steps("b", 2, log.clone()));
                executor.call_soon({
                    let log = log.clone();
                    move || log.borrow_mut().push("callback 2".into())
                });
                executor.run();
                expect_log(
                    &log,
                    &["a: 0", "callback 1", "b: 0", "callback 2", "a: 1", "b: 1"],
                )
                .map_err(|fail| explain_fifo(fail, &log.borrow()))
            },
        ),
        check(
            "nothing-runs-before-run",
            1,
            "spawn() and call_soon() only schedule: no task is polled and no callback called until run()",
            || async {
                let log = Log::default();
                let mut executor = Executor::new();
                let (task, stats) = watched(steps("task", 2, log.clone()));
                executor.spawn(task);
                executor.call_soon({
                    let log = log.clone();
                    move || log.borrow_mut().push("callback".into())
                });

                // Nothing may have happened yet: spawn and call_soon only put things in the queue.
                let polled = stats.polls();
                let called = log.borrow().iter().any(|line| line == "callback");
                if polled > 0 || called {
                    restart();
                    for line in log.borrow().iter() {
                        record_line(format!("before run(): {line}"));
                    }
                    return Err(Fail::new(Kind::WrongOrder, explain_too_early(polled, called)));
                }

                executor.run();
                expect_log(&log, &["task: 0", "callback", "task: 1"]).map_err(|fail| {
                    prefix(
                        "nothing ran before run(), as it should; but then run() did not run the \
                         spawned task and the callback in the order they were scheduled (the task \
                         first, as it was spawned first). ",
                        fail,
                    )
                })
            },
        ),
        check(
            "parked-task-waits-for-its-waker",
            2,
            "a Pending task nobody wakes is kept but not polled, run() still returns, finished tasks are dropped; a later wake (from a callback) resumes it",
            || async {
                let log = Log::default();
                let gate = Gate::new();
                let mut executor = Executor::new();
                let (sleeper, sleeper_stats) =
                    watched(sleeper("sleeper", gate.clone(), log.clone()));
                let (worker, worker_stats) = watched(steps("worker", 3, log.clone()));
                executor.spawn(sleeper);
                executor.spawn(worker);

                // If run() polls everything, woken or not, it never returns here: the sleeper
                // stays Pending until the gate opens, and nothing opens it during this run().
                executor.run();
                expect_log(
                    &log,
                    &["sleeper: waiting", "worker: 0", "worker: 1", "worker: 2"],
                )
                .map_err(|fail| explain_parked(fail, &log.borrow()))?;
                expect_polls(
                    "the sleeper",
                    &sleeper_stats,
                    1,
                    "it parked on its first poll and nobody woke it",
                )?;
                expect(
                    !sleeper_stats.dropped(),
                    Kind::WrongValue,
                    "the sleeper was dropped while it was Pending. A Pending task is not finished: \
                     keep it, so that it can run again once its waker is woken.",
                )?;
                expect(
                    worker_stats.dropped(),
                    Kind::WrongValue,
                    "the worker returned Ready, but your executor still held its future after run() \
                     returned. Drop a task as soon as it finishes (the Python \
                     `generators.remove(one_g)`): a long-running loop that keeps every finished task \
                     grows forever.",
                )?;

                // The outside world opens the gate: a callback wakes the sleeper's waker, and the
                // next run() must pick the sleeper up.
                open_from_a_callback(&mut executor, &gate);
                expect_log(
                    &log,
                    &[
                        "sleeper: waiting",
                        "worker: 0",
                        "worker: 1",
                        "worker: 2",
                        "sleeper: woken",
                    ],
                )
                .map_err(|fail| {
                    prefix(
                        "a callback woke the parked sleeper and run() was called again, but the \
                         sleeper did not finish. Keep parked tasks across calls to run(), and poll \
                         a task when its id comes back to the ready queue. ",
                        fail,
                    )
                })?;
                expect_woken_by_the_callback(&sleeper_stats)
            },
        ),
        check(
            "parked-task-keeps-its-id",
            2,
            "a task parked across calls to run() keeps its id: tasks spawned later get ids of their own, and the parked one still finishes once woken",
            || async {
                let log = Log::default();
                let gate = Gate::new();
                let mut executor = Executor::new();
                let (sleeper, sleeper_stats) =
                    watched(sleeper("sleeper", gate.clone(), log.clone()));

                // A task that finishes at once on each side of the sleeper: after this run() the
                // sleeper is the only task left, parked at the gate, and its neighbours' ids are
                // free again.
                executor.spawn(done("first", log.clone()));
                executor.spawn(sleeper);
                executor.spawn(done("second", log.clone()));
                executor.run();
                expect_log(&log, &["first: done", "sleeper: waiting", "second: done"]).map_err(
                    |fail| {
                        prefix(
                            "in the first run(), before any task was spawned while the sleeper \
                             was parked: ",
                            fail,
                        )
                    },
                )?;
                expect(
                    !sleeper_stats.dropped(),
                    Kind::WrongValue,
                    "the sleeper was dropped during the first run(), while it was Pending. A \
                     Pending task is not finished: keep it (under its id), so that it can run \
                     again once its waker is woken.",
                )?;

                // Two new tasks while the sleeper is parked. An id scheme that counts the tasks
                // (tasks.len()), or the ready queue, or starts again from 0 after run(), gives
                // one of them the sleeper's id.
                for name in ["third", "fourth"] {
                    executor.spawn(done(name, log.clone()));
                    expect(
                        !sleeper_stats.dropped(),
                        Kind::WrongValue,
                        lost_to_a_new_task(name),
                    )?;
                }
                executor.run();
                expect_log(
                    &log,
                    &[
                        "first: done",
                        "sleeper: waiting",
                        "second: done",
                        "third: done",
                        "fourth: done",
                    ],
                )
                .map_err(|fail| {
                    prefix(
                        "tasks spawned while the sleeper was parked did not all run to the end in \
                         the next run(). Did spawn() give one of them an id that the sleeper still \
                         holds? Then one of the two is lost. ",
                        fail,
                    )
                })?;
                expect(
                    !sleeper_stats.dropped(),
                    Kind::WrongValue,
                    "the parked sleeper was dropped during the second run(), while it was still \
                     Pending and nobody had woken it. A parked task must be kept until it \
                     finishes.",
                )?;

                // Now a callback opens the gate: the sleeper's waker (with the sleeper's id) must
                // still lead to the sleeper.
                open_from_a_callback(&mut executor, &gate);
                expect_log(
                    &log,
                    &[
                        "first: done",
                        "sleeper: waiting",
                        "second: done",
                        "third: done",
                        "fourth: done",
                        "sleeper: woken",
                    ],
                )
                .map_err(|fail| {
                    prefix(
                        "a callback opened the gate and woke the parked sleeper's waker, but the \
                         sleeper did not finish: a parked task was lost. Its waker puts its id \
                         back in the queue, so that id must still lead to the sleeper, however \
                         many tasks were spawned and finished in the meantime. ",
                        fail,
                    )
                })?;
                expect_woken_by_the_callback(&sleeper_stats)
            },
        ),
        check(
            "woken-task-runs-again",
            3,
            "a task woken by another task is polled exactly once more, and a stale waker never polls a finished task",
            || async {
                let log = Log::default();
                let gate = Gate::new();
                let mut executor = Executor::new();
                let (sleeper, sleeper_stats) =
                    watched(sleeper("sleeper", gate.clone(), log.clone()));
                executor.spawn(sleeper);
                executor.spawn(alarm(gate.clone(), log.clone()));
                executor.run();
                expect_log(
                    &log,
                    &[
                        "sleeper: waiting",
                        "alarm: 0",
                        "alarm: 1",
                        "alarm: opens the gate",
                        "sleeper: woken",
                    ],
                )
                .map_err(|fail| explain_woken(fail, &log.borrow()))?;
                expect_polls(
                    "the sleeper",
                    &sleeper_stats,
                    2,
                    "once to park, once after the alarm woke it",
                )?;

                // The sleeper is finished, but the waker it left behind is still around (as real
                // wakers often are: a timer that fires late, a message that comes after all).
                let stale = gate.last_waker();
                if let Some(stale) = stale {
                    stale.wake();
                    executor.run();
                }
                expect(
                    sleeper_stats.polls_after_ready() == 0,
                    Kind::WrongValue,
                    "the sleeper had finished, but waking its old waker made run() poll it again. A \
                     future must never be polled after it returned Ready (an async fn panics: \
                     \"`async fn` resumed after completion\"). Remove a task when it finishes, and \
                     skip ids whose task is gone.",
                )
            },
        ),
    ]
    // No tokio and no clock in this exercise: the grader speaks of the executor, never of
    // virtual time.
    .into_iter()
    .map(Check::untimed)
    .collect()
}

// ---------------------------------------------------------------------------------------------
// Futures and wakers the checks are built from.

/// Like `count`, with a name and the checks' own yield: logs `"{name}: {i}"` for `i` in `0..n`,
/// yielding after each line.
async fn steps(name: &'static str, n: u32, log: Log) {
    for i in 0..n {
        log.borrow_mut().push(format!("{name}: {i}"));
        YieldOnce::new().await;
    }
}

/// The outside world opens the gate: a callback (scheduled with `call_soon`) wakes whoever waits
/// there, and `run()` goes again.
fn open_from_a_callback(executor: &mut Executor, gate: &Gate) {
    executor.call_soon({
        let gate = gate.clone();
        move || gate.open()
    });
    executor.run();
}

/// The sleeper was polled exactly twice: once to park, once after the callback woke it.
fn expect_woken_by_the_callback(sleeper: &Stats) -> Result<(), Fail> {
    expect_polls(
        "the sleeper",
        sleeper,
        2,
        "once to park, once after the callback woke it",
    )
}

/// Logs `"{name}: waiting"`, waits at the gate, logs `"{name}: woken"`.
async fn sleeper(name: &'static str, gate: Gate, log: Log) {
    log.borrow_mut().push(format!("{name}: waiting"));
    gate.wait().await;
    log.borrow_mut().push(format!("{name}: woken"));
}

/// Logs `"{name}: done"` and finishes, on its first poll.
async fn done(name: &'static str, log: Log) {
    log.borrow_mut().push(format!("{name}: done"));
}

/// Logs `alarm: 0` and `alarm: 1` (yielding after each), then opens the gate.
async fn alarm(gate: Gate, log: Log) {
    steps("alarm", 2, log.clone()).await;
    log.borrow_mut().push("alarm: opens the gate".into());
    gate.open();
}

// ---------------------------------------------------------------------------------------------
// Comparing, and explaining what went wrong.

/// Makes the log the check's transcript and compares it with `expected`, line by line, in order.
fn expect_log(log: &Log, expected: &[&str]) -> Result<(), Fail> {
    restart();
    for line in log.borrow().iter() {
        record_line(line.clone());
    }
    expect_lines(expected)
}

fn expect_polls(who: &str, stats: &Stats, expected: u32, why: &str) -> Result<(), Fail> {
    let polls = stats.polls();
    if polls == expected {
        return Ok(());
    }
    let message = if polls > expected {
        format!(
            "{who} was polled {polls} times, expected {expected} ({why}). It was polled while \
             nobody had woken it: an executor polls a Pending task again only when its waker is \
             woken. Polling every task every round (as the Python loop does) wastes the \
             CPU on tasks that cannot make progress."
        )
    } else {
        format!("{who} was polled {polls} times, expected {expected} ({why}).")
    };
    Err(Fail::new(Kind::WrongValue, message))
}

/// Puts a diagnosis in front of the comparison's message.
fn prefix(context: &str, mut fail: Fail) -> Fail {
    fail.message = format!("{context}{}", fail.message);
    fail
}

const STACK: &str = "your ready queue works like a stack. Take ids from the front \
                     (VecDeque::pop_front) and put them at the back (push_back): first come, first \
                     served. ";

fn starts_with(lines: &[String], start: &[&str]) -> bool {
    lines.len() >= start.len() && lines.iter().zip(start).all(|(line, want)| line == want)
}

fn explain_round_robin(fail: Fail, lines: &[String]) -> Fail {
    let why = if starts_with(lines, &["1: 0", "1: 1"]) {
        "count 1 ran to its end before count 2 started: nothing handed control back to the \
         executor. Does yield_now() return Pending on its first poll? "
    } else if starts_with(lines, &["1: 0", "2: 0", "3: 0", "Done!"]) {
        "each count stopped after its first line: once a task returns Pending, it must be polled \
         again when its waker is woken. Does yield_now() wake its waker? Does run() keep the task \
         and poll it when its id comes back to the ready queue? "
    } else if lines.first().is_some_and(|l| l.starts_with("3: ")) {
        &format!("the task spawned last ran first: {STACK}")
    } else {
        ""
    };
    prefix(why, fail)
}

fn explain_count(fail: Fail) -> Fail {
    let lines = transcript();
    let first = lines.first().map(String::as_str).unwrap_or_default();
    let why = if first.ends_with("Ready") && first.contains("\"7: 1\"") {
        "count logged several lines in one poll: awaiting yield_now() did not pause it. yield_now() \
         must return Pending on its first poll. "
    } else if first.contains("did not wake") {
        "count returned Pending without its waker being woken, so no executor would poll it again. \
         yield_now() must call cx.waker().wake_by_ref() before returning Pending. "
    } else {
        "count should log one line, then yield (return Pending), on each poll. "
    };
    prefix(why, fail)
}

fn explain_fifo(fail: Fail, log: &[String]) -> Fail {
    let why = if log.first().is_some_and(|l| l == "callback 2") {
        &format!("the last thing scheduled ran first: {STACK}")
    } else if starts_with(log, &["callback 1", "callback 2"]) {
        "the callbacks ran before the task spawned ahead of them. call_soon joins the same queue \
         as the tasks, at the back: first scheduled, first run. "
    } else if log.len() < 6 && starts_with(log, &["a: 0", "callback 1", "b: 0", "callback 2"]) {
        "each task ran only until its first yield: a task that yields wakes its waker, and must be \
         polled again when its id comes back to the queue. "
    } else {
        ""
    };
    prefix(why, fail)
}

/// Why something ran before `run()`: `polled` polls of the spawned task, `called` the callback.
fn explain_too_early(polled: u32, called: bool) -> String {
    let mut message = String::new();
    if polled > 0 {
        message.push_str(&format!(
            "spawn() polled the task right away ({polled} poll(s) before run() was called). \
             spawn only stores the task and queues its id: it is `loop.create_task`, not `await`. \
             Polling it at once runs it ahead of everything already in the queue, before the \
             caller has even finished setting up. "
        ));
    }
    if called {
        message.push_str(
            "call_soon() called its callback right away, before run(). \"Soon\" means when run() \
             reaches it in the ready queue, after everything scheduled before it: store the \
             callback and queue it, the way spawn queues a task. ",
        );
    }
    message.push_str("Nothing may run until run() is called.");
    message
}

/// A parked sleeper was dropped when the task `name` was spawned.
fn lost_to_a_new_task(name: &str) -> String {
    format!(
        "a parked task was lost: its id was given to a new task. The sleeper was parked (Pending, \
         waiting at a gate for its waker), and spawning the {name} task dropped it: spawn() \
         stored the new task under the id the sleeper still had, and the sleeper's future was \
         dropped (HashMap::insert replaces the value already there). Ids made from tasks.len() \
         or from the length of the ready queue shrink as tasks finish (and a counter set back \
         to 0 starts over), so they hand out ids that a parked task still holds, and that its \
         waker still names. Take ids from a counter that only goes up: \
         `let id = self.next_id; self.next_id += 1;`."
    )
}

fn explain_woken(fail: Fail, log: &[String]) -> Fail {
    let why = if log.first().is_some_and(|l| l.starts_with("alarm")) {
        &format!("the alarm, spawned second, ran first: {STACK}")
    } else if !log.iter().any(|l| l == "sleeper: woken") {
        "the alarm woke the sleeper's waker, but the sleeper never ran again. Waking must put the \
         task back in the ready queue, and run() must still have the task to poll. "
    } else {
        ""
    };
    prefix(why, fail)
}

fn explain_parked(fail: Fail, log: &[String]) -> Fail {
    let why = if log.first().is_some_and(|l| l.starts_with("worker")) {
        &format!("the worker, spawned second, ran first: {STACK}")
    } else if !log.iter().any(|l| l == "worker: 2") {
        "the worker did not finish during run(): a task that yields wakes its waker, and must be \
         polled again when its id comes back to the ready queue, whatever the parked sleeper does. "
    } else {
        "after the first run(): "
    };
    prefix(why, fail)
}
