//! Transcript diffs: unified, line by line, `-` expected and `+` yours.

use crate::color::Paint;
use similar::{ChangeTag, TextDiff};

/// A unified diff of two transcripts, at most `max_lines` long. Same-instant lines the student
/// printed in another (equally valid) order are put in the expected order first, so only real
/// differences show.
pub fn unified(expected: &str, actual: &str, paint: Paint, max_lines: usize) -> Vec<String> {
    let e: Vec<String> = expected.lines().map(str::to_owned).collect();
    let a: Vec<String> = actual.lines().map(str::to_owned).collect();
    let actual = awaitlings_check::compare::join(&awaitlings_check::compare::aligned(&e, &a));
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
                out.push(match change.tag() {
                    ChangeTag::Delete => paint.red(&format!("- {text}")),
                    ChangeTag::Insert => paint.green(&format!("+ {text}")),
                    ChangeTag::Equal => format!("  {text}"),
                });
            }
        }
    }
    if out.len() > max_lines {
        let more = out.len() - max_lines;
        out.truncate(max_lines);
        out.push(paint.dim(&format!(
            "  ... {more} more lines (`grader diff` shows them all)"
        )));
    }
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
        );
        assert_eq!(d, vec!["    0.000s  a", "-   1.000s  b", "+   2.000s  b"]);
    }

    #[test]
    fn same_instant_reordering_is_not_a_difference() {
        let d = unified(
            "  0.000s  a\n  0.000s  b\n",
            "  0.000s  b\n  0.000s  a\n",
            Paint(false),
            40,
        );
        assert!(d.is_empty(), "{d:?}");
    }
}
