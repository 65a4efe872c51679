//! The public checks of exercise 02 event-loop.
//!
//! There is no tokio in this exercise, so every check calls your code synchronously: it polls
//! your futures by hand, or builds your `Executor`, spawns some futures and calls `run()`. (The
//! grader still runs each check inside its own tokio runtime, but your executor never touches it.)
//!
//! To point at one piece at a time:
//! - `yield_now` and `count` are polled by hand, with a waker that counts its wake-ups;
//! - the executor is driven with futures written here (`steps`, `done`, `sleeper`, `alarm`,
//!   `Watched`), which yield, park, log and count their polls without using your `yield_now`, so
//!   an executor check fails only when the executor is wrong.
//!
//! Every check but the demo's draws what it schedules from the run's seed: how many tasks, their
//! names, how many times each yields, where the callbacks go, how many tasks finish around a
//! parked one. The order the contract gives is worked out by a small model of it (`simulate`: one
//! first-in-first-out queue), and a failure message says what was scheduled.
//! `cargo run -p grader -- check 02 --seed N` schedules the same again. (`yield_now()` takes no
//! argument: its check has nothing to draw.)
//!
//! The contract (the doc comments of `src/lib.rs` and the lesson), clause by clause, and the checks
//! that fail when only that clause is broken:
//!
//! | clause | checks |
//! |---|---|
//! | `yield_now()`: first poll wakes the waker and is `Pending` | `yield-now-pending-once`, `round-robin-transcript` |
//! | ... second poll is `Ready` | `yield-now-pending-once` |
//! | `count(id, maximum, log)`: for each `i` in `0..maximum`, push `"{id}: {i}"`, then yield | `count-yields-after-each-line` |
//! | ... Ready on poll maximum + 1, having logged nothing more (`count(id, 0)`: Ready at once) | `count-yields-after-each-line` |
//! | ... the log is not borrowed across the yield | `count-yields-after-each-line` |
//! | `spawn` puts the task at the back of the ready queue; nothing is polled before `run` | `nothing-runs-before-run`, `ready-queue-is-fifo` |
//! | `call_soon` schedules the callback at the back of the same queue; not called before `run`; called once | `nothing-runs-before-run`, `ready-queue-is-fifo` |
//! | `run` polls the front of the queue once, with a waker that puts the task back at the end | `ready-queue-is-fifo`, `round-robin-transcript` |
//! | ... `Ready`: the task is dropped, and never polled again, even when its old waker is woken | `parked-task-waits-for-its-waker`, `woken-task-runs-again` |
//! | ... `Pending`: the task is kept, and polled again only once its waker is woken | `parked-task-waits-for-its-waker`, `woken-task-runs-again` |
//! | ... a task woken by another task is polled again, in its turn | `woken-task-runs-again` |
//! | `run` returns when the queue is empty, parked tasks kept; a later `run` resumes them once woken | `parked-task-waits-for-its-waker`, `parked-task-keeps-its-id` |
//! | a task's id leads its waker back to it while the task lives (no other task gets it) | `parked-task-keeps-its-id` |
//! | `round_robin()`: the Python demo's 16 lines | `round-robin-transcript` (the main check) |
//!
//! What cannot be checked: the layout (a `HashMap` or a `Vec` of tasks, a `VecDeque` or a channel
//! for the queue), which is yours to change; and what happens when a task's waker is woken twice
//! before it is polled (queued once or twice: the contract does not say).
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
            "count(id, maximum, log) logs one line per poll and yields after each: Pending maximum \
             times, then Ready; count(id, 0, log) is Ready at once",
            || async {
                let mut r = rng();
                let (id, maximum) = (r.range(1..=99) as u32, r.range(2..=6) as u32);
                let mut expected: Vec<String> = (0..maximum)
                    .map(|i| {
                        format!(
                            "poll {}: logged \"{id}: {i}\", Pending, woke the waker",
                            i + 1
                        )
                    })
                    .collect();
                expected.push(format!("poll {}: logged nothing, Ready", maximum + 1));
                poll_count(id, maximum)?;
                let expected: Vec<&str> = expected.iter().map(String::as_str).collect();
                expect_lines(&expected)
                    .map_err(|fail| explain_count(fail, id, maximum))
                    .map_err(|fail| prefix(&format!("count({id}, {maximum}, log): "), fail))?;
                // The smallest count: nothing to log, nothing to yield for.
                restart();
                let id = r.range(1..=99) as u32;
                poll_count(id, 0)?;
                expect_lines(&["poll 1: logged nothing, Ready"]).map_err(|fail| {
                    prefix(
                        &format!(
                            "count({id}, 0, log) has no line to log, so it should be Ready on its \
                             first poll, having logged nothing (`for i in 0..maximum` runs no \
                             round when maximum is 0): "
                        ),
                        fail,
                    )
                })
            },
        ),
        check(
            "ready-queue-is-fifo",
            2,
            "tasks and call_soon callbacks run in the order they were scheduled, and a yielding \
             task goes to the back",
            || async {
                let mut r = rng();
                // A task first (it yields at least once), then tasks and callbacks in any order.
                let tasks = r.count(2..=4);
                let callbacks = r.count(1..=3);
                let names = r.names(tasks);
                let mut rest: Vec<Sim> = names[1..]
                    .iter()
                    .map(|name| Sim::Steps(name, r.range(1..=3) as u32))
                    .chain((1..=callbacks).map(|k| Sim::Callback(format!("callback {k}"))))
                    .collect();
                r.shuffle(&mut rest);
                // Callbacks keep their numbers in the order they are scheduled.
                let mut k = 0;
                for item in &mut rest {
                    if let Sim::Callback(text) = item {
                        k += 1;
                        *text = format!("callback {k}");
                    }
                }
                let mut items = vec![Sim::Steps(names[0], r.range(2..=3) as u32)];
                items.extend(rest);
                let log = Log::default();
                let mut executor = Executor::new();
                for item in &items {
                    schedule(&mut executor, item, &log, None);
                }
                executor.run();
                let expected = simulate(&items);
                expect_log(&log, &expected)
                    .map_err(|fail| explain_fifo(fail, &log.borrow(), &items, &expected))
            },
        ),
        check(
            "nothing-runs-before-run",
            1,
            "spawn() and call_soon() only schedule: no task is polled and no callback called \
             until run()",
            || async {
                let mut r = rng();
                let (name, n) = (r.name(), r.range(2..=4) as u32);
                let callback = format!("callback of {}", r.name());
                let log = Log::default();
                let mut executor = Executor::new();
                let (task, stats) = watched(steps(name, n, log.clone()));
                executor.spawn(task);
                executor.call_soon({
                    let (log, callback) = (log.clone(), callback.clone());
                    move || log.borrow_mut().push(callback)
                });

                // Nothing may have happened yet: spawn and call_soon only put things in the queue.
                let polled = stats.polls();
                let called = log.borrow().iter().any(|line| *line == callback);
                if polled > 0 || called {
                    restart();
                    for line in log.borrow().iter() {
                        record_line(format!("before run(): {line}"));
                    }
                    return Err(Fail::new(Kind::WrongOrder, explain_too_early(polled, called)));
                }

                executor.run();
                let expected = simulate(&[Sim::Steps(name, n), Sim::Callback(callback)]);
                expect_log(&log, &expected).map_err(|fail| {
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
            "a Pending task nobody wakes is kept but not polled, run() still returns, finished \
             tasks are dropped; a later wake (from a callback) resumes it",
            || async {
                let mut r = rng();
                let workers = r.count(1..=2);
                let names = r.names(workers + 1);
                let log = Log::default();
                let gate = Gate::new();
                let mut executor = Executor::new();
                // The sleeper first: it parks on its first poll.
                let mut items = vec![Sim::Sleeper(names[0])];
                let (sleeper, sleeper_stats) = watched(sleeper(names[0], gate.clone(), log.clone()));
                executor.spawn(sleeper);
                let mut worker_stats = Vec::new();
                for name in &names[1..] {
                    let n = r.range(2..=5) as u32;
                    items.push(Sim::Steps(name, n));
                    let (worker, stats) = watched(steps(name, n, log.clone()));
                    executor.spawn(worker);
                    worker_stats.push((name, stats));
                }

                // If run() polls everything, woken or not, it never returns here: the sleeper
                // stays Pending until the gate opens, and nothing opens it during this run().
                executor.run();
                let expected = simulate(&items);
                expect_log(&log, &expected)
                    .map_err(|fail| explain_parked(fail, &log.borrow(), &expected))
                    .map_err(|fail| {
                        prefix(
                            &format!("scheduled: {}. ", describe_schedule(&items)),
                            fail,
                        )
                    })?;
                expect_polls(
                    &format!("the sleeper ({})", names[0]),
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
                for (name, stats) in &worker_stats {
                    expect(
                        stats.dropped(),
                        Kind::WrongValue,
                        format!(
                            "the task {name} returned Ready, but your executor still held its \
                             future after run() returned. Drop a task as soon as it finishes (the \
                             Python `generators.remove(one_g)`): a long-running loop that keeps \
                             every finished task grows forever."
                        ),
                    )?;
                }

                // The outside world opens the gate: a callback wakes the sleeper's waker, and the
                // next run() must pick the sleeper up.
                open_from_a_callback(&mut executor, &gate);
                let mut expected = expected;
                expected.push(format!("{}: woken", names[0]));
                expect_log(&log, &expected).map_err(|fail| {
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
            "a task parked across calls to run() keeps its id: tasks spawned later get ids of \
             their own, and the parked one still finishes once woken",
            || async {
                let mut r = rng();
                // Some tasks that finish at once on each side of the sleeper: after the first
                // run() the sleeper is the only task left, parked at the gate, and its
                // neighbours' ids are free again. Then more new tasks than there were tasks
                // before the sleeper, so that any id scheme that reuses ids reaches its id.
                let before = r.count(1..=3);
                let after = r.count(0..=2);
                let new = r.count(before + 1..=before + 3);
                let names = r.names(before + after + new + 1);
                let sleeper_name = names[before];
                let log = Log::default();
                let gate = Gate::new();
                let mut executor = Executor::new();
                let (sleeper, sleeper_stats) =
                    watched(sleeper(sleeper_name, gate.clone(), log.clone()));
                let mut sleeper = Some(sleeper);
                let mut items = Vec::new();
                for (i, name) in names[..before + after + 1].iter().enumerate() {
                    if i == before {
                        items.push(Sim::Sleeper(name));
                        if let Some(sleeper) = sleeper.take() {
                            executor.spawn(sleeper);
                        }
                        continue;
                    }
                    items.push(Sim::Done(name));
                    executor.spawn(done(name, log.clone()));
                }
                executor.run();
                let mut expected = simulate(&items);
                expect_log(&log, &expected).map_err(|fail| {
                    prefix(
                        "in the first run(), before any task was spawned while the sleeper \
                         was parked: ",
                        fail,
                    )
                })?;
                expect(
                    !sleeper_stats.dropped(),
                    Kind::WrongValue,
                    "the sleeper was dropped during the first run(), while it was Pending. A \
                     Pending task is not finished: keep it (under its id), so that it can run \
                     again once its waker is woken.",
                )?;

                // New tasks while the sleeper is parked. An id scheme that counts the tasks
                // (tasks.len()), or the ready queue, or starts again from 0 after run(), gives
                // one of them the sleeper's id.
                for name in &names[before + after + 1..] {
                    executor.spawn(done(name, log.clone()));
                    expect(
                        !sleeper_stats.dropped(),
                        Kind::WrongValue,
                        lost_to_a_new_task(name, before + after + 1),
                    )?;
                    expected.push(format!("{name}: done"));
                }
                executor.run();
                expect_log(&log, &expected).map_err(|fail| {
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
                expected.push(format!("{sleeper_name}: woken"));
                expect_log(&log, &expected).map_err(|fail| {
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
            "a task woken by another task is polled exactly once more, and a stale waker never \
             polls a finished task",
            || async {
                let mut r = rng();
                let names = r.names(3);
                // The alarm yields at least once: the sleeper stays parked through a whole round.
                let (alarm_steps, worker_steps) = (r.range(1..=3) as u32, r.range(1..=4) as u32);
                let log = Log::default();
                let gate = Gate::new();
                let mut executor = Executor::new();
                let (sleeper, sleeper_stats) = watched(sleeper(names[0], gate.clone(), log.clone()));
                executor.spawn(sleeper);
                executor.spawn(alarm(names[1], alarm_steps, gate.clone(), log.clone()));
                executor.spawn(steps(names[2], worker_steps, log.clone()));
                executor.run();
                let items = [
                    Sim::Sleeper(names[0]),
                    Sim::Alarm(names[1], alarm_steps),
                    Sim::Steps(names[2], worker_steps),
                ];
                let expected = simulate(&items);
                expect_log(&log, &expected)
                    .map_err(|fail| explain_woken(fail, &log.borrow(), names[0], names[1]))
                    .map_err(|fail| {
                        prefix(
                            &format!("scheduled: {}. ", describe_schedule(&items)),
                            fail,
                        )
                    })?;
                expect_polls(
                    &format!("the sleeper ({})", names[0]),
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

/// Logs `"{name}: {i}"` for `i` in `0..n` (yielding after each), then `"{name}: opens the gate"`,
/// and opens the gate.
async fn alarm(name: &'static str, n: u32, gate: Gate, log: Log) {
    steps(name, n, log.clone()).await;
    log.borrow_mut().push(format!("{name}: opens the gate"));
    gate.open();
}

/// Polls `count(id, maximum, log)` by hand, the way an executor would, and records what each poll
/// did as the check's transcript.
fn poll_count(id: u32, maximum: u32) -> Result<(), Fail> {
    let (wakes, waker) = CountingWaker::new();
    let mut cx = Context::from_waker(&waker);
    let log = Log::default();
    let mut future = pin!(exercise::count(id, maximum, log.clone()));
    for n in 1..=maximum + 5 {
        let before = log.borrow().len();
        let result = future.as_mut().poll(&mut cx);
        let Ok(now) = log.try_borrow() else {
            return Err(Fail::new(
                Kind::WrongValue,
                "count returned from a poll while still holding `log.borrow_mut()`: the borrow \
                 lives across `.await`, so any other task touching the log would panic \
                 (\"already borrowed\"). Push in one statement, `log.borrow_mut().push(..);`, so \
                 the borrow ends before you yield.",
            ));
        };
        let logged: Vec<String> = now[before..].iter().map(|l| format!("\"{l}\"")).collect();
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
    Ok(())
}

/// What a check schedules, for [`simulate`] to work out the order the contract gives.
#[derive(Clone, Debug)]
enum Sim {
    /// `steps(name, n)`: logs `name: 0` .. `name: n-1`, yielding after each, Ready on poll n + 1.
    Steps(&'static str, u32),
    /// `done(name)`: logs `name: done`, Ready on its first poll.
    Done(&'static str),
    /// `sleeper(name)`: logs `name: waiting` and parks at the gate; once woken, `name: woken`.
    Sleeper(&'static str),
    /// `call_soon` of a callback that logs this line.
    Callback(String),
    /// `alarm(name, n)`: as `Steps`, then logs `name: opens the gate` and wakes the sleeper.
    Alarm(&'static str, u32),
}

/// Spawns (or, for a callback, `call_soon`s) `item` on `executor`.
fn schedule(executor: &mut Executor, item: &Sim, log: &Log, gate: Option<&Gate>) {
    let gate = gate.cloned().unwrap_or_else(Gate::new);
    match item.clone() {
        Sim::Steps(name, n) => executor.spawn(steps(name, n, log.clone())),
        Sim::Done(name) => executor.spawn(done(name, log.clone())),
        Sim::Sleeper(name) => executor.spawn(sleeper(name, gate, log.clone())),
        Sim::Alarm(name, n) => executor.spawn(alarm(name, n, gate, log.clone())),
        Sim::Callback(line) => {
            let log = log.clone();
            executor.call_soon(move || log.borrow_mut().push(line));
        }
    }
}

/// The lines the contract gives for `items`, scheduled in that order and run once: one ready
/// queue, first in, first out; a task that yields goes to the back; a parked task comes back at
/// the back when it is woken.
fn simulate(items: &[Sim]) -> Vec<String> {
    let mut queue: std::collections::VecDeque<(usize, u32)> =
        (0..items.len()).map(|i| (i, 0)).collect();
    let mut parked = None;
    let mut log = Vec::new();
    while let Some((i, polls)) = queue.pop_front() {
        match &items[i] {
            Sim::Steps(name, n) | Sim::Alarm(name, n) if polls < *n => {
                log.push(format!("{name}: {polls}"));
                queue.push_back((i, polls + 1));
            }
            Sim::Steps(..) => {}
            Sim::Alarm(name, _) => {
                log.push(format!("{name}: opens the gate"));
                if let Some(sleeper) = parked.take() {
                    queue.push_back((sleeper, 1));
                }
            }
            Sim::Done(name) => log.push(format!("{name}: done")),
            Sim::Callback(line) => log.push(line.clone()),
            Sim::Sleeper(name) if polls == 0 => {
                log.push(format!("{name}: waiting"));
                parked = Some(i);
            }
            Sim::Sleeper(name) => log.push(format!("{name}: woken")),
        }
    }
    log
}

/// How `items` were scheduled, for messages: `spawn(steps("a", 2)), call_soon(..)`.
fn describe_schedule(items: &[Sim]) -> String {
    items
        .iter()
        .map(|item| match item {
            Sim::Steps(name, 1) => format!("spawn(a task logging `{name}: 0`)"),
            Sim::Steps(name, n) => format!(
                "spawn(a task logging `{name}: 0` to `{name}: {}`)",
                n.saturating_sub(1)
            ),
            Sim::Done(name) => format!("spawn(a task logging `{name}: done`)"),
            Sim::Sleeper(name) => format!("spawn(a task logging `{name}: waiting`, then parking)"),
            Sim::Alarm(name, n) => format!(
                "spawn(a task logging `{name}: 0` to `{name}: {}`, then `{name}: opens the gate`, \
                 which wakes the sleeper)",
                n.saturating_sub(1)
            ),
            Sim::Callback(line) => format!("call_soon(a callback logging `{line}`)"),
        })
        .collect::<Vec<_>>()
        .join(", ")
}

// ---------------------------------------------------------------------------------------------
// Comparing, and explaining what went wrong.

/// Makes the log the check's transcript and compares it with `expected`, line by line, in order.
fn expect_log(log: &Log, expected: &[String]) -> Result<(), Fail> {
    restart();
    for line in log.borrow().iter() {
        record_line(line.clone());
    }
    let expected: Vec<&str> = expected.iter().map(String::as_str).collect();
    expect_lines(&expected)
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
    let message = if context.trim_end().ends_with('.') {
        capitalised(&fail.message)
    } else {
        fail.message.clone()
    };
    fail.message = format!("{}{message}", capitalised(context));
    fail
}

/// `text` with its first letter in upper case: a sentence that follows another.
fn capitalised(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
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

fn explain_count(fail: Fail, id: u32, maximum: u32) -> Fail {
    let lines = transcript();
    let first = lines.first().map(String::as_str).unwrap_or_default();
    let why = if first.ends_with("Ready") && first.contains(&format!("\"{id}: 1\"")) {
        "count logged several lines in one poll: awaiting yield_now() did not pause it. \
         yield_now() must return Pending on its first poll. "
            .to_string()
    } else if first.contains("did not wake") {
        "count returned Pending without its waker being woken, so no executor would poll it again. \
         yield_now() must call cx.waker().wake_by_ref() before returning Pending. "
            .to_string()
    } else if first.contains("logged nothing") && maximum > 0 {
        "count's first poll logged nothing: push the line first, then yield (the generator's \
         `yield` comes after the line it prints). "
            .to_string()
    } else if lines.len() as u32 > maximum + 1 {
        format!(
            "count logged more than {maximum} lines: `0..maximum` stops before maximum, so \
             count({id}, {maximum}, log) logs `{id}: 0` to `{id}: {}`. ",
            maximum.saturating_sub(1)
        )
    } else {
        "count should log one line, then yield (return Pending), on each poll. ".to_string()
    };
    prefix(&why, fail)
}

fn explain_fifo(fail: Fail, log: &[String], items: &[Sim], expected: &[String]) -> Fail {
    let last_scheduled = match items.last() {
        Some(Sim::Callback(line)) => Some(line.clone()),
        Some(Sim::Steps(name, _)) => Some(format!("{name}: 0")),
        _ => None,
    };
    let callbacks: Vec<&String> = items
        .iter()
        .filter_map(|item| match item {
            Sim::Callback(line) => Some(line),
            _ => None,
        })
        .collect();
    let why = if log.first().is_some() && log.first() == last_scheduled.as_ref() {
        format!("the last thing scheduled ran first: {STACK}")
    } else if log.len() >= callbacks.len()
        && log.iter().zip(&callbacks).all(|(have, want)| have == *want)
    {
        "the callbacks ran before the task spawned ahead of them. call_soon joins the same queue \
         as the tasks, at the back: first scheduled, first run. "
            .to_string()
    } else if log.len() < expected.len() && log.iter().all(|line| expected.contains(line)) {
        "some tasks stopped after a yield: a task that yields wakes its waker, and must be polled \
         again when its id comes back to the queue. "
            .to_string()
    } else {
        String::new()
    };
    prefix(
        &format!(
            "scheduled in this order: {}. {}",
            describe_schedule(items),
            capitalised(&why)
        ),
        fail,
    )
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
fn lost_to_a_new_task(name: &str, before: usize) -> String {
    format!(
        "a parked task was lost: its id was given to a new task. The sleeper was parked (Pending, \
         waiting at a gate for its waker) after a run() of {before} task(s), and spawning the \
         task {name} dropped it: spawn() stored the new task under the id the sleeper still had, \
         and the sleeper's future was dropped (HashMap::insert replaces the value already \
         there). Ids made from tasks.len() or from the length of the ready queue shrink as tasks \
         finish (and a counter set back to 0 starts over), so they hand out ids that a parked \
         task still holds, and that its waker still names. Take ids from a counter that only \
         goes up: `let id = self.next_id; self.next_id += 1;`."
    )
}

fn explain_woken(fail: Fail, log: &[String], sleeper: &str, alarm: &str) -> Fail {
    let why = if log.first().is_some_and(|l| !l.starts_with(sleeper)) {
        format!("the sleeper ({sleeper}), spawned first, did not run first: {STACK}")
    } else if !log.iter().any(|l| *l == format!("{sleeper}: woken")) {
        format!(
            "the alarm ({alarm}) woke the sleeper's waker, but the sleeper ({sleeper}) never ran \
             again. Waking must put the task back in the ready queue, and run() must still have \
             the task to poll. "
        )
    } else {
        String::new()
    };
    prefix(&why, fail)
}

fn explain_parked(fail: Fail, log: &[String], expected: &[String]) -> Fail {
    let why = if log.first() != expected.first() && log.first().is_some() {
        format!("a task spawned after the sleeper ran first: {STACK}")
    } else if log.len() < expected.len() {
        "a task did not finish during run(): a task that yields wakes its waker, and must be \
         polled again when its id comes back to the ready queue, whatever the parked sleeper does. "
            .to_string()
    } else {
        "after the first run(): ".to_string()
    };
    prefix(&why, fail)
}
