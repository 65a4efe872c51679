//! When did the run start? Every transcript timestamp is measured from here.
//!
//! The start is a `tokio::time::Instant`, so under a paused runtime (the grader) it measures virtual
//! time, and in a normal runtime (the demos) it measures real time.

use std::sync::Mutex;
use std::time::Duration;
use tokio::time::Instant;

// A global, not a thread-local: code that runs on `spawn_blocking` threads prints too.
static START: Mutex<Option<Instant>> = Mutex::new(None);

/// Marks "now" as time zero. The grader calls this at the start of every check; [`crate::demo`]
/// calls it at the start of every demo.
pub fn start() {
    *lock() = Some(Instant::now());
}

/// Time since [`start`]. If nothing started the clock yet, the first call starts it.
pub fn elapsed() -> Duration {
    let mut start = lock();
    let began = *start.get_or_insert_with(Instant::now);
    Instant::now().saturating_duration_since(began)
}

fn lock() -> std::sync::MutexGuard<'static, Option<Instant>> {
    // A panic while holding this lock cannot leave the Option half-written, so a poisoned lock is
    // still a good lock.
    START
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}
