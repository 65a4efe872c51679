//! The watch on the runtime thread: notices when it stops coming back to the scheduler, and when
//! the process uses too much memory.
//!
//! Tokio calls a hook every time its thread goes idle ("park") and wakes up ("unpark"). Under
//! paused time, going idle is also when the clock jumps ahead. So a correct solution is never busy
//! for long: it runs a little, hits an `.await` that waits, and the runtime parks. A solution that
//! calls `std::thread::sleep`, blocking I/O or a long loop stays busy (unparked) for a long stretch
//! of real time while virtual time stands still. A thread of ours watches for such a stretch and,
//! past the limit, ends the check with a verdict at once instead of waiting for the wall-clock kill.
//!
//! Blocked or spinning? The thread's CPU time tells: a thread asleep in a blocking call uses none,
//! a spinning one uses a share of a core. The share is compared with a low bar (5 %), because
//! on a loaded machine a spinning thread gets only a slice of a core; a blocked one gets nothing
//! at all. While the machine is starving, a computing stretch is called spinning only once it
//! has used the limit in CPU time, not merely in real time, so load slows the verdict down but
//! never makes one. A loaded machine also delays *every* thread, so a correct solution can look "busy"
//! only because it was not scheduled: the watcher measures how late its own wake-ups come, and
//! while the machine is starving it waits longer before it concludes (and says so if it must
//! conclude anyway). That is a guess, made where the thread's own wait for a core is not known;
//! on Linux it is known (see below).
//!
//! CPU time comes from calls Linux and macOS both have: the runtime thread's own CPU clock where
//! POSIX offers it (`pthread_getcpuclockid`, Linux), else the process's CPU time (`getrusage`,
//! macOS and the other Unixes), which is the same thing while the check runs one thread. Where
//! neither exists the verdict says it cannot tell.
//!
//! Where Linux also tells how long the runtime thread waited for a core while it was ready to run
//! (the second figure of `/proc/thread-self/schedstat`, opened before the sandbox closes `/proc`:
//! [`RunQueue`]), the load needs no guessing. That wait is the machine's time, not the code's, so
//! a stretch is judged by the rest of its real time: the time the thread ran, and the time it
//! slept in a blocking call. So is the longest stretch a check asks about ([`longest_busy`]: was
//! a frozen clock a blocking call, or a missing `.await`?). The watch's own late wake-ups could
//! not tell: under 8 busy loops on 2 cores the watch, which sleeps, still woke on time, while the
//! runtime thread, which computes, got a fifth of a core, so that 65 ms of a correct solution's
//! work took 0.32 s and was called spinning, and a wrong solution's second of
//! `std::thread::sleep` after its computing was held back as "computing on a starving machine"
//! until it ended, and passed.
//!
//! A step also ends where the check's future hands the thread back to the scheduler without the
//! runtime parking (`tokio::task::yield_now()`, or tokio's cooperative budget running out): code
//! that says 300,000 lines and yields every thousand is chatty, not stuck. But a loop that only
//! yields, waiting for something to change, never lets paused time move and so never ends: a
//! stretch without a park that yields more than once a millisecond on average, for longer than
//! the limit, is a busy-wait.
//!
//! A computing stretch that keeps taking memory is not called spinning: it is left to the memory
//! limit, which ends it soon and names the cause (a hoard), where filling pages on a loaded machine
//! could otherwise take the limit of real time first. Likewise, a stretch the watch saw only
//! late (it was not scheduled) is not called blocked before the watch has seen its CPU time for
//! half a limit: a spinning thread may have had no slice of a core in a shorter window.
//!
//! The watch ends when the check body ends ([`finish`]): writing a large report is not "busy".

use crate::check::{Kind, secs};
use std::sync::OnceLock;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

static EPOCH: OnceLock<Instant> = OnceLock::new();
/// Microseconds since EPOCH (plus one) when the runtime thread last woke; 0 while it is parked.
static BUSY_SINCE: AtomicU64 = AtomicU64::new(0);
/// Virtual time (microseconds) when the runtime thread last woke.
static VIRTUAL_AT_WAKE: AtomicU64 = AtomicU64::new(0);
/// The longest finished busy stretch so far (microseconds), without the time the thread waited
/// for a core where that is known ([`held_us`]).
static LONGEST_US: AtomicU64 = AtomicU64::new(0);
/// The stretch (its BUSY_SINCE value) whose run-queue figure the watch noted when it first saw
/// it, and that figure (nanoseconds): the base from which [`held_us`] takes a stretch's wait.
/// The watch writes the figure before the stretch, and writes them only for a stretch that has
/// begun, so a reader that finds its own stretch here also finds its figure.
static SEEN_STRETCH: AtomicU64 = AtomicU64::new(0);
static SEEN_WAITED_NS: AtomicU64 = AtomicU64::new(0);
/// The runtime thread's run-queue figure ([`RunQueue`]), opened by [`open_run_queue`].
static QUEUE: OnceLock<RunQueue> = OnceLock::new();
/// Set when the check body has ended: the watch stops.
static DONE: AtomicBool = AtomicBool::new(false);
/// Microseconds since EPOCH (plus one) when the runtime thread last woke from a park; 0 while it
/// is parked. Unlike BUSY_SINCE, a yield does not move it.
static AWAKE_SINCE: AtomicU64 = AtomicU64::new(0);
/// How many times the check's future handed the thread back since the thread last woke.
static YIELDS: AtomicU64 = AtomicU64::new(0);

/// A busy stretch this long, with virtual time standing still, means a blocking call ran (rather
/// than a future that was never awaited, which costs microseconds). Not less: on a loaded machine
/// a thread that never blocked can wait tens of milliseconds for a core (61 ms was seen under a
/// load of 16 on 2 cores), and the exercises' waits are 100 ms or more. On Linux that wait is
/// left out ([`held_us`]): 04's wrong `forgot-to-await-sleep`, whose step took 276 ms of real
/// time under 8 busy loops on 2 cores, was called blocked instead of never waited.
pub const STALL: Duration = Duration::from_millis(100);

fn now_us() -> u64 {
    EPOCH.get_or_init(Instant::now).elapsed().as_micros() as u64 + 1
}

/// Runtime hook: the thread starts running tasks. Called on the runtime thread, so the virtual
/// clock is readable here.
pub fn on_unpark() {
    let at = crate::clock::try_elapsed().unwrap_or_default();
    VIRTUAL_AT_WAKE.store(at.as_micros() as u64, Ordering::Relaxed);
    let now = now_us();
    YIELDS.store(0, Ordering::Relaxed);
    AWAKE_SINCE.store(now, Ordering::Relaxed);
    BUSY_SINCE.store(now, Ordering::Relaxed);
}

/// Runtime hook: the thread has nothing to run and goes idle.
pub fn on_park() {
    AWAKE_SINCE.store(0, Ordering::Relaxed);
    // The stretch is measured before it is closed, while the watch cannot yet see a new one.
    let since = BUSY_SINCE.load(Ordering::Relaxed);
    if since != 0 {
        LONGEST_US.fetch_max(held_us(since).0, Ordering::Relaxed);
    }
    BUSY_SINCE.store(0, Ordering::Relaxed);
}

/// The check's future returned `Pending`: the step ends there, and the next one starts, whether or
/// not the runtime then parks. Called on the runtime thread.
pub fn on_yield() {
    let since = BUSY_SINCE.load(Ordering::Relaxed);
    let now = if since == 0 {
        now_us()
    } else {
        let (held, now) = held_us(since);
        LONGEST_US.fetch_max(held, Ordering::Relaxed);
        now
    };
    // The next step starts where this one was measured to end.
    BUSY_SINCE.store(now, Ordering::Relaxed);
    YIELDS.fetch_add(1, Ordering::Relaxed);
}

/// How long the stretch that began at `since` has held the runtime thread so far
/// (microseconds), and the instant that was measured at: its real time, less the time the thread
/// waited for a core since the watch first saw it, where Linux tells ([`RunQueue`]). Only a
/// stretch long enough to matter reads the figure (a read costs about 2 µs, and a check may end
/// thousands of short stretches). The figure is read before the clock, so that a wait for a core
/// between the two counts as held, never as waited: an error here may only make a stretch look
/// longer than it was.
fn held_us(since: u64) -> (u64, u64) {
    let now = now_us();
    let busy = now.saturating_sub(since);
    if busy < STALL.as_micros() as u64 / 2 || SEEN_STRETCH.load(Ordering::Acquire) != since {
        return (busy, now);
    }
    let base = Duration::from_nanos(SEEN_WAITED_NS.load(Ordering::Relaxed));
    let Some(waited) = waited() else {
        return (busy, now);
    };
    let now = now_us();
    let busy = now.saturating_sub(since);
    let wait = waited.saturating_sub(base).as_micros() as u64;
    (busy.saturating_sub(wait), now)
}

/// The longest stretch the runtime thread has stayed busy so far, the current one included,
/// without the time it waited for a core where that is known: the load's time, not the code's.
pub fn longest_busy() -> Duration {
    let since = BUSY_SINCE.load(Ordering::Relaxed);
    let current = if since == 0 { 0 } else { held_us(since).0 };
    Duration::from_micros(LONGEST_US.load(Ordering::Relaxed).max(current))
}

/// Opens the calling thread's run-queue figure ([`RunQueue`]) for the monitor: call it on the
/// runtime thread, before the sandbox closes `/proc`.
pub fn open_run_queue() {
    let _ = QUEUE.set(RunQueue::of_current_thread());
}

/// The runtime thread's wait for a core so far, where the platform tells.
fn waited() -> Option<Duration> {
    QUEUE.get()?.waited()
}

/// True when the runtime thread was stuck in one step for [`STALL`] or more: a blocking call ran.
pub fn stalled() -> bool {
    longest_busy() >= STALL
}

/// The check body has ended: stop watching.
pub fn finish() {
    DONE.store(true, Ordering::SeqCst);
}

/// What the watch needs to know.
pub struct Watch {
    /// One uninterrupted busy stretch longer than this ends the check.
    pub limit: Duration,
    /// Peak memory above this ends the check (0 = no limit).
    pub memory_bytes: u64,
    /// The code under test has no tokio: speak of the executor, not of virtual time.
    pub untimed: bool,
    /// The check's own advice for a blocked or spinning runtime (see `Check::stall_advice`), in
    /// place of the general one.
    pub advice: Option<StallAdvice>,
}

/// What to do about a runtime thread that was stuck: when it slept in a blocking call, and when it
/// computed without awaiting. Said after what was seen, in place of the general advice, by a check
/// that knows what blocking code its scenario runs.
#[derive(Clone, Copy, Debug)]
pub struct StallAdvice {
    pub blocked: &'static str,
    pub spinning: &'static str,
}

/// Watches the runtime thread (the calling thread) from a thread of its own. Calls `verdict` with
/// the kind and message once something is wrong; `verdict` returns `true` when it ended the check
/// (it then exits the process), `false` when the check had already ended on its own.
pub fn watch(w: Watch, verdict: impl Fn(Kind, String) -> bool + Send + 'static) {
    // Here, not in the watch's thread: the clock to read is the calling thread's.
    let cpu = CpuClock::of_current_thread();
    let tick = (w.limit / 10).clamp(Duration::from_millis(2), Duration::from_millis(20));
    // The peak this process started with. Linux carries a process's peak resident size across
    // `execve`, and a forked child starts out sharing its parent's pages: so a check process of a
    // grader that holds a gigabyte of results reads a gigabyte before any code ran. Only a peak
    // above that one is this process's own; below it, the kernel's limit (RLIMIT_DATA) still
    // stops a real hog.
    let inherited = peak_memory().unwrap_or(0);
    std::thread::spawn(move || Watcher::new(w, cpu, tick, inherited).run(verdict));
}

/// The watch's thread, from one tick to the next.
struct Watcher {
    w: Watch,
    /// The runtime thread's CPU clock.
    cpu: CpuClock,
    /// How long the watch sleeps between two looks: a tenth of the limit, within 2 to 20 ms.
    tick: Duration,
    /// The peak memory the process started with (see [`watch`]).
    inherited: u64,
    /// The busy stretch being watched; `None` while the runtime thread is parked.
    stretch: Option<Stretch>,
    /// The memory the process held when it was last seen growing, and when that was.
    memory: Growth,
}

/// One busy stretch of the runtime thread, as the watch first saw it and has followed it since.
/// All of it starts afresh with a new stretch: what the machine did to the last one says nothing
/// about this one.
struct Stretch {
    /// When the stretch began (BUSY_SINCE's value), which tells one stretch from the next.
    id: u64,
    /// The runtime thread's CPU time when the watch first saw the stretch.
    cpu_then: Option<Duration>,
    /// How long the runtime thread had waited for a core, all told, when the watch first saw
    /// the stretch ([`RunQueue`]).
    waited_then: Option<Duration>,
    /// When the watch first saw the stretch (microseconds since EPOCH, plus one).
    seen_at: u64,
    /// How late the watch's own wake-ups have come since it first saw the stretch.
    late: Duration,
    /// The stretch was seen computing at an earlier tick.
    computed_before: bool,
}

/// What the watch measured of a stretch that has been busy for the limit or more.
struct Stall {
    /// How long the stretch has been busy, in real time.
    busy: Duration,
    /// The real time since the watch first saw the stretch (at least a millisecond).
    window: Duration,
    /// The CPU time the runtime thread used in that window, where the platform tells.
    used: Option<Duration>,
    /// The time the runtime thread spent in that window ready to run but waiting for a core,
    /// where the platform tells ([`RunQueue`]): the machine's load, not the code's doing.
    waited: Option<Duration>,
    /// The stretch used a share of a core (spinning), or none (blocked); `None` where the
    /// platform cannot tell.
    computing: Option<bool>,
    /// The watch's own wake-ups came late: the machine is starving every thread.
    starving: bool,
}

impl Watcher {
    fn new(w: Watch, cpu: CpuClock, tick: Duration, inherited: u64) -> Watcher {
        Watcher {
            w,
            cpu,
            tick,
            inherited,
            stretch: None,
            memory: Growth::new(),
        }
    }

    /// Looks once a tick until the check body ends or a verdict is given. Memory comes first on
    /// every tick, whatever the runtime thread is doing: a hoard is a hoard even between steps.
    fn run(mut self, verdict: impl Fn(Kind, String) -> bool) {
        loop {
            self.sleep();
            if DONE.load(Ordering::SeqCst) {
                return;
            }
            self.memory.observe(now_us(), self.cpu.read());
            // `false`: the check had already ended on its own, and the watch goes on until the
            // body's end says so.
            if let Some(message) = self.over_memory()
                && verdict(Kind::OutOfMemory, message)
            {
                return;
            }
            if let Some(message) = self.busy_waiting() {
                verdict(Kind::Spinning, message);
                return;
            }
            let Some((busy, now)) = self.follow_stretch() else {
                continue;
            };
            let stall = self.measure(busy, now);
            if self.holds_back(&stall, now) {
                continue;
            }
            let (kind, message) = stall.verdict(&self.w);
            verdict(kind, message);
            return;
        }
    }

    /// Sleeps one tick, and counts how late it woke against the stretch being watched: a watch
    /// that wakes late shares a machine that is starving every thread, the runtime's too.
    fn sleep(&mut self) {
        let before = Instant::now();
        std::thread::sleep(self.tick);
        let late = before.elapsed().saturating_sub(self.tick);
        if let Some(stretch) = &mut self.stretch {
            stretch.late += late;
        }
    }

    /// The verdict's message when the process's peak memory is past the limit, and past the peak
    /// it started with (only above that one is the memory its own, see [`watch`]).
    fn over_memory(&self) -> Option<String> {
        if self.w.memory_bytes > 0
            && let Some(peak) = peak_memory()
            && peak > self.w.memory_bytes
            && peak > self.inherited
        {
            return Some(format!(
                "used more than {} of memory (at least {}), so the check was stopped. Something \
                 keeps growing: a collection that is never emptied, a task spawned in a loop \
                 without end, a recursion that allocates.",
                bytes(self.w.memory_bytes),
                bytes(peak)
            ));
        }
        None
    }

    /// The verdict's message when the runtime thread has stayed awake (no park) for the limit while
    /// yielding more than once a millisecond on average. Each yield ends a step, so no step is
    /// long, yet a loop that only yields never lets paused time move: it is a busy-wait.
    fn busy_waiting(&self) -> Option<String> {
        let awake = AWAKE_SINCE.load(Ordering::Relaxed);
        let yields = YIELDS.load(Ordering::Relaxed);
        let awake_for = Duration::from_micros(now_us().saturating_sub(awake));
        if !self.w.untimed
            && awake != 0
            && awake_for >= self.w.limit
            && yields as u128 >= awake_for.as_millis()
        {
            let at = virtual_at_wake();
            return Some(format!(
                "busy-waited: the runtime's only thread kept running for {} of real time, \
                 handing control back {yields} times (`tokio::task::yield_now()`?) but never \
                 waiting, while virtual time stood still at {at}. Yielding lets other tasks \
                 run, but time only moves when every task waits, so a loop that yields until \
                 something changes (a busy-wait) can spin forever: await the event itself (a \
                 channel, a `Notify`, a sleep).",
                secs(awake_for)
            ));
        }
        None
    }

    /// Follows the runtime thread's busy stretch: forgets it when the thread parks, starts afresh
    /// when a new one begins (its CPU time is read then, the base of what it uses). Returns how
    /// long the stretch has been busy, and the instant that was read at, once that is the limit
    /// or more; `None` while there is nothing to judge.
    fn follow_stretch(&mut self) -> Option<(Duration, u64)> {
        let since = BUSY_SINCE.load(Ordering::Relaxed);
        if since == 0 {
            self.stretch = None;
            return None;
        }
        let now = now_us();
        if self.stretch.as_ref().is_none_or(|s| s.id != since) {
            let waited_then = waited();
            // Where the runtime thread measures the stretch when it ends (`held_us`): the
            // figure first, then which stretch it is the base of.
            if let Some(w) = waited_then {
                SEEN_WAITED_NS.store(w.as_nanos() as u64, Ordering::Relaxed);
                SEEN_STRETCH.store(since, Ordering::Release);
            }
            self.stretch = Some(Stretch {
                id: since,
                cpu_then: self.cpu.read(),
                waited_then,
                seen_at: now,
                late: Duration::ZERO,
                computed_before: false,
            });
        }
        let busy = Duration::from_micros(now.saturating_sub(since));
        (busy >= self.w.limit).then_some((busy, now))
    }

    /// Measures a stretch that has been busy for the limit: the CPU time it used since the watch
    /// first saw it, whether that share of a core makes it computing or blocked, and whether the
    /// machine is starving every thread meanwhile.
    fn measure(&mut self, busy: Duration, now: u64) -> Stall {
        let stretch = self
            .stretch
            .as_mut()
            .expect("followed before it is measured");
        let window = Duration::from_micros(now.saturating_sub(stretch.seen_at))
            .max(Duration::from_millis(1));
        let used = match (stretch.cpu_then, self.cpu.read()) {
            (Some(a), Some(b)) => Some(b.saturating_sub(a)),
            _ => None,
        };
        let waited = match (stretch.waited_then, waited()) {
            (Some(a), Some(b)) => Some(b.saturating_sub(a).min(window)),
            _ => None,
        };
        let computing = computing(used, window, waited, stretch.computed_before);
        stretch.computed_before = computing == Some(true);
        // The watch itself came back late, or the runtime thread waited for a core, for a
        // quarter of the window: the machine is starving every thread, and "busy" may only mean
        // "not scheduled". Give it time, and say so with the verdict.
        let starving = stretch.late > window / 4 || waited.is_some_and(|w| w > window / 4);
        Stall {
            busy,
            window,
            used,
            waited,
            computing,
            starving,
        }
    }

    /// Whether to hold the verdict back and watch on: the stretch may look stuck only because the
    /// machine is loaded, or another verdict names it better. Each case says which.
    fn holds_back(&self, s: &Stall, now: u64) -> bool {
        let limit = self.w.limit;
        // Where Linux tells how long the thread waited for a core, that wait is left out, and
        // nothing needs guessing: the stretch is judged by the time it ran or slept, whatever
        // the load (the watch's late wake-ups then only colour the verdict's message). The part
        // before the watch first saw it counts as held, but at most two ticks of it: a watch
        // that saw the stretch later than that was kept waiting itself, by the same load. Past
        // ten limits of real time, the verdict comes anyway, saying the machine was loaded.
        if let Some(waited) = s.waited {
            let unseen = s.busy.saturating_sub(s.window).min(self.tick * 2);
            // The CPU time it used, it held the core for, whatever the figure says.
            let ran_or_slept = s.window.saturating_sub(waited);
            let held = ran_or_slept.max(s.used.unwrap_or_default()) + unseen;
            return (held < limit && s.busy < limit * 10) || self.hoarding(s, now);
        }
        // A stretch that used no CPU on a starving machine may only have had no turn on a core:
        // that looks blocked too. Watch on, up to ten limits of real time.
        if s.computing == Some(false) && s.starving && s.busy < limit * 10 {
            return true;
        }
        // The watch first saw this stretch late (it was not scheduled for a while), so it has
        // watched the thread's CPU for only a short window: a spinning thread on a loaded
        // machine may have had no slice of a core in it, and would look blocked. Watch at
        // least half a limit before calling a stretch that used no CPU blocked.
        if s.computing == Some(false) && s.window < limit / 2 && s.busy < limit * 10 {
            return true;
        }
        // A computing stretch that keeps taking memory is left to the memory limit, which
        // ends it soon whatever the load (an allocation past it fails, or the peak check in
        // `over_memory` fires) and names what is wrong: code that hoards memory, not code that
        // spins. On a loaded machine, filling pages is slow enough to take the limit of real time
        // (a check of the test course that hoards 16 MiB per step got "spinning" so). The
        // grader's own timeout still ends a stretch that grows too slowly to ever reach the limit.
        if self.hoarding(s, now) {
            return true;
        }
        // On a starving machine, a computing stretch is judged by the CPU it really used,
        // not by the real time it took: a short step of honest work can take the limit in
        // real time there, while a loop that never awaits keeps adding CPU time whatever the
        // load. (The part of the stretch before the watch first saw it, at most a tick or
        // two, counts as if it had used the CPU all along.) On a machine that is not
        // starving, real time is the measure: a stretch that computed a while and then
        // blocked held the runtime just the same. Past ten limits of real time, the verdict
        // comes anyway, saying the machine was loaded.
        let unseen = s.busy.saturating_sub(s.window);
        if let Some(used) = s.used
            && s.computing == Some(true)
            && s.starving
            && used + unseen < limit
            && s.busy < limit * 10
        {
            return true;
        }
        false
    }

    /// A computing stretch that keeps taking memory is left to the memory limit (see
    /// [`Watcher::holds_back`]).
    fn hoarding(&self, s: &Stall, now: u64) -> bool {
        s.computing == Some(true)
            && self.w.memory_bytes > 0
            && self.memory.grew_within(now, self.cpu.read(), self.w.limit)
    }
}

/// Whether a stretch computed (used a share of a core) or was blocked (used next to none), from
/// the CPU time it `used` in the `window` the watch has seen, and the time it `waited` for a core
/// meanwhile where that is known; `None` where the platform tells no CPU time.
///
/// The share is taken of the time the thread could have run: where the wait for a core is known,
/// a spinning thread on a loaded machine still uses all of it. Without the figure, once seen
/// computing (`computed_before`), a stretch stays computing: its share only looks lower later
/// because a loaded machine gave it fewer slices, not because it stopped. With the figure, that
/// memory is not needed, and must not be kept: a stretch that computed a little while it waited
/// for a core, then slept, is judged over its whole window, as on an idle machine, and is
/// blocked (03's wrong `blocking-sleep`, a panic's handling then `std::thread::sleep`, was called
/// spinning under a verify's own builds).
fn computing(
    used: Option<Duration>,
    window: Duration,
    waited: Option<Duration>,
    computed_before: bool,
) -> Option<bool> {
    let could_run = window
        .saturating_sub(waited.unwrap_or_default())
        .max(Duration::from_millis(1));
    let sticky = waited.is_none() && computed_before;
    used.map(|u| sticky || u.as_secs_f64() > could_run.as_secs_f64() * 0.05)
}

impl Stall {
    /// The verdict on a stretch the watch holds back no longer: spinning or blocked, said for
    /// code that runs on tokio or for an executor of the student's own (`untimed`), with the
    /// check's own advice where it has some, and a word on the load where the machine starved.
    fn verdict(&self, w: &Watch) -> (Kind, String) {
        let busy = self.busy;
        let loaded = if self.starving {
            " (The machine was heavily loaded while this ran, so part of that time may be the \
             load rather than your code: if your code never blocks, run the check again.)"
        } else {
            ""
        };
        let at = virtual_at_wake();
        match (self.computing, w.untimed) {
            (Some(true), false) => (
                Kind::Spinning,
                format!(
                    "never yielded: the runtime's only thread computed for {} of real time \
                     without reaching an `.await` that waits, while virtual time stood still \
                     at {at}. {}{loaded}",
                    secs(busy),
                    w.advice.map_or(
                        "A loop that never awaits (or busy-waits on a flag) starves every \
                         other task: await something inside it, or move heavy work to \
                         `tokio::task::spawn_blocking`.",
                        |a| a.spinning
                    )
                ),
            ),
            (Some(true), true) => (
                Kind::Spinning,
                format!(
                    "never finished: your code kept the thread computing for {} of real time \
                     without returning. Does run() keep polling tasks that nobody woke (busy \
                     polling), or loop while it waits for a task that can never become ready? \
                     An executor polls a task only when its waker has been woken, and returns \
                     when its ready queue is empty.",
                    secs(busy)
                ),
            ),
            (Some(false), false) => (
                Kind::Blocked,
                format!(
                    "blocked the runtime: the runtime's only thread was stuck for {} of real \
                     time inside one step of a task, while virtual time stood still at {at}. \
                     {}{loaded}",
                    secs(busy),
                    w.advice.map_or(
                        "Something blocking ran inside async code: std::thread::sleep (use \
                         `tokio::time::sleep(..).await`), a std::sync lock or channel, or \
                         blocking I/O (use tokio's version, or `spawn_blocking`).",
                        |a| a.blocked
                    )
                ),
            ),
            (Some(false), true) => (
                Kind::Blocked,
                format!(
                    "stuck: your code waited {} of real time inside one call without using the \
                     CPU, and never came back. With no other thread around, that is a lock \
                     waiting for itself: a Mutex locked again while it is still held (for \
                     example, the ready queue's lock kept while a task is polled, when the \
                     task's waker needs that same lock). Take what you need from the lock in a \
                     statement of its own, so the guard is dropped before you poll.{loaded}",
                    secs(busy)
                ),
            ),
            (None, _) => (
                Kind::Blocked,
                format!(
                    "stuck: the thread running your code stayed busy for {} of real time \
                     without coming back to the scheduler. This platform cannot tell a \
                     blocking call (std::thread::sleep, a lock, blocking I/O) from a loop that \
                     never awaits; either way, every other task was frozen meanwhile.{loaded}",
                    secs(busy)
                ),
            ),
        }
    }
}

/// The virtual time when the runtime thread last woke, as a verdict says it: where time stood
/// still while the thread was stuck.
fn virtual_at_wake() -> String {
    secs(Duration::from_micros(
        VIRTUAL_AT_WAKE.load(Ordering::Relaxed),
    ))
}

fn bytes(n: u64) -> String {
    if n >= 1 << 30 && n.is_multiple_of(1 << 30) {
        format!("{} GiB", n >> 30)
    } else {
        format!("{} MiB", n >> 20)
    }
}

/// Whether the process's memory is growing: its peak resident size is read each tick, and
/// growth of at least [`Growth::STEP`] since the last mark moves the mark. The peak, because
/// `/proc` is closed to a check process (the sandbox) and the peak is what Linux and macOS both
/// give; it only grows, but it grows with a hoard all the same. (Below a peak inherited from the
/// grader, see [`watch`], growth cannot be seen, and the verdict is the monitor's as before.)
struct Growth {
    /// The peak at the last mark, in bytes.
    mark: u64,
    /// When the mark last moved up (microseconds since EPOCH, plus one); 0 for never.
    grew_at: u64,
    /// The runtime thread's CPU time then, where the platform tells.
    cpu_at_growth: Option<Duration>,
}

impl Growth {
    /// Less than this is the noise of a thread that computes without allocating (its stack, a
    /// buffer touched for the first time).
    const STEP: u64 = 1 << 20;

    fn new() -> Growth {
        Growth {
            mark: peak_memory().unwrap_or(0),
            grew_at: 0,
            cpu_at_growth: None,
        }
    }

    fn observe(&mut self, now: u64, cpu: Option<Duration>) {
        if let Some(peak) = peak_memory() {
            self.saw(peak, now, cpu);
        }
    }

    fn saw(&mut self, peak: u64, now: u64, cpu: Option<Duration>) {
        if peak >= self.mark + Self::STEP {
            self.mark = peak;
            self.grew_at = now;
            self.cpu_at_growth = cpu;
        }
    }

    /// The memory grew within the last `span` the runtime thread *ran*, where its CPU time is
    /// known (`cpu_now`), and within ten spans of real time before `now`; else within `span` of
    /// real time. A hoard keeps growing as long as it runs, but on a starved machine it may not
    /// run for a while: judged in one span of real time, such a pause read as "stopped growing",
    /// and past ten limits of real time a hoard could be called spinning. A loop that stopped
    /// allocating still uses the span in CPU time, however slowly, and is judged on what it does
    /// then. The bound in real time is for a thread that stopped allocating and then blocked: it
    /// uses no CPU time at all (and where the wait for a core is not known, a stretch once seen
    /// computing stays computing), so the CPU rule alone would hold its verdict back until the
    /// grader's timeout.
    fn grew_within(&self, now: u64, cpu_now: Option<Duration>, span: Duration) -> bool {
        if self.grew_at == 0 {
            return false;
        }
        let real = Duration::from_micros(now.saturating_sub(self.grew_at));
        match (self.cpu_at_growth, cpu_now) {
            (Some(then), Some(cpu)) => cpu.saturating_sub(then) < span && real < span * 10,
            _ => real < span,
        }
    }
}

/// The process's peak resident memory, in bytes.
#[cfg(unix)]
fn peak_memory() -> Option<u64> {
    let mut usage = std::mem::MaybeUninit::<libc::rusage>::zeroed();
    // SAFETY: getrusage writes one `rusage` into the pointer we give it, which points at memory
    // of exactly that type that we own; it has no other effect.
    #[allow(unsafe_code)]
    let ok = unsafe { libc::getrusage(libc::RUSAGE_SELF, usage.as_mut_ptr()) } == 0;
    // SAFETY: zeroed() made every byte valid for this plain-integer struct, written or not.
    #[allow(unsafe_code)]
    let usage = unsafe { usage.assume_init() };
    let max = u64::try_from(usage.ru_maxrss).ok()?;
    // Linux counts in KiB, macOS in bytes.
    let scale = if cfg!(target_os = "macos") { 1 } else { 1024 };
    ok.then_some(max * scale)
}

#[cfg(not(unix))]
fn peak_memory() -> Option<u64> {
    None
}

/// Sets the process's own memory limit before any student code runs, where the platform enforces
/// one (Linux's RLIMIT_DATA): an allocation past it fails at once, and Rust aborts with "memory
/// allocation of N bytes failed", which the grader reports as too much memory. Elsewhere the
/// watch's peak-memory reading is the limit.
#[allow(unsafe_code)]
pub fn limit_memory(bytes: u64) {
    #[cfg(target_os = "linux")]
    if bytes > 0 {
        let limit = libc::rlimit {
            rlim_cur: bytes as libc::rlim_t,
            rlim_max: bytes as libc::rlim_t,
        };
        // SAFETY: setrlimit reads one `rlimit` from a pointer to a value we own and only changes
        // this process's limit; lowering a limit is always allowed.
        unsafe {
            libc::setrlimit(libc::RLIMIT_DATA, &limit);
        }
    }
    #[cfg(not(target_os = "linux"))]
    let _ = bytes;
}

/// One thread's CPU time (or the process's, where a thread's cannot be read).
struct CpuClock {
    #[cfg(target_os = "linux")]
    clock: Option<libc::clockid_t>,
}

impl CpuClock {
    fn of_current_thread() -> Self {
        #[cfg(target_os = "linux")]
        {
            let mut clock: libc::clockid_t = 0;
            // SAFETY: pthread_self() is always valid for the calling thread, and
            // pthread_getcpuclockid writes one clockid_t into a local we own.
            #[allow(unsafe_code)]
            let ok = unsafe { libc::pthread_getcpuclockid(libc::pthread_self(), &mut clock) } == 0;
            CpuClock {
                clock: ok.then_some(clock),
            }
        }
        #[cfg(not(target_os = "linux"))]
        CpuClock {}
    }

    fn read(&self) -> Option<Duration> {
        #[cfg(target_os = "linux")]
        {
            let mut ts = libc::timespec {
                tv_sec: 0,
                tv_nsec: 0,
            };
            // SAFETY: clock_gettime writes one timespec into a local we own. A thread's CPU clock
            // stays readable from other threads of the process while that thread lives (the
            // runtime thread outlives this watch: it is the process's main thread).
            #[allow(unsafe_code)]
            let ok = unsafe { libc::clock_gettime(self.clock?, &mut ts) } == 0;
            ok.then(|| Duration::new(ts.tv_sec as u64, ts.tv_nsec as u32))
        }
        #[cfg(all(unix, not(target_os = "linux")))]
        {
            let mut usage = std::mem::MaybeUninit::<libc::rusage>::zeroed();
            // SAFETY: as in peak_memory: getrusage fills one rusage we own.
            #[allow(unsafe_code)]
            let ok = unsafe { libc::getrusage(libc::RUSAGE_SELF, usage.as_mut_ptr()) } == 0;
            // SAFETY: zeroed() made every byte valid for this plain-integer struct.
            #[allow(unsafe_code)]
            let u = unsafe { usage.assume_init() };
            let tv = |t: libc::timeval| {
                Duration::from_secs(t.tv_sec as u64) + Duration::from_micros(t.tv_usec as u64)
            };
            ok.then(|| tv(u.ru_utime) + tv(u.ru_stime))
        }
        #[cfg(not(unix))]
        None
    }
}

/// How long one thread has waited for a core while ready to run, all told: the second figure of
/// Linux's `/proc/thread-self/schedstat` (nanoseconds running, waiting on a run queue, and time
/// slices). The file is opened by the thread it describes, before the sandbox closes `/proc`
/// (Landlock checks a path when it is opened, never a read of a file already open), and read
/// afresh from its start at each look. What it tells is the scheduler's bookkeeping of this one
/// thread: nothing the check keeps secret. Elsewhere, or on a kernel that keeps no such figures
/// (no file, or one that says the thread has never run), it tells nothing, and the watch guesses
/// the load from its own late wake-ups. Any wait for a core counts as the machine's, also one
/// that the student's own other threads caused: on an idle machine with a core to spare for
/// them, as the exercises have, there is none.
pub struct RunQueue {
    #[cfg(target_os = "linux")]
    file: Option<std::fs::File>,
}

impl RunQueue {
    /// The calling thread's: call it on the runtime thread, before the sandbox.
    pub fn of_current_thread() -> RunQueue {
        #[cfg(target_os = "linux")]
        {
            let mut queue = RunQueue {
                file: std::fs::File::open("/proc/thread-self/schedstat").ok(),
            };
            // A kernel without scheduler statistics or delay accounting has the file, all zeros.
            if queue.figures().is_none_or(|(ran, _)| ran.is_zero()) {
                queue.file = None;
            }
            queue
        }
        #[cfg(not(target_os = "linux"))]
        RunQueue {}
    }

    /// The thread's wait for a core so far, where the platform tells.
    pub fn waited(&self) -> Option<Duration> {
        self.figures().map(|(_, waited)| waited)
    }

    /// How long the thread has run, and how long it has waited for a core, so far.
    fn figures(&self) -> Option<(Duration, Duration)> {
        #[cfg(target_os = "linux")]
        {
            use std::os::unix::fs::FileExt;
            let mut buf = [0u8; 128];
            let n = self.file.as_ref()?.read_at(&mut buf, 0).ok()?;
            let text = std::str::from_utf8(&buf[..n]).ok()?;
            let mut fields = text.split_whitespace().map(str::parse::<u64>);
            let ran = fields.next()?.ok()?;
            let waited = fields.next()?.ok()?;
            Some((Duration::from_nanos(ran), Duration::from_nanos(waited)))
        }
        #[cfg(not(target_os = "linux"))]
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;
    use std::sync::atomic::{AtomicBool, Ordering};

    /// A hoard's growth, as the watch sees it: `peak` MiB at `ms` of real time, after `cpu_ms` of
    /// the runtime thread's CPU time.
    fn grown(peaks: &[(u64, u64, u64)]) -> Growth {
        let mut g = Growth {
            mark: 10 << 20,
            grew_at: 0,
            cpu_at_growth: None,
        };
        for &(mib, ms, cpu_ms) in peaks {
            g.saw(
                mib << 20,
                ms * 1000 + 1,
                Some(Duration::from_millis(cpu_ms)),
            );
        }
        g
    }

    #[test]
    fn a_hoard_that_has_not_run_since_it_grew_is_still_growing() {
        let limit = Duration::from_millis(300);
        // Grew at 1 s; a starved machine then gave it 20 ms of CPU in two seconds.
        let g = grown(&[(12, 500, 100), (14, 1000, 200)]);
        let cpu = Some(Duration::from_millis(220));
        assert!(g.grew_within(3000 * 1000 + 1, cpu, limit));
        // It has since computed for the limit without growing: that is not a hoard any more.
        let cpu = Some(Duration::from_millis(500));
        assert!(!g.grew_within(3000 * 1000 + 1, cpu, limit));
        // Nor is one that grew, then blocked: no CPU time since, but ten limits of real time.
        let cpu = Some(Duration::from_millis(200));
        assert!(g.grew_within(3999 * 1000 + 1, cpu, limit));
        assert!(!g.grew_within(4000 * 1000 + 1, cpu, limit));
        // Growth of less than a step does not count.
        let mut g = grown(&[(14, 1000, 200)]);
        g.saw(
            (14 << 20) + 1000,
            2900 * 1000 + 1,
            Some(Duration::from_millis(490)),
        );
        assert!(!g.grew_within(3000 * 1000 + 1, Some(Duration::from_millis(500)), limit));
    }

    #[test]
    fn without_cpu_figures_growth_is_judged_in_real_time_and_no_growth_is_no_hoard() {
        let limit = Duration::from_millis(300);
        let mut g = Growth {
            mark: 10 << 20,
            grew_at: 0,
            cpu_at_growth: None,
        };
        assert!(!g.grew_within(1000, None, limit));
        g.saw(12 << 20, 1000 * 1000 + 1, None);
        assert!(g.grew_within(1200 * 1000 + 1, None, limit));
        assert!(!g.grew_within(1400 * 1000 + 1, None, limit));
        // A CPU figure now but none then: real time too.
        assert!(!g.grew_within(1400 * 1000 + 1, Some(Duration::ZERO), limit));
    }

    /// The figures are the opening thread's, read from another thread, and the second is its
    /// wait for a core. Here the watched thread shares one core with three busy ones, however
    /// many the machine has, so it waits about three times as long as it runs.
    #[cfg(target_os = "linux")]
    #[test]
    fn the_second_figure_is_the_opening_threads_wait_for_a_core() {
        let cpu = first_allowed_cpu();
        let stop = Arc::new(AtomicBool::new(false));
        let spin = move |stop: Arc<AtomicBool>| {
            move || {
                pin_to(cpu);
                let mut n = 0u64;
                while !stop.load(Ordering::Relaxed) {
                    n = std::hint::black_box(n.wrapping_add(1));
                }
            }
        };
        let (tx, rx) = std::sync::mpsc::channel();
        let watched = {
            let spin = spin(stop.clone());
            std::thread::spawn(move || {
                pin_to(cpu);
                tx.send(RunQueue::of_current_thread()).unwrap();
                spin();
            })
        };
        let queue = rx.recv().unwrap();
        let others: Vec<_> = (0..3)
            .map(|_| std::thread::spawn(spin(stop.clone())))
            .collect();
        let figures = || queue.figures();
        let Some(_) = figures() else {
            eprintln!("this kernel keeps no scheduler figures per thread: nothing to test");
            stop.store(true, Ordering::Relaxed);
            return;
        };
        std::thread::sleep(Duration::from_millis(50));
        let (ran_then, waited_then) = figures().unwrap();
        std::thread::sleep(Duration::from_millis(400));
        let (ran_now, waited_now) = figures().unwrap();
        stop.store(true, Ordering::Relaxed);
        watched.join().unwrap();
        for t in others {
            t.join().unwrap();
        }
        let (ran, waited) = (ran_now - ran_then, waited_now - waited_then);
        // This thread slept meanwhile: microseconds. The spinning thread ran for a share of
        // the core.
        assert!(
            ran >= Duration::from_millis(2),
            "the figures are not the spinning thread's: it ran {ran:?}"
        );
        assert!(
            waited > ran,
            "the second figure is not the wait for a core: ran {ran:?}, waited {waited:?}"
        );
    }

    /// A stretch first seen computing while it mostly waited for a core, then seen asleep: with
    /// the figure it is judged over its whole window (blocked); without, it stays computing.
    #[test]
    fn with_the_wait_known_a_little_computing_then_a_sleep_is_blocked() {
        let ms = Duration::from_millis;
        // First look: 14 ms of CPU in 300 ms, 290 of them waiting for a core.
        assert_eq!(
            computing(Some(ms(14)), ms(300), Some(ms(290)), false),
            Some(true)
        );
        // Later: 15 ms of CPU in 600 ms, still 290 waiting: it slept the rest.
        assert_eq!(
            computing(Some(ms(15)), ms(600), Some(ms(290)), true),
            Some(false)
        );
        // The same without the figure: seen computing before, computing still.
        assert_eq!(computing(Some(ms(15)), ms(600), None, true), Some(true));
        // A spinning thread on a loaded machine: all the time it could run, it ran.
        assert_eq!(
            computing(Some(ms(60)), ms(600), Some(ms(540)), false),
            Some(true)
        );
        // A thread asleep, load or not; and no CPU clock at all.
        assert_eq!(
            computing(Some(ms(1)), ms(600), Some(ms(0)), false),
            Some(false)
        );
        assert_eq!(computing(None, ms(600), Some(ms(0)), true), None);
    }

    /// The first core this process may run on.
    #[cfg(target_os = "linux")]
    #[allow(unsafe_code)]
    fn first_allowed_cpu() -> usize {
        // SAFETY: cpu_set_t is a plain bit set, valid all zeros; sched_getaffinity writes at most
        // size_of::<cpu_set_t>() bytes into the one we own, and CPU_ISSET only reads it.
        unsafe {
            let mut set: libc::cpu_set_t = std::mem::zeroed();
            if libc::sched_getaffinity(0, std::mem::size_of::<libc::cpu_set_t>(), &mut set) != 0 {
                return 0;
            }
            (0..libc::CPU_SETSIZE as usize)
                .find(|&c| libc::CPU_ISSET(c, &set))
                .unwrap_or(0)
        }
    }

    /// Keeps the calling thread on core `cpu`.
    #[cfg(target_os = "linux")]
    #[allow(unsafe_code)]
    fn pin_to(cpu: usize) {
        // SAFETY: as above, a set we own, zeroed then given one core; sched_setaffinity(0, ..)
        // only reads it and changes where the calling thread may run.
        unsafe {
            let mut set: libc::cpu_set_t = std::mem::zeroed();
            libc::CPU_SET(cpu, &mut set);
            libc::sched_setaffinity(0, std::mem::size_of::<libc::cpu_set_t>(), &set);
        }
    }
}
