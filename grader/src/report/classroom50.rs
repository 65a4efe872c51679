//! Classroom 50's `result.json`, as its `autograder.py` writes it in the student's checkout:
//! `{"schema":"classroom50/result/v1", "classroom", "assignment", "submission", "commit",
//! "release", "review", "datetime", "score", "max-score", "tests":[{"test-name", "passed",
//! "score", "max-score", "message"}]}`, scores non-negative integers, never above their max.
//!
//! The classroom, assignment, submission, release and review come from the environment Classroom
//! 50 runs the autograder in (`CLASSROOM`, `ASSIGNMENT`, `SUBMISSION_TAG`, `RELEASE`, `REVIEW`);
//! the commit from `COMMIT` or `GITHUB_SHA`, else the submission's own. Missing ones are null.
//!
//! The format has no visibility setting: a hidden check is listed, named `... (hidden)`, and says
//! only its kind of failure (see [`super::Test::shown_message`]).

use super::Run;
use serde_json::json;

fn env(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.is_empty())
}

pub fn render(run: &Run) -> String {
    let tests: Vec<_> = run
        .tests()
        .iter()
        .map(|t| {
            json!({
                "test-name": t.shown_name(),
                "passed": t.passed,
                "score": t.points.min(t.max_points),
                "max-score": t.max_points,
                "message": t.shown_message(),
            })
        })
        .collect();
    let max = run.max_points();
    let doc = json!({
        "schema": "classroom50/result/v1",
        "classroom": env("CLASSROOM"),
        "assignment": env("ASSIGNMENT"),
        "submission": env("SUBMISSION_TAG").or_else(|| run.subject.name.clone()),
        "commit": env("COMMIT").or_else(|| env("GITHUB_SHA")).or_else(|| run.subject.commit.clone()),
        "release": env("RELEASE"),
        "review": env("REVIEW"),
        "datetime": super::now_rfc3339(),
        "score": run.points().min(max),
        "max-score": max,
        "tests": tests,
    });
    serde_json::to_string_pretty(&doc).unwrap_or_default()
}
