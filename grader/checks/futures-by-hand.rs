//! The public checks of exercise 09 futures-by-hand.
//!
//! This is the one exercise where the mechanism *is* the lesson, so most checks poll your futures
//! by hand, with wakers that count their wake-ups, and judge the waker protocol itself: what each
//! poll returns, which waker is woken, how often, and when. Each poll is written to the check's
//! transcript ("poll 1: Pending, did not wake the waker"), so a failure shows what happened.
//!
//! The cell (`cell`, `Setter`, `Getter`):
//! - `pending-until-set`: a getter polled before its value is set is Pending, every time, and never
//!   wakes its own waker (a Pending that wakes itself is busy polling: the task is polled again at
//!   once, for nothing, forever); once the value is set the next poll is Ready with it;
//! - `set-wakes-the-waiter`: `set` wakes the waker left by the Pending poll exactly once, and the
//!   poll after that is Ready; and under tokio, a task awaiting the getter while another task sets
//!   it at 1.5 s finishes at exactly 1.500 s, polled exactly twice (once to park, once woken);
//! - `latest-waker-is-woken`: polled with waker A, then with waker B, the getter must wake B (the
//!   waker of whoever waits *now*) and not A: a future can move between tasks, and the waker of
//!   an older poll may lead to a task that no longer waits for it;
//! - `set-before-first-poll`: a value set before anyone polled (on this thread, or on another one)
//!   is not lost: the first poll is Ready at once, with no wake-up needed, and `set` does not trip
//!   over the missing waker;
//! - `value-arrives-mid-poll`: the value is set on another thread *during* the first poll, at
//!   the moment the getter clones its waker to keep it (the check's waker runs a hook when it is
//!   first cloned, and gives the other thread a moment). Either that poll sees the value, or the
//!   waker it kept is woken and the next poll is Ready. A poll that looks at the value under one
//!   lock and stores the waker under another loses the wake-up here, every time: the race that a
//!   real program loses once in a million runs, made to happen on purpose;
//! - `set-from-another-thread`: a task parked on the getter is woken by `set` from a blocking
//!   thread, polled exactly twice; then `set` on another thread, with the getter polled the very
//!   moment its waker is woken (the check's waker lets the check poll before `set` goes on, as a
//!   runtime with more threads may): that poll must find the value, so a `set` that wakes before
//!   it stores the value loses the wake-up every time; then a hundred rounds where a blocking
//!   thread sets the value while the task may be anywhere in its poll all finish (a net for other
//!   races, which rounds that pass cannot rule out).
//!
//! The timing wrapper (`timed`, `Timed`):
//! - `timed-measures-its-future`: a future that sleeps 1 s and then 0.5 s took exactly 1.500 s of
//!   virtual time, awaiting the wrapper takes no more than that, and a future Ready at once took
//!   0 s. tokio's `Instant` follows the paused clock; std's does not (it measures microseconds);
//!   a start taken again at every poll measures only the last stretch;
//! - `timed-starts-at-first-poll`: a wrapper created, left alone for 2 s and then awaited measures
//!   only its future's 1.5 s, as the contract says: the clock starts at the first poll;
//! - `timed-passes-the-waker-on`: polled by hand around a getter, the wrapper is Pending without
//!   waking anyone, `set` wakes the wrapper's waker, and the next poll is Ready; a wrapper around a
//!   ready future is Ready on its first poll. The inner future must be polled with the same
//!   `Context`, or its wake-ups go nowhere.
//!
//! And `waiter-transcript` (the main check): the demo prints its transcript,
//! fixtures/futures-by-hand/run.txt. The stub gives `run()` (and its cook and tea); the check plays
//! its own copy of them (see [`demo`]), with only the cell and the timer from the student's crate,
//! so a `run()` that merely replays the expected lines earns nothing.
//!
//! The values the checks put in cells are of a type of their own that is neither `Clone` nor
//! `Copy`: the getter must hand over the value that was set, not a copy of it.

use awaitlings_check::check::secs;
use awaitlings_check::prelude::*;
use exercise::{cell, timed};
use std::future::Future;
use std::pin::{Pin, pin};

use std::sync::{Arc, Mutex};
use std::task::{Context, Poll, Waker};
use std::time::Duration;
use tokio::time::sleep;

fn ms(millis: u64) -> Duration {
    Duration::from_millis(millis)
}

/// A value to put in a cell: neither `Clone` nor `Copy`.
#[derive(Debug, PartialEq)]
struct Order(&'static str);

pub fn checks() -> Vec<Check> {
    vec![
        check(
            "pending-until-set",
            2,
            "a getter polled before its value is set is Pending and does not wake its own waker; \
             once set, the next poll is Ready with the value",
            || async {
                let (setter, getter) = cell::<Order>();
                let mut getter = pin!(getter);
                let (wakes, waker) = CountingWaker::new();
                for n in 1..=3 {
                    let poll = poll_by_hand(getter.as_mut(), &waker);
                    let woke = wakes.take();
                    record_line(format!(
                        "poll {n}, nothing set: {}",
                        describe_poll(&poll, woke)
                    ));
                    if let Poll::Ready(value) = poll {
                        return Err(Fail::new(
                            Kind::WrongValue,
                            format!(
                                "poll {n} of a getter whose value was never set returned \
                                 Ready({value:?}). Until `set` runs there is nothing to give: \
                                 return Poll::Pending."
                            ),
                        ));
                    }
                    expect(woke == 0, Kind::Spinning, busy_polling(n, woke))?;
                }
                setter.set(Order("soup"));
                record_line(format!(
                    "set(Order(\"soup\")): the waker was woken {} time(s)",
                    wakes.take()
                ));
                let poll = poll_by_hand(getter.as_mut(), &waker);
                record_line(format!("poll 4, after set: {}", describe_poll(&poll, 0)));
                expect_ready(
                    "poll 4, the first after set(Order(\"soup\")),",
                    poll,
                    Order("soup"),
                    "The value is there now: the poll must take it out of the shared state and \
                     return Poll::Ready(value). Does poll look at the value (and not, say, at \
                     whether a waker is stored) to decide?",
                )
            },
        ),
        check(
            "set-wakes-the-waiter",
            3,
            "set() wakes the waker of the Pending poll exactly once and the next poll is Ready; a \
             task awaiting the getter is woken when another task sets it at 1.5 s",
            || async {
                let (setter, getter) = cell::<Order>();
                let mut getter = pin!(getter);
                let (wakes, waker) = CountingWaker::new();
                let poll = poll_by_hand(getter.as_mut(), &waker);
                let woke = wakes.take();
                record_line(format!(
                    "poll 1, nothing set: {}",
                    describe_poll(&poll, woke)
                ));
                expect(poll.is_pending(), Kind::WrongValue, ready_too_soon())?;
                expect(woke == 0, Kind::Spinning, busy_polling(1, woke))?;

                setter.set(Order("stew"));
                let woke = wakes.take();
                record_line(format!(
                    "set(Order(\"stew\")): woke the waker {woke} time(s)"
                ));
                expect(
                    woke > 0,
                    Kind::WrongValue,
                    "set() did not wake the waker that the Pending poll was given. A Pending \
                     future is only polled again when its waker is woken, so the task awaiting \
                     this getter would sleep forever with its value right there. set() must take \
                     the stored waker and call `wake()` on it (after storing the value).",
                )?;
                expect(
                    woke == 1,
                    Kind::WrongValue,
                    format!(
                        "set() woke the waker {woke} times, expected exactly once: one value, one \
                         wake-up. Each extra wake-up polls the waiting task again for nothing."
                    ),
                )?;
                let poll = poll_by_hand(getter.as_mut(), &waker);
                record_line(format!("poll 2, after set: {}", describe_poll(&poll, 0)));
                expect_ready(
                    "poll 2, the one set() woke the waker for,",
                    poll,
                    Order("stew"),
                    "The waker was woken because the value is there: the poll it causes must \
                     return Poll::Ready(value). Does poll decide by the value (set or not), or by \
                     something else, such as whether a waker is already stored?",
                )?;

                // The same under tokio: a task waits on the getter, another task sets it later.
                restart();
                let (setter, getter) = cell::<u32>();
                let (getter, stats) = watched(getter);
                let waiter = tokio::spawn(getter);
                let cook = tokio::spawn(async move {
                    sleep(ms(1500)).await;
                    setter.set(31);
                });
                let what = "a task awaiting the getter, set by another task at 1.5 s,";
                let Ok(joined) = tokio::time::timeout(ms(10_000), waiter).await else {
                    return Err(never_woken(what, stats.polls(), 10.0));
                };
                let value = joined.map_err(|e| Fail::new(Kind::Panicked, e.to_string()))?;
                cook.await
                    .map_err(|e| Fail::new(Kind::Panicked, e.to_string()))?;
                expect_eq(&format!("the value {what}"), value, 31)?;
                let finished = stats.finished_at().unwrap_or_default();
                expect_took(&format!("{what} finished after it"), finished, ms(1500))?;
                expect_polls(what, stats.polls())
            },
        ),
        check(
            "latest-waker-is-woken",
            2,
            "polled with waker A, then with waker B, the getter wakes B on set(), not A",
            || async {
                let (setter, getter) = cell::<Order>();
                let mut getter = pin!(getter);
                let (wakes_a, waker_a) = CountingWaker::new();
                let (wakes_b, waker_b) = CountingWaker::new();
                let poll = poll_by_hand(getter.as_mut(), &waker_a);
                record_line(format!(
                    "poll 1 with waker A: {}",
                    describe_poll(&poll, wakes_a.take())
                ));
                expect(poll.is_pending(), Kind::WrongValue, ready_too_soon())?;
                let poll = poll_by_hand(getter.as_mut(), &waker_b);
                record_line(format!(
                    "poll 2 with waker B: {}",
                    describe_poll(&poll, wakes_b.take() + wakes_a.take())
                ));
                expect(poll.is_pending(), Kind::WrongValue, ready_too_soon())?;
                setter.set(Order("pie"));
                let (a, b) = (wakes_a.take(), wakes_b.take());
                record_line(format!(
                    "set(Order(\"pie\")): woke A {a} time(s), B {b} time(s)"
                ));
                let why = match (a, b) {
                    (0, 1) => String::new(),
                    (_, 1) => String::from(
                        "set() woke waker A as well as B. Only the waker of the latest poll \
                         leads to whoever waits now: keep one waker, and let each Pending poll \
                         replace it.",
                    ),
                    (0, 0) => String::from(
                        "set() woke neither waker. The Pending poll hands you a waker so that \
                         you can wake it when the value comes: keep it, and wake it in set().",
                    ),
                    (_, 0) => String::from(
                        "set() woke waker A, from the first poll, and not waker B, from the \
                         latest. The future was polled again with another waker, as happens when \
                         it is polled in one task and then moved into a spawned task (each task \
                         has a waker of its own): the old waker leads to a task that no longer \
                         waits for it, so the task waiting now never wakes. Each Pending poll \
                         must replace the stored waker with `cx.waker().clone()`, not keep the \
                         first one.",
                    ),
                    _ => format!(
                        "set() woke waker B {b} times, expected exactly once: one value, one \
                         wake-up."
                    ),
                };
                expect(why.is_empty(), Kind::WrongValue, why)?;
                let poll = poll_by_hand(getter.as_mut(), &waker_b);
                record_line(format!("poll 3 with waker B: {}", describe_poll(&poll, 0)));
                expect_ready(
                    "poll 3, after set(Order(\"pie\")),",
                    poll,
                    Order("pie"),
                    "The value is there: the poll must return Poll::Ready(value), whatever \
                     wakers came before.",
                )
            },
        ),
        check(
            "set-before-first-poll",
            2,
            "a value set before the first poll (on this thread or another) is not lost: the first \
             poll is Ready at once",
            || async {
                let (setter, getter) = cell::<Order>();
                if let Err(panic) = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                    setter.set(Order("tart"))
                })) {
                    let _ = panic;
                    return Err(Fail::new(
                        Kind::Panicked,
                        "set() panicked when nobody had polled the getter yet. Then there is no \
                         waker to wake, and that is normal: the value is simply stored, and the \
                         first poll will find it. Wake the waker only if there is one: \
                         `if let Some(waker) = shared.waker.take() { waker.wake() }`.",
                    ));
                }
                let mut getter = pin!(getter);
                let (wakes, waker) = CountingWaker::new();
                let poll = poll_by_hand(getter.as_mut(), &waker);
                let woke = wakes.take();
                record_line(format!(
                    "set(Order(\"tart\")), then poll 1: {}",
                    describe_poll(&poll, woke)
                ));
                expect_ready(
                    "poll 1 of a getter whose value was set before anyone polled it",
                    poll,
                    Order("tart"),
                    "A value set before the first poll is a lost wake-up waiting to happen: \
                     there was no waker to wake, so nobody will ever poll again unless this very \
                     poll sees the value. set() must store the value even when no waker is there, \
                     and poll must look at the value before anything else.",
                )?;

                // The same, with the value set on another thread.
                let (setter, getter) = cell::<Order>();
                let thread = std::thread::spawn(move || setter.set(Order("flan")));
                if thread.join().is_err() {
                    return Err(Fail::new(
                        Kind::Panicked,
                        "set() panicked on another thread, before anyone polled the getter.",
                    ));
                }
                let what = "a getter set on another thread before its first poll";
                match tokio::time::timeout(ms(10_000), getter).await {
                    Ok(value) => expect_eq(what, value, Order("flan"))?,
                    Err(_) => {
                        return Err(Fail::new(
                            Kind::Deadlock,
                            format!(
                                "{what} was still Pending 10 s later: the value was lost. set() \
                                 must store the value even when nobody waits yet."
                            ),
                        ));
                    }
                }
                expect(
                    elapsed().is_zero(),
                    Kind::WrongTiming,
                    format!(
                        "{what} was Ready only after {}, expected at once",
                        secs(elapsed())
                    ),
                )
            },
        ),
        check(
            "value-arrives-mid-poll",
            2,
            "a value set on another thread while a poll is storing its waker is not lost: that \
             poll is Ready, or its waker is woken and the next poll is Ready",
            || async {
                let (setter, getter) = cell::<Order>();
                // The first time the getter clones its waker (to keep it), another thread sets
                // the value, and this one gives it a moment to finish: the value arrives in the
                // middle of the poll. A poll that holds the lock from looking at the value to
                // storing the waker makes set() wait until it is done.
                let (set_done, set_finished) = std::sync::mpsc::channel();
                let setting = Arc::new(Mutex::new(None));
                let hook = {
                    let setting = setting.clone();
                    move || {
                        let thread = std::thread::spawn(move || {
                            setter.set(Order("cake"));
                            let _ = set_done.send(());
                        });
                        let _ = set_finished.recv_timeout(ms(150));
                        *setting.lock().unwrap() = Some(thread);
                    }
                };
                let (hooked, waker) = HookedWaker::new(Box::new(hook));
                let mut getter = pin!(getter);
                let poll = poll_by_hand(getter.as_mut(), &waker);
                let thread = setting.lock().unwrap().take();
                let Some(thread) = thread else {
                    return Err(Fail::new(
                        Kind::WrongValue,
                        format!(
                            "poll 1 of a getter with no value returned {} without keeping a clone \
                             of its waker (`cx.waker().clone()`): nobody can wake it when the \
                             value comes.",
                            if poll.is_ready() { "Ready" } else { "Pending" }
                        ),
                    ));
                };
                if thread.join().is_err() {
                    return Err(Fail::new(
                        Kind::Panicked,
                        "set() panicked on another thread, while the getter was being polled.",
                    ));
                }
                let woke = hooked.wakes();
                record_line(format!(
                    "poll 1, the value set by another thread meanwhile: {}",
                    describe_poll(&poll, woke)
                ));
                if poll.is_pending() {
                    expect(
                        woke > 0,
                        Kind::WrongValue,
                        "a lost wake-up: the value was set on another thread while the poll was \
                         between looking at the value and storing its waker, and the waker was \
                         never woken. set() found no waker to wake, and then the poll stored \
                         one and returned Pending with the value already there: the task would \
                         sleep forever. Look at the value and store the waker under one lock \
                         (one `lock()` for the whole of poll), and in set(), store the value and \
                         take the waker under one lock.",
                    )?;
                    let poll = poll_by_hand(getter.as_mut(), &waker);
                    record_line(format!(
                        "poll 2, after the wake-up: {}",
                        describe_poll(&poll, 0)
                    ));
                    expect_ready(
                        "poll 2, the one set() woke the waker for,",
                        poll,
                        Order("cake"),
                        "The value is there: the poll must return Poll::Ready(value).",
                    )
                } else {
                    expect_ready("poll 1", poll, Order("cake"), "")
                }
            },
        ),
        check(
            "set-from-another-thread",
            2,
            "a task parked on the getter is woken by set() from another thread, every time",
            || async {
                // First the one race made to happen on purpose, so that its verdict is always
                // the same: a set() that wakes before it stores the value, with the poll the
                // wake-up causes coming at once, before the value.
                expect_value_before_wake().await?;
                restart();

                let (setter, getter) = cell::<u32>();
                let (getter, stats) = watched(getter);
                let waiter = tokio::spawn(getter);
                // Let the waiter run until it parks on the getter.
                for _ in 0..10 {
                    tokio::task::yield_now().await;
                }
                let polls = stats.polls();
                record_line(format!("before set: the getter was polled {polls} time(s)"));
                expect(
                    polls > 0,
                    Kind::WrongValue,
                    "the spawned task never polled the getter",
                )?;
                expect(
                    polls == 1,
                    Kind::Spinning,
                    format!(
                        "with no value set yet, the task awaiting the getter was polled \
                         {polls} times while the check yielded 10 times: each Pending woke its \
                         own waker, so the runtime polls it again at once, forever (busy \
                         polling). Return Pending without waking: store the waker, and let set() \
                         wake it."
                    ),
                )?;
                // spawn_blocking runs on another thread, and holds tokio's paused clock back
                // while it runs: no timer can fire before the value is set.
                tokio::task::spawn_blocking(move || setter.set(5))
                    .await
                    .map_err(|e| Fail::new(Kind::Panicked, format!("set() on a thread: {e}")))?;
                let what = "a task parked on the getter, set from another thread,";
                let Ok(joined) = tokio::time::timeout(ms(10_000), waiter).await else {
                    return Err(never_woken(what, stats.polls(), 10.0));
                };
                expect_eq(&format!("the value {what}"), joined.ok(), Some(5))?;
                expect_polls(what, stats.polls())?;

                // Now the value comes at any moment, perhaps in the middle of a poll.
                for round in 1..=100u32 {
                    let (setter, getter) = cell::<u32>();
                    let waiter = tokio::spawn(getter);
                    let set = tokio::task::spawn_blocking(move || setter.set(round));
                    let done = tokio::time::timeout(ms(10_000), waiter).await;
                    let _ = set.await;
                    match done {
                        Ok(Ok(value)) if value == round => {}
                        Ok(Ok(value)) => {
                            return Err(Fail::new(
                                Kind::WrongValue,
                                format!("round {round}: the getter gave {value}, expected {round}"),
                            ));
                        }
                        Ok(Err(e)) => return Err(Fail::new(Kind::Panicked, e.to_string())),
                        Err(_) => {
                            return Err(Fail::new(
                                Kind::Deadlock,
                                format!(
                                    "round {round} of 100: a value set from another thread, while \
                                     the task was being polled, never reached it: a lost wake-up. \
                                     A set() can fall between a poll's look at the value and its \
                                     storing the waker, when the two are under separate locks: \
                                     set() finds no waker, and the poll then parks with the value \
                                     already there. Look at the value and store the waker under \
                                     one lock in poll; in set(), store the value and take the \
                                     waker under one lock, and wake it after."
                                ),
                            ));
                        }
                    }
                }
                Ok(())
            },
        ),
        check(
            "timed-measures-its-future",
            3,
            "timed(a future that sleeps 1 s, then 0.5 s) gives its output and 1.500 s, and takes \
             1.500 s; timed(a ready future) gives 0 s",
            || async {
                let what = "timed(a future that sleeps 1 s, then 0.5 s)";
                let (output, took) = within_a_minute(
                    what,
                    timed(async {
                        sleep(ms(1000)).await;
                        sleep(ms(500)).await;
                        Order("risotto")
                    }),
                )
                .await?;
                let whole = elapsed();
                let risotto = "the output of timed(a future returning Order(\"risotto\"))";
                expect_eq(risotto, output, Order("risotto"))?;
                expect_measured(what, took, ms(1500), true)?;
                expect_elapsed(
                    "awaiting timed(a future that sleeps 1 s, then 0.5 s)",
                    ms(1500),
                )
                .map_err(|fail| {
                    let message = format!(
                        "{} (measured right, {}: the wrapper must add no waiting)",
                        fail.message,
                        secs(whole)
                    );
                    Fail::new(fail.kind, message)
                })?;

                restart();
                let (output, took) = timed(std::future::ready(17)).await;
                expect_eq("the output of timed(std::future::ready(17))", output, 17)?;
                expect_eq(
                    "the time timed(std::future::ready(17)) measured",
                    took,
                    Duration::ZERO,
                )
            },
        ),
        check(
            "timed-starts-at-first-poll",
            2,
            "a Timed created, left alone for 2 s, then awaited measures only its future's 1.5 s",
            || async {
                let tea = timed(async {
                    sleep(ms(1500)).await;
                    "tea"
                });
                sleep(ms(2000)).await;
                let what = "timed(a 1.5 s future), first polled 2 s after it was created,";
                let (output, took) = within_a_minute(what, tea).await?;
                expect_eq("the output", output, "tea")?;
                expect_elapsed(
                    "creating the Timed, waiting 2 s, then awaiting it",
                    ms(3500),
                )?;
                if took == ms(3500) {
                    return Err(Fail::new(
                        Kind::WrongTiming,
                        "timed(a 1.5 s future), created 2 s before anyone awaited it, measured \
                         3.500 s: its clock started when it was created. The contract starts it \
                         at the first poll: a future does nothing until it is polled, so the time \
                         before that is not its own. Note the Instant in poll, the first time \
                         (`started` still None), not in timed().",
                    ));
                }
                expect_measured(what, took, ms(1500), false)
            },
        ),
        check(
            "timed-passes-the-waker-on",
            2,
            "timed(getter) polled by hand: Pending without waking, set() wakes Timed's waker, then \
             Ready; timed(a ready future) is Ready on its first poll",
            || async {
                let (wakes, waker) = CountingWaker::new();
                let mut ready = pin!(timed(std::future::ready(Order("bread"))));
                let poll = poll_by_hand(ready.as_mut(), &waker);
                record_line(format!(
                    "timed(ready(Order(\"bread\"))), poll 1: {}",
                    describe_poll(&poll, wakes.take())
                ));
                match poll {
                    Poll::Ready((output, _)) => {
                        expect_eq("the output of timed(ready(..))", output, Order("bread"))?
                    }
                    Poll::Pending => {
                        return Err(Fail::new(
                            Kind::WrongValue,
                            "timed(a future that is ready at once) returned Pending on its first \
                             poll. Timed must poll the inner future on every poll, the first one \
                             included (noting the start is not a reason to return Pending), and \
                             be Ready as soon as it is.",
                        ));
                    }
                }

                let (setter, getter) = cell::<Order>();
                let mut timed_getter = pin!(timed(getter));
                let poll = poll_by_hand(timed_getter.as_mut(), &waker);
                let woke = wakes.take();
                record_line(format!(
                    "timed(getter), poll 1: {}",
                    describe_poll(&poll, woke)
                ));
                expect(
                    poll.is_pending(),
                    Kind::WrongValue,
                    "timed(getter) was Ready before anything was set",
                )?;
                expect(
                    woke == 0,
                    Kind::Spinning,
                    "timed(getter) returned Pending and woke its own waker at once: busy \
                     polling. Neither Timed nor the getter should wake anyone while nothing has \
                     changed.",
                )?;
                setter.set(Order("jam"));
                let woke = wakes.take();
                record_line(format!(
                    "set(Order(\"jam\")): woke Timed's waker {woke} time(s)"
                ));
                expect(
                    woke == 1,
                    Kind::WrongValue,
                    format!(
                        "set() woke the waker Timed was polled with {woke} time(s), expected \
                         once. Timed must poll its inner future with the very Context it was \
                         given (`self.future.as_mut().poll(cx)`): a Context of its own (a noop \
                         waker, say) sends the inner future's wake-up nowhere, and the task \
                         awaiting the Timed sleeps forever."
                    ),
                )?;
                let poll = poll_by_hand(timed_getter.as_mut(), &waker);
                record_line(format!(
                    "timed(getter), poll 2: {}",
                    describe_poll(&poll, 0)
                ));
                match poll {
                    Poll::Ready((output, _)) => {
                        expect_eq("the output of timed(getter)", output, Order("jam"))
                    }
                    Poll::Pending => Err(Fail::new(
                        Kind::WrongValue,
                        "timed(getter) was still Pending after set() woke it. Timed must poll the \
                         inner future on every poll and return Ready as soon as it is.",
                    )),
                }
            },
        ),
        check(
            "waiter-transcript",
            3,
            "the demo (the checks' own copy of run()) prints its transcript: soup through a \
             cell, tea timed from its first poll, a bill set before anyone waited",
            || async {
                demo::run().await;
                expect_transcript("run").map_err(explain_run)
            },
        )
        .main(),
    ]
}

// ---------------------------------------------------------------------------------------------
// Polling by hand, and explaining what went wrong.

/// Polls `future` once, with `waker`, the way an executor would.
fn poll_by_hand<F: Future>(future: Pin<&mut F>, waker: &Waker) -> Poll<F::Output> {
    future.poll(&mut Context::from_waker(waker))
}

fn expect_ready(what: &str, poll: Poll<Order>, expected: Order, why: &str) -> Result<(), Fail> {
    match poll {
        Poll::Ready(value) => expect_eq(&format!("the value of {what}"), value, expected),
        Poll::Pending => Err(Fail::new(
            Kind::WrongValue,
            format!("{what} returned Pending, expected Ready({expected:?}). {why}"),
        )),
    }
}

fn ready_too_soon() -> &'static str {
    "the getter was Ready before its value was set"
}

fn busy_polling(n: u32, woke: usize) -> String {
    format!(
        "poll {n} returned Pending and woke its own waker ({woke} time(s)) before any value was \
         set: busy polling. A woken task is polled again at once, finds nothing new, wakes itself \
         again, and so on: the CPU spins at 100% until the value comes. Pending is a promise that \
         *someone else* will wake the waker when something changes: store it for set() to wake, \
         and do not call wake_by_ref() in poll."
    )
}

/// A waker that, when `set()` wakes it (on `set()`'s own thread), lets the check poll the getter
/// right then, as a runtime with more threads may poll a woken task at once, and lets `set()` go on
/// only once that poll is done (or after a second, when the poll cannot get in: a `set()` that
/// wakes while it holds its lock makes the poll wait for that lock).
struct PollOnWake {
    woken: Mutex<Option<std::sync::mpsc::Sender<()>>>,
    polled: Mutex<std::sync::mpsc::Receiver<()>>,
}

impl std::task::Wake for PollOnWake {
    fn wake(self: Arc<Self>) {
        self.wake_by_ref();
    }

    fn wake_by_ref(self: &Arc<Self>) {
        let woken = self.woken.lock().unwrap_or_else(|e| e.into_inner()).take();
        if woken.is_some_and(|woken| woken.send(()).is_ok()) {
            let polled = self.polled.lock().unwrap_or_else(|e| e.into_inner());
            let _ = polled.recv_timeout(Duration::from_secs(1));
        }
    }
}

/// `set()` on another thread, with the getter polled the moment its waker is woken: that poll
/// must see the value. A `set()` that wakes first and stores the value afterwards loses the
/// wake-up here every time (the woken task looks, finds nothing, parks again, and nobody wakes
/// it once the value is in). Runs on a blocking thread, so the runtime's thread is never held.
async fn expect_value_before_wake() -> Result<(), Fail> {
    let (lines, verdict) = tokio::task::spawn_blocking(|| {
        let (setter, getter) = cell::<Order>();
        let mut getter = Box::pin(getter);
        let (woken_tx, woken_rx) = std::sync::mpsc::channel();
        let (polled_tx, polled_rx) = std::sync::mpsc::channel();
        let hook = Arc::new(PollOnWake {
            woken: Mutex::new(Some(woken_tx)),
            polled: Mutex::new(polled_rx),
        });
        let waker = Waker::from(hook);
        let mut lines = Vec::new();
        let first = poll_by_hand(getter.as_mut(), &waker);
        lines.push(format!(
            "poll 1 with waker A, nothing set: {}",
            describe_poll(&first, 0)
        ));
        if first.is_ready() {
            return (lines, Ok(())); // pending-until-set says what is wrong
        }
        let setting = std::thread::spawn(move || setter.set(Order("souffle")));
        if woken_rx.recv_timeout(Duration::from_secs(5)).is_err() {
            // set() never woke waker A: the part above, and other checks, say what is wrong.
            drop(polled_tx);
            let _ = setting.join();
            return (lines, Ok(()));
        }
        let (wakes, waker_b) = CountingWaker::new();
        let at_wake = poll_by_hand(getter.as_mut(), &waker_b);
        let _ = polled_tx.send(());
        if setting.join().is_err() {
            let fail = Fail::new(
                Kind::Panicked,
                "set() panicked on another thread, while a task waited for the getter.",
            );
            return (lines, Err(fail));
        }
        lines.push(format!(
            "set(Order(\"souffle\")) on another thread woke waker A; poll 2 at that moment, with \
             waker B: {}",
            describe_poll(&at_wake, 0)
        ));
        if at_wake.is_ready() {
            return (lines, Ok(()));
        }
        let woke_b = wakes.take();
        lines.push(format!(
            "set() returned; waker B was woken {woke_b} time(s)"
        ));
        if woke_b > 0 {
            return (lines, Ok(()));
        }
        // Only a value there now, and not at the wake-up, shows that set() woke too early. A
        // getter that stays Pending with the value there has another mistake, which the rest of
        // this check (and others) judge.
        let after = poll_by_hand(getter.as_mut(), &waker_b);
        lines.push(format!(
            "poll 3, with waker B: {}",
            describe_poll(&after, 0)
        ));
        let verdict = expect(
            after.is_pending(),
            Kind::WrongValue,
            "set() woke the waiting task before it stored the value. The check polled the \
             getter the moment set() woke its waker (a runtime with more threads may poll the \
             woken task at once, on another thread): the poll found no value and returned \
             Pending, leaving a new waker, and then the value came with nobody to wake. The task \
             would sleep forever with its value right there. In set(), store the value and take \
             the waker under one lock, and wake the waker after that.",
        );
        (lines, verdict)
    })
    .await
    .map_err(|e| Fail::new(Kind::Panicked, format!("the check's thread panicked: {e}")))?;
    for line in lines {
        record_line(line);
    }
    verdict
}

/// The waiting task was not finished 10 s after its value was set.
fn never_woken(what: &str, polls: u32, at: f64) -> Fail {
    let why = if polls >= 2 {
        "It was woken and polled again, and still found no value: the wake-up came before the \
         value was there to see (set() waking before it stores the value, or a poll that looks \
         at the value and stores the waker under two separate locks), and nobody woke it after. \
         In set(), store the value and take the waker under one lock, then wake; in poll, look \
         and store under one lock."
    } else {
        "A Pending future is only polled again when its waker is woken: set() must wake the \
         waker the latest Pending poll left, and that poll must then see the value and return \
         Ready."
    };
    Fail::new(
        Kind::Deadlock,
        format!(
            "{what} was still waiting at {at:.3} s, long after the value was set (polled {polls} \
             time(s) in all). {why}"
        ),
    )
}

/// A task awaiting a getter is polled exactly twice: once to park, once when set() woke it.
fn expect_polls(what: &str, polls: u32) -> Result<(), Fail> {
    let why = if polls > 2 {
        "More polls mean it was woken when nothing had changed: a Pending that wakes its own \
         waker (busy polling), or more than one wake-up per value."
    } else {
        ""
    };
    expect(
        polls == 2,
        if polls > 2 {
            Kind::Spinning
        } else {
            Kind::WrongValue
        },
        format!(
            "{what} was polled {polls} times, expected exactly 2: once to park (Pending), once \
             after set() woke it (Ready). {why}"
        ),
    )
}

/// Judges a duration Timed measured, naming the likely mistake.
fn expect_measured(
    what: &str,
    took: Duration,
    expected: Duration,
    in_steps: bool,
) -> Result<(), Fail> {
    // What Timed measured is what this check judges: the reports show it beside the check.
    judged(took);
    if took == expected {
        return Ok(());
    }
    let why = if took.is_zero() {
        "Nothing measured at all: was the start taken again on every poll (so the last poll, \
         which finds the future Ready, measures from itself), or only the time spent inside each \
         call to poll? A poll takes no time; the waiting happens between polls. Note the start \
         once, on the first poll, and read it when the inner future is Ready."
    } else if took < ms(50) {
        "That is real time, not the runtime's: std::time::Instant follows the wall clock, which \
         hardly moves while tokio's paused clock jumps ahead. Use tokio::time::Instant, which \
         follows the runtime's clock (paused or not)."
    } else if in_steps && took < expected {
        "Less than the whole: the start was taken again at a later poll, so only the last \
         stretch counted. Note the start on the first poll only (`started` still None)."
    } else if took > expected {
        "More than the future took: was the clock started before the first poll, or stopped \
         after the future was Ready?"
    } else {
        ""
    };
    Err(Fail::new(
        Kind::WrongTiming,
        format!(
            "{what} measured {}, expected exactly {}. {why}",
            secs(took),
            secs(expected)
        ),
    ))
}

/// Awaits `future`, but gives up after a minute of virtual time, long after everything the checks'
/// futures wait for is done: then nobody woke the task, and the check says so. The limit's timer
/// is looked at first (`biased;`), so a future that was never woken cannot sneak through on the
/// poll the timer's own wake-up brings.
async fn within_a_minute<F: Future>(what: &str, future: F) -> Result<F::Output, Fail> {
    within(ms(60_000), future).await.ok_or_else(|| {
        Fail::new(
            Kind::Deadlock,
            format!(
                "{what} was still Pending after 60 s of virtual time, long after everything it \
                 waits for was done: nobody woke the task awaiting it. Timed must poll its inner \
                 future with the very Context it was given (`self.future.as_mut().poll(cx)`), so \
                 that the inner future's waker is the task's."
            ),
        )
    })
}

/// Names the likely mistake behind a wrong demo transcript, from the durations `run()` printed.
fn explain_run(mut fail: Fail) -> Fail {
    let lines = transcript();
    let said = |start: &str| {
        lines
            .iter()
            .find_map(|line| line.split_once(start).map(|(_, rest)| rest.to_string()))
    };
    let soup = said("soup served, after waiting ");
    let tea = said("tea served, after steeping ");
    let why = if tea.as_deref() == Some("3.000 s") {
        "The tea measured 3.000 s, the second it sat unawaited included: Timed's clock must start \
         at its first poll, not when it is created. "
    } else if soup.as_deref() == Some("0.000 s") {
        "The soup measured 0.000 s though the waiter waited 1.5 s: Timed's start was taken again \
         at a later poll, or the clock is std's (which does not follow tokio's paused clock). "
    } else if soup.is_some_and(|s| s != "1.500 s") {
        "The soup's wait was measured wrong: is Timed's clock tokio::time::Instant, started at the \
         first poll? "
    } else {
        ""
    };
    fail.message = format!("{why}{}", fail.message);
    fail
}

/// The checks' own copy of the demo the stub gives (`secs`, `cook`, `steep` and `run`, line for
/// line): the stub's copy is in a file the student may edit, and a check must not take its
/// scenario from there. Only the cell and the timer (the student's futures) come from `exercise`.
mod demo {
    use awaitlings::say;
    use exercise::{Setter, cell, timed};
    use std::time::Duration;
    use tokio::time::sleep;

    fn secs(duration: Duration) -> String {
        format!("{:.3} s", duration.as_secs_f64())
    }

    async fn cook(dish: &'static str, time: Duration, pass: Setter<&'static str>) {
        say!("cook: starts the {dish}");
        sleep(time).await;
        say!("cook: the {dish} is ready");
        pass.set(dish);
    }

    async fn steep(time: Duration) -> &'static str {
        sleep(time).await;
        "tea"
    }

    pub async fn run() {
        let (pass, order) = cell();
        say!("waiter: an order of soup goes to the kitchen");
        let kitchen = tokio::spawn(cook("soup", Duration::from_millis(1500), pass));
        let (soup, waited) = timed(order).await;
        say!("waiter: {soup} served, after waiting {}", secs(waited));
        kitchen.await.expect("the cook's task panicked");

        let tea = timed(steep(Duration::from_secs(2)));
        say!("waiter: tea ordered; it steeps once someone waits for it");
        sleep(Duration::from_secs(1)).await;
        say!("waiter: now waiting for the tea");
        let (tea, took) = tea.await;
        say!("waiter: {tea} served, after steeping {}", secs(took));

        let (pay, bill) = cell();
        pay.set(42);
        let (amount, took) = timed(bill).await;
        say!(
            "waiter: the bill of {amount} was there before anyone asked: {}",
            secs(took)
        );
    }
}
