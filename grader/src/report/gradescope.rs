//! Gradescope's `results.json` (what `run_autograder` writes to /autograder/results/):
//! `{"score", "execution_time", "output", "tests":[{"score", "max_score", "status", "name",
//! "number", "output", "visibility"}]}`, status `passed` or `failed`.
//!
//! A hidden check's test has `"visibility": "after_published"`: Gradescope shows it (with its
//! whole output) only once the instructor publishes the grades; every other test is `visible`.

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
                "visibility": if t.hidden { "after_published" } else { "visible" },
            })
        })
        .collect();
    let mut output = format!("{}/{} points.", run.points(), run.max_points());
    if !run.subject.flags.is_empty() {
        output.push_str(&format!(
            " Files the grader never uses were changed (graded with the course's own): {}",
            run.subject.flags.join(", ")
        ));
    }
    let doc = json!({
        "score": run.points(),
        "execution_time": run.wall.as_secs(),
        "output": output,
        "tests": tests,
    });
    serde_json::to_string_pretty(&doc).unwrap_or_default()
}
