use awaitlings::say;
use std::time::Duration;

pub async fn answer() -> u32 {
    say!("thinking");
    let line = "x".repeat(1023);
    for _ in 0..20_000 {
        println!("{line}");
    }
    tokio::time::sleep(Duration::from_secs(1)).await;
    say!("done");
    42
}
