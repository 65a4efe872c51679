//! Which hint comes next, and how many a failing check has left.
//!
//! course.toml has three kinds of hints: a cause's (`[exercise.cause_hints.ID]`: one mistake,
//! recognised by a phrase of the failure messages, which may fail several checks at once), a
//! check's (`[exercise.check_hints]`) and the exercise's own (`hints`). A hint should answer the
//! mistake the failure named, so `grader hint EX` walks them in this order:
//! 1. the causes the failing checks' messages name, the one named by the most checks first
//!    (on a tie, the one the earliest failing check names, then by id);
//! 2. the failing checks no cause explains, in the order of the last report;
//! 3. the failing checks a cause explains, in that order: their own hints come once the cause's
//!    are seen, since the cause is what failed them;
//! 4. the exercise's own.
//!
//! `grader hint EX CHECK` walks the causes CHECK's last failure names, then CHECK's own hints.
//! Within a source the hints come one at a time, in course.toml's order; a source whose hints
//! have all been seen is passed over.

use crate::course::Exercise;
use crate::student::progress::{Checked, Entry};

/// Where a hint comes from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Source {
    /// A cause's hints, by its id.
    Cause(String),
    /// A check's hints, by the check's name.
    Check(String),
    /// The exercise's own.
    Exercise,
}

/// The next hint to show: its source, its index there, and how many that source has.
#[derive(Debug, PartialEq, Eq)]
pub struct Next {
    pub source: Source,
    pub index: usize,
    pub of: usize,
}

/// A failing check of the last run, and what it said.
#[derive(Clone, Copy, Debug)]
pub struct Failure<'a> {
    pub check: &'a str,
    pub message: &'a str,
}

/// The hints of `source`, in order (none when course.toml has none under that name).
pub fn hints<'e>(ex: &'e Exercise, source: &Source) -> &'e [String] {
    match source {
        Source::Cause(id) => ex.cause_hints.get(id).map_or(&[][..], |c| &c.hints),
        Source::Check(name) => ex.check_hints.get(name).map_or(&[][..], Vec::as_slice),
        Source::Exercise => &ex.hints,
    }
}

/// How many hints of `source` the student has been shown.
pub fn seen(entry: &Entry, source: &Source) -> usize {
    match source {
        Source::Cause(id) => entry.cause_hints_shown.get(id).copied().unwrap_or(0),
        Source::Check(name) => entry.check_hints_shown.get(name).copied().unwrap_or(0),
        Source::Exercise => entry.hints_shown,
    }
}

/// Notes that one more hint of `source` has been shown.
pub fn mark_seen(entry: &mut Entry, source: &Source) {
    match source {
        Source::Cause(id) => *entry.cause_hints_shown.entry(id.clone()).or_default() += 1,
        Source::Check(name) => *entry.check_hints_shown.entry(name.clone()).or_default() += 1,
        Source::Exercise => entry.hints_shown += 1,
    }
}

/// Whether the exercise has any hint at all.
pub fn any(ex: &Exercise) -> bool {
    !ex.hints.is_empty()
        || ex.check_hints.values().any(|h| !h.is_empty())
        || ex.cause_hints.values().any(|c| !c.hints.is_empty())
}

/// The causes with hints that a failure's `message` names, by id.
pub fn causes_named<'e>(ex: &'e Exercise, message: &str) -> Vec<&'e str> {
    ex.cause_hints
        .iter()
        .filter(|(_, cause)| !cause.hints.is_empty() && cause.named_by(message))
        .map(|(id, _)| id.as_str())
        .collect()
}

/// The failing checks of the check `last` (the one the hints follow), in the report's order,
/// with their messages (empty for a progress file older than the messages).
pub fn failures(last: &Checked) -> Vec<Failure<'_>> {
    last.failing
        .iter()
        .map(|check| Failure {
            check,
            message: last.messages.get(check).map_or("", String::as_str),
        })
        .collect()
}

/// The order `hint EX` walks the hints in, for these failures (see the module's doc).
pub fn plan(ex: &Exercise, failures: &[Failure]) -> Vec<Source> {
    // Each cause named: how many failures name it, and the first that does.
    let mut named: Vec<(&str, usize, usize)> = Vec::new();
    for (at, failure) in failures.iter().enumerate() {
        for id in causes_named(ex, failure.message) {
            match named.iter_mut().find(|(cause, ..)| *cause == id) {
                Some(n) => n.1 += 1,
                None => named.push((id, 1, at)),
            }
        }
    }
    // A stable sort: within one failure the causes stay in id order.
    named.sort_by_key(|&(_, count, first)| (std::cmp::Reverse(count), first));
    let (explained, unexplained): (Vec<&Failure>, Vec<&Failure>) = failures
        .iter()
        .filter(|f| ex.check_hints.get(f.check).is_some_and(|h| !h.is_empty()))
        .partition(|f| !causes_named(ex, f.message).is_empty());
    let mut plan: Vec<Source> = named
        .into_iter()
        .map(|(id, ..)| Source::Cause(id.to_string()))
        .collect();
    plan.extend(
        unexplained
            .into_iter()
            .chain(explained)
            .map(|f| Source::Check(f.check.to_string())),
    );
    plan.push(Source::Exercise);
    plan
}

/// The order `hint EX CHECK` walks the hints in: the causes its failure named (`message`, when
/// it failed in the last run), then its own.
pub fn plan_for_check(ex: &Exercise, check: &str, message: Option<&str>) -> Vec<Source> {
    let mut plan: Vec<Source> = message
        .map(|m| causes_named(ex, m))
        .unwrap_or_default()
        .into_iter()
        .map(|id| Source::Cause(id.to_string()))
        .collect();
    plan.push(Source::Check(check.to_string()));
    plan
}

/// The first hint along `plan` that `entry` has not been shown, or `None` when all have been.
pub fn next(ex: &Exercise, plan: &[Source], entry: &Entry) -> Option<Next> {
    plan.iter().find_map(|source| {
        let of = hints(ex, source).len();
        let index = seen(entry, source);
        (index < of).then(|| Next {
            source: source.clone(),
            index,
            of,
        })
    })
}

/// How many hints along `plan` are still unseen, and how many there are in all.
pub fn left(ex: &Exercise, plan: &[Source], entry: &Entry) -> (usize, usize) {
    plan.iter().fold((0, 0), |(left, all), source| {
        let of = hints(ex, source).len();
        (left + of.saturating_sub(seen(entry, source)), all + of)
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::course::CauseHints;

    fn strings(items: &[&str]) -> Vec<String> {
        items.iter().map(ToString::to_string).collect()
    }

    /// Checks a, b and c with hints of their own, and two causes: `zero` (a message saying
    /// "never filled in") and `seven`.
    fn exercise() -> Exercise {
        let cause = |when: &str, hints: &[&str]| CauseHints {
            when: vec![when.to_string()],
            hints: strings(hints),
        };
        Exercise {
            number: 8,
            slug: "x".into(),
            title: String::new(),
            hints: strings(&["g1", "g2"]),
            check_hints: [
                ("a".to_string(), strings(&["a1", "a2"])),
                ("b".to_string(), strings(&["b1"])),
                ("c".to_string(), strings(&["c1", "c2"])),
            ]
            .into(),
            cause_hints: [
                (
                    "zero".to_string(),
                    cause("never  filled\nin", &["z1", "z2"]),
                ),
                ("seven".to_string(), cause("is seven", &["s1"])),
            ]
            .into(),
            timeout_secs: None,
            hidden_checks: false,
        }
    }

    /// Hints seen, none yet, after a check in which `failing` failed with these messages.
    fn entry(failing: &[(&str, &str)]) -> Entry {
        let mut entry = Entry::default();
        entry.record(Checked {
            files: Some("v1".into()),
            failing: failing.iter().map(|(c, _)| c.to_string()).collect(),
            messages: failing
                .iter()
                .map(|(c, m)| (c.to_string(), m.to_string()))
                .collect(),
            ..Checked::default()
        });
        entry
    }

    /// The failures of the check the hints follow in `entry`.
    fn failures_of(entry: &Entry) -> Vec<Failure<'_>> {
        failures(entry.latest().expect("a check"))
    }

    /// Every hint `hint EX` gives, call after call, until none is left.
    fn walk(ex: &Exercise, mut entry: Entry) -> Vec<String> {
        let mut shown = Vec::new();
        loop {
            let plan = plan(ex, &failures_of(&entry));
            let Some(n) = next(ex, &plan, &entry) else {
                return shown;
            };
            shown.push(hints(ex, &n.source)[n.index].clone());
            mark_seen(&mut entry, &n.source);
        }
    }

    #[test]
    fn each_failing_check_gets_its_hints_in_the_order_they_failed_then_the_exercise() {
        let ex = exercise();
        let e = entry(&[("c", "c is 3"), ("no-hints", "x"), ("a", "a is 1")]);
        assert_eq!(walk(&ex, e), ["c1", "c2", "a1", "a2", "g1", "g2"]);
    }

    #[test]
    fn a_check_whose_hints_are_used_up_passes_the_turn_to_the_next() {
        let ex = exercise();
        let mut e = entry(&[("a", "wrong"), ("b", "wrong")]);
        e.check_hints_shown.insert("a".into(), 2);
        let n = next(&ex, &plan(&ex, &failures_of(&e)), &e).unwrap();
        assert_eq!((n.source, n.index, n.of), (Source::Check("b".into()), 0, 1));
    }

    #[test]
    fn the_cause_named_by_the_most_failures_comes_first() {
        let ex = exercise();
        // `a` fails first, with the cause `seven`; `b` and `c` with `zero`, which wins.
        let e = entry(&[
            ("a", "a is seven"),
            ("b", "b was never filled in."),
            ("c", "c was never filled in."),
        ]);
        assert_eq!(
            plan(&ex, &failures_of(&e)),
            [
                Source::Cause("zero".into()),
                Source::Cause("seven".into()),
                Source::Check("a".into()),
                Source::Check("b".into()),
                Source::Check("c".into()),
                Source::Exercise,
            ]
        );
    }

    #[test]
    fn checks_a_cause_explains_come_after_the_others() {
        let ex = exercise();
        let e = entry(&[("a", "a was never filled in"), ("c", "c is 3")]);
        assert_eq!(
            walk(&ex, e),
            ["z1", "z2", "c1", "c2", "a1", "a2", "g1", "g2"]
        );
    }

    #[test]
    fn on_a_tie_the_cause_of_the_earliest_failure_comes_first() {
        let ex = exercise();
        let e = entry(&[("c", "c is seven"), ("a", "a was never filled in")]);
        let plan = plan(&ex, &failures_of(&e));
        assert_eq!(
            plan[..2],
            [Source::Cause("seven".into()), Source::Cause("zero".into())]
        );
    }

    #[test]
    fn a_phrase_matches_whatever_the_blanks() {
        let ex = exercise();
        assert_eq!(
            causes_named(&ex, "the part was never\n    filled in."),
            ["zero"]
        );
        assert!(causes_named(&ex, "never filled").is_empty());
        assert!(causes_named(&ex, "").is_empty());
        // A cause without hints names nothing: there would be nothing to show.
        let mut ex = ex;
        ex.cause_hints.get_mut("zero").unwrap().hints.clear();
        assert!(causes_named(&ex, "never filled in").is_empty());
    }

    #[test]
    fn an_old_progress_file_without_messages_follows_the_checks() {
        let ex = exercise();
        let mut e = entry(&[("b", "")]);
        e.results[0].messages.clear();
        assert_eq!(walk(&ex, e), ["b1", "g1", "g2"]);
    }

    #[test]
    fn one_check_asked_by_name_gets_its_cause_then_its_own_hints() {
        let ex = exercise();
        let mut e = entry(&[("a", "a is seven"), ("b", "b was never filled in")]);
        let plan = plan_for_check(&ex, "b", Some("b was never filled in"));
        assert_eq!(
            plan,
            [Source::Cause("zero".into()), Source::Check("b".into())]
        );
        assert_eq!(left(&ex, &plan, &e), (3, 3));
        let n = next(&ex, &plan, &e).unwrap();
        assert_eq!(n.source, Source::Cause("zero".into()));
        e.cause_hints_shown.insert("zero".into(), 2);
        e.check_hints_shown.insert("b".into(), 1);
        assert_eq!(left(&ex, &plan, &e), (0, 3));
        assert_eq!(next(&ex, &plan, &e), None);
        // A check asked about while it passes: its own hints only.
        assert_eq!(plan_for_check(&ex, "c", None), [Source::Check("c".into())]);
    }

    #[test]
    fn hints_seen_through_one_path_are_not_shown_again_through_another() {
        let ex = exercise();
        let mut e = entry(&[
            ("a", "a was never filled in"),
            ("b", "b was never filled in"),
        ]);
        // `hint 08 b` showed the cause's first hint: `hint 08` goes on with its second.
        e.cause_hints_shown.insert("zero".into(), 1);
        let rest = walk(&ex, e);
        assert_eq!(rest, ["z2", "a1", "a2", "b1", "g1", "g2"]);
    }
}
