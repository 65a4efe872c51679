//! PrairieLearn's external grader `results.json` (written to /grade/results/):
//! `{"gradable", "score" (0 to 1), "message", "tests":[{"name", "description", "points",
//! "max_points", "message", "output"}]}`. A submission is gradable unless the grader itself
//! could not build any checks.
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
    let gradable = !run.results.is_empty() && !run.results.iter().all(super::unbuilt);
    let mut message = format!("{}/{max} points.", run.points());
    if !run.subject.flags.is_empty() {
        message.push_str(" Files the grader never uses were changed; the course's own were used.");
    }
    let doc = json!({
        "gradable": gradable,
        "score": if max == 0 { 0.0 } else { f64::from(run.points()) / f64::from(max) },
        "message": message,
        "tests": tests,
    });
    serde_json::to_string_pretty(&doc).unwrap_or_default()
}
