//! Seeded checks, end to end: a check draws its inputs from the run's seed, the same seed gives the
//! same inputs (and the same choices of tokio's own generator), a failing report says how to run
//! the same inputs again, and `verify` runs every check under several seeds.
//!
//! Exercise 54 of the test course waits one millisecond too long; its seeded check draws a name
//! and a pause. Exercise 55 says whether the check's body runs in a task, and which branch forty
//! unbiased `select!`s took.

use crate::common::*;
use predicates::prelude::*;
use std::collections::BTreeSet;

#[test]
fn the_same_seed_draws_the_same_inputs_and_the_report_says_how_to_draw_them_again() {
    let course = course();
    let run = |seed: &str| {
        let (code, report) = check_json(course.path(), &["54", "--seed", seed]);
        assert_eq!(code, Some(1), "{report}");
        assert_eq!(
            exercise(&report, "seeded")["seed"].as_u64(),
            Some(seed.parse().unwrap()),
            "{report}"
        );
        message(&report, "seeded", "greets-on-time")
    };
    let seven = run("7");
    assert!(
        seven.contains("greet(\""),
        "the message names its inputs: {seven}"
    );
    assert_eq!(run("7"), seven, "one seed, one set of inputs");
    let drawn: BTreeSet<String> = (1..=6).map(|s| run(&s.to_string())).collect();
    assert!(
        drawn.len() >= 3,
        "six seeds should draw different inputs, got {drawn:?}"
    );

    // The human report gives the command that runs the same inputs again.
    grader(course.path())
        .args(["check", "54", "--seed", "7"])
        .assert()
        .code(1)
        .stdout(predicate::str::contains("drew their inputs from seed 7"))
        .stdout(predicate::str::contains(
            "cargo run -p grader -- check 54 --seed 7",
        ));
    // The environment's seed does the same as the flag.
    let (_, report) = {
        let out = grader(course.path())
            .env("AWAITLINGS_SEED", "7")
            .args(["check", "54", "--format", "json"])
            .output()
            .unwrap();
        (out.status.code(), json_of(&out.stdout))
    };
    assert_eq!(message(&report, "seeded", "greets-on-time"), seven);

    // Without a seed, one is drawn, and the report carries it.
    let out = grader(course.path())
        .env_remove("AWAITLINGS_SEED")
        .args(["check", "54", "--format", "json"])
        .output()
        .unwrap();
    let report = json_of(&out.stdout);
    let drawn = exercise(&report, "seeded")["seed"].as_u64().unwrap();
    assert!((1..=99_999).contains(&drawn), "{drawn}");
}

#[test]
fn a_checks_body_runs_as_a_task_and_tokios_choices_follow_the_seed() {
    let course = course();
    let choices = |seed: &str| {
        let (_, report) = check_json(course.path(), &["55", "--seed", seed]);
        assert_eq!(
            kind(&report, "select-order", "runs-in-a-task"),
            "pass",
            "the body must be a task, where student code runs: {report}"
        );
        message(&report, "select-order", "shows-the-choices")
    };
    let three = choices("3");
    assert!(three.starts_with("choices: "), "{three}");
    assert_eq!(choices("3"), three, "the same seed, the same choices");
    let seen: BTreeSet<String> = (4..=6).map(|s| choices(&s.to_string())).collect();
    assert!(
        seen.iter().any(|c| c != &three),
        "other seeds, other choices: {three} and {seen:?}"
    );
}

#[test]
fn verify_runs_every_check_under_several_seeds() {
    let course = course();
    let out = grader(course.path())
        .env_remove("AWAITLINGS_SEED")
        .args(["verify", "54", "--seeds", "12"])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{text}");
    assert!(
        text.contains("Every check runs under these seeds (1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12)"),
        "{text}"
    );
    // An alternative design that is right passes under every seed...
    assert!(
        text.contains("ok right/sleep-until passes all 2 checks"),
        "{text}"
    );
    // ... one that is wrong for some inputs is caught under the seeds that draw them ...
    assert!(
        text.contains(
            "PROBLEM right/wrong-for-long-names, a correct design, fails greets-on-time under seed"
        ),
        "{text}"
    );
    // ... and a wrong solution that slips through under some seed is a problem too.
    assert!(
        text.contains("PASSES greets-on-time; expected it to fail with wrong_timing (seed"),
        "{text}"
    );

    // One seed, when asked for; and not both ways at once.
    grader(course.path())
        .env_remove("AWAITLINGS_SEED")
        .args(["verify", "54", "--seed", "5"])
        .assert()
        .stdout(predicate::str::contains(
            "Every check runs under one seed (5)",
        ));
    grader(course.path())
        .args(["verify", "54", "--seed", "5", "--seeds", "2"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("not both"));
}
