//! Transcript diffs: unified, line by line, `-` expected and `+` yours.
//!
//! Lines stamped with one instant come in an order tokio does not promise, and the checks judge
//! them as a set (`awaitlings_check::compare`: consecutive lines with one timestamp are a group,
//! an untimed line a group of its own). So before diffing, both sides are put in one order
//! within each instant ([`normalised`]): a reordering alone is never shown as a difference, and
//! what differs at an instant shows as just the lines that differ.

use crate::terminal::color::Paint;
use awaitlings_check::compare::parse;
use similar::{ChangeTag, TextDiff};
use std::collections::HashMap;

/// A unified diff of two transcripts, at most `max_lines` long; a longer one ends with how many
/// lines were left out and `whole`, the command that shows them all, when there is one. Same-instant
/// lines the student printed in another (equally valid) order are put in the expected order first,
/// so only real differences show.
pub fn unified(
    expected: &str,
    actual: &str,
    paint: Paint,
    max_lines: usize,
    whole: Option<&str>,
) -> Vec<String> {
    folded(expected, actual, paint, max_lines, whole, usize::MAX)
}

/// [`unified`], each line of it at most `width` columns: a longer one goes on under its own text
/// (its timestamp's width in), on lines with the same sign.
pub fn folded(
    expected: &str,
    actual: &str,
    paint: Paint,
    max_lines: usize,
    whole: Option<&str>,
    width: usize,
) -> Vec<String> {
    let e: Vec<String> = expected.lines().map(str::to_owned).collect();
    let a: Vec<String> = actual.lines().map(str::to_owned).collect();
    let (e, a) = normalised(&e, &a);
    let actual = awaitlings_check::compare::join(&a);
    let expected = awaitlings_check::compare::join(&e);
    let diff = TextDiff::from_lines(&expected, &actual);
    let mut out = Vec::new();
    for group in diff.grouped_ops(2) {
        if !out.is_empty() {
            out.push(paint.dim("  ..."));
        }
        for op in group {
            for change in diff.iter_changes(&op) {
                let text = change.value().trim_end_matches('\n');
                for piece in fold(text, width.saturating_sub(2)) {
                    out.push(match change.tag() {
                        ChangeTag::Delete => paint.red(&format!("- {piece}")),
                        ChangeTag::Insert => paint.green(&format!("+ {piece}")),
                        ChangeTag::Equal => format!("  {piece}"),
                    });
                }
            }
        }
    }
    if out.len() > max_lines {
        let more = out.len() - max_lines;
        out.truncate(max_lines);
        out.push(paint.dim(&match whole {
            Some(command) => format!("  ... {more} more lines (`{command}` shows them all)"),
            None => format!("  ... {more} more lines"),
        }));
    }
    out
}

/// `text` in pieces of at most `room` characters (at least 20): the first as it starts, the
/// others indented to where the text after its timestamp starts, so they read as one line.
fn fold(text: &str, room: usize) -> Vec<String> {
    let room = room.max(20);
    let chars: Vec<char> = text.chars().collect();
    if chars.len() <= room {
        return vec![text.to_string()];
    }
    let indent = match parse(text).at {
        Some(_) => text.len() - parse(text).text.len(),
        None => 0,
    }
    .min(room / 2);
    let mut pieces = vec![chars[..room].iter().collect::<String>()];
    for chunk in chars[room..].chunks(room - indent) {
        pieces.push(format!(
            "{}{}",
            " ".repeat(indent),
            chunk.iter().collect::<String>()
        ));
    }
    pieces
}

/// Both transcripts with the lines of each instant in one order: `expected` as it is, and each
/// instant of `actual` in the order the same instant of `expected` has (matched by timestamp,
/// the first group at a timestamp with the first), its lines that `expected` also says there
/// first, in `expected`'s order, then the others, in their own. Lines are never moved from one
/// instant to another, so every difference a check would judge still shows.
pub fn normalised(expected: &[String], actual: &[String]) -> (Vec<String>, Vec<String>) {
    let expected_groups = groups(expected);
    let mut by_stamp: HashMap<&str, Vec<&[String]>> = HashMap::new();
    for group in &expected_groups {
        if let Some(at) = parse(&group[0]).at {
            by_stamp.entry(at).or_default().push(group);
        }
    }
    let mut seen: HashMap<&str, usize> = HashMap::new();
    let mut shown = Vec::with_capacity(actual.len());
    for group in groups(actual) {
        let Some(at) = parse(&group[0]).at else {
            shown.extend_from_slice(group);
            continue;
        };
        let nth = seen.entry(at).or_default();
        let want = by_stamp.get(at).and_then(|g| g.get(*nth)).copied();
        *nth += 1;
        shown.extend(in_order_of(group, want.unwrap_or_default()));
    }
    (expected.to_vec(), shown)
}

/// `lines` with each instant's lines sorted: one form for every order of them, for telling
/// whether two transcripts differ as the checks judge them (the class report groups students
/// by it).
pub fn canonical(lines: &[String]) -> Vec<String> {
    groups(lines)
        .into_iter()
        .flat_map(|group| {
            let mut group = group.to_vec();
            group.sort();
            group
        })
        .collect()
}

/// Consecutive lines sharing a timestamp, as the checks group them; each untimed line is a
/// group of its own.
fn groups(lines: &[String]) -> Vec<&[String]> {
    let mut out = Vec::new();
    let mut start = 0;
    for i in 1..=lines.len() {
        let at = |j: usize| parse(&lines[j]).at;
        if i == lines.len() || at(i).is_none() || at(i) != at(start) {
            out.push(&lines[start..i]);
            start = i;
        }
    }
    out
}

/// `group`'s lines, those `want` holds first (in `want`'s order), then the rest (in their own).
fn in_order_of(group: &[String], want: &[String]) -> Vec<String> {
    let mut left: Vec<Option<&String>> = group.iter().map(Some).collect();
    let mut out = Vec::with_capacity(group.len());
    for line in want {
        if let Some(slot) = left.iter_mut().find(|l| **l == Some(line)) {
            out.extend(slot.take().cloned());
        }
    }
    out.extend(left.into_iter().flatten().cloned());
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shows_removed_and_added_lines() {
        let d = unified(
            "  0.000s  a\n  1.000s  b\n",
            "  0.000s  a\n  2.000s  b\n",
            Paint(false),
            40,
            None,
        );
        assert_eq!(d, vec!["    0.000s  a", "-   1.000s  b", "+   2.000s  b"]);
    }

    #[test]
    fn a_cut_diff_names_a_command_that_runs_as_written() {
        let many: String = (0..50).map(|i| format!("  {i}.000s  x\n")).collect();
        let d = unified(
            "",
            &many,
            Paint(false),
            10,
            Some("cargo run -p grader -- diff 03"),
        );
        assert_eq!(d.len(), 11);
        assert_eq!(
            d[10],
            "  ... 40 more lines (`cargo run -p grader -- diff 03` shows them all)"
        );
    }

    #[test]
    fn same_instant_reordering_is_not_a_difference() {
        let d = unified(
            "  0.000s  a\n  0.000s  b\n",
            "  0.000s  b\n  0.000s  a\n",
            Paint(false),
            40,
            None,
        );
        assert!(d.is_empty(), "{d:?}");
    }

    fn lines(text: &str) -> Vec<String> {
        text.lines().map(str::to_string).collect()
    }

    /// Exercise 12's scene: three people hear each line at one instant, in any order.
    const CHAT: &str = "  0.000s  ann connects\n  4.000s  cy connects\n  4.000s  bob hears `* cy joined`\n\
        \x20 4.000s  ann hears `* cy joined`\n  5.000s  cy sends `hello, both`\n\
        \x20 5.000s  bob hears `cy: hello, both`\n  5.000s  ann hears `cy: hello, both`\n";

    #[test]
    fn no_order_within_an_instant_is_ever_a_difference() {
        let e = lines(CHAT);
        // Every order of each instant's lines, as the runtime may wake the tasks.
        let mut a = e.clone();
        a.swap(1, 3);
        a.swap(4, 6);
        a.swap(5, 6);
        assert!(awaitlings_check::compare::matches(&e, &a));
        let d = unified(
            CHAT,
            &awaitlings_check::compare::join(&a),
            Paint(false),
            40,
            None,
        );
        assert!(d.is_empty(), "{d:?}");
        // Normalising is symmetric in what it finds: the other way round, no difference either.
        let d = unified(
            &awaitlings_check::compare::join(&a),
            CHAT,
            Paint(false),
            40,
            None,
        );
        assert!(d.is_empty(), "{d:?}");
    }

    #[test]
    fn at_an_instant_that_differs_only_the_lines_that_differ_show() {
        // An earlier instant is missing (so instants no longer pair up by position), and at
        // 5.000 s one listener heard something else, in another order.
        let e = lines(CHAT);
        let a = lines(
            "  4.000s  ann hears `* cy joined`\n  4.000s  bob hears `* cy joined`\n\
             \x20 4.000s  cy connects\n  5.000s  ann hears `cy: hello, both`\n\
             \x20 5.000s  bob hears `cy: hello`\n  5.000s  cy sends `hello, both`\n",
        );
        let d = unified(
            &awaitlings_check::compare::join(&e),
            &awaitlings_check::compare::join(&a),
            Paint(false),
            40,
            None,
        );
        let changed: Vec<&String> = d.iter().filter(|l| !l.starts_with("  ")).collect();
        assert_eq!(
            changed,
            [
                "-   0.000s  ann connects",
                "-   5.000s  bob hears `cy: hello, both`",
                "+   5.000s  bob hears `cy: hello`",
            ],
            "{d:#?}"
        );
    }

    #[test]
    fn lines_never_move_between_instants_and_untimed_lines_keep_their_place() {
        let e = lines("  1.000s  a\n  1.000s  b\npoll 1\npoll 2\n  2.000s  c");
        let a = lines("  1.000s  b\npoll 2\npoll 1\n  1.000s  a\n  2.000s  c");
        let (_, shown) = normalised(&e, &a);
        assert_eq!(
            shown,
            lines("  1.000s  b\npoll 2\npoll 1\n  1.000s  a\n  2.000s  c"),
            "the second run of 1.000 s lines pairs with the expected second one (none)"
        );
        // Two groups at one timestamp pair up in turn.
        let e = lines("  1.000s  a\n  1.000s  b\nx\n  1.000s  c\n  1.000s  d");
        let a = lines("  1.000s  b\n  1.000s  a\nx\n  1.000s  d\n  1.000s  c");
        assert_eq!(normalised(&e, &a).1, e);
    }

    #[test]
    fn long_lines_fold_under_their_own_text() {
        let long = format!("  0.800s  haiku.txt: {}", "x".repeat(150));
        let d = folded("", &format!("{long}\n"), Paint(false), 40, None, 60);
        assert!(d.iter().all(|l| l.chars().count() <= 60), "{d:#?}");
        assert!(d.iter().all(|l| l.starts_with("+ ")), "{d:#?}");
        assert!(d[1].starts_with("+           x"), "{d:#?}");
        let joined: String = d
            .iter()
            .enumerate()
            .map(|(i, l)| if i == 0 { &l[2..] } else { &l[12..] })
            .collect();
        assert_eq!(joined, long);
    }

    #[test]
    fn the_canonical_form_is_the_same_for_every_order_within_an_instant() {
        let e = lines(CHAT);
        let mut a = e.clone();
        a.swap(1, 3);
        a.swap(4, 6);
        assert_eq!(canonical(&a), canonical(&e));
        // Untimed lines keep their order: it is judged.
        let untimed = lines("poll 2\npoll 1");
        assert_eq!(canonical(&untimed), untimed);
        // Another instant is another transcript.
        let mut later = e.clone();
        later[6] = "  6.000s  ann hears `cy: hello, both`".to_string();
        assert_ne!(canonical(&later), canonical(&e));
    }
}
