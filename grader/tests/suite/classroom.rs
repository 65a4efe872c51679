//! Instructors' side, end to end: `grade` over students' clones with the instructor's trusted
//! course, and every report format, each parsed the way its consumer reads it (JSON against the
//! schemas in classroom/schemas/, written from each platform's contract; JUnit with an XML
//! parser), on a passing and on a failing run.

use crate::common::*;
use predicates::prelude::*;
use serde_json::Value;
use std::path::Path;

/// A student's clone: a copy of the test course, as the student left it.
fn clone_of_the_course(dir: &Path) {
    copy_course(dir);
}

#[test]
fn grade_uses_the_trusted_checks_and_flags_what_a_student_changed() {
    let instructor = course();
    let class = tempfile::tempdir().unwrap();
    let (untouched, solved, tampered) = (
        class.path().join("ana"),
        class.path().join("ben"),
        class.path().join("cy"),
    );
    for dir in [&untouched, &solved, &tampered] {
        clone_of_the_course(dir);
    }
    // ben solves exercise 02; cy "solves" it by editing the hidden checks to want 41.
    let lib = "exercises/02-wrong-value/src/lib.rs";
    let text = std::fs::read_to_string(solved.join(lib)).unwrap();
    assert!(text.contains("    41\n"));
    std::fs::write(solved.join(lib), text.replace("    41\n", "    42\n")).unwrap();
    let checks = "grader/checks/answer.rs";
    let text = std::fs::read_to_string(tampered.join(checks)).unwrap();
    assert!(text.contains("expect_eq(\"answer()\", value, 42)"));
    std::fs::write(
        tampered.join(checks),
        text.replace(
            "expect_eq(\"answer()\", value, 42)",
            "expect_eq(\"answer()\", value, 41)",
        ),
    )
    .unwrap();
    std::fs::create_dir_all(tampered.join("fixtures/wrong-value")).unwrap();
    std::fs::write(
        tampered.join("fixtures/wrong-value/answer.txt"),
        "anything\n",
    )
    .unwrap();

    let gradebook = class.path().join("gradebook.csv");
    let reports = class.path().join("reports");
    grader(instructor.path())
        .arg("grade")
        .args([&untouched, &solved, &tampered])
        .args(["-e", "1", "-e", "2", "--summary", "--format", "json"])
        .arg("--gradebook")
        .arg(&gradebook)
        .arg("--out")
        .arg(&reports)
        .assert()
        .success()
        // The summary groups students by what their main scenario did.
        .stdout(predicate::str::contains(
            "3 student(s): main scenario passes: ana, ben, cy",
        ));

    let csv = std::fs::read_to_string(&gradebook).unwrap();
    let rows: Vec<Vec<&str>> = csv.lines().map(|l| l.split(',').collect()).collect();
    assert_eq!(rows.len(), 4, "a header and three students:\n{csv}");
    assert_eq!(
        rows[0],
        [
            "student",
            "commit",
            "01-passes",
            "02-wrong-value",
            "total",
            "max",
            "flags"
        ]
    );
    assert_eq!(rows[1][..2], ["ana", ""]);
    assert_eq!(rows[1][2..], ["3", "1", "4", "6", ""], "{csv}");
    assert_eq!(rows[2][2..], ["3", "3", "6", "6", ""], "{csv}");
    // The tampered checks were never used: cy's code earns what ana's does, and is flagged.
    assert_eq!(rows[3][2..6], ["3", "1", "4", "6"], "{csv}");
    assert!(
        rows[3][6].contains("changed grader/checks/answer.rs")
            && rows[3][6].contains("added fixtures/wrong-value/answer.txt"),
        "{csv}"
    );

    // One report per student, in the chosen format, naming the submission and its flags.
    let report: Value =
        serde_json::from_str(&std::fs::read_to_string(reports.join("cy.json")).unwrap()).unwrap();
    assert_eq!(report["submission"], "cy");
    assert_eq!(report["points"], 4);
    assert!(report["flags"].as_array().unwrap().len() == 2);
    validate(&schema("json"), &report, "$");
}

#[test]
fn grade_keeps_going_past_a_broken_submission_and_regrades_only_what_changed() {
    let instructor = course();
    let class = tempfile::tempdir().unwrap();
    let (good, broken, empty) = (
        class.path().join("good"),
        class.path().join("broken"),
        class.path().join("empty"),
    );
    clone_of_the_course(&good);
    clone_of_the_course(&broken);
    std::fs::create_dir_all(&empty).unwrap();
    std::fs::write(
        broken.join("exercises/01-passes/src/lib.rs"),
        "pub async fn answer() -> u32 { this does not compile }\n",
    )
    .unwrap();
    let gradebook = class.path().join("book.csv");
    // Results are kept by content, so a state of its own: a run before this one (of this test)
    // left results the first grade here would keep.
    let state = fresh_state();
    let grade = |kept: usize| {
        grader(instructor.path())
            .env("AWAITLINGS_TARGET_DIR", state.path())
            .arg("grade")
            .args([&good, &broken, &empty])
            .args(["-e", "1"])
            .arg("--gradebook")
            .arg(&gradebook)
            .assert()
            .success()
            .stdout(predicate::str::contains(format!(
                "({kept} unchanged since the last grade, kept)"
            )))
    };
    grade(0);
    let csv = std::fs::read_to_string(&gradebook).unwrap();
    assert!(csv.contains("\ngood,,3,3,3,\n"), "{csv}");
    assert!(csv.contains("\nbroken,,0,0,3,\n"), "{csv}");
    assert!(
        csv.contains("\nempty,,0,"),
        "a folder that is no clone still gets its row:\n{csv}"
    );
    assert!(csv.contains("not a clone of the course"), "{csv}");

    // Nothing changed: the same gradebook, from the kept results (of the one that built).
    grade(1);
    assert_eq!(std::fs::read_to_string(&gradebook).unwrap(), csv);
    // The broken submission is fixed: only it is regraded, and now it passes.
    std::fs::copy(
        good.join("exercises/01-passes/src/lib.rs"),
        broken.join("exercises/01-passes/src/lib.rs"),
    )
    .unwrap();
    grade(1);
    let csv = std::fs::read_to_string(&gradebook).unwrap();
    assert!(csv.contains("\nbroken,,3,3,3,\n"), "{csv}");
}

/// The machine-readable formats, all on one copy of the course: its first check builds 01 and
/// 02, and every other run only writes the same results another way. (A fresh copy per format
/// built them anew each time: 17 builds, the slowest test of the suite.)
#[test]
fn every_format_says_what_happened_in_its_own_shape() {
    let course = course();
    every_json_format_follows_its_schema(course.path());
    junit_is_xml_with_a_failure_per_failed_check(course.path());
    markdown_is_a_table_of_exercises(course.path());
}

/// `check --format F` in `course` on exercise 01 (passes) alone, and with 02 (fails).
fn formatted(course: &Path, format: &str, failing: bool) -> String {
    let mut cmd = grader(course);
    cmd.args(["check", "1"]);
    if failing {
        cmd.arg("2");
    }
    // What Classroom 50's runner gives its autograder (classroom50 reads it; the rest ignore it).
    cmd.envs([
        ("CLASSROOM", "c50"),
        ("ASSIGNMENT", "hello"),
        ("ASSIGNMENT_TYPE", "individual"),
        ("OWNER", "ana"),
        ("SUBMISSION_TAG", "submit/2026-12-02T10-00-00Z-abc1234"),
        ("COMMIT_URL", "https://github.com/org/c50-hello-ana/commit/abc1234"),
        (
            "RELEASE_URL",
            "https://github.com/org/c50-hello-ana/releases/tag/submit%2F2026-12-02T10-00-00Z-abc1234",
        ),
        ("REVIEW_URL", "https://github.com/org/c50-hello-ana/commit/abc1234"),
    ]);
    let out = cmd.args(["--format", format]).output().unwrap();
    assert_eq!(
        out.status.code(),
        Some(i32::from(failing)),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

fn schema(name: &str) -> Value {
    let path = repo().join(format!("classroom/schemas/{name}.schema.json"));
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

fn every_json_format_follows_its_schema(course: &Path) {
    for format in [
        "json",
        "classroom",
        "classroom50",
        "gradescope",
        "prairielearn",
    ] {
        for failing in [false, true] {
            let doc: Value = serde_json::from_str(&formatted(course, format, failing))
                .unwrap_or_else(|e| panic!("{format} is not JSON: {e}"));
            validate(&schema(format), &doc, &format!("{format}$"));
        }
    }
    // And the scores say what happened.
    let pass: Value = serde_json::from_str(&formatted(course, "classroom", false)).unwrap();
    assert_eq!(
        (pass["status"].as_str(), pass["max_score"].as_u64()),
        (Some("pass"), Some(3))
    );
    let fail: Value = serde_json::from_str(&formatted(course, "classroom", true)).unwrap();
    assert_eq!(fail["status"], "fail");
    let scores: u64 = fail["tests"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["score"].as_u64().unwrap())
        .sum();
    assert_eq!((scores, fail["max_score"].as_u64()), (4, Some(6)));
    let pl: Value = serde_json::from_str(&formatted(course, "prairielearn", true)).unwrap();
    assert!((pl["score"].as_f64().unwrap() - 4.0 / 6.0).abs() < 1e-9);
    let gs: Value = serde_json::from_str(&formatted(course, "gradescope", true)).unwrap();
    assert_eq!(gs["score"], 4);
    let numbers: Vec<&str> = gs["tests"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["number"].as_str().unwrap())
        .collect();
    assert_eq!(numbers, ["1.1", "1.2", "2.1", "2.2"]);
    let c50: Value = serde_json::from_str(&formatted(course, "classroom50", true)).unwrap();
    assert_eq!(
        (c50["score"].as_u64(), c50["max-score"].as_u64()),
        (Some(4), Some(6))
    );
}

fn junit_is_xml_with_a_failure_per_failed_check(course: &Path) {
    let pass = formatted(course, "junit", false);
    let doc = roxmltree::Document::parse(&pass).expect("valid XML");
    let root = doc.root_element();
    assert_eq!(root.tag_name().name(), "testsuites");
    assert_eq!(root.attribute("failures"), Some("0"));

    let fail = formatted(course, "junit", true);
    let doc = roxmltree::Document::parse(&fail).expect("valid XML");
    let cases: Vec<_> = doc
        .descendants()
        .filter(|n| n.has_tag_name("testcase"))
        .collect();
    assert_eq!(cases.len(), 4);
    let failures: Vec<_> = doc
        .descendants()
        .filter(|n| n.has_tag_name("failure"))
        .collect();
    assert_eq!(failures.len(), 1);
    assert_eq!(failures[0].attribute("type"), Some("wrong_value"));
    assert!(
        failures[0]
            .attribute("message")
            .unwrap()
            .contains("was 41, expected 42")
    );
    assert_eq!(
        failures[0].parent().unwrap().attribute("name"),
        Some("answer-is-42")
    );
}

fn markdown_is_a_table_of_exercises(course: &Path) {
    let md = formatted(course, "markdown", true);
    assert!(md.starts_with("## awaitlings: 4/6 points\n"), "{md}");
    assert!(md.contains("| 01 passes | 3/3 | ✓ passed |"), "{md}");
    assert!(
        md.contains("| 02 wrong-value | 1/3 | ✗ 1 of 2 checks failed |"),
        "{md}"
    );
    assert!(
        md.contains("- **02 wrong-value answer-is-42**: wrong value"),
        "{md}"
    );
}

#[test]
fn classroom_appends_its_result_to_github_output() {
    let course = course();
    let outputs = tempfile::NamedTempFile::new().unwrap();
    std::fs::write(outputs.path(), "earlier=1\n").unwrap();
    let out = grader(course.path())
        .args(["check", "1", "--format", "classroom", "--github-output"])
        .env("GITHUB_OUTPUT", outputs.path())
        .output()
        .unwrap();
    assert!(out.status.success());
    let written = std::fs::read_to_string(outputs.path()).unwrap();
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert_eq!(
        written,
        format!(
            "earlier=1\nresult={}\npoints=3\nmax_score=3\nstatus=pass\n",
            grader::report::base64(stdout.trim_end().as_bytes())
        )
    );
    // Without the variable, the flag is a clear usage error.
    grader(course.path())
        .args(["check", "1", "--format", "classroom", "--github-output"])
        .env_remove("GITHUB_OUTPUT")
        .assert()
        .code(2)
        .stderr(predicate::str::contains("GITHUB_OUTPUT"));
}

/// A small JSON Schema validator: the keywords the schemas in classroom/schemas/ use (type,
/// const, enum, required, properties, additionalProperties: false, items, minimum, maximum).
fn validate(schema: &Value, value: &Value, at: &str) {
    let type_of = |v: &Value| match v {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(n) if n.is_u64() || n.is_i64() => "integer",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    };
    if let Some(t) = schema.get("type") {
        let allowed: Vec<&str> = match t {
            Value::String(s) => vec![s.as_str()],
            Value::Array(a) => a.iter().filter_map(Value::as_str).collect(),
            _ => panic!("bad schema type at {at}"),
        };
        let actual = type_of(value);
        assert!(
            allowed.contains(&actual) || (actual == "integer" && allowed.contains(&"number")),
            "{at}: {actual} where the schema wants {allowed:?}"
        );
    }
    if let Some(c) = schema.get("const") {
        assert_eq!(value, c, "{at}");
    }
    if let Some(Value::Array(options)) = schema.get("enum") {
        assert!(
            options.contains(value),
            "{at}: {value} is not one of {options:?}"
        );
    }
    if let Some(min) = schema.get("minimum").and_then(Value::as_f64) {
        assert!(value.as_f64().unwrap() >= min, "{at}: {value} < {min}");
    }
    if let Some(max) = schema.get("maximum").and_then(Value::as_f64) {
        assert!(value.as_f64().unwrap() <= max, "{at}: {value} > {max}");
    }
    if let Some(Value::Array(required)) = schema.get("required") {
        for key in required {
            let key = key.as_str().unwrap();
            assert!(value.get(key).is_some(), "{at}: `{key}` is missing");
        }
    }
    if let (Some(Value::Object(props)), Value::Object(obj)) = (schema.get("properties"), value) {
        for (key, v) in obj {
            match props.get(key) {
                Some(s) => validate(s, v, &format!("{at}.{key}")),
                None => assert!(
                    schema.get("additionalProperties") != Some(&Value::Bool(false)),
                    "{at}: `{key}` is not in the schema"
                ),
            }
        }
    }
    if let (Some(items), Value::Array(a)) = (schema.get("items"), value) {
        for (i, v) in a.iter().enumerate() {
            validate(items, v, &format!("{at}[{i}]"));
        }
    }
}

#[test]
fn summary_groups_students_by_what_their_main_scenario_did() {
    let instructor = course();
    let class = tempfile::tempdir().unwrap();
    let mut students = Vec::new();
    for name in ["dan", "eve", "fay"] {
        let dir = class.path().join(name);
        clone_of_the_course(&dir);
        students.push(dir);
    }
    // dan and eve make the same mistake: no sleep, so `done` comes at once.
    for dir in &students[..2] {
        let lib = dir.join("exercises/01-passes/src/lib.rs");
        let text = std::fs::read_to_string(&lib).unwrap();
        let hurried: String = text
            .lines()
            .filter(|l| !l.contains("sleep("))
            .map(|l| format!("{l}\n"))
            .collect();
        assert_ne!(hurried, text, "the mistake is really made");
        std::fs::write(&lib, hurried).unwrap();
    }
    let out = grader(instructor.path())
        .arg("grade")
        .args(&students)
        .args(["-e", "1", "--summary"])
        .output()
        .unwrap();
    assert!(out.status.success());
    let stdout = String::from_utf8(out.stdout).unwrap();
    let wrong = stdout
        .find("2 student(s): never waited: dan, eve")
        .unwrap_or_else(|| panic!("{stdout}"));
    let right = stdout
        .find("1 student(s): main scenario passes: fay")
        .unwrap_or_else(|| panic!("{stdout}"));
    assert!(wrong < right, "the common mistake comes first:\n{stdout}");
    // With the diff against what was expected.
    assert!(
        stdout.contains("-   1.000s  done") && stdout.contains("+   0.000s  done"),
        "{stdout}"
    );
}
