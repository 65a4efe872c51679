//! # Exercise 01: coroutines (solved)
//!
//! Three small async functions: one breakfast step, then three steps run one after another (3 s),
//! then the same three steps joined (1 s). The interesting part is not what the code does but
//! *when*: nothing in an `async fn` runs until the future it returns is awaited.

use awaitlings::say;
use std::time::Duration;
use tokio::time::sleep;

/// One step of breakfast: says `start {name}`, waits `secs` seconds, says `finish {name}`, and
/// returns `name`.
///
/// Being lazy takes no effort: `step("tea", 2)` only *builds* a future (Python: calling an
/// `async def` gives a coroutine object). The first `say!` runs on the first poll, that is, when
/// somebody awaits it.
pub async fn step(name: &str, secs: u64) -> String {
    say!("start {name}");
    // `tokio::time::sleep` returns a future too; `.await` hands control back to the runtime until
    // the timer fires, so anything joined with this step keeps running meanwhile. A blocking
    // `std::thread::sleep` here would freeze the only thread, and everything on it.
    sleep(Duration::from_secs(secs)).await;
    say!("finish {name}");
    name.to_string()
}

/// The slow breakfast: coffee, then toast, then eggs, each awaited before the next one starts.
/// Three 1-second steps, 3 s in all. Returns `["coffee", "toast", "eggs"]`.
pub async fn breakfast_in_sequence() -> Vec<String> {
    // `.await` suspends this function until its step has finished, so the next line does not even
    // build the next future before then.
    let coffee = step("coffee", 1).await;
    let toast = step("toast", 1).await;
    let eggs = step("eggs", 1).await;
    vec![coffee, toast, eggs]
}

/// The quick breakfast: the same three steps joined with `tokio::join!`, so their waits overlap.
/// 1 s in all. Returns `["coffee", "toast", "eggs"]`, in the order the steps were written.
pub async fn breakfast_together() -> Vec<String> {
    // `join!` takes the three futures unawaited and polls them side by side inside this one task:
    // each runs until its sleep is pending, then the next gets a turn. No threads, no spawning.
    // It finishes when all three have, and hands back their outputs in argument order (like
    // `asyncio.gather`), whichever happened to finish first.
    let (coffee, toast, eggs) = tokio::join!(step("coffee", 1), step("toast", 1), step("eggs", 1));
    vec![coffee, toast, eggs]
}
