//! The check's own clocks: when the check (or its last `restart`) began, in virtual and in real
//! time.
//!
//! These are private to the harness on purpose: both the transcript's timestamps (see
//! [`crate::recording`]) and every elapsed time a check judges come from here, and nothing the
//! code under test can link resets them, so it cannot make a sequential run look concurrent.
//! Student code can only move tokio's clock *forward* (`tokio::time::advance`), which never makes
//! slow code look fast.

use std::sync::Mutex;
use std::time::Duration;

static VIRTUAL_START: Mutex<Option<tokio::time::Instant>> = Mutex::new(None);
static WALL_START: Mutex<Option<std::time::Instant>> = Mutex::new(None);

/// Marks now as the start of the check (inside the runtime: the virtual clock is tokio's).
pub(crate) fn start() {
    *VIRTUAL_START
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner) = Some(tokio::time::Instant::now());
    *WALL_START
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner) = Some(std::time::Instant::now());
}

/// Virtual time since [`start`] (zero before it).
pub fn elapsed() -> Duration {
    let start = *VIRTUAL_START
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    start.map_or(Duration::ZERO, |s| {
        tokio::time::Instant::now().saturating_duration_since(s)
    })
}

/// Like [`elapsed`], but never waits for the lock (the monitor thread must not block on the
/// thread it watches) and `None` when it cannot tell.
pub(crate) fn try_elapsed() -> Option<Duration> {
    let start = *VIRTUAL_START.try_lock().ok()?;
    Some(tokio::time::Instant::now().saturating_duration_since(start?))
}

/// Real time since [`start`].
pub fn wall_elapsed() -> Duration {
    let start = *WALL_START
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    start.map_or(Duration::ZERO, |s| s.elapsed())
}
