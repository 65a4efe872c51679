//! Transcript lines: formatting, and where a said line goes.
//!
//! A transcript is plain text, one event per line, the time right-aligned with millisecond
//! precision: `  1.000s  up 1`. Plain text, so `diff`, `similar` and a reviewer's eyes all work on it.
//!
//! A said line goes to the sink the grader's harness installed, if it did (it does so first thing
//! in its `main`, before any exercise code runs, and only one sink is ever taken); otherwise it is
//! stamped with the demo's clock and printed. The sink keeps nothing here: this crate holds no
//! transcript that code could read, rewrite or clear.

use std::io::Write;
use std::sync::OnceLock;
use std::time::Duration;

static SINK: OnceLock<fn(String)> = OnceLock::new();

/// Formats one transcript line: `format_line(Duration::from_millis(1500), "up 5")` is
/// `"  1.500s  up 5"`.
pub fn format_line(at: Duration, text: &str) -> String {
    format!("{:>7.3}s  {}", at.as_secs_f64(), text)
}

/// What [`crate::say!`] calls: hand `text` to the sink, or stamp it and print it.
pub fn say(text: String) {
    if let Some(sink) = SINK.get() {
        return sink(text);
    }
    let line = format_line(crate::clock::elapsed(), &text);
    // Ignore a closed stdout: a demo's reader may have gone.
    let _ = writeln!(std::io::stdout(), "{line}");
}

/// Sends every later `say!` of this process to `sink`. Only the first call takes effect (the
/// grader's harness makes it before any exercise code runs); later ones return `false`.
pub fn install_sink(sink: fn(String)) -> bool {
    SINK.set(sink).is_ok()
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

    // One test, so nothing else in this binary sees the sink installed.
    #[test]
    fn the_first_sink_takes_every_line_and_no_other_is_taken() {
        use std::sync::Mutex;
        static TAKEN: Mutex<Vec<String>> = Mutex::new(Vec::new());
        fn first(text: String) {
            TAKEN.lock().unwrap().push(text);
        }
        fn second(_: String) {
            panic!("a second sink was taken");
        }
        assert!(install_sink(first));
        assert!(!install_sink(second));
        crate::say!("up {}", 1);
        assert_eq!(*TAKEN.lock().unwrap(), vec!["up 1".to_string()]);
    }

    #[tokio::test(start_paused = true)]
    async fn a_demo_stamps_with_its_own_clock() {
        crate::clock::start();
        tokio::time::sleep(Duration::from_millis(2500)).await;
        assert_eq!(crate::clock::elapsed(), Duration::from_millis(2500));
    }
}
