//! The pictures of `run` and `diff` keep what matters: off a terminal no cell is cut, labels of
//! the SVG never overlap and each task is a bar, and lines of one instant in another order are
//! never shown as a difference, in `check`'s report or in `diff`.

use crate::common::*;
use predicates::prelude::*;
use std::path::Path;

/// Exercise 35's two tasks, the one named `first` (tick or tock) spawned first, so that its
/// lines come first at each instant both say something; `extra` said right after `start`. With
/// no `extra`, they say long lines (`tick 0 of a long run, ...`).
fn long_lines(course: &Path, first: &str, extra: &str) {
    let second = if first == "tick" { "tock" } else { "tick" };
    std::fs::write(
        course.join("exercises/35-two-tasks/src/lib.rs"),
        format!(
            "use awaitlings::say;\n\
             use std::time::Duration;\n\
             async fn count(name: &'static str, step_ms: u64, times: u32, words: &'static str) {{\n\
             \x20   for i in 0..times {{\n\
             \x20       if i > 0 {{\n\
             \x20           tokio::time::sleep(Duration::from_millis(step_ms)).await;\n\
             \x20       }}\n\
             \x20       say!(\"{{name}} {{i}}{{words}}\");\n\
             \x20   }}\n\
             }}\n\
             pub async fn run() {{\n\
             \x20   say!(\"start\");\n\
             {extra}\
             \x20   let a = tokio::spawn(count(\"{first}\", {a}, {an}, \"{words}\"));\n\
             \x20   let b = tokio::spawn(count(\"{second}\", {b}, {bn}, \"{words}\"));\n\
             \x20   a.await.unwrap();\n\
             \x20   b.await.unwrap();\n\
             \x20   say!(\"end\");\n\
             }}\n",
            a = if first == "tick" { 300 } else { 500 },
            an = if first == "tick" { 4 } else { 3 },
            b = if first == "tick" { 500 } else { 300 },
            bn = if first == "tick" { 3 } else { 4 },
            words = if extra.is_empty() {
                " of a long run, which goes on and on (every few hundred ms)"
            } else {
                ""
            },
        ),
    )
    .unwrap();
}

/// Off a terminal (a file, a pipe: here, the test's pipe) and with no width asked for, the
/// picture keeps every cell whole; a width asked for (`COLUMNS`) cuts them to it.
#[test]
fn off_a_terminal_the_picture_keeps_whole_cells() {
    let course = course();
    long_lines(course.path(), "tick", "");
    let whole = grader(course.path())
        .args(["run", "35"])
        .env_remove("COLUMNS")
        .output()
        .unwrap();
    let stdout = String::from_utf8(whole.stdout).unwrap();
    assert!(
        stdout.contains("tick 3 of a long run, which goes on and on (every few hundred ms)"),
        "{stdout}"
    );
    assert!(stdout.contains("tock 2 of a long run"), "{stdout}");
    assert!(!stdout.contains('…'), "{stdout}");
    assert!(
        stdout.contains("    time  main"),
        "a picture, not a list:\n{stdout}"
    );

    let cut = grader(course.path())
        .args(["run", "35"])
        .env("COLUMNS", "80")
        .output()
        .unwrap();
    let stdout = String::from_utf8(cut.stdout).unwrap();
    assert!(stdout.contains('…'), "{stdout}");
    let table: Vec<&str> = stdout.lines().filter(|l| l.starts_with("  0.")).collect();
    assert!(!table.is_empty(), "{stdout}");
    assert!(table.iter().all(|l| l.chars().count() <= 80), "{stdout}");
}

/// Lines of one instant said in another order are no difference: not in the failure's diff of
/// `check`, not in `diff`; only the line that really differs shows.
#[test]
fn same_instant_reordering_is_never_shown_as_a_difference() {
    let course = course();
    // tock's lines before tick's at each shared instant, and one line the solution never says
    // among them: their instant differs, and still the reordering is no difference.
    long_lines(course.path(), "tock", "    say!(\"and one more\");\n");
    let check = grader(course.path())
        .args(["check", "35"])
        .output()
        .unwrap();
    let stdout = String::from_utf8(check.stdout).unwrap();
    let changed = |text: &str| -> Vec<String> {
        text.lines()
            .map(str::trim_start)
            .filter(|l| l.starts_with("- ") || l.starts_with("+ "))
            .map(str::to_string)
            .collect()
    };
    assert_eq!(
        changed(&stdout),
        ["+   0.000s  and one more"],
        "only the extra line:\n{stdout}"
    );
    let diff = grader(course.path())
        .args(["diff", "35", "--plain"])
        .output()
        .unwrap();
    let stdout = String::from_utf8(diff.stdout).unwrap();
    assert_eq!(changed(&stdout), ["+   0.000s  and one more"], "{stdout}");
}

/// `run --svg` draws each task as a bar, and no two labels overlap (each text's box estimated
/// from its font size and characters, as the drawing does).
#[test]
fn the_svg_draws_task_bars_and_no_label_overlaps_another() {
    let course = course();
    let file = course.path().join("run.svg");
    grader(course.path())
        .args(["run", "35", "--svg"])
        .arg(&file)
        .assert()
        .code(0)
        .stdout(predicate::str::contains("run.svg"));
    let svg = std::fs::read_to_string(&file).unwrap();
    let doc = roxmltree::Document::parse(&svg).unwrap_or_else(|e| panic!("not XML ({e}):\n{svg}"));
    let bars = doc
        .descendants()
        .filter(|n| n.attribute("class") == Some("task"))
        .count();
    assert_eq!(bars, 2, "a bar for tick and one for tock:\n{svg}");
    let boxes: Vec<(String, [f64; 4])> = doc
        .descendants()
        .filter(|n| n.has_tag_name("text"))
        .map(|n| (n.text().unwrap_or_default().to_string(), text_box(n)))
        .collect();
    for (i, (a, p)) in boxes.iter().enumerate() {
        for (b, q) in &boxes[i + 1..] {
            let apart = p[2] <= q[0] || q[2] <= p[0] || p[3] <= q[1] || q[3] <= p[1];
            assert!(apart, "{a:?} at {p:?} overlaps {b:?} at {q:?}");
        }
    }
}

/// A `<text>`'s box (left, top, right, bottom), from its position, anchor, font size and
/// characters, with the grader's own estimate of a character's width.
fn text_box(n: roxmltree::Node) -> [f64; 4] {
    let number = |name: &str| n.attribute(name).unwrap().parse::<f64>().unwrap();
    let size: f64 = n
        .ancestors()
        .find_map(|a| a.attribute("font-size"))
        .unwrap()
        .parse()
        .unwrap();
    let text: String = n
        .children()
        .filter(roxmltree::Node::is_text)
        .filter_map(|c| c.text())
        .collect();
    let w = grader::report::timeline::svg::label_width(&text) * size / 12.0;
    let (x, y) = (number("x"), number("y"));
    let left = match n.attribute("text-anchor") {
        Some("end") => x - w,
        Some("middle") => x - w / 2.0,
        _ => x,
    };
    [left, y - 0.8 * size, left + w, y + 0.2 * size]
}

/// A run stopped because the runtime's thread was stuck says that this is where its picture
/// ends, and why: no task ran after it (exercise 10's heartbeat froze the same way).
#[test]
fn a_run_stopped_by_a_stuck_thread_says_why_nothing_came_after() {
    let course = course();
    let out = grader(course.path()).args(["run", "6"]).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert!(stdout.contains("  0.000s  thinking\n"), "{stdout}");
    assert!(
        stdout.contains(
            "(no line came after these: the runtime's thread was stuck at 0.000 s of virtual \
             time, so from then on no task ran"
        ),
        "{stdout}"
    );
    assert!(!stdout.contains("(stopped before it finished)"), "{stdout}");
}
