//! The transcript as the harness records it: every `say!` of the code under test, stamped with
//! the harness's own clock, with the task that said it.
//!
//! The recording lives here, in the check API, and not in the support crate the code under test
//! links: a student's crate can only *say* lines (`awaitlings::say!`), never read, rewrite, erase
//! or re-stamp them. The harness hands the support crate a sink ([`install`], once, at the start
//! of `main`, before any code under test runs) and every `say!` ends up in [`sink`].
//!
//! Alongside each line, the recording notes *which tokio task said it*, so the grader can draw
//! one lane per task (`grader run`). Tasks are numbered 1, 2, 3... in the order of their first
//! recorded line; a line said by the check's body itself (a task of its own, see `harness`), or
//! outside any task, has no task: it is the `main` lane. See [`Said`].

use std::collections::HashMap;
use std::io::Write;
use std::sync::Mutex;

// `None` until the check starts recording.
static RECORDED: Mutex<Option<Recording>> = Mutex::new(None);

// A line whose saying panics (once): set by a check, see [`panic_when_said`].
static PANIC_WHEN: Mutex<Option<String>> = Mutex::new(None);

/// The start of the message of a panic made by [`panic_when_said`].
pub const INJECTED_PANIC: &str = "a failure injected by the grader's check, while saying";

/// The lines recorded so far: the first `cap` of them, and a count of the rest. A program that
/// says a million lines costs the harness a counter, not a million strings.
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
    /// The lines kept, oldest first.
    pub lines: Vec<String>,
    /// For each line of `lines`, the tokio task that said it: `Some(n)` for the n-th task (from 1)
    /// to say a kept line since recording began, `None` for a line said outside any spawned task
    /// (the future given to `block_on`, or no runtime at all).
    pub tasks: Vec<Option<u32>>,
    /// Lines said beyond the cap, counted but not kept.
    pub dropped: u64,
}

/// Makes every `say!` of this process come to [`sink`]. The harness calls it first thing in
/// `main`; `false` if a sink was already installed (this one, by an earlier call).
pub(crate) fn install() -> bool {
    awaitlings::__private::install_sink(sink)
}

/// Where every `say!` goes under the harness: stamped with the harness's clock (which nothing
/// the code under test does can reset), recorded if recording, and printed.
fn sink(text: String) {
    let armed = {
        let mut when = PANIC_WHEN
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if when.as_deref() == Some(text.as_str()) {
            when.take()
        } else {
            None
        }
    };
    if let Some(text) = armed {
        panic!("{INJECTED_PANIC} `{text}`");
    }
    let line = awaitlings::format_line(crate::clock::elapsed(), &text);
    if let Some(recording) = lock().as_mut() {
        let task = tokio::task::try_id().filter(|id| Some(id) != BODY.get());
        recording.push(line.clone(), task);
    }
    // Ignore a closed stdout: printing is a courtesy, the recording is what the grader reads.
    let _ = writeln!(std::io::stdout(), "{line}");
}

/// The task that runs the check's body: what it says is `main`'s, as in a program whose `main`
/// awaits the code under test itself. Set by the harness once it has spawned the body.
pub(crate) static BODY: std::sync::OnceLock<tokio::task::Id> = std::sync::OnceLock::new();

/// For checks: the next `say!` of exactly `text` panics instead of printing, inside whatever task
/// says it (once; later lines print as usual). This is how a check makes one of the student's
/// tasks fail through the API every exercise prints with, to see whether their code notices.
pub fn panic_when_said(text: impl Into<String>) {
    *PANIC_WHEN
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner) = Some(text.into());
}

/// Records a line as it is, with no timestamp and without printing it. Checks use this for
/// exercises whose events are not timed (the hand-made executor of exercise 02). Like `say!`, it
/// notes the task it is called from (usually none: a check's body is not a spawned task).
pub fn record_line(line: impl Into<String>) {
    if let Some(recording) = lock().as_mut() {
        recording.push(line.into(), tokio::task::try_id());
    }
}

/// Starts recording (and forgets anything recorded before), keeping the first `cap` lines and
/// counting the rest.
pub(crate) fn record_capped(cap: usize) {
    *lock() = Some(Recording {
        lines: Vec::new(),
        tasks: Vec::new(),
        numbers: HashMap::new(),
        cap,
        dropped: 0,
    });
}

/// The lines kept since recording began, with the task that said each one, and how many more
/// were said but not kept. Empty if not recording.
pub fn said() -> Said {
    lock().as_ref().map(Recording::said).unwrap_or_default()
}

/// Like [`said`], but gives up instead of waiting if another thread holds the lock right now.
/// The blocking monitor uses this: it must never wait on the thread it is reporting on.
pub(crate) fn try_said() -> Option<Said> {
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
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    // The recording is global: tests that use it take turns, with the sink installed.
    static SERIAL: Mutex<()> = Mutex::new(());

    fn serial() -> std::sync::MutexGuard<'static, ()> {
        install(); // the first test installs it; later calls find it there
        SERIAL
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Starts a scenario the way a check does: the harness's clock at zero, recording.
    fn restart(cap: usize) {
        crate::clock::start();
        record_capped(cap);
    }

    #[test]
    fn a_second_sink_is_refused() {
        let _turn = serial();
        assert!(!install(), "the sink is installed once");
        fn elsewhere(_: String) {}
        assert!(!awaitlings::__private::install_sink(elsewhere));
    }

    #[test]
    fn an_armed_line_panics_once() {
        let _turn = serial();
        panic_when_said("boom");
        let caught = std::panic::catch_unwind(|| awaitlings::say!("boom")).unwrap_err();
        let message = caught.downcast_ref::<String>().unwrap();
        assert!(message.starts_with(INJECTED_PANIC), "{message}");
        awaitlings::say!("boom"); // disarmed: prints
    }

    #[test]
    fn a_capped_recording_counts_what_it_does_not_keep() {
        let _turn = serial();
        record_capped(2);
        for i in 0..5 {
            record_line(format!("{i}"));
        }
        let said = said();
        assert_eq!(
            (said.lines, said.dropped),
            (vec!["0".into(), "1".into()], 3)
        );
    }

    #[tokio::test(start_paused = true)]
    #[allow(clippy::await_holding_lock)] // a current_thread test: nothing else runs meanwhile
    async fn say_is_stamped_with_the_harness_clock() {
        let _turn = serial();
        restart(usize::MAX);
        awaitlings::say!("first {}", 1);
        tokio::time::sleep(Duration::from_millis(2500)).await;
        awaitlings::say!("second");
        assert_eq!(said().lines, vec!["  0.000s  first 1", "  2.500s  second"]);
    }

    #[tokio::test(start_paused = true)]
    #[allow(clippy::await_holding_lock)] // a current_thread test: nothing else runs meanwhile
    async fn each_line_knows_the_task_that_said_it() {
        let _turn = serial();
        restart(usize::MAX);
        awaitlings::say!("main says");
        let a = tokio::spawn(async {
            awaitlings::say!("a 0");
            tokio::time::sleep(Duration::from_millis(2)).await;
            awaitlings::say!("a 1");
        });
        let b = tokio::spawn(async {
            tokio::time::sleep(Duration::from_millis(1)).await;
            awaitlings::say!("b 0");
            record_line("b, untimed");
        });
        a.await.unwrap();
        b.await.unwrap();
        awaitlings::say!("main again");
        let said = said();
        assert_eq!(said.lines.len(), 6);
        // Numbered by first line: a said first, so a is task 1 whatever tokio's ids are.
        assert_eq!(
            said.tasks,
            vec![None, Some(1), Some(2), Some(2), Some(1), None]
        );
        assert_eq!(said.lines[1], "  0.000s  a 0");
        assert_eq!(said.lines[2], "  0.001s  b 0");
    }

    #[tokio::test]
    #[allow(clippy::await_holding_lock)] // a current_thread test: nothing else runs meanwhile
    async fn a_capped_recording_looks_up_no_task_past_the_cap() {
        let _turn = serial();
        restart(2);
        let mut handles = Vec::new();
        for i in 0..50 {
            handles.push(tokio::spawn(async move { awaitlings::say!("t {i}") }));
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
