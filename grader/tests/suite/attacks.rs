//! A hostile student against `grade`: submissions that try to read, at compile time, what the
//! grader can read (the instructor's hidden checks and solutions, the grader's environment),
//! to earn points their code does not earn or to carry a secret into their own report.
//!
//! The compiler runs as the grader's user, outside the check sandbox, so every route here is
//! closed by what the grader does around the build: staging copies no links, and a crate that
//! rustc says read a file outside itself, or an environment variable cargo does not set, is
//! refused as not compiling, with none of rustc's messages (which could quote the file).

use crate::common::*;
use serde_json::Value;
use std::path::Path;

/// A token in the instructor's environment while they grade.
const TOKEN: &str = "s3cret-instructor-token-4711";

/// Words of exercise 48's hidden check that appear nowhere else in the test course.
const HIDDEN_WORDS: [&str; 2] = ["answer-takes-a-second", "waits 1 s before it answers"];

/// Grades `students` (clones in `class`) on `exercises` with the instructor's course, with
/// [`TOKEN`] in the grader's environment. The gradebook's rows by student name, each student's
/// JSON report, and everything the grader printed.
fn grade(
    instructor: &Path,
    class: &Path,
    students: &[&str],
    exercises: &[&str],
) -> (Vec<Vec<String>>, Vec<Value>, String) {
    let gradebook = class.join("gradebook.csv");
    let reports = class.join("reports");
    let out = grader(instructor)
        .arg("grade")
        .args(students.iter().map(|s| class.join(s)))
        .args(exercises.iter().flat_map(|e| ["-e", e]))
        .args(["--format", "json", "--gradebook"])
        .arg(&gradebook)
        .arg("--out")
        .arg(&reports)
        .env("INSTRUCTOR_SECRET_TOKEN", TOKEN)
        .output()
        .unwrap();
    let printed = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(out.status.code(), Some(0), "{printed}");
    let rows = std::fs::read_to_string(&gradebook)
        .unwrap()
        .lines()
        .map(|l| l.split(',').map(str::to_string).collect())
        .collect();
    let reports = students
        .iter()
        .map(|s| json_of(&std::fs::read(reports.join(format!("{s}.json"))).unwrap()))
        .collect();
    (rows, reports, printed)
}

/// Nothing the student can read holds the hidden check or the token.
fn assert_no_secret(what: &str, text: &str) {
    for secret in HIDDEN_WORDS.iter().chain([&TOKEN]) {
        assert!(!text.contains(secret), "{what} holds {secret:?}:\n{text}");
    }
}

/// The build of exercise `slug` failed: its message.
fn build_failure(report: &Value, slug: &str) -> String {
    let build = &exercise(report, slug)["build"];
    assert_eq!(build["kind"], "does_not_compile", "{report}");
    build["message"].as_str().unwrap().to_string()
}

fn refused_for_reading(report: &Value, slug: &str) -> String {
    let m = build_failure(report, slug);
    assert!(
        m.contains("reads something outside its own crate while it compiles"),
        "{m}"
    );
    m
}

/// Where exercises 50 and 51 look for the hidden check, until a test names the staged copy.
const RELATIVE_HIDDEN: &str = "../../checks/hidden/hidden-checks.rs";

/// The grader's staged copy of exercise 48's hidden check (staged by building 48 with the
/// instructor's course), by its absolute path.
fn staged_hidden_check(instructor: &Path) -> String {
    // (48's exercise fails its hidden check: the verdict is beside the point.)
    grader(instructor).args(["check", "48"]).assert().code(1);
    let ours = std::fs::read(instructor.join("grader/checks/hidden/hidden-checks.rs")).unwrap();
    std::fs::read_dir(state_dir().join("stage"))
        .unwrap()
        .map(|e| e.unwrap().path().join("checks/hidden/hidden-checks.rs"))
        .find(|p| std::fs::read(p).is_ok_and(|theirs| theirs == ours))
        .expect("a staged copy of the hidden check")
        .to_string_lossy()
        .into_owned()
}

#[test]
fn a_submission_cannot_build_in_what_lies_outside_its_own_crate() {
    let instructor = course();
    let class = tempfile::tempdir().unwrap();
    let (eve, lin) = (class.path().join("eve"), class.path().join("lin"));
    copy_course(&eve);
    copy_course(&lin);
    // Exercise 02 "solved" by making the instructor's solution a module (eve), or by a link to
    // it in place of the student's file (lin): either would pass every check of 02.
    let solution = instructor
        .path()
        .join("solutions/02-wrong-value/src/lib.rs");
    std::fs::write(
        eve.join("exercises/02-wrong-value/src/lib.rs"),
        format!("#[path = {solution:?}]\nmod solution;\npub use solution::*;\n"),
    )
    .unwrap();
    let lib = lin.join("exercises/02-wrong-value/src/lib.rs");
    std::fs::remove_file(&lib).unwrap();
    std::os::unix::fs::symlink(&solution, &lib).unwrap();
    // Exercises 50 and 51 take in the grader's staged copy of a hidden check, which lies under a
    // hash of the course's checks: a student who found it (anything the grader reads, a build can
    // name) names it outright.
    let hidden = staged_hidden_check(instructor.path());
    for ex in [
        "50-embeds-a-hidden-check",
        "51-shows-a-hidden-check-in-an-error",
    ] {
        let lib = eve.join("exercises").join(ex).join("src/lib.rs");
        let text = std::fs::read_to_string(&lib).unwrap();
        assert!(text.contains(RELATIVE_HIDDEN), "{ex}");
        std::fs::write(&lib, text.replace(RELATIVE_HIDDEN, &hidden)).unwrap();
    }

    let (rows, reports, printed) = grade(
        instructor.path(),
        class.path(),
        &["eve", "lin"],
        &["2", "50", "51", "52"],
    );
    assert_eq!(
        rows[0][2..6],
        [
            "02-wrong-value",
            "50-embeds-a-hidden-check",
            "51-shows-a-hidden-check-in-an-error",
            "52-embeds-the-graders-environment"
        ]
    );
    // No point for either "solution" of 02, nor for anything else.
    assert_eq!(
        rows[1][..7],
        ["eve", "", "0", "0", "0", "0", "0"],
        "{rows:?}"
    );
    assert_eq!(rows[2][..3], ["lin", "", "0"], "{rows:?}");

    let eve_report = &reports[0];
    let m = refused_for_reading(eve_report, "wrong-value");
    assert!(m.contains("solutions/02-wrong-value/src/lib.rs"), "{m}");
    let m = refused_for_reading(eve_report, "embeds-a-hidden-check");
    assert!(m.contains("checks/hidden/hidden-checks.rs"), "{m}");
    refused_for_reading(eve_report, "shows-a-hidden-check-in-an-error");
    let m = refused_for_reading(eve_report, "embeds-the-graders-environment");
    assert!(
        m.contains("the environment variable INSTRUCTOR_SECRET_TOKEN")
            && m.contains("the environment variable HOME"),
        "{m}"
    );

    // The link was not followed: lin's exercise 02 has no lib.rs, and a note says why.
    let lin_report = &reports[1];
    build_failure(lin_report, "wrong-value");
    let text = lin_report.to_string();
    assert!(
        text.contains("src/lib.rs is a symbolic link"),
        "{lin_report}"
    );

    for (name, report) in ["eve", "lin"].iter().zip(&reports) {
        assert_no_secret(&format!("{name}'s report"), &report.to_string());
    }
    assert_no_secret("what the grader printed", &printed);
}

#[test]
fn a_check_process_sees_none_of_the_graders_environment() {
    let instructor = course();
    let class = tempfile::tempdir().unwrap();
    copy_course(&class.path().join("eve"));
    // Exercise 53 says every variable it can see while its check runs.
    let (_, reports, printed) = grade(instructor.path(), class.path(), &["eve"], &["53"]);
    let text = reports[0].to_string();
    // It ran, and said what it saw: the few variables a program needs, never the token.
    assert!(text.contains("PATH="), "{text}");
    assert!(!text.contains("INSTRUCTOR_SECRET_TOKEN"), "{text}");
    assert_no_secret("eve's report", &text);
    assert_no_secret("what the grader printed", &printed);
}
