use awaitlings::say;
use std::time::Duration;

pub async fn answer() -> u32 {
    say!("thinking");
    tokio::time::sleep(Duration::from_secs(1)).await;
    say!("done");
    42
}
