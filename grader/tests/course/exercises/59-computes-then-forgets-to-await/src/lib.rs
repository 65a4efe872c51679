use awaitlings::say;
use std::time::Duration;

/// Computes a third of exercise 58's rounds (about 33 ms of CPU, a third of what the harness
/// calls a stuck thread), then forgets to await its sleep: "never waited", also when a loaded
/// machine stretches the computing past 100 ms of real time.
pub async fn answer() -> u32 {
    say!("thinking");
    let rounds: u64 = std::env::var("COMPUTE_ROUNDS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1_000_000);
    let mut n = 0u64;
    for _ in 0..rounds / 3 {
        n = std::hint::black_box(n.wrapping_mul(6364136223846793005).wrapping_add(1));
    }
    tokio::time::sleep(Duration::from_secs(1));
    say!("done");
    42
}
