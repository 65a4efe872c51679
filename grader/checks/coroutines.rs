//! The public checks of exercise 01 coroutines.
//!
//! `step(name, secs)` takes arguments, so its checks draw them from the run's seed (names, seconds,
//! how long the check waits before awaiting, the order it awaits in) and work out what to expect
//! from the contract; a failure message names what was drawn, and `cargo run -p grader -- check
//! 01 --seed N` draws the same again. The two breakfasts take no arguments: their contract is one
//! fixed scenario (coffee, toast, eggs, 1 s each), so their checks have nothing to draw.
//!
//! The contract (the doc comments of `src/lib.rs` and the lesson), clause by clause, and the checks
//! that fail when only that clause is broken:
//!
//! | clause | checks |
//! |---|---|
//! | `step(name, secs)` says `start {name}` as soon as it runs | `step-says-start-waits-finishes`, `step-is-lazy` |
//! | ... then waits `secs` seconds on tokio's clock (not the thread's) | `step-says-start-waits-finishes`, `step-is-lazy` (and every check, through the breakfasts) |
//! | ... then says `finish {name}` | `step-says-start-waits-finishes`, `step-is-lazy` |
//! | ... and returns `name` as a `String` | `step-says-start-waits-finishes`, `step-is-lazy` |
//! | calling `step(..)` without `.await` prints nothing: the body runs when the future is awaited | `step-is-lazy` |
//! | `breakfast_in_sequence()`: coffee, toast, eggs (1 s each), each awaited before the next: 3 s, its six lines in turn | `in-sequence-takes-three-seconds` |
//! | ... returns `["coffee", "toast", "eggs"]` | `results-in-input-order` |
//! | `breakfast_together()`: the same three steps, their waits overlapping: 1 s, three starts at 0 s, three finishes at 1 s | `together-takes-one-second`, `together-transcript` (the main check) |
//! | ... returns the names in the order the steps are written, not the order they finish | `results-in-input-order` |
//!
//! What cannot be checked: that `breakfast_together` uses `tokio::join!` in particular (spawning
//! three tasks and awaiting their handles, say, overlaps the waits just as well, and nothing a check
//! sees tells them apart).
//!
//! Every check runs on paused time, so "3 s" means exactly 3.000 s of virtual time and costs no
//! real time at all. Lines stamped with the same instant are compared as a set.

use awaitlings_check::prelude::*;
use std::time::Duration;

pub fn checks() -> Vec<Check> {
    vec![
        check(
            "step-says-start-waits-finishes",
            1,
            "step(name, secs) says `start {name}`, waits secs seconds, says `finish {name}`, \
             returns the name",
            || async {
                let mut r = rng();
                let (name, secs) = (r.name(), r.range(3..=9));
                let call = format!("step({name:?}, {secs})");
                let returned = exercise::step(name, secs).await;
                let took = elapsed();
                timed_lines(in_context(
                    &call,
                    expect_said(&[
                        (0, format!("start {name}")),
                        (secs, format!("finish {name}")),
                    ]),
                ))?;
                expect_took(&call, took, Duration::from_secs(secs))?;
                expect_eq(&format!("{call}.await"), returned, name.to_string())
            },
        ),
        check(
            "step-is-lazy",
            2,
            "calling step(..) prints nothing; each step runs when it is awaited, in the order \
             it is awaited",
            || async {
                let mut r = rng();
                let names = r.names(2);
                let secs = r.distinct(2, 3..=9, 1);
                let wait = r.range(1..=5);
                // Build two futures, and let some time go by without awaiting either.
                let first = exercise::step(names[0], secs[0]);
                let second = exercise::step(names[1], secs[1]);
                tokio::time::sleep(Duration::from_secs(wait)).await;
                if let Some(line) = transcript().first() {
                    return Err(Fail::new(
                        Kind::WrongOrder,
                        format!(
                            "calling step({:?}, {}) and step({:?}, {}) already printed `{}` \
                             before anything awaited the futures. Calling an async fn should only \
                             build a future (like calling an `async def` in Python gives a \
                             coroutine object); its body runs when the future is awaited. Keep \
                             `step` an `async fn` and put all of its work, the first say! \
                             included, inside its body.",
                            names[0],
                            secs[0],
                            names[1],
                            secs[1],
                            awaitlings_check::compare::parse(line).text
                        ),
                    ));
                }
                // Now await them the other way round: the second runs first, then the first,
                // both late.
                let second = second.await;
                let first = first.await;
                let (a, b) = (wait, wait + secs[1]);
                timed_lines(in_context(
                    &format!(
                        "step({:?}, {}) and step({:?}, {}), made at 0 s and awaited {wait} s \
                         later, the second one first",
                        names[0], secs[0], names[1], secs[1]
                    ),
                    expect_said(&[
                        (a, format!("start {}", names[1])),
                        (b, format!("finish {}", names[1])),
                        (b, format!("start {}", names[0])),
                        (b + secs[0], format!("finish {}", names[0])),
                    ]),
                ))?;
                expect_eq(
                    &format!("step({:?}, {}).await", names[1], secs[1]),
                    second,
                    names[1].to_string(),
                )?;
                expect_eq(
                    &format!("step({:?}, {}).await", names[0], secs[0]),
                    first,
                    names[0].to_string(),
                )
            },
        ),
        check(
            "in-sequence-takes-three-seconds",
            2,
            "breakfast_in_sequence() runs coffee, toast, eggs one after another: 3 s",
            || async {
                exercise::breakfast_in_sequence().await;
                let took = elapsed();
                if took < Duration::from_secs(3) && overlapped() {
                    return Err(Fail::new(
                        Kind::WrongTiming,
                        format!(
                            "breakfast_in_sequence() took {:.3} s of virtual time, expected \
                             3.000 s: the steps overlapped. This one is the slow breakfast on \
                             purpose: await each step before you call the next one.",
                            took.as_secs_f64()
                        ),
                    ));
                }
                expect_elapsed("breakfast_in_sequence()", Duration::from_secs(3))?;
                timed_lines(expect_transcript("in-sequence"))
            },
        ),
        check(
            "together-takes-one-second",
            3,
            "breakfast_together() overlaps the three 1-second steps: 1 s, not 3 s, the three starts \
             at 0 s and the three finishes at 1 s",
            || async {
                exercise::breakfast_together().await;
                expect_concurrent(
                    "breakfast_together()",
                    Duration::from_secs(1),
                    Duration::from_secs(3),
                )?;
                // The lines too, so that they are judged by more than the main check.
                timed_lines(in_context(
                    "breakfast_together()",
                    expect_said(&[
                        (0, "start coffee".into()),
                        (0, "start toast".into()),
                        (0, "start eggs".into()),
                        (1, "finish coffee".into()),
                        (1, "finish toast".into()),
                        (1, "finish eggs".into()),
                    ]),
                ))
            },
        ),
        check(
            "together-transcript",
            2,
            "breakfast_together() starts all three steps at 0 s and finishes them at 1 s",
            || async {
                exercise::breakfast_together().await;
                timed_lines(expect_transcript("together"))
            },
        )
        .main(),
        check(
            "results-in-input-order",
            1,
            "both breakfasts return [\"coffee\", \"toast\", \"eggs\"], in the order written",
            || async {
                expect_names(
                    "breakfast_in_sequence().await",
                    exercise::breakfast_in_sequence().await,
                )?;
                restart();
                expect_names(
                    "breakfast_together().await",
                    exercise::breakfast_together().await,
                )
            },
        ),
    ]
}

/// The transcript must be exactly `lines`, given as (second, text).
fn expect_said(lines: &[(u64, String)]) -> Result<(), Fail> {
    let lines: Vec<String> = lines
        .iter()
        .map(|(at, text)| awaitlings::format_line(Duration::from_secs(*at), text))
        .collect();
    let lines: Vec<&str> = lines.iter().map(String::as_str).collect();
    expect_lines(&lines)
}

/// Puts `what` in front of a failure's message.
fn in_context(what: &str, result: Result<(), Fail>) -> Result<(), Fail> {
    result.map_err(|fail| Fail {
        message: format!("{what}: {}", fail.message),
        ..fail
    })
}

/// True when a second step started before the first one finished.
fn overlapped() -> bool {
    let lines = transcript();
    let starts_before_first_finish = lines
        .iter()
        .take_while(|line| !line.contains("  finish "))
        .filter(|line| line.contains("  start "))
        .count();
    starts_before_first_finish > 1
}

/// Fails unless `names` is `["coffee", "toast", "eggs"]`, and says so plainly when it holds the
/// right names in another order.
fn expect_names(what: &str, names: Vec<String>) -> Result<(), Fail> {
    let expected: Vec<String> = ["coffee", "toast", "eggs"].map(String::from).to_vec();
    let mut sorted = names.clone();
    sorted.sort();
    let mut expected_sorted = expected.clone();
    expected_sorted.sort();
    if names != expected && sorted == expected_sorted {
        return Err(Fail::new(
            Kind::WrongValue,
            format!(
                "{what} was {names:?}: the right names in the wrong order, expected \
                 {expected:?}. Keep the order the steps are written in: tokio::join! hands back \
                 its results in argument order, whichever step finished first (asyncio.gather \
                 does the same), so there is nothing to sort or reverse."
            ),
        ));
    }
    expect_eq(what, names, expected)
}

/// Passes a transcript comparison through, with one correction. When every line came at 0.000 s,
/// the comparison suspects a blocking sleep or no sleep at all. But if virtual time *did* pass, the
/// sleep was awaited all right: the lines were just said before it instead of around it.
fn timed_lines(compared: Result<(), Fail>) -> Result<(), Fail> {
    match compared {
        Err(fail)
            if matches!(fail.kind, Kind::Blocked | Kind::NeverWaited) && !elapsed().is_zero() =>
        {
            Err(Fail {
                kind: Kind::WrongTiming,
                message: format!(
                    "every line came at 0.000 s, although {:.3} s of virtual time passed: the sleep \
                 was awaited, but not between the lines. Say `start`, then \
                 `sleep(..).await`, and only then say `finish`.",
                    elapsed().as_secs_f64()
                ),
                ..fail
            })
        }
        other => other,
    }
}
