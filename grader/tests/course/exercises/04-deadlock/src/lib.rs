use awaitlings::say;
use std::time::Duration;

pub async fn answer() -> u32 {
    say!("thinking");
    let (tx, mut rx) = tokio::sync::mpsc::channel::<u32>(1);
    // The sender stays alive but never sends: recv() waits forever.
    let value = rx.recv().await.unwrap_or(0);
    drop(tx);
    tokio::time::sleep(Duration::from_secs(1)).await;
    value
}
