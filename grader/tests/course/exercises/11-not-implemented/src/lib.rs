use awaitlings::say;
use std::time::Duration;

/// Says "thinking", waits one second, says "done", returns 42.
pub async fn answer() -> u32 {
    let _ = Duration::ZERO;
    say!("thinking");
    todo!("wait, then answer")
}
