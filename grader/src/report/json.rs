//! The machine-readable report (`--format json`): one JSON document for the whole run.
//!
//! Shape (version 1): `{"version":1, "points", "max_points", "passed", "exercises":[{"number",
//! "slug", "title", "points", "max_points", "passed", "build":{"ok", "kind", "message"}, "checks":
//! [{"name", "about", "main", "untimed", "hidden", "points", "max_points", "passed", "kind", "message", "expected", "actual",
//! "finished", "transcript", "transcript_tasks", "transcript_dropped", "panics", "virtual_ms", "wall_ms", "sandbox", "seeded"}],
//! "notes", "tampered", "seed", "warnings":[{"lint", "rendered"}]}]}`, and for a submission graded with `grade`, its name
//! (`"submission"`), `"commit"` and integrity `"flags"`. Kinds are the protocol's names
//! (`wrong_order`, ...). `hidden` is true for a check of `grader/checks/hidden/<slug>.rs`; this
//! report (the instructor's) keeps all of a hidden check's details.
//!
//! `transcript_tasks` says which task said each line of `transcript`, one entry per line: `n` for
//! the n-th spawned task to say a line, `null` for a line said outside any spawned task; `[]` when
//! no task is known. It was added to version 1 without changing the version: a reader of version
//! 1 that ignores fields it does not know reads it as before, and a document without it (written
//! before it existed) reads back as "no task known". Reading it back is what lets results that
//! `grade` kept, and shards that `merge` reads, draw one lane per task.

use super::Run;
use crate::run::outcome::ExerciseResult;
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
                        "main": c.info.main,
                        "untimed": c.info.untimed,
                        "hidden": c.info.hidden,
                        "points": c.points(),
                        "max_points": c.info.points,
                        "passed": c.outcome.passed(),
                        "kind": c.outcome.kind().map(awaitlings_check::Kind::name),
                        "message": c.outcome.message(),
                        "finished": c.outcome.finished,
                        "expected": c.outcome.expected,
                        "actual": c.outcome.actual,
                        "transcript": c.outcome.transcript,
                        "transcript_tasks": c.outcome.transcript_tasks,
                        "transcript_dropped": c.outcome.transcript_dropped,
                        "panics": c.outcome.panics,
                        "virtual_ms": c.outcome.virtual_ms,
                        "wall_ms": c.outcome.wall_ms,
                        "sandbox": c.outcome.sandbox,
                        "seeded": c.outcome.seeded,
                        "judged": c.outcome.judged.map(|j| json!({"ms": j.ms, "clock": j.clock.name()})),
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
                "tampered": r.tampered,
                "seed": r.seed,
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

/// Reads back one exercise of [`document`] (the grade cache keeps results this way: one
/// definition of how a result is written down). `None` when the value is not such a document.
pub fn exercise_from(
    value: &Value,
    exercise: &crate::course::Exercise,
    variant: crate::build::harness::Variant,
) -> Option<ExerciseResult> {
    use crate::build::harness::Warning;
    let checks = value["checks"]
        .as_array()?
        .iter()
        .map(check_from)
        .collect::<Option<Vec<_>>>()?;
    let warnings = value["warnings"]
        .as_array()?
        .iter()
        .map(|w| {
            Some(Warning {
                lint: text(&w["lint"]),
                rendered: text(&w["rendered"])?,
            })
        })
        .collect::<Option<Vec<_>>>()?;
    Some(ExerciseResult {
        exercise: exercise.clone(),
        variant,
        build: build_from(&value["build"])?,
        notes: strings(&value["notes"])?,
        warnings,
        checks,
        max_points: value["max_points"]
            .as_u64()
            .and_then(|m| u32::try_from(m).ok()),
        reused: true,
        tampered: strings(&value["tampered"]).unwrap_or_default(),
        seed: value["seed"].as_u64(),
    })
}

fn text(v: &Value) -> Option<String> {
    v.as_str().map(str::to_string)
}

fn strings(v: &Value) -> Option<Vec<String>> {
    v.as_array()?.iter().map(text).collect()
}

/// The tasks of a transcript of `lines` lines, read back from `transcript_tasks`: empty (no
/// task known) when the field is absent, as in documents written before it existed, or when it
/// does not give one task or `null` per line.
fn tasks(v: &Value, lines: usize) -> Vec<Option<u32>> {
    let read = v.as_array().and_then(|tasks| {
        tasks
            .iter()
            .map(|t| match t {
                Value::Null => Some(None),
                t => t.as_u64().and_then(|n| u32::try_from(n).ok()).map(Some),
            })
            .collect::<Option<Vec<_>>>()
    });
    read.filter(|t| t.len() == lines).unwrap_or_default()
}

/// The build's outcome, read back from an exercise's `build`.
fn build_from(build: &Value) -> Option<Result<(), crate::build::harness::BuildError>> {
    use crate::build::harness::BuildError;
    use crate::run::outcome::Kind;
    if build["ok"].as_bool()? {
        return Some(Ok(()));
    }
    let message = text(&build["message"])?;
    Some(Err(match Kind::from_name(build["kind"].as_str()?)? {
        Kind::DoesNotCompile => BuildError::DoesNotCompile(message),
        Kind::ChecksDoNotCompile => BuildError::ChecksDoNotCompile(message),
        Kind::BuildTimedOut => BuildError::TimedOut(message),
        _ => BuildError::Broken(message),
    }))
}

/// One check's result, read back from an exercise's `checks`.
fn check_from(c: &Value) -> Option<crate::run::outcome::CheckResult> {
    use crate::run::outcome::{CheckInfo, CheckResult, Kind, Outcome, Verdict};
    let verdict = if c["passed"].as_bool()? {
        Verdict::Passed
    } else {
        Verdict::failed(Kind::from_name(c["kind"].as_str()?)?, text(&c["message"])?)
    };
    let mut outcome = Outcome::failed(Kind::Crashed, "");
    outcome.verdict = verdict;
    outcome.finished = c["finished"].as_bool()?;
    outcome.expected = text(&c["expected"]);
    outcome.actual = text(&c["actual"]);
    outcome.transcript = strings(&c["transcript"])?;
    outcome.transcript_tasks = tasks(&c["transcript_tasks"], outcome.transcript.len());
    outcome.transcript_dropped = c["transcript_dropped"].as_u64()?;
    outcome.panics = strings(&c["panics"])?;
    outcome.virtual_ms = c["virtual_ms"].as_f64();
    outcome.wall_ms = c["wall_ms"].as_f64()?;
    outcome.sandbox = text(&c["sandbox"]).unwrap_or_default();
    outcome.seeded = c["seeded"].as_bool().unwrap_or(false);
    // Absent in results kept before checks said which clock they judge by.
    outcome.judged = c["judged"]["ms"].as_f64().and_then(|ms| {
        Some(crate::run::outcome::Judged {
            ms,
            clock: crate::run::outcome::Clock::from_name(c["judged"]["clock"].as_str()?)?,
        })
    });
    Some(CheckResult {
        info: CheckInfo {
            name: text(&c["name"])?,
            points: u32::try_from(c["max_points"].as_u64()?).ok()?,
            main: c["main"].as_bool()?,
            untimed: c["untimed"].as_bool()?,
            about: text(&c["about"])?,
            // Absent in results kept before hidden checks existed: those were all public.
            hidden: c["hidden"].as_bool().unwrap_or(false),
            // How the check is scheduled, not what it found: not in the report.
            waits: false,
        },
        outcome,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::build::harness::Variant;
    use crate::run::outcome::{CheckInfo, CheckResult, Kind, Outcome, Verdict};

    fn result(transcript: &[&str], tasks: Vec<Option<u32>>) -> ExerciseResult {
        let mut outcome = Outcome::failed(Kind::Crashed, "");
        outcome.verdict = Verdict::Passed;
        outcome.finished = true;
        outcome.transcript = transcript.iter().map(|l| (*l).to_string()).collect();
        outcome.transcript_tasks = tasks;
        ExerciseResult {
            exercise: exercise(),
            variant: Variant::Student,
            build: Ok(()),
            notes: Vec::new(),
            warnings: Vec::new(),
            checks: vec![CheckResult {
                info: CheckInfo {
                    name: "run-transcript".into(),
                    points: 1,
                    main: true,
                    untimed: false,
                    hidden: false,
                    about: "two tasks".into(),
                    waits: false,
                },
                outcome,
            }],
            max_points: Some(1),
            reused: false,
            tampered: Vec::new(),
            seed: Some(7),
        }
    }

    fn exercise() -> crate::course::Exercise {
        crate::course::Exercise {
            title: "Two tasks".into(),
            ..crate::course::Exercise::sample(35, "two-tasks")
        }
    }

    /// Written and read back, a result keeps which task said each line: the reloaded picture
    /// has the same lanes as the one drawn from the run.
    #[test]
    fn a_round_trip_keeps_the_tasks() {
        let lines = [
            "  0.000s  start",
            "  0.000s  tick 0",
            "  0.000s  tock 0",
            "  0.300s  tick 1",
        ];
        let tasks = vec![None, Some(1), Some(2), Some(1)];
        let written = document(&[result(&lines, tasks.clone())]);
        let back = exercise_from(&written["exercises"][0], &exercise(), Variant::Student).unwrap();
        let outcome = &back.checks[0].outcome;
        assert_eq!(outcome.transcript_tasks, tasks);
        let lanes = crate::report::transcript::timeline(outcome).unwrap().lanes;
        assert_eq!(lanes, ["main", "tick", "tock"]);
    }

    /// A document without the field (written before it existed), or with one that does not
    /// match the lines, reads back as "no task known", never as wrong lanes.
    #[test]
    fn tasks_absent_or_not_one_per_line_read_back_as_unknown() {
        let lines = ["  0.000s  a", "  1.000s  b"];
        let mut written = document(&[result(&lines, vec![Some(1), Some(2)])]);
        for tasks in [Value::Null, json!([1]), json!([1, "x"]), json!([1, -2])] {
            written["exercises"][0]["checks"][0]["transcript_tasks"] = tasks;
            let back = exercise_from(&written["exercises"][0], &exercise(), Variant::Student);
            assert_eq!(back.unwrap().checks[0].outcome.transcript_tasks, []);
        }
        let without = written["exercises"][0]["checks"][0]
            .as_object_mut()
            .unwrap()
            .remove("transcript_tasks");
        assert!(without.is_some());
        let back = exercise_from(&written["exercises"][0], &exercise(), Variant::Student);
        assert_eq!(back.unwrap().checks[0].outcome.transcript_tasks, []);
    }
}
