//! End-to-end tests with submissions that attack the grader itself rather than merely getting the
//! answer wrong: code that hangs with a grandchild while the grader is interrupted, escapes its
//! process group, eats memory, floods the output, forges reports, flips environment switches,
//! resets the transcript clock, loops in a build script or rewrites the hidden checks from one,
//! says 300,000 lines; and courses that are copied, moved and graded side by side. Exercises
//! 13-25 of the test course (tests/course/course.toml) are the submissions.
//!
//! Each test grades a fresh copy of the course with the real `grader` binary and asserts the exact
//! verdict kind (and, where the point is speed, a generous bound on the time).

mod common;

use common::*;
use predicates::prelude::*;
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::sync::{RwLock, RwLockReadGuard, RwLockWriteGuard};
use std::time::{Duration, Instant};

/// The machine, shared by the tests of this file. A test whose verdict depends on real time (a
/// check that must reach a limit before the monitor's 300 ms, however busy the machine) takes it
/// alone; every other test shares it.
static MACHINE: RwLock<()> = RwLock::new(());

fn share() -> RwLockReadGuard<'static, ()> {
    MACHINE
        .read()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

fn alone() -> RwLockWriteGuard<'static, ()> {
    MACHINE
        .write()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// Replaces `from` with `to` in a file of `course` (which must contain it).
fn edit(course: &Path, file: &str, from: &str, to: &str) {
    let path = course.join(file);
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(text.contains(from), "{file} has no {from:?}");
    std::fs::write(&path, text.replace(from, to)).unwrap();
}

const PASSES: &str = "exercises/01-passes/src/lib.rs";

// ---------------------------------------------------------------------------------------------
// Relocation: a course is found from wherever it lies, never from where the grader was built.

#[test]
fn another_copy_is_graded_with_course_from_inside_a_different_one() {
    let _turn = share();
    let (here, there) = (course(), course());
    edit(there.path(), PASSES, "    42\n", "    41\n");
    // The working directory is inside a course too: --course must win over it.
    let out = grader_in(&here.path().join("exercises"))
        .arg("--course")
        .arg(there.path())
        .args(["check", "1", "11", "--format", "json"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let report = json_of(&out.stdout);
    assert_eq!(kind(&report, "passes", "answer-is-42"), "wrong_value");
    assert!(message(&report, "passes", "answer-is-42").contains("was 41, expected 42"));
    assert_eq!(kind(&report, "passes", "answer-transcript"), "pass");
    // Paths are shown relative to the course graded, and name nothing of the other.
    let todo = message(&report, "not-implemented", "answer-is-42");
    assert!(
        todo.contains("exercises/11-not-implemented/src/lib.rs"),
        "{todo}"
    );
    for root in [here.path(), there.path()] {
        assert!(!todo.contains(&*root.to_string_lossy()), "{todo}");
    }
    // The progress is the graded course's.
    assert!(there.path().join(".awaitlings/progress.json").is_file());
    assert!(!here.path().join(".awaitlings").exists());
}

#[test]
fn diff_against_another_full_course_copy() {
    let _turn = share();
    let (mine, theirs, same) = (course(), course(), course());
    edit(theirs.path(), PASSES, "\"done\"", "\"finished\"");
    // Another clone's crate is built against the grading course's crates: theirs need not build.
    std::fs::remove_dir_all(theirs.path().join("support")).unwrap();
    grader(mine.path())
        .args(["diff", "1", "--against"])
        .arg(theirs.path())
        .assert()
        .code(1)
        .stdout(predicate::str::contains("-   1.000s  finished"))
        .stdout(predicate::str::contains("+   1.000s  done"));
    grader(mine.path())
        .args(["diff", "1", "--against"])
        .arg(same.path())
        .assert()
        .code(0)
        .stdout(predicate::str::contains("your transcript matches"));
}

#[test]
fn two_copies_graded_in_turn_with_one_state_directory_stay_apart() {
    let _turn = share();
    let (a, b) = (course(), course());
    edit(b.path(), PASSES, "    42\n", "    41\n");
    let grade = |course: &Path| {
        let (code, report) = check_json(course, &["1"]);
        (code, kind(&report, "passes", "answer-is-42"))
    };
    for _ in 0..2 {
        assert_eq!(grade(a.path()), (Some(0), "pass".into()));
        assert_eq!(grade(b.path()), (Some(1), "wrong_value".into()));
    }
    // Now the other way round: each copy's own latest code, nothing cached from the other.
    edit(a.path(), PASSES, "    42\n", "    41\n");
    edit(b.path(), PASSES, "    41\n", "    42\n");
    assert_eq!(grade(a.path()), (Some(1), "wrong_value".into()));
    assert_eq!(grade(b.path()), (Some(0), "pass".into()));
}

/// What cargo compiled in the harness workspace a grader run used last, for each workspace of
/// `state` not in `seen` (which it then adds): one course's, when one course was graded.
fn compiled_since(state: &Path, seen: &mut Vec<PathBuf>) -> String {
    let mut out = String::new();
    for entry in std::fs::read_dir(state.join("harness")).unwrap() {
        let dir = entry.unwrap().path();
        if !seen.contains(&dir) {
            out.push_str(&std::fs::read_to_string(dir.join("last-cargo-stderr.txt")).unwrap());
            seen.push(dir);
        }
    }
    out
}

/// Every copy of one course (each student's clone, each test's) compiles the course's checks
/// once per state directory, as it does the course's crates; a copy whose checks differ gets its
/// own, and neither is ever judged by the other's.
#[test]
fn copies_of_one_course_compile_its_checks_once_and_never_share_different_ones() {
    let _turn = share();
    let state = fresh_state();
    let (a, b) = (course(), course());
    let check = |course: &Path| {
        let out = grader(course)
            .env("AWAITLINGS_TARGET_DIR", state.path())
            .args(["check", "1", "--format", "json"])
            .output()
            .unwrap();
        let report = json_of(&out.stdout);
        (
            kind(&report, "passes", "answer-is-42"),
            message(&report, "passes", "answer-is-42"),
        )
    };
    let mut seen = Vec::new();
    assert_eq!(check(a.path()).0, "pass");
    let first = compiled_since(state.path(), &mut seen);
    assert!(first.contains("Compiling checks-passes"), "{first}");
    // The second copy builds its own harness, with the checks the first compiled.
    assert_eq!(check(b.path()).0, "pass");
    let second = compiled_since(state.path(), &mut seen);
    assert!(
        second.contains("Compiling check-passes-student"),
        "{second}"
    );
    assert!(!second.contains("Compiling checks-passes"), "{second}");
    assert!(!second.contains("Compiling facade-passes"), "{second}");
    // Checks that differ in the second copy are its own: compiled for it, and judging it alone.
    edit(
        b.path(),
        "grader/checks/answer.rs",
        "expect_eq(\"answer()\", value, 42)",
        "expect_eq(\"answer()\", value, 41)",
    );
    let (verdict, why) = check(b.path());
    assert_eq!(verdict, "wrong_value", "{why}");
    assert!(why.contains("expected 41"), "{why}");
    // Staged apart: the first copy's staged checks are still its own, beside the second's.
    let staged: Vec<String> = std::fs::read_dir(state.path().join("stage"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| {
            p.file_name()
                .unwrap()
                .to_string_lossy()
                .starts_with("checks-")
        })
        .map(|p| std::fs::read_to_string(p.join("checks/answer.rs")).unwrap())
        .collect();
    assert_eq!(
        staged.len(),
        2,
        "one staged copy of the checks for each content"
    );
    assert!(
        staged.iter().any(|t| t.contains("value, 42)")),
        "{staged:?}"
    );
    assert!(
        staged.iter().any(|t| t.contains("value, 41)")),
        "{staged:?}"
    );
    assert_eq!(check(a.path()).0, "pass");
    assert_eq!(check(b.path()).0, "wrong_value");
}

#[test]
fn a_course_moved_after_its_first_build_is_graded_where_it_now_lies() {
    let _turn = share();
    let parent = tempfile::tempdir().unwrap();
    let (first, moved) = (parent.path().join("first"), parent.path().join("moved"));
    copy_course(&first);
    let (code, report) = check_json(&first, &["1", "2"]);
    assert_eq!(code, Some(1));
    assert_eq!(kind(&report, "wrong-value", "answer-is-42"), "wrong_value");

    std::fs::rename(&first, &moved).unwrap();
    let (code, report) = check_json(&moved, &["1", "2"]);
    assert_eq!(code, Some(1));
    assert_eq!(kind(&report, "passes", "answer-is-42"), "pass");
    assert_eq!(kind(&report, "wrong-value", "answer-is-42"), "wrong_value");

    edit(
        &moved,
        "exercises/02-wrong-value/src/lib.rs",
        "    41\n",
        "    42\n",
    );
    let (code, report) = check_json(&moved, &["1", "2"]);
    assert_eq!(code, Some(0), "{report}");
    assert_eq!(kind(&report, "wrong-value", "answer-is-42"), "pass");
    assert!(!first.exists());
}

#[test]
fn the_real_course_copied_elsewhere_passes_exercise_01_with_its_solution() {
    let _turn = share();
    let course = real_course();
    std::fs::copy(
        course.path().join("solutions/01-coroutines/src/lib.rs"),
        course.path().join("exercises/01-coroutines/src/lib.rs"),
    )
    .unwrap();
    let (code, report) = check_json(course.path(), &["1"]);
    let ex = exercise(&report, "coroutines");
    assert_eq!(code, Some(0), "{ex:#}");
    assert_eq!(ex["passed"], true);
    let max = ex["max_points"].as_u64().unwrap();
    assert!(max > 0);
    assert_eq!(ex["points"].as_u64(), Some(max));
    for c in ex["checks"].as_array().unwrap() {
        assert_eq!(c["passed"], true, "{c:#}");
    }
    eprintln!(
        "real course, exercise 01: {}/{max} points in {} checks",
        ex["points"],
        ex["checks"].as_array().unwrap().len()
    );
}

// ---------------------------------------------------------------------------------------------
// Interrupting the grader: every check's process group goes, and the exit code says why.

/// Sends SIGTERM to a grader when dropped (or at [`StopOnDrop::now`]): it stops its checks and
/// goes, instead of outliving a failed test.
#[cfg(unix)]
struct StopOnDrop(i32);

#[cfg(unix)]
impl StopOnDrop {
    fn now(&mut self) {
        if self.0 > 0 {
            // SAFETY: kill(2) sends a signal to the grader we started; no memory is involved.
            #[allow(unsafe_code)]
            unsafe {
                libc::kill(self.0, libc::SIGTERM)
            };
            self.0 = 0;
        }
    }
}

#[cfg(unix)]
impl Drop for StopOnDrop {
    fn drop(&mut self) {
        self.now();
    }
}

#[cfg(unix)]
fn interrupt_while_checks_hang(signal: i32, name: &str, code: i32, stderr_gone: bool) {
    use std::os::unix::process::CommandExt;
    let _turn = share();
    let course = course();
    let pids_file = course.path().join("hang.pids");
    let mut cmd = std_grader(course.path());
    cmd.args(["check", "13", "--jobs", "2", "--timeout", "600"])
        .env("HANG_PID_FILE", &pids_file)
        .env("AWAITLINGS_PASS_ENV", "HANG_PID_FILE")
        // The exercise writes its pids where this test reads them, outside its own directory,
        // which the sandbox forbids; what is tested here does not depend on it.
        .env("AWAITLINGS_SANDBOX", "off")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    // SAFETY: runs between fork and exec and only calls signal(2), which is async-signal-safe.
    // (A shell's background job starts with SIGINT ignored; the grader must see it here.)
    #[allow(unsafe_code)]
    unsafe {
        cmd.pre_exec(|| {
            libc::signal(libc::SIGINT, libc::SIG_DFL);
            libc::signal(libc::SIGTERM, libc::SIG_DFL);
            Ok(())
        });
    }
    let mut child = cmd.spawn().unwrap();
    if stderr_gone {
        // Whoever read the grader's stderr has gone (a closed terminal, a killed pipeline): its
        // last words fail to write, and it must stop all the same.
        drop(child.stderr.take());
    }
    // Should an assertion fail before the signal is sent, the grader still goes, with its checks.
    let mut stop = StopOnDrop(child.id() as i32);
    let read = || std::fs::read_to_string(&pids_file).unwrap_or_default();
    // Both checks write "<pid> <grandchild's pid>" once they run (after the build).
    let running = wait_until(Duration::from_secs(180), || {
        read().lines().count() >= 2 || child.try_wait().unwrap().is_some()
    });
    let pids: Vec<(i32, i32)> = read()
        .lines()
        .map(|l| {
            let (a, b) = l.split_once(' ').unwrap();
            (a.parse().unwrap(), b.parse().unwrap())
        })
        .collect();
    if !running || pids.len() < 2 {
        stop.now();
        let out = child.wait_with_output().unwrap();
        panic!(
            "the checks never started: {pids:?}\n{}\n{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
    }
    for &(pid, grandchild) in &pids {
        // SAFETY: getpgid(2) only reads the group of a process.
        #[allow(unsafe_code)]
        unsafe {
            assert_eq!(libc::getpgid(pid), pid, "a check leads its own group");
            assert_eq!(libc::getpgid(grandchild), pid, "its grandchild is in it");
        }
    }

    let sent = Instant::now();
    // SAFETY: kill(2) sends a signal to the grader we started; no memory is involved.
    #[allow(unsafe_code)]
    let sent_to_grader = unsafe { libc::kill(child.id() as i32, signal) };
    assert_eq!(sent_to_grader, 0);
    stop.0 = 0; // signalled already
    assert!(
        wait_until(Duration::from_secs(20), || child
            .try_wait()
            .unwrap()
            .is_some()),
        "the grader did not exit after {name}"
    );
    let took = sent.elapsed();
    let out = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    let stdout = String::from_utf8_lossy(&out.stdout);
    // Exiting at all within the 20 s waited above is the proof that the grader stopped its
    // checks rather than waiting for them (they hang, under a 600 s timeout); how fast is a figure.
    eprintln!("{name}: the grader exited {took:?} after the signal");
    assert_eq!(out.status.code(), Some(code), "{stderr}\n{stdout}");
    if !stderr_gone {
        assert_eq!(stderr.lines().count(), 1, "{stderr}");
        assert!(
            stderr.contains(&format!("interrupted ({name})")),
            "{stderr}"
        );
        assert!(
            stderr.contains("stopped 2 running process groups"),
            "{stderr}"
        );
    }
    // No verdict for a check the grader itself stopped.
    assert!(!stdout.contains('✗'), "{stdout}");
    assert!(!course.path().join(".awaitlings/progress.json").exists());

    for (pgid, _) in pids {
        // kill(-pgid, 0) fails once the dead are reaped (by whoever inherited them: here the
        // system's init). Where init never reaps, only zombies may be left.
        let gone = wait_until(Duration::from_secs(10), || !group_exists(pgid));
        #[cfg(target_os = "linux")]
        let gone = gone || running_in_group(pgid).is_empty();
        #[cfg(target_os = "linux")]
        assert!(gone, "left running: {:?}", running_in_group(pgid));
        #[cfg(not(target_os = "linux"))]
        assert!(gone, "the group of check {pgid} is still there");
    }
}

#[cfg(unix)]
#[test]
fn sigint_stops_every_check_group_and_exits_130() {
    interrupt_while_checks_hang(libc::SIGINT, "SIGINT", 130, false);
}

#[cfg(unix)]
#[test]
fn sigterm_stops_every_check_group_and_exits_143() {
    interrupt_while_checks_hang(libc::SIGTERM, "SIGTERM", 143, false);
}

#[cfg(unix)]
#[test]
fn sigterm_stops_the_grader_even_when_its_stderr_is_gone() {
    interrupt_while_checks_hang(libc::SIGTERM, "SIGTERM", 143, true);
}

// ---------------------------------------------------------------------------------------------
// Processes, memory, output.

/// Kills the processes listed in a file (one pid a line) when dropped.
#[cfg(target_os = "linux")]
struct KillListed(std::path::PathBuf);

#[cfg(target_os = "linux")]
impl Drop for KillListed {
    fn drop(&mut self) {
        for pid in std::fs::read_to_string(&self.0).unwrap_or_default().lines() {
            #[allow(unsafe_code)]
            if let Ok(pid) = pid.trim().parse::<i32>() {
                // SAFETY: kill(2) on a pid our test's check wrote down; no memory is involved.
                unsafe { libc::kill(pid, libc::SIGKILL) };
            }
        }
    }
}

#[cfg(target_os = "linux")]
#[test]
fn a_child_that_escapes_the_group_holding_stdout_does_not_hold_up_grading() {
    let _turn = share();
    let course = course();
    let pids_file = course.path().join("escaped.pids");
    let _cleanup = KillListed(pids_file.clone());
    let started = Instant::now();
    let out = grader(course.path())
        .args(["check", "14", "--format", "json", "--timeout", "60"])
        .env("ESCAPED_PID_FILE", &pids_file)
        .env("AWAITLINGS_PASS_ENV", "ESCAPED_PID_FILE")
        // The pids go where this test reads them, outside the check's own directory (which the
        // sandbox forbids); stopping escaped processes does not depend on it.
        .env("AWAITLINGS_SANDBOX", "off")
        // Only a grader that never ends is stopped here: the build is part of it (and may wait
        // for another test's build). The check's own time is bounded below.
        .timeout(Duration::from_secs(300))
        .output()
        .unwrap();
    let took = started.elapsed();
    let report = json_of(&out.stdout);
    // The escapees really left (the exercise waits until each leads a session of its own before
    // it writes its pid). On Linux the grader adopts them when their check ends and stops them:
    // nothing of theirs is left running. Elsewhere they outlive the check (the cleanup kills them).
    let escaped: Vec<i32> = std::fs::read_to_string(&pids_file)
        .unwrap()
        .lines()
        .map(|l| l.parse().unwrap())
        .collect();
    assert_eq!(escaped.len(), 2);
    #[cfg(target_os = "linux")]
    for pid in escaped {
        assert_group_ends(pid);
    }
    assert_eq!(out.status.code(), Some(0), "{report:#}");
    for name in ["answer-is-42", "answer-transcript"] {
        assert_eq!(kind(&report, "escapes-its-group", name), "pass");
        // A grader that waited for the escapee's end of stdout would wait until the 60 s timeout
        // stopped the check: half of it is a bound no load reaches (a check takes well under a
        // second) that still tells the two apart.
        let wall = wall_ms(&report, "escapes-its-group", name);
        assert!(wall < 30_000.0, "{name}: {wall} ms");
    }
    eprintln!("escapes its group: graded in {took:?}");
}

#[test]
fn a_memory_hog_runs_out_of_memory() {
    let _turn = share();
    let course = course();
    // The hog computes as it hoards, never awaiting, for longer than the monitor's limit: the
    // verdict must be the memory limit's, not "spinning", on an idle machine and a loaded one.
    // A generous timeout: filling the pages may take a loaded machine several seconds, and only
    // the memory limit should stop the hog.
    let (code, report) = check_json(course.path(), &["15", "--memory", "256", "--timeout", "60"]);
    assert_eq!(code, Some(1));
    for name in ["answer-is-42", "answer-transcript"] {
        assert_eq!(
            kind(&report, "memory-hog", name),
            "out_of_memory",
            "{}",
            message(&report, "memory-hog", name)
        );
        assert!(message(&report, "memory-hog", name).contains("256 MiB"));
        eprintln!(
            "memory hog, {name}: stopped after {:.0} ms",
            wall_ms(&report, "memory-hog", name)
        );
    }
}

#[test]
fn a_500_mb_flood_is_stopped_in_moments() {
    // Alone: the flood limit must be reached before the monitor's 300 ms of busy real time, as
    // the code never awaits.
    let _alone = alone();
    let course = course();
    let out = grader(course.path())
        .args(["check", "23", "--format", "json", "--timeout", "60"])
        .timeout(Duration::from_secs(300))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let report = json_of(&out.stdout);
    for name in ["answer-is-42", "answer-transcript"] {
        assert_eq!(
            kind(&report, "floods", name),
            "output_flood",
            "{}",
            message(&report, "floods", name)
        );
        // Stopped in moments: the check's own wall time (the build is not part of it), with a
        // bound far above what it takes (well under a second when idle) that a loaded machine
        // does not reach. (The reports do not carry the byte count, which would be the count to
        // assert.)
        let wall = wall_ms(&report, "floods", name);
        eprintln!("500 MB flood, {name}: stopped after {wall:.0} ms");
        assert!(wall < 10_000.0, "{name}: {wall} ms");
    }
}

#[test]
fn three_hundred_thousand_lines_are_counted_not_kept() {
    let _turn = share();
    let course = course();
    let out = grader(course.path())
        .args(["check", "24", "--format", "json"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(
        out.stdout.len() < 5 << 20,
        "a report of {} bytes",
        out.stdout.len()
    );
    let report = json_of(&out.stdout);
    // The answer is right; the transcript check fails on its own terms (not as a busy loop: the
    // code yields every 1,000 lines), with the first 10,000 lines kept and the rest counted.
    assert_eq!(kind(&report, "says-300k-lines", "answer-is-42"), "pass");
    assert_eq!(
        kind(&report, "says-300k-lines", "answer-transcript"),
        "wrong_value",
        "{}",
        message(&report, "says-300k-lines", "answer-transcript")
    );
    for name in ["answer-is-42", "answer-transcript"] {
        let c = check(&report, "says-300k-lines", name);
        assert_eq!(c["transcript"].as_array().unwrap().len(), 10_000);
        assert_eq!(c["transcript_dropped"], 300_002 - 10_000);
        assert_eq!(c["finished"], true);
    }
}

/// `grader diff` sees only the lines the grader kept (the first 10,000): two transcripts of
/// 300,002 lines that differ only after those are never said to match unless both said as many
/// lines, and then the output says plainly that only the first 10,000 could be compared.
#[test]
fn diff_past_the_transcript_cap_never_claims_a_match_it_cannot_see() {
    let _turn = share();
    let (mine, longer, changed) = (course(), course(), course());
    const LIB: &str = "exercises/24-says-300k-lines/src/lib.rs";
    // One line more, past the cap.
    edit(longer.path(), LIB, "0..300_000u32", "0..300_001u32");
    // As many lines, all of them from the 20,000th on different.
    edit(
        changed.path(),
        LIB,
        "say!(\"line {i}\");",
        "say!(\"line {}\", if i < 20_000 { i } else { i + 1 });",
    );
    let out = grader(mine.path())
        .args(["diff", "24", "--against"])
        .arg(longer.path())
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{stdout}");
    assert!(!stdout.contains("your transcript matches"), "{stdout}");
    assert!(stdout.contains("does not match"), "{stdout}");
    assert!(
        stdout.contains("said 300003 lines in all and yours 300002"),
        "{stdout}"
    );

    let out = grader(mine.path())
        .args(["diff", "24", "--against"])
        .arg(changed.path())
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(!stdout.contains("your transcript matches"), "{stdout}");
    assert!(
        stdout.contains("the first 10000 lines of your transcript match"),
        "{stdout}"
    );
    assert!(
        stdout.contains("Only the first 10000 lines could be compared"),
        "{stdout}"
    );
    assert_eq!(out.status.code(), Some(0), "{stdout}");
}

#[test]
fn a_loop_that_only_yields_is_still_a_busy_loop() {
    let _turn = share();
    let course = course();
    let (code, report) = check_json(course.path(), &["25", "--timeout", "20"]);
    assert_eq!(code, Some(1));
    for name in ["answer-is-42", "answer-transcript"] {
        let m = message(&report, "busy-waits-with-yield", name);
        assert_eq!(
            kind(&report, "busy-waits-with-yield", name),
            "spinning",
            "{m}"
        );
        assert!(
            m.starts_with("busy-waited") && m.contains("yield_now"),
            "{m}"
        );
    }
}

#[test]
fn the_timeout_flag_beats_the_exercises_timeout_secs() {
    let _turn = share();
    let course = course();
    // Exercise 12 says timeout_secs = 3.
    let (code, report) = check_json(course.path(), &["12", "--timeout", "1"]);
    assert_eq!(code, Some(1));
    for name in ["answer-is-42", "answer-transcript"] {
        assert_eq!(kind(&report, "hangs", name), "timed_out");
        assert!(message(&report, "hangs", name).contains("after 1 s"));
        // Not before the 1 s asked for. Which timeout stopped it, the flag's or the exercise's
        // 3 s, the message says ("after 1 s" above), whatever the load: no upper bound on time.
        let wall = wall_ms(&report, "hangs", name);
        assert!(wall >= 1000.0, "{name}: {wall} ms");
    }
}

// ---------------------------------------------------------------------------------------------
// The report channel and the expected transcripts.

#[test]
fn a_forged_report_never_passes() {
    let _turn = share();
    let course = course();
    // The student's code panics (a different verdict) if it sees any AWAITLINGS_ variable.
    let out = grader(course.path())
        .args(["check", "16", "--format", "json"])
        .env(
            "AWAITLINGS_PROBE",
            "nothing of the grader's reaches a check",
        )
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let report = json_of(&out.stdout);
    // One of its guesses, `../report`, is where the grader reads the report (the check's own
    // directory holds it, beside the working directory): the fake is read, and does not verify.
    for name in ["answer-is-42", "answer-transcript"] {
        assert_eq!(
            kind(&report, "forges-a-report", name),
            "forged",
            "{}",
            message(&report, "forges-a-report", name)
        );
    }
    assert_eq!(exercise(&report, "forges-a-report")["points"], 0);
}

#[test]
fn setting_awaitlings_bless_from_student_code_changes_nothing() {
    let _turn = share();
    let course = course();
    let fixtures = course.path().join("fixtures");
    let before = files_under(&fixtures);
    assert!(!before.is_empty());
    let (code, report) = check_json(course.path(), &["17"]);
    assert_eq!(code, Some(1));
    assert_eq!(kind(&report, "sets-bless", "answer-is-42"), "pass");
    assert_eq!(
        kind(&report, "sets-bless", "answer-transcript"),
        "wrong_value"
    );
    assert_eq!(kind(&report, "sets-bless", "answer-fixture"), "wrong_value");
    let expected = check(&report, "sets-bless", "answer-fixture")["expected"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(expected.contains("  1.000s  done"), "{expected}");
    assert_eq!(before, files_under(&fixtures));
}

#[test]
fn resetting_the_transcript_clock_does_not_compile() {
    let _turn = share();
    let course = course();
    let (code, report) = check_json(course.path(), &["21"]);
    assert_eq!(code, Some(1));
    // The support crate a submission links has no clock to reset (nor any transcript to touch):
    // the harness stamps every line with its own clock.
    let build = &exercise(&report, "resets-the-clock")["build"];
    assert_eq!(build["kind"], "does_not_compile", "{build}");
    let m = build["message"].as_str().unwrap();
    assert!(m.contains("clock"), "{m}");
    assert_eq!(exercise(&report, "resets-the-clock")["points"], 0);
}

#[test]
fn a_missing_await_is_never_waited_and_shows_its_compiler_warning() {
    let _turn = share();
    let course = course();
    let (code, report) = check_json(course.path(), &["22"]);
    assert_eq!(code, Some(1));
    assert_eq!(
        kind(&report, "missing-await", "answer-transcript"),
        "never_waited"
    );
    let warnings = exercise(&report, "missing-await")["warnings"]
        .as_array()
        .unwrap();
    assert!(
        warnings.iter().any(|w| w["lint"] == "unused_must_use"
            && w["rendered"]
                .as_str()
                .unwrap()
                .contains("unused `Sleep` that must be used")),
        "{warnings:?}"
    );
    grader(course.path())
        .args(["check", "22"])
        .assert()
        .code(1)
        .stdout(predicate::str::contains(
            "warning: unused `Sleep` that must be used",
        ))
        .stdout(predicate::str::contains("never waited"));
}

// ---------------------------------------------------------------------------------------------
// Build scripts and manifests: what the student's Cargo.toml and build.rs can and cannot do.

/// The build limit of the tests whose course build script never ends: its loop's, once the script
/// is compiled ([`build_18_once`]). What it must cover is cargo finding the script to run again
/// and starting it (well under a second when idle), and what a test waits for, alone.
#[cfg(unix)]
const SCRIPT_LIMIT: &str = "3";

/// Builds exercise 18 with its course build script told to end at once, so that the script, the
/// shared crates and the crate are compiled, and a build limit later goes to the script's loop;
/// then edits the student's file, so that the next check builds again (an unchanged harness is
/// not built at all).
#[cfg(unix)]
fn build_18_once(course: &Path) {
    grader(course)
        .args(["check", "18"])
        .env("BUILD_SCRIPT_ENDS", "1")
        .timeout(Duration::from_secs(300))
        .output()
        .unwrap();
    let lib = course.join("exercises/18-build-script-loops/src/lib.rs");
    let text = std::fs::read_to_string(&lib).unwrap();
    std::fs::write(&lib, format!("{text}// edited\n")).unwrap();
}

#[cfg(unix)]
#[test]
fn a_build_script_that_never_ends_times_out_the_build() {
    // Alone: the time bounded below is the grader's, from start to end, and a grader waits for
    // the state's lock while another test's build holds it.
    let _turn = alone();
    let course = course();
    build_18_once(course.path());
    let pid_file = course.path().join("build-script.pid");
    let student_marker = course.path().join("the-students-build-script-ran");
    let started = Instant::now();
    let out = grader(course.path())
        .args([
            "check",
            "18",
            "--build-timeout",
            SCRIPT_LIMIT,
            "--format",
            "json",
        ])
        .env("BUILD_PID_FILE", &pid_file)
        .env("STUDENT_BUILD_MARKER", &student_marker)
        .timeout(Duration::from_secs(60))
        .output()
        .unwrap();
    let took = started.elapsed();
    assert_eq!(out.status.code(), Some(1));
    let report = json_of(&out.stdout);
    let ex = exercise(&report, "build-script-loops");
    assert_eq!(ex["build"]["kind"], "build_timed_out", "{ex:#}");
    assert!(
        ex["build"]["message"]
            .as_str()
            .unwrap()
            .contains(&format!("build timed out after {SCRIPT_LIMIT} s")),
        "{ex:#}"
    );
    assert!(ex["checks"].as_array().unwrap().is_empty());
    // The course's crate has a build script, so the course's runs: the student's never does.
    assert!(!student_marker.exists(), "the student's build script ran");
    let notes = ex["notes"].to_string();
    assert!(
        notes.contains("runs the course's build script, never yours"),
        "{notes}"
    );
    eprintln!("a build script that never ends: the grader exited after {took:?}");
    // Not before the limit; and (the script never ends) long before the 60 s this test allows
    // the grader: a bound no load reaches, as the limit is what stopped the build.
    assert!(took >= Duration::from_secs(3), "{took:?}");
    assert!(took < Duration::from_secs(50), "{took:?}");
    // The course's build script did run, once, and was stopped with cargo.
    let pids = std::fs::read_to_string(&pid_file).expect("the build script ran");
    assert_eq!(pids.lines().count(), 1, "{pids}");
    let pid: i32 = pids.trim().parse().unwrap();
    let gone = wait_until(Duration::from_secs(10), || !process_exists(pid));
    #[cfg(target_os = "linux")]
    let gone = gone
        || std::fs::read_to_string(format!("/proc/{pid}/stat")).map_or(true, |s| {
            s.rsplit_once(") ").is_some_and(|(_, r)| r.starts_with('Z'))
        });
    assert!(gone, "the build script {pid} is still running");
}

/// A build that runs out of time while another exercise does not compile: the crate rustc
/// rejected has its verdict already, so it is not built again alone, and neither is the one that
/// ran out of time (which would take the whole limit a second time).
#[cfg(unix)]
#[test]
fn a_build_timeout_beside_a_compile_error_is_not_built_again() {
    let _turn = alone();
    let course = course();
    build_18_once(course.path());
    let pid_file = course.path().join("build-script.pid");
    let started = Instant::now();
    let out = grader(course.path())
        .args([
            "check",
            "3",
            "18",
            "--build-timeout",
            SCRIPT_LIMIT,
            "--format",
            "json",
        ])
        .env("BUILD_PID_FILE", &pid_file)
        .timeout(Duration::from_secs(90))
        .output()
        .unwrap();
    let took = started.elapsed();
    assert_eq!(out.status.code(), Some(1));
    let report = json_of(&out.stdout);
    let broken = exercise(&report, "does-not-compile");
    assert_eq!(broken["build"]["kind"], "does_not_compile", "{broken:#}");
    let looping = exercise(&report, "build-script-loops");
    assert_eq!(looping["build"]["kind"], "build_timed_out", "{looping:#}");
    eprintln!("a build timeout beside a compile error: the grader exited after {took:?}");
    // One run of the limit, not one for the whole build and another for the looping crate alone:
    // counted, not timed. The course's build script adds a line to the file each time it starts
    // (a build that never finished runs it again), so a second build shows as a second line.
    assert!(took >= Duration::from_secs(3), "{took:?}");
    if let Ok(pids) = std::fs::read_to_string(&pid_file) {
        assert_eq!(pids.lines().count(), 1, "built more than once: {pids}");
        let pid: i32 = pids.trim().parse().unwrap();
        assert!(
            wait_until(Duration::from_secs(10), || !process_exists(pid)
                || std::fs::read_to_string(format!("/proc/{pid}/stat")).is_ok_and(
                    |s| s.rsplit_once(") ").is_some_and(|(_, r)| r.starts_with('Z'))
                )),
            "the build script {pid} is still running"
        );
    }
}

#[test]
fn a_build_script_the_course_does_not_have_never_runs() {
    let _turn = share();
    let course = course();
    let checks_file = course
        .path()
        .join("grader/checks/build-script-writes-checks.rs");
    let before = std::fs::read(&checks_file).unwrap();
    let marker = course.path().join("the-build-script-ran");
    let out = grader(course.path())
        .args(["check", "19", "--format", "json"])
        .env("CHECKS_FILE_TO_OVERWRITE", &checks_file)
        .env("BUILD_RAN_MARKER", &marker)
        .output()
        .unwrap();
    let report = json_of(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{report:#}");
    for name in ["answer-is-42", "answer-transcript"] {
        assert_eq!(kind(&report, "build-script-writes-checks", name), "pass");
    }
    let notes = exercise(&report, "build-script-writes-checks")["notes"].to_string();
    assert!(notes.contains("build script (build.rs)"), "{notes}");
    assert!(notes.contains("never runs it"), "{notes}");
    assert!(!marker.exists(), "the student's build script ran");
    assert_eq!(std::fs::read(&checks_file).unwrap(), before);
}

/// An exercise the course has no solution crate for is built with the grader's default manifest
/// (the course's awaitlings and tokio, no build script), never with the student's own: their
/// added dependency is not built and their build script never runs, each said in a note, and
/// the verdict is the checks' own.
#[test]
fn without_a_solution_crate_the_students_manifest_and_build_script_are_not_used() {
    let _turn = share();
    let course = course();
    std::fs::remove_dir_all(
        course
            .path()
            .join("solutions/19-build-script-writes-checks"),
    )
    .unwrap();
    // `itoa` is not in the course's lock file; were it built, cargo would have to fetch it.
    edit(
        course.path(),
        "exercises/19-build-script-writes-checks/Cargo.toml",
        "[dependencies]\n",
        "[dependencies]\nitoa = \"1\"\n",
    );
    let checks_file = course
        .path()
        .join("grader/checks/build-script-writes-checks.rs");
    let before = std::fs::read(&checks_file).unwrap();
    let marker = course.path().join("the-build-script-ran");
    let out = grader(course.path())
        .args(["check", "19", "--format", "json"])
        .env("CHECKS_FILE_TO_OVERWRITE", &checks_file)
        .env("BUILD_RAN_MARKER", &marker)
        .output()
        .unwrap();
    let report = json_of(&out.stdout);
    let ex = exercise(&report, "build-script-writes-checks");
    assert_eq!(out.status.code(), Some(0), "{report:#}");
    assert_eq!(ex["build"]["ok"], true, "{ex:#}");
    for name in ["answer-is-42", "answer-transcript"] {
        assert_eq!(kind(&report, "build-script-writes-checks", name), "pass");
    }
    assert_eq!(ex["points"], 3);
    let notes: Vec<&str> = ex["notes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n.as_str().unwrap())
        .collect();
    assert_eq!(notes.len(), 2, "{notes:?}");
    assert!(
        notes[0].contains("adds a dependency") && notes[0].contains("`itoa`"),
        "{notes:?}"
    );
    assert!(
        notes[1].contains("build script (build.rs)") && notes[1].contains("never runs it"),
        "{notes:?}"
    );
    assert!(!marker.exists(), "the student's build script ran");
    assert_eq!(std::fs::read(&checks_file).unwrap(), before);

    // The verdict is the checks' own: a wrong answer still fails, for its own reason.
    edit(
        course.path(),
        "exercises/19-build-script-writes-checks/src/lib.rs",
        "    42\n",
        "    41\n",
    );
    let (code, report) = check_json(course.path(), &["19"]);
    assert_eq!(code, Some(1));
    assert_eq!(
        kind(&report, "build-script-writes-checks", "answer-is-42"),
        "wrong_value"
    );
    assert!(!marker.exists(), "the student's build script ran");
}

#[test]
fn an_added_dependency_is_a_note_not_a_failure() {
    let _turn = share();
    let course = course();
    let (code, report) = check_json(course.path(), &["20"]);
    assert_eq!(code, Some(0), "{report:#}");
    let ex = exercise(&report, "adds-a-dependency");
    let notes: Vec<&str> = ex["notes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n.as_str().unwrap())
        .collect();
    assert_eq!(notes.len(), 1, "{notes:?}");
    assert!(notes[0].contains("adds a dependency") && notes[0].contains("`itoa`"));
    assert_eq!(ex["points"], 3);
}

// ---------------------------------------------------------------------------------------------
// Files and pipes.

#[test]
fn a_fix_with_an_old_timestamp_is_still_rebuilt() {
    let _turn = share();
    let course = course();
    let (code, report) = check_json(course.path(), &["2"]);
    assert_eq!(code, Some(1));
    assert_eq!(kind(&report, "wrong-value", "answer-is-42"), "wrong_value");

    // The fix arrives the way `cp -p`, tar or unzip deliver it: dated 1 January 2000.
    let lib = course.path().join("exercises/02-wrong-value/src/lib.rs");
    edit(
        course.path(),
        "exercises/02-wrong-value/src/lib.rs",
        "    41\n",
        "    42\n",
    );
    let y2k = std::time::UNIX_EPOCH + Duration::from_secs(946_684_800);
    std::fs::File::options()
        .write(true)
        .open(&lib)
        .unwrap()
        .set_modified(y2k)
        .unwrap();
    assert_eq!(std::fs::metadata(&lib).unwrap().modified().unwrap(), y2k);

    let (code, report) = check_json(course.path(), &["2"]);
    assert_eq!(code, Some(0), "{report:#}");
    assert_eq!(kind(&report, "wrong-value", "answer-is-42"), "pass");
}

#[test]
fn a_reader_that_goes_away_does_not_lose_the_result() {
    use std::io::BufRead;
    let _turn = share();
    let course = course();
    // Exercise 01 is reported at once; exercise 12 only after its own 3 s limit (its
    // `timeout_secs`), to a closed pipe. No `--timeout`: it would cut 01's checks as short, and
    // on a loaded machine a passing check may take more than a second or two.
    let mut run = std_grader(course.path())
        .args(["check", "1", "12"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut first = String::new();
    let mut stdout = std::io::BufReader::new(run.stdout.take().unwrap());
    stdout.read_line(&mut first).unwrap();
    assert!(first.contains("01 passes"), "{first}");
    drop(stdout);
    let out = run.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(!stderr.to_lowercase().contains("broken pipe"), "{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
    grader(course.path())
        .arg("list")
        .assert()
        .code(0)
        .stdout(row("01-passes passed 3/3"))
        .stdout(row("12-hangs failing 0/3"));
}

/// The verdict kinds no other test of this suite reaches: an abort, a signature the checks cannot
/// call, a report planted where the grader reads one, and an expected transcript gone missing.
#[test]
fn an_abort_a_changed_signature_a_planted_report_and_a_missing_fixture() {
    let _turn = share();
    let course = course();
    std::fs::remove_file(course.path().join("fixtures/sets-bless/answer.txt")).unwrap();
    let (code, report) = check_json(course.path(), &["17", "26", "27", "28"]);
    assert_eq!(code, Some(1));

    for name in ["answer-is-42", "answer-transcript"] {
        assert_eq!(kind(&report, "aborts", name), "crashed");
        assert!(
            message(&report, "aborts", name).contains("SIGABRT"),
            "{}",
            message(&report, "aborts", name)
        );
        // The path was found (the check's cwd is beside the report) but not the nonce.
        assert_eq!(kind(&report, "guesses-the-report-path", name), "forged");
    }
    // 27 has a facade (grader/checks/facade/): rustc meets the changed signature where the
    // facade's `bind!` boxes the crate's future, and says both result types.
    let build = &exercise(&report, "wrong-signature")["build"];
    assert_eq!(build["kind"], "checks_do_not_compile", "{build}");
    assert!(
        build["message"]
            .as_str()
            .is_some_and(|m| m.contains("expected `u32`, found `String`")
                && m.contains("facade/wrong-signature.rs,\nwhich writes out each function")),
        "{build}"
    );
    assert_eq!(
        kind(&report, "sets-bless", "answer-fixture"),
        "missing_fixture"
    );
    assert!(message(&report, "sets-bless", "answer-fixture").contains("git checkout -- fixtures/"));
}

/// The grader handles Ctrl-C and SIGTERM itself, but its checks must start as any program does:
/// no signal blocked or ignored, or stopping a check would wait for the SIGKILL after the grace.
#[test]
fn checks_start_with_sigint_and_sigterm_neither_blocked_nor_ignored() {
    let _turn = share();
    let course = course();
    // The exercise reads its signal masks from /proc/self/status, which the sandbox closes.
    let out = grader(course.path())
        .args(["check", "29", "--format", "json"])
        .env("AWAITLINGS_SANDBOX", "off")
        .output()
        .unwrap();
    let (code, report) = (out.status.code(), json_of(&out.stdout));
    assert_eq!(
        kind(&report, "inspects-its-signals", "answer-is-42"),
        "pass",
        "{}",
        message(&report, "inspects-its-signals", "answer-is-42")
    );
    assert_eq!(code, Some(0));
}

/// Student code that rewrites the report from a thread-local destructor (plain safe Rust): the
/// harness ends without running destructors once its report is written, and a report edited into
/// a pass no longer verifies anyway.
#[test]
fn a_report_rewritten_at_exit_is_never_a_pass() {
    let _turn = share();
    let course = course();
    for _ in 0..3 {
        let (code, report) = check_json(course.path(), &["30"]);
        assert_eq!(code, Some(1));
        assert_eq!(
            kind(&report, "rewrites-its-report-on-exit", "answer-is-42"),
            "wrong_value",
            "{}",
            message(&report, "rewrites-its-report-on-exit", "answer-is-42")
        );
    }
}

/// Without the sandbox (`AWAITLINGS_SANDBOX=off`, or a system without Landlock), a check that
/// replaces its own harness binary, or rewrites the course's hidden checks, gets no point (every
/// check of that exercise is a forged result naming the files), the grader puts the files back
/// at once, and its caches go: the next run builds the harness again.
#[cfg(target_os = "linux")]
#[test]
fn rewriting_the_graders_files_is_caught_put_back_and_nothing_is_trusted_after() {
    let _turn = share();
    let course = course();
    let unsandboxed = |args: &[&str]| {
        let out = grader(course.path())
            .arg("check")
            .args(args)
            .args(["--format", "json"])
            .env("AWAITLINGS_SANDBOX", "off")
            .output()
            .unwrap();
        (out.status.code(), json_of(&out.stdout))
    };
    let (code, report) = unsandboxed(&["31"]);
    assert_eq!(code, Some(1));
    for name in ["answer-is-42", "answer-transcript"] {
        assert_eq!(kind(&report, "replaces-its-harness", name), "forged");
        assert!(
            message(&report, "replaces-its-harness", name).contains("check-replaces-its-harness")
        );
    }
    // The next run rebuilds the real harness rather than running the replacement (which would
    // have been "exited the process", with no checks listed); the exercise replaces it again and
    // is caught again.
    let (_, report) = unsandboxed(&["31"]);
    assert_eq!(
        kind(&report, "replaces-its-harness", "answer-is-42"),
        "forged"
    );
    assert!(
        exercise(&report, "replaces-its-harness")["checks"]
            .as_array()
            .is_some_and(|c| c.len() == 2),
        "{report}"
    );

    let checks = course.path().join("grader/checks/rewrites-the-checks.rs");
    let before = std::fs::read(&checks).unwrap();
    let (code, report) = unsandboxed(&["32"]);
    assert_eq!(code, Some(1));
    for name in ["answer-is-42", "answer-transcript"] {
        assert_eq!(kind(&report, "rewrites-the-checks", name), "forged");
        assert!(
            message(&report, "rewrites-the-checks", name)
                .contains("grader/checks/rewrites-the-checks.rs")
        );
    }
    // The course's file was put back, byte for byte.
    assert_eq!(std::fs::read(&checks).unwrap(), before);
}

/// With the sandbox, the same two exercises change nothing: their writes are refused, and they
/// earn what their code does (41 is a wrong value; the transcript is right).
#[cfg(target_os = "linux")]
#[test]
fn with_the_sandbox_the_graders_files_cannot_be_rewritten() {
    let _turn = share();
    let course = course();
    let checks = course.path().join("grader/checks/rewrites-the-checks.rs");
    let before = std::fs::read(&checks).unwrap();
    let (code, report) = check_json(course.path(), &["31", "32"]);
    let sandbox = check(&report, "rewrites-the-checks", "answer-is-42")["sandbox"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    if !sandbox.starts_with("landlock") {
        eprintln!("skipped: no Landlock here ({sandbox})");
        return;
    }
    assert_eq!(code, Some(1));
    for slug in ["replaces-its-harness", "rewrites-the-checks"] {
        assert_eq!(
            kind(&report, slug, "answer-is-42"),
            "wrong_value",
            "{report:#}"
        );
        assert_eq!(
            kind(&report, slug, "answer-transcript"),
            "pass",
            "{report:#}"
        );
    }
    assert_eq!(std::fs::read(&checks).unwrap(), before);
    // The harness was not replaced: a second run starts it again, with the same verdicts.
    let (_, report) = check_json(course.path(), &["31"]);
    assert_eq!(
        kind(&report, "replaces-its-harness", "answer-is-42"),
        "wrong_value",
        "{report:#}"
    );
}

/// A FIFO where the report goes is not a report (opening it for reading used to wait forever).
#[test]
fn a_fifo_planted_where_the_report_goes_is_no_report() {
    let _turn = share();
    let course = course();
    // A grader that waited forever would be stopped at the timeout below (which the build is
    // part of: generous, so that no load reaches it) and fail the test; how long it took is a
    // figure, not a verdict.
    let started = Instant::now();
    let out = grader(course.path())
        .args(["check", "33", "--format", "json"])
        .timeout(Duration::from_secs(300))
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let report = json_of(&out.stdout);
    for name in ["answer-is-42", "answer-transcript"] {
        assert_eq!(kind(&report, "plants-a-fifo", name), "forged");
    }
    eprintln!("a planted FIFO: graded in {:?}", started.elapsed());
}

/// An escaped process whose own child escapes again: both generations are stopped (Linux).
#[cfg(target_os = "linux")]
#[test]
fn processes_that_escape_twice_are_all_stopped() {
    let _turn = share();
    let course = course();
    let pids_file = course.path().join("escaped-twice.pids");
    let _cleanup = KillListed(pids_file.clone());
    let out = grader(course.path())
        .args(["check", "34", "--format", "json"])
        .env("ESCAPED_PID_FILE", &pids_file)
        .env("AWAITLINGS_PASS_ENV", "ESCAPED_PID_FILE")
        // As for exercise 14: the pids go outside the check's own directory.
        .env("AWAITLINGS_SANDBOX", "off")
        // Only a grader that never ends is stopped here: the build is part of it (and may wait
        // for another test's build), so generous, as no load reaches it.
        .timeout(Duration::from_secs(300))
        .output()
        .unwrap();
    let report = json_of(&out.stdout);
    assert_eq!(kind(&report, "escapes-twice", "answer-is-42"), "pass");
    let pids: Vec<i32> = std::fs::read_to_string(&pids_file)
        .unwrap()
        .lines()
        .map(|l| l.trim().parse().unwrap())
        .collect();
    assert!(pids.len() >= 2, "{pids:?}");
    for pid in pids {
        assert_group_ends(pid);
    }
}
