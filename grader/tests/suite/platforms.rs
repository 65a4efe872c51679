//! Each platform's integration, run as the platform runs it, and what comes out checked against
//! that platform's own contract (not only against a schema we wrote):
//!
//! - Gradescope: `classroom/gradescope/run_autograder` in a stand-in of /autograder; its
//!   results.json checked against gradescope/autograder_samples docs/specs.md.
//! - PrairieLearn: the image's steps (`classroom/docker/warm.sh`, `install.sh`), then the
//!   installed entry point `run.sh` in a stand-in of /grade; results.json checked against
//!   PrairieLearn docs/externalGrading.md and what apps/grader-host and
//!   apps/prairielearn/src/lib/externalGrader*.ts do with it.
//! - GitLab: the `script` lines of `classroom/gitlab/.gitlab-ci.yml`, run as the runner runs them
//!   (one bash with `set -eo pipefail`, the CI variables set), with the course cloned from a git
//!   repository; the JUnit report checked against Jenkins xUnit's junit-10.xsd and the rules of
//!   GitLab's parser (lib/gitlab/ci/parsers/test/junit.rb).
//!
//! The trusted course is a copy of the test course (grader/tests/course). A stand-in `cargo` on
//! the scripts' PATH runs the grader under test for `cargo run -p grader -- ...` (the test course
//! has no grader sources to build), has nothing to do for `cargo build -p grader` or `cargo
//! fetch` (the test course is no cargo workspace of its own: the grader arranges its manifests,
//! and every crate is on this machine already), and hands everything else (the harness builds)
//! to the real cargo. Run on the real course, `warm.sh` does all of it for real (INSTRUCTORS.md
//! gives its times).

use crate::common::*;
use serde_json::Value;
use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::process::Command;

// ---------------------------------------------------------------------------------------------
// The stand-ins.

/// A folder holding the stand-in `cargo` (see the module's doc).
fn shim() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("cargo");
    std::fs::write(
        &path,
        r#"#!/usr/bin/env bash
if [ "$1" = run ] && [[ " $* " == *" -p grader "* ]]; then
  while [ "$1" != -- ]; do shift; done
  shift
  exec "$AWAITLINGS_TEST_GRADER" "$@"
fi
if [ "$1" = build ] && [[ " $* " == *" -p grader "* ]]; then exit 0; fi
if [ "$1" = fetch ]; then exit 0; fi
exec "$AWAITLINGS_TEST_CARGO" "$@"
"#,
    )
    .unwrap();
    make_executable(&path);
    dir
}

fn make_executable(path: &Path) {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o755)).unwrap();
}

/// `bash SCRIPT` (or `bash -c`), with the stand-in cargo first on PATH and the suite's grader
/// state directory and seed.
fn script(shim: &Path) -> Command {
    let mut cmd = Command::new("bash");
    let path = std::env::var("PATH").unwrap_or_default();
    cmd.env("PATH", format!("{}:{path}", shim.display()))
        // What a script makes with mktemp and leaves for its machine to throw away (the GitLab
        // job's course clone) goes in the shim's folder, which the test removes.
        .env("TMPDIR", shim)
        .env("AWAITLINGS_TEST_GRADER", env!("CARGO_BIN_EXE_grader"))
        .env("AWAITLINGS_TEST_CARGO", env!("CARGO"))
        .env("AWAITLINGS_TARGET_DIR", state_dir())
        .env("AWAITLINGS_SEED", "1")
        .env_remove("AWAITLINGS_COURSE")
        .env_remove("AWAITLINGS_COURSE_DIR")
        .env_remove("AWAITLINGS_EXERCISES");
    cmd
}

fn run_ok(cmd: &mut Command, what: &str) -> String {
    let out = cmd.output().unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(
        out.status.success(),
        "{what} failed ({:?}):\n{stdout}\n{}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
    stdout
}

/// A student's clone that solves nothing (02 is wrong: 4 of 6 points on 01 and 02) and edits a
/// check file it cannot use: one integrity flag.
fn flagged_clone(dir: &Path) {
    copy_course(dir);
    let checks = dir.join("grader/checks/answer.rs");
    let text = std::fs::read_to_string(&checks).unwrap();
    std::fs::write(&checks, text.replace("42", "41")).unwrap();
}

/// The test course cut down to its first three exercises (passes, wrong value, does not
/// compile), for a job that grades every exercise of the course.
fn small_course(dir: &Path) {
    copy_course(dir);
    let toml = std::fs::read_to_string(dir.join("course.toml")).unwrap();
    let fourth = toml.match_indices("[[exercise]]").nth(3).unwrap().0;
    std::fs::write(dir.join("course.toml"), &toml[..fourth]).unwrap();
    for tree in ["exercises", "solutions"] {
        for entry in std::fs::read_dir(dir.join(tree)).unwrap() {
            let path = entry.unwrap().path();
            let name = path.file_name().unwrap().to_string_lossy().into_owned();
            if !["01-", "02-", "03-"].iter().any(|p| name.starts_with(p)) {
                std::fs::remove_dir_all(&path).unwrap();
            }
        }
    }
}

fn read_json(path: &Path) -> Value {
    let text = std::fs::read_to_string(path)
        .unwrap_or_else(|e| panic!("{} was not written: {e}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}\n{text}", path.display()))
}

// ---------------------------------------------------------------------------------------------
// Gradescope.

/// Gradescope's results.json, by its specification (gradescope/autograder_samples
/// docs/specs.md; https://gradescope-autograders.readthedocs.io/en/latest/specs/): the keys it
/// lists and their types, the visibility and format options, a score at the top or on every
/// test, Unix line endings.
fn gradescope_contract(doc: &Value) {
    const FORMATS: [&str; 5] = ["text", "html", "simple_format", "md", "ansi"];
    const VISIBILITY: [&str; 4] = ["hidden", "after_due_date", "after_published", "visible"];
    let top = doc.as_object().expect("an object");
    for (key, value) in top {
        match key.as_str() {
            "score" | "execution_time" => assert!(value.is_number(), "{key}: {value}"),
            "output" => assert!(value.is_string(), "{key}"),
            "output_format" | "test_output_format" | "test_name_format" => {
                assert!(FORMATS.contains(&value.as_str().unwrap()), "{key}: {value}");
            }
            "visibility" | "stdout_visibility" => {
                assert!(VISIBILITY.contains(&value.as_str().unwrap()), "{key}");
            }
            "extra_data" => assert!(value.is_object()),
            "tests" | "leaderboard" => assert!(value.is_array()),
            _ => panic!("`{key}` is not in Gradescope's specification"),
        }
    }
    let tests = top.get("tests").and_then(Value::as_array);
    assert!(
        top.contains_key("score")
            || tests.is_some_and(|t| t.iter().all(|t| t.get("score").is_some())),
        "a score at the top level or on every test"
    );
    for t in tests.into_iter().flatten() {
        for (key, value) in t.as_object().expect("a test is an object") {
            match key.as_str() {
                "score" | "max_score" => assert!(value.as_f64().unwrap() >= 0.0, "{key}"),
                "status" => assert!(["passed", "failed"].contains(&value.as_str().unwrap())),
                "name" | "number" | "output" => {
                    let text = value
                        .as_str()
                        .unwrap_or_else(|| panic!("{key} is a string"));
                    assert!(!text.contains('\r'), "Unix line endings in {key}");
                }
                "name_format" | "output_format" => {
                    assert!(FORMATS.contains(&value.as_str().unwrap()), "{key}");
                }
                "tags" => assert!(value.as_array().unwrap().iter().all(Value::is_string)),
                "visibility" => assert!(VISIBILITY.contains(&value.as_str().unwrap())),
                "extra_data" => assert!(value.is_object()),
                _ => panic!("test key `{key}` is not in Gradescope's specification"),
            }
        }
    }
}

#[test]
fn gradescope_run_autograder_in_a_stand_in_of_its_container() {
    let root = tempfile::tempdir().unwrap();
    let root = root.path();
    // What setup.sh leaves: the autograder's zip in source/, the trusted course in course/.
    std::fs::create_dir_all(root.join("source")).unwrap();
    for file in ["setup.sh", "run_autograder"] {
        std::fs::copy(
            repo().join("classroom/gradescope").join(file),
            root.join("source").join(file),
        )
        .unwrap();
    }
    copy_course(&root.join("course"));
    // The student uploaded a zip of their repository's folder: it lands one level down.
    flagged_clone(&root.join("submission/awaitlings-main"));
    let shim = shim();
    let stdout = run_ok(
        script(shim.path())
            .arg(root.join("source/run_autograder"))
            .current_dir(root)
            .env("AUTOGRADER_ROOT", root)
            .env("AWAITLINGS_EXERCISES", "01 02"),
        "run_autograder",
    );

    let doc = read_json(&root.join("results/results.json"));
    gradescope_contract(&doc);
    // The points the checks earned, and the flag in the output, never in the score.
    assert_eq!(doc["score"], 4, "{doc:#}\n{stdout}");
    let tests = doc["tests"].as_array().unwrap();
    let sum: f64 = tests.iter().map(|t| t["score"].as_f64().unwrap()).sum();
    assert_eq!(sum, 4.0, "the top score is the tests' total");
    assert_eq!(tests.len(), 4);
    let output = doc["output"].as_str().unwrap();
    assert!(
        output.contains("Integrity flags (not failures")
            && output.contains("changed grader/checks/answer.rs"),
        "{output}"
    );
    assert_eq!(doc["output_format"], "text");
    // The trusted course was used, not the student's edited check (which wants 41).
    let wrong = tests
        .iter()
        .find(|t| t["name"] == "02 wrong-value answer-is-42")
        .unwrap();
    assert_eq!(wrong["status"], "failed");
    // Nothing was written into the submission or the course's exercise.
    assert!(!root.join("submission/awaitlings-main/target").exists());
}

// ---------------------------------------------------------------------------------------------
// PrairieLearn.

/// PrairieLearn's results.json, as docs/externalGrading.md ("Grading results") and the code that
/// reads it have it: at most 1 MiB (apps/grader-host/src/index.ts); `gradable` a boolean if
/// given; a gradable result's `score` a finite number in [0, 1]
/// (apps/prairielearn/src/lib/externalGrader.ts); `format_errors` a string or strings
/// (externalGraderCommon.ts); and, for the element to show points at all, `points` and
/// `max_points` on every test (elements/pl-external-grader-results).
fn prairielearn_contract(raw: &str) -> Value {
    assert!(
        raw.len() <= 1024 * 1024,
        "PrairieLearn refuses results over 1 MiB"
    );
    let doc: Value = serde_json::from_str(raw).expect("results.json is JSON");
    let gradable = match doc.get("gradable") {
        None => true,
        Some(Value::Bool(b)) => *b,
        Some(other) => panic!("gradable is {other}"),
    };
    if gradable {
        let score = doc["score"]
            .as_f64()
            .expect("a gradable result has a score");
        assert!(score.is_finite() && (0.0..=1.0).contains(&score), "{score}");
    }
    match doc.get("format_errors") {
        None | Some(Value::String(_)) => {}
        Some(Value::Array(a)) => assert!(a.iter().all(Value::is_string)),
        Some(other) => panic!("format_errors is {other}"),
    }
    for key in ["message", "output"] {
        assert!(doc.get(key).is_none_or(Value::is_string), "{key}");
    }
    for t in doc
        .get("tests")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        assert!(t["name"].is_string());
        assert!(
            t["points"].is_number() && t["max_points"].is_number(),
            "{t}"
        );
        for key in ["description", "message", "output"] {
            assert!(t.get(key).is_none_or(Value::is_string), "{key}");
        }
    }
    doc
}

#[test]
fn prairielearn_image_steps_then_its_entrypoint_in_a_stand_in_of_the_grading_container() {
    let work = tempfile::tempdir().unwrap();
    let (course, prefix) = (work.path().join("course"), work.path().join("image"));
    small_course(&course);
    // What classroom/docker/Dockerfile runs, with the scripts the course carries.
    let docker = repo().join("classroom/docker");
    for file in ["warm.sh", "install.sh"] {
        let to = course.join("classroom/docker").join(file);
        std::fs::create_dir_all(to.parent().unwrap()).unwrap();
        std::fs::copy(docker.join(file), &to).unwrap();
    }
    for file in ["gradescope/run_autograder", "prairielearn/run.sh"] {
        let to = course.join("classroom").join(file);
        std::fs::create_dir_all(to.parent().unwrap()).unwrap();
        std::fs::copy(repo().join("classroom").join(file), &to).unwrap();
    }
    let shim = shim();
    run_ok(
        script(shim.path())
            .arg(course.join("classroom/docker/warm.sh"))
            .arg(&course)
            .env("AWAITLINGS_EXERCISES", "01")
            .env("CARGO_NET_OFFLINE", "true"),
        "warm.sh",
    );
    run_ok(
        script(shim.path())
            .arg(course.join("classroom/docker/install.sh"))
            .arg(&course)
            .env("PREFIX", &prefix),
        "install.sh",
    );
    let entrypoint = prefix.join("grader/run.sh");
    assert!(prefix.join("autograder/run_autograder").is_file());
    let trusted =
        std::fs::read_to_string(course.join("exercises/02-wrong-value/src/lib.rs")).unwrap();

    // One grading job: /grade/student holds what the student submitted.
    let job = |lib: Option<&str>| -> Value {
        let grade = tempfile::tempdir().unwrap();
        for dir in ["student", "tests", "serverFilesCourse", "data"] {
            std::fs::create_dir_all(grade.path().join(dir)).unwrap();
        }
        std::fs::write(grade.path().join("data/data.json"), "{}").unwrap();
        if let Some(lib) = lib {
            std::fs::write(grade.path().join("student/lib.rs"), lib).unwrap();
        }
        run_ok(
            script(shim.path())
                .arg(&entrypoint)
                .current_dir(grade.path())
                .env("PL_GRADE_DIR", grade.path())
                .env("AWAITLINGS_COURSE_DIR", &course)
                .env("AWAITLINGS_EXERCISE", "2"),
            "run.sh",
        );
        let raw = std::fs::read_to_string(grade.path().join("results/results.json")).unwrap();
        prairielearn_contract(&raw)
    };

    // Code that compiles and fails a check: gradable, 1 of 3 points.
    let doc = job(Some(&trusted));
    assert_eq!(doc["gradable"], true, "{doc:#}");
    assert!(
        (doc["score"].as_f64().unwrap() - 1.0 / 3.0).abs() < 1e-9,
        "{doc:#}"
    );
    // Solved: full marks.
    let doc = job(Some(&trusted.replace("    41\n", "    42\n")));
    assert_eq!(
        (doc["gradable"].as_bool(), doc["score"].as_f64()),
        (Some(true), Some(1.0))
    );
    // Code that does not compile: not gradable (no attempt charged), with the compiler's words.
    let doc = job(Some("pub async fn answer() -> u32 { \"forty-two\" }\n"));
    assert_eq!(doc["gradable"], false, "{doc:#}");
    let errors = doc["format_errors"].as_array().unwrap();
    assert!(
        errors[0].as_str().unwrap().starts_with("02 wrong-value:"),
        "{doc:#}"
    );
    assert!(doc.to_string().contains("mismatched types"), "{doc:#}");
    // Nothing submitted: not gradable either.
    let doc = job(None);
    assert_eq!(doc["gradable"], false, "{doc:#}");
    // The trusted course itself was never written to.
    assert_eq!(
        std::fs::read_to_string(course.join("exercises/02-wrong-value/src/lib.rs")).unwrap(),
        trusted
    );
}

// ---------------------------------------------------------------------------------------------
// GitLab (and Jenkins) JUnit.

/// A JUnit report as its readers parse it:
/// - the element and attribute structure of Jenkins xUnit's schema (jenkinsci/xunit-plugin,
///   src/main/resources/org/jenkinsci/plugins/xunit/types/model/xsd/junit-10.xsd);
/// - Jenkins' JUnit plugin keeps a suite's properties in a map (jenkinsci/junit-plugin
///   SuiteResult.java): property names are unique within a suite;
/// - GitLab (gitlabhq/gitlabhq lib/gitlab/ci/parsers/test/junit.rb; docs ci/testing/
///   unit_test_reports.md): test names unique per classname (duplicates are dropped), a
///   failure's, error's or skipped's text is what it shows (never empty), and `type` goes
///   through ActiveSupport's typed XML (never one of its type names);
/// - counts and times that add up: each suite's counts are its cases', the top level's the sum
///   of the suites', and times likewise (to the millisecond).
fn junit_contract(xml: &str) {
    let doc = roxmltree::Document::parse(xml).expect("well-formed XML");
    let root = doc.root_element();
    assert_eq!(root.tag_name().name(), "testsuites");
    let attrs = |n: roxmltree::Node, allowed: &[&str]| {
        for a in n.attributes() {
            assert!(
                allowed.contains(&a.name()),
                "<{}> has `{}`, which junit-10.xsd does not allow",
                n.tag_name().name(),
                a.name()
            );
        }
    };
    let ms = |n: roxmltree::Node| -> u64 {
        let t = n.attribute("time").unwrap_or("0");
        let (s, frac) = t.split_once('.').unwrap_or((t, "0"));
        assert!(
            s.chars().all(|c| c.is_ascii_digit()) && frac.len() <= 3,
            "time {t}"
        );
        s.parse::<u64>().unwrap() * 1000 + format!("{frac:0<3}").parse::<u64>().unwrap()
    };
    let count = |n: roxmltree::Node, key: &str| -> usize {
        n.attribute(key).map_or(0, |v| v.parse().unwrap())
    };
    attrs(
        root,
        &["name", "time", "tests", "failures", "disabled", "errors"],
    );
    const TYPED: [&str; 16] = [
        "symbol",
        "yaml",
        "array",
        "hash",
        "string",
        "integer",
        "float",
        "double",
        "decimal",
        "boolean",
        "date",
        "datetime",
        "dateTime",
        "base64Binary",
        "binary",
        "file",
    ];
    let mut names = HashSet::new();
    let (mut tests, mut failures, mut errors, mut time) = (0, 0, 0, 0);
    for suite in root.children().filter(roxmltree::Node::is_element) {
        assert_eq!(suite.tag_name().name(), "testsuite");
        attrs(
            suite,
            &[
                "name",
                "tests",
                "failures",
                "errors",
                "time",
                "disabled",
                "skipped",
                "skips",
                "timestamp",
                "hostname",
                "id",
                "package",
                "assertions",
                "file",
                "skip",
                "log",
                "url",
            ],
        );
        let (mut s_tests, mut s_failures, mut s_errors, mut s_skipped, mut s_time) =
            (0, 0, 0, 0, 0);
        for child in suite.children().filter(roxmltree::Node::is_element) {
            match child.tag_name().name() {
                "properties" => {
                    let mut seen = HashSet::new();
                    for p in child.children().filter(roxmltree::Node::is_element) {
                        assert_eq!(p.tag_name().name(), "property");
                        attrs(p, &["name", "value"]);
                        assert!(p.attribute("value").is_some(), "a property has a value");
                        assert!(seen.insert(p.attribute("name").unwrap().to_string()));
                    }
                }
                "system-out" | "system-err" => {}
                "testcase" => {
                    attrs(
                        child,
                        &[
                            "name",
                            "assertions",
                            "time",
                            "timestamp",
                            "classname",
                            "status",
                            "class",
                            "file",
                            "line",
                            "log",
                            "group",
                            "url",
                        ],
                    );
                    let key = (
                        child.attribute("classname"),
                        child.attribute("name").unwrap(),
                    );
                    assert!(names.insert(format!("{key:?}")), "duplicate test {key:?}");
                    s_tests += 1;
                    s_time += ms(child);
                    for r in child.children().filter(roxmltree::Node::is_element) {
                        let tag = r.tag_name().name();
                        match tag {
                            "failure" | "error" | "skipped" => {
                                attrs(r, &["type", "message"]);
                                assert!(
                                    !r.text().unwrap_or_default().trim().is_empty(),
                                    "GitLab shows a {tag}'s text: it must have some"
                                );
                                if let Some(t) = r.attribute("type") {
                                    assert!(!TYPED.contains(&t), "type {t}");
                                }
                                match tag {
                                    "failure" => s_failures += 1,
                                    "error" => s_errors += 1,
                                    _ => s_skipped += 1,
                                }
                            }
                            "system-out" | "system-err" => {}
                            other => panic!("<testcase> holds <{other}>: not in junit-10.xsd"),
                        }
                    }
                }
                other => panic!("<testsuite> holds <{other}>: not in junit-10.xsd"),
            }
        }
        assert_eq!(count(suite, "tests"), s_tests, "tests of a suite");
        assert_eq!(count(suite, "failures"), s_failures, "failures of a suite");
        assert_eq!(count(suite, "errors"), s_errors, "errors of a suite");
        assert_eq!(count(suite, "skipped"), s_skipped, "skipped of a suite");
        assert_eq!(ms(suite), s_time, "a suite's time is its cases'");
        (tests, failures, errors, time) = (
            tests + s_tests,
            failures + s_failures,
            errors + s_errors,
            time + ms(suite),
        );
    }
    assert_eq!(
        (
            count(root, "tests"),
            count(root, "failures"),
            count(root, "errors")
        ),
        (tests, failures, errors)
    );
    assert_eq!(ms(root), time, "the top-level time is the suites' sum");
}

/// The `script` lines of the job `job` in a .gitlab-ci.yml (a block list under `script:`).
fn script_lines(yml: &str, job: &str) -> Vec<String> {
    let mut lines = yml.lines().skip_while(|l| *l != format!("{job}:"));
    lines.find(|l| l.trim() == "script:").expect("a script");
    lines
        .map_while(|l| l.strip_prefix("    - "))
        .map(str::to_string)
        .collect()
}

fn git(dir: &Path, args: &[&str]) {
    let out = Command::new("git")
        .current_dir(dir)
        .args(["-c", "user.name=t", "-c", "user.email=t@example.com"])
        .args(args)
        .output()
        .unwrap();
    assert!(out.status.success(), "git {args:?}: {out:?}");
}

#[test]
fn gitlab_job_script_in_a_stand_in_of_its_runner() {
    let work = tempfile::tempdir().unwrap();
    // The instructor's course, in a git repository with the tag the job pins.
    let course = work.path().join("course");
    small_course(&course);
    git(&course, &["init", "-q"]);
    git(&course, &["add", "-A"]);
    git(&course, &["commit", "-q", "-m", "course"]);
    git(&course, &["tag", "v1"]);
    // The student's project, checked out where the runner puts it.
    let project: PathBuf = work.path().join("builds/ana/awaitlings");
    small_course(&project);
    let checks = project.join("grader/checks/answer.rs");
    let text = std::fs::read_to_string(&checks).unwrap();
    std::fs::write(&checks, text.replace("42", "41")).unwrap();

    let yml = std::fs::read_to_string(repo().join("classroom/gitlab/.gitlab-ci.yml")).unwrap();
    let lines = script_lines(&yml, "grade");
    assert!(lines.len() >= 3, "{lines:?}");
    // The runner runs the lines in one bash, stopping at the first that fails.
    let body = format!(
        "set -eo pipefail\nexport AWAITLINGS_EXERCISES=\ncd \"$CI_PROJECT_DIR\"\n{}\n",
        lines.join("\n")
    );
    let shim = shim();
    run_ok(
        script(shim.path())
            .arg("-c")
            .arg(&body)
            .env("CI_PROJECT_DIR", &project)
            .env("COURSE_URL", format!("file://{}", course.display()))
            .env("COURSE_REF", "v1"),
        "the GitLab job's script",
    );
    // artifacts:reports:junit is reports/*.xml.
    let reports: Vec<_> = std::fs::read_dir(project.join("reports"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "xml"))
        .collect();
    assert_eq!(reports.len(), 1, "{reports:?}");
    let xml = std::fs::read_to_string(&reports[0]).unwrap();
    junit_contract(&xml);
    // Every exercise of the course graded; the flag travels, and is no failure.
    let doc = roxmltree::Document::parse(&xml).unwrap();
    let flag_case = doc
        .descendants()
        .find(|n| n.attribute("name") == Some("integrity flags"))
        .expect("the flags' test case");
    assert!(flag_case.children().any(|n| n.has_tag_name("skipped")));
    assert!(xml.contains("changed grader/checks/answer.rs"), "{xml}");
    let csv = std::fs::read_to_string(project.join("reports/gradebook.csv")).unwrap();
    assert!(csv.contains("changed grader/checks/answer.rs"), "{csv}");
}

// ---------------------------------------------------------------------------------------------
// The formats alone, on `check` and `grade` runs, against the same contracts.

fn formatted(course: &Path, format: &str, exercises: &[&str]) -> String {
    let out = grader(course)
        .arg("check")
        .args(exercises)
        .args(["--format", format])
        .output()
        .unwrap();
    assert!(out.status.code().is_some_and(|c| c <= 1), "{out:?}");
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn every_platform_format_follows_its_platforms_contract() {
    let course = course();
    for exercises in [&["1"][..], &["1", "2"], &["2", "3"], &["48"]] {
        gradescope_contract(
            &serde_json::from_str(&formatted(course.path(), "gradescope", exercises)).unwrap(),
        );
        prairielearn_contract(&formatted(course.path(), "prairielearn", exercises));
        junit_contract(&formatted(course.path(), "junit", exercises));
    }
    // Code that does not compile: PrairieLearn does not charge an attempt.
    let pl: Value =
        serde_json::from_str(&formatted(course.path(), "prairielearn", &["2", "3"])).unwrap();
    assert_eq!(pl["gradable"], false, "{pl:#}");
    let pl: Value =
        serde_json::from_str(&formatted(course.path(), "prairielearn", &["1", "2"])).unwrap();
    assert_eq!(pl["gradable"], true, "{pl:#}");
}

#[test]
fn flags_travel_in_every_platform_format_and_change_no_score() {
    let instructor = course();
    let class = tempfile::tempdir().unwrap();
    let (clean, flagged) = (class.path().join("ana"), class.path().join("ben"));
    copy_course(&clean);
    flagged_clone(&flagged);
    let report = |format: &str, name: &str| {
        let out = class.path().join(format);
        grader(instructor.path())
            .arg("grade")
            .args([&clean, &flagged])
            .args(["-e", "1", "-e", "2", "--format", format, "--out"])
            .arg(&out)
            .assert()
            .success();
        std::fs::read_to_string(out.join(name)).unwrap()
    };
    let (gs_clean, gs_flagged): (Value, Value) = (
        serde_json::from_str(&report("gradescope", "ana.json")).unwrap(),
        serde_json::from_str(&report("gradescope", "ben.json")).unwrap(),
    );
    gradescope_contract(&gs_flagged);
    assert_eq!(gs_clean["score"], gs_flagged["score"]);
    assert!(
        gs_flagged["output"]
            .as_str()
            .unwrap()
            .contains("changed grader/checks/answer.rs")
    );
    assert!(!gs_clean["output"].as_str().unwrap().contains("flag"));

    let pl_clean = prairielearn_contract(&report("prairielearn", "ana.json"));
    let pl_flagged = prairielearn_contract(&report("prairielearn", "ben.json"));
    assert_eq!(pl_clean["score"], pl_flagged["score"]);
    assert_eq!(pl_flagged["gradable"], true);
    assert!(
        pl_flagged["message"]
            .as_str()
            .unwrap()
            .contains("changed grader/checks/answer.rs")
    );

    let (clean, flagged) = (report("junit", "ana.xml"), report("junit", "ben.xml"));
    junit_contract(&clean);
    junit_contract(&flagged);
    let counts = |xml: &str| {
        let doc = roxmltree::Document::parse(xml).unwrap();
        let root = doc.root_element();
        (
            root.attribute("failures").unwrap().to_string(),
            root.attribute("errors").unwrap().to_string(),
        )
    };
    assert_eq!(counts(&clean), counts(&flagged), "a flag is no failure");
    assert!(!clean.contains("awaitlings.flag."));
    assert!(
        flagged.contains(
            "<property name=\"awaitlings.flag.1\" value=\"changed grader/checks/answer.rs\"/>"
        ),
        "{flagged}"
    );
}

/// The validators above can fail: each refuses what its platform would not take, including
/// what this grader wrote before (a hidden check's testcase properties, a top-level time that
/// was the run's wall time).
#[test]
fn the_contracts_refuse_what_their_platforms_refuse() {
    let refused = |f: &dyn Fn()| std::panic::catch_unwind(std::panic::AssertUnwindSafe(f)).is_err();
    let suite = |top_time: &str, case_inner: &str| {
        format!(
            "<testsuites tests=\"1\" failures=\"0\" errors=\"0\" time=\"{top_time}\">\
             <testsuite name=\"a\" tests=\"1\" failures=\"0\" errors=\"0\" time=\"0.500\">\
             <testcase classname=\"c\" name=\"n\" time=\"0.500\">{case_inner}</testcase>\
             </testsuite></testsuites>"
        )
    };
    junit_contract(&suite("0.500", ""));
    assert!(refused(&|| junit_contract(&suite("0.200", ""))));
    assert!(refused(&|| junit_contract(&suite(
        "0.500",
        "<properties><property name=\"hidden\" value=\"true\"/></properties>"
    ))));
    // A skipped case, counted right, passes; the same with an ActiveSupport type name does not.
    let skipped = |kind: &str| {
        suite("0.500", &format!("<skipped type=\"{kind}\">x</skipped>")).replace(
            "<testsuite name=\"a\" tests=\"1\"",
            "<testsuite name=\"a\" tests=\"1\" skipped=\"1\"",
        )
    };
    junit_contract(&skipped("flag"));
    assert!(refused(&|| junit_contract(&skipped("yaml"))));
    prairielearn_contract(r#"{"gradable": false}"#);
    assert!(refused(&|| {
        prairielearn_contract(r#"{"score": 4}"#);
    }));
    assert!(refused(&|| {
        prairielearn_contract(r#"{"score": 1, "tests": [{"name": "t", "points": 1}]}"#);
    }));
    gradescope_contract(&serde_json::json!({"score": 1, "tests": []}));
    assert!(refused(&|| gradescope_contract(
        &serde_json::json!({"score": 1, "max_score": 1})
    )));
    assert!(refused(&|| gradescope_contract(
        &serde_json::json!({"tests": [{"status": "ok", "score": 1}]})
    )));
}
