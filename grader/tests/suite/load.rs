//! The monitor's verdicts on a machine that is busy with something else. `#[ignore]`d, and run
//! alone by `.ci/run` (`--ignored load::`): the threads that burn CPU here would slow down every
//! other end-to-end test running beside them.

use crate::common::*;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

/// Threads that keep every core busy until dropped.
struct Burners {
    stop: Arc<AtomicBool>,
    threads: Vec<JoinHandle<u64>>,
}

impl Burners {
    fn start(count: usize) -> Burners {
        let stop = Arc::new(AtomicBool::new(false));
        let threads = (0..count)
            .map(|_| {
                let stop = stop.clone();
                std::thread::spawn(move || {
                    let mut n = 0u64;
                    while !stop.load(Ordering::Relaxed) {
                        n = std::hint::black_box(
                            n.wrapping_mul(6364136223846793005).wrapping_add(1),
                        );
                    }
                    n
                })
            })
            .collect();
        Burners { stop, threads }
    }
}

impl Drop for Burners {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
        for t in self.threads.drain(..) {
            let _ = t.join();
        }
    }
}

// Its verdicts depend on how the kernel shares two cores among the burners, the check processes
// and whatever else the machine runs: on a machine already loaded (a newcomer's laptop mid-build,
// the test-suite bench's own burners) a spin was seen called "blocked". So it is not part of
// `cargo test`; `.ci/run` runs it where the machine is known. Without load, e2e's
// every_kind_of_broken_code_gets_its_own_verdict_in_one_run tells spinning from blocked.
#[test]
#[ignore = "its verdicts depend on the machine's load: .ci/run runs it"]
fn spinning_and_blocking_are_told_apart_on_a_loaded_machine() {
    let course = course();
    let rounds = rounds_for(Duration::from_millis(100));
    // Build first, unloaded: the point is how the checks are judged, not how fast cargo is.
    let (_, report) = check_with_rounds(course.path(), rounds);
    expect_kind(&report, "spins", "answer-is-42", "spinning");
    expect_kind(&report, "blocks", "answer-is-42", "blocked");
    expect_kind(&report, "computes-then-blocks", "answer-is-42", "blocked");
    assert_eq!(
        exercise(&report, "computes-a-while")["points"],
        3,
        "{report:#}"
    );
    a_missing_await_is_told_from_a_block(&report);

    let cores = std::thread::available_parallelism().map_or(2, std::num::NonZero::get);
    let burners = Burners::start(4 * cores);
    let (code, report) = check_with_rounds(course.path(), rounds);
    drop(burners);

    assert_eq!(code, Some(1));
    for name in ["answer-is-42", "answer-transcript"] {
        told_apart_under_load(&report, name, 4 * cores, cores);
    }
    a_missing_await_is_told_from_a_block(&report);
}

/// A missing `.await` after a little computing: no virtual time passed, and the thread was never
/// stuck in a blocking call, also when the load stretches the computing in real time past what
/// the harness calls stuck (100 ms): the time it waited for a core is left out. But never the
/// time it slept: 200 ms of `std::thread::sleep` is a blocked thread, whatever the load.
fn a_missing_await_is_told_from_a_block(report: &serde_json::Value) {
    let transcript = "answer-transcript";
    expect_kind(
        report,
        "computes-then-forgets-to-await",
        transcript,
        "never_waited",
    );
    expect_kind(
        report,
        "sleeps-then-forgets-to-await",
        transcript,
        "blocked",
    );
}

/// The check `name` of exercise `slug` got `want` (a verdict kind, or `pass`).
fn expect_kind(report: &serde_json::Value, slug: &str, name: &str, want: &str) {
    assert_eq!(
        kind(report, slug, name),
        want,
        "{slug}/{name}: {}",
        message(report, slug, name)
    );
}

/// Under load, the spin is still spinning and the sleep still blocked, and correct code that
/// computes for a third of the limit in one step passes.
fn told_apart_under_load(report: &serde_json::Value, name: &str, burners: usize, cores: usize) {
    expect_kind(report, "spins", name, "spinning");
    expect_kind(report, "blocks", name, "blocked");
    // A little computing before the sleep, stretched by the load, does not make it spinning.
    expect_kind(report, "computes-then-blocks", name, "blocked");
    // A thread asleep waits for no core: its verdict comes at the limit (300 ms) and a tick or
    // two, load or not. Leaving out too much (a wrong figure) would hold it back to the last
    // resort, ten limits.
    let blocked_after = wall_ms(report, "blocks", name);
    assert!(
        blocked_after < 1500.0,
        "blocked only after {blocked_after:.0} ms"
    );
    // The load stretches the computing past the limit in real time, and it must pass all the
    // same: the time the runtime thread waited for a core is the machine's, not the code's.
    expect_kind(report, "computes-a-while", name, "pass");
    eprintln!(
        "under load ({burners} busy threads on {cores} cores): {name}: spins {:.0} ms, blocks \
         {blocked_after:.0} ms, computes about 100 ms of CPU in {:.0} ms",
        wall_ms(report, "spins", name),
        wall_ms(report, "computes-a-while", name)
    );
}

/// `check 5 6 58 59 60 61 --format json`, with exercise 58 computing `rounds` rounds of its
/// work loop (59 a third of them, 60 a fifth, 61 a tenth).
fn check_with_rounds(course: &std::path::Path, rounds: u64) -> (Option<i32>, serde_json::Value) {
    let out = grader(course)
        .args([
            "check", "5", "6", "58", "59", "60", "61", "--format", "json",
        ])
        .env("COMPUTE_ROUNDS", rounds.to_string())
        .env("AWAITLINGS_PASS_ENV", "COMPUTE_ROUNDS")
        .output()
        .unwrap();
    (out.status.code(), json_of(&out.stdout))
}

/// How many rounds of exercise 58's work loop (the same loop, in the same unoptimised build) take
/// `cpu` on this machine while it is idle: timed here, before the burners start.
fn rounds_for(cpu: Duration) -> u64 {
    let trial = 2_000_000u64;
    let start = Instant::now();
    let mut n = 0u64;
    for _ in 0..trial {
        n = std::hint::black_box(n.wrapping_mul(6364136223846793005).wrapping_add(1));
    }
    let took = start.elapsed().max(Duration::from_micros(1));
    (trial as f64 * cpu.as_secs_f64() / took.as_secs_f64()) as u64
}
