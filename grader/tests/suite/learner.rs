//! The learner's loop, end to end: watch mode driven the way a student drives it (saving a file,
//! pressing keys) on a temporary copy of the fixture course, its output read as it comes.

use crate::common::*;
use std::io::{Read, Write};
use std::process::{Child, ChildStdin, Stdio};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// A running `grader watch`, its output collected as it arrives.
struct Watch {
    child: Child,
    keys: ChildStdin,
    out: Arc<Mutex<String>>,
}

impl Watch {
    fn start(course: &std::path::Path, args: &[&str]) -> Watch {
        let mut child = std_grader(course)
            .arg("watch")
            .args(args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let out = Arc::new(Mutex::new(String::new()));
        for mut stream in [
            Box::new(child.stdout.take().unwrap()) as Box<dyn Read + Send>,
            Box::new(child.stderr.take().unwrap()),
        ] {
            let out = out.clone();
            std::thread::spawn(move || {
                let mut buf = [0u8; 4096];
                while let Ok(n) = stream.read(&mut buf) {
                    if n == 0 {
                        break;
                    }
                    out.lock()
                        .unwrap()
                        .push_str(&String::from_utf8_lossy(&buf[..n]));
                }
            });
        }
        let keys = child.stdin.take().unwrap();
        Watch { child, keys, out }
    }

    fn output(&self) -> String {
        self.out.lock().unwrap().clone()
    }

    /// Waits until `text` has been printed `times` times in all.
    fn expect(&self, text: &str, times: usize) {
        let seen = wait_until(Duration::from_secs(120), || {
            self.output().matches(text).count() >= times
        });
        assert!(
            seen,
            "watch never printed {text:?} ({times} times); it printed:\n{}",
            self.output()
        );
    }

    fn press(&mut self, key: &str) {
        self.keys.write_all(key.as_bytes()).unwrap();
        self.keys.flush().unwrap();
    }
}

impl Drop for Watch {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Saves `text` to `path` the way many editors do: a hidden file beside it, renamed into place.
/// The file is never seen half-written, so the number of checks a save causes is exact. (A plain
/// write truncates first: a check that reads the file in that instant sees it empty, and the
/// write's own event then causes a second check. That is right, but not countable.)
fn save(path: &std::path::Path, text: &str) {
    let tmp = path.with_file_name(".save.tmp");
    std::fs::write(&tmp, text).unwrap();
    std::fs::rename(&tmp, path).unwrap();
}

fn a_save_is_checked_and_keys_drive_the_loop(extra: &[&str]) {
    let course = course();
    let mut args = vec!["2"];
    args.extend_from_slice(extra);
    let mut watch = Watch::start(course.path(), &args);
    watch.expect("Watching exercises/02-wrong-value/", 1);
    assert!(watch.output().contains("1/3 points"), "{}", watch.output());

    // A save that changes nothing is not a change.
    let lib = course.path().join("exercises/02-wrong-value/src/lib.rs");
    let text = std::fs::read_to_string(&lib).unwrap();
    save(&lib, &text);
    // The fix, saved: checked again without a key, and the pass offers the next exercise.
    save(&lib, &text.replace("41", "42"));
    watch.expect(
        "02 wrong-value passes every check. Press n for 03 does-not-compile.",
        1,
    );
    let out = watch.output();
    assert_eq!(
        out.matches("Watching exercises/02-wrong-value/").count(),
        2,
        "one check at the start and one per changed save:\n{out}"
    );

    // File events were in use unless polling was asked for (or the filesystem has none).
    assert_eq!(
        out.contains("Watching by reading the folder"),
        extra.contains(&"--poll"),
        "{out}"
    );

    // A passed exercise hands out no more hints: it names the next one instead.
    watch.press("h");
    watch.expect("You have passed 02 wrong-value", 1);
    watch.expect(
        "Next: 03 does-not-compile, cargo run -p grader -- watch 03",
        1,
    );
    assert!(!watch.output().contains("Hint 1 of"), "{}", watch.output());
    watch.press("l");
    watch.expect("exercise", 1);
    watch.press("n");
    watch.expect("Watching exercises/03-does-not-compile/", 1);
    watch.press("q");
    let quit = wait_until(Duration::from_secs(30), || {
        matches!(watch.child.try_wait(), Ok(Some(_)))
    });
    assert!(quit, "q did not stop watch:\n{}", watch.output());
    assert_eq!(watch.child.wait().unwrap().code(), Some(0));
}

#[test]
fn watch_checks_each_save_with_file_events() {
    a_save_is_checked_and_keys_drive_the_loop(&[]);
}

#[test]
fn watch_checks_each_save_by_polling() {
    a_save_is_checked_and_keys_drive_the_loop(&["--poll"]);
}

#[test]
fn watch_starts_at_the_first_unfinished_exercise() {
    let course = course();
    // 01 passes: after a check of it, watch starts at 02.
    grader(course.path()).args(["check", "1"]).assert().code(0);
    let mut watch = Watch::start(course.path(), &[]);
    watch.expect("Watching exercises/02-wrong-value/", 1);
    watch.press("q");
    assert!(wait_until(Duration::from_secs(30), || matches!(
        watch.child.try_wait(),
        Ok(Some(_))
    )));
}
