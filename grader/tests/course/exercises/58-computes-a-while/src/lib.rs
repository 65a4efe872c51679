use awaitlings::say;
use std::time::Duration;

/// Correct, and computes for a while in one step before it awaits: honest work that a loaded
/// machine stretches past the monitor's limit in real time. The rounds of work come from
/// `COMPUTE_ROUNDS` (grader/tests/suite/load.rs sets it to about 100 ms of this machine's CPU, a
/// third of the limit, timing the same loop on the idle machine).
pub async fn answer() -> u32 {
    say!("thinking");
    let rounds: u64 = std::env::var("COMPUTE_ROUNDS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1_000_000);
    let mut n = 0u64;
    for _ in 0..rounds {
        n = std::hint::black_box(n.wrapping_mul(6364136223846793005).wrapping_add(1));
    }
    tokio::time::sleep(Duration::from_secs(1)).await;
    say!("done");
    42
}
