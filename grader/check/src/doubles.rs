//! Test doubles that checks share: futures and wakers that watch what the code under test does.
//!
//! A check that wants to know *how* a student's code drives futures (how often it polls, whether
//! it wakes, whether it drops what it cancels, how many jobs run at once) hands it one of these
//! instead of a real job. They never touch the student's code themselves, so a check built from
//! them fails only when the code under test is wrong.
//!
//! - [`CountingWaker`]: a waker that counts its wake-ups, for polling by hand;
//! - [`YieldOnce`]: the check's own `yield_now` (Pending once, after waking);
//! - [`Gate`]: a future that waits until someone opens the gate (the outside world, for a
//!   hand-made executor);
//! - [`Watched`] and [`Stats`]: wraps any future (`Send` if it is) and counts its polls, polls
//!   after Ready, and when it started, finished and was dropped: how a check sees cancellation;
//! - [`HookedWaker`]: a waker that runs a hook when it is first cloned, to make a race happen at
//!   one exact point;
//! - [`InFlight`]: counts jobs running at once and remembers the most, for concurrency limits.
//!
//! [`Gate`] is single-threaded (`Rc`), for hand-made executors; [`Watched`] and [`InFlight`] are
//! `Send`, for jobs that go to `tokio::spawn` or a `JoinSet`.

use std::cell::{Cell, RefCell};
use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll, RawWaker, RawWakerVTable, Wake, Waker};
use std::time::Duration;

/// A waker that only counts how often it is woken.
///
/// ```ignore
/// let wakes = Arc::new(CountingWaker::default());
/// let waker = Waker::from(wakes.clone());
/// let mut cx = Context::from_waker(&waker);
/// let first = future.as_mut().poll(&mut cx);
/// record_line(format!("poll 1: {}", describe_poll(&first, wakes.take())));
/// ```
#[derive(Default)]
pub struct CountingWaker(AtomicUsize);

impl CountingWaker {
    /// A fresh counting waker, and the `Waker` to hand out.
    pub fn new() -> (Arc<CountingWaker>, Waker) {
        let counter = Arc::new(CountingWaker::default());
        let waker = Waker::from(counter.clone());
        (counter, waker)
    }

    /// The wake-ups since the last call (and starts counting again from zero).
    pub fn take(&self) -> usize {
        self.0.swap(0, Ordering::SeqCst)
    }

    /// The wake-ups since the last [`take`](Self::take), without resetting.
    pub fn count(&self) -> usize {
        self.0.load(Ordering::SeqCst)
    }
}

impl Wake for CountingWaker {
    fn wake(self: Arc<Self>) {
        self.wake_by_ref();
    }

    fn wake_by_ref(self: &Arc<Self>) {
        self.0.fetch_add(1, Ordering::SeqCst);
    }
}

/// One poll in words: "Ready", "Pending, woke the waker" or "Pending, did not wake the waker",
/// given the wake-ups the poll made. Transcripts of hand-polling read as sentences with it.
pub fn describe_poll<T>(result: &Poll<T>, wakes: usize) -> &'static str {
    match (result, wakes) {
        (Poll::Ready(_), _) => "Ready",
        (Poll::Pending, 0) => "Pending, did not wake the waker",
        (Poll::Pending, _) => "Pending, woke the waker",
    }
}

/// The check's own `yield_now`: the first poll wakes the waker and returns Pending, the second
/// returns Ready. Tasks built from it yield without relying on the student's code.
#[derive(Default)]
pub struct YieldOnce(bool);

impl YieldOnce {
    pub fn new() -> YieldOnce {
        YieldOnce(false)
    }
}

impl Future for YieldOnce {
    type Output = ();

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        if self.0 {
            return Poll::Ready(());
        }
        self.0 = true;
        cx.waker().wake_by_ref();
        Poll::Pending
    }
}

/// A gate a task can wait at: closed until someone calls [`open`](Gate::open), which wakes
/// whoever waits. Clones share one gate.
#[derive(Clone, Default)]
pub struct Gate(Rc<GateState>);

#[derive(Default)]
struct GateState {
    open: Cell<bool>,
    /// The waker of the task waiting at the gate. `open` wakes it but leaves it here, so a check
    /// can wake it again later, as a stale waker.
    waker: RefCell<Option<Waker>>,
}

impl Gate {
    pub fn new() -> Gate {
        Gate::default()
    }

    /// Opens the gate and wakes the task waiting there, if any.
    pub fn open(&self) {
        self.0.open.set(true);
        let waker = self.0.waker.borrow().clone();
        if let Some(waker) = waker {
            waker.wake();
        }
    }

    pub fn is_open(&self) -> bool {
        self.0.open.get()
    }

    /// The waker last left at the gate (still there after `open`): waking it again is a stale
    /// wake-up, which a correct executor must shrug off.
    pub fn last_waker(&self) -> Option<Waker> {
        self.0.waker.borrow().clone()
    }

    /// Waits until the gate is open: Pending (leaving its waker at the gate, and not waking it)
    /// until then.
    pub fn wait(&self) -> impl Future<Output = ()> + use<> {
        let gate = self.clone();
        std::future::poll_fn(move |cx| {
            if gate.0.open.get() {
                Poll::Ready(())
            } else {
                *gate.0.waker.borrow_mut() = Some(cx.waker().clone());
                Poll::Pending
            }
        })
    }
}

/// What was done with one [`Watched`] future. Shared with the future (`Arc`), and `Send`, so
/// the future can go to `tokio::spawn` or a `JoinSet`.
#[derive(Default)]
pub struct Stats(Mutex<Seen>);

#[derive(Clone, Copy, Default)]
struct Seen {
    polls: u32,
    polls_after_ready: u32,
    first_polled_at: Option<Duration>,
    finished_at: Option<Duration>,
    dropped_at: Option<Duration>,
}

impl Stats {
    fn seen(&self) -> Seen {
        *self.lock()
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Seen> {
        // A panic while the lock was held leaves what was seen as it was: still true.
        self.0
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Polls before (and including) the one that returned Ready.
    pub fn polls(&self) -> u32 {
        self.seen().polls
    }

    /// Polls after the future had returned Ready (each one a bug: an `async fn` would panic).
    pub fn polls_after_ready(&self) -> u32 {
        self.seen().polls_after_ready
    }

    /// The check's virtual time (see [`crate::expect::elapsed`]) of the first poll: when the
    /// future started to run. `None` if it never did.
    pub fn first_polled_at(&self) -> Option<Duration> {
        self.seen().first_polled_at
    }

    /// Whether the future returned Ready.
    pub fn finished(&self) -> bool {
        self.seen().finished_at.is_some()
    }

    /// When the future returned Ready.
    pub fn finished_at(&self) -> Option<Duration> {
        self.seen().finished_at
    }

    /// Whether the future has been dropped: finished and let go, or cancelled.
    pub fn dropped(&self) -> bool {
        self.seen().dropped_at.is_some()
    }

    /// When the future was dropped.
    pub fn dropped_at(&self) -> Option<Duration> {
        self.seen().dropped_at
    }

    /// Dropped without finishing: cancelled (aborted, timed out, lost a `select!`).
    pub fn cancelled(&self) -> bool {
        self.cancelled_at().is_some()
    }

    /// When the future was dropped without having finished.
    pub fn cancelled_at(&self) -> Option<Duration> {
        let seen = self.seen();
        seen.dropped_at.filter(|_| seen.finished_at.is_none())
    }
}

/// Wraps a future to watch what is done with it: counts its polls, notices a poll after Ready
/// (instead of panicking as an `async fn` would, so the check can say what happened), and
/// notes the virtual instants of its first poll, its end and its drop. `Send` when the future
/// is, so it can be spawned.
pub struct Watched<F: Future> {
    future: Pin<Box<F>>,
    output: Option<F::Output>,
    stats: Arc<Stats>,
}

/// Wraps `future` in a [`Watched`], and returns the [`Stats`] the check reads.
pub fn watched<F: Future>(future: F) -> (Watched<F>, Arc<Stats>) {
    let stats = Arc::new(Stats::default());
    let watched = Watched {
        future: Box::pin(future),
        output: None,
        stats: stats.clone(),
    };
    (watched, stats)
}

impl<F: Future> Future for Watched<F>
where
    F::Output: Clone,
{
    type Output = F::Output;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<F::Output> {
        if let Some(output) = &self.output {
            self.stats.lock().polls_after_ready += 1;
            return Poll::Ready(output.clone());
        }
        {
            let mut seen = self.stats.lock();
            seen.polls += 1;
            seen.first_polled_at
                .get_or_insert_with(crate::expect::elapsed);
        }
        let result = self.future.as_mut().poll(cx);
        if let Poll::Ready(output) = &result {
            self.stats.lock().finished_at = Some(crate::expect::elapsed());
            let output = output.clone();
            self.output = Some(output);
        }
        result
    }
}

// `Watched` holds its future boxed, so it never relies on being pinned itself.
impl<F: Future> Unpin for Watched<F> {}

impl<F: Future> Drop for Watched<F> {
    fn drop(&mut self) {
        self.stats.lock().dropped_at = Some(crate::expect::elapsed());
    }
}

/// A waker that counts its wake-ups and runs a hook the first time it is cloned: the moment a
/// future keeps it. A check makes a race happen at one exact point with it (09: the value arrives
/// between the getter's check and its storing the waker). `CountingWaker` cannot do this (a `std::task::Wake` waker clones its `Arc`
/// without telling anyone), so this one is built from a `RawWaker`.
pub struct HookedWaker {
    wakes: AtomicUsize,
    on_first_clone: Mutex<Option<Box<dyn FnOnce() + Send>>>,
}

impl HookedWaker {
    /// A fresh hooked waker: `hook` runs (once) when the waker is first cloned.
    pub fn new(hook: Box<dyn FnOnce() + Send>) -> (Arc<HookedWaker>, Waker) {
        let hooked = Arc::new(HookedWaker {
            wakes: AtomicUsize::new(0),
            on_first_clone: Mutex::new(Some(hook)),
        });
        let data = Arc::into_raw(hooked.clone()).cast::<()>();
        // SAFETY: `data` is an `Arc<HookedWaker>` turned into a pointer, which is what every
        // function of HOOKED_VTABLE expects; the waker owns that one strong count.
        #[allow(unsafe_code)]
        let waker = unsafe { Waker::from_raw(RawWaker::new(data, &HOOKED_VTABLE)) };
        (hooked, waker)
    }

    /// The wake-ups so far.
    pub fn wakes(&self) -> usize {
        self.wakes.load(Ordering::SeqCst)
    }
}

static HOOKED_VTABLE: RawWakerVTable =
    RawWakerVTable::new(hooked_clone, hooked_wake, hooked_wake_by_ref, hooked_drop);

// SAFETY (all four): `data` always comes from `Arc::into_raw` of an `Arc<HookedWaker>`, and each
// waker owns one strong count of it.
#[allow(unsafe_code)]
unsafe fn hooked_clone(data: *const ()) -> RawWaker {
    let hooked = unsafe { &*data.cast::<HookedWaker>() };
    let hook = hooked
        .on_first_clone
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
        .take();
    if let Some(hook) = hook {
        hook();
    }
    unsafe { Arc::increment_strong_count(data.cast::<HookedWaker>()) };
    RawWaker::new(data, &HOOKED_VTABLE)
}

#[allow(unsafe_code)]
unsafe fn hooked_wake(data: *const ()) {
    unsafe {
        hooked_wake_by_ref(data);
        hooked_drop(data);
    }
}

#[allow(unsafe_code)]
unsafe fn hooked_wake_by_ref(data: *const ()) {
    let hooked = unsafe { &*data.cast::<HookedWaker>() };
    hooked.wakes.fetch_add(1, Ordering::SeqCst);
}

#[allow(unsafe_code)]
unsafe fn hooked_drop(data: *const ()) {
    drop(unsafe { Arc::from_raw(data.cast::<HookedWaker>()) });
}

/// Counts jobs running at once, and remembers the most there ever were. Clones share the count;
/// it is `Send`, so jobs given to `tokio::spawn` can carry it.
///
/// ```ignore
/// let flight = InFlight::new();
/// let job = { let flight = flight.clone(); move |secs| async move {
///     let _running = flight.enter();
///     tokio::time::sleep(Duration::from_secs(secs)).await;
/// }};
/// // ... run the jobs through the student's pool ...
/// expect_eq("most jobs at once", 2, flight.most())?;
/// ```
#[derive(Clone, Default)]
pub struct InFlight(Arc<Mutex<FlightState>>);

#[derive(Default)]
struct FlightState {
    now: usize,
    most: usize,
    started: usize,
}

impl InFlight {
    pub fn new() -> InFlight {
        InFlight::default()
    }

    /// A job starts; it counts as running until the guard is dropped (when the job ends, or is
    /// cancelled).
    pub fn enter(&self) -> Running {
        let mut state = self.lock();
        state.now += 1;
        state.started += 1;
        state.most = state.most.max(state.now);
        Running(self.clone())
    }

    /// Jobs running now.
    pub fn now(&self) -> usize {
        self.lock().now
    }

    /// The most jobs that ever ran at once.
    pub fn most(&self) -> usize {
        self.lock().most
    }

    /// Jobs that have started, in all.
    pub fn started(&self) -> usize {
        self.lock().started
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, FlightState> {
        // A job that panicked while holding the lock leaves the counts as they were: still true.
        self.0
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

/// One running job of an [`InFlight`]; dropping it ends the job.
pub struct Running(InFlight);

impl Drop for Running {
    fn drop(&mut self) {
        self.0.lock().now -= 1;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn watched_counts_polls_and_sees_cancellation() {
        let (counter, waker) = CountingWaker::new();
        let mut cx = Context::from_waker(&waker);
        let gate = Gate::new();
        let (mut future, stats) = watched(gate.wait());
        assert!(Pin::new(&mut future).poll(&mut cx).is_pending());
        assert_eq!(counter.take(), 0);
        gate.open();
        assert_eq!(counter.take(), 1);
        assert!(Pin::new(&mut future).poll(&mut cx).is_ready());
        assert!(Pin::new(&mut future).poll(&mut cx).is_ready());
        assert_eq!((stats.polls(), stats.polls_after_ready()), (2, 1));
        drop(future);
        assert!(stats.dropped() && !stats.cancelled());

        let (never, stats) = watched(std::future::pending::<()>());
        drop(never);
        assert!(stats.cancelled());
    }

    #[test]
    fn yield_once_wakes_then_finishes() {
        let (counter, waker) = CountingWaker::new();
        let mut cx = Context::from_waker(&waker);
        let mut y = YieldOnce::new();
        let first = Pin::new(&mut y).poll(&mut cx);
        assert_eq!(
            describe_poll(&first, counter.take()),
            "Pending, woke the waker"
        );
        assert!(Pin::new(&mut y).poll(&mut cx).is_ready());
    }

    #[test]
    fn hooked_waker_runs_its_hook_on_the_first_clone_only() {
        let calls = Arc::new(AtomicUsize::new(0));
        let (hooked, waker) = HookedWaker::new({
            let calls = calls.clone();
            Box::new(move || {
                calls.fetch_add(1, Ordering::SeqCst);
            })
        });
        let kept = waker.clone();
        let again = waker.clone();
        assert_eq!(calls.load(Ordering::SeqCst), 1);
        kept.wake();
        again.wake_by_ref();
        drop(again);
        assert_eq!(hooked.wakes(), 2);
        drop(waker);
        assert_eq!(
            Arc::strong_count(&hooked),
            1,
            "every waker gave its count back"
        );
    }

    #[test]
    fn in_flight_remembers_the_most() {
        let flight = InFlight::new();
        let a = flight.enter();
        let b = flight.enter();
        drop(a);
        let _c = flight.enter();
        drop(b);
        assert_eq!((flight.now(), flight.most(), flight.started()), (1, 2, 3));
    }
}
