//! End-to-end tests of the real `grader` binary against the mini-course in tests/course/: one
//! exercise per way student code goes wrong (fails, does not compile, deadlocks, spins, blocks,
//! panics in a task, exits 0, prints a fake "test ... ok", prints megabytes, hangs), all graded
//! in one run, each with the verdict that names its mistake.
//!
//! Each test grades a fresh copy of the course (progress files are per copy); all share one
//! grader state directory, so tokio and the check API compile once for the whole suite. The
//! helpers are in tests/common/; tests/hostile.rs has the submissions that attack the grader.

use crate::common::*;
use predicates::prelude::*;
use std::path::Path;

#[test]
fn every_kind_of_broken_code_gets_its_own_verdict_in_one_run() {
    let course = course();
    let started = std::time::Instant::now();
    // Exercises 01-12; those after them attack the grader itself (tests/hostile.rs).
    let first_twelve: Vec<String> = (1..=12).map(|n| n.to_string()).collect();
    let out = grader(course.path())
        .arg("check")
        .args(&first_twelve)
        .args(["--format", "json"])
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let report = json_of(&out.stdout);

    let kind = |slug, name| {
        check(&report, slug, name)["kind"]
            .as_str()
            .unwrap_or("pass")
            .to_string()
    };
    let message = |slug, name| {
        check(&report, slug, name)["message"]
            .as_str()
            .unwrap()
            .to_string()
    };

    assert_eq!(kind("passes", "answer-is-42"), "pass");
    assert_eq!(kind("passes", "answer-transcript"), "pass");
    assert_eq!(kind("wrong-value", "answer-is-42"), "wrong_value");
    assert!(message("wrong-value", "answer-is-42").contains("was 41, expected 42"));
    assert_eq!(kind("deadlock", "answer-is-42"), "deadlock");
    assert!(message("deadlock", "answer-is-42").starts_with("never finished"));
    assert_eq!(kind("spins", "answer-is-42"), "spinning");
    assert_eq!(kind("blocks", "answer-is-42"), "blocked");
    assert!(message("blocks", "answer-is-42").contains("std::thread::sleep"));
    assert_eq!(kind("panics-in-task", "answer-is-42"), "panicked");
    assert!(message("panics-in-task", "answer-is-42").contains("the oven caught fire"));
    assert_eq!(kind("exits-zero", "answer-is-42"), "exited_early");
    assert!(message("exits-zero", "answer-is-42").contains("std::process::exit"));
    assert_eq!(kind("fake-ok", "answer-is-42"), "wrong_value");
    assert_eq!(
        kind("megabytes", "answer-is-42"),
        "pass",
        "printing a lot is not wrong by itself"
    );
    assert_eq!(kind("not-implemented", "answer-is-42"), "not_implemented");
    assert!(
        message("not-implemented", "answer-is-42")
            .contains("exercises/11-not-implemented/src/lib.rs")
    );
    assert_eq!(kind("hangs", "answer-is-42"), "timed_out");

    let ex = |slug: &str| {
        report["exercises"]
            .as_array()
            .unwrap()
            .iter()
            .find(|e| e["slug"] == slug)
            .unwrap()
            .clone()
    };
    let broken = ex("does-not-compile");
    assert_eq!(broken["build"]["kind"], "does_not_compile");
    let rendered = broken["build"]["message"].as_str().unwrap();
    assert!(
        rendered.contains("exercises/03-does-not-compile/src/lib.rs"),
        "{rendered}"
    );
    assert!(rendered.contains("mismatched types"), "{rendered}");
    assert_eq!(ex("passes")["points"], 3);
    assert_eq!(ex("passes")["passed"], true);
    assert_eq!(report["passed"], false);

    // The blocking and spinning verdicts come from the monitor, not from the wall-clock kill
    // (which would say timed_out): their kinds above prove it, under the default 10 s timeout,
    // which leaves the monitor its 3 s of grace on a loaded machine. Only `hangs` waits for its
    // limit (3 s, from course.toml).
    let wall = |slug, name| check(&report, slug, name)["wall_ms"].as_f64().unwrap();
    eprintln!(
        "graded the test course in {:?}; blocks {:.0} ms, spins {:.0} ms",
        started.elapsed(),
        wall("blocks", "answer-is-42"),
        wall("spins", "answer-is-42")
    );
}

#[test]
fn a_passing_exercise_exits_zero_with_full_points() {
    let course = course();
    grader(course.path())
        .args(["check", "1"])
        .assert()
        .code(0)
        .stdout(predicate::str::contains("✓ answer-is-42"))
        .stdout(predicate::str::contains("3/3 points: every check passed."));
}

#[test]
fn a_failing_exercise_explains_itself_with_a_diff_and_a_hint() {
    let course = course();
    let lib = course.path().join("exercises/01-passes/src/lib.rs");
    let text = std::fs::read_to_string(&lib).unwrap();
    std::fs::write(&lib, text.replace("from_secs(1)", "from_secs(3)")).unwrap();
    grader(course.path())
        .args(["check", "passes"])
        .assert()
        .code(1)
        .stdout(predicate::str::contains("✗ answer-transcript"))
        .stdout(predicate::str::contains("wrong timing"))
        .stdout(predicate::str::contains("-   1.000s  done"))
        .stdout(predicate::str::contains("+   3.000s  done"))
        .stdout(predicate::str::contains("cargo run -p grader -- hint 01"));
}

#[test]
fn names_resolve_every_way_and_unknown_ones_list_the_choices() {
    let course = course();
    for name in ["1", "01", "passes", "01-passes"] {
        grader(course.path())
            .args(["check", name, "--format", "json"])
            .assert()
            .code(0);
    }
    grader(course.path())
        .args(["check", "99"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("there is no exercise \"99\""))
        .stderr(predicate::str::contains("01-passes"));
}

#[test]
fn grading_never_changes_the_students_files() {
    let course = course();
    let before = files_under(&course.path().join("exercises"));
    grader(course.path())
        .args(["check", "1", "2", "3"])
        .assert()
        .code(1);
    assert_eq!(before, files_under(&course.path().join("exercises")));
}

#[test]
fn run_prints_the_transcript_with_virtual_timestamps() {
    let course = course();
    grader(course.path())
        .args(["run", "1"])
        .assert()
        .code(0)
        .stdout(predicate::str::contains(
            "  0.000s  thinking\n  1.000s  done\n",
        ))
        .stdout(predicate::str::contains(
            "finished after 1.000 s of virtual time",
        ));
}

#[test]
fn diff_against_the_solution_and_another_submission() {
    let course = course();
    grader(course.path())
        .args(["diff", "1"])
        .assert()
        .code(0)
        .stdout(predicate::str::contains("matches"));
    // Exercise 02's solution answers 42; the student's code answers 41 but prints the same lines.
    grader(course.path()).args(["diff", "2"]).assert().code(0);

    let other = course.path().join("other-student");
    copy_tree(&course.path().join("exercises/01-passes"), &other);
    let lib = other.join("src/lib.rs");
    std::fs::write(
        &lib,
        std::fs::read_to_string(&lib)
            .unwrap()
            .replace("\"done\"", "\"finished\""),
    )
    .unwrap();
    grader(course.path())
        .args(["diff", "1", "--against", other.to_str().unwrap()])
        .assert()
        .code(1)
        .stdout(predicate::str::contains("-   1.000s  finished"))
        .stdout(predicate::str::contains("+   1.000s  done"));
}

#[test]
fn hints_come_one_at_a_time() {
    let course = course();
    grader(course.path())
        .args(["hint", "1"])
        .assert()
        .code(0)
        .stdout(predicate::str::contains("Hint 1 of 3: First hint."))
        .stdout(predicate::str::contains("Second").not());
    grader(course.path())
        .args(["hint", "1"])
        .assert()
        .stdout(predicate::str::contains("Hint 2 of 3: Second hint."));
    grader(course.path())
        .args(["hint", "1"])
        .assert()
        .stdout(predicate::str::contains("That was the last hint"));
    grader(course.path())
        .args(["hint", "3"])
        .assert()
        .code(0)
        .stdout(predicate::str::contains("has no hints"));
}

#[test]
fn hints_follow_the_failing_check_and_are_not_repeated() {
    let course = course();
    grader(course.path())
        .args(["check", "2"])
        .assert()
        .code(1)
        .stdout(predicate::str::contains(
            "2 hints left: cargo run -p grader -- hint 02 answer-is-42",
        ));
    let hint = || grader(course.path()).args(["hint", "2"]).assert().code(0);
    hint()
        .stdout(predicate::str::contains(
            "Hint 1 of 2 for `answer-is-42`:\n  The answer is one more than yours.",
        ))
        .stdout(predicate::str::contains("Look at the number").not());
    // The next call gives the next hint only: the first is not repeated.
    hint()
        .stdout(predicate::str::contains(
            "Hint 2 of 2 for `answer-is-42`:\n  Return 42.",
        ))
        .stdout(predicate::str::contains("one more than yours").not());
    // The check's hints are used up: then the exercise's own.
    hint().stdout(predicate::str::contains(
        "Hint 1 of 1: Look at the number you return.",
    ));
    hint().stdout(predicate::str::contains("You have seen every hint"));
    grader(course.path())
        .args(["hint", "2", "--all"])
        .assert()
        .code(0)
        .stdout(predicate::str::contains("one more than yours"))
        .stdout(predicate::str::contains("Return 42."))
        .stdout(predicate::str::contains("Look at the number you return."));
}

#[test]
fn list_shows_progress_and_the_next_exercise() {
    let course = course();
    grader(course.path())
        .arg("list")
        .assert()
        .code(0)
        .stdout(predicate::str::contains("not started"));
    grader(course.path()).args(["check", "1"]).assert().code(0);
    grader(course.path())
        .assert() // no command = list
        .code(0)
        .stdout(row("01-passes passed 3/3"))
        .stdout(predicate::str::contains("Next: 02 wrong-value"));
}

#[test]
fn json_report_can_go_to_a_file() {
    let course = course();
    let file = course.path().join("report.json");
    grader(course.path())
        .args(["check", "1", "--format", "json", "--output"])
        .arg(&file)
        .assert()
        .code(0)
        .stdout("");
    let report = json_of(&std::fs::read(&file).unwrap());
    assert_eq!(report["points"], 3);
    assert_eq!(report["max_points"], 3);
}

#[test]
fn a_missing_expected_transcript_or_checks_file_is_explained() {
    let course = course();
    std::fs::remove_file(course.path().join("grader/checks/passes.rs")).unwrap();
    grader(course.path())
        .args(["check", "1"])
        .assert()
        .code(1)
        .stdout(predicate::str::contains("git checkout -- grader/checks"));
}

#[test]
fn outside_a_course_is_a_usage_error() {
    let empty = tempfile::tempdir().unwrap();
    grader(empty.path())
        .args(["--course", empty.path().to_str().unwrap(), "list"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("has no course.toml"));
}

#[test]
fn verify_catches_a_check_that_passes_on_the_stub() {
    // In the test course the "stub" of exercise 01 is already correct: verify must call that out.
    let course = course();
    grader(course.path())
        .args(["verify", "1"])
        .assert()
        .code(1)
        .stdout(predicate::str::contains("solution passes all 2 checks"))
        .stdout(predicate::str::contains(
            "these checks pass on the untouched stub: answer-is-42, answer-transcript",
        ));
}

/// The human report, whole, for a run whose every figure is exact (virtual time): a change to
/// the wording or layout shows up here. Regenerate with AWAITLINGS_UPDATE_SNAPSHOTS=1.
#[test]
fn human_report_snapshot() {
    let course = course();
    let out = grader(course.path())
        .args(["check", "1", "2", "4", "11"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let actual = String::from_utf8(out.stdout).unwrap();
    let path = repo().join("grader/tests/snapshots/human-report.txt");
    if std::env::var_os("AWAITLINGS_UPDATE_SNAPSHOTS").is_some() {
        std::fs::write(&path, &actual).unwrap();
    }
    let expected = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        expected == actual,
        "the human report changed; if that is intended, rerun with AWAITLINGS_UPDATE_SNAPSHOTS=1\n{}",
        similar::TextDiff::from_lines(&expected, &actual).unified_diff()
    );
}

/// A wrong solution is a patch against the solution, made with `grader mistake` and proved by
/// `verify`; when the solution changes under it, verify says so and how to remake it.
#[test]
fn wrong_solutions_are_patches_that_follow_the_solution() {
    let course = course();
    let root = course.path();
    let out = grader(root)
        .args(["mistake", "2", "off-by-one"])
        .output()
        .unwrap();
    assert!(out.status.success());
    let stdout = String::from_utf8(out.stdout).unwrap();
    let copy = stdout
        .lines()
        .find_map(|l| l.strip_prefix("  "))
        .map_or_else(
            || panic!("no copy path in:\n{stdout}"),
            std::path::PathBuf::from,
        );
    let lib = copy.join("src/lib.rs");
    let text = std::fs::read_to_string(&lib).unwrap();
    std::fs::write(&lib, text.replace("    42\n", "    41\n")).unwrap();
    grader(root)
        .args(["mistake", "2", "off-by-one", "--save"])
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "wrote fixtures/wrong/wrong-value/off-by-one.patch",
        ));
    let patch_file = root.join("fixtures/wrong/wrong-value/off-by-one.patch");
    let patch = std::fs::read_to_string(&patch_file).unwrap();
    assert!(patch.contains("-    42\n+    41\n"), "{patch}");
    assert!(
        patch.lines().count() < 20,
        "the patch is the change, not a copy:\n{patch}"
    );

    // Its header says which checks it must fail, and how.
    let patch = patch.replace(
        "[checks]\n",
        "[checks]\n\"answer-is-42\" = \"wrong_value\"\n",
    );
    std::fs::write(&patch_file, &patch).unwrap();
    grader(root)
        .args(["verify", "2"])
        .assert()
        .stdout(predicate::str::contains(
            "ok wrong/off-by-one fails answer-is-42 (wrong_value)",
        ));

    // A verdict it does not get is a problem verify names.
    std::fs::write(
        &patch_file,
        patch.replace(
            "\"answer-is-42\" = \"wrong_value\"",
            "\"answer-is-42\" = \"blocked\"",
        ),
    )
    .unwrap();
    grader(root)
        .args(["verify", "2"])
        .assert()
        .code(1)
        .stdout(predicate::str::contains(
            "wrong/off-by-one fails answer-is-42 with wrong_value, expected blocked",
        ));

    // The solution changes under the mistake: the patch no longer applies, and verify says how
    // to remake it rather than grading something else.
    std::fs::write(&patch_file, &patch).unwrap();
    let solution = root.join("solutions/02-wrong-value/src/lib.rs");
    let text = std::fs::read_to_string(&solution).unwrap();
    std::fs::write(&solution, text.replace("    42\n", "    6 * 7\n")).unwrap();
    grader(root)
        .args(["verify", "2"])
        .assert()
        .code(1)
        .stdout(predicate::str::contains(
            "off-by-one.patch no longer applies",
        ))
        .stdout(predicate::str::contains(
            "cargo run -p grader -- mistake 2 off-by-one",
        ));
}

/// Makes `dir` a git repository with everything in it committed, as a student's clone is.
pub(crate) fn git_commit_all(dir: &Path) {
    for args in [
        &["init", "-q"][..],
        &["add", "-A"],
        &["commit", "-q", "-m", "the course as shipped"],
    ] {
        let out = std::process::Command::new("git")
            .current_dir(dir)
            .args([
                "-c",
                "user.name=Test",
                "-c",
                "user.email=test@example.com",
                "-c",
                "commit.gpgsign=false",
                "-c",
                "init.defaultBranch=main",
            ])
            .args(args)
            .output()
            .expect("git runs");
        assert!(
            out.status.success(),
            "git {args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
}

/// The backup named in `reset`'s closing line (`... --restore NAME`).
pub(crate) fn backup_named_in(stdout: &str) -> String {
    stdout
        .split("--restore ")
        .nth(1)
        .and_then(|rest| rest.split_whitespace().next())
        .unwrap_or_else(|| panic!("no backup named in:\n{stdout}"))
        .to_string()
}

pub(crate) fn progress_of(root: &Path) -> serde_json::Value {
    json_of(&std::fs::read(root.join(".awaitlings/progress.json")).unwrap())
}

/// reset puts the stub back only after backing the student's files up; restoring that backup
/// brings the edit back, and backs up what it replaces, so the restore can be undone too.
#[test]
fn reset_round_trips_a_file_through_its_backup() {
    let course = course();
    let root = course.path();
    git_commit_all(root);
    let ex = root.join("exercises/02-wrong-value");
    let lib = ex.join("src/lib.rs");
    let stub = std::fs::read_to_string(&lib).unwrap();
    let edit = stub.replace("    41\n", "    42\n");
    std::fs::write(&lib, &edit).unwrap();
    std::fs::write(ex.join("src/helper.rs"), "pub fn mine() {}\n").unwrap();
    // An old result and hints shown: reset keeps the result (it is for the files it judged), and
    // forgets the hints only with --hints.
    std::fs::create_dir_all(root.join(".awaitlings")).unwrap();
    std::fs::write(
        root.join(".awaitlings/progress.json"),
        r#"{"exercises": {"wrong-value": {"status": "failing", "points": 1, "max_points": 3,
            "hints_shown": 2, "check_hints_shown": {"answer-is-42": 1},
            "failing": ["answer-is-42"], "checked_files": "old"}}}"#,
    )
    .unwrap();

    let out = grader(root).args(["reset", "2"]).output().unwrap();
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{stdout}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(std::fs::read_to_string(&lib).unwrap(), stub);
    assert!(!ex.join("src/helper.rs").exists(), "an added file goes");
    let first = backup_named_in(&stdout);
    let backup = root.join(".awaitlings/backups/02-wrong-value").join(&first);
    assert_eq!(
        std::fs::read_to_string(backup.join("src/lib.rs")).unwrap(),
        edit
    );
    assert!(backup.join("src/helper.rs").is_file());
    assert!(backup.join("Cargo.toml").is_file());
    let entry = &progress_of(root)["exercises"]["wrong-value"];
    assert_eq!(entry["status"], "failing", "the result is kept: {entry}");
    assert_eq!(entry["hints_shown"], 2, "hints stay without --hints");
    grader(root)
        .arg("list")
        .assert()
        .stdout(row("02-wrong-value not started"));

    // Already as shipped: nothing to do, and no backup of nothing.
    grader(root)
        .args(["reset", "wrong-value"])
        .assert()
        .code(0)
        .stdout(predicate::str::contains("already as shipped"));

    // The latest backup is the default.
    let out = grader(root)
        .args(["reset", "2", "--restore"])
        .output()
        .unwrap();
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert_eq!(out.status.code(), Some(0), "{stdout}");
    assert_eq!(std::fs::read_to_string(&lib).unwrap(), edit);
    assert!(ex.join("src/helper.rs").is_file(), "the added file is back");
    // What the restore replaced (the reset stub) is itself a backup.
    let second = backup_named_in(&stdout);
    assert_ne!(first, second);
    let undo = root
        .join(".awaitlings/backups/02-wrong-value")
        .join(&second);
    assert_eq!(
        std::fs::read_to_string(undo.join("src/lib.rs")).unwrap(),
        stub
    );
    assert!(!undo.join("src/helper.rs").exists());

    grader(root)
        .args(["reset", "--list"])
        .assert()
        .code(0)
        .stdout(row(&format!("02-wrong-value {first}")))
        .stdout(predicate::str::contains(&second))
        .stdout(predicate::str::contains("before putting the stub back"));

    // A named restore, then --hints forgets the hints shown.
    grader(root)
        .args(["reset", "2", "--restore", &second])
        .assert()
        .code(0);
    assert_eq!(std::fs::read_to_string(&lib).unwrap(), stub);
    std::fs::write(&lib, &edit).unwrap();
    grader(root)
        .args(["reset", "2", "--hints"])
        .assert()
        .code(0);
    assert_eq!(std::fs::read_to_string(&lib).unwrap(), stub);
    let entry = &progress_of(root)["exercises"]["wrong-value"];
    assert_eq!(entry["hints_shown"], 0, "{entry}");
    assert!(entry.get("check_hints_shown").is_none(), "{entry}");
    // Saved in today's form: the old result is kept, under the files it named.
    assert_eq!(entry["results"][0]["files"], "old", "{entry}");
    grader(root)
        .args(["reset", "2", "--restore", "no-such-backup"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(&first));
}

/// A course with no git (a ZIP download) cannot give the stub back: reset says so and where to get
/// it, and leaves every file as it was.
#[test]
fn reset_without_git_says_so_and_leaves_files_untouched() {
    let course = course();
    let root = course.path();
    let lib = root.join("exercises/02-wrong-value/src/lib.rs");
    let edit = std::fs::read_to_string(&lib)
        .unwrap()
        .replace("    41\n", "    42\n");
    std::fs::write(&lib, &edit).unwrap();
    grader(root)
        // So git does not find a repository above the temporary directory.
        .env("GIT_CEILING_DIRECTORIES", root.parent().unwrap())
        .args(["reset", "2"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("not a git clone"))
        .stderr(predicate::str::contains("Your files are untouched"))
        .stderr(predicate::str::contains("fresh clone"));
    assert_eq!(std::fs::read_to_string(&lib).unwrap(), edit);
    assert!(!root.join(".awaitlings/backups").exists());
}

/// `list` goes by the files: the stub as shipped is "not started" whatever an old result says, and
/// a result from before an edit is shown as older than the edit.
#[test]
fn list_says_not_started_for_the_stub_and_marks_a_result_stale_after_an_edit() {
    let course = course();
    let root = course.path();
    std::fs::create_dir_all(root.join(".awaitlings")).unwrap();
    std::fs::write(
        root.join(".awaitlings/progress.json"),
        r#"{"exercises": {"wrong-value": {"status": "passed", "points": 3, "max_points": 3}}}"#,
    )
    .unwrap();
    grader(root)
        .arg("list")
        .assert()
        .code(0)
        .stdout(row("02-wrong-value not started"));

    grader(root).args(["check", "1"]).assert().code(0);
    let entry = &progress_of(root)["exercises"]["passes"];
    assert_eq!(
        entry["results"][0]["files"].as_str().map(str::len),
        Some(40)
    );
    grader(root)
        .arg("list")
        .assert()
        .stdout(row("01-passes passed 3/3"));

    let lib = root.join("exercises/01-passes/src/lib.rs");
    let text = std::fs::read_to_string(&lib).unwrap();
    std::fs::write(&lib, format!("// my notes\n{text}")).unwrap();
    grader(root)
        .arg("list")
        .assert()
        .code(0)
        .stdout(row("01-passes edited - (3/3 before your edits)"))
        .stdout(predicate::str::contains(
            "Next: 01 passes. You edited it since its last check",
        ));
    // Undo the edit: the result is current again.
    std::fs::write(&lib, text).unwrap();
    grader(root)
        .arg("list")
        .assert()
        .stdout(row("01-passes passed 3/3"));
}

/// After a passing check, the report names the first exercise not yet passed, with its command.
#[test]
fn a_passing_check_names_the_next_exercise() {
    let course = course();
    grader(course.path())
        .args(["check", "1"])
        .assert()
        .code(0)
        .stdout(predicate::str::contains(
            "Next: 02 wrong-value  (cargo run -p grader -- check 02)",
        ));
    // The next one is looked for after the exercise checked, then from the start: passing the
    // last exercise sends a student back to the first one not passed, never to one done. (35 is
    // made the last: the exercises after it, added for other tests, leave this copy's manifest.)
    let manifest = course.path().join("course.toml");
    let text = std::fs::read_to_string(&manifest).unwrap();
    let kept: Vec<&str> = text
        .split("[[exercise]]")
        .enumerate()
        .filter(|(i, entry)| {
            *i == 0
                || entry
                    .lines()
                    .find_map(|l| l.strip_prefix("number = "))
                    .and_then(|n| n.trim().parse::<u32>().ok())
                    .is_some_and(|n| n <= 35)
        })
        .map(|(_, entry)| entry)
        .collect();
    std::fs::write(&manifest, kept.join("[[exercise]]")).unwrap();
    grader(course.path())
        .args(["check", "35"])
        .assert()
        .code(0)
        .stdout(predicate::str::contains(
            "Next: 02 wrong-value  (cargo run -p grader -- check 02)",
        ));
    // JSON stays as it was: no such line.
    grader(course.path())
        .args(["check", "1", "--format", "json"])
        .assert()
        .code(0)
        .stdout(predicate::str::contains("Next:").not());
}

/// A stub changed without its record would make `reset` put an old stub back: verify says so, and
/// how to record the change; bless records it.
#[test]
fn verify_names_a_stub_that_no_longer_matches_its_record() {
    let course = course();
    let root = course.path();
    grader(root)
        .args(["verify", "2"])
        .assert()
        .stdout(predicate::str::contains(
            "ok the stub matches fixtures/wrong-value/shipped.toml",
        ));
    std::fs::write(
        root.join("exercises/02-wrong-value/src/extra.rs"),
        "pub fn more() {}\n",
    )
    .unwrap();
    grader(root)
        .args(["verify", "2"])
        .assert()
        .code(1)
        .stdout(predicate::str::contains(
            "PROBLEM the stub no longer matches fixtures/wrong-value/shipped.toml (src/extra.rs added)",
        ))
        .stdout(predicate::str::contains("cargo run -p grader -- bless 02"));
    let record = root.join("fixtures/wrong-value/shipped.toml");
    let before = std::fs::read_to_string(&record).unwrap();
    grader(root).args(["bless", "2"]).assert().code(0);
    let after = std::fs::read_to_string(&record).unwrap();
    let lib_line = before
        .lines()
        .find(|l| l.starts_with("\"src/lib.rs\""))
        .unwrap();
    assert!(
        after.contains("\"src/extra.rs\" = \"") && after.contains(lib_line),
        "{after}"
    );
    grader(root)
        .args(["verify", "2"])
        .assert()
        .stdout(predicate::str::contains("ok the stub matches"));
}

/// `run` shows the main scenario as a picture: a column per task (named by what the task says),
/// `main` for what is said outside tasks, a row per instant. `--plain` is the flat list of
/// before, and `--svg FILE` draws the picture into a well-formed SVG naming every lane.
#[test]
fn run_shows_a_lane_per_task_plain_lists_and_svg_draws() {
    let course = course();
    grader(course.path())
        .args(["run", "35"])
        .env("COLUMNS", "100")
        .assert()
        .code(0)
        .stdout(predicate::str::contains("    time  main   tick    tock\n"))
        .stdout(predicate::str::contains(
            "  0.000s  start  tick 0  tock 0\n",
        ))
        .stdout(predicate::str::contains(
            "  0.500s                 tock 1\n",
        ))
        .stdout(predicate::str::contains(
            "  1.000s  end            tock 2\n",
        ));
    grader(course.path())
        .args(["run", "35", "--plain"])
        .assert()
        .code(0)
        .stdout(predicate::str::contains(
            "  0.300s  tick 1\n  0.500s  tock 1\n  0.600s  tick 2\n",
        ))
        .stdout(predicate::str::contains("time  main").not());
    // One lane (exercise 01's answer() spawns nothing) is the list already: no table.
    grader(course.path())
        .args(["run", "1"])
        .assert()
        .code(0)
        .stdout(predicate::str::contains(
            "  0.000s  thinking\n  1.000s  done\n",
        ))
        .stdout(predicate::str::contains("────").not());

    let file = course.path().join("run.svg");
    grader(course.path())
        .args(["run", "35", "--svg"])
        .arg(&file)
        .assert()
        .code(0)
        .stdout(predicate::str::contains("run.svg"));
    let svg = std::fs::read_to_string(&file).unwrap();
    let doc = roxmltree::Document::parse(&svg).unwrap_or_else(|e| panic!("not XML ({e}):\n{svg}"));
    assert_eq!(doc.root_element().tag_name().name(), "svg");
    let texts: Vec<&str> = doc
        .descendants()
        .filter(|n| n.has_tag_name("text"))
        .filter_map(|n| n.text())
        .collect();
    for lane in ["main", "tick", "tock"] {
        assert!(texts.contains(&lane), "no lane {lane:?} in {texts:?}");
    }
    for line in ["start", "tick 3", "tock 2", "end"] {
        assert!(texts.contains(&line), "no line {line:?} in {texts:?}");
    }
}

/// `diff` puts the solution's lanes and yours on one time column, the instants that differ
/// marked: tasks run one after another show as a staircase beside the solution's braid. Then
/// the unified diff, as before; `--plain` leaves the picture out, `--svg` draws both sides.
#[test]
fn diff_shows_both_sides_lanes_and_one_after_another_is_plain_to_see() {
    let course = course();
    std::fs::write(
        course.path().join("exercises/35-two-tasks/src/lib.rs"),
        "use awaitlings::say;\n\
         use std::time::Duration;\n\
         async fn count(name: &'static str, step_ms: u64, times: u32) {\n\
         \x20   for i in 0..times {\n\
         \x20       if i > 0 {\n\
         \x20           tokio::time::sleep(Duration::from_millis(step_ms)).await;\n\
         \x20       }\n\
         \x20       say!(\"{name} {i}\");\n\
         \x20   }\n\
         }\n\
         pub async fn run() {\n\
         \x20   say!(\"start\");\n\
         \x20   tokio::spawn(count(\"tick\", 300, 4)).await.unwrap();\n\
         \x20   tokio::spawn(count(\"tock\", 500, 3)).await.unwrap();\n\
         \x20   say!(\"end\");\n\
         }\n",
    )
    .unwrap();
    let out = grader(course.path())
        .args(["diff", "35"])
        .env("COLUMNS", "100")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let stdout = String::from_utf8(out.stdout).unwrap();
    let row = |start: &str| -> &str {
        stdout
            .lines()
            .find(|l| l.starts_with(start))
            .unwrap_or_else(|| panic!("no line starting {start:?} in:\n{stdout}"))
    };
    assert!(row("            solution").ends_with("│ yours"), "{stdout}");
    assert!(
        row("    time").contains("main   tick    tock   │ main   tick    tock"),
        "{stdout}"
    );
    // Both said `tick 1` at 0.300 s; the solution's `tock` went on meanwhile, yours waited.
    assert!(
        row("  0.300s   ").ends_with("tick 1         │        tick 1"),
        "{stdout}"
    );
    assert!(
        row("  0.000s ≠  start").ends_with("│ start  tick 0"),
        "{stdout}"
    );
    assert!(row("  1.400s ≠").ends_with("tock 1"), "{stdout}");
    assert!(
        row("  1.900s ≠").ends_with("│ end            tock 2"),
        "{stdout}"
    );
    // And the lines' diff, as before.
    assert!(stdout.contains("--- solution\n+++ yours\n"), "{stdout}");
    assert!(stdout.contains("+   1.900s  end"), "{stdout}");

    grader(course.path())
        .args(["diff", "35", "--plain"])
        .assert()
        .code(1)
        .stdout(predicate::str::contains("│ yours").not())
        .stdout(predicate::str::contains("+   1.900s  end"));

    let file = course.path().join("diff.svg");
    grader(course.path())
        .args(["diff", "35", "--svg"])
        .arg(&file)
        .assert()
        .code(1);
    let svg = std::fs::read_to_string(&file).unwrap();
    let doc = roxmltree::Document::parse(&svg).unwrap_or_else(|e| panic!("not XML ({e}):\n{svg}"));
    let texts: Vec<&str> = doc
        .descendants()
        .filter(|n| n.has_tag_name("text"))
        .filter_map(|n| n.text())
        .collect();
    for title in ["solution", "yours"] {
        assert!(texts.contains(&title), "no group {title:?} in {texts:?}");
    }
    assert_eq!(
        texts.iter().filter(|t| **t == "tock").count(),
        2,
        "{texts:?}"
    );
}
