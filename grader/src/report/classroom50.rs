//! Classroom 50's `result.json` and `release-body.md`, as the assignment's `autograder.py`
//! (classroom/classroom50/autograder.py) leaves them in the student's checkout.
//!
//! The contract is Classroom 50's own (foundation50/classroom50): the runner
//! `cli/gh-teacher/skeleton/dotgithub/scripts/runner.py` (`run_entrypoint` sets the variables,
//! `finalize_result` stamps and `validate_result` checks the result), the schema
//! `schemas/result-v1.schema.json`, the stub `cli/gh-teacher/embed/autograder.py`, and the wiki
//! page `wiki/Autograders.md`:
//!
//! - `{"schema":"classroom50/result/v1", "classroom", "assignment", "assignment_type", "owner",
//!   "submission", "commit", "release", "review", "datetime", "score", "max-score",
//!   "tests":[{"test-name", "passed", "score", "max-score", ...}]}`; no other top-level field.
//! - `classroom` and `assignment` must equal the runner's `CLASSROOM` and `ASSIGNMENT`;
//!   `submission` is `SUBMISSION_TAG` (`submit/...`); `commit`, `release` and `review` are the
//!   URLs the runner passes as `COMMIT_URL`, `RELEASE_URL` and `REVIEW_URL` (`review` falls back
//!   to the commit's, as the runner's does); `owner` (`OWNER`, else `USERNAME`) and
//!   `assignment_type` (`ASSIGNMENT_TYPE`) are overwritten by the runner anyway. Scores are
//!   integers, none above its max. Outside the runner, what it would provide is null, and the
//!   runner would reject it: the format is for `autograder.py`.
//! - A test may carry more fields ("preserved verbatim"): ours carry `message`.
//! - The status (`success` when every test passed, `failure` otherwise) comes from the tests
//!   alone, so integrity flags never fail a submission; they go where the contract has room for
//!   them, the release body ([`release_body`]), which the runner publishes and mirrors to the
//!   run's summary page.
//!
//! The format has no visibility setting: a hidden check is listed, named `... (hidden)`, and says
//! only its kind of failure (see [`super::Test::shown_message`]).

use super::Run;
use serde_json::json;
use std::fmt::Write;

fn env(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.is_empty())
}

/// The graded commit's URL: `COMMIT_URL`, else made as the runner makes it from the standard
/// `GITHUB_*` variables.
fn commit_url() -> Option<String> {
    env("COMMIT_URL").or_else(|| {
        let (repository, sha) = (env("GITHUB_REPOSITORY")?, env("GITHUB_SHA")?);
        let server = env("GITHUB_SERVER_URL").unwrap_or_else(|| "https://github.com".into());
        Some(format!("{server}/{repository}/commit/{sha}"))
    })
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
    let commit = commit_url();
    let doc = json!({
        "schema": "classroom50/result/v1",
        "classroom": env("CLASSROOM"),
        "assignment": env("ASSIGNMENT"),
        "assignment_type": env("ASSIGNMENT_TYPE"),
        "owner": env("OWNER").or_else(|| env("USERNAME")),
        "submission": env("SUBMISSION_TAG"),
        "commit": commit,
        "release": env("RELEASE_URL"),
        "review": env("REVIEW_URL").or(commit),
        // The runner replaces it with the graded commit's own date; it must still be there.
        "datetime": super::now_rfc3339(),
        "score": run.points().min(max),
        "max-score": max,
        "tests": tests,
    });
    serde_json::to_string_pretty(&doc).unwrap_or_default()
}

/// The Markdown of the submission's release (`release-body.md`), which the student reads on the
/// release and the instructor on the run's summary page: the Markdown report (score, a table of
/// exercises, each failing check in one line, hidden ones withheld, integrity flags), the links
/// to the graded commit and its review, and what the flags do to the grade (nothing).
pub fn release_body(run: &Run) -> String {
    let mut out = super::markdown::render(run);
    if !run.subject.flags.is_empty() {
        out.push_str(
            "\nThese flags do not change the score: the points are what the exercise code earns \
             with the course's own checks.\n",
        );
    }
    let links: Vec<String> = [
        ("graded commit", env("COMMIT_URL")),
        ("changes since the start", env("REVIEW_URL")),
    ]
    .into_iter()
    .filter_map(|(what, url)| Some(format!("[{what}]({})", url?.replace(')', "%29"))))
    .collect();
    if !links.is_empty() {
        let _ = writeln!(out, "\n{}", links.join(" · "));
    }
    out
}
