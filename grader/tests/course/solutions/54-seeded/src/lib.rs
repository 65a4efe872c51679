//! Says a greeting after a pause. The checks draw the name and the pause from the run's seed.

use awaitlings::say;
use std::time::Duration;

/// Waits `ms` milliseconds, says `hello {name}`, and returns the name's length.
pub async fn greet(name: &str, ms: u64) -> usize {
    tokio::time::sleep(Duration::from_millis(ms)).await;
    say!("hello {name}");
    name.len()
}
