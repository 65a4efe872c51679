//! The blocking detector: notices when the runtime's only thread stops coming back to the
//! scheduler.
//!
//! Tokio calls a hook every time its thread goes idle ("park") and wakes up ("unpark"). Under paused
//! time, going idle is also when the clock jumps ahead. So a correct solution is never busy for
//! long: it runs a little, hits an `.await` that waits, and the runtime parks. A solution that
//! calls `std::thread::sleep`, blocking I/O or a long loop stays busy (unparked) for a long stretch
//! of real time while virtual time stands still. A thread of ours watches for such a stretch and,
//! past the limit, ends the check with a verdict at once instead of waiting for the wall-clock kill.
//!
//! Sleeping and spinning look the same from outside; on Linux the thread's CPU time tells them
//! apart (a sleeping thread uses none).

use crate::check::{Kind, secs};
use std::sync::OnceLock;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

static EPOCH: OnceLock<Instant> = OnceLock::new();
/// Microseconds since EPOCH (plus one) when the runtime thread last woke; 0 while it is parked.
static BUSY_SINCE: AtomicU64 = AtomicU64::new(0);
/// Virtual time (microseconds) when the runtime thread last woke.
static VIRTUAL_AT_WAKE: AtomicU64 = AtomicU64::new(0);

fn now_us() -> u64 {
    EPOCH.get_or_init(Instant::now).elapsed().as_micros() as u64 + 1
}

/// Runtime hook: the thread starts running tasks. Called inside the runtime, so the virtual clock is
/// readable here.
pub fn on_unpark() {
    VIRTUAL_AT_WAKE.store(
        awaitlings::clock::elapsed().as_micros() as u64,
        Ordering::Relaxed,
    );
    BUSY_SINCE.store(now_us(), Ordering::Relaxed);
}

/// Runtime hook: the thread has nothing to run and goes idle.
pub fn on_park() {
    BUSY_SINCE.store(0, Ordering::Relaxed);
}

/// Watches the runtime thread from a thread of its own; calls `verdict` (which must end the
/// process) once the runtime thread has been busy for `limit` of real time without a break.
pub fn watch(limit: Duration, verdict: impl Fn(Kind, String) + Send + 'static) {
    let cpu = CpuClock::of_current_thread();
    let tick = (limit / 10).clamp(Duration::from_millis(2), Duration::from_millis(20));
    std::thread::spawn(move || {
        // (busy stretch id, CPU time when we first saw it, real time when we first saw it)
        let mut seen: Option<(u64, Option<Duration>, u64)> = None;
        loop {
            std::thread::sleep(tick);
            let since = BUSY_SINCE.load(Ordering::Relaxed);
            if since == 0 {
                seen = None;
                continue;
            }
            let now = now_us();
            if seen.is_none_or(|(id, _, _)| id != since) {
                seen = Some((since, cpu.read(), now));
            }
            let busy = Duration::from_micros(now.saturating_sub(since));
            if busy < limit {
                continue;
            }
            let (_, cpu_then, seen_at) = seen.expect("set above");
            let spinning = match (cpu_then, cpu.read()) {
                (Some(a), Some(b)) => {
                    let window = Duration::from_micros(now.saturating_sub(seen_at))
                        .max(Duration::from_millis(1));
                    // More than a third of the window on the CPU: computing, not sleeping.
                    (b.saturating_sub(a)).as_secs_f64() > window.as_secs_f64() / 3.0
                }
                _ => false,
            };
            let at = secs(Duration::from_micros(
                VIRTUAL_AT_WAKE.load(Ordering::Relaxed),
            ));
            if spinning {
                verdict(
                    Kind::Spinning,
                    format!(
                        "never yielded: the runtime's only thread computed for {} of real time \
                         without reaching an `.await` that waits, while virtual time stood still \
                         at {at}. A loop that never awaits (or busy-waits on a flag) starves every \
                         other task: await something inside it, or move heavy work to \
                         `tokio::task::spawn_blocking`.",
                        secs(busy)
                    ),
                );
            } else {
                verdict(
                    Kind::Blocked,
                    format!(
                        "blocked the runtime: the runtime's only thread was stuck for {} of real \
                         time inside one step of a task, while virtual time stood still at {at}. \
                         Something blocking ran inside async code: std::thread::sleep (use \
                         `tokio::time::sleep(..).await`), a std::sync lock or channel, or blocking \
                         I/O (use tokio's version, or `spawn_blocking`).",
                        secs(busy)
                    ),
                );
            }
            return;
        }
    });
}

/// Reads one thread's CPU time (Linux: /proc; elsewhere unknown, and the verdict says "blocked").
struct CpuClock {
    #[cfg_attr(not(target_os = "linux"), allow(dead_code))]
    stat: Option<std::path::PathBuf>,
}

impl CpuClock {
    fn of_current_thread() -> Self {
        let stat = std::fs::read_link("/proc/thread-self")
            .ok()
            .map(|p| std::path::Path::new("/proc").join(p).join("stat"));
        CpuClock { stat }
    }

    fn read(&self) -> Option<Duration> {
        let text = std::fs::read_to_string(self.stat.as_ref()?).ok()?;
        // Fields after the command name (which may contain spaces, so split after its ')'):
        // state is field 3, utime 14 and stime 15, counted in clock ticks of 10 ms on Linux.
        let rest = &text[text.rfind(')')? + 1..];
        let fields: Vec<&str> = rest.split_whitespace().collect();
        let ticks: u64 =
            fields.get(11)?.parse::<u64>().ok()? + fields.get(12)?.parse::<u64>().ok()?;
        Some(Duration::from_millis(ticks * 10))
    }
}
