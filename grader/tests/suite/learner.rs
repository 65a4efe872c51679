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
        let mut cmd = std_grader(course);
        cmd.arg("watch").args(args);
        Watch::spawn(cmd)
    }

    /// Runs `cmd`, its keys from a pipe and its output collected.
    fn spawn(mut cmd: std::process::Command) -> Watch {
        let mut child = cmd
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

    /// Waits for the process to end; its exit code.
    fn ended(&mut self) -> Option<i32> {
        let ended = wait_until(Duration::from_secs(30), || {
            matches!(self.child.try_wait(), Ok(Some(_)))
        });
        assert!(ended, "it did not end:\n{}", self.output());
        self.child.wait().unwrap().code()
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

    watch.press("h");
    watch.expect("Hint 1 of 1: Look at the number you return.", 1);
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

/// `grader watch ARGS` on a pseudo-terminal, as a student runs it: util-linux `script` gives the
/// shell a terminal and forwards the test's keys to it. The shell names its terminal first, and
/// after watch says whether the terminal's settings (line mode, echo, Ctrl-C as a signal) are as
/// they were before, and watch's exit code. `None`, and the test is skipped, where `script` is
/// missing.
#[cfg(target_os = "linux")]
fn watch_on_a_terminal(course: &std::path::Path, args: &str) -> Option<(Watch, String)> {
    if std::process::Command::new("script")
        .arg("--version")
        .output()
        .is_err()
    {
        eprintln!("skipped: util-linux `script` is not installed");
        return None;
    }
    let grader = env!("CARGO_BIN_EXE_grader");
    let shell = format!(
        "echo \"tty=$(tty);\"; before=$(stty -g); '{grader}' --color never watch {args}; \
         code=$?; if [ \"$(stty -g)\" = \"$before\" ]; then echo 'terminal: as before'; \
         else echo 'terminal: changed'; fi; echo \"watch exited $code\""
    );
    let mut cmd = std::process::Command::new("script");
    cmd.args(["-q", "-e", "-f", "-c", &shell, "/dev/null"])
        .current_dir(course)
        .env("SHELL", "/bin/sh")
        .env("AWAITLINGS_TARGET_DIR", state_dir())
        .env("AWAITLINGS_SEED", "1")
        .env_remove("AWAITLINGS_COURSE")
        .env_remove("NO_COLOR");
    let watch = Watch::spawn(cmd);
    watch.expect("tty=/dev/", 1);
    watch.expect(";", 1);
    let out = watch.output();
    let tty = out
        .split("tty=")
        .nth(1)
        .and_then(|rest| rest.split(';').next())
        .unwrap_or_else(|| panic!("no terminal named in:\n{out}"))
        .to_string();
    Some((watch, tty))
}

/// Presses `key` once watch waits for one in raw mode (no line mode: `stty` reads the terminal's
/// settings from outside), so that what the key does is what raw mode does with it.
#[cfg(target_os = "linux")]
fn press_in_raw_mode(watch: &mut Watch, tty: &str, key: &str) {
    let raw = || {
        std::process::Command::new("stty")
            .args(["-F", tty, "-a"])
            .output()
            .is_ok_and(|o| {
                String::from_utf8_lossy(&o.stdout)
                    .split_whitespace()
                    .any(|w| w == "-icanon")
            })
    };
    assert!(
        wait_until(Duration::from_secs(60), raw),
        "watch never put {tty} in raw mode:\n{}",
        watch.output()
    );
    watch.press(key);
}

/// On a terminal, keys act without Enter (raw mode while watch waits), Ctrl-Z is a key and not a
/// suspension, and `q` gives the terminal back as it was.
#[cfg(target_os = "linux")]
#[test]
fn on_a_terminal_single_keys_act_without_enter_and_q_gives_the_terminal_back() {
    let course = course();
    let Some((mut watch, tty)) = watch_on_a_terminal(course.path(), "2") else {
        return;
    };
    watch.expect("n next · h hint", 1);
    // No Enter after any key: in line mode none of them would arrive, and the test would fail.
    press_in_raw_mode(&mut watch, &tty, "h");
    watch.expect("Hint 1 of 2 for `answer-is-42`", 1);
    press_in_raw_mode(&mut watch, &tty, "x");
    watch.expect("`x` does nothing here", 1);
    press_in_raw_mode(&mut watch, &tty, "\x1a");
    watch.expect("Ctrl-Z does nothing here", 1);
    press_in_raw_mode(&mut watch, &tty, "q");
    watch.expect("watch exited 0", 1);
    let out = watch.output();
    assert!(out.contains("terminal: as before"), "{out}");
    assert_eq!(watch.ended(), Some(0), "{out}");
}

/// Ctrl-C while watch waits for a key arrives as a key (raw mode), and stops watch as SIGINT does:
/// exit code 130, one line saying so, and the terminal as it was.
#[cfg(target_os = "linux")]
#[test]
fn on_a_terminal_ctrl_c_stops_watching_and_gives_the_terminal_back() {
    let course = course();
    let Some((mut watch, tty)) = watch_on_a_terminal(course.path(), "2") else {
        return;
    };
    watch.expect("n next · h hint", 1);
    press_in_raw_mode(&mut watch, &tty, "\x03");
    watch.expect("watch exited 130", 1);
    let out = watch.output();
    assert!(out.contains("grader: stopped watching."), "{out}");
    assert!(out.contains("terminal: as before"), "{out}");
    assert_eq!(watch.ended(), Some(0), "{out}");
}
