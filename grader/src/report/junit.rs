//! JUnit XML, as GitLab, Jenkins and CodeGrade read it: one `<testsuite>` per exercise, one
//! `<testcase>` per check, a `<failure>` for a failed check (its type is the verdict kind) and an
//! `<error>` for an exercise whose checks could not be built.
//!
//! Written to what the readers really parse, not to one schema alone:
//! - Jenkins xUnit's schema (jenkinsci/xunit-plugin,
//!   src/main/resources/org/jenkinsci/plugins/xunit/types/model/xsd/junit-10.xsd): `<testsuites>`
//!   takes `name`, `time`, `tests`, `failures`, `errors` (no `skipped`); a `<testcase>` holds
//!   only `skipped`, `error`, `failure`, `system-out`, `system-err` (no `properties`); a
//!   `<testsuite>` may hold `properties`, `testcase`, `system-out`.
//! - Jenkins' JUnit plugin (jenkinsci/junit-plugin, src/main/java/hudson/tasks/junit/
//!   SuiteResult.java and CaseResult.java): suite properties become a map (so each flag's
//!   property has a name of its own), a suite's `time` is used as given, and a test case without
//!   `system-out` of its own shows its suite's.
//! - GitLab (gitlabhq/gitlabhq lib/gitlab/ci/parsers/test/junit.rb; docs.gitlab.com/ci/testing/
//!   unit_test_reports): the suite is the test case's `classname`, a test's output is shown only
//!   for a failed, errored or skipped case (its element's text, then its `system-out`), and an
//!   element's `type` attribute goes through ActiveSupport's typed-XML conversion, so a verdict
//!   kind must never be one of its type names (see the test below).
//!
//! **Flags are not failures**: a submission's integrity flags (files it changed that the grader
//! never uses) are `<property name="awaitlings.flag.N">` of a last suite, `integrity`, in its
//! `<system-out>`, and in one `<testcase name="integrity flags">` marked `<skipped>` (GitLab shows
//! a skipped case's text; Jenkins counts it as neither failed nor passed). No failure or error
//! count changes.
//!
//! Times: a test case's `time` is its check's wall time, a suite's the sum of its cases', and the
//! top level's the sum of the suites' (checks run in parallel, so the run's own wall time is less,
//! and readers that add the suites up would disagree with it). Sums are of whole milliseconds, so
//! the printed values add up exactly.
//!
//! JUnit has no visibility: a hidden check is a `<testcase>` named `... (hidden)`, and its failure
//! says only its kind (see [`super::Test::shown_message`]).

use super::Run;
use std::fmt::Write;

/// Seconds with three decimals, from whole milliseconds.
fn secs(ms: u64) -> String {
    format!("{}.{:03}", ms / 1000, ms % 1000)
}

pub fn render(run: &Run) -> String {
    let tests = run.tests();
    let student = run.subject.name.as_deref().unwrap_or("student");
    let mut suites = String::new();
    let (mut total, mut failures, mut errors, mut time) = (0, 0, 0, 0u64);
    for r in run.results {
        let mine: Vec<_> = tests
            .iter()
            .filter(|t| std::ptr::eq(t.exercise, r))
            .collect();
        let suite = format!("{}-{student}", r.exercise.dir_name());
        let suite_failures = mine
            .iter()
            .filter(|t| !t.passed && t.check.is_some())
            .count();
        let suite_errors = mine.iter().filter(|t| t.check.is_none()).count();
        let suite_time: u64 = mine.iter().map(|t| ms(t)).sum();
        (total, failures, errors, time) = (
            total + mine.len(),
            failures + suite_failures,
            errors + suite_errors,
            time + suite_time,
        );
        let _ = writeln!(
            suites,
            "  <testsuite name=\"{}\" tests=\"{}\" failures=\"{suite_failures}\" errors=\"{suite_errors}\" time=\"{}\">",
            escape(&r.exercise.label()),
            mine.len(),
            secs(suite_time)
        );
        for t in mine {
            testcase(&mut suites, &suite, t);
        }
        suites.push_str("  </testsuite>\n");
    }
    let flags = &run.subject.flags;
    if !flags.is_empty() {
        total += 1;
        integrity_suite(&mut suites, flags, student);
    }
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    let _ = writeln!(
        out,
        "<testsuites name=\"awaitlings\" tests=\"{total}\" failures=\"{failures}\" errors=\"{errors}\" time=\"{}\">",
        secs(time)
    );
    out.push_str(&suites);
    out.push_str("</testsuites>\n");
    out
}

/// A test's time, in whole milliseconds.
fn ms(t: &super::Test) -> u64 {
    (t.seconds() * 1000.0).round().max(0.0) as u64
}

/// One `<testcase>` of the suite named `suite`: with its `<failure>` or `<error>` unless it passed.
fn testcase(suites: &mut String, suite: &str, t: &super::Test) {
    let name = match t.check {
        Some(c) if t.hidden => format!("{} (hidden)", c.info.name),
        Some(c) => c.info.name.clone(),
        None => "build".to_string(),
    };
    let _ = write!(
        suites,
        "    <testcase classname=\"awaitlings.{}\" name=\"{}\" time=\"{}\"",
        escape(suite),
        escape(&name),
        secs(ms(t))
    );
    if t.passed {
        suites.push_str("/>\n");
        return;
    }
    let tag = if t.check.is_some() {
        "failure"
    } else {
        "error"
    };
    // GitLab shows the element's text; never leave it empty (an empty element with
    // attributes would reach GitLab as a hash, not as text).
    let mut body = t.shown_output();
    if body.trim().is_empty() {
        body = t.shown_message();
    }
    let _ = writeln!(
        suites,
        ">\n      <{tag} type=\"{}\" message=\"{}\">{}</{tag}>\n    </testcase>",
        t.kind.map_or("failed", |k| k.name()),
        escape(t.shown_message().lines().next().unwrap_or_default()),
        escape(&body)
    );
}

/// The last suite, `integrity`: the flags as properties, one skipped test case and its output.
fn integrity_suite(suites: &mut String, flags: &[String], student: &str) {
    let listed = flags.join("\n");
    let _ = writeln!(
        suites,
        "  <testsuite name=\"integrity\" tests=\"1\" failures=\"0\" errors=\"0\" skipped=\"1\" time=\"0.000\">"
    );
    suites.push_str("    <properties>\n");
    for (i, flag) in flags.iter().enumerate() {
        let _ = writeln!(
            suites,
            "      <property name=\"awaitlings.flag.{}\" value=\"{}\"/>",
            i + 1,
            escape(flag)
        );
    }
    suites.push_str("    </properties>\n");
    let _ = writeln!(
        suites,
        "    <testcase classname=\"awaitlings.integrity-{}\" name=\"integrity flags\" time=\"0.000\">\n      \
         <skipped message=\"{}\">{}</skipped>\n      <system-out>{}</system-out>\n    </testcase>",
        escape(student),
        escape(&flag_summary(flags.len())),
        escape(&format!("{}\n{listed}", flag_summary(flags.len()))),
        escape(&listed)
    );
    let _ = writeln!(
        suites,
        "    <system-out>{}</system-out>\n  </testsuite>",
        escape(&listed)
    );
}

/// What the integrity test case says: flags are not failures.
fn flag_summary(n: usize) -> String {
    format!(
        "{n} integrity flag(s): files the grader never uses were changed; the course's own were \
         used, and the points are what the code earned"
    )
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

#[cfg(test)]
mod tests {
    use crate::run::outcome::Kind;

    /// GitLab reads JUnit through ActiveSupport's XML conversion, which gives an element whose
    /// `type` attribute names one of its types a meaning of its own (`yaml` and `symbol` are
    /// refused, making the whole report unreadable; `integer`, `file`, `array`... are parsed as
    /// such). A failure's type is the verdict kind's name: none may be one of those.
    #[test]
    fn no_verdict_kind_is_an_activesupport_type_name() {
        const TYPED: [&str; 16] = [
            "symbol",
            "yaml",
            "array",
            "hash",
            "string",
            "integer",
            "float",
            "double",
            "decimal",
            "boolean",
            "date",
            "datetime",
            "dateTime",
            "base64Binary",
            "binary",
            "file",
        ];
        for kind in Kind::ALL {
            assert!(!TYPED.contains(&kind.name()), "{}", kind.name());
        }
        assert!(!TYPED.contains(&"failed"));
    }
}
