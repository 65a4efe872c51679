use awaitlings::say;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

pub async fn answer() -> u32 {
    say!("thinking");
    let done = Arc::new(AtomicBool::new(false));
    let flag = done.clone();
    tokio::spawn(async move {
        tokio::time::sleep(Duration::from_secs(1)).await;
        flag.store(true, Ordering::SeqCst);
    });
    // Busy-waits on the flag, yielding each time round: paused time never moves (it only moves
    // when every task waits), so the sleep above never ends and neither does this loop.
    while !done.load(Ordering::SeqCst) {
        tokio::task::yield_now().await;
    }
    say!("done");
    42
}
