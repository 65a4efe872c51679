//! The learner's loop, end to end: watch mode driven the way a student drives it (saving a file,
//! pressing keys) on a temporary copy of the fixture course, its output read as it comes: through
//! pipes, and on a terminal (a pseudo-terminal, as a learner's shell gives it).

use crate::common::*;
use std::io::{Read, Write};
use std::process::{Child, Stdio};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// A running `grader watch`, its output collected as it arrives.
struct Watch {
    child: Child,
    keys: Box<dyn Write + Send>,
    out: Arc<Mutex<String>>,
}

impl Watch {
    /// Watch with pipes for its standard input, output and error.
    fn start(course: &std::path::Path, args: &[&str]) -> Watch {
        let mut cmd = std_grader(course);
        // As a learner builds: their own harness incrementally, at each save.
        cmd.arg("watch").args(args).env_remove("CARGO_INCREMENTAL");
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
        for stream in [
            Box::new(child.stdout.take().unwrap()) as Box<dyn Read + Send>,
            Box::new(child.stderr.take().unwrap()),
        ] {
            collect(stream, &out);
        }
        let keys = Box::new(child.stdin.take().unwrap());
        Watch { child, keys, out }
    }

    /// Watch on a terminal of its own: standard input, output and error are one pseudo-terminal,
    /// whose other side the test reads and types into. `env`: more of its environment.
    #[cfg(target_os = "linux")]
    fn on_a_terminal(course: &std::path::Path, args: &[&str], env: &[(&str, &str)]) -> Watch {
        let (master, terminal) = pty::open();
        let mut cmd = std_grader(course);
        cmd.arg("watch")
            .args(args)
            .env_remove("CARGO_INCREMENTAL")
            .envs(env.iter().copied())
            .stdin(Stdio::from(terminal.try_clone().unwrap()))
            .stdout(Stdio::from(terminal.try_clone().unwrap()))
            .stderr(Stdio::from(terminal));
        let child = cmd.spawn().unwrap();
        // The test's copies of the terminal side are closed with `cmd`: once the grader exits,
        // reading the other side ends.
        drop(cmd);
        let out = Arc::new(Mutex::new(String::new()));
        collect(Box::new(master.try_clone().unwrap()), &out);
        Watch {
            child,
            keys: Box::new(master),
            out,
        }
    }

    fn output(&self) -> String {
        self.out.lock().unwrap().clone()
    }

    /// Waits until `text` has been printed `times` times in all. Generously: a check builds
    /// first, after waiting for the state's lock while another test's build holds it.
    fn expect(&self, text: &str, times: usize) {
        let seen = wait_until(Duration::from_secs(300), || {
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

/// Appends what `stream` gives to `out`, on a thread of its own, until it ends (the thread's
/// end).
pub(crate) fn collect(
    mut stream: Box<dyn Read + Send>,
    out: &Arc<Mutex<String>>,
) -> std::thread::JoinHandle<()> {
    let out = out.clone();
    std::thread::spawn(move || {
        let mut buf = [0u8; 4096];
        // A read ends wherever the bytes waiting did (more than a buffer of them, when the
        // machine is slow to read): a character cut in two waits for its other part, or each
        // part would be a replacement character, and `·` in the keys' line never seen.
        let mut cut = Vec::new();
        // A terminal's other side reads as an error (EIO) once the grader has exited.
        while let Ok(n) = stream.read(&mut buf) {
            if n == 0 {
                break;
            }
            cut.extend_from_slice(&buf[..n]);
            let whole = whole_characters(&cut);
            out.lock()
                .unwrap()
                .push_str(&String::from_utf8_lossy(&cut[..whole]));
            cut.drain(..whole);
        }
        out.lock().unwrap().push_str(&String::from_utf8_lossy(&cut));
    })
}

/// How many of `bytes` come before a character that is not whole yet (its first bytes, at the
/// end): all of them when none is.
fn whole_characters(bytes: &[u8]) -> usize {
    let mut from = 0;
    loop {
        match std::str::from_utf8(&bytes[from..]) {
            Ok(_) => return bytes.len(),
            Err(e) => match e.error_len() {
                // Bytes that are no character at all: decoded as such, and on past them.
                Some(bad) => from += e.valid_up_to() + bad,
                None => return from + e.valid_up_to(),
            },
        }
    }
}

/// A pseudo-terminal: the side a terminal window holds (the test reads what the grader prints
/// and types its keys there) and the side the grader gets as its terminal.
#[cfg(target_os = "linux")]
mod pty {
    use std::fs::{File, OpenOptions};
    use std::os::fd::AsRawFd;
    use std::os::unix::fs::OpenOptionsExt;

    pub fn open() -> (File, File) {
        let master = OpenOptions::new()
            .read(true)
            .write(true)
            .custom_flags(libc::O_NOCTTY)
            .open("/dev/ptmx")
            .unwrap();
        let fd = master.as_raw_fd();
        let mut name = [0 as libc::c_char; 128];
        // SAFETY: grantpt and unlockpt act on `fd`, an open pseudo-terminal master we own;
        // ptsname_r writes at most `name.len()` bytes into `name`, a buffer we own.
        #[allow(unsafe_code)]
        let ok = unsafe {
            libc::grantpt(fd) == 0
                && libc::unlockpt(fd) == 0
                && libc::ptsname_r(fd, name.as_mut_ptr(), name.len()) == 0
        };
        assert!(
            ok,
            "no pseudo-terminal: {}",
            std::io::Error::last_os_error()
        );
        let name = name.map(|c| c as u8);
        let path = std::ffi::CStr::from_bytes_until_nul(&name)
            .unwrap()
            .to_str()
            .unwrap()
            .to_string();
        let terminal = OpenOptions::new()
            .read(true)
            .write(true)
            .custom_flags(libc::O_NOCTTY)
            .open(&path)
            .unwrap();
        (master, terminal)
    }
}

/// Whether `out` holds watch's line for check number `n`: when it started (a time of day) and
/// how long it took, whatever the values.
fn numbered(out: &str, n: u32) -> bool {
    // `check #N at HH:MM:SS[ UTC], S.SS s`
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    let said = format!("check #{n} at ");
    out.match_indices(&said).any(|(at, _)| {
        let rest = &out[at + said.len()..];
        let Some((clock, rest)) = rest.split_at_checked(8) else {
            return false;
        };
        let rest = rest.strip_prefix(" UTC").unwrap_or(rest);
        let Some((took, _)) = rest.strip_prefix(", ").and_then(|r| r.split_once(" s")) else {
            return false;
        };
        let parts: Vec<&str> = clock.split(':').collect();
        let clock_ok = parts.len() == 3 && parts.iter().all(|p| p.len() == 2 && digits(p));
        let took_ok = took
            .split_once('.')
            .is_some_and(|(whole, cents)| digits(whole) && cents.len() == 2 && digits(cents));
        clock_ok && took_ok
    })
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
    // The footer's last line (the keys) ends the second check's output: read no sooner, or the
    // lines after the verdict may still be on their way.
    watch.expect("q quit", 2);
    let out = watch.output();
    assert_eq!(
        out.matches("Watching exercises/02-wrong-value/").count(),
        2,
        "one check at the start and one per changed save:\n{out}"
    );
    // Each check is numbered and timed; what to do next is said with keys, once.
    assert!(numbered(&out, 1) && numbered(&out, 2), "{out}");
    assert!(out.contains("left: press h"), "{out}");
    // Only what has no key is said with a command: a check other than the main scenario, drawn.
    let commands: Vec<&str> = out
        .lines()
        .filter(|l| {
            l.contains("cargo run -p grader")
                && !l.contains("see it: cargo run -p grader -- run 02 ")
        })
        .collect();
    assert!(commands.is_empty(), "{out}");
    assert!(!out.contains("Next: "), "{out}");

    // File events were in use unless polling was asked for (or the filesystem has none).
    assert_eq!(
        out.contains("Watching by reading the folder"),
        extra.contains(&"--poll"),
        "{out}"
    );

    // A passed exercise hands out no more hints: it names the next one instead.
    watch.press("h");
    watch.expect("You have passed 02 wrong-value", 1);
    watch.expect("Next: 03 does-not-compile, press n", 1);
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

/// On a terminal, as a learner runs it: each check says its number, when it began and how long it
/// took, so `c` on unchanged code visibly does something; messages name keys; a re-check, by key
/// or by a save that cargo must build, says nothing about long builds.
#[cfg(target_os = "linux")]
#[test]
fn watch_on_a_terminal_numbers_each_check_names_keys_and_keeps_quiet_about_quick_builds() {
    let course = course();
    // 01 passes, so once 02 passes too, the exercise to do next is the one `n` goes to.
    grader(course.path()).args(["check", "1"]).assert().code(0);
    // However loaded the machine, no build of this test counts as slow: only the first build
    // of a state where nothing is compiled yet may say it takes a while.
    let env = [("AWAITLINGS_SLOW_BUILD_SECS", "100000")];
    let mut watch = Watch::on_a_terminal(course.path(), &["2"], &env);
    let watching = "Watching exercises/02-wrong-value/";
    watch.expect(watching, 1);
    let first = watch.output();
    assert!(numbered(&first, 1), "{first}");
    assert!(first.contains("left: press h"), "{first}");

    // Unchanged code, checked again with `c`: a new number.
    watch.press("c");
    watch.expect(watching, 2);
    let again = watch.output()[first.len()..].to_string();
    assert!(numbered(&again, 2) && !numbered(&again, 1), "{again}");

    // A hint inside watch: the next one is a key away.
    watch.press("h");
    watch.expect("Press h again for another hint", 1);

    // A save that cargo builds, then passes: one line about what comes next, with its key.
    let before = watch.output().len();
    let lib = course.path().join("exercises/02-wrong-value/src/lib.rs");
    let text = std::fs::read_to_string(&lib).unwrap();
    save(&lib, &text.replace("41", "42"));
    watch.expect("Press n for 03 does-not-compile.", 1);
    let saved = watch.output()[before..].to_string();
    assert!(numbered(&saved, 3), "{saved}");
    assert!(!saved.contains("Next: "), "{saved}");
    // The list's next exercise is a key away too.
    watch.press("l");
    watch.expect(
        "Next: 03 does-not-compile. Read exercises/03-does-not-compile/README.md, then check it: press n",
        1,
    );

    let rechecks = watch.output()[first.len()..].to_string();
    for notice in ["Building the checks", "Still building"] {
        assert!(!rechecks.contains(notice), "{rechecks}");
    }
    // What has a key is said with it (`hint --all`, which has none, keeps its command).
    let all = watch.output();
    for command in [
        "Run the same command again",
        "hint for this check: cargo",
        "Stuck? cargo",
        "cargo run -p grader -- check",
    ] {
        assert!(!all.contains(command), "{command:?} in:\n{all}");
    }

    watch.press("q");
    let quit = wait_until(Duration::from_secs(30), || {
        matches!(watch.child.try_wait(), Ok(Some(_)))
    });
    assert!(quit, "q did not stop watch:\n{}", watch.output());
    assert_eq!(watch.child.wait().unwrap().code(), Some(0));
}
