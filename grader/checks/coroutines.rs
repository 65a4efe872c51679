//! The public checks of exercise 01 coroutines.
//!
//! What is checked, and why:
//! - `step` says `start`, waits its seconds on tokio's clock, says `finish`, returns its name;
//! - `step` is lazy: calling it prints nothing, and the work happens when (and in the order) the
//!   futures are awaited. Python's coroutine objects behave the same way; JavaScript promises don't;
//! - `breakfast_in_sequence` takes 3 s: each step is awaited before the next one starts;
//! - `breakfast_together` takes 1 s: the three waits overlap (the main check: its transcript is
//!   what `grader run 01` shows);
//! - both return the names in the order the steps are written.
//!
//! Every check runs on paused time, so "3 s" means exactly 3.000 s of virtual time and costs no
//! real time at all.

use awaitlings_check::prelude::*;
use std::time::Duration;

pub fn checks() -> Vec<Check> {
    vec![
        check(
            "step-says-start-waits-finishes",
            1,
            "step(\"tea\", 2) says `start tea`, waits 2 s, says `finish tea`, returns \"tea\"",
            || async {
                let name = exercise::step("tea", 2).await;
                timed_lines(expect_lines(&[
                    "  0.000s  start tea",
                    "  2.000s  finish tea",
                ]))?;
                expect_elapsed("step(\"tea\", 2)", Duration::from_secs(2))?;
                expect_eq("step(\"tea\", 2).await", name, "tea".to_string())
            },
        ),
        check(
            "step-is-lazy",
            2,
            "calling step(..) prints nothing; each step runs when it is awaited",
            || async {
                // Build two futures, tea first, and let a second go by without awaiting either.
                let tea = exercise::step("tea", 2);
                let toast = exercise::step("toast", 1);
                tokio::time::sleep(Duration::from_secs(1)).await;
                if let Some(first) = transcript().first() {
                    return Err(Fail::new(
                        Kind::WrongOrder,
                        format!(
                            "calling step(..) already printed `{}` before anything awaited the \
                             future. Calling an async fn should only build a future (like calling \
                             an `async def` in Python gives a coroutine object); its body runs \
                             when the future is awaited. Keep `step` an `async fn` and put all of \
                             its work, the first say! included, inside its body.",
                            awaitlings_check::compare::parse(first).text
                        ),
                    ));
                }
                // Now await them the other way round: toast runs first, then tea, both late.
                let toast = toast.await;
                let tea = tea.await;
                timed_lines(expect_lines(&[
                    "  1.000s  start toast",
                    "  2.000s  finish toast",
                    "  2.000s  start tea",
                    "  4.000s  finish tea",
                ]))?;
                expect_eq("step(\"toast\", 1).await", toast, "toast".to_string())?;
                expect_eq("step(\"tea\", 2).await", tea, "tea".to_string())
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
            "breakfast_together() overlaps the three 1-second steps: 1 s, not 3 s",
            || async {
                exercise::breakfast_together().await;
                expect_concurrent(
                    "breakfast_together()",
                    Duration::from_secs(1),
                    Duration::from_secs(3),
                )
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
