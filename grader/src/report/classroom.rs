//! GitHub Actions autograding: the JSON that `classroom-resources/autograding-command-grader`
//! puts, base64-encoded, in its `result` output, and that
//! `classroom-resources/autograding-grading-reporter` sums:
//! `{"version":1, "status":"pass|fail|error", "max_score", "tests":[{"name", "status", "score",
//! "message", "test_code", "filename", "line_no", "duration"}]}` (duration in milliseconds).
//!
//! `grader check --format classroom --github-output` also appends `result=<base64>` to the file
//! `$GITHUB_OUTPUT` names, so a step that runs the grader itself feeds the reporter directly.
//!
//! The format has no visibility setting and the student reads it in the run's log: a hidden
//! check is listed, named `... (hidden)`, and says only its kind of failure (see
//! [`super::Test::shown_message`]).

use super::Run;
use crate::outcome::Kind;
use serde_json::json;

pub fn render(run: &Run) -> String {
    serde_json::to_string(&document(run)).unwrap_or_default()
}

pub fn document(run: &Run) -> serde_json::Value {
    let tests: Vec<_> = run
        .tests()
        .iter()
        .map(|t| {
            json!({
                "name": t.shown_name(),
                "status": status(t.passed, t.kind),
                "score": t.points,
                "message": t.shown_message(),
                "test_code": t.command(),
                "filename": "",
                "line_no": 0,
                "duration": (t.seconds() * 1000.0).round() as u64,
            })
        })
        .collect();
    let grader_error = run.results.iter().any(super::unbuilt);
    json!({
        "version": 1,
        "status": if grader_error { "error" } else if run.passed() { "pass" } else { "fail" },
        "max_score": run.max_points(),
        "tests": tests,
    })
}

/// A failure that is the grader's, not the code's (the checks could not be built at all), is an
/// `error`; a failure of the code is a `fail`.
fn status(passed: bool, kind: Option<Kind>) -> &'static str {
    match (passed, super::graders_fault(kind)) {
        (true, _) => "pass",
        (false, true) => "error",
        (false, false) => "fail",
    }
}

/// Appends `result=<base64 of the document>` to `$GITHUB_OUTPUT`.
pub fn append_github_output(run: &Run) -> anyhow::Result<()> {
    use anyhow::Context;
    use std::io::Write;
    let path = std::env::var_os("GITHUB_OUTPUT").context(
        "--github-output appends to the file $GITHUB_OUTPUT names, and it is not set: \
         it is set inside a GitHub Actions step",
    )?;
    let line = format!("result={}\n", super::base64(render(run).as_bytes()));
    std::fs::OpenOptions::new()
        .append(true)
        .create(true)
        .open(&path)
        .and_then(|mut f| f.write_all(line.as_bytes()))
        .with_context(|| {
            format!(
                "cannot append to $GITHUB_OUTPUT ({})",
                path.to_string_lossy()
            )
        })
}
