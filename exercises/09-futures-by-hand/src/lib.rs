//! # Exercise 09: futures by hand
//!
//! The lesson is in README.md; this file is the contract. Replace each `todo!()` below.
//!
//! Two futures written without `async`: a one-shot cell whose receiving half is a future
//! (asyncio's `Future` with `set_result`), and a wrapper that measures how long the future inside
//! it took, in tokio's time (a timing decorator such as asyncio's `@async_timed()`).
//!
//! For `run()` the grader expects this transcript (times in seconds since the start):
//!
//! ```text
//!   0.000s  waiter: an order of soup goes to the kitchen
//!   0.000s  cook: starts the soup
//!   1.500s  cook: the soup is ready
//!   1.500s  waiter: soup served, after waiting 1.500 s
//!   1.500s  waiter: tea ordered; it steeps once someone waits for it
//!   2.500s  waiter: now waiting for the tea
//!   4.500s  waiter: tea served, after steeping 2.000 s
//!   4.500s  waiter: the bill of 42 was there before anyone asked: 0.000 s
//! ```
//!
//! Lines stamped with the same time may come in any order.

use awaitlings::say;
use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex, MutexGuard};
use std::task::{Context, Poll, Waker};
use std::time::Duration;
use tokio::time::{Instant, sleep};

/// What the two halves of a cell share: the value once it is set, and the waker of whoever waits
/// for it.
struct Shared<T> {
    /// `Some` once [`Setter::set`] has run, until the [`Getter`] takes it.
    value: Option<T>,
    /// The waker the getter left with its last `Pending`: the one to wake when the value comes.
    waker: Option<Waker>,
}

/// The sending half of a cell: sets the value, once.
pub struct Setter<T> {
    shared: Arc<Mutex<Shared<T>>>,
}

/// The receiving half of a cell: a future whose output is the value, once it is set (asyncio's
/// `await future`).
///
/// The contract, poll by poll:
/// - the value is not set yet: `Pending`, and this poll's waker is kept, *replacing* any waker
///   an earlier poll left (the future may be polled by another task now: only the latest waker
///   leads to whoever waits). The poll never wakes that waker itself: a future that wakes itself
///   while it has nothing new is polled again and again for nothing (busy polling);
/// - the value is set: `Ready(value)`, whether it was set long before the first poll or just
///   now. A value set before anyone polled is not lost.
///
/// [`Setter::set`] wakes the waker of the latest `Pending` poll, exactly once, and no other.
/// A cell never set stays `Pending` for good. `Setter` and `Getter` are `Send` when `T` is: the
/// value may be set from another thread (or a `spawn_blocking` job) while a task waits for it.
pub struct Getter<T> {
    shared: Arc<Mutex<Shared<T>>>,
}

/// A new, empty one-shot cell: its [`Setter`] and its [`Getter`] (asyncio's
/// `loop.create_future()`, split in two halves).
pub fn cell<T>() -> (Setter<T>, Getter<T>) {
    let shared = Arc::new(Mutex::new(Shared {
        value: None,
        waker: None,
    }));
    (
        Setter {
            shared: shared.clone(),
        },
        Getter { shared },
    )
}

/// Locks the shared state. A thread that panicked while holding the lock cannot have left it
/// half-changed (every change is one assignment), so a poisoned lock is still good to use.
fn lock<T>(shared: &Mutex<Shared<T>>) -> MutexGuard<'_, Shared<T>> {
    shared
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

impl<T> Setter<T> {
    /// Sets the cell's value (asyncio's `future.set_result(value)`) and wakes the getter if it is
    /// waiting. Works from any thread, before or after the getter is first polled.
    pub fn set(self, value: T) {
        let _ = (&self.shared, value);
        todo!(
            "under the lock: store the value and take the waker; then, outside the lock, wake that waker if there was one"
        )
    }
}

impl<T> Future for Getter<T> {
    type Output = T;

    /// `Ready(value)` once the value is set; until then `Pending`, leaving this poll's waker for
    /// [`Setter::set`] to wake. Never wakes the waker itself: nothing has changed yet, and a future
    /// that wakes itself while Pending is polled again and again for nothing (busy polling).
    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<T> {
        let _ = cx;
        let shared = lock(&self.shared);
        todo!(
            "value there (it is {}): take it and return Ready; else leave this poll's waker (replacing {}) and return Pending, without waking it",
            if shared.value.is_some() {
                "set"
            } else {
                "not set"
            },
            if shared.waker.is_some() {
                "the stored one"
            } else {
                "none yet"
            },
        )
    }
}

/// A future that runs the future inside it and measures how long that took, in tokio's time: the
/// timing decorator `@async_timed()` of asyncio courses, as a wrapper.
///
/// The contract:
/// - awaiting `timed(future)` gives `(the future's output, how long it took)`, and takes exactly
///   as long as the future alone: `Timed` adds no waiting of its own;
/// - the time is measured **from `Timed`'s first poll** to the poll at which the inner future is
///   `Ready`. Time spent before the first poll (created but not awaited yet, or waiting in a
///   spawned task's queue) does not count: a future does nothing before it is polled;
/// - the clock is tokio's (`tokio::time::Instant`), so under the grader's paused clock a future
///   that sleeps 1.5 s took exactly `1.500 s`, and one that is `Ready` at once took `0 s`;
/// - every poll polls the inner future with the same `Context`, so the inner future's waker wakes
///   the task that awaits the `Timed`.
pub struct Timed<F: Future> {
    /// The future being timed. Boxed, so that it stays pinned while `Timed` itself moves freely
    /// (`Timed` is `Unpin`): polling it is `self.future.as_mut().poll(cx)`.
    future: Pin<Box<F>>,
    /// When the first poll happened: `None` until then.
    started: Option<Instant>,
}

/// Wraps `future` so that awaiting it gives `(its output, how long it took)`.
pub fn timed<F: Future>(future: F) -> Timed<F> {
    Timed {
        future: Box::pin(future),
        started: None,
    }
}

impl<F: Future> Future for Timed<F> {
    type Output = (F::Output, Duration);

    /// Polls the inner future with the same `cx` (so its waker reaches the task that awaits us),
    /// and when it is Ready, gives its output with the time from our first poll to now.
    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let _ = (cx, &self.future, self.started);
        todo!(
            "note tokio::time::Instant::now() on the first poll only; poll the inner future with the same cx; when Ready, return its output with the time since that first poll"
        )
    }
}

/// A duration the way the demo prints it: `1.500 s`. (Given.)
pub fn secs(duration: Duration) -> String {
    format!("{:.3} s", duration.as_secs_f64())
}

/// The cook: starts on `dish`, takes `time`, then puts the dish in the cell. (Given.)
pub async fn cook(dish: &'static str, time: Duration, pass: Setter<&'static str>) {
    say!("cook: starts the {dish}");
    sleep(time).await;
    say!("cook: the {dish} is ready");
    pass.set(dish);
}

/// Tea that takes `time` to steep. (Given.)
pub async fn steep(time: Duration) -> &'static str {
    sleep(time).await;
    "tea"
}

/// The demo: a waiter who waits for the kitchen with a cell and times every wait. (Given: read it
/// to see both futures in use.)
pub async fn run() {
    // A cell filled by another task: the waiter's future is woken when the cook sets it.
    let (pass, order) = cell();
    say!("waiter: an order of soup goes to the kitchen");
    let kitchen = tokio::spawn(cook("soup", Duration::from_millis(1500), pass));
    let (soup, waited) = timed(order).await;
    say!("waiter: {soup} served, after waiting {}", secs(waited));
    kitchen.await.expect("the cook's task panicked");

    // Timed starts its clock at the first poll: the second spent before anyone awaits the tea
    // is not the tea's.
    let tea = timed(steep(Duration::from_secs(2)));
    say!("waiter: tea ordered; it steeps once someone waits for it");
    sleep(Duration::from_secs(1)).await;
    say!("waiter: now waiting for the tea");
    let (tea, took) = tea.await;
    say!("waiter: {tea} served, after steeping {}", secs(took));

    // A value set before anyone waits is not lost: the first poll finds it.
    let (pay, bill) = cell();
    pay.set(42);
    let (amount, took) = timed(bill).await;
    say!(
        "waiter: the bill of {amount} was there before anyone asked: {}",
        secs(took)
    );
}
