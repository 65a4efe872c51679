//! End-to-end tests of what the reports say beside and about a check: the clock each check judges
//! by, and a message that blames the mistake the evidence shows. They grade a copy of the real
//! course (a solution put in place of a stub, or a solution with one mistake in it) with the real
//! `grader` binary.

use crate::common::*;
use std::path::Path;

/// Puts the solution of exercise `dir` (`09-futures-by-hand`) in place of its stub, with each
/// `(from, to)` of `edits` made to it (each must be there).
fn solve(course: &Path, dir: &str, edits: &[(&str, &str)]) {
    let mut text =
        std::fs::read_to_string(course.join("solutions").join(dir).join("src/lib.rs")).unwrap();
    for (from, to) in edits {
        assert!(text.contains(from), "the solution of {dir} has no {from:?}");
        text = text.replace(from, to);
    }
    std::fs::write(course.join("exercises").join(dir).join("src/lib.rs"), text).unwrap();
}

/// The human report's line for check `name`.
fn line<'a>(report: &'a str, name: &str) -> &'a str {
    report
        .lines()
        .find(|l| l.split_whitespace().nth(1) == Some(name))
        .unwrap_or_else(|| panic!("no line for {name}:\n{report}"))
}

#[test]
fn each_passed_check_shows_the_duration_it_judged_on_its_own_clock() {
    let course = real_course();
    solve(course.path(), "09-futures-by-hand", &[]);
    solve(course.path(), "10-blocking-pitfalls", &[]);
    let out = grader(course.path())
        .args(["check", "9", "10"])
        .output()
        .unwrap();
    let report = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{report}");

    // Each shows the duration it judged (what Timed measured, drawn from the seed), never the
    // 0.000 s of a scenario of its own that came after.
    for name in [
        "timed-measures-its-future",
        "timed-starts-at-first-poll",
        "heartbeat-ticks",
    ] {
        let l = line(&report, name);
        assert!(
            l.ends_with(" s virtual") && !l.ends_with(" 0.000 s virtual"),
            "{l}"
        );
    }
    // A check on the real clock shows real time, never "virtual".
    let real = line(&report, "heartbeat-ticks-during-jobs");
    assert!(real.ends_with(" s real"), "{real}");

    let (code, json) = check_json(course.path(), &["10"]);
    assert_eq!(code, Some(0), "{json}");
    let judged = &check(&json, "blocking-pitfalls", "heartbeat-ticks-during-jobs")["judged"];
    assert_eq!(judged["clock"], "real", "{judged}");
    assert!(judged["ms"].as_f64().unwrap() > 0.0, "{judged}");
    let judged = &check(&json, "blocking-pitfalls", "heartbeat-ticks")["judged"];
    assert_eq!(judged["clock"], "virtual", "{judged}");
    assert!(judged["ms"].as_f64().unwrap() > 0.0, "{judged}");
}

#[test]
fn a_set_that_wakes_before_it_stores_the_value_is_named_as_such() {
    let course = real_course();
    solve(
        course.path(),
        "09-futures-by-hand",
        &[
            (
                "            shared.value = Some(value);\n            shared.waker.take()",
                "            shared.waker.take()",
            ),
            (
                "            waker.wake();\n        }\n",
                "            waker.wake();\n        }\n        lock(&self.shared).value = Some(value);\n",
            ),
        ],
    );
    let (_, report) = check_json(course.path(), &["9"]);
    let name = "set-from-another-thread";
    assert_eq!(kind(&report, "futures-by-hand", name), "wrong_value");
    let message = message(&report, "futures-by-hand", name);
    assert!(
        message.contains("set() woke the waiting task before it stored the value")
            && !message.contains("two separate locks")
            && message.ends_with('.'),
        "{message}"
    );
}
