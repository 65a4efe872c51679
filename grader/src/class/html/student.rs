//! `students/NAME.html`: one student's exercises, and of each failing check its whole report,
//! hidden checks included (the instructor's report: `Test::shown_message` withholds nothing
//! here).

use super::{Site, diff, esc, page, pre_head, pre_tail, score_class};
use crate::report::human::unrepeated;
use crate::run::outcome::{CheckResult, ExerciseResult, Kind, Outcome};
use std::fmt::Write;

/// Transcript lines shown under a failure with no expected transcript to diff against.
const SO_FAR: usize = 12;

pub fn render(site: &Site, si: usize) -> String {
    let s = &site.students[si];
    let mut body = String::new();
    let total: u32 = s.results.iter().map(ExerciseResult::points).sum();
    let max: u32 = s.results.iter().filter_map(|r| r.max_points).sum();
    let _ = writeln!(
        body,
        "<h1>{}</h1>\n<p class=\"lede\"><strong>{total}/{max}</strong> points{}. Submission: <code>{}</code>.</p>",
        esc(&s.name),
        s.subject
            .commit
            .as_deref()
            .map(|c| format!(", commit <code>{}</code>", esc(c)))
            .unwrap_or_default(),
        esc(&s.dir.display().to_string())
    );
    if !s.subject.flags.is_empty() {
        body.push_str(
            "<div class=\"flags\" id=\"flags\"><h2>Integrity flags</h2><p>Changed outside the exercise crates: \
             never used, and no score depends on them.</p><ul>",
        );
        for f in &s.subject.flags {
            let _ = write!(body, "<li>{}</li>", esc(f));
        }
        body.push_str("</ul></div>\n");
    }

    // The exercises at a glance.
    body.push_str("<table class=\"exercises\"><thead><tr><th>exercise</th><th class=\"num\">points</th><th>main scenario</th></tr></thead><tbody>\n");
    for (ei, r) in s.results.iter().enumerate() {
        let ex = site.exercises[ei];
        let max = r.max_points.map_or("?".into(), |m| m.to_string());
        let group = match site.group_of(ei, si) {
            Some(k) => {
                let g = &site.groups[ei].0[k];
                let others = g.members.len() - 1;
                format!(
                    "<a href=\"../exercises/{}.html#g{}\">{}{}</a>",
                    ex.dir_name(),
                    k + 1,
                    esc(&g.verdict),
                    match others {
                        0 => " (alone)".to_string(),
                        n => format!(" (with {n} other{})", if n == 1 { "" } else { "s" }),
                    }
                )
            }
            None => String::new(),
        };
        let _ = writeln!(
            body,
            "<tr><td><a href=\"#ex-{}\">{}</a></td><td class=\"num {}\">{}/{max}</td><td>{group}</td></tr>",
            ex.dir_name(),
            esc(&ex.label()),
            score_class(r.points(), r.max_points, r.passed()),
            r.points(),
        );
    }
    body.push_str("</tbody></table>\n");

    for (ei, r) in s.results.iter().enumerate() {
        exercise(&mut body, site, si, ei, r);
    }
    let crumbs = format!(" › {}", esc(&s.name));
    page(&s.name, "../", &crumbs, &body, false)
}

fn exercise(body: &mut String, site: &Site, si: usize, ei: usize, r: &ExerciseResult) {
    let ex = site.exercises[ei];
    let max = r.max_points.map_or("?".into(), |m| m.to_string());
    let _ = writeln!(
        body,
        "<section class=\"exercise\" id=\"ex-{}\">\n<h2>{} <span class=\"dim\">{}</span> <span class=\"score {}\">{}/{max}</span></h2>",
        ex.dir_name(),
        esc(&ex.label()),
        esc(&ex.title),
        score_class(r.points(), r.max_points, r.passed()),
        r.points()
    );
    for note in &r.notes {
        let _ = writeln!(body, "<p class=\"note\">{}</p>", esc(note));
    }
    if !r.tampered.is_empty() {
        let _ = writeln!(
            body,
            "<p class=\"note\">Its code changed the grader's files while its checks ran ({}): they were put back, and every check fails as forged.</p>",
            esc(&r.tampered.join(", "))
        );
    }
    if let Some((kind, message)) = r.build_failure() {
        let _ = writeln!(
            body,
            "<div class=\"check fail\"><h3><span class=\"mark\">✗</span> {}</h3>\n{}</div>",
            esc(kind.heading()),
            pre_head(message, 80, "output")
        );
    }
    warnings(body, r);
    let failing: Vec<&CheckResult> = r.checks.iter().filter(|c| !c.outcome.passed()).collect();
    for c in &failing {
        check(body, site, si, ei, c);
    }
    passing(body, r);
    if let Some(seed) = r.seed.filter(|_| failing.iter().any(|c| c.outcome.seeded)) {
        let _ = writeln!(
            body,
            "<p class=\"dim\">These checks drew their inputs from seed {seed}: <code>grader grade … -e {:02} --seed {seed}</code> draws the same again.</p>",
            ex.number
        );
    }
    body.push_str("</section>\n");
}

/// What rustc warned about the student's code, folded.
fn warnings(body: &mut String, r: &ExerciseResult) {
    if !r.warnings.is_empty() {
        let _ = writeln!(
            body,
            "<details><summary>rustc warns about the student's code ({})</summary>\n{}</details>",
            r.warnings.len(),
            pre_head(
                &r.warnings
                    .iter()
                    .map(|w| w.rendered.as_str())
                    .collect::<Vec<_>>()
                    .join("\n"),
                120,
                "output"
            )
        );
    }
}

/// The passing checks, on one line.
fn passing(body: &mut String, r: &ExerciseResult) {
    let passing: Vec<&CheckResult> = r.checks.iter().filter(|c| c.outcome.passed()).collect();
    if !passing.is_empty() {
        let _ = write!(
            body,
            "<p class=\"passed\"><span class=\"mark\">✓</span> {} passed: ",
            passing.len()
        );
        for (j, c) in passing.iter().enumerate() {
            if j > 0 {
                body.push_str(", ");
            }
            let _ = write!(
                body,
                "<code>{}</code>{} <span class=\"dim\">{}/{}</span>",
                esc(&c.info.name),
                if c.info.hidden { " (hidden)" } else { "" },
                c.points(),
                c.info.points
            );
        }
        body.push_str("</p>\n");
    }
}

/// One failing check's report.
fn check(body: &mut String, site: &Site, si: usize, ei: usize, c: &CheckResult) {
    let ex = site.exercises[ei];
    let o = &c.outcome;
    let kind = o.kind().unwrap_or(Kind::Crashed);
    let _ = writeln!(
        body,
        "<div class=\"check fail\"><h3><span class=\"mark\">✗</span> <code>{}</code>{}{} <span class=\"dim\">0/{}</span> <span class=\"kind\">{}</span></h3>",
        esc(&c.info.name),
        if c.info.hidden {
            " <span class=\"badge\">hidden</span>"
        } else {
            ""
        },
        if c.info.main {
            " <span class=\"badge\">main scenario</span>"
        } else {
            ""
        },
        c.info.points,
        esc(kind.heading_for(c.info.untimed))
    );
    let _ = writeln!(
        body,
        "<p class=\"about\">checks: {}</p>\n<p class=\"message\">{}</p>",
        esc(&c.info.about),
        esc(unrepeated(kind, o.message()))
    );
    what_it_said(body, o);
    panics_and_stderr(body, o, kind);
    // The hints of the mistake its message names first, then its own: what `grader hint EX
    // CHECK` gives.
    let plan = crate::student::hints::plan_for_check(ex, &c.info.name, Some(o.message()));
    let hints: Vec<&String> = plan
        .iter()
        .flat_map(|source| crate::student::hints::hints(ex, source))
        .collect();
    if !hints.is_empty() {
        body.push_str("<details><summary>The hints <code>grader hint</code> gives for this check</summary><ol>");
        for h in hints {
            let _ = write!(body, "<li>{}</li>", esc(h));
        }
        body.push_str("</ol></details>\n");
    }
    if c.info.main
        && let Some(k) = site.group_of(ei, si)
    {
        let _ = writeln!(
            body,
            "<p><a href=\"../exercises/{}.html#g{}\">The picture of this run, and who else printed the same</a>.</p>",
            ex.dir_name(),
            k + 1
        );
    }
    body.push_str("</div>\n");
}

/// A failing check's expected against actual, else what it said (before it stopped).
fn what_it_said(body: &mut String, o: &Outcome) {
    match (&o.expected, &o.actual) {
        (Some(e), Some(a)) => body.push_str(&diff(e, a, 80)),
        _ if !o.transcript.is_empty() => {
            let all = o.transcript.len() as u64 + o.transcript_dropped;
            let _ = writeln!(
                body,
                "<p class=\"dim\">What it said{} ({all} line{}{}):</p>",
                if o.finished { "" } else { " before it stopped" },
                if all == 1 { "" } else { "s" },
                if o.transcript_dropped > 0 {
                    format!(", only the first {} kept", o.transcript.len())
                } else {
                    String::new()
                }
            );
            body.push_str(&pre_tail(&o.transcript.join("\n"), SO_FAR, "transcript"));
        }
        _ => {}
    }
}

/// The panics a failing check's message does not already show, and its stderr.
fn panics_and_stderr(body: &mut String, o: &Outcome, kind: Kind) {
    let panics: Vec<&String> = o
        .panics
        .iter()
        .filter(|p| !o.message().contains(p.as_str()))
        .collect();
    if !panics.is_empty() && kind != Kind::NotImplemented {
        body.push_str("<p class=\"dim\">Panics during this check:</p>\n");
        let text: Vec<&str> = panics.iter().map(|p| p.as_str()).collect();
        body.push_str(&pre_head(&text.join("\n"), 20, "output"));
    }
    if !o.stderr.trim().is_empty() {
        let _ = writeln!(
            body,
            "<details><summary>stderr</summary>\n{}</details>",
            pre_tail(o.stderr.trim_end(), 20, "output")
        );
    }
}
