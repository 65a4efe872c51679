//! The machine-readable report (`--format json`): one JSON document for the whole run.
//!
//! Shape (version 1): `{"version":1, "points", "max_points", "passed", "exercises":[{"number",
//! "slug", "title", "points", "max_points", "passed", "build":{"ok", "kind", "message"}, "checks":
//! [{"name", "about", "points", "max_points", "passed", "kind", "message", "expected", "actual",
//! "finished", "transcript", "transcript_dropped", "panics", "virtual_ms", "wall_ms"}], "notes",
//! "warnings":[{"lint", "rendered"}]}]}`, and for a submission graded with `grade`, its name
//! (`"submission"`), `"commit"` and integrity `"flags"`. Kinds are the protocol's names
//! (`wrong_order`, ...).

use super::Run;
use crate::outcome::ExerciseResult;
use serde_json::{Value, json};

/// The whole run, as `--format json` writes it.
pub fn render(run: &Run) -> String {
    let mut doc = document(run.results);
    if let Some(name) = &run.subject.name {
        doc["submission"] = json!(name);
        doc["commit"] = json!(run.subject.commit);
        doc["flags"] = json!(run.subject.flags);
    }
    serde_json::to_string_pretty(&doc).unwrap_or_default()
}

pub fn document(results: &[ExerciseResult]) -> Value {
    let exercises: Vec<Value> = results
        .iter()
        .map(|r| {
            let build = match r.build_failure() {
                None => json!({"ok": true}),
                Some((kind, message)) => {
                    json!({"ok": false, "kind": kind.name(), "message": message})
                }
            };
            let checks: Vec<Value> = r
                .checks
                .iter()
                .map(|c| {
                    json!({
                        "name": c.info.name,
                        "about": c.info.about,
                        "points": c.points(),
                        "max_points": c.info.points,
                        "passed": c.outcome.passed(),
                        "kind": c.outcome.kind().map(|k| k.name()),
                        "message": c.outcome.message(),
                        "finished": c.outcome.finished,
                        "expected": c.outcome.expected,
                        "actual": c.outcome.actual,
                        "transcript": c.outcome.transcript,
                        "transcript_dropped": c.outcome.transcript_dropped,
                        "panics": c.outcome.panics,
                        "virtual_ms": c.outcome.virtual_ms,
                        "wall_ms": c.outcome.wall_ms,
                    })
                })
                .collect();
            json!({
                "number": r.exercise.number,
                "slug": r.exercise.slug,
                "title": r.exercise.title,
                "points": r.points(),
                "max_points": r.max_points,
                "passed": r.passed(),
                "build": build,
                "notes": r.notes,
                "warnings": r.warnings.iter().map(|w| json!({"lint": w.lint, "rendered": w.rendered})).collect::<Vec<_>>(),
                "checks": checks,
            })
        })
        .collect();
    json!({
        "version": 1,
        "points": results.iter().map(ExerciseResult::points).sum::<u32>(),
        "max_points": results.iter().filter_map(|r| r.max_points).sum::<u32>(),
        "passed": results.iter().all(ExerciseResult::passed),
        "exercises": exercises,
    })
}
