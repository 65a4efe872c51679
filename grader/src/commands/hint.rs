//! `grader hint EX [CHECK]`: one new hint per call, about what is failing now.
//!
//! The hints come from course.toml: a mistake that failed checks may have its own
//! (`[exercise.cause_hints]`), each check may have its own (`[exercise.check_hints]`), and the
//! exercise has general ones. [`crate::student::hints`] decides the order from the last `check`:
//! the mistakes the failures named, each failing check in turn, then the exercise's. A hint
//! already seen is not repeated unless asked (`--all`), so a student is never walked again through
//! parts that pass; an exercise whose files passed every check gets no more.

use crate::commands::cli::{Ctx, PASSED};
use crate::commands::how::{self, Action, How, Place};
use crate::course::Exercise;
use crate::outln;
use crate::report::human::wrap;
use crate::student::hints::{self, Failure, Source};
use crate::student::progress::{Checked, Entry, Progress};
use crate::student::standing;
use crate::terminal::color::Paint;
use anyhow::{Result, bail};

pub fn run(ctx: &Ctx, name: &str, check: Option<&str>, all: bool) -> Result<u8> {
    let ex = ctx.course.resolve(name)?;
    let p = ctx.paint();
    let mut progress = Progress::load(&ctx.course.root);
    let look = standing::look(&ctx.course, ex, progress.exercises.get(&ex.slug));
    // The hints follow the check of these very files; else the last check, and then they say so
    // (unless the files are the stub again: a fresh start takes the exercise's own hints).
    let last = look
        .current
        .or(look.latest.filter(|_| !look.untouched))
        .cloned()
        .unwrap_or_default();
    let edited = look.current.is_none() && look.latest.is_some() && !look.untouched;
    let passed_now = look.standing().passed();
    if let Some(check) = check {
        known_check(ex, &last, check)?;
    }
    let entry = progress.entry(&ex.slug);
    if !hints::any(ex) {
        outln!(
            "{} has no hints. Its lesson is exercises/{}/README.md.",
            ex.label(),
            ex.dir_name()
        );
        return Ok(PASSED);
    }
    outln!("{}", p.bold(&format!("{}: {}", ex.label(), ex.title)));
    if all {
        show_seen(ex, entry, &last, check, p);
        return Ok(PASSED);
    }
    if passed_now {
        passed(ctx, ex, p);
        return Ok(PASSED);
    }
    if edited {
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
    let plan = match check {
        Some(check) => {
            let message = last.messages.get(check).map(String::as_str);
            hints::plan_for_check(ex, check, message)
        }
        None => hints::plan(ex, &hints::failures(&last)),
    };
    give_next(ex, entry, &last, &plan, check, ctx.place, p);
    progress.save(&ctx.course.root);
    Ok(PASSED)
}

/// Shows the next hint along `plan` and notes it seen, or says that none is left. `last`: the
/// check the hints follow.
fn give_next(
    ex: &Exercise,
    entry: &mut Entry,
    last: &Checked,
    plan: &[Source],
    check: Option<&str>,
    place: Place,
    p: Paint,
) {
    let Some(n) = hints::next(ex, plan, entry) else {
        let what = match check {
            Some(check) => format!("`{check}`"),
            None if last.failing.is_empty() => "this exercise".to_string(),
            None => "the failing checks and this exercise".to_string(),
        };
        let again = match check {
            Some(check) => format!("cargo run -p grader -- hint {:02} {check} --all", ex.number),
            None => format!("cargo run -p grader -- hint {:02} --all", ex.number),
        };
        outln!(
            "You have seen every hint for {what}. {} shows them again.",
            p.bold(&again)
        );
        last_hint_note(p);
        return;
    };
    print_hint(ex, last, &n.source, n.index, p);
    hints::mark_seen(entry, &n.source);
    if hints::next(ex, plan, entry).is_some() {
        outln!("{}", p.dim(&another_hint(place, ex.number)));
    } else {
        last_hint_note(p);
    }
}

/// `hint EX CHECK` names a check that has hints, or one whose last failure named a mistake
/// that has some; anything else is a mistyped name, answered with the names there are.
fn known_check(ex: &Exercise, last: &Checked, check: &str) -> Result<()> {
    let own = ex.check_hints.get(check).is_some_and(|h| !h.is_empty());
    let by_cause = last
        .messages
        .get(check)
        .is_some_and(|m| !hints::causes_named(ex, m).is_empty());
    if own || by_cause {
        return Ok(());
    }
    let mut names: Vec<&str> = ex
        .check_hints
        .iter()
        .filter(|(_, h)| !h.is_empty())
        .map(|(name, _)| name.as_str())
        .collect();
    for failure in hints::failures(last) {
        if !hints::causes_named(ex, failure.message).is_empty() && !names.contains(&failure.check) {
            names.push(failure.check);
        }
    }
    if names.is_empty() {
        bail!(
            "{} has no hints for single checks: `cargo run -p grader -- hint {:02}` gives the \
             exercise's own",
            ex.label(),
            ex.number
        );
    }
    bail!(
        "{} has no check {check:?} with hints. The checks with hints are:\n{}",
        ex.label(),
        names
            .iter()
            .map(|n| format!("  {n}"))
            .collect::<Vec<_>>()
            .join("\n")
    )
}

/// The exercise passed, for the files as they are now: no more hints, and what to do next.
fn passed(ctx: &Ctx, ex: &Exercise, p: Paint) {
    outln!(
        "You have passed {}: your last check, of your files as they are now, passed every check. \
         There are no more hints to give for it ({} repeats the ones you have seen).",
        ex.label(),
        p.bold(&format!(
            "cargo run -p grader -- hint {:02} --all",
            ex.number
        ))
    );
    match standing::next_unfinished(&ctx.course, ex) {
        Some(next) => outln!(
            "Next: {}, {}",
            next.label(),
            ctx.place.how(Action::Check(next.number)).show(p)
        ),
        None => outln!("Every exercise of the course has passed."),
    }
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

/// `hint EX --all` (or `hint EX CHECK --all`): every hint seen so far, the causes' first, then
/// the checks', then the exercise's.
fn show_seen(ex: &Exercise, entry: &Entry, last: &Checked, check: Option<&str>, p: Paint) {
    let sources: Vec<Source> = match check {
        Some(check) => {
            let message = last.messages.get(check).map(String::as_str);
            hints::plan_for_check(ex, check, message)
        }
        None => ex
            .cause_hints
            .keys()
            .map(|id| Source::Cause(id.clone()))
            .chain(ex.check_hints.keys().map(|c| Source::Check(c.clone())))
            .chain([Source::Exercise])
            .collect(),
    };
    let mut shown = 0;
    for source in &sources {
        let of = hints::hints(ex, source).len();
        for i in 0..hints::seen(entry, source).min(of) {
            print_hint(ex, last, source, i, p);
            shown += 1;
        }
    }
    if shown == 0 {
        let first = match check {
            Some(check) => format!("cargo run -p grader -- hint {:02} {check}", ex.number),
            None => format!("cargo run -p grader -- hint {:02}", ex.number),
        };
        outln!("No hints seen yet. {} shows the first.", p.bold(&first));
    }
}

/// A hint's heading: which one of how many, and what it is about.
fn heading(ex: &Exercise, last: &Checked, source: &Source, index: usize) -> String {
    let of = hints::hints(ex, source).len();
    let about = match source {
        Source::Check(check) => format!(" for `{check}`"),
        Source::Exercise => String::new(),
        Source::Cause(id) => {
            // A learner knows the checks, not the maintainer's id for the mistake.
            let named: Vec<Failure> = hints::failures(last)
                .into_iter()
                .filter(|f| hints::causes_named(ex, f.message).contains(&id.as_str()))
                .collect();
            match named.as_slice() {
                [] => format!(" for the mistake `{id}`"),
                [one] => format!(" for what failed `{}`", one.check),
                [one, two] => format!(" for what failed `{}` and `{}`", one.check, two.check),
                [one, two, rest @ ..] => format!(
                    " for what failed `{}`, `{}` and {} more check{}",
                    one.check,
                    two.check,
                    rest.len(),
                    if rest.len() == 1 { "" } else { "s" }
                ),
            }
        }
    };
    format!("Hint {} of {of}{about}: ", index + 1)
}

fn print_hint(ex: &Exercise, last: &Checked, source: &Source, index: usize, p: Paint) {
    let text = &hints::hints(ex, source)[index];
    let head = heading(ex, last, source, index);
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
    use crate::course::CauseHints;

    fn exercise() -> Exercise {
        Exercise {
            number: 11,
            slug: "x".into(),
            title: String::new(),
            hints: vec!["g1".into()],
            check_hints: [("a".to_string(), vec!["a1".to_string()])].into(),
            cause_hints: [(
                "eof".to_string(),
                CauseHints {
                    when: vec!["read exactly that many bytes".into()],
                    hints: vec!["e1".into()],
                },
            )]
            .into(),
            timeout_secs: None,
            hidden_checks: false,
        }
    }

    fn failing(checks: &[&str], message: &str) -> Checked {
        Checked {
            failing: checks.iter().map(ToString::to_string).collect(),
            messages: checks
                .iter()
                .map(|c| (c.to_string(), message.to_string()))
                .collect(),
            ..Checked::default()
        }
    }

    #[test]
    fn a_cause_hint_names_the_checks_it_failed() {
        let ex = exercise();
        let cause = Source::Cause("eof".into());
        let said = "Timed out. With a Content-Length, read exactly that many bytes.";
        let entry = failing(&["a", "b", "c", "d"], said);
        assert_eq!(
            heading(&ex, &entry, &cause, 0),
            "Hint 1 of 1 for what failed `a`, `b` and 2 more checks: "
        );
        let entry = failing(&["a", "b", "c"], said);
        assert_eq!(
            heading(&ex, &entry, &cause, 0),
            "Hint 1 of 1 for what failed `a`, `b` and 1 more check: "
        );
        let entry = failing(&["b"], said);
        assert_eq!(
            heading(&ex, &entry, &cause, 0),
            "Hint 1 of 1 for what failed `b`: "
        );
    }

    #[test]
    fn a_check_is_known_by_its_hints_or_by_a_cause_its_failure_named() {
        let ex = exercise();
        let entry = failing(&["b"], "read exactly that many bytes");
        assert!(known_check(&ex, &entry, "a").is_ok());
        assert!(known_check(&ex, &entry, "b").is_ok());
        let err = known_check(&ex, &entry, "nope").unwrap_err().to_string();
        assert!(err.contains("no check \"nope\" with hints"), "{err}");
        assert!(err.contains("  a\n  b"), "{err}");
        let entry = failing(&["b"], "something else");
        assert!(known_check(&ex, &entry, "b").is_err());
    }
}
