use awaitlings::say;
use std::time::Duration;

pub async fn answer() -> u32 {
    say!("thinking");
    // A blocking task that never ends: it holds back paused time, so nothing ever fires.
    tokio::task::spawn_blocking(|| loop {
        std::thread::sleep(Duration::from_millis(50));
    })
    .await
    .unwrap_or(());
    42
}
