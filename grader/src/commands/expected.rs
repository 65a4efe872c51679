//! `grader diff EX [CHECK]` where the course has no solution crate for EX (the student edition
//! never has one): the student's main scenario (or the check's) against its expected transcript
//! (the one in fixtures/<slug>/ the check compared, or the lines a failing check expected inline),
//! drawn and diffed exactly as against a solution's.

use crate::build::harness::Variant;
use crate::commands::cli::{Ctx, FAILED, PASSED};
use crate::course::{Course, Exercise};
use crate::report::Reporter;
use crate::report::versus;
use crate::run::outcome::{CheckInfo, CheckResult, Event, ExerciseResult, Outcome, Verdict};
use crate::run::session::Selection;
use anyhow::{Result, bail};
use std::time::Instant;

/// `reporter` makes the reporter, given what the reference is called.
pub fn diff<R: Reporter>(
    ctx: &Ctx,
    ex: &Exercise,
    which: &Selection,
    reporter: impl FnOnce(String) -> R,
) -> Result<u8> {
    let started = Instant::now();
    let session = ctx.session();
    // The reporter takes the reference first: the student's events wait until it is known,
    // which may take the student's run (the transcript its check compared).
    let mut held = Vec::new();
    let results = session.run(&[session.target(ex, Variant::Student)], which, |event| {
        held.push(event);
    })?;
    let mine = &results[0];
    let (shown_as, name, lines) = reference(ctx, ex, which, mine)?;
    let mut reporter = reporter(shown_as);
    let info = mine.checks.first().map_or_else(
        || CheckInfo {
            name: name.clone(),
            points: 0,
            main: true,
            untimed: false,
            hidden: false,
            about: String::new(),
            waits: false,
        },
        |c| c.info.clone(),
    );
    let mut outcome = Outcome::failed(crate::run::outcome::Kind::Panicked, "");
    outcome.verdict = Verdict::Passed;
    outcome.finished = true;
    outcome.transcript = lines;
    let theirs = ExerciseResult {
        exercise: ex.clone(),
        variant: Variant::Solution,
        build: Ok(()),
        notes: Vec::new(),
        warnings: Vec::new(),
        checks: vec![CheckResult { info, outcome }],
        max_points: None,
        reused: false,
        tampered: Vec::new(),
        seed: None,
    };
    let write =
        |e: std::io::Error| anyhow::Error::from(e).context("could not write the transcript");
    let mut held = held.into_iter();
    // `Building` first, as a run reports it; then the expected transcript, then the student's.
    if let Some(building) = held.next() {
        reporter.on(&building).map_err(write)?;
    }
    reporter
        .on(&Event::Exercise(Box::new(theirs.clone())))
        .map_err(write)?;
    for event in held {
        reporter.on(&event).map_err(write)?;
    }
    reporter
        .on(&Event::Finished {
            results: vec![theirs.clone(), mine.clone()],
            wall: started.elapsed(),
        })
        .map_err(write)?;
    Ok(if versus::matched(&theirs, mine) {
        PASSED
    } else {
        FAILED
    })
}

/// The reference for the check `which` selects: what it is called in the report, its name, and
/// its lines. A check name no check has is an error listing the exercise's checks.
fn reference(
    ctx: &Ctx,
    ex: &Exercise,
    which: &Selection,
    mine: &ExerciseResult,
) -> Result<(String, String, Vec<String>)> {
    let Selection::Named(check) = which else {
        let (name, lines) = expected(&ctx.course, ex, mine)?;
        return Ok((shown(ex, &name), name, lines));
    };
    if crate::commands::show::missing(which, mine) {
        return Err(crate::commands::show::unknown_check(ctx, ex, check));
    }
    if mine.checks.first().is_some_and(|c| c.info.main) {
        let (name, lines) = expected(&ctx.course, ex, mine)?;
        return Ok((shown(ex, &name), name, lines));
    }
    match expected_of(&ctx.course, ex, check, mine)? {
        (Some(name), lines) => Ok((shown(ex, &name), name, lines)),
        (None, lines) => Ok(("expected".to_string(), check.clone(), lines)),
    }
}

/// What the reference is called in the report: the fixture's path.
pub fn shown(ex: &Exercise, name: &str) -> String {
    format!("fixtures/{}/{name}.txt", ex.slug)
}

/// The expected transcript of `ex`'s main scenario, by name, with its lines.
pub fn expected(
    course: &Course,
    ex: &Exercise,
    mine: &ExerciseResult,
) -> Result<(String, Vec<String>)> {
    let fixtures = crate::run::runner::load_fixtures(&course.fixtures_dir(ex));
    let name = main_transcript(course, ex, mine, &fixtures);
    match name.and_then(|n| fixtures.iter().find(|(f, _)| *f == n)) {
        Some((name, text)) => Ok((name.clone(), text.lines().map(str::to_string).collect())),
        None if fixtures.is_empty() => bail!(
            "the course has no solution for {} and no expected transcript in {}/ to compare with",
            ex.label(),
            course.relative(&course.fixtures_dir(ex))
        ),
        None => bail!(
            "cannot tell which expected transcript of {} the main scenario compares with: {}. \
             Read them in {}/",
            ex.label(),
            fixtures
                .iter()
                .map(|(n, _)| format!("{n}.txt"))
                .collect::<Vec<_>>()
                .join(", "),
            course.relative(&course.fixtures_dir(ex))
        ),
    }
}

/// The expected transcript of `check`, a check other than the main one: the fixture it compared
/// in the student's run (by name), else the lines it expected inline when it failed on them
/// (no name). A check that compared nothing, or passed on inline lines, leaves nothing to draw
/// beside the student's.
fn expected_of(
    course: &Course,
    ex: &Exercise,
    check: &str,
    mine: &ExerciseResult,
) -> Result<(Option<String>, Vec<String>)> {
    if mine.build_failure().is_some() {
        // Nothing ran: the report says why, with no reference to draw.
        return Ok((None, Vec::new()));
    }
    let outcome = mine.checks.first().map(|c| &c.outcome);
    if let Some((name, _)) = outcome.and_then(|o| o.compared.first()) {
        let fixtures = crate::run::runner::load_fixtures(&course.fixtures_dir(ex));
        if let Some((_, text)) = fixtures.iter().find(|(f, _)| f == name) {
            return Ok((
                Some(name.clone()),
                text.lines().map(str::to_string).collect(),
            ));
        }
    }
    if let Some(expected) = outcome.and_then(|o| o.expected.as_deref()) {
        return Ok((None, expected.lines().map(str::to_string).collect()));
    }
    let run = format!("cargo run -p grader -- run {:02} {check}", ex.number);
    if outcome.is_some_and(Outcome::passed) {
        bail!(
            "`{check}` passed, and keeps what it expects in its own code: there is no other \
             transcript to draw beside yours. `{run}` draws yours"
        );
    }
    bail!(
        "`{check}` compared no transcript in your run (it failed before, or judges something \
         else: its message says what), so there is no expected one to draw beside yours. `{run}` \
         draws yours"
    )
}

/// Which transcript the main check compares with: the one it compared in the student's run;
/// else the only one there is; else the last `expect_transcript("...")` written before
/// `.main()` in the checks file (a stub stops at its `todo!()` before comparing anything).
fn main_transcript(
    course: &Course,
    ex: &Exercise,
    mine: &ExerciseResult,
    fixtures: &[(String, String)],
) -> Option<String> {
    if let Some((name, _)) = mine.checks.first().and_then(|c| c.outcome.compared.first()) {
        return Some(name.clone());
    }
    if let [(only, _)] = fixtures {
        return Some(only.clone());
    }
    let source = std::fs::read_to_string(course.checks_file(ex)).ok()?;
    named_before_main(&source)
}

/// The last `expect_transcript("name")` before the first `.main()` in a checks file.
fn named_before_main(source: &str) -> Option<String> {
    let main = source.find(".main()")?;
    let call = "expect_transcript(\"";
    let at = source[..main].rfind(call)? + call.len();
    let name = &source[at..at + source[at..].find('"')?];
    Some(name.to_string())
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_main_checks_transcript_is_the_last_named_before_main() {
        let source = r#"
            check("a", 1, "a", || async { expect_transcript("in-sequence") }),
            check("b", 1, "b", || async {
                exercise::together().await;
                timed_lines(expect_transcript("together"))
            })
            .main(),
            check("c", 1, "c", || async { expect_transcript("later") }),
        "#;
        assert_eq!(
            super::named_before_main(source).as_deref(),
            Some("together")
        );
        assert_eq!(super::named_before_main("check(..).main()"), None);
    }
}
