//! Exercise 10, solved: blocking work kept off the runtime, so the heartbeat never misses a beat.
//!
//! Two jobs would freeze an async program if they ran where its tasks run: [`count_primes`]
//! computes (CPU-bound) and [`count_lines`] waits on a slow disk (blocking I/O). Neither has an
//! `.await` in it, so once started on the runtime's thread, nothing else runs there until it
//! returns. [`run_jobs`] hands every job to `tokio::task::spawn_blocking`, which runs it on a
//! thread of tokio's blocking pool (asyncio's `loop.run_in_executor` / `asyncio.to_thread`), and
//! *awaits* the result: the runtime's thread is free meanwhile, and the [`heartbeat`] keeps
//! ticking.

use awaitlings::say;
use std::path::Path;
use std::time::Duration;

/// The heartbeat's period.
pub const BEAT: Duration = Duration::from_millis(100);

/// How long the pretend-slow disk takes to answer (real time): [`count_lines`] sleeps this long.
pub const SLOW_DISK: Duration = Duration::from_secs(1);

/// A blocking job: a name for the transcript, and the work, which blocks or computes and returns
/// the text to report.
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
pub fn count_primes(below: u64) -> u64 {
    // Trial division up to the square root: slow on purpose-sized inputs, which is the point:
    // it is real work, and it never awaits.
    (2..below).filter(|&n| is_prime(n)).count() as u64
}

fn is_prime(n: u64) -> bool {
    if n < 4 {
        return n >= 2;
    }
    if n.is_multiple_of(2) {
        return false;
    }
    let mut d = 3;
    while d * d <= n {
        if n.is_multiple_of(d) {
            return false;
        }
        d += 2;
    }
    true
}

/// The blocking I/O job: the number of lines of the file at `path`, read from a slow disk.
pub fn count_lines(path: &Path) -> std::io::Result<usize> {
    // The stand-in for a slow blocking call (a network drive, a database driver without async
    // support): the thread sleeps, and nothing else can run on it meanwhile.
    std::thread::sleep(SLOW_DISK);
    let text = std::fs::read_to_string(path)?;
    // `lines()` counts a last line without a newline, and does not count an empty "line" after
    // the final newline: what a person means by lines.
    Ok(text.lines().count())
}

/// The heartbeat: says `tick 1`, `tick 2`, ..., `tick {ticks}`, one every [`BEAT`].
pub async fn heartbeat(ticks: u32) {
    for n in 1..=ticks {
        // tokio's sleep: the task waits, and the thread is free for everyone else.
        tokio::time::sleep(BEAT).await;
        say!("tick {n}");
    }
}

/// Runs every job on tokio's blocking pool, all at once, while the heartbeat ticks `ticks` times;
/// says `{name}: {result}` for each job, and returns the results in the order of the jobs, once
/// every job and the heartbeat are done.
pub async fn run_jobs(jobs: Vec<Job>, ticks: u32) -> Vec<String> {
    // The heartbeat is a task of its own: it ticks whenever the runtime's thread is free.
    let beat = tokio::spawn(heartbeat(ticks));

    // Start every job before waiting for any: spawn_blocking returns a JoinHandle at once, and
    // the job runs on a thread of the blocking pool meanwhile. (Awaiting each one before starting
    // the next would run them one after another.)
    let running: Vec<_> = jobs
        .into_iter()
        .map(|job| (job.name, tokio::task::spawn_blocking(job.work)))
        .collect();

    let mut results = Vec::new();
    for (name, handle) in running {
        // Awaiting a JoinHandle waits without blocking: the heartbeat ticks on.
        let result = match handle.await {
            Ok(result) => result,
            // A job that panicked: let its panic go on here, with its own message.
            Err(error) => std::panic::resume_unwind(error.into_panic()),
        };
        say!("{name}: {result}");
        results.push(result);
    }

    // The heartbeat keeps its own count, whatever the jobs did: wait for its last tick.
    beat.await.expect("the heartbeat panicked");
    results
}

/// The demo's scenario: counts the primes below `below` and the lines of the file at `path`,
/// both through [`run_jobs`], while the heartbeat ticks `ticks` times.
///
/// The jobs are named `primes below {below}` and `lines in {file name}`; a file that cannot be
/// read reports `error: {the error}`.
pub async fn run(below: u64, path: &Path, ticks: u32) -> Vec<String> {
    let name = path.file_name().unwrap_or_default().to_string_lossy();
    // The jobs own what they need: they run on another thread, maybe after `run` has returned.
    let owned = path.to_path_buf();
    let jobs = vec![
        Job::new(format!("primes below {below}"), move || {
            count_primes(below).to_string()
        }),
        Job::new(format!("lines in {name}"), move || {
            match count_lines(&owned) {
                Ok(lines) => lines.to_string(),
                Err(error) => format!("error: {error}"),
            }
        }),
    ];
    run_jobs(jobs, ticks).await
}
