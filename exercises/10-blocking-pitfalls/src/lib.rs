//! # Exercise 10: blocking pitfalls
//!
//! A heartbeat ticks every 100 ms while two jobs work: one computes (CPU-bound), one waits on a
//! slow disk (blocking I/O). Keep both jobs off the runtime's thread, so the heartbeat never
//! misses a beat. The lesson is in README.md; this file is the contract.
//!
//! For `run(1_000_000, "report.txt", 15)` with the demo's 4-line report (the demo), the grader
//! expects this transcript:
//!
//! ```text
//!   0.000s  primes below 1000000: 78498
//!   0.000s  lines in report.txt: 4
//!   0.100s  tick 1
//!   0.200s  tick 2
//!   ...
//!   1.500s  tick 15
//! ```
//!
//! Lines stamped with the same time may come in any order. Why do the results come at 0.000 s?
//! The grader's clock is paused and only jumps ahead when every task waits on a timer; while
//! `spawn_blocking` work runs, tokio cannot know how long it will take, so it holds the clock
//! still until the work is done (README.md, "Virtual time").

use std::path::Path;
use std::time::Duration;

/// The heartbeat's period.
pub const BEAT: Duration = Duration::from_millis(100);

/// How long the pretend-slow disk takes to answer (real time): [`count_lines`] sleeps this long.
pub const SLOW_DISK: Duration = Duration::from_secs(1);

/// A blocking job: a name for the transcript, and the work, which blocks or computes and returns
/// the text to report. (Already written.)
pub struct Job {
    /// Said before the result: `{name}: {result}`.
    pub name: String,
    /// The work itself: plain, blocking code, called once.
    pub work: Box<dyn FnOnce() -> String + Send + 'static>,
}

impl Job {
    /// A job named `name` that runs `work`.
    pub fn new(name: impl Into<String>, work: impl FnOnce() -> String + Send + 'static) -> Job {
        Job {
            name: name.into(),
            work: Box::new(work),
        }
    }
}

/// The CPU-bound job: how many primes are there below `below` (`below` itself not counted)?
///
/// `count_primes(10)` is 4 (2, 3, 5, 7), `count_primes(11)` is 4 too, and `count_primes(2)` is
/// 0. Plain code, no `async`: trial division by the numbers up to the square root is plenty
/// (`count_primes(1_000_000)` then takes a fraction of a second).
pub fn count_primes(below: u64) -> u64 {
    let _ = below;
    todo!("count the n in 2..below that no d with d * d <= n divides")
}

/// The blocking I/O job: the number of lines of the file at `path`, read from a slow disk.
///
/// First `std::thread::sleep(SLOW_DISK)`: the stand-in for a slow, blocking call (a network
/// drive, a database driver with no async support). Then read the file with `std::fs` and count
/// its lines the way `str::lines` does: a last line without a newline counts, and `"a\nb\n"` has
/// 2 lines. An error reading the file is returned, not hidden.
pub fn count_lines(path: &Path) -> std::io::Result<usize> {
    let _ = path;
    todo!("sleep SLOW_DISK with std::thread::sleep, then std::fs::read_to_string and count lines()")
}

/// The heartbeat: says `tick 1`, `tick 2`, ..., `tick {ticks}`, one every [`BEAT`]: `tick 1` at
/// 0.100 s, `tick {ticks}` at `ticks` × 0.100 s, when it returns.
pub async fn heartbeat(ticks: u32) {
    let _ = ticks;
    todo!("for each n in 1..=ticks: tokio::time::sleep(BEAT).await, then say! tick n")
}

/// Runs every job off the runtime, on tokio's blocking pool (`tokio::task::spawn_blocking`), all
/// at once, while the [`heartbeat`] ticks `ticks` times.
///
/// - Every job runs on a blocking-pool thread, never on the runtime's own thread: called
///   directly, or inside a `tokio::spawn`ed task, a job would freeze the heartbeat (and every
///   other task) until it returned.
/// - All the jobs run at the same time: start every one before waiting for any.
/// - Waiting for a job's result never blocks either: await its `JoinHandle` (no `.join()`, no
///   std channel's `recv()`).
/// - For each job, say `{name}: {result}` when its result is in (in any order).
/// - The heartbeat ticks all `ticks` times, whether the jobs finish sooner or later: `run_jobs`
///   returns once every job is done *and* the heartbeat has said its last tick.
/// - Returns the results in the order of `jobs`, whatever order they finish in.
///
/// A job that panics is a bug: `run_jobs` may panic too.
pub async fn run_jobs(jobs: Vec<Job>, ticks: u32) -> Vec<String> {
    let _ = (jobs, ticks);
    todo!(
        "tokio::spawn the heartbeat, spawn_blocking every job's work, then await each handle, \
         say its line, and await the heartbeat"
    )
}

/// The demo's scenario: counts the primes below `below` and the lines of the file at `path`,
/// both through [`run_jobs`], while the heartbeat ticks `ticks` times; returns what `run_jobs`
/// returns.
///
/// Two jobs, in this order: `primes below {below}`, reporting [`count_primes`]'s number, and
/// `lines in {file name}` (the file name only, `report.txt`, not the whole path), reporting
/// [`count_lines`]'s number, or `error: {the error}` when the file cannot be read. Both jobs do
/// their work inside `run_jobs`, off the runtime.
pub async fn run(below: u64, path: &Path, ticks: u32) -> Vec<String> {
    let _ = (below, path, ticks);
    todo!("build the two Jobs (each owning what it needs: move a PathBuf in) and run_jobs them")
}
