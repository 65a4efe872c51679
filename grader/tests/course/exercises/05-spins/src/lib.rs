use awaitlings::say;
use std::time::Duration;

pub async fn answer() -> u32 {
    say!("thinking");
    let mut n: u64 = 0;
    // Busy-waits forever without awaiting.
    while std::hint::black_box(n) != u64::MAX - 1 || true {
        n = n.wrapping_add(1);
        if n == 0 {
            break;
        }
    }
    tokio::time::sleep(Duration::from_secs(1)).await;
    42
}
