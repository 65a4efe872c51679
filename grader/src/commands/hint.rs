//! `grader hint EX`: one new hint per call, about what is failing now.
//!
//! The hints come from course.toml: each check may have its own (`[exercise.check_hints]`), and
//! the exercise has general ones. A call shows the next unseen hint of the first check that failed
//! in the check of the files as they are now (else in the last check), then the exercise's own; a
//! hint already seen is not repeated unless asked (`--all`), so a student stuck on one check is
//! never walked again through parts that pass.

use crate::commands::cli::{Ctx, PASSED};
use crate::commands::how::{self, Action, How, Place};
use crate::course::Exercise;
use crate::outln;
use crate::report::human::wrap;
use crate::student::progress::{Entry, Progress};
use crate::student::standing;
use crate::terminal::color::Paint;
use anyhow::Result;

/// Where a hint comes from: one check's list, or the exercise's own.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Source {
    Check(String),
    Exercise,
}

/// The next hint to show: its source, its index there, and how many that source has.
#[derive(Debug, PartialEq, Eq)]
struct Next {
    source: Source,
    index: usize,
    of: usize,
}

/// The check the hints follow: the first of `failing` (in the report's order) that has hints.
fn focus<'a>(ex: &'a Exercise, failing: &[String]) -> Option<&'a str> {
    failing
        .iter()
        .find_map(|name| ex.check_hints.get_key_value(name).map(|(k, _)| k.as_str()))
}

/// The hint `hint EX` shows now, given the checks `failing`, or `None` when every hint in order
/// has been seen.
fn next(ex: &Exercise, entry: &Entry, failing: &[String]) -> Option<Next> {
    if let Some(check) = focus(ex, failing) {
        let of = ex.check_hints[check].len();
        let seen = entry.check_hints_shown.get(check).copied().unwrap_or(0);
        if seen < of {
            return Some(Next {
                source: Source::Check(check.to_string()),
                index: seen,
                of,
            });
        }
    }
    (entry.hints_shown < ex.hints.len()).then_some(Next {
        source: Source::Exercise,
        index: entry.hints_shown,
        of: ex.hints.len(),
    })
}

pub fn run(ctx: &Ctx, name: &str, all: bool) -> Result<u8> {
    let ex = ctx.course.resolve(name)?;
    let p = ctx.paint();
    let has_any = !ex.hints.is_empty() || ex.check_hints.values().any(|h| !h.is_empty());
    if !has_any {
        outln!(
            "{} has no hints. Its lesson is exercises/{}/README.md.",
            ex.label(),
            ex.dir_name()
        );
        return Ok(PASSED);
    }
    let mut progress = Progress::load(&ctx.course.root);
    outln!("{}", p.bold(&format!("{}: {}", ex.label(), ex.title)));
    if all {
        show_seen(ex, progress.entry(&ex.slug), p);
        return Ok(PASSED);
    }
    let look = standing::look(&ctx.course, ex, progress.exercises.get(&ex.slug));
    // The hints follow the check of these very files; else the last check, and then they say so
    // (unless the files are the stub again: a fresh start takes the exercise's own hints).
    let followed = look.current.or(look.latest.filter(|_| !look.untouched));
    let failing = followed.map(|r| r.failing.clone()).unwrap_or_default();
    if look.current.is_none() && look.latest.is_some() && !look.untouched {
        let again = match ctx.place.how(Action::Check(ex.number)) {
            How::Key(k) => format!("press {k} to check it again"),
            How::Command(c) => format!("`{c}` brings them up to date"),
        };
        outln!(
            "{}",
            p.dim(&format!(
                "(You have edited the exercise since its last check, and these hints follow that \
                 check: {again}.)"
            ))
        );
    }
    let entry = progress.entry(&ex.slug);
    match next(ex, entry, &failing) {
        Some(n) => {
            match &n.source {
                Source::Check(check) => {
                    *entry.check_hints_shown.entry(check.clone()).or_default() += 1;
                }
                Source::Exercise => entry.hints_shown += 1,
            }
            print_hint(ex, &n.source, n.index, n.of, p);
            let more = next(ex, entry, &failing).is_some();
            progress.save(&ctx.course.root);
            if more {
                outln!("{}", p.dim(&another_hint(ctx.place, ex.number)));
            } else {
                last_hint_note(p);
            }
        }
        None => {
            outln!(
                "You have seen every hint for {}{}. {} shows them again.",
                match focus(ex, &failing) {
                    Some(check) => format!("the failing check `{check}` and "),
                    None => String::new(),
                },
                "this exercise",
                p.bold(&format!(
                    "cargo run -p grader -- hint {:02} --all",
                    ex.number
                ))
            );
            last_hint_note(p);
        }
    }
    Ok(PASSED)
}

/// How to get the next hint, and the ones seen (watch has a key for the first only).
fn another_hint(place: Place, number: u32) -> String {
    match place.how(Action::Hint(number)) {
        How::Key(k) => format!(
            "Press {k} again for another hint; `{}` repeats the ones you have seen.",
            how::command(Action::HintAll(number))
        ),
        How::Command(_) => {
            "Run the same command again for another hint; `--all` repeats the ones you have seen."
                .to_string()
        }
    }
}

fn last_hint_note(p: Paint) {
    outln!(
        "{}",
        p.dim("That was the last hint. The lesson is in the exercise's README.md; the reference solution is in solutions/, for when you are truly stuck.")
    );
}

/// `hint EX --all`: every hint seen so far, the checks' first, then the exercise's.
fn show_seen(ex: &Exercise, entry: &Entry, p: Paint) {
    let mut shown = 0;
    for (check, hints) in &ex.check_hints {
        let seen = entry.check_hints_shown.get(check).copied().unwrap_or(0);
        for i in 0..seen.min(hints.len()) {
            print_hint(ex, &Source::Check(check.clone()), i, hints.len(), p);
            shown += 1;
        }
    }
    for i in 0..entry.hints_shown.min(ex.hints.len()) {
        print_hint(ex, &Source::Exercise, i, ex.hints.len(), p);
        shown += 1;
    }
    if shown == 0 {
        outln!(
            "No hints seen yet. {} shows the first.",
            p.bold(&format!("cargo run -p grader -- hint {:02}", ex.number))
        );
    }
}

fn print_hint(ex: &Exercise, source: &Source, index: usize, of: usize, p: Paint) {
    let (text, head) = match source {
        Source::Check(check) => (
            &ex.check_hints[check][index],
            format!("Hint {} of {of} for `{check}`: ", index + 1),
        ),
        Source::Exercise => (&ex.hints[index], format!("Hint {} of {of}: ", index + 1)),
    };
    // A short heading leads the text's first line, and the rest is indented under the text; a
    // check's name makes a heading too wide for that, so it gets a line of its own.
    let width = head.chars().count();
    if width > 24 {
        outln!("{}", p.bold(head.trim_end()));
        for line in wrap(text, 88) {
            outln!("  {line}");
        }
        return;
    }
    for (j, line) in wrap(text, 88).iter().enumerate() {
        if j == 0 {
            outln!("{}{line}", p.bold(&head));
        } else {
            outln!("{}{line}", " ".repeat(width));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn exercise() -> Exercise {
        Exercise {
            number: 3,
            slug: "x".into(),
            title: String::new(),
            hints: vec!["g1".into(), "g2".into()],
            check_hints: [
                ("a".to_string(), vec!["a1".to_string(), "a2".to_string()]),
                ("b".to_string(), vec!["b1".to_string()]),
            ]
            .into(),
            timeout_secs: None,
            hidden_checks: false,
        }
    }

    #[test]
    fn hints_follow_the_first_failing_check_that_has_any() {
        let ex = exercise();
        let failing = ["no-hints".to_string(), "b".into(), "a".into()];
        let mut entry = Entry::default();
        let n = next(&ex, &entry, &failing).unwrap();
        assert_eq!((n.source, n.index, n.of), (Source::Check("b".into()), 0, 1));
        entry.check_hints_shown.insert("b".into(), 1);
        // b's hints are used up: the exercise's own come next, not another check's.
        let n = next(&ex, &entry, &failing).unwrap();
        assert_eq!((n.source, n.index), (Source::Exercise, 0));
        entry.hints_shown = 2;
        assert_eq!(next(&ex, &entry, &failing), None);
    }

    #[test]
    fn without_a_failing_check_the_exercise_hints_come_in_order() {
        let ex = exercise();
        let entry = Entry {
            hints_shown: 1,
            ..Entry::default()
        };
        let n = next(&ex, &entry, &[]).unwrap();
        assert_eq!((n.source, n.index, n.of), (Source::Exercise, 1, 2));
    }
}
