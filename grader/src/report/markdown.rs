//! A Markdown summary, for `$GITHUB_STEP_SUMMARY`, a pull request comment or a Codio feedback
//! panel: the score, a table of exercises, and what failed.
//!
//! Markdown has no visibility: a failing hidden check is listed under what failed, named
//! `... (hidden)`, with only its kind of failure (see [`super::Test::shown_message`]).

use super::Run;
use std::fmt::Write;

pub fn render(run: &Run) -> String {
    let mut out = String::new();
    let who = run
        .subject
        .name
        .as_deref()
        .map(|n| format!(" for {}", cell(n)))
        .unwrap_or_default();
    let _ = writeln!(
        out,
        "## awaitlings{who}: {}/{} points\n",
        run.points(),
        run.max_points()
    );
    out.push_str("| Exercise | Points | Result |\n|---|---:|---|\n");
    for r in run.results {
        let result = match r.build_failure() {
            Some((kind, _)) => format!("✗ {}", kind.heading()),
            None if r.passed() => "✓ passed".to_string(),
            None => format!(
                "✗ {} of {} checks failed",
                r.checks.iter().filter(|c| !c.outcome.passed()).count(),
                r.checks.len()
            ),
        };
        let _ = writeln!(
            out,
            "| {} | {}/{} | {result} |",
            cell(&r.exercise.label()),
            r.points(),
            r.max_points.unwrap_or(0)
        );
    }
    let hidden: Vec<String> = run
        .results
        .iter()
        .filter(|r| r.exercise.hidden_checks)
        .map(|r| cell(&r.exercise.label()))
        .collect();
    if !hidden.is_empty() {
        let _ = writeln!(
            out,
            "\nYour instructor grades {} with more checks than these, which you do not have: \
             passing every check here is not a guarantee of full marks.",
            hidden.join(", ")
        );
    }
    let failed: Vec<_> = run.tests().into_iter().filter(|t| !t.passed).collect();
    if !failed.is_empty() {
        out.push_str("\n### What failed\n\n");
        for t in failed {
            let message = t.shown_message();
            let first = message.lines().next().unwrap_or_default();
            let _ = writeln!(out, "- **{}**: {}", cell(&t.shown_name()), cell(first));
        }
    }
    if !run.subject.flags.is_empty() {
        out.push_str("\n### Integrity\n\nChanged files the grader never uses (the course's own were used; they change no points):\n\n");
        for flag in &run.subject.flags {
            let _ = writeln!(out, "- `{}`", flag.replace('`', "'"));
        }
    }
    out
}

/// Text safe inside a table cell and on one line.
fn cell(text: &str) -> String {
    text.replace('|', "\\|").replace(['\n', '\r'], " ")
}
