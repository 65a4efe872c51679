use awaitlings::say;
use std::time::Duration;

pub async fn answer() -> u32 {
    tokio::time::sleep(Duration::from_secs(2)).await;
    // Zero the transcript's clock, so the lines below look as if the first two seconds never
    // were. The support crate has no such function any more: this does not compile.
    awaitlings::clock::start();
    say!("thinking");
    tokio::time::sleep(Duration::from_secs(1)).await;
    say!("done");
    42
}
