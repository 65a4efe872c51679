use awaitlings::say;
use std::time::Duration;

/// Computes a little (a fifth of exercise 58's rounds), blocks the thread for 200 ms, then forgets
/// to await its sleep: "blocked", on a loaded machine too. Leaving out the time the thread waited
/// for a core must never leave out time it slept.
pub async fn answer() -> u32 {
    say!("thinking");
    let rounds: u64 = std::env::var("COMPUTE_ROUNDS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1_000_000);
    let mut n = 0u64;
    for _ in 0..rounds / 5 {
        n = std::hint::black_box(n.wrapping_mul(6364136223846793005).wrapping_add(1));
    }
    std::thread::sleep(Duration::from_millis(200));
    tokio::time::sleep(Duration::from_secs(1));
    say!("done");
    42
}
