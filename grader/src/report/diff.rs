//! Transcript diffs: unified, line by line, `-` expected and `+` yours.

use crate::terminal::color::Paint;
use similar::{ChangeTag, TextDiff};

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
        out.push(paint.dim(&match whole {
            Some(command) => format!("  ... {more} more lines (`{command}` shows them all)"),
            None => format!("  ... {more} more lines"),
        }));
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
}
