//! # Exercise 02: an event loop by hand
//!
//! Read `README.md` beside this folder first. Then replace each `todo!()` below.
//!
//! There is no tokio in this crate: you build the event loop yourself from the standard library
//! (`std::future::Future`, `std::task::{Context, Poll, Waker, Wake}`). Everything runs on one
//! thread, synchronously: `Executor::run` returns when there is nothing left to do right now.
//!
//! The pieces, in the order to write them:
//! 1. [`yield_now`]: Python's `yield`, as a future.
//! 2. [`count`]: the Python generator `mygen(id, maximum)`, as an `async fn`.
//! 3. [`Executor`]: the `while`/`for` loop that drives the tasks, polling only what is ready.
//! 4. [`round_robin`]: the Python demo, run on your executor.

use std::cell::RefCell;
use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;
use std::task::{Context, Poll};

/// The shared log the tasks write their lines to. `Rc<RefCell<..>>` is enough: every task runs
/// on the one thread that calls [`Executor::run`]. Make one with `Log::default()`, hand each task
/// a `log.clone()`, and push with `log.borrow_mut().push(line)`.
pub type Log = Rc<RefCell<Vec<String>>>;

/// A future that gives way once, like `yield` in a generator.
///
/// - First poll: wake the waker (`cx.waker().wake_by_ref()`), then return `Poll::Pending`. The
///   wake is the task saying "poll me again soon"; `Pending` hands control back to the executor,
///   which can now run someone else.
/// - Second poll: return `Poll::Ready(())`.
pub fn yield_now() -> YieldNow {
    YieldNow { yielded: false }
}

/// The future returned by [`yield_now`].
pub struct YieldNow {
    /// Has this future returned `Pending` already?
    yielded: bool,
}

impl Future for YieldNow {
    type Output = ();

    fn poll(self: Pin<&mut Self>, _cx: &mut Context<'_>) -> Poll<()> {
        todo!(
            "while yielded is false (it is {}): wake the waker, remember, return Pending; then Ready",
            self.yielded
        )
    }
}

/// The Python generator `mygen(id, maximum)` as an `async fn`: for each `i` in `0..maximum`, push
/// the line `"{id}: {i}"` to `log`, then `yield_now().await`.
///
/// So `count(7, 3, log)` takes four polls: the first three each log one line (`7: 0`, `7: 1`,
/// `7: 2`) and return `Pending`; the fourth logs nothing and returns `Ready` (the generator's
/// `StopIteration`).
pub async fn count(_id: u32, _maximum: u32, _log: Log) {
    todo!("log \"{{id}}: {{i}}\" for each i in 0..maximum, yielding after each line")
}

/// A single-threaded round-robin executor.
///
/// It keeps every task (a spawned future) that has not finished, and a **ready queue**: the tasks
/// to poll next, first come, first served. The rules:
///
/// - [`spawn`](Executor::spawn) adds the task at the back of the ready queue. Nothing is polled
///   until [`run`](Executor::run).
/// - [`call_soon`](Executor::call_soon) schedules a callback at the back of the *same* queue: it is
///   called when `run` reaches it, after everything scheduled before it.
/// - `run` takes the task at the front of the queue and polls it once, with a `Waker` that puts the
///   task back at the end of the queue when woken.
///   - `Ready`: the task is finished. Drop it, and never poll it again, even if its old waker is
///     woken later.
///   - `Pending`: keep the task, but do not poll it again until its waker is woken. A task that
///     nobody wakes stays parked: it costs nothing and never blocks the others.
/// - `run` returns as soon as the ready queue is empty, even if parked tasks remain. If one of them
///   is woken later (say by a callback), the next `run` picks it up.
///
/// A suggested layout (yours to change): the tasks in a
/// `HashMap<usize, Pin<Box<dyn Future<Output = ()>>>>` by id, the ready queue as an
/// `Arc<Mutex<VecDeque<usize>>>` of ids shared with the wakers, and a waker type holding a task id
/// and the queue, turned into a `Waker` by implementing `std::task::Wake` for it.
#[derive(Default)]
pub struct Executor {
    // Your fields here.
}

impl Executor {
    /// An executor with no tasks.
    pub fn new() -> Self {
        todo!("an executor with no tasks and an empty ready queue")
    }

    /// Adds `future` as a new task at the back of the ready queue, without polling it.
    pub fn spawn(&mut self, _future: impl Future<Output = ()> + 'static) {
        todo!("keep the future (boxed and pinned) under a new id, and queue that id")
    }

    /// Schedules `callback` to be called once, when [`Executor::run`] reaches it in the ready
    /// queue: after everything spawned or scheduled before it, before everything after it.
    /// (asyncio's `loop.call_soon`.)
    pub fn call_soon(&mut self, _callback: impl FnOnce() + 'static) {
        todo!("schedule the callback in the same queue as the tasks")
    }

    /// Polls ready tasks (and calls scheduled callbacks), front of the queue first, until the queue
    /// is empty. Returns even if some tasks are still `Pending`; they are kept for later.
    pub fn run(&mut self) {
        todo!("while the ready queue has an id: poll that task once with its own waker")
    }
}

/// The Python demo on your executor: spawn `count(1, 5, ..)`, `count(2, 7, ..)` and
/// `count(3, 3, ..)` in that order, run them all, then add the line `"Done!"`. Returns every line in
/// the order it was logged:
///
/// ```text
/// 1: 0
/// 2: 0
/// 3: 0
/// 1: 1
/// 2: 1
/// 3: 1
/// 1: 2
/// 2: 2
/// 3: 2
/// 1: 3
/// 2: 3
/// 1: 4
/// 2: 4
/// 2: 5
/// 2: 6
/// Done!
/// ```
pub fn round_robin() -> Vec<String> {
    todo!("spawn the three counts, run the executor, then add \"Done!\"")
}
