use awaitlings::say;
use std::time::Duration;

/// Computes a little (a tenth of exercise 58's rounds, about 10 ms), then blocks the thread in
/// `std::thread::sleep`: "blocked", on a loaded machine too, where the computing takes longer in
/// real time while the thread waits for a core, and must not make the stretch look computing.
pub async fn answer() -> u32 {
    say!("thinking");
    let rounds: u64 = std::env::var("COMPUTE_ROUNDS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1_000_000);
    let mut n = 0u64;
    for _ in 0..rounds / 10 {
        n = std::hint::black_box(n.wrapping_mul(6364136223846793005).wrapping_add(1));
    }
    std::thread::sleep(Duration::from_secs(5));
    say!("done");
    42
}
