//! `run EX CHECK` and `diff EX CHECK`: any check's scenario drawn, not only the main one, and a
//! failing check's report naming the command that draws it. Exercise 35 of the test course has
//! three checks: the main scenario (run() once), `run-twice` (run() twice, half a second apart:
//! lines the main one never says, such as the second round's `tick 3` at 2.400 s) and
//! `run-takes-a-second` (a duration, no line recorded).

use crate::common::*;
use predicates::prelude::*;
use std::path::Path;

/// The texts of an SVG file's `<text>` elements, after checking it is well-formed.
fn svg_texts(path: &Path) -> Vec<String> {
    let svg = std::fs::read_to_string(path).unwrap();
    let doc = roxmltree::Document::parse(&svg).unwrap_or_else(|e| panic!("not XML ({e}):\n{svg}"));
    assert_eq!(doc.root_element().tag_name().name(), "svg");
    doc.descendants()
        .filter(|n| n.has_tag_name("text"))
        .filter_map(|n| n.text())
        .map(str::to_string)
        .collect()
}

/// Exercise 35's tasks one after another, not side by side: `tock` starts when `tick` is done.
fn one_after_another(course: &Path) {
    let lib = course.join("exercises/35-two-tasks/src/lib.rs");
    let text = std::fs::read_to_string(&lib).unwrap();
    let changed = text.replace(
        "    let tick = tokio::spawn(count(\"tick\", 300, 4));\n    let tock = tokio::spawn(count(\"tock\", 500, 3));\n    tick.await.unwrap();\n    tock.await.unwrap();\n",
        "    tokio::spawn(count(\"tick\", 300, 4)).await.unwrap();\n    tokio::spawn(count(\"tock\", 500, 3)).await.unwrap();\n",
    );
    assert_ne!(changed, text, "the mistake is really made");
    std::fs::write(&lib, changed).unwrap();
}

#[test]
fn run_draws_the_check_named_and_says_when_it_records_nothing() {
    let course = course();
    let out = grader(course.path())
        .args(["run", "35", "run-twice"])
        .env("COLUMNS", "100")
        .output()
        .unwrap();
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert_eq!(out.status.code(), Some(0), "{stdout}");
    assert!(stdout.contains("transcript of `run-twice`"), "{stdout}");
    assert!(!stdout.contains("`run-transcript`"), "{stdout}");
    // The second round's lines, in their lanes: the main scenario ends at 1.000 s.
    assert!(
        stdout.contains("    time  main   tick    tock\n"),
        "{stdout}"
    );
    assert!(stdout.contains("  2.400s         tick 3\n"), "{stdout}");
    assert!(
        stdout.contains("  2.500s  end            tock 2\n"),
        "{stdout}"
    );
    assert!(stdout.contains("This check passes."), "{stdout}");

    let file = course.path().join("twice.svg");
    grader(course.path())
        .args(["run", "35", "run-twice", "--svg"])
        .arg(&file)
        .assert()
        .code(0)
        .stdout(predicate::str::contains("twice.svg"));
    let texts = svg_texts(&file);
    for lane in ["main", "tick", "tock"] {
        assert!(
            texts.iter().any(|t| t == lane),
            "no lane {lane:?} in {texts:?}"
        );
    }
    let ticks = texts.iter().filter(|t| *t == "tick 3").count();
    assert_eq!(ticks, 2, "both rounds' `tick 3` are drawn: {texts:?}");
    assert!(
        std::fs::read_to_string(&file)
            .unwrap()
            .contains("run-twice"),
        "the picture is titled with its check"
    );
    // A bare `--svg` draws into the grader's folder of pictures, never among the student's
    // files, and says where.
    let out = grader(course.path())
        .args(["run", "35", "run-twice", "--svg"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let stdout = String::from_utf8_lossy(&out.stdout);
    let drawn = stdout
        .lines()
        .find_map(|l| l.trim().strip_prefix("The picture is in "))
        .and_then(|rest| rest.strip_suffix('.'))
        .unwrap_or_else(|| panic!("no picture named in:\n{stdout}"));
    let drawn = Path::new(drawn);
    assert!(drawn.starts_with(state_dir().join("pictures")), "{stdout}");
    assert!(
        drawn.ends_with("run-35-two-tasks-run-twice.svg"),
        "{stdout}"
    );
    assert!(svg_texts(drawn).iter().any(|t| t == "tick 3"));

    // A check that judges a duration records no line: it says so, and what it checks.
    grader(course.path())
        .args(["run", "35", "run-takes-a-second"])
        .assert()
        .code(0)
        .stdout(predicate::str::contains(
            "(`run-takes-a-second` recorded no line in this run, so there is nothing to draw. \
             What it checks: run() returns after 1 s of virtual time.)",
        ))
        .stdout(predicate::str::contains("finished after").not());
}

#[test]
fn an_unknown_check_is_an_error_that_lists_the_checks() {
    let course = course();
    for command in ["run", "diff"] {
        grader(course.path())
            .args([command, "35", "run-thrice"])
            .assert()
            .code(2)
            .stdout(predicate::str::contains("transcript").not())
            .stderr(predicate::str::contains(
                "35 two-tasks has no check named \"run-thrice\"; its checks are: run-transcript \
                 (the main scenario), run-twice, run-takes-a-second",
            ));
    }
}

/// With its tasks one after another, `run-twice` fails: `diff 35 run-twice` puts it beside the
/// solution's run of the same check, `--svg` draws both, and `check 35` names the command
/// that draws each failing check that recorded lines.
#[test]
fn diff_draws_the_check_named_beside_the_solutions_and_check_names_it() {
    let course = course();
    one_after_another(course.path());
    let out = grader(course.path())
        .args(["diff", "35", "run-twice"])
        .env("COLUMNS", "100")
        .output()
        .unwrap();
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert_eq!(out.status.code(), Some(1), "{stdout}");
    assert!(
        stdout.starts_with("35 two-tasks: `run-twice` ("),
        "the check is named first:\n{stdout}"
    );
    assert!(
        stdout
            .lines()
            .any(|l| l.starts_with("            solution") && l.ends_with("│ yours")),
        "{stdout}"
    );
    assert!(stdout.contains("--- solution\n+++ yours\n"), "{stdout}");
    // The second round, which the main scenario never has: yours ends at 4.300 s.
    assert!(stdout.contains("-   2.500s  end"), "{stdout}");
    assert!(stdout.contains("+   4.300s  end"), "{stdout}");

    let file = course.path().join("diff-twice.svg");
    grader(course.path())
        .args(["diff", "35", "run-twice", "--svg"])
        .arg(&file)
        .assert()
        .code(1);
    let texts = svg_texts(&file);
    for title in ["solution", "yours"] {
        assert!(
            texts.iter().any(|t| t == title),
            "no group {title:?} in {texts:?}"
        );
    }
    assert_eq!(
        texts.iter().filter(|t| *t == "tick 3").count(),
        4,
        "{texts:?}"
    );

    // Nothing to compare where the check records no line: its verdict on your code instead.
    grader(course.path())
        .args(["diff", "35", "run-takes-a-second"])
        .assert()
        .code(1)
        .stdout(predicate::str::contains(
            "(`run-takes-a-second` recorded no line in this run, so there is nothing to draw.",
        ))
        .stdout(predicate::str::contains(
            "✗ your code: wrong timing\n  run() took 1.900 s of virtual time, expected 1.000 s.",
        ));

    let out = grader(course.path())
        .args(["check", "35"])
        .output()
        .unwrap();
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert_eq!(out.status.code(), Some(1), "{stdout}");
    assert!(
        stdout.contains("see it: cargo run -p grader -- run 35 run-twice\n"),
        "{stdout}"
    );
    assert!(
        stdout.contains("see it: cargo run -p grader -- run 35\n"),
        "{stdout}"
    );
    // `run-takes-a-second` fails too, but recorded nothing to draw.
    assert!(stdout.contains("✗ run-takes-a-second"), "{stdout}");
    assert!(!stdout.contains("run 35 run-takes-a-second"), "{stdout}");
}

/// Without a solution to run (as in the student edition), the reference is what the check
/// expected: the lines a failing check expected inline.
#[test]
fn without_a_solution_diff_draws_the_lines_the_check_expected() {
    let course = course();
    one_after_another(course.path());
    std::fs::remove_dir_all(course.path().join("solutions/35-two-tasks")).unwrap();
    let out = grader(course.path())
        .args(["diff", "35", "run-twice", "--plain"])
        .output()
        .unwrap();
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert_eq!(
        out.status.code(),
        Some(1),
        "{stdout}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(stdout.contains("--- expected\n+++ yours\n"), "{stdout}");
    assert!(stdout.contains("+   4.300s  end"), "{stdout}");
}
