use awaitlings::say;
use std::time::Duration;

pub async fn answer() -> u32 {
    // 300,000 lines, with a yield to the scheduler every 1,000 of them: chatty, but never
    // hogging the runtime.
    for i in 0..300_000u32 {
        say!("line {i}");
        if i % 1000 == 999 {
            tokio::task::yield_now().await;
        }
    }
    say!("thinking");
    tokio::time::sleep(Duration::from_secs(1)).await;
    say!("done");
    42
}
