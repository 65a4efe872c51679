//! Gradescope's `results.json` (what `run_autograder` writes to /autograder/results/), as its
//! specification has it (gradescope/autograder_samples docs/specs.md, published at
//! https://gradescope-autograders.readthedocs.io/en/latest/specs/):
//! `{"score", "execution_time", "output", "output_format", "tests":[{"score", "max_score",
//! "status", "name", "number", "output", "output_format", "visibility"}]}`.
//!
//! - `score` is given at the top level, where it "overrides total of tests": it is the points
//!   the checks earned, and nothing else (flags never change it).
//! - `status` is `passed` or `failed` from the check itself (Gradescope would otherwise judge by
//!   `score == max_score`, which a 0-point check would always pass).
//! - Outputs are plain `text`: the top-level `output` defaults to `simple_format`, which renders
//!   HTML, and a file name or a transcript may hold `<`.
//! - The submission's integrity **flags** (files it changed that the grader never uses) are in
//!   the top-level `output`, the text "relevant to the entire submission".
//! - A hidden check's test has `"visibility": "after_published"`: Gradescope shows it (with its
//!   whole output) only once the instructor publishes the grades; every other test is `visible`.
//!   Stdout (cargo's and the grader's progress) keeps Gradescope's default `stdout_visibility`,
//!   hidden: it is for the instructor.

use super::Run;
use serde_json::json;

pub fn render(run: &Run) -> String {
    let mut last = (0, 0);
    let tests: Vec<_> = run
        .tests()
        .iter()
        .map(|t| {
            // Numbered exercise.check, counting checks within each exercise from 1.
            let exercise = t.exercise.exercise.number;
            last = if last.0 == exercise {
                (exercise, last.1 + 1)
            } else {
                (exercise, 1)
            };
            json!({
                "score": t.points,
                "max_score": t.max_points,
                "status": if t.passed { "passed" } else { "failed" },
                "name": t.name,
                "number": format!("{exercise}.{}", last.1),
                "output": t.output(),
                "output_format": "text",
                "visibility": if t.hidden { "after_published" } else { "visible" },
            })
        })
        .collect();
    let mut output = format!("{}/{} points.", run.points(), run.max_points());
    if !run.subject.flags.is_empty() {
        output.push_str(&format!(
            "\n\nIntegrity flags (not failures: files the grader never uses were changed, the \
             course's own were used, and the points are what the code earned):\n- {}",
            run.subject.flags.join("\n- ")
        ));
    }
    let doc = json!({
        "score": run.points(),
        "execution_time": run.wall.as_secs(),
        "output": output,
        "output_format": "text",
        "tests": tests,
    });
    serde_json::to_string_pretty(&doc).unwrap_or_default()
}
