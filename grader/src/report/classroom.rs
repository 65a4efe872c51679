//! GitHub Actions autograding: the JSON that `classroom-resources/autograding-command-grader`
//! puts, base64-encoded, in its `result` output, and that
//! `classroom-resources/autograding-grading-reporter` sums:
//! `{"version":1, "status":"pass|fail|error", "max_score", "tests":[{"name", "status", "score",
//! "message", "test_code", "filename", "line_no", "duration"}]}` (duration in milliseconds).
//!
//! What the reporter reads of it (its `src/main.js`, `src/console-results.js`,
//! `src/notify-classroom.js` and `src/helpers/test-helpers.js`): `status` (`fail` or `error`
//! fails the job), `max_score`, and per test `status`, `name`, `line_no` (shown when not 0),
//! `test_code` (shown for every test), `message` (shown for an `error`) and `score`. It posts
//! `Points <sum of scores>/<max_score>` as a notice annotation titled `Autograding complete` and
//! `{"totalPoints","maxPoints"}` as one titled `Autograding report`, which is what GitHub
//! Classroom read. Its console table instead shows `tests passed / tests × max_score`, which is
//! not what it posts when tests are worth different points: our workflow does not use it.
//!
//! `grader check|grade ... --github-output` appends `result=<base64>` (and `points`,
//! `max_score`, `status`) to the file `$GITHUB_OUTPUT` names; `grade` also prints the reporter's
//! two annotations itself ([`annotations`]), so the points reach the run without the reporter,
//! which is deprecated and runs on the retired node20 runtime.
//!
//! The status depends only on the checks. Integrity flags are not failures: they come as one more
//! test worth nothing (status `pass`, score 0), named `integrity: ...`, listing the flags in its
//! `test_code`, which the reporter prints for every test.
//!
//! The format has no visibility setting and the student reads it in the run's log: a hidden
//! check is listed, named `... (hidden)`, and says only its kind of failure (see
//! [`super::Test::shown_message`]).

use super::Run;
use crate::run::outcome::Kind;
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
    let mut tests = tests;
    if !run.subject.flags.is_empty() {
        tests.push(json!({
            "name": format!(
                "integrity: {} file(s) changed where the grader takes nothing from a submission \
                 (the course's own were used; not counted)",
                run.subject.flags.len()
            ),
            "status": "pass",
            "score": 0,
            "message": run.subject.flags.join("\n"),
            "test_code": run.subject.flags.join("\n"),
            "filename": "",
            "line_no": 0,
            "duration": 0,
        }));
    }
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

/// Appends `result=<base64 of the document>`, `points=`, `max_score=` and `status=` to
/// `$GITHUB_OUTPUT` (one `name=value` line each, as GitHub documents for single-line values:
/// docs.github.com/en/actions/reference/workflows-and-actions/workflow-commands#setting-an-output-parameter).
pub fn append_github_output(run: &Run) -> anyhow::Result<()> {
    use anyhow::Context;
    use std::io::Write;
    let path = std::env::var_os("GITHUB_OUTPUT").context(
        "--github-output appends to the file $GITHUB_OUTPUT names, and it is not set: \
         it is set inside a GitHub Actions step",
    )?;
    let doc = document(run);
    let lines = format!(
        "result={}\npoints={}\nmax_score={}\nstatus={}\n",
        super::base64(render(run).as_bytes()),
        run.points(),
        run.max_points(),
        doc["status"].as_str().unwrap_or("error"),
    );
    std::fs::OpenOptions::new()
        .append(true)
        .create(true)
        .open(&path)
        .and_then(|mut f| f.write_all(lines.as_bytes()))
        .with_context(|| {
            format!(
                "cannot append to $GITHUB_OUTPUT ({})",
                path.to_string_lossy()
            )
        })
}

/// The two notice annotations the autograding reporter posts (its `src/notify-classroom.js`:
/// `core.notice(text, {title})`), as workflow commands a step prints on its standard output:
/// `Points <points>/<max>` titled `Autograding complete`, and `{"totalPoints","maxPoints"}`
/// titled `Autograding report`. Neither the titles nor the values hold `%`, `\r`, `\n`, `:` or
/// `,` where a workflow command would need them escaped.
pub fn annotations(run: &Run) -> String {
    let (points, max) = (run.points(), run.max_points());
    format!(
        "::notice title=Autograding complete::Points {points}/{max}\n\
         ::notice title=Autograding report::{{\"totalPoints\":{points},\"maxPoints\":{max}}}\n"
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::Subject;

    fn flagged() -> Subject {
        Subject {
            flags: vec![
                "changed grader/checks/answer.rs".into(),
                "added notes.txt".into(),
            ],
            ..Subject::default()
        }
    }

    #[test]
    fn flags_are_a_test_worth_nothing_and_leave_the_status_alone() {
        let subject = flagged();
        let run = Run {
            results: &[],
            wall: std::time::Duration::ZERO,
            subject: &subject,
        };
        let doc = document(&run);
        assert_eq!(doc["status"], "pass", "{doc}");
        let tests = doc["tests"].as_array().unwrap();
        assert_eq!(tests.len(), 1, "{doc}");
        assert_eq!(tests[0]["status"], "pass");
        assert_eq!(tests[0]["score"], 0);
        assert!(
            tests[0]["name"]
                .as_str()
                .unwrap()
                .starts_with("integrity: 2 file(s)")
        );
        assert_eq!(
            tests[0]["test_code"],
            "changed grader/checks/answer.rs\nadded notes.txt"
        );
        // Without flags there is no such test.
        let plain = Subject::default();
        let doc = document(&Run {
            subject: &plain,
            ..run
        });
        assert_eq!(doc["tests"].as_array().unwrap().len(), 0);
    }

    #[test]
    fn annotations_are_the_reporters_two_notices() {
        let subject = Subject::default();
        let run = Run {
            results: &[],
            wall: std::time::Duration::ZERO,
            subject: &subject,
        };
        assert_eq!(
            annotations(&run),
            "::notice title=Autograding complete::Points 0/0\n\
             ::notice title=Autograding report::{\"totalPoints\":0,\"maxPoints\":0}\n"
        );
    }
}
