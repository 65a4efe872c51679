//! What the end-to-end test files share: copies of the test course (and of the real one), the
//! real `grader` binary pointed at one, and readers for its JSON report.
//!
//! Every copy is graded with one grader state directory (`target/awaitlings` of this repository,
//! via AWAITLINGS_TARGET_DIR), so tokio compiles once for the whole suite.

// Each test file uses its own share of these helpers.
#![allow(dead_code)]

use assert_cmd::Command;
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

pub fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("..")
        .canonicalize()
        .unwrap()
}

/// The grader state directory every test shares.
pub fn state_dir() -> PathBuf {
    repo().join("target").join("awaitlings")
}

/// A new, empty grader state directory whose cargo build folder is the shared one (a symlink),
/// so a test of kept results starts from nothing kept without building tokio again. (Its staged
/// crates are its own: the grader writes the state's path into what it stages, so a linked
/// stage would be rewritten with each state's paths in turn and built again each time.)
pub fn fresh_state() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    #[cfg(unix)]
    {
        let shared = state_dir().join("cargo");
        std::fs::create_dir_all(&shared).unwrap();
        std::os::unix::fs::symlink(&shared, dir.path().join("cargo")).unwrap();
    }
    dir
}

/// A fresh, complete copy of the test course at a new path: its exercises and checks, plus the
/// course-wide files every awaitlings course has (the root manifest and lock file, the support
/// crate and the check API), copied as they are. Nothing is rewritten: the grader must find
/// everything from wherever the course lies.
pub fn course() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    copy_course(dir.path());
    dir
}

/// Copies the test course into `to` (see [`course`]).
pub fn copy_course(to: &Path) {
    copy_tree(&repo().join("grader/tests/course"), to);
    for shared in ["support", "grader/check"] {
        copy_tree(&repo().join(shared), &to.join(shared));
    }
    for file in ["Cargo.toml", "Cargo.lock"] {
        std::fs::copy(repo().join(file), to.join(file)).unwrap();
    }
}

/// A copy of the repository's own course (exercises, solutions, checks, fixtures, and the crates
/// and manifests every course has), as a student's clone would hold it.
pub fn real_course() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for file in ["course.toml", "Cargo.toml", "Cargo.lock"] {
        std::fs::copy(repo().join(file), dir.path().join(file)).unwrap();
    }
    for tree in [
        "support",
        "grader/check",
        "grader/checks",
        "exercises",
        "solutions",
        "fixtures",
    ] {
        copy_tree(&repo().join(tree), &dir.path().join(tree));
    }
    dir
}

/// Copies a directory, leaving out build output, lock files below the root and hidden entries
/// (a student's progress, editor files).
pub fn copy_tree(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let (src, dst) = (entry.path(), to.join(entry.file_name()));
        let name = entry.file_name();
        if name == "Cargo.lock" || name == "target" || name.to_string_lossy().starts_with('.') {
            continue;
        }
        if entry.file_type().unwrap().is_dir() {
            copy_tree(&src, &dst);
        } else {
            std::fs::copy(&src, &dst).unwrap();
        }
    }
}

/// The grader, run in `course` (which it finds from there).
pub fn grader(course: &Path) -> Command {
    grader_in(course)
}

/// The grader, run in `cwd`, with the suite's state directory and no colour.
pub fn grader_in(cwd: &Path) -> Command {
    Command::from_std(std_grader(cwd))
}

/// Like [`grader`], as a plain std Command: for tests that signal it or read its pipes
/// themselves.
pub fn std_grader(course: &Path) -> std::process::Command {
    let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_grader"));
    cmd.current_dir(course)
        .env("AWAITLINGS_TARGET_DIR", state_dir())
        // One seed for every test, so a test gives the same verdict every run (tests/seeds.rs
        // sets its own); `verify` is what proves the checks over many seeds.
        .env("AWAITLINGS_SEED", "1")
        // Most tests grade a copy at a new path once, or twice: the query cache incremental
        // compilation writes for a student's own harness is rarely read here, and writing it
        // cost more than it saved (the suite binary took 85 s with it, 71 to 76 s without).
        // Watch's tests (learner.rs) take it away again, so a learner's setup, their own
        // harness built incrementally at each save, is still what they test.
        .env("CARGO_INCREMENTAL", "0")
        .env_remove("AWAITLINGS_COURSE")
        .env_remove("NO_COLOR")
        .args(["--color", "never"]);
    cmd
}

pub fn json_of(output: &[u8]) -> Value {
    serde_json::from_slice(output)
        .unwrap_or_else(|e| panic!("not JSON ({e}): {}", String::from_utf8_lossy(output)))
}

/// Runs `grader check ARGS --format json` in `course`: its exit code and report.
pub fn check_json(course: &Path, args: &[&str]) -> (Option<i32>, Value) {
    let out = grader(course)
        .arg("check")
        .args(args)
        .args(["--format", "json"])
        .output()
        .unwrap();
    assert!(
        !out.stdout.is_empty(),
        "no report; stderr: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    (out.status.code(), json_of(&out.stdout))
}

/// The exercise `slug` in a JSON report.
pub fn exercise<'a>(report: &'a Value, slug: &str) -> &'a Value {
    report["exercises"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["slug"] == slug)
        .unwrap_or_else(|| panic!("no exercise {slug} in {report}"))
}

/// The check `name` of exercise `slug` in a JSON report.
pub fn check<'a>(report: &'a Value, slug: &str, name: &str) -> &'a Value {
    let ex = exercise(report, slug);
    ex["checks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["name"] == name)
        .unwrap_or_else(|| panic!("{slug}/{name}: {ex}"))
}

/// The verdict kind of a check: its kind's name, or `pass`.
pub fn kind(report: &Value, slug: &str, name: &str) -> String {
    check(report, slug, name)["kind"]
        .as_str()
        .unwrap_or("pass")
        .to_string()
}

pub fn message(report: &Value, slug: &str, name: &str) -> String {
    check(report, slug, name)["message"]
        .as_str()
        .unwrap_or_default()
        .to_string()
}

pub fn wall_ms(report: &Value, slug: &str, name: &str) -> f64 {
    check(report, slug, name)["wall_ms"].as_f64().unwrap()
}

/// Waits until `done` holds, checking every 20 ms, for at most `limit`. Whether it held.
pub fn wait_until(limit: Duration, mut done: impl FnMut() -> bool) -> bool {
    let until = Instant::now() + limit;
    loop {
        if done() {
            return true;
        }
        if Instant::now() >= until {
            return false;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// Whether any process of the process group `pgid` still exists (`kill(-pgid, 0)` succeeds; a
/// zombie counts until whoever inherited it reaps it).
#[cfg(unix)]
pub fn group_exists(pgid: i32) -> bool {
    // SAFETY: kill(2) with signal 0 sends nothing; it only asks whether the group exists.
    #[allow(unsafe_code)]
    unsafe {
        libc::kill(-pgid, 0) == 0
    }
}

/// Whether the process `pid` still exists (a zombie counts).
#[cfg(unix)]
pub fn process_exists(pid: i32) -> bool {
    // SAFETY: as in group_exists.
    #[allow(unsafe_code)]
    unsafe {
        libc::kill(pid, 0) == 0
    }
}

/// Waits (10 s at most) until nothing of the process group `pgid` is left running, and fails the
/// test if something is.
#[cfg(target_os = "linux")]
pub fn assert_group_ends(pgid: i32) {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    while !running_in_group(pgid).is_empty() && std::time::Instant::now() < deadline {
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    assert_eq!(
        running_in_group(pgid),
        Vec::<String>::new(),
        "process group {pgid} still runs"
    );
}

/// The processes of group `pgid` that are still running (not zombies), from /proc.
#[cfg(target_os = "linux")]
pub fn running_in_group(pgid: i32) -> Vec<String> {
    let mut found = Vec::new();
    for entry in std::fs::read_dir("/proc")
        .unwrap()
        .filter_map(std::result::Result::ok)
    {
        let Ok(stat) = std::fs::read_to_string(entry.path().join("stat")) else {
            continue;
        };
        // pid (comm) state ppid pgrp ...: the command may hold spaces, so split after its ')'.
        let Some((head, rest)) = stat.rsplit_once(") ") else {
            continue;
        };
        let fields: Vec<&str> = rest.split_whitespace().collect();
        if fields.len() > 2 && fields[2] == pgid.to_string() && fields[0] != "Z" {
            found.push(format!("{head}) {}", fields[0]));
        }
    }
    found
}

/// Every file under `dir`, with its contents.
pub fn files_under(dir: &Path) -> Vec<(PathBuf, Vec<u8>)> {
    let mut files = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else {
                files.push((p.clone(), std::fs::read(&p).unwrap()));
            }
        }
    }
    files.sort();
    files
}

/// Output with a line that holds `words` (split at whitespace) one after another, each a whole
/// word; a first word `^` means the line starts there (after blanks), a last word `$` that it
/// ends there. `row("01-passes passed 3/3")` says what a regex of the words joined by `\s+`
/// said, a little more strictly (whole words), without building a regex engine into the tests.
pub fn row(words: &str) -> impl predicates::Predicate<str> {
    let words: Vec<String> = words.split_whitespace().map(str::to_string).collect();
    let shown = words.join(" ");
    predicates::function::function(move |out: &str| has_row(out, &words))
        .fn_name(Box::leak(format!("a line with `{shown}`").into_boxed_str()))
}

/// Whether `out` has a line as [`row`] describes.
fn has_row(out: &str, words: &[String]) -> bool {
    let (words, from_the_start) = match words.split_first() {
        Some((first, rest)) if first == "^" => (rest, true),
        _ => (words, false),
    };
    let (words, to_the_end) = match words.split_last() {
        Some((last, rest)) if last == "$" => (rest, true),
        _ => (words, false),
    };
    assert!(!words.is_empty(), "a row of no words");
    out.lines().any(|line| {
        let tokens: Vec<&str> = line.split_whitespace().collect();
        tokens.windows(words.len()).enumerate().any(|(at, w)| {
            w.iter().zip(words).all(|(t, w)| t == w)
                && (!from_the_start || at == 0)
                && (!to_the_end || at + w.len() == tokens.len())
        })
    })
}
