//! # Exercise 02: an event loop by hand (solution)
//!
//! A round-robin executor built from the standard library alone: no tokio anywhere in this crate.
//!
//! - [`yield_now`] is Python's `yield`: a future that says "not yet" once, after asking to be
//!   polled again.
//! - [`count`] is the Python generator `mygen(id, maximum)`, written as an `async fn`.
//! - [`Executor`] is the Python `while generators: for g in generators: next(g)` loop, with one
//!   change that makes it a real event loop: it only polls the tasks whose waker was woken.
//! - [`round_robin`] runs the Python demo on it.

use std::cell::RefCell;
use std::collections::{HashMap, VecDeque};
use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll, Wake, Waker};

/// The shared log the demo tasks write their lines to. `Rc<RefCell<..>>` is enough: the executor
/// runs every task on the one thread that calls [`Executor::run`].
pub type Log = Rc<RefCell<Vec<String>>>;

/// A future that gives way once: the first poll wakes the waker and returns `Pending`, the second
/// poll returns `Ready(())`.
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

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        if self.yielded {
            return Poll::Ready(());
        }
        self.yielded = true;
        // "Poll me again" must be said *before* "not yet": an executor polls a Pending task again
        // only after its waker is woken. Without this line the task would sleep forever.
        cx.waker().wake_by_ref();
        Poll::Pending
    }
}

/// The Python generator as an `async fn`: pushes `"{id}: {i}"` to `log` for each `i` in
/// `0..maximum`, and yields after each line.
pub async fn count(id: u32, maximum: u32, log: Log) {
    for i in 0..maximum {
        // The `RefMut` is dropped at the end of this statement, before the await: never hold a
        // `RefCell` borrow across an `.await`, or the next task to touch the log would panic.
        log.borrow_mut().push(format!("{id}: {i}"));
        yield_now().await;
    }
}

/// A spawned future, boxed (tasks of different types live in one map) and pinned (`poll` takes
/// `Pin<&mut Self>`: once polled, a future must never move, and a `Box` never moves its contents).
type Task = Pin<Box<dyn Future<Output = ()>>>;

/// The ids of the tasks that are ready to be polled, oldest first. Shared with every waker, and
/// wakers must be `Send + Sync` (real ones are woken from timer and I/O threads), hence
/// `Arc<Mutex<..>>` rather than `Rc<RefCell<..>>`, even though this executor is single-threaded.
type ReadyQueue = Arc<Mutex<VecDeque<usize>>>;

/// What a task's [`Waker`] does when woken: put the task's id back at the end of the ready queue.
struct TaskWaker {
    id: usize,
    ready: ReadyQueue,
}

impl Wake for TaskWaker {
    fn wake(self: Arc<Self>) {
        self.wake_by_ref();
    }

    fn wake_by_ref(self: &Arc<Self>) {
        let mut ready = self.ready.lock().unwrap();
        // Woken twice before its turn? It is polled once: one place in the queue is enough.
        if !ready.contains(&self.id) {
            ready.push_back(self.id);
        }
    }
}

/// A single-threaded round-robin executor: the ready queue is first come, first served, and a task
/// that returns `Pending` waits (costing nothing) until its waker is woken.
#[derive(Default)]
pub struct Executor {
    /// Every task that has not finished yet, parked or ready, by id.
    tasks: HashMap<usize, Task>,
    /// The id the next spawned task gets.
    next_id: usize,
    /// What to poll next.
    ready: ReadyQueue,
}

impl Executor {
    /// An executor with no tasks.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds `future` as a new task at the back of the ready queue. It is not polled here: nothing
    /// runs until [`Executor::run`].
    pub fn spawn(&mut self, future: impl Future<Output = ()> + 'static) {
        let id = self.next_id;
        self.next_id += 1;
        self.tasks.insert(id, Box::pin(future));
        self.ready.lock().unwrap().push_back(id);
    }

    /// Schedules `callback` to be called once, when [`Executor::run`] reaches it in the ready
    /// queue: after everything scheduled before it, before everything scheduled after it.
    pub fn call_soon(&mut self, callback: impl FnOnce() + 'static) {
        // A callback is a task that finishes on its first poll. (asyncio does it the other way
        // round: each step of a task is a callback that the loop calls soon.)
        self.spawn(async move { callback() });
    }

    /// Polls ready tasks, oldest first, until none is ready. Returns even if some tasks are still
    /// `Pending`: they are kept, and polled again once their waker is woken (and `run` is called).
    pub fn run(&mut self) {
        while let Some(id) = self.next_ready() {
            // A waker may outlive its task: an id whose task has finished is simply skipped.
            let Some(task) = self.tasks.get_mut(&id) else {
                continue;
            };
            let waker = Waker::from(Arc::new(TaskWaker {
                id,
                ready: Arc::clone(&self.ready),
            }));
            let mut cx = Context::from_waker(&waker);
            if task.as_mut().poll(&mut cx).is_ready() {
                // Finished: drop it, like the Python `generators.remove(one_g)`. A future must
                // never be polled again after it returned Ready.
                self.tasks.remove(&id);
            }
        }
    }

    /// Takes the id at the front of the ready queue. A function of its own so that the lock is
    /// released before the task is polled: the task's waker needs that same lock.
    fn next_ready(&self) -> Option<usize> {
        self.ready.lock().unwrap().pop_front()
    }
}

/// The Python demo: `count(1, 5)`, `count(2, 7)` and `count(3, 3)` spawned in that order and run to
/// the end, then `"Done!"`. Returns every line in the order it was logged:
/// `1: 0`, `2: 0`, `3: 0`, `1: 1`, ... `2: 6`, `Done!`.
pub fn round_robin() -> Vec<String> {
    let log = Log::default();
    let mut executor = Executor::new();
    executor.spawn(count(1, 5, log.clone()));
    executor.spawn(count(2, 7, log.clone()));
    executor.spawn(count(3, 3, log.clone()));
    executor.run();
    log.borrow_mut().push("Done!".to_string());
    log.take()
}
