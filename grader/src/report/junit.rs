//! JUnit XML, as GitLab, Jenkins and CodeGrade read it: one `<testsuite>` per exercise, one
//! `<testcase>` per check, a `<failure>` for a failed check (its type is the verdict kind) and an
//! `<error>` for an exercise whose checks could not be built.
//!
//! JUnit has no visibility: a hidden check is a `<testcase>` named `... (hidden)`, with a
//! `<properties><property name="hidden" value="true"/></properties>` (testcase properties, as
//! pytest and Jenkins write them), and its failure says only its kind (see
//! [`super::Test::shown_message`]).

use super::Run;
use std::fmt::Write;

pub fn render(run: &Run) -> String {
    let tests = run.tests();
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    let failures = tests
        .iter()
        .filter(|t| !t.passed && t.check.is_some())
        .count();
    let errors = tests.iter().filter(|t| t.check.is_none()).count();
    let _ = writeln!(
        out,
        "<testsuites name=\"awaitlings\" tests=\"{}\" failures=\"{failures}\" errors=\"{errors}\" time=\"{:.3}\">",
        tests.len(),
        run.wall.as_secs_f64()
    );
    for r in run.results {
        let mine: Vec<_> = tests
            .iter()
            .filter(|t| std::ptr::eq(t.exercise, r))
            .collect();
        let suite = format!(
            "{}-{}",
            r.exercise.dir_name(),
            run.subject.name.as_deref().unwrap_or("student")
        );
        let _ = writeln!(
            out,
            "  <testsuite name=\"{}\" tests=\"{}\" failures=\"{}\" errors=\"{}\" time=\"{:.3}\">",
            escape(&r.exercise.label()),
            mine.len(),
            mine.iter()
                .filter(|t| !t.passed && t.check.is_some())
                .count(),
            mine.iter().filter(|t| t.check.is_none()).count(),
            mine.iter().map(|t| t.seconds()).sum::<f64>()
        );
        for t in mine {
            let name = match t.check {
                Some(c) if t.hidden => format!("{} (hidden)", c.info.name),
                Some(c) => c.info.name.clone(),
                None => "build".to_string(),
            };
            let _ = write!(
                out,
                "    <testcase classname=\"awaitlings.{}\" name=\"{}\" time=\"{:.3}\"",
                escape(&suite),
                escape(&name),
                t.seconds()
            );
            let properties = if t.hidden {
                "\n      <properties><property name=\"hidden\" value=\"true\"/></properties>"
            } else {
                ""
            };
            if t.passed && !t.hidden {
                out.push_str("/>\n");
                continue;
            }
            if t.passed {
                let _ = writeln!(out, ">{properties}\n    </testcase>");
                continue;
            }
            let tag = if t.check.is_some() {
                "failure"
            } else {
                "error"
            };
            let _ = writeln!(
                out,
                ">{properties}\n      <{tag} type=\"{}\" message=\"{}\">{}</{tag}>\n    </testcase>",
                t.kind.map_or("failed", |k| k.name()),
                escape(t.shown_message().lines().next().unwrap_or_default()),
                escape(&t.shown_output())
            );
        }
        out.push_str("  </testsuite>\n");
    }
    out.push_str("</testsuites>\n");
    out
}

/// Text and attribute values: the five XML entities, and no control character XML 1.0 forbids
/// (a transcript may hold anything a student printed).
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\n' => out.push_str("&#10;"),
            '\t' | '\r' => out.push(' '),
            c if (c as u32) < 0x20 || c == '\u{FFFE}' || c == '\u{FFFF}' => out.push('\u{FFFD}'),
            c => out.push(c),
        }
    }
    out
}
