//! Transcript lines: formatting, printing and (under the grader) recording.
//!
//! A transcript is plain text, one event per line, the time right-aligned with millisecond
//! precision: `  1.000s  up 1`. Plain text, so `diff`, `similar` and a reviewer's eyes all work on it.
//!
//! Alongside each recorded line, the recording also notes *which tokio task said it*, so the
//! grader can draw one lane per task (`grader run`). Nothing changes for the code that prints:
//! `say!` finds the task itself (`tokio::task::try_id()`). Tasks are numbered 1, 2, 3... in the
//! order of their first recorded line; a line said outside any spawned task (in the future given
//! to `block_on`: a check's body, a demo's `main`) has no task. See [`Said`].

use std::collections::HashMap;
use std::io::Write;
use std::sync::Mutex;
use std::time::Duration;

// `None` = not recording (the demos); `Some(..)` = the grader is listening.
static RECORDED: Mutex<Option<Recording>> = Mutex::new(None);

/// The lines recorded so far: the first `cap` of them, and a count of the rest. A program that
/// says a million lines costs the grader a counter, not a million strings.
struct Recording {
    lines: Vec<String>,
    /// For each kept line, the number of the task that said it (see [`Said::tasks`]).
    tasks: Vec<Option<u32>>,
    /// The tasks that said a kept line, with their numbers. Only kept lines add to it, so it is
    /// bounded by `cap` like the lines are; lines past the cap never look a task up.
    numbers: HashMap<tokio::task::Id, u32>,
    cap: usize,
    dropped: u64,
}

impl Recording {
    fn push(&mut self, line: String, task: Option<tokio::task::Id>) {
        if self.lines.len() < self.cap {
            let next = self.numbers.len() as u32 + 1;
            let number = task.map(|id| *self.numbers.entry(id).or_insert(next));
            self.lines.push(line);
            self.tasks.push(number);
        } else {
            self.dropped += 1;
        }
    }

    fn said(&self) -> Said {
        Said {
            lines: self.lines.clone(),
            tasks: self.tasks.clone(),
            dropped: self.dropped,
        }
    }
}

/// A recording as it stands: the lines kept, who said each one, and how many more were said.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Said {
    /// The lines kept, oldest first (what [`recorded`] returns).
    pub lines: Vec<String>,
    /// For each line of `lines`, the tokio task that said it: `Some(n)` for the n-th task (from 1)
    /// to say a kept line since recording began, `None` for a line said outside any spawned task
    /// (the future given to `block_on`, or no runtime at all).
    pub tasks: Vec<Option<u32>>,
    /// Lines said beyond the cap, counted but not kept.
    pub dropped: u64,
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
        recording.push(line.clone(), tokio::task::try_id());
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
/// exercises whose events are not timed (the hand-made executor of exercise 02). Like `say!`, it
/// notes the task it is called from (usually none: a check's body is not a spawned task).
pub fn record_line(line: impl Into<String>) {
    if let Some(recording) = lock().as_mut() {
        recording.push(line.into(), tokio::task::try_id());
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
        tasks: Vec::new(),
        numbers: HashMap::new(),
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
    let said = said();
    (said.lines, said.dropped)
}

/// The lines kept since [`record_capped`] with the task that said each one, and how many more
/// were said but not kept. Empty if not recording.
pub fn said() -> Said {
    lock().as_ref().map(Recording::said).unwrap_or_default()
}

/// Like [`snapshot`], but gives up instead of waiting if another thread holds the lock right now.
/// The grader's blocking detector uses this: it must never wait on the thread it is reporting on.
pub fn try_snapshot() -> Option<(Vec<String>, u64)> {
    try_said().map(|said| (said.lines, said.dropped))
}

/// Like [`said`], but gives up instead of waiting (see [`try_snapshot`]).
pub fn try_said() -> Option<Said> {
    let guard = match RECORDED.try_lock() {
        Ok(guard) => guard,
        Err(std::sync::TryLockError::Poisoned(poisoned)) => poisoned.into_inner(),
        Err(std::sync::TryLockError::WouldBlock) => return None,
    };
    Some(guard.as_ref().map(Recording::said).unwrap_or_default())
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

    #[tokio::test(start_paused = true)]
    #[allow(clippy::await_holding_lock)] // a current_thread test: nothing else runs meanwhile
    async fn each_line_knows_the_task_that_said_it() {
        let _turn = serial();
        record();
        crate::clock::start();
        crate::say!("main says");
        let a = tokio::spawn(async {
            crate::say!("a 0");
            tokio::time::sleep(Duration::from_millis(2)).await;
            crate::say!("a 1");
        });
        let b = tokio::spawn(async {
            tokio::time::sleep(Duration::from_millis(1)).await;
            crate::say!("b 0");
            record_line("b, untimed");
        });
        a.await.unwrap();
        b.await.unwrap();
        crate::say!("main again");
        let said = said();
        assert_eq!(said.lines.len(), 6);
        // Numbered by first line: a said first, so a is task 1 whatever tokio's ids are.
        assert_eq!(
            said.tasks,
            vec![None, Some(1), Some(2), Some(2), Some(1), None]
        );
        assert_eq!(said.lines[1], "  0.000s  a 0");
        assert_eq!(said.lines[2], "  0.001s  b 0");
        // The old readers see the same lines as ever.
        assert_eq!(recorded(), said.lines);
    }

    #[tokio::test]
    #[allow(clippy::await_holding_lock)] // a current_thread test: nothing else runs meanwhile
    async fn a_capped_recording_looks_up_no_task_past_the_cap() {
        let _turn = serial();
        record_capped(2);
        let mut handles = Vec::new();
        for i in 0..50 {
            handles.push(tokio::spawn(async move { crate::say!("t {i}") }));
        }
        for h in handles {
            h.await.unwrap();
        }
        let said = said();
        assert_eq!(said.tasks, vec![Some(1), Some(2)]);
        assert_eq!(said.dropped, 48);
        let numbers = lock().as_ref().map(|r| r.numbers.len());
        assert_eq!(numbers, Some(2), "tasks past the cap are not remembered");
    }
}
