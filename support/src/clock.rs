//! When did the demo start? Every timestamp `say!` prints by itself is measured from here.
//!
//! The start is a `tokio::time::Instant`, so it measures the runtime's time: real time in the
//! demos. Under the grader this clock is not used: the harness stamps lines with its own.

use std::sync::Mutex;
use std::time::Duration;
use tokio::time::Instant;

// A global, not a thread-local: code that runs on `spawn_blocking` threads prints too.
static START: Mutex<Option<Instant>> = Mutex::new(None);

/// Marks "now" as time zero: [`crate::demo`] calls this at the start of every demo.
pub(crate) fn start() {
    *lock() = Some(Instant::now());
}

/// Time since [`start`]. If nothing started the clock yet, the first call starts it.
pub(crate) fn elapsed() -> Duration {
    let mut start = lock();
    let began = *start.get_or_insert_with(Instant::now);
    Instant::now().saturating_duration_since(began)
}

fn lock() -> std::sync::MutexGuard<'static, Option<Instant>> {
    // A panic while holding this lock cannot leave the Option half-written, so a poisoned lock is
    // still a good lock.
    START
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}
