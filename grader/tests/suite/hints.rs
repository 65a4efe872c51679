//! `grader hint`, end to end, on the test course's exercises 56 and 57 (grader/checks/parts.rs:
//! four checks, one per part): hints follow every failing check in the order they failed, one
//! check can be asked about by name, a mistake that fails several checks gets its own hints
//! first, a failing check's report counts the hints it has left, and a passed exercise gets no
//! more. Also: no hint of the real course gives a line of a solution's code.

use crate::common::*;
use predicates::prelude::*;
use std::path::Path;

fn hint(course: &Path, args: &[&str]) -> assert_cmd::assert::Assert {
    grader(course).arg("hint").args(args).assert()
}

/// The hint a `hint` call showed: its heading and its text, as printed.
fn shows(heading: &str, text: &str) -> predicates::str::ContainsPredicate {
    predicate::str::contains(format!("{heading}\n  {text}"))
}

#[test]
fn three_failing_checks_each_get_their_own_hints_in_the_order_they_fail() {
    let course = course();
    grader(course.path())
        .args(["check", "56"])
        .assert()
        .code(1)
        // Each failing check says how many hints it has left, and how to ask for them.
        .stdout(predicate::str::contains(
            "2 hints left: cargo run -p grader -- hint 56 part-a",
        ))
        .stdout(predicate::str::contains(
            "2 hints left: cargo run -p grader -- hint 56 part-c",
        ))
        .stdout(predicate::str::contains(
            "1 hint left: cargo run -p grader -- hint 56 part-d",
        ))
        .stdout(predicate::str::contains("hint 56 part-b").not());
    let walk = [
        ("Hint 1 of 2 for `part-a`:", "About part a, first."),
        ("Hint 2 of 2 for `part-a`:", "About part a, second."),
        ("Hint 1 of 2 for `part-c`:", "About part c, first."),
        ("Hint 2 of 2 for `part-c`:", "About part c, second."),
        ("Hint 1 of 1 for `part-d`:", "About part d."),
    ];
    for (heading, text) in walk {
        hint(course.path(), &["56"])
            .code(0)
            .stdout(shows(heading, text))
            // part-b passed: its hint never comes.
            .stdout(predicate::str::contains("part b").not());
    }
    hint(course.path(), &["56"])
        .code(0)
        .stdout(predicate::str::contains("Hint 1 of 1: General hint."));
    hint(course.path(), &["56"])
        .code(0)
        .stdout(predicate::str::contains(
            "You have seen every hint for the failing checks and this exercise.",
        ));
    // Checked again: every hint of a check seen, the report says so.
    grader(course.path())
        .args(["check", "56"])
        .assert()
        .code(1)
        .stdout(predicate::str::contains(
            "you have seen every hint for this check: cargo run -p grader -- hint 56 part-a --all",
        ));
}

#[test]
fn one_check_is_asked_about_by_name() {
    let course = course();
    grader(course.path()).args(["check", "56"]).assert().code(1);
    hint(course.path(), &["56", "part-c"])
        .code(0)
        .stdout(shows("Hint 1 of 2 for `part-c`:", "About part c, first."));
    hint(course.path(), &["56", "part-c"])
        .code(0)
        .stdout(shows("Hint 2 of 2 for `part-c`:", "About part c, second."));
    hint(course.path(), &["56", "part-c"])
        .code(0)
        .stdout(predicate::str::contains(
            "You have seen every hint for `part-c`.",
        ))
        .stdout(predicate::str::contains("About part a").not());
    // `hint 56` goes on from there: part-a's, then part-d's, never part-c's again.
    for text in [
        "About part a, first.",
        "About part a, second.",
        "About part d.",
    ] {
        hint(course.path(), &["56"])
            .code(0)
            .stdout(predicate::str::contains(text))
            .stdout(predicate::str::contains("About part c").not());
    }
    hint(course.path(), &["56", "part-c", "--all"])
        .code(0)
        .stdout(predicate::str::contains("About part c, first."))
        .stdout(predicate::str::contains("About part c, second."))
        .stdout(predicate::str::contains("About part a").not());
    // A name with no hints is a usage error that lists the names there are.
    hint(course.path(), &["56", "part-x"])
        .code(2)
        .stderr(predicate::str::contains(
            "56 three-failures has no check \"part-x\" with hints",
        ))
        .stderr(predicate::str::contains(
            "  part-a\n  part-b\n  part-c\n  part-d",
        ));
}

#[test]
fn a_passed_exercise_gets_no_further_hint() {
    let course = course();
    grader(course.path()).args(["check", "56"]).assert().code(1);
    hint(course.path(), &["56"])
        .code(0)
        .stdout(predicate::str::contains("About part a, first."));
    let lib = course.path().join("exercises/56-three-failures/src/lib.rs");
    let text = std::fs::read_to_string(&lib).unwrap();
    std::fs::write(&lib, text.replace("[9, 2, 9, 9]", "[1, 2, 3, 4]")).unwrap();
    grader(course.path()).args(["check", "56"]).assert().code(0);
    for _ in 0..2 {
        hint(course.path(), &["56"])
            .code(0)
            .stdout(predicate::str::contains(
                "You have passed 56 three-failures",
            ))
            .stdout(predicate::str::contains(
                "Next: 57 one-cause, cargo run -p grader -- check 57",
            ))
            .stdout(predicate::str::contains("Hint ").not());
    }
    hint(course.path(), &["56", "part-c"])
        .code(0)
        .stdout(predicate::str::contains(
            "You have passed 56 three-failures",
        ))
        .stdout(predicate::str::contains("About part c").not());
    // `--all` still shows what was seen, for review.
    hint(course.path(), &["56", "--all"])
        .code(0)
        .stdout(predicate::str::contains("About part a, first."))
        .stdout(predicate::str::contains("About part a, second.").not());
    // Edited after the pass: the pass no longer holds for these files, and hints come again.
    std::fs::write(&lib, text.replace("[9, 2, 9, 9]", "[1, 2, 3, 5]")).unwrap();
    hint(course.path(), &["56"])
        .code(0)
        .stdout(predicate::str::contains("You have edited the exercise"))
        .stdout(predicate::str::contains("Hint 1 of 1: General hint."));
    // Back to the first version: its own check counts again (a result goes with the files it
    // judged), so the hints go on where that check's left off, with no note about edits.
    std::fs::write(&lib, text).unwrap();
    hint(course.path(), &["56"])
        .code(0)
        .stdout(predicate::str::contains("About part a, second."))
        .stdout(predicate::str::contains("You have edited").not());
}

#[test]
fn the_mistake_named_by_the_most_failing_checks_gets_its_hints_first() {
    let course = course();
    grader(course.path())
        .args(["check", "57"])
        .assert()
        .code(1)
        .stdout(predicate::str::contains(
            "A 0 means the part was never filled in.",
        ))
        .stdout(predicate::str::contains(
            "1 hint left: cargo run -p grader -- hint 57 part-a",
        ))
        // part-b's own hint, and the two of the mistake its message names.
        .stdout(predicate::str::contains(
            "3 hints left: cargo run -p grader -- hint 57 part-b",
        ));
    // part-a failed first, but parts b and c failed of one mistake, which comes first; then
    // part-a (which that mistake does not explain), then b and c, then the exercise's.
    let cause = "Hint 1 of 2 for what failed `part-b` and `part-c`:";
    hint(course.path(), &["57"])
        .code(0)
        .stdout(shows(cause, "About parts left at 0, first."));
    hint(course.path(), &["57"]).code(0).stdout(shows(
        "Hint 2 of 2 for what failed `part-b` and `part-c`:",
        "About parts left at 0, second.",
    ));
    for text in [
        "About part a.",
        "About part b.",
        "About part c.",
        "General hint.",
    ] {
        hint(course.path(), &["57"])
            .code(0)
            .stdout(predicate::str::contains(text));
    }
}

#[test]
fn a_check_asked_by_name_gets_the_hints_of_the_mistake_it_failed_of() {
    let course = course();
    grader(course.path()).args(["check", "57"]).assert().code(1);
    hint(course.path(), &["57", "part-c"]).code(0).stdout(shows(
        "Hint 1 of 2 for what failed `part-b` and `part-c`:",
        "About parts left at 0, first.",
    ));
    hint(course.path(), &["57", "part-c"])
        .code(0)
        .stdout(predicate::str::contains("About parts left at 0, second."));
    hint(course.path(), &["57", "part-c"])
        .code(0)
        .stdout(shows("Hint 1 of 1 for `part-c`:", "About part c."));
    // The mistake's hints were seen through part-c: part-b goes straight to its own.
    hint(course.path(), &["57", "part-b"])
        .code(0)
        .stdout(shows("Hint 1 of 1 for `part-b`:", "About part b."));
}

/// A hint leads to the idea; it never hands over the fix. So no hint of the real course holds a
/// line of a solution's code: a distinctive line (at least [`LONG`] characters once blanks are
/// taken out, not a comment, an attribute or a `use`), compared with blanks taken out of both.
#[test]
fn no_hint_gives_a_line_of_a_solution() {
    const LONG: usize = 20;
    let squeezed = |s: &str| s.split_whitespace().collect::<String>();
    let course = grader::course::Course::find(Some(repo().as_path())).unwrap();
    // Each distinct line once, with the first file that has it.
    let mut lines: std::collections::BTreeMap<String, String> = Default::default();
    for dir in std::fs::read_dir(repo().join("solutions")).unwrap() {
        let src = dir.unwrap().path().join("src");
        for file in std::fs::read_dir(&src).unwrap() {
            let path = file.unwrap().path();
            if path.extension().is_none_or(|e| e != "rs") {
                continue;
            }
            for line in std::fs::read_to_string(&path).unwrap().lines() {
                let line = line.trim();
                let code = squeezed(line);
                let skip = ["//", "#", "use ", "mod ", "pub mod "];
                if code.chars().count() >= LONG && !skip.iter().any(|s| line.starts_with(s)) {
                    let file = path.strip_prefix(repo()).unwrap_or(&path).display();
                    lines
                        .entry(code)
                        .or_insert_with(|| format!("{file}: {line}"));
                }
            }
        }
    }
    assert!(
        lines.len() > 100,
        "too few solution lines read: {}",
        lines.len()
    );
    let mut given = Vec::new();
    for ex in &course.exercises {
        let all = ex
            .hints
            .iter()
            .map(|h| ("hints".to_string(), h))
            .chain(ex.check_hints.iter().flat_map(|(check, hs)| {
                hs.iter().map(move |h| (format!("check_hints.{check}"), h))
            }))
            .chain(ex.cause_hints.iter().flat_map(|(id, cause)| {
                cause
                    .hints
                    .iter()
                    .map(move |h| (format!("cause_hints.{id}"), h))
            }));
        for (source, text) in all {
            let text = squeezed(text);
            for (code, whence) in &lines {
                if text.contains(code.as_str()) {
                    given.push(format!("{} {source}: {whence}", ex.label()));
                }
            }
        }
    }
    assert!(
        given.is_empty(),
        "hints that give a solution's code (lead to the idea instead):\n{}",
        given.join("\n")
    );
}
