//! Classroom 50, end to end: classroom/classroom50/autograder.py itself, run as Classroom 50's
//! runner runs it (foundation50/classroom50, cli/gh-teacher/skeleton/dotgithub/scripts/runner.py:
//! `run_entrypoint`), in a stand-in for its environment: the variables it sets, a student's
//! checkout as the working directory (a clone of the course with Classroom 50's accept commit and
//! the student's work on top), and the course at a tag behind a `file://` URL. What it writes is
//! checked by classroom/classroom50/validate_result.py, written from the runner's own validation.
//!
//! These need python3 and git, which a machine with only Rust lacks: `.ci/run` runs them.

use crate::common::*;
use std::path::{Path, PathBuf};
use std::process::Command;

fn git(dir: &Path, args: &[&str]) -> String {
    let out = Command::new("git")
        .current_dir(dir)
        .args(["-c", "user.name=Ana", "-c", "user.email=ana@example.com"])
        .args(args)
        .output()
        .expect("git runs");
    assert!(
        out.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap().trim().to_string()
}

/// The instructor's course, committed and tagged `v1`, and its `file://` URL.
fn course_repo(root: &Path) -> String {
    let repo = root.join("course");
    copy_course(&repo);
    git(&repo, &["init", "-q", "-b", "main"]);
    git(&repo, &["add", "-A"]);
    git(&repo, &["commit", "-qm", "the course"]);
    git(&repo, &["tag", "v1"]);
    format!("file://{}", repo.display())
}

/// A student's repository as Classroom 50 leaves it checked out: the course as handed out,
/// Classroom 50's accept commit (`.classroom50.yaml` and the autograde shim), then the
/// student's work (`work` edits the tree). Returns the checkout, the accept commit and the
/// graded one.
fn student_checkout(root: &Path, url: &str, work: impl FnOnce(&Path)) -> (PathBuf, String, String) {
    let checkout = root.join("c50-hello-ana");
    git(root, &["clone", "-q", url, checkout.to_str().unwrap()]);
    std::fs::write(checkout.join(".classroom50.yaml"), "classroom: c50\n").unwrap();
    std::fs::create_dir_all(checkout.join(".github/workflows")).unwrap();
    std::fs::write(
        checkout.join(".github/workflows/autograde.yaml"),
        "on: push\njobs:\n  grade:\n    uses: org/classroom50/.github/workflows/autograde-runner.yaml@main\n",
    )
    .unwrap();
    git(&checkout, &["add", "-A"]);
    git(&checkout, &["commit", "-qm", "Accept assignment"]);
    let accepted = git(&checkout, &["rev-parse", "HEAD"]);
    work(&checkout);
    git(&checkout, &["add", "-A"]);
    git(
        &checkout,
        &["commit", "-q", "--allow-empty", "-m", "my work"],
    );
    let graded = git(&checkout, &["rev-parse", "HEAD"]);
    (checkout, accepted, graded)
}

/// The variables Classroom 50's runner sets for its autograder (`run_entrypoint`, and the
/// autograde-runner workflow's job env), with the URLs made as `commit_url`, `release_url` and
/// `review_url` make them; and the autograder's own settings, pointing at the course's URL
/// and this build's grader and state directory.
fn runner_env(
    cmd: &mut Command,
    url: &str,
    accepted: &str,
    graded: &str,
    exercises: &str,
    temp: &Path,
) {
    let repo = "https://github.com/org/c50-hello-ana";
    let tag = format!("submit/2026-12-02T10-00-00Z-{}", &graded[..7]);
    cmd.env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap())
        .env("HOME", std::env::var_os("HOME").unwrap())
        .envs([
            ("PAGES_BASE_URL", "https://org.github.io/classroom50"),
            ("CLASSROOM", "c50"),
            ("ASSIGNMENT", "hello"),
            ("MODE", "individual"),
            ("ASSIGNMENT_TYPE", "individual"),
            ("USERNAME", "ana"),
            ("OWNER", "ana"),
            ("SUBMISSION_TAG", &tag),
            ("GITHUB_REPOSITORY", "org/c50-hello-ana"),
            ("GITHUB_SHA", graded),
            ("GITHUB_SERVER_URL", "https://github.com"),
            ("GITHUB_ACTOR", "ana"),
            ("GITHUB_ACTIONS", "true"),
            ("COMMIT_URL", &format!("{repo}/commit/{graded}")),
            (
                "RELEASE_URL",
                &format!("{repo}/releases/tag/{}", tag.replace('/', "%2F")),
            ),
            (
                "REVIEW_URL",
                &format!("{repo}/compare/{accepted}...{graded}"),
            ),
            ("AWAITLINGS_COURSE_URL", url),
            ("AWAITLINGS_COURSE_REF", "v1"),
            ("AWAITLINGS_GRADER", env!("CARGO_BIN_EXE_grader")),
            ("AWAITLINGS_EXERCISES", exercises),
            ("AWAITLINGS_SEED", "1"),
        ])
        .env("AWAITLINGS_TARGET_DIR", state_dir())
        .env("RUNNER_TEMP", temp)
        .env("GITHUB_OUTPUT", temp.join("github_output"));
}

struct Graded {
    result: serde_json::Value,
    body: String,
    /// What the runner's validation derives: `status=...` and `summary=...` lines.
    verdict: String,
}

/// Runs the autograder in the checkout, then the runner's validation on what it wrote.
fn autograde(work: impl FnOnce(&Path), exercises: &str) -> Graded {
    let root = tempfile::tempdir().unwrap();
    let temp = root.path().join("runner-temp");
    std::fs::create_dir_all(&temp).unwrap();
    let url = course_repo(root.path());
    let (checkout, accepted, graded) = student_checkout(root.path(), &url, work);
    let script = repo().join("classroom/classroom50/autograder.py");
    let mut cmd = Command::new("python3");
    cmd.arg(&script).current_dir(&checkout);
    runner_env(&mut cmd, &url, &accepted, &graded, exercises, &temp);
    let out = cmd.output().expect("python3 runs");
    assert!(
        out.status.success(),
        "autograder.py failed:\n{}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    let mut check = Command::new("python3");
    check
        .arg(repo().join("classroom/classroom50/validate_result.py"))
        .current_dir(&checkout);
    runner_env(&mut check, &url, &accepted, &graded, exercises, &temp);
    let checked = check.output().unwrap();
    assert!(
        checked.status.success(),
        "Classroom 50 would reject it: {}",
        String::from_utf8_lossy(&checked.stderr)
    );
    Graded {
        result: serde_json::from_str(
            &std::fs::read_to_string(checkout.join("result.json")).unwrap(),
        )
        .unwrap(),
        body: std::fs::read_to_string(checkout.join("release-body.md")).unwrap(),
        verdict: String::from_utf8(checked.stdout).unwrap(),
    }
}

#[test]
#[ignore = "needs python3 and git: .ci/run runs it"]
fn a_flagged_full_score_is_a_valid_success_with_its_flags_on_the_release() {
    let graded = autograde(
        |checkout| {
            // Solves exercise 02, and edits the checks (never used: an integrity flag).
            let lib = checkout.join("exercises/02-wrong-value/src/lib.rs");
            let text = std::fs::read_to_string(&lib).unwrap();
            std::fs::write(&lib, text.replace("    41\n", "    42\n")).unwrap();
            let checks = checkout.join("grader/checks/answer.rs");
            let text = std::fs::read_to_string(&checks).unwrap();
            std::fs::write(&checks, format!("{text}\n// mine\n")).unwrap();
        },
        "1 2",
    );
    let r = &graded.result;
    assert_eq!(
        (r["score"].as_u64(), r["max-score"].as_u64()),
        (Some(6), Some(6)),
        "{r}"
    );
    assert_eq!(r["classroom"], "c50");
    assert!(
        r["release"]
            .as_str()
            .unwrap()
            .contains("/releases/tag/submit%2F"),
        "{r}"
    );
    assert!(r["review"].as_str().unwrap().contains("/compare/"), "{r}");
    assert!(
        graded.verdict.contains("status=success"),
        "a flag is no failure: {}",
        graded.verdict
    );
    let body = &graded.body;
    assert!(body.contains("6/6 points"), "{body}");
    assert!(
        body.contains("| 02 wrong-value | 3/3 | ✓ passed |"),
        "{body}"
    );
    assert!(body.contains("changed grader/checks/answer.rs"), "{body}");
    assert!(body.contains("do not change the score"), "{body}");
    assert!(
        !body.contains("autograde.yaml") && !body.contains(".classroom50.yaml"),
        "Classroom 50's own files are no flag: {body}"
    );
    assert!(
        body.contains("[graded commit](https://github.com/org/c50-hello-ana/commit/"),
        "{body}"
    );
}

#[test]
#[ignore = "needs python3 and git: .ci/run runs it"]
fn a_failing_submission_lists_its_failures_and_withholds_the_hidden_one() {
    // Exercise 02 as handed out (returns 41), and 48, which fails only its hidden check.
    let graded = autograde(|_| {}, "2 48");
    let r = &graded.result;
    assert!(r["score"].as_u64() < r["max-score"].as_u64(), "{r}");
    assert!(
        graded.verdict.contains("status=failure"),
        "{}",
        graded.verdict
    );
    let tests = r["tests"].as_array().unwrap();
    let hidden = tests
        .iter()
        .find(|t| t["test-name"].as_str().unwrap().ends_with("(hidden)"))
        .unwrap_or_else(|| panic!("the hidden check is listed: {r}"));
    assert_eq!(hidden["passed"], false);
    assert!(
        hidden["message"]
            .as_str()
            .unwrap()
            .contains("your instructor's report"),
        "{hidden}"
    );
    let body = &graded.body;
    assert!(
        body.contains("- **02 wrong-value answer-is-42**: wrong value"),
        "{body}"
    );
    assert!(body.contains("(hidden)**"), "{body}");
    assert!(
        !body.contains("1.000s") && !body.contains("expected 1s"),
        "the hidden check's details stay out: {body}"
    );
    assert!(!body.contains("Integrity"), "no flag: {body}");
}

/// The validator is the runner's rules: what the old autograder wrote (`release` and `review`
/// null, read from variables the runner never sets) and a top-level field the schema does not
/// have are both rejected.
#[test]
#[ignore = "needs python3: .ci/run runs it"]
fn the_validator_rejects_what_the_runner_rejects() {
    let root = tempfile::tempdir().unwrap();
    let temp = root.path().join("t");
    std::fs::create_dir_all(&temp).unwrap();
    let graded = "0123456789abcdef0123456789abcdef01234567";
    let good = serde_json::json!({
        "schema": "classroom50/result/v1", "classroom": "c50", "assignment": "hello",
        "assignment_type": "individual", "owner": "ana",
        "submission": "submit/2026-12-02T10-00-00Z-0123456",
        "commit": format!("https://github.com/org/c50-hello-ana/commit/{graded}"),
        "release": "https://github.com/org/c50-hello-ana/releases/tag/submit%2F2026-12-02T10-00-00Z-0123456",
        "review": format!("https://github.com/org/c50-hello-ana/compare/abc...{graded}"),
        "datetime": "2026-12-02T10:00:00Z", "score": 1, "max-score": 2,
        "tests": [{"test-name": "a", "passed": true, "score": 1, "max-score": 1},
                  {"test-name": "b", "passed": false, "score": 0, "max-score": 1}],
    });
    let verdict = |doc: &serde_json::Value| {
        std::fs::write(root.path().join("result.json"), doc.to_string()).unwrap();
        std::fs::write(root.path().join("release-body.md"), "## 1/2\n").unwrap();
        let mut cmd = Command::new("python3");
        cmd.arg(repo().join("classroom/classroom50/validate_result.py"))
            .current_dir(root.path());
        runner_env(&mut cmd, "", "abc", graded, "", &temp);
        cmd.env("SUBMISSION_TAG", "submit/2026-12-02T10-00-00Z-0123456")
            .env(
                "RELEASE_URL",
                "https://github.com/org/c50-hello-ana/releases/tag/submit%2F2026-12-02T10-00-00Z-0123456",
            );
        let out = cmd.output().unwrap();
        (
            out.status.success(),
            String::from_utf8_lossy(&out.stdout).to_string()
                + &String::from_utf8_lossy(&out.stderr),
        )
    };
    let (ok, said) = verdict(&good);
    assert!(ok && said.contains("status=failure"), "{said}");
    let mut old = good.clone();
    old["release"] = serde_json::Value::Null;
    old["review"] = serde_json::Value::Null;
    let (ok, said) = verdict(&old);
    assert!(!ok && said.contains("release is None"), "{said}");
    let mut flagged = good.clone();
    flagged["flags"] = serde_json::json!(["changed grader/checks/answer.rs"]);
    let (ok, said) = verdict(&flagged);
    assert!(!ok && said.contains("flags"), "{said}");
    let mut over = good;
    over["score"] = serde_json::json!(3);
    let (ok, said) = verdict(&over);
    assert!(!ok && said.contains("score (3) > max-score (2)"), "{said}");
}
