//! The public checks of exercise 09 futures-by-hand.
//!
//! This is the one exercise where the mechanism *is* the lesson, so most checks poll your futures
//! by hand, with wakers that count their wake-ups, and judge the waker protocol itself: what each
//! poll returns, which waker is woken, how often, and when. Each poll is written to the check's
//! transcript ("poll 1: Pending, did not wake the waker"), so a failure shows what happened.
//!
//! Every check but the demo draws its inputs from the run's seed (the grader prints it): the
//! values put in cells, how many polls and wakers, how long each future sleeps and when it is
//! first polled. The same seed gives the same inputs again (`--seed N`).
//!
//! ## The contract, clause by clause, and the checks that fail when only that clause is broken
//!
//! The cell (`cell`, `Setter`, `Getter`, in src/lib.rs):
//! - "the value is not set yet: `Pending`": `pending-until-set` (polled a few times before any
//!   value), `set-wakes-the-waiter`, `latest-waker-is-woken`, `timed-passes-the-waker-on`;
//! - "this poll's waker is kept" (so that `set` can wake it): `set-wakes-the-waiter`,
//!   `set-from-another-thread`, `value-arrives-mid-poll`, the demo;
//! - "replacing any waker an earlier poll left": `latest-waker-is-woken` (two to four wakers, one
//!   after another: only the last may be woken);
//! - "the poll never wakes that waker itself" (busy polling): `pending-until-set`,
//!   `set-wakes-the-waiter` and `set-from-another-thread` (a task awaiting the getter is polled
//!   exactly twice), `timed-passes-the-waker-on`;
//! - "the value is set: `Ready(value)`", the very value that was set (the checks' values are
//!   neither `Clone` nor `Copy`): `pending-until-set`, `set-wakes-the-waiter`,
//!   `latest-waker-is-woken`;
//! - "whether it was set long before the first poll ... a value set before anyone polled is not
//!   lost", and `set` "works ... before ... the getter is first polled" (no waker to wake yet):
//!   `set-before-first-poll`;
//! - "`Setter::set` wakes the waker of the latest `Pending` poll, exactly once, and no other":
//!   `set-wakes-the-waiter` (once), `pending-until-set` (once, however many polls left that same
//!   waker), `latest-waker-is-woken` (no other);
//! - "a cell never set stays `Pending` for good": `pending-until-set` (its setter dropped unused,
//!   the getter is still Pending and wakes nobody);
//! - "`Setter` and `Getter` are `Send` ... the value may be set from another thread":
//!   `set-before-first-poll`, `set-from-another-thread`, `value-arrives-mid-poll` (and the
//!   compiler: these checks send them to other threads);
//! - the lesson's "look at the value and store the waker under one lock": `value-arrives-mid-poll`
//!   (the value is set on another thread at the very moment the poll keeps its waker);
//! - the lesson's "store the value and take the waker under one lock, and wake only after that":
//!   `set-from-another-thread` (the waker, when woken, has the getter polled at once, before
//!   `set` can go on: a `set` that wakes before it stores the value fails every time).
//!
//! The timing wrapper (`timed`, `Timed`):
//! - "awaiting `timed(future)` gives `(the future's output, how long it took)`":
//!   `timed-measures-its-future`, `timed-side-by-side`;
//! - "takes exactly as long as the future alone": `timed-measures-its-future` (its last sleep has a
//!   few odd milliseconds, so a Timed that looks at its future again only now and then, on a timer
//!   of its own, ends late), `timed-side-by-side`;
//! - "measured from `Timed`'s first poll", not from its creation, "or waiting in a spawned task's
//!   queue": `timed-starts-at-first-poll` (awaited, and spawned, after an idle stretch),
//!   `timed-side-by-side`;
//! - "to the poll at which the inner future is `Ready`" (a start taken once, not at every poll):
//!   `timed-measures-its-future` (a future that sleeps in one to three steps), and every other
//!   `timed-*` check;
//! - "the clock is tokio's": `timed-measures-its-future`, `timed-starts-at-first-poll`,
//!   `timed-side-by-side`; "one that is `Ready` at once took `0 s`": `timed-measures-its-future`;
//! - "every poll polls the inner future with the same `Context`": `timed-passes-the-waker-on`,
//!   and every other `timed-*` check (the task would never be woken);
//! - each `Timed` measures its own future: `timed-side-by-side` (three at once, first polled at
//!   different instants, one inside another).
//!
//! And `waiter-transcript` (the main check): the demo prints its transcript,
//! fixtures/futures-by-hand/run.txt. The stub gives `run()` (and its cook and tea); the check plays
//! its own copy of them (see [`demo`]), with only the cell and the timer from the student's crate,
//! so a `run()` that merely replays the expected lines earns nothing. No clause is judged by the
//! demo alone.
//!
//! What no check can judge on its own: "`Pending` until set" can only be broken by a panic or a
//! hang (before `set` there is no value to be Ready with), which the checks above report; "`Send`"
//! is the compiler's to check (these checks move setters and getters to other threads, so a cell
//! that is not `Send` does not compile); the lesson's "wake *outside* the lock if you can" is
//! advice, not a rule (a `set` that wakes while holding its lock, after storing the value, is
//! correct: the woken poll waits for the lock and then finds the value; `set-from-another-thread`
//! waits 2 s for such a poll before it lets `set` go on); and "`will_wake` spares a clone" is an
//! optimisation nobody can see from outside.

use awaitlings_check::check::secs;
use awaitlings_check::prelude::*;
use exercise::{Getter, cell, timed};
use std::future::Future;
use std::pin::{Pin, pin};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll, Waker};
use std::time::Duration;
use tokio::time::sleep;

fn ms(millis: u64) -> Duration {
    Duration::from_millis(millis)
}

/// Sleeps `time`, counted from the first poll.
async fn nap(time: Duration) {
    sleep(time).await
}

/// A value to put in a cell: neither `Clone` nor `Copy`.
#[derive(Debug, PartialEq)]
struct Order(&'static str);

/// The names of the wakers a check polls with, in order.
const WAKERS: [&str; 4] = ["A", "B", "C", "D"];

pub fn checks() -> Vec<Check> {
    vec![
        check(
            "pending-until-set",
            2,
            "a getter polled before its value is set is Pending and does not wake its own waker; \
             set() wakes that waker once and the next poll is Ready with the value; a cell never \
             set stays Pending",
            || async {
                let mut r = rng();
                let dish = r.name();
                let polls = r.count(2..=6) as u32;
                let (setter, getter) = cell::<Order>();
                let mut getter = pin!(getter);
                let (wakes, waker) = CountingWaker::new();
                for n in 1..=polls {
                    let poll = poll_by_hand(getter.as_mut(), &waker);
                    let woke = wakes.take();
                    record_line(format!(
                        "poll {n} with waker A, nothing set: {}",
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
                setter.set(Order(dish));
                let woke = wakes.take();
                record_line(format!("set(Order({dish:?})): woke waker A {woke} time(s)"));
                let why = match woke {
                    1 => String::new(),
                    0 => format!(
                        "set(Order({dish:?})) did not wake waker A, which all {polls} Pending polls \
                         were given. A Pending future is only polled again when its waker is \
                         woken: set() must take the stored waker and wake it."
                    ),
                    _ => format!(
                        "set(Order({dish:?})) woke waker A {woke} times, after {polls} Pending \
                         polls with that same waker; expected exactly once: one value, one \
                         wake-up, however often the getter was polled. Was every poll's waker \
                         kept (a list that grows by one per poll) instead of one waker that each \
                         poll replaces?"
                    ),
                };
                expect(why.is_empty(), Kind::WrongValue, why)?;
                let poll = poll_by_hand(getter.as_mut(), &waker);
                let n = polls + 1;
                record_line(format!("poll {n}, after set: {}", describe_poll(&poll, 0)));
                expect_ready(
                    &format!("poll {n}, the first after set(Order({dish:?})),"),
                    poll,
                    Order(dish),
                    "The value is there now: the poll must take it out of the shared state and \
                     return Poll::Ready(value). Does poll look at the value (and not, say, at \
                     whether a waker is stored) to decide?",
                )?;

                // A cell whose setter is dropped without set(): never set, Pending for good.
                let (setter, getter) = cell::<Order>();
                drop(setter);
                let mut getter = pin!(getter);
                let polls = r.count(1..=3) as u32;
                for n in 1..=polls {
                    let poll = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                        poll_by_hand(getter.as_mut(), &waker)
                    }))
                    .map_err(|_| {
                        Fail::new(
                            Kind::Panicked,
                            format!(
                                "poll {n} of a getter whose setter was dropped without set() \
                                 panicked. A cell never set stays Pending for good (the \
                                 contract): there is no value to give and nothing to complain \
                                 about; return Poll::Pending."
                            ),
                        )
                    })?;
                    let woke = wakes.take();
                    record_line(format!(
                        "a second cell, its setter dropped unused: poll {n}: {}",
                        describe_poll(&poll, woke)
                    ));
                    if let Poll::Ready(value) = poll {
                        return Err(Fail::new(
                            Kind::WrongValue,
                            format!(
                                "poll {n} of a getter whose setter was dropped without set() \
                                 returned Ready({value:?}): a cell never set stays Pending for \
                                 good."
                            ),
                        ));
                    }
                    expect(woke == 0, Kind::Spinning, busy_polling(n, woke))?;
                }
                Ok(())
            },
        ),
        check(
            "set-wakes-the-waiter",
            3,
            "set() wakes the waker of the Pending poll exactly once and the next poll is Ready; a \
             task awaiting the getter is woken when another task sets it later",
            || async {
                let mut r = rng();
                let dish = r.name();
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

                setter.set(Order(dish));
                let woke = wakes.take();
                record_line(format!(
                    "set(Order({dish:?})): woke the waker {woke} time(s)"
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
                    Order(dish),
                    "The waker was woken because the value is there: the poll it causes must \
                     return Poll::Ready(value). Does poll decide by the value (set or not), or by \
                     something else, such as whether a waker is already stored?",
                )?;

                // The same under tokio: a task waits on the getter, another task sets it later.
                restart();
                let delay = r.millis(300..=3000, 100);
                let value = r.range(1..=999) as u32;
                let (setter, getter) = cell::<u32>();
                let (getter, stats) = watched(getter);
                let waiter = tokio::spawn(getter);
                let cook = tokio::spawn(async move {
                    sleep(delay).await;
                    setter.set(value);
                });
                let what = format!(
                    "a task awaiting the getter, set to {value} by another task at {},",
                    secs(delay)
                );
                let limit = delay + ms(10_000);
                let Ok(joined) = tokio::time::timeout(limit, waiter).await else {
                    return Err(never_woken(&what, stats.polls(), limit.as_secs_f64()));
                };
                let got = joined.map_err(|e| Fail::new(Kind::Panicked, e.to_string()))?;
                cook.await
                    .map_err(|e| Fail::new(Kind::Panicked, e.to_string()))?;
                expect_eq(&format!("the value {what}"), got, value)?;
                let finished = stats.finished_at().unwrap_or_default();
                expect_took(&format!("{what} finished after it"), finished, delay)?;
                expect_polls(&what, stats.polls())
            },
        ),
        check(
            "latest-waker-is-woken",
            2,
            "polled with waker A, then B (and maybe C, D), the getter wakes only the latest waker \
             on set()",
            || async {
                let mut r = rng();
                let dish = r.name();
                let count = r.count(2..=4);
                let (setter, getter) = cell::<Order>();
                let mut getter = pin!(getter);
                let wakers: Vec<_> = (0..count).map(|_| CountingWaker::new()).collect();
                let mut n = 0;
                for (i, (_, waker)) in wakers.iter().enumerate() {
                    for _ in 0..r.count(1..=2) {
                        n += 1;
                        let poll = poll_by_hand(getter.as_mut(), waker);
                        let woke: usize = wakers.iter().map(|(w, _)| w.take()).sum();
                        record_line(format!(
                            "poll {n} with waker {}: {}",
                            WAKERS[i],
                            describe_poll(&poll, woke)
                        ));
                        expect(poll.is_pending(), Kind::WrongValue, ready_too_soon())?;
                        expect(woke == 0, Kind::Spinning, busy_polling(n, woke))?;
                    }
                }
                setter.set(Order(dish));
                let counts: Vec<usize> = wakers.iter().map(|(w, _)| w.take()).collect();
                let said: Vec<String> = counts
                    .iter()
                    .enumerate()
                    .map(|(i, c)| format!("{} {c} time(s)", WAKERS[i]))
                    .collect();
                record_line(format!("set(Order({dish:?})): woke {}", said.join(", ")));
                let latest = WAKERS[count - 1];
                let last = counts[count - 1];
                let older: Vec<&str> = (0..count - 1)
                    .filter(|&i| counts[i] > 0)
                    .map(|i| WAKERS[i])
                    .collect();
                let older = older.join(" and ");
                let why = match (older.is_empty(), last) {
                    (true, 1) => String::new(),
                    (false, 1) => format!(
                        "set() woke waker {older} as well as {latest}, the waker of the latest \
                         poll. Only the latest waker leads to whoever waits now: keep one waker, \
                         and let each Pending poll replace it."
                    ),
                    (true, 0) => format!(
                        "set() woke none of the wakers. The Pending poll hands you a waker so \
                         that you can wake it when the value comes: keep it ({latest}, from the \
                         latest poll), and wake it in set()."
                    ),
                    (false, 0) => format!(
                        "set() woke waker {older}, from an earlier poll, and not waker \
                         {latest}, from the latest. The future was polled again with another \
                         waker, as happens when it is polled in one task and then moved into a \
                         spawned task (each task has a waker of its own): the old waker leads to \
                         a task that no longer waits for it, so the task waiting now never wakes. \
                         Each Pending poll must replace the stored waker with \
                         `cx.waker().clone()` (or keep the stored one only when \
                         `stored.will_wake(cx.waker())`), not keep the first one."
                    ),
                    _ => format!(
                        "set() woke waker {latest} {last} times, expected exactly once: one \
                         value, one wake-up."
                    ),
                };
                expect(why.is_empty(), Kind::WrongValue, why)?;
                let poll = poll_by_hand(getter.as_mut(), &wakers[count - 1].1);
                record_line(format!(
                    "poll {} with waker {latest}: {}",
                    n + 1,
                    describe_poll(&poll, 0)
                ));
                expect_ready(
                    &format!("poll {}, after set(Order({dish:?})),", n + 1),
                    poll,
                    Order(dish),
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
                let mut r = rng();
                let dishes = r.names(2);
                let (setter, getter) = cell::<Order>();
                let first = dishes[0];
                if std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                    setter.set(Order(first))
                }))
                .is_err()
                {
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
                    "set(Order({first:?})), then poll 1: {}",
                    describe_poll(&poll, woke)
                ));
                expect_ready(
                    "poll 1 of a getter whose value was set before anyone polled it",
                    poll,
                    Order(first),
                    "A value set before the first poll is a lost wake-up waiting to happen: \
                     there was no waker to wake, so nobody will ever poll again unless this very \
                     poll sees the value. set() must store the value even when no waker is there, \
                     and poll must look at the value before anything else.",
                )?;

                // The same, with the value set on another thread.
                let second = dishes[1];
                let (setter, getter) = cell::<Order>();
                let thread = std::thread::spawn(move || setter.set(Order(second)));
                if thread.join().is_err() {
                    return Err(Fail::new(
                        Kind::Panicked,
                        "set() panicked on another thread, before anyone polled the getter.",
                    ));
                }
                let what = format!(
                    "a getter set to Order({second:?}) on another thread before its first poll"
                );
                match tokio::time::timeout(ms(10_000), getter).await {
                    Ok(value) => expect_eq(&what, value, Order(second))?,
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
                let dish = rng().name();
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
                        let started = Arc::new(AtomicBool::new(false));
                        let thread = std::thread::spawn({
                            let started = started.clone();
                            move || {
                                started.store(true, Ordering::SeqCst);
                                setter.set(Order(dish));
                                let _ = set_done.send(());
                            }
                        });
                        // Give set() 150 ms from the moment it has surely started (then it is
                        // waiting for the lock this poll holds, as it should), and up to 2 s for
                        // the thread to start at all on a busy machine.
                        let give_up = std::time::Instant::now() + Duration::from_secs(2);
                        loop {
                            let was_started = started.load(Ordering::SeqCst);
                            if set_finished.recv_timeout(ms(150)).is_ok()
                                || was_started
                                || std::time::Instant::now() >= give_up
                            {
                                break;
                            }
                        }
                        *setting.lock().unwrap() = Some(thread);
                    }
                };
                let (hooked, waker) = HookedWaker::new(Box::new(hook));
                // The hooked poll waits for set()'s thread: it runs on a blocking thread, so the
                // runtime's thread is never held.
                let (poll, mut getter, waker) = tokio::task::spawn_blocking(move || {
                    let mut getter = Box::pin(getter);
                    let poll = poll_by_hand(getter.as_mut(), &waker);
                    (poll, getter, waker)
                })
                .await
                .map_err(|e| Fail::new(Kind::Panicked, format!("poll 1 panicked: {e}")))?;
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
                    "poll 1, Order({dish:?}) set by another thread meanwhile: {}",
                    describe_poll(&poll, woke)
                ));
                if poll.is_pending() {
                    if woke == 0 {
                        let why = if set_wakes_a_stored_waker() {
                            "a lost wake-up: the value was set on another thread while the poll \
                             was between looking at the value and storing its waker, and the \
                             waker was never woken. set() found no waker to wake, and then the \
                             poll stored one and returned Pending with the value already there: \
                             the task would sleep forever. In poll, look at the value and store \
                             the waker under one lock (one `lock()` for the whole of poll)."
                        } else {
                            "the waker the poll kept was never woken, though the value came just \
                             after: set() does not wake a stored waker at all (another cell, \
                             polled and then set, was not woken either). set() must take the \
                             waker the latest Pending poll left and wake it."
                        };
                        return Err(Fail::new(Kind::WrongValue, why));
                    }
                    let poll = poll_by_hand(getter.as_mut(), &waker);
                    record_line(format!(
                        "poll 2, after the wake-up: {}",
                        describe_poll(&poll, 0)
                    ));
                    expect_ready(
                        "poll 2, the one set() woke the waker for,",
                        poll,
                        Order(dish),
                        "The value is there: the poll must return Poll::Ready(value).",
                    )
                } else {
                    expect_ready("poll 1", poll, Order(dish), "")
                }
            },
        )
        // The hooked poll gives set()'s thread a moment of the real clock (150 to 300 ms), using
        // no CPU meanwhile: it runs beside the computing checks rather than taking a CPU's turn.
        .waits(),
        check(
            "set-from-another-thread",
            2,
            "a task parked on the getter is woken by set() from another thread; a poll made the \
             moment set() wakes the waker finds the value",
            || async {
                let mut r = rng();
                // First the one race made to happen on purpose, so that its verdict is always
                // the same: a set() that wakes before it stores the value, with the poll the
                // wake-up causes coming at once, before set() can go on.
                expect_value_before_wake(r.name()).await?;
                restart();

                let value = r.range(1..=999) as u32;
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
                tokio::task::spawn_blocking(move || setter.set(value))
                    .await
                    .map_err(|e| Fail::new(Kind::Panicked, format!("set() on a thread: {e}")))?;
                let what =
                    format!("a task parked on the getter, set to {value} from another thread,");
                let Ok(joined) = tokio::time::timeout(ms(10_000), waiter).await else {
                    return Err(never_woken(&what, stats.polls(), 10.0));
                };
                expect_eq(&format!("the value {what}"), joined.ok(), Some(value))?;
                expect_polls(&what, stats.polls())?;

                // Now the value comes at any moment, perhaps in the middle of a poll.
                let base = r.range(1000..=9000) as u32;
                for round in 1..=100u32 {
                    let value = base + round;
                    let (setter, getter) = cell::<u32>();
                    let waiter = tokio::spawn(getter);
                    let set = tokio::task::spawn_blocking(move || setter.set(value));
                    let done = tokio::time::timeout(ms(10_000), waiter).await;
                    let _ = set.await;
                    match done {
                        Ok(Ok(got)) if got == value => {}
                        Ok(Ok(got)) => {
                            return Err(Fail::new(
                                Kind::WrongValue,
                                format!("round {round}: the getter gave {got}, expected {value}"),
                            ));
                        }
                        Ok(Err(e)) => return Err(Fail::new(Kind::Panicked, e.to_string())),
                        Err(_) => {
                            return Err(Fail::new(
                                Kind::Deadlock,
                                format!(
                                    "round {round} of 100: the value {value}, set from another \
                                     thread while the task was being polled, never reached it: a \
                                     lost wake-up. Either set() woke the task before the value \
                                     was there to see, or a poll looked at the value and stored \
                                     its waker under two separate locks, so set() fell between \
                                     them. In set(), store the value and take the waker under \
                                     one lock, and wake it after; in poll, look at the value and \
                                     store the waker under one lock."
                                ),
                            ));
                        }
                    }
                }
                Ok(())
            },
        )
        // A cell that wakes its waker under its own lock holds this check for two seconds of the
        // real clock (to tell that apart from a lost wake-up, see `expect_value_before_wake`): it
        // runs beside the computing checks rather than taking a CPU's turn.
        .waits(),
        check(
            "timed-measures-its-future",
            3,
            "timed(a future that sleeps in one to three steps) gives its output and exactly the \
             time it slept, and takes no longer; timed(a ready future) gives 0 s",
            || async {
                let mut r = rng();
                let dish = r.name();
                let steps = r.count(1..=3);
                let mut naps = r.distinct_millis(steps, 200..=2000, 100);
                // A few milliseconds more on the last step, so the total is on no coarse grid:
                // a Timed that only looks again now and then (every 10 ms, say) ends late.
                naps[steps - 1] += ms(r.range(1..=9));
                let total: Duration = naps.iter().sum();
                let list: Vec<String> = naps.iter().map(|d| secs(*d)).collect();
                let what = format!(
                    "timed(a future that sleeps {}, then returns Order({dish:?}))",
                    list.join(", then ")
                );
                let (output, took) = within_a_minute(
                    &what,
                    timed(async move {
                        for nap in naps {
                            sleep(nap).await;
                        }
                        Order(dish)
                    }),
                )
                .await?;
                let whole = elapsed();
                expect_eq(&format!("the output of {what}"), output, Order(dish))?;
                expect_measured(&what, took, total, steps > 1)?;
                expect_took(&format!("awaiting {what}"), whole, total).map_err(|fail| {
                    let message = format!(
                        "{} (measured right, {}: the wrapper must add no waiting)",
                        fail.message,
                        secs(took)
                    );
                    Fail::new(fail.kind, message)
                })?;

                restart();
                let value = r.range(1..=99);
                let (output, took) = timed(std::future::ready(value)).await;
                let what = format!("timed(std::future::ready({value}))");
                expect_eq(&format!("the output of {what}"), output, value)?;
                expect_eq(&format!("the time {what} measured"), took, Duration::ZERO)?;
                // What this check judges: the time Timed measured for the sleeping future.
                judged(total);
                Ok(())
            },
        ),
        check(
            "timed-starts-at-first-poll",
            2,
            "a Timed created, left alone a while, then awaited (or spawned) measures only its \
             future's time, from its first poll",
            || async {
                let mut r = rng();
                let idle = r.millis(500..=3000, 100);
                let nap = r.millis(300..=2500, 100);
                let dish = r.name();
                let tea = timed(async move {
                    sleep(nap).await;
                    dish
                });
                sleep(idle).await;
                let what = format!(
                    "timed(a {} future), first awaited {} after it was created,",
                    secs(nap),
                    secs(idle)
                );
                let (output, took) = within_a_minute(&what, tea).await?;
                expect_eq("the output", output, dish)?;
                expect_took(
                    &format!(
                        "creating the Timed, waiting {}, then awaiting it",
                        secs(idle)
                    ),
                    elapsed(),
                    idle + nap,
                )?;
                expect_started_at_first_poll(&what, took, nap, idle)?;

                // The same in a spawned task that starts running only after a while.
                restart();
                let idle = r.millis(500..=3000, 100);
                let nap = r.millis(300..=2500, 100);
                let value = r.range(1..=99);
                let job = timed(async move {
                    sleep(nap).await;
                    value
                });
                let what = format!(
                    "timed(a {} future), created, then spawned {} later,",
                    secs(nap),
                    secs(idle)
                );
                sleep(idle).await;
                let handle = tokio::spawn(job);
                let (output, took) = within_a_minute(&what, handle)
                    .await?
                    .map_err(|e| Fail::new(Kind::Panicked, e.to_string()))?;
                expect_eq("the output", output, value)?;
                expect_started_at_first_poll(&what, took, nap, idle)
            },
        ),
        check(
            "timed-passes-the-waker-on",
            2,
            "timed(getter) polled by hand: Pending without waking, set() wakes Timed's waker, then \
             Ready; timed(a ready future) is Ready on its first poll",
            || async {
                let mut r = rng();
                let dishes = r.names(2);
                let (wakes, waker) = CountingWaker::new();
                let mut ready = pin!(timed(std::future::ready(Order(dishes[0]))));
                let poll = poll_by_hand(ready.as_mut(), &waker);
                record_line(format!(
                    "timed(ready(Order({:?}))), poll 1: {}",
                    dishes[0],
                    describe_poll(&poll, wakes.take())
                ));
                match poll {
                    Poll::Ready((output, _)) => {
                        expect_eq("the output of timed(ready(..))", output, Order(dishes[0]))?
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

                let dish = dishes[1];
                let polls = r.count(1..=3) as u32;
                let (setter, getter) = cell::<Order>();
                let mut timed_getter = pin!(timed(getter));
                for n in 1..=polls {
                    let poll = poll_by_hand(timed_getter.as_mut(), &waker);
                    let woke = wakes.take();
                    record_line(format!(
                        "timed(getter), poll {n}: {}",
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
                         polling. Neither Timed nor the getter should wake anyone while nothing \
                         has changed.",
                    )?;
                }
                setter.set(Order(dish));
                let woke = wakes.take();
                record_line(format!(
                    "set(Order({dish:?})): woke Timed's waker {woke} time(s)"
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
                    "timed(getter), poll {}: {}",
                    polls + 1,
                    describe_poll(&poll, 0)
                ));
                match poll {
                    Poll::Ready((output, _)) => {
                        expect_eq("the output of timed(getter)", output, Order(dish))
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
            "timed-side-by-side",
            2,
            "three Timed running at once, first polled at different instants, one inside \
             another: each measures its own future",
            || async {
                let mut r = rng();
                // A and C start at once; B is first polled while A still runs; C is a Timed
                // inside a Timed. Durations differ, so no two futures end at one instant.
                let naps = r.distinct_millis(3, 1000..=3000, 100);
                let (a, b, c) = (naps[0], naps[1], naps[2]);
                let late = r.millis(100..=a.as_millis() as u64 - 100, 100);
                // `nap` starts its sleep at its first poll (tokio's `sleep(d)` counts from its
                // creation), so B's future takes its whole time, from B's first poll.
                let timed_a = timed(nap(a));
                let timed_b = timed(nap(b));
                let timed_c = timed(timed(nap(c)));
                let what = format!(
                    "A = timed(sleep {}) awaited at once, B = timed(sleep {}) created with A and \
                     first polled {} later, and C = timed(timed(sleep {})), all joined",
                    secs(a),
                    secs(b),
                    secs(late),
                    secs(c)
                );
                let all = async {
                    tokio::join!(
                        timed_a,
                        async move {
                            sleep(late).await;
                            timed_b.await
                        },
                        timed_c
                    )
                };
                let (((), took_a), ((), took_b), (((), took_c_inner), took_c)) =
                    within_a_minute(&what, all).await?;
                let end = a.max(late + b).max(c);
                record_line(format!(
                    "{what}: A measured {}, B {}, C {} (its inner Timed {}), all done at {}",
                    secs(took_a),
                    secs(took_b),
                    secs(took_c),
                    secs(took_c_inner),
                    secs(elapsed())
                ));
                let mut wrong = Vec::new();
                for (name, took, expected) in [
                    ("A", took_a, a),
                    ("B", took_b, b),
                    ("C", took_c, c),
                    ("C's inner Timed", took_c_inner, c),
                ] {
                    if took != expected {
                        wrong.push(format!(
                            "{name} measured {}, expected {}",
                            secs(took),
                            secs(expected)
                        ));
                    }
                }
                if !wrong.is_empty() {
                    let all = [took_a, took_b, took_c, took_c_inner];
                    let why = if took_b == late + b {
                        " B measured from the instant it was created, with A, and not from its \
                         own first poll: every Timed must note its own start at its own first \
                         poll, in its own `started` field (not in timed(), and not in anything \
                         all Timed share, such as a static)."
                    } else if all.iter().all(|took| took.is_zero()) {
                        " Nothing measured at all: is the start taken again on every poll (so \
                         the last poll, which finds the future Ready, measures from itself)?"
                    } else if all.iter().all(|took| *took < ms(50)) {
                        " That is real time, not the runtime's: std::time::Instant follows the \
                         wall clock, which hardly moves while tokio's paused clock jumps ahead. \
                         Use tokio::time::Instant."
                    } else {
                        " Some Timed measured from another one's start, or from when another one \
                         finished: a start kept somewhere all Timed share (a static, a \
                         thread-local) instead of in each Timed. Keep it in each Timed's own \
                         `started` field, noted at its own first poll."
                    };
                    return Err(Fail::new(
                        Kind::WrongTiming,
                        format!("{what}: {}.{why}", wrong.join("; ")),
                    ));
                }
                expect_took(&format!("{what}, in all,"), elapsed(), end)
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

/// The getter of [`expect_value_before_wake`], shared with the waker that polls it.
type SharedGetter = Arc<Mutex<Pin<Box<Getter<Order>>>>>;

/// A waker that, the first time it is woken, has the getter polled at once (with waker B), as a
/// runtime with more threads may poll a woken task at once on another thread, and returns from
/// `wake` only once that poll is done. So the poll happens *inside* `set()`'s call to `wake`,
/// before `set()` can do anything more: what it sees is what `set()` had done before waking. (The
/// poll runs on a thread of its own, so that a `set()` that wakes while holding its lock, after
/// storing the value, is not deadlocked: then the poll waits for the lock, `wake` gives up
/// waiting after 2 s, and the poll finds the value once `set()` lets go of the lock.)
struct PollOnWake {
    getter: SharedGetter,
    waker_b: Waker,
    fired: AtomicBool,
    /// The poll made at the wake-up, once done, and whether it was done before `wake` returned.
    at_wake: Arc<Mutex<Option<Poll<Order>>>>,
    in_wake: AtomicBool,
    poller: Mutex<Option<std::thread::JoinHandle<()>>>,
}

impl std::task::Wake for PollOnWake {
    fn wake(self: Arc<Self>) {
        self.wake_by_ref();
    }

    fn wake_by_ref(self: &Arc<Self>) {
        if self.fired.swap(true, Ordering::SeqCst) {
            return;
        }
        let (done_tx, done_rx) = std::sync::mpsc::channel();
        let (getter, waker_b, at_wake) = (
            self.getter.clone(),
            self.waker_b.clone(),
            self.at_wake.clone(),
        );
        let poller = std::thread::spawn(move || {
            let mut getter = getter.lock().unwrap_or_else(|e| e.into_inner());
            let poll = poll_by_hand(getter.as_mut(), &waker_b);
            *at_wake.lock().unwrap_or_else(|e| e.into_inner()) = Some(poll);
            let _ = done_tx.send(());
        });
        let in_wake = done_rx.recv_timeout(Duration::from_secs(2)).is_ok();
        self.in_wake.store(in_wake, Ordering::SeqCst);
        *self.poller.lock().unwrap_or_else(|e| e.into_inner()) = Some(poller);
    }
}

/// `set()` on another thread, with the getter polled the moment its waker is woken, before `set()`
/// goes on: that poll must see the value. A `set()` that wakes first and stores the value
/// afterwards loses the wake-up here every time (the woken task looks, finds nothing, parks again
/// with a new waker, and nobody wakes that one once the value is in). Runs on a blocking thread,
/// so the runtime's thread is never held.
async fn expect_value_before_wake(dish: &'static str) -> Result<(), Fail> {
    let (lines, verdict) = tokio::task::spawn_blocking(move || {
        let (setter, getter) = cell::<Order>();
        let getter: SharedGetter = Arc::new(Mutex::new(Box::pin(getter)));
        let (wakes_b, waker_b) = CountingWaker::new();
        let hook = Arc::new(PollOnWake {
            getter: getter.clone(),
            waker_b: waker_b.clone(),
            fired: AtomicBool::new(false),
            at_wake: Arc::new(Mutex::new(None)),
            in_wake: AtomicBool::new(false),
            poller: Mutex::new(None),
        });
        let waker_a = Waker::from(hook.clone());
        let poll_now = |waker: &Waker| {
            let mut getter = getter.lock().unwrap_or_else(|e| e.into_inner());
            poll_by_hand(getter.as_mut(), waker)
        };
        let mut lines = Vec::new();
        let first = poll_now(&waker_a);
        lines.push(format!(
            "poll 1 with waker A, nothing set: {}",
            describe_poll(&first, 0)
        ));
        if first.is_ready() {
            return (lines, Ok(())); // pending-until-set says what is wrong
        }
        let setting = std::thread::spawn(move || setter.set(Order(dish)));
        if setting.join().is_err() {
            let fail = Fail::new(
                Kind::Panicked,
                "set() panicked on another thread, while a task waited for the getter.",
            );
            return (lines, Err(fail));
        }
        let poller = hook.poller.lock().unwrap_or_else(|e| e.into_inner()).take();
        let Some(poller) = poller else {
            // set() never woke waker A: set-wakes-the-waiter says what is wrong.
            lines.push(format!(
                "set(Order({dish:?})) on another thread did not wake waker A"
            ));
            return (lines, Ok(()));
        };
        let _ = poller.join();
        let at_wake = hook
            .at_wake
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .take()
            .unwrap_or(Poll::Pending);
        let when = if hook.in_wake.load(Ordering::SeqCst) {
            "at once, before set() went on"
        } else {
            "as soon as set() let go of its lock"
        };
        lines.push(format!(
            "set(Order({dish:?})) on another thread woke waker A; poll 2, with waker B, {when}: {}",
            describe_poll(&at_wake, 0)
        ));
        if at_wake.is_ready() {
            return (lines, Ok(()));
        }
        let woke_b = wakes_b.take();
        lines.push(format!(
            "set() returned; waker B was woken {woke_b} time(s)"
        ));
        if woke_b > 0 {
            return (lines, Ok(()));
        }
        // Only a value there now, and not at the wake-up, shows that set() woke too early. A
        // getter that stays Pending with the value there has another mistake, which the rest of
        // this check (and others) judge.
        let after = poll_now(&waker_b);
        lines.push(format!(
            "poll 3, with waker B: {}",
            describe_poll(&after, 0)
        ));
        let verdict = expect(
            after.is_pending(),
            Kind::WrongValue,
            "set() woke the waiting task before it stored the value (or before the value was \
             there for a poll to see). The check had the getter polled the moment set() woke its \
             waker (a runtime with more threads may poll the woken task at once, on another \
             thread): the poll found no value and returned Pending, leaving a new waker, and \
             then set() went on and the value came with nobody to wake. The task would sleep forever with its value right there. \
             In set(), store the value and take the waker under one lock, and wake the waker \
             only after that: waking is the last thing set() does.",
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

/// Whether `set()` wakes the waker a Pending poll left, in the plainest case (one thread, one
/// poll, then set): tells a poll that loses the race apart from a set that never wakes anyone.
fn set_wakes_a_stored_waker() -> bool {
    let (setter, getter) = cell::<Order>();
    let mut getter = pin!(getter);
    let (wakes, waker) = CountingWaker::new();
    if poll_by_hand(getter.as_mut(), &waker).is_ready() {
        return true;
    }
    setter.set(Order("probe"));
    wakes.take() > 0
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

/// Judges what a Timed first polled `idle` after its creation measured for a `nap`-long future.
fn expect_started_at_first_poll(
    what: &str,
    took: Duration,
    nap: Duration,
    idle: Duration,
) -> Result<(), Fail> {
    if took == idle + nap {
        judged(took);
        return Err(Fail::new(
            Kind::WrongTiming,
            format!(
                "{what} measured {}, the {} before its first poll included: its clock started \
                 when it was created. The contract starts it at the first poll: a future does \
                 nothing until it is polled, so the time before that is not its own. Note the \
                 Instant in poll, the first time (`started` still None), not in timed().",
                secs(took),
                secs(idle)
            ),
        ));
    }
    expect_measured(what, took, nap, false)
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
