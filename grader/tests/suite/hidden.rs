//! Hidden checks, end to end: a course's `grader/checks/hidden/<slug>.rs` is run beside the public
//! checks, every report marks its checks, formats read by students keep them from the student,
//! and `verify` and `grade` treat them as the trusted course's own.
//!
//! Exercise 48 of the test course answers 42 at once: it passes its public check (the value) and
//! fails its hidden one (the second it should take). Exercise 49 has a hidden check named like a
//! public one.

use crate::common::*;
use predicates::prelude::*;
use serde_json::Value;
use std::path::Path;

const HIDDEN_FILE: &str = "grader/checks/hidden/hidden-checks.rs";

/// `grader check ARGS` in `course`, its standard output as text.
fn check_output(course: &Path, args: &[&str]) -> String {
    let out = grader(course).arg("check").args(args).output().unwrap();
    assert_eq!(
        out.status.code(),
        Some(1),
        "exercise 48 fails its hidden check; stderr: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

fn test_named<'a>(tests: &'a Value, ends_with: &str) -> &'a Value {
    tests
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["name"].as_str().is_some_and(|n| n.ends_with(ends_with)))
        .unwrap_or_else(|| panic!("no test named ...{ends_with} in {tests}"))
}

#[test]
fn hidden_checks_run_and_every_report_marks_them() {
    let course = course();
    let root = course.path();

    // JSON (the instructor's): the hidden check with all its details, and its points counted.
    let (code, report) = check_json(root, &["48"]);
    assert_eq!(code, Some(1));
    let public = check(&report, "hidden-checks", "answer-is-42");
    assert_eq!(public["hidden"], false);
    assert_eq!(public["passed"], true);
    let hidden = check(&report, "hidden-checks", "answer-takes-a-second");
    assert_eq!(hidden["hidden"], true, "{hidden}");
    assert_eq!(hidden["kind"], "never_waited", "{hidden}");
    assert!(
        hidden["message"]
            .as_str()
            .unwrap()
            .contains("expected 1.000 s"),
        "{hidden}"
    );
    assert_eq!(exercise(&report, "hidden-checks")["max_points"], 5);
    assert_eq!(report["max_points"], 5);

    // Gradescope: the hidden test waits for the grades to be published.
    let doc = json_of(check_output(root, &["48", "--format", "gradescope"]).as_bytes());
    let tests = &doc["tests"];
    assert_eq!(
        test_named(tests, "answer-takes-a-second")["visibility"],
        "after_published"
    );
    assert_eq!(test_named(tests, "answer-is-42")["visibility"], "visible");

    // The human report (the trusted course's) marks it, and keeps what it says.
    let human = check_output(root, &["48"]);
    assert!(
        human.contains("answer-takes-a-second (hidden)") && human.contains("expected 1.000 s"),
        "{human}"
    );
    assert!(!human.contains("answer-is-42 (hidden)"), "{human}");

    // PrairieLearn has no visibility and the student reads it at once: the check is listed,
    // named hidden, with its kind of failure and nothing of its case.
    let doc = json_of(check_output(root, &["48", "--format", "prairielearn"]).as_bytes());
    let test = test_named(&doc["tests"], "answer-takes-a-second (hidden)");
    assert_eq!(test["max_points"], 3);
    for field in ["message", "output", "description"] {
        let text = test[field].as_str().unwrap();
        assert!(
            !text.contains("1.000 s") && !text.contains("waits 1 s"),
            "{field}: {text}"
        );
    }
    assert!(
        test["message"]
            .as_str()
            .unwrap()
            .starts_with("never waited: a hidden check"),
        "{test}"
    );
}

#[test]
fn verify_reports_hints_that_name_a_hidden_check() {
    let course = course();
    let root = course.path();
    let manifest = root.join("course.toml");
    let text = std::fs::read_to_string(&manifest).unwrap();
    let public_hint =
        "answer-is-42 = [\"The value is right; the hidden check looks at something else.\"]\n";
    assert!(text.contains(public_hint));
    std::fs::write(
        &manifest,
        text.replace(
            public_hint,
            &format!("{public_hint}answer-takes-a-second = [\"Sleep a second first.\"]\n"),
        ),
    )
    .unwrap();
    grader(root)
        .args(["verify", "48"])
        .assert()
        .code(1)
        // Hidden checks run like public ones: the solution passes both.
        .stdout(predicate::str::contains("solution passes all 2 checks"))
        .stdout(predicate::str::contains(
            "PROBLEM course.toml has check_hints for hidden checks: answer-takes-a-second.",
        ));
}

#[test]
fn a_hidden_check_may_not_take_a_public_checks_name() {
    let course = course();
    grader(course.path())
        .args(["check", "49"])
        .assert()
        .code(1)
        .stdout(predicate::str::contains(
            "two checks are named `answer-is-42` (one in grader/checks/<slug>.rs, one in \
             grader/checks/hidden/<slug>.rs)",
        ));
}

#[test]
fn a_changed_added_or_removed_hidden_file_is_built_and_listed_afresh() {
    let course = course();
    let root = course.path();
    let hidden_points = |report: &Value| -> Vec<(String, u64)> {
        exercise(report, "hidden-checks")["checks"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|c| c["hidden"] == true)
            .map(|c| {
                (
                    c["name"].as_str().unwrap().to_string(),
                    c["max_points"].as_u64().unwrap(),
                )
            })
            .collect()
    };
    let (_, report) = check_json(root, &["48"]);
    assert_eq!(
        hidden_points(&report),
        [("answer-takes-a-second".to_string(), 3)]
    );

    // Changed: a new name and points, which only a rebuild and a fresh list can show.
    let file = root.join(HIDDEN_FILE);
    let text = std::fs::read_to_string(&file).unwrap();
    let changed = text.replace(
        "\"answer-takes-a-second\",\n        3,",
        "\"answer-waits\",\n        4,",
    );
    assert_ne!(changed, text, "the edit must hit the file");
    std::fs::write(&file, changed).unwrap();
    let (_, report) = check_json(root, &["48"]);
    assert_eq!(hidden_points(&report), [("answer-waits".to_string(), 4)]);
    assert_eq!(exercise(&report, "hidden-checks")["max_points"], 6);

    // Removed (the student edition): the public check alone.
    std::fs::remove_file(&file).unwrap();
    let (code, report) = check_json(root, &["48"]);
    assert_eq!(code, Some(0), "{report}");
    assert_eq!(hidden_points(&report), []);
    assert_eq!(exercise(&report, "hidden-checks")["max_points"], 2);

    // Added back: hidden again.
    std::fs::write(&file, text).unwrap();
    let (_, report) = check_json(root, &["48"]);
    assert_eq!(
        hidden_points(&report),
        [("answer-takes-a-second".to_string(), 3)]
    );
}

#[test]
fn grade_counts_hidden_points_in_every_students_max() {
    let instructor = course();
    let class = tempfile::tempdir().unwrap();
    let (ana, ben) = (class.path().join("ana"), class.path().join("ben"));
    for dir in [&ana, &ben] {
        // A student's clone is of the student edition: no hidden checks in it.
        copy_course(dir);
        std::fs::remove_dir_all(dir.join("grader/checks/hidden")).unwrap();
    }
    // ben's code does not compile: his max still holds the hidden check's points.
    std::fs::write(
        ben.join("exercises/48-hidden-checks/src/lib.rs"),
        "pub async fn answer() -> u32 { \"42\" }\n",
    )
    .unwrap();
    let gradebook = class.path().join("book.csv");
    grader(instructor.path())
        .arg("grade")
        .args([&ana, &ben])
        .args(["-e", "48", "--gradebook"])
        .arg(&gradebook)
        .assert()
        .success();
    let csv = std::fs::read_to_string(&gradebook).unwrap();
    // The hidden checks a clone lacks are no integrity flag: the student edition never had them.
    assert!(csv.contains("\nana,,2,2,5,\n"), "{csv}");
    assert!(csv.contains("\nben,,0,0,5,\n"), "{csv}");
}
