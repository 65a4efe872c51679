use awaitlings::say;
use std::time::Duration;

pub async fn answer() -> u32 {
    say!("thinking");
    // 500 MB of output in 1,000-byte lines, without ever awaiting.
    let line = "x".repeat(999);
    for _ in 0..500_000 {
        println!("{line}");
    }
    tokio::time::sleep(Duration::from_secs(1)).await;
    say!("done");
    42
}
