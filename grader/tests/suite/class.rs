//! Grading a class on a fresh machine: every test here grades on a NEW grader state directory, as
//! a CI runner does, so nothing an earlier run left (stamps, check lists, kept results) can make
//! a total right. Points on offer come from the trusted course; a stray file among the
//! submissions is one flagged row; a build that runs out of time says so.

use crate::common::*;
use predicates::prelude::*;
use serde_json::Value;
use std::path::Path;

/// `grader grade` in `instructor`'s course, on the state directory `state`.
fn grade(instructor: &Path, state: &Path) -> assert_cmd::Command {
    let mut cmd = grader(instructor);
    cmd.env("AWAITLINGS_TARGET_DIR", state).arg("grade");
    cmd
}

/// The gradebook's rows, split on commas: only the last field (the flags) may hold one.
fn rows(csv: &str) -> Vec<Vec<String>> {
    let fields = csv.lines().next().unwrap_or_default().split(',').count();
    csv.lines()
        .map(|l| l.splitn(fields, ',').map(str::to_string).collect())
        .collect()
}

fn row<'a>(rows: &'a [Vec<String>], student: &str) -> &'a [String] {
    rows.iter()
        .find(|r| r[0] == student)
        .unwrap_or_else(|| panic!("no row for {student}: {rows:?}"))
}

#[test]
fn an_exercise_that_does_not_compile_is_zero_of_its_full_points_on_a_fresh_state() {
    let instructor = course();
    let state = fresh_state();
    let class = tempfile::tempdir().unwrap();
    // The only student: exercise 01 does not compile, 02 is the shipped copy (1 of 3 points).
    // Nobody's 01 compiles, so nothing but the course itself can say what 01 is worth.
    let ben = class.path().join("ben");
    copy_course(&ben);
    std::fs::write(
        ben.join("exercises/01-passes/src/lib.rs"),
        "pub async fn answer() -> u32 { this does not compile }\n",
    )
    .unwrap();
    let book = class.path().join("book.csv");
    let reports = class.path().join("reports");
    // 03 has no solution and its exercise crate does not compile: nothing can list its checks.
    // 11 has no solution either, but its exercise crate (the stub) lists them.
    let out = grade(instructor.path(), state.path())
        .arg(&ben)
        .args(["-e", "1", "-e", "2", "-e", "3", "-e", "11"])
        .args(["--format", "json", "--out"])
        .arg(&reports)
        .arg("--gradebook")
        .arg(&book)
        .assert()
        .success()
        .stdout(predicate::str::contains("0/3"))
        .stdout(predicate::str::contains("1/9"))
        .get_output()
        .stdout
        .clone();
    let stdout = String::from_utf8_lossy(&out);

    let csv = std::fs::read_to_string(&book).unwrap();
    let rows = rows(&csv);
    assert_eq!(
        rows[0],
        [
            "student",
            "commit",
            "01-passes",
            "02-wrong-value",
            "03-does-not-compile",
            "11-not-implemented",
            "total",
            "max",
            "flags"
        ],
        "{csv}"
    );
    // 01: 0 of 3; 02: 1 of 3; 03: not counted; 11: 0 of 3 (the stub is not implemented).
    assert_eq!(
        row(&rows, "ben")[2..],
        ["0", "1", "0", "0", "1", "9", ""],
        "{csv}"
    );

    // The exercise nothing can list is said, with what to do, below the table.
    assert!(
        stdout.contains("03 does-not-compile: not graded and not counted in max")
            && stdout.contains("the course has no solution for it")
            && stdout.contains("Add its solution (solutions/03-does-not-compile)"),
        "{stdout}"
    );

    // The report in --format json agrees: 01's full points are on offer, none earned.
    let report: Value =
        serde_json::from_str(&std::fs::read_to_string(reports.join("ben.json")).unwrap()).unwrap();
    assert_eq!(report["points"], 1, "{report:#}");
    assert_eq!(report["max_points"], 9, "{report:#}");
    let passes = exercise(&report, "passes");
    assert_eq!(passes["max_points"], 3, "{passes:#}");
    assert_eq!(passes["points"], 0, "{passes:#}");
    assert_eq!(passes["build"]["kind"], "does_not_compile", "{passes:#}");
    assert_eq!(exercise(&report, "not-implemented")["max_points"], 3);
}

#[test]
fn a_file_among_the_submissions_is_one_flagged_row_and_the_others_are_graded() {
    let instructor = course();
    let state = fresh_state();
    let class = tempfile::tempdir().unwrap();
    let ana = class.path().join("ana");
    copy_course(&ana);
    let roster = class.path().join("roster.csv");
    std::fs::write(&roster, "student,email\nana,ana@example.invalid\n").unwrap();
    let gone = class.path().join("gone");
    let book = class.path().join("book.csv");
    let out = grade(instructor.path(), state.path())
        .args([&roster, &ana, &gone])
        .args(["-e", "1", "--gradebook"])
        .arg(&book)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    // The run goes on and ends as any grading run does.
    assert_eq!(out.status.code(), Some(0), "{stdout}\n{stderr}");

    let csv = std::fs::read_to_string(&book).unwrap();
    let rows = rows(&csv);
    assert_eq!(rows.len(), 4, "a header and three rows:\n{csv}");
    assert_eq!(row(&rows, "ana")[2..], ["3", "3", "3", ""], "{csv}");
    let roster_row = row(&rows, "roster.csv");
    assert_eq!(roster_row[2..5], ["0", "0", "3"], "{csv}");
    assert!(
        roster_row[5].contains("not graded: roster.csv is a file")
            && roster_row[5].contains("Leave it out"),
        "{csv}"
    );
    assert!(
        row(&rows, "gone")[5].contains("not graded: gone does not exist"),
        "{csv}"
    );
    // The table shows the flag too.
    assert!(stdout.contains("roster.csv is a file"), "{stdout}");
}

#[test]
fn a_build_that_runs_out_of_time_says_so_and_retries_once_aloud_never_one_at_a_time() {
    let instructor = course();
    let state = fresh_state();
    let class = tempfile::tempdir().unwrap();
    let [ana, ben, cy] = ["ana", "ben", "cy"].map(|n| class.path().join(n));
    for dir in [&ana, &ben, &cy] {
        copy_course(dir);
    }
    // With the default limit: the course's own harness for 01 and the shared crates are built.
    grade(instructor.path(), state.path())
        .arg(&ana)
        .args(["-e", "1"])
        .assert()
        .success();

    // Two new students' harnesses under a limit no harness can be compiled and linked in: 10 ms,
    // twice, where rustc alone takes longer to load tokio's metadata. (At 0.2 s, an idle machine
    // once finished the second run in time, since the first had compiled the crates under test.)
    let book = class.path().join("book.csv");
    let reports = class.path().join("reports");
    let out = grade(instructor.path(), state.path())
        .args([&ben, &cy])
        .args(["-e", "1", "--build-timeout", "0.01", "--format", "json"])
        .arg("--out")
        .arg(&reports)
        .arg("--gradebook")
        .arg(&book)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");

    // The one fallback, said once: the harnesses still waiting get one more run together.
    let retries: Vec<&str> = stderr
        .lines()
        .filter(|l| l.contains("building those once more"))
        .collect();
    assert_eq!(retries.len(), 1, "{stderr}");
    assert!(
        retries[0].contains("Building stopped at its 0.01 s limit with 2 of 2 harness(es)"),
        "{stderr}"
    );
    // Never a harness built on its own.
    let solo: Vec<_> = std::fs::read_dir(state.path().join("harness"))
        .unwrap()
        .filter_map(std::result::Result::ok)
        .filter(|e| e.file_name().to_string_lossy().starts_with("solo-"))
        .map(|e| e.file_name())
        .collect();
    assert!(solo.is_empty(), "built one at a time: {solo:?}");

    // Each says so in its verdict, and the exercise is still worth its full points.
    for student in ["ben", "cy"] {
        let report: Value = serde_json::from_str(
            &std::fs::read_to_string(reports.join(format!("{student}.json"))).unwrap(),
        )
        .unwrap();
        let ex = exercise(&report, "passes");
        assert_eq!(ex["build"]["kind"], "build_timed_out", "{ex:#}");
        assert!(
            ex["build"]["message"]
                .as_str()
                .unwrap()
                .starts_with("build timed out after 0.01 s, and again after another 0.01 s"),
            "{ex:#}"
        );
        assert_eq!(ex["max_points"], 3, "{ex:#}");
    }
    let csv = std::fs::read_to_string(&book).unwrap();
    let rows = rows(&csv);
    assert_eq!(row(&rows, "ben")[2..], ["0", "0", "3", ""], "{csv}");
    assert_eq!(row(&rows, "cy")[2..], ["0", "0", "3", ""], "{csv}");
}
