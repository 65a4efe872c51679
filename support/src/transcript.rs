//! Transcript lines: formatting, printing and (under the grader) recording.
//!
//! A transcript is plain text, one event per line, the time right-aligned with millisecond
//! precision: `  1.000s  up 1`. Plain text, so `diff`, `similar` and a reviewer's eyes all work on it.

use std::io::Write;
use std::sync::Mutex;
use std::time::Duration;

// `None` = not recording (the demos); `Some(..)` = the grader is listening.
static RECORDED: Mutex<Option<Recording>> = Mutex::new(None);

/// The lines recorded so far: the first `cap` of them, and a count of the rest. A program that
/// says a million lines costs the grader a counter, not a million strings.
struct Recording {
    lines: Vec<String>,
    cap: usize,
    dropped: u64,
}

impl Recording {
    fn push(&mut self, line: String) {
        if self.lines.len() < self.cap {
            self.lines.push(line);
        } else {
            self.dropped += 1;
        }
    }
}
// A line whose saying panics (once): set by a check, see [`panic_when_said`].
static PANIC_WHEN: Mutex<Option<String>> = Mutex::new(None);

/// Formats one transcript line: `format_line(Duration::from_millis(1500), "up 5")` is
/// `"  1.500s  up 5"`.
pub fn format_line(at: Duration, text: &str) -> String {
    format!("{:>7.3}s  {}", at.as_secs_f64(), text)
}

/// What [`crate::say!`] calls: stamp `text` with the clock, print it, and record it if recording.
pub fn say(text: String) {
    let armed = {
        let mut when = PANIC_WHEN.lock().unwrap_or_else(|p| p.into_inner());
        if when.as_deref() == Some(text.as_str()) {
            when.take()
        } else {
            None
        }
    };
    if let Some(text) = armed {
        panic!("{INJECTED_PANIC} `{text}`");
    }
    let line = format_line(crate::clock::elapsed(), &text);
    if let Some(recording) = lock().as_mut() {
        recording.push(line.clone());
    }
    // Ignore a closed stdout: printing is a courtesy, the recording is what the grader reads.
    let _ = writeln!(std::io::stdout(), "{line}");
}

/// The start of the message of a panic made by [`panic_when_said`].
pub const INJECTED_PANIC: &str = "a failure injected by the grader's check, while saying";

/// For checks: the next `say!` of exactly `text` panics instead of printing, inside whatever task
/// says it (once; later lines print as usual). This is how a check makes one of your tasks fail
/// through the API every exercise prints with, to see whether your code notices the failure.
pub fn panic_when_said(text: impl Into<String>) {
    *PANIC_WHEN.lock().unwrap_or_else(|p| p.into_inner()) = Some(text.into());
}

/// Records a line as it is, with no timestamp and without printing it. Checks use this for
/// exercises whose events are not timed (the hand-made executor of exercise 02).
pub fn record_line(line: impl Into<String>) {
    if let Some(recording) = lock().as_mut() {
        recording.push(line.into());
    }
}

/// Starts recording (and forgets anything recorded before), with no limit on the lines kept.
pub fn record() {
    record_capped(usize::MAX);
}

/// Starts recording, keeping the first `cap` lines and counting the rest.
pub fn record_capped(cap: usize) {
    *lock() = Some(Recording {
        lines: Vec::new(),
        cap,
        dropped: 0,
    });
}

/// The lines recorded since [`record`], oldest first. Empty if not recording.
pub fn recorded() -> Vec<String> {
    snapshot().0
}

/// The lines kept since [`record_capped`], and how many more were said but not kept.
pub fn snapshot() -> (Vec<String>, u64) {
    lock()
        .as_ref()
        .map_or_else(Default::default, |r| (r.lines.clone(), r.dropped))
}

/// Like [`snapshot`], but gives up instead of waiting if another thread holds the lock right now.
/// The grader's blocking detector uses this: it must never wait on the thread it is reporting on.
pub fn try_snapshot() -> Option<(Vec<String>, u64)> {
    let guard = match RECORDED.try_lock() {
        Ok(guard) => guard,
        Err(std::sync::TryLockError::Poisoned(poisoned)) => poisoned.into_inner(),
        Err(std::sync::TryLockError::WouldBlock) => return None,
    };
    Some(
        guard
            .as_ref()
            .map_or_else(Default::default, |r| (r.lines.clone(), r.dropped)),
    )
}

fn lock() -> std::sync::MutexGuard<'static, Option<Recording>> {
    // A panic while holding the lock leaves a complete Vec behind, so poisoning is harmless here.
    RECORDED
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_have_millisecond_timestamps_right_aligned() {
        assert_eq!(format_line(Duration::ZERO, "up 0"), "  0.000s  up 0");
        assert_eq!(format_line(Duration::from_millis(1500), "x"), "  1.500s  x");
        assert_eq!(format_line(Duration::from_secs(125), "x"), "125.000s  x");
    }

    // The recording is global: tests that use it take turns.
    static SERIAL: Mutex<()> = Mutex::new(());

    fn serial() -> std::sync::MutexGuard<'static, ()> {
        SERIAL.lock().unwrap_or_else(|p| p.into_inner())
    }

    #[test]
    fn an_armed_line_panics_once() {
        let _turn = serial();
        panic_when_said("boom");
        let caught = std::panic::catch_unwind(|| say("boom".into())).unwrap_err();
        let message = caught.downcast_ref::<String>().unwrap();
        assert!(message.starts_with(INJECTED_PANIC), "{message}");
        say("boom".into()); // disarmed: prints
    }

    #[test]
    fn a_capped_recording_counts_what_it_does_not_keep() {
        let _turn = serial();
        record_capped(2);
        for i in 0..5 {
            record_line(format!("{i}"));
        }
        assert_eq!(snapshot(), (vec!["0".to_string(), "1".to_string()], 3));
    }

    #[tokio::test(start_paused = true)]
    #[allow(clippy::await_holding_lock)] // a current_thread test: nothing else runs meanwhile
    async fn say_records_virtual_time() {
        let _turn = serial();
        record();
        crate::clock::start();
        crate::say!("first {}", 1);
        tokio::time::sleep(Duration::from_millis(2500)).await;
        crate::say!("second");
        assert_eq!(recorded(), vec!["  0.000s  first 1", "  2.500s  second"]);
    }
}
