//! PrairieLearn's external grader `results.json` (written to /grade/results/), as PrairieLearn
//! reads it (PrairieLearn/PrairieLearn docs/externalGrading.md, "Grading results"; the code in
//! apps/prairielearn/src/lib/externalGrader.ts and externalGraderCommon.ts, and the element that
//! shows it, apps/prairielearn/elements/pl-external-grader-results):
//! `{"gradable", "score" (0 to 1), "message", "format_errors", "tests":[{"name", "description",
//! "points", "max_points", "message", "output"}]}`.
//!
//! - **Code that does not compile is not gradable.** PrairieLearn's own example of a submission
//!   that "could not be graded" is a syntax error: with `gradable: false` it is marked "invalid,
//!   not gradable", no points are awarded or lost, and the student is not charged an attempt.
//!   So a submission any of whose exercises does not compile, or compiles but cannot be called
//!   by the checks (a changed signature), or could not be built through the grader's fault, comes
//!   back `gradable: false`, with one line per exercise in `format_errors` (shown as errors) and
//!   the compiler's messages in the tests' `output`. Its `score` is 0 (PrairieLearn ignores it).
//!   Code that compiles and fails its checks is gradable, and charged, as any wrong answer.
//! - Every test has both `points` and `max_points`: without them on every test, the element
//!   shows no points at all.
//! - The submission's integrity **flags** (files it changed that the grader never uses) are
//!   listed in `message`; they never change `score` or `gradable`.
//!
//! The format has no visibility setting and the student reads it at once: a hidden check is
//! listed with its points, named `... (hidden)`, and says only its kind of failure (see
//! [`super::Test::shown_message`]).

use super::Run;
use serde_json::json;

pub fn render(run: &Run) -> String {
    let tests: Vec<_> = run
        .tests()
        .iter()
        .map(|t| {
            json!({
                "name": t.shown_name(),
                "description": t.shown_about(),
                "points": t.points,
                "max_points": t.max_points,
                "message": t.shown_message(),
                "output": t.shown_output(),
            })
        })
        .collect();
    let max = run.max_points();
    // One line per exercise whose checks never ran because it did not build.
    let unbuilt: Vec<String> = run
        .results
        .iter()
        .filter_map(|r| {
            r.build_failure()
                .map(|(kind, _)| format!("{}: {}", r.exercise.label(), kind.heading()))
        })
        .collect();
    let gradable = !run.results.is_empty() && unbuilt.is_empty();
    let mut message = if gradable {
        format!("{}/{max} points.", run.points())
    } else if run.results.is_empty() {
        "Nothing was graded.".to_string()
    } else {
        "Not graded, and no attempt used: the code did not build (see the errors and the \
         compiler's messages below). Fix it and submit again."
            .to_string()
    };
    if !run.subject.flags.is_empty() {
        message.push_str(&format!(
            "\n\nIntegrity flags (not failures: files the grader never uses were changed, the \
             course's own were used, and the points are what the code earned):\n- {}",
            run.subject.flags.join("\n- ")
        ));
    }
    let score = if !gradable || max == 0 {
        0.0
    } else {
        f64::from(run.points()) / f64::from(max)
    };
    let mut doc = json!({
        "gradable": gradable,
        "score": score,
        "message": message,
        "tests": tests,
    });
    if !unbuilt.is_empty() {
        doc["format_errors"] = json!(unbuilt);
    }
    serde_json::to_string_pretty(&doc).unwrap_or_default()
}
