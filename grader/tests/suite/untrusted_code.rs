//! End-to-end tests with submissions that go for the harness's own state from inside the check
//! process: code that runs before `main` (a function in `.init_array`, put there with
//! `#[link_section]`, `global_asm!` or a naked function), a `#[global_allocator]` that reads what
//! the harness frees, a transcript rewritten or erased through the support crate, and a stub's
//! given `run()` replaced by a replay of the expected transcript. Exercises 40-45 of the test
//! course (tests/course/course.toml) are the submissions; the replay is made in a copy of the real
//! course.
//!
//! Each test grades a fresh copy with the real `grader` binary and asserts the verdict: does not
//! compile, or only the points the code really earns.

use crate::common::*;
use serde_json::Value;
use std::path::Path;

/// The first words of the report when a crate needs unsafe code (the grader's own rule, said
/// before rustc's errors).
const RULE: &str = "Your code uses unsafe code, which the grader forbids: no exercise needs it.";

/// The build verdict of exercise `slug` in a report: its kind and message.
fn build(report: &Value, slug: &str) -> (String, String) {
    let build = &exercise(report, slug)["build"];
    (
        build["kind"].as_str().unwrap_or("ok").to_string(),
        build["message"].as_str().unwrap_or_default().to_string(),
    )
}

/// Asserts that exercise `slug` did not compile, for unsafe code, and earned nothing; returns
/// the report's message.
fn refused_as_unsafe(report: &Value, slug: &str) -> String {
    let (kind, message) = build(report, slug);
    assert_eq!(kind, "does_not_compile", "{slug}: {message}");
    assert!(message.starts_with(RULE), "{slug}: {message}");
    assert_eq!(exercise(report, slug)["points"], 0, "{slug}");
    message
}

#[test]
fn code_before_main_an_allocator_spy_and_assembly_do_not_compile() {
    let course = course();
    let (code, report) = check_json(course.path(), &["40", "41", "42", "43"]);
    assert_eq!(code, Some(1));

    // `#[link_section = ".init_array"]`, with an `#![allow(unsafe_code)]` that cannot lift the
    // grader's forbid.
    let m = refused_as_unsafe(&report, "runs-before-main");
    assert!(m.contains("link_section"), "{m}");
    assert!(m.contains("incompatible with previous forbid"), "{m}");
    assert!(
        m.contains("exercises/40-runs-before-main/src/lib.rs"),
        "{m}"
    );

    // A #[global_allocator] needs `unsafe impl GlobalAlloc`.
    let m = refused_as_unsafe(&report, "reads-what-is-freed");
    assert!(m.contains("implementation of an `unsafe` trait"), "{m}");

    // global_asm! needs no unsafe block, but the lint counts it.
    let m = refused_as_unsafe(&report, "global-asm");
    assert!(m.contains("global_asm"), "{m}");

    // A naked function escapes the lint: the grader finds it in every file rustc read, here one
    // outside src/ pulled in with include!, its attribute pasted by a macro.
    let m = refused_as_unsafe(&report, "naked-function");
    assert!(m.contains("a naked function"), "{m}");
    assert!(m.contains("exercises/43-naked-function/early.in:9"), "{m}");
}

/// Replaces the body of exercise 40 (which has the test course's `answer()` contract) with `code`.
fn submit(course: &Path, code: &str) {
    std::fs::write(
        course.join("exercises/40-runs-before-main/src/lib.rs"),
        format!(
            "{code}\n\npub async fn answer() -> u32 {{\n    \
             awaitlings::say!(\"thinking\");\n    \
             tokio::time::sleep(std::time::Duration::from_secs(1)).await;\n    \
             awaitlings::say!(\"done\");\n    42\n}}\n"
        ),
    )
    .unwrap();
}

#[test]
fn every_spelling_of_unsafe_code_is_refused() {
    let course = course();
    let spellings = [
        ("pub fn f() { unsafe {} }", "usage of an `unsafe` block"),
        (
            "#[unsafe(no_mangle)] pub extern \"C\" fn f() {}",
            "no_mangle",
        ),
        ("#[no_mangle] pub extern \"C\" fn f() {}", "no_mangle"),
        (
            "#[unsafe(export_name = \"main2\")] pub fn f() {}",
            "export_name",
        ),
        (
            "unsafe extern \"C\" { pub safe fn abort(); }",
            "unsafe extern",
        ),
        (
            "#![allow(unsafe_code)]\npub fn f() { unsafe {} }",
            "incompatible with previous forbid",
        ),
    ];
    for (code, says) in spellings {
        submit(course.path(), code);
        let (exit, report) = check_json(course.path(), &["40"]);
        assert_eq!(exit, Some(1), "{code}");
        let m = refused_as_unsafe(&report, "runs-before-main");
        assert!(m.contains(says), "{code}: {m}");
    }
    // The same crate in safe Rust passes: the rule is about unsafe code, nothing else. A comment
    // or a string that says `naked` is no naked function.
    submit(
        course.path(),
        "// naked_asm! and global_asm! are not for exercises.\npub const NOTE: &str = \"naked\";",
    );
    let (code, report) = check_json(course.path(), &["40"]);
    assert_eq!(code, Some(0), "{report}");
    assert_eq!(exercise(&report, "runs-before-main")["points"], 3);
}

#[test]
fn the_old_support_api_that_rewrote_and_erased_transcripts_is_gone() {
    let course = course();
    let (code, report) = check_json(course.path(), &["44", "45"]);
    assert_eq!(code, Some(1));
    for slug in ["rewrites-its-transcript", "erases-its-transcript"] {
        let (kind, m) = build(&report, slug);
        assert_eq!(kind, "does_not_compile", "{slug}: {m}");
        // Not unsafe code: the functions do not exist.
        assert!(!m.starts_with(RULE), "{slug}: {m}");
        assert!(m.contains("transcript"), "{slug}: {m}");
        assert_eq!(exercise(&report, slug)["points"], 0, "{slug}");
    }
}

/// Rust statements that say `run.txt`'s lines, each at its own virtual time, from a function's
/// start: the replay a student could put in place of a given `run()`.
fn replay(expected: &str) -> String {
    let mut code = String::from("    let start = tokio::time::Instant::now();\n");
    for line in expected.lines() {
        let (at, text) = line.trim_start().split_once("s  ").unwrap();
        let millis = (at.parse::<f64>().unwrap() * 1000.0).round() as u64;
        code.push_str(&format!(
            "    tokio::time::sleep_until(start + Duration::from_millis({millis})).await;\n    \
             say!(\"{{}}\", {text:?});\n"
        ));
    }
    code
}

#[test]
fn a_given_run_replaced_by_a_replay_of_the_expected_transcript_earns_nothing() {
    let course = real_course();
    let lib = course.path().join("exercises/05-gather-vs-wait/src/lib.rs");
    let stub = std::fs::read_to_string(&lib).unwrap();
    // The stub's run() is its last item; everything else stays todo!().
    let at = stub.find("pub async fn run() {").unwrap();
    let expected =
        std::fs::read_to_string(course.path().join("fixtures/gather-vs-wait/run.txt")).unwrap();
    // (The stub's helpers of run() go unused: warnings, which do not stop the build.)
    let replaced = format!(
        "{}pub async fn run() {{\n{}}}\n",
        &stub[..at],
        replay(&expected)
    );
    std::fs::write(&lib, replaced).unwrap();

    let (code, report) = check_json(course.path(), &["05"]);
    assert_eq!(code, Some(1));
    let (kind, m) = build(&report, "gather-vs-wait");
    assert_eq!(kind, "ok", "{m}");
    // The main check plays the checks' own copy of the demo, which calls gather(): todo!().
    assert_eq!(
        crate::common::kind(&report, "gather-vs-wait", "run-transcript"),
        "not_implemented",
        "{}",
        message(&report, "gather-vs-wait", "run-transcript")
    );
    assert_eq!(exercise(&report, "gather-vs-wait")["points"], 0);
}
