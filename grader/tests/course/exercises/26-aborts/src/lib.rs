use awaitlings::say;
use std::time::Duration;

pub async fn answer() -> u32 {
    say!("thinking");
    tokio::time::sleep(Duration::from_millis(500)).await;
    // Not a panic (which the harness would catch and name): the process dies on the spot.
    std::process::abort()
}
