use awaitlings::say;
use std::time::Duration;

pub async fn answer() -> u32 {
    say!("thinking");
    std::thread::sleep(Duration::from_secs(5));
    say!("done");
    42
}
