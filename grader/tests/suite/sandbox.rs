//! The sandbox a check process puts itself in, end to end: what student code can no longer do
//! (read its own memory through /proc, write outside its own directory, signal the grader, use
//! root's powers), and, with the sandbox off, how a student who rewrites the grader's files is
//! caught alone while everyone else is graded exactly. Exercises 36-39 of the test course are the
//! attacks; each answers 42 only if its attack worked.
//!
//! Landlock is Linux only, and its scopes (signals) need ABI 6: a test of something the running
//! kernel cannot enforce says so and checks only what the report claims.

use crate::common::*;
use serde_json::Value;
use std::path::Path;

/// What protection a check ran under, as its report says.
fn sandbox_of(report: &Value, slug: &str, name: &str) -> String {
    check(report, slug, name)["sandbox"]
        .as_str()
        .unwrap_or_default()
        .to_string()
}

/// The Landlock ABI a check ran under (`landlock v7...`), if any.
fn landlock_abi(report: &Value, slug: &str) -> Option<u32> {
    let sandbox = sandbox_of(report, slug, "answer-is-42");
    let rest = sandbox.strip_prefix("landlock v")?;
    rest.split(|c: char| !c.is_ascii_digit())
        .next()?
        .parse()
        .ok()
}

fn transcript(report: &Value, slug: &str, name: &str) -> Vec<String> {
    check(report, slug, name)["transcript"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l.as_str().unwrap().to_string())
        .collect()
}

/// The lines of a transcript that say something was denied.
fn denied(report: &Value, slug: &str) -> Vec<String> {
    transcript(report, slug, "answer-transcript")
        .into_iter()
        .filter(|l| l.contains("denied"))
        .collect()
}

// ---------------------------------------------------------------------------------------------
// A class of three whose middle student's check rewrites the instructor's checks.

/// The middle student's exercise 01: returns 42, and appends to the file `$TAMPER_TARGET` (the
/// instructor's checks), saying so when it cannot.
const TAMPERS: &str = r#"use awaitlings::say;
use std::io::Write;
use std::time::Duration;

pub async fn answer() -> u32 {
    say!("thinking");
    let target = std::env::var("TAMPER_TARGET").unwrap_or_default();
    let appended = std::fs::OpenOptions::new()
        .append(true)
        .open(&target)
        .and_then(|mut f| f.write_all(b"\n// anything passes now\n"));
    if let Err(e) = appended {
        say!("could not append: {:?}", e.kind());
    }
    tokio::time::sleep(Duration::from_secs(1)).await;
    say!("done");
    42
}
"#;

/// Grades ana, ben (who tampers) and cy on exercises 01 and 02, with the sandbox `on` or `off`:
/// the gradebook's rows (without the header), the grader's stdout and stderr, and whether the
/// instructor's checks file is byte for byte what it was.
fn grade_a_class_of_three(sandbox: &str) -> (Vec<Vec<String>>, String, String, bool) {
    let instructor = course();
    let class = tempfile::tempdir().unwrap();
    let students: Vec<_> = ["ana", "ben", "cy"]
        .iter()
        .map(|n| class.path().join(n))
        .collect();
    for dir in &students {
        copy_course(dir);
    }
    std::fs::write(students[1].join("exercises/01-passes/src/lib.rs"), TAMPERS).unwrap();
    let checks = instructor.path().join("grader/checks/answer.rs");
    let before = std::fs::read(&checks).unwrap();

    let gradebook = class.path().join("gradebook.csv");
    let out = grader(instructor.path())
        .arg("grade")
        .args(&students)
        .args(["-e", "1", "-e", "2", "--jobs", "3", "--gradebook"])
        .arg(&gradebook)
        .env("AWAITLINGS_SANDBOX", sandbox)
        .env("TAMPER_TARGET", &checks)
        .env("AWAITLINGS_PASS_ENV", "TAMPER_TARGET")
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert_eq!(out.status.code(), Some(0), "{stdout}\n{stderr}");
    let csv = std::fs::read_to_string(&gradebook).unwrap();
    let rows: Vec<Vec<String>> = csv
        .lines()
        .skip(1)
        .map(|l| l.split(',').map(str::to_string).collect())
        .collect();
    assert_eq!(rows.len(), 3, "{csv}");
    let unchanged = std::fs::read(&checks).unwrap() == before;
    (rows, stdout, stderr, unchanged)
}

#[cfg(target_os = "linux")]
#[test]
fn with_the_sandbox_a_check_cannot_rewrite_the_instructors_checks() {
    let (rows, stdout, stderr, unchanged) = grade_a_class_of_three("on");
    if stdout.contains("without a sandbox") {
        eprintln!("skipped: this kernel has no Landlock ({stdout})");
        return;
    }
    assert!(unchanged, "the checks file changed\n{stdout}\n{stderr}");
    // ana and cy: exactly what their code earns (01 passes, 02 answers 41: 1 of 3 points).
    assert_eq!(
        rows[0][..7],
        ["ana", "", "3", "1", "4", "6", ""],
        "{rows:?}"
    );
    assert_eq!(rows[2][..7], ["cy", "", "3", "1", "4", "6", ""], "{rows:?}");
    // ben's append was denied (and said so, which costs the transcript check): nothing to charge.
    assert_eq!(
        rows[1][..7],
        ["ben", "", "2", "1", "3", "6", ""],
        "{rows:?}"
    );
    assert!(!stderr.contains("running them again"), "{stderr}");
}

#[test]
fn without_the_sandbox_only_the_student_who_rewrote_the_checks_is_charged() {
    let (rows, stdout, stderr, unchanged) = grade_a_class_of_three("off");
    // The grader put the instructor's file back, byte for byte.
    assert!(
        unchanged,
        "the checks file is still changed\n{stdout}\n{stderr}"
    );
    assert_eq!(
        rows[0][..7],
        ["ana", "", "3", "1", "4", "6", ""],
        "{rows:?}"
    );
    assert_eq!(rows[2][..7], ["cy", "", "3", "1", "4", "6", ""], "{rows:?}");
    // ben: no point for the exercise whose checks rewrote the file, the points of the other, and a
    // flag that names the exercise and the file.
    assert_eq!(rows[1][..6], ["ben", "", "0", "1", "1", "6"], "{rows:?}");
    let flags = rows[1][6..].join(",");
    assert!(
        flags.contains("01-passes") && flags.contains("grader/checks/answer.rs"),
        "{flags}"
    );
    // The run said it had no sandbox, and why.
    assert!(stdout.contains("without a sandbox (turned off"), "{stdout}");
    // When checks of several exercises ran side by side, the grader said it ran them again one
    // at a time, and whom it found (or that ben was charged already, for an earlier change seen
    // while ben's checks ran alone); it never names a suspect that left the files alone.
    if stderr.contains("running them again") {
        assert!(
            stderr.contains("found it: ") || stderr.contains("is charged already"),
            "{stderr}"
        );
        for line in stderr.lines() {
            if line.starts_with("note: found it: ") || line.contains("is charged already") {
                assert!(
                    line.contains("/ben/exercises/01-passes")
                        && !line.contains("/ana/")
                        && !line.contains("/cy/"),
                    "{line}"
                );
            }
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Attacks from inside a check process.

#[cfg(target_os = "linux")]
#[test]
fn a_check_cannot_read_its_memory_through_proc() {
    let course = course();
    let (code, report) = check_json(course.path(), &["36"]);
    if landlock_abi(&report, "reads-its-memory").is_none() {
        eprintln!("skipped: no Landlock here: {report}");
        return;
    }
    assert_eq!(code, Some(1));
    assert_eq!(
        kind(&report, "reads-its-memory", "answer-is-42"),
        "wrong_value",
        "{report:#}"
    );
    assert_eq!(
        denied(&report, "reads-its-memory"),
        [
            "  0.000s  denied /proc/self/mem: PermissionDenied",
            "  0.000s  denied /proc/self/maps: PermissionDenied"
        ]
    );
}

#[cfg(target_os = "linux")]
#[test]
fn a_check_cannot_write_outside_its_own_directory() {
    let course = course();
    let home = tempfile::tempdir().unwrap();
    let name = format!("awaitlings-escape-{}", std::process::id());
    let checks = course.path().join("grader/checks/writes-outside.rs");
    let before = std::fs::read(&checks).unwrap();
    // The check's HOME is a fresh folder; the build's toolchain and crates stay where they are
    // (a rustup or cargo that looked under the new HOME would find neither).
    let real_home = std::path::PathBuf::from(std::env::var_os("HOME").unwrap_or_default());
    let under_home = |var: &str, dir: &str| {
        std::env::var_os(var).unwrap_or_else(|| real_home.join(dir).into_os_string())
    };
    let out = grader(course.path())
        .args(["check", "37", "--format", "json"])
        .env("CARGO_HOME", under_home("CARGO_HOME", ".cargo"))
        .env("RUSTUP_HOME", under_home("RUSTUP_HOME", ".rustup"))
        .env("HOME", home.path())
        .env("ESCAPE_NAME", &name)
        .env("COURSE_CHECKS", &checks)
        .env("AWAITLINGS_PASS_ENV", "ESCAPE_NAME,COURSE_CHECKS")
        .output()
        .unwrap();
    let report = json_of(&out.stdout);
    let tmp = Path::new("/tmp").join(&name);
    let escaped_tmp = tmp.exists();
    let _ = std::fs::remove_file(&tmp);
    if landlock_abi(&report, "writes-outside").is_none() {
        eprintln!("skipped: no Landlock here: {report}");
        return;
    }
    assert_eq!(
        kind(&report, "writes-outside", "answer-is-42"),
        "wrong_value",
        "{report:#}"
    );
    assert_eq!(
        denied(&report, "writes-outside"),
        [
            "  0.000s  denied course: PermissionDenied",
            "  0.000s  denied home: PermissionDenied",
            "  0.000s  denied tmp: PermissionDenied",
            "  0.000s  denied run: PermissionDenied",
        ]
    );
    assert_eq!(std::fs::read(&checks).unwrap(), before);
    assert!(!home.path().join(&name).exists());
    assert!(!escaped_tmp);
}

#[cfg(target_os = "linux")]
#[test]
fn a_check_cannot_signal_the_grader() {
    let course = course();
    let (code, report) = check_json(course.path(), &["38"]);
    match landlock_abi(&report, "signals-the-grader") {
        Some(abi) if abi >= 6 => {}
        abi => {
            eprintln!("skipped: Landlock {abi:?} has no signal scope (ABI 6): {report}");
            return;
        }
    }
    assert_eq!(code, Some(1));
    assert_eq!(
        kind(&report, "signals-the-grader", "answer-is-42"),
        "wrong_value",
        "{report:#}"
    );
    assert_eq!(
        denied(&report, "signals-the-grader"),
        [
            "  0.000s  kill -0 parent: denied",
            "  0.000s  kill -CONT parent: denied"
        ]
    );
}

/// Root keeps uid 0 in its check process, but none of root's powers: giving a file away needs
/// CAP_CHOWN, which no check process has.
#[cfg(target_os = "linux")]
#[test]
fn a_check_run_by_root_has_no_capabilities() {
    let course = course();
    let (code, report) = check_json(course.path(), &["39"]);
    assert_eq!(code, Some(1));
    assert_eq!(
        kind(&report, "uses-root-powers", "answer-is-42"),
        "wrong_value",
        "{report:#}"
    );
    // SAFETY: geteuid takes no argument and cannot fail.
    #[allow(unsafe_code)]
    let root = unsafe { libc::geteuid() } == 0;
    if root {
        assert!(
            sandbox_of(&report, "uses-root-powers", "answer-is-42")
                .ends_with("root without capabilities"),
            "{report:#}"
        );
    }
    assert!(
        transcript(&report, "uses-root-powers", "answer-transcript")
            .contains(&"  0.000s  chown: denied (PermissionDenied)".to_string()),
        "{report:#}"
    );
}

// ---------------------------------------------------------------------------------------------
// Saying which protection applied, and turning it off.

#[test]
fn every_report_says_which_protection_applied_and_a_run_without_one_says_so_once() {
    let course = course();
    let (_, report) = check_json(course.path(), &["1", "2"]);
    let on = sandbox_of(&report, "passes", "answer-is-42");
    #[cfg(target_os = "linux")]
    assert!(
        on.starts_with("landlock v") || on.starts_with("none: "),
        "{on}"
    );
    #[cfg(not(target_os = "linux"))]
    assert!(on.starts_with("none: "), "{on}");

    let out = grader(course.path())
        .args(["check", "1", "2"])
        .env("AWAITLINGS_SANDBOX", "off")
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(
        text.matches("note: the checks ran without a sandbox (turned off for this run (AWAITLINGS_SANDBOX=off))").count(),
        1,
        "{text}"
    );
    let (_, report) = {
        let out = grader(course.path())
            .args(["check", "1", "--format", "json"])
            .env("AWAITLINGS_SANDBOX", "off")
            .output()
            .unwrap();
        (out.status.code(), json_of(&out.stdout))
    };
    assert!(
        sandbox_of(&report, "passes", "answer-is-42").starts_with("none: turned off"),
        "{report:#}"
    );
}

#[test]
fn a_sandbox_setting_that_means_nothing_is_an_error_that_says_what_to_write() {
    let course = course();
    let out = grader(course.path())
        .args(["check", "1"])
        .env("AWAITLINGS_SANDBOX", "maybe")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("AWAITLINGS_SANDBOX is \"maybe\"") && err.contains("`off`"),
        "{err}"
    );
}
