//! The public checks of exercise 06 results-and-errors.
//!
//! The checks build the jobs themselves (with their own copy of the stub's given `job`: the
//! stub's is in a file the student may edit, and a changed `job` could catch a panic before the
//! student's code ever sees it), so they decide which job succeeds,
//! which returns an error of the check's own type, and which panics, and when. Each job sleeps on
//! tokio's clock, and some say lines, so what happened to a job after the student's code returned
//! shows in the transcript. What is checked, and why:
//! - `join-error-becomes-job-error`: `JobError::from(JoinError)` keeps a panic's message, for both
//!   kinds of payload (`panic!("literal")` carries a `&str`, a formatted panic a `String`), and
//!   calls a cancelled task `Cancelled`. The check makes the JoinErrors itself (tasks that panic, a
//!   task it aborts), so this is the conversion alone;
//! - `errors-keep-their-source`: `JobError::Failed(e).source()` is `e` itself (it downcasts back
//!   to the check's error type, fields intact), also after a trip through `collect_all` and
//!   through `fail_fast`. An error turned into a string on the way says the same words and has
//!   lost its type: only a downcast tells the two apart;
//! - `collect-all-in-input-order`: five jobs finishing in scrambled order, one of them failing:
//!   five outcomes, in input order (not finishing order), the failure among them as a value, after
//!   0.9 s (the slowest job), not 2.3 s (all of them in turn);
//! - `collect-all-survives-panics`: jobs that panic (both payload kinds) become `Panicked` values
//!   with their messages; `collect_all` itself neither panics nor stops, and the job still running
//!   gets to finish (its line is said, its value returned);
//! - `fail-fast-returns-first-error`: two jobs fail; the one that fails first *in time* (the later
//!   one in input order) is the one returned, at the instant it fails (0.3 s), not once the others
//!   are done (1.0 s);
//! - `fail-fast-cancels-the-rest`: after the first failure (0.6 s) the other jobs say nothing more:
//!   the check lets the clock run on to 3 s, past every line they would have said. A late line
//!   before `fail_fast` returned means it waited for them; after, that it left them running
//!   (returning does not stop a task: dropping its JoinHandle detaches it);
//! - `fail-fast-all-ok`: when nothing fails, the values in input order, after the slowest job;
//! - `fail-fast-panic-is-an-error`: a panicking job is a failure like any other for `fail_fast`:
//!   `Err(Panicked(message))` at the instant of the panic, and the other jobs stopped as after an
//!   error (a branch that handles panics apart can forget to abort);
//! - `run-transcript` (the main check): the demo's transcript.
//!
//! The student's functions are called inside a catcher, so that a panic of theirs (typically a
//! job's panic thrown again by `.unwrap()` on its `JoinError`) is reported as what it is, and the
//! panics the checks provoke on purpose are left out of the report once seen. Every job's
//! interesting instant is distinct from every other's, so no verdict depends on which of two
//! things due at the same instant goes first.

use awaitlings_check::check::secs;
use awaitlings_check::prelude::*;
use exercise::{Job, JobError};
use std::any::Any;
use std::error::Error;
use std::fmt;
use std::future::Future;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;
use tokio::time::sleep;

pub fn checks() -> Vec<Check> {
    vec![
        check(
            "join-error-becomes-job-error",
            2,
            "JobError::from(JoinError): a panic becomes Panicked with its message (literal or \
             formatted), an aborted task becomes Cancelled",
            || async {
                let literal = tokio::spawn(panics_after(0, Payload::Literal("the disk is full")));
                let formatted = tokio::spawn(panics_after(0, Payload::Formatted(3)));
                let aborted = tokio::spawn(async {
                    sleep(Duration::from_secs(10)).await;
                    1_u64
                });
                aborted.abort();
                let literal = literal.await.expect_err("the check's task panics");
                let formatted = formatted.await.expect_err("the check's task panics");
                let aborted = aborted.await.expect_err("the check's task was aborted");
                // Those two panics were the check's own.
                forget_panics();

                let cases = [
                    (
                        "a task that panicked with `panic!(\"the disk is full\")` (a &str payload)",
                        literal,
                        "Panicked(\"the disk is full\")",
                    ),
                    (
                        "a task that panicked with `panic!(\"gave up after {tries} tries\")`, \
                         tries = 3 (a String payload)",
                        formatted,
                        "Panicked(\"gave up after 3 tries\")",
                    ),
                    ("a task that was aborted", aborted, "Cancelled"),
                ];
                for (task, join_error, expected) in cases {
                    let converted = catch_unwind(AssertUnwindSafe(|| JobError::from(join_error)));
                    let converted = match converted {
                        Ok(converted) => converted,
                        Err(payload) => {
                            let message = panic_text(&*payload);
                            if is_todo(&message) {
                                return Err(Fail::new(Kind::NotImplemented, message));
                            }
                            // The verdict is this panic, explained (see `guarded`).
                            forget_panics();
                            panic!(
                                "JobError::from(the JoinError of {task}) panicked: `{message}`. \
                                 `JoinError::into_panic()` panics when the task did not panic \
                                 (it was cancelled): use `try_into_panic()`, or ask \
                                 `is_panic()` first."
                            );
                        }
                    };
                    let got = show_error(&converted);
                    if got != expected {
                        return Err(Fail::new(
                            Kind::WrongValue,
                            format!(
                                "JobError::from(the JoinError of {task}) gave {got}, expected \
                                 {expected}.{}",
                                conversion_hint(expected, &got)
                            ),
                        ));
                    }
                }
                Ok(())
            },
        ),
        check(
            "errors-keep-their-source",
            2,
            "a job's own error is the source() of its JobError::Failed, unchanged (it downcasts \
             back), also after collect_all and fail_fast",
            || async {
                let direct = JobError::Failed(Box::new(Refused { port: 8080 }));
                expect_source(
                    "JobError::Failed(Box::new(Refused { port: 8080 }))",
                    &direct,
                    8080,
                )?;

                let outcomes = guarded(
                    "collect_all",
                    exercise::collect_all(vec![
                        fails_after(200, Refused { port: 5432 }),
                        ok_after(100, 2, None),
                    ]),
                )
                .await?;
                // The failing job's outcome, wherever it is (the order is another check's business).
                let failed = outcomes
                    .iter()
                    .find(|outcome| matches!(outcome, Err(JobError::Failed(_))));
                match failed {
                    Some(Err(error)) => expect_source(
                        "the outcome collect_all gave for a job failing with Refused { port: 5432 }",
                        error,
                        5432,
                    )?,
                    _ => {
                        return Err(Fail::new(
                            Kind::WrongValue,
                            format!(
                                "collect_all gave [{}] for a job returning \
                                 Err(Refused {{ port: 5432 }}) and one returning Ok(2), expected a \
                                 Failed(..) holding that very error among them",
                                outcomes.iter().map(show).collect::<Vec<_>>().join(", ")
                            ),
                        ));
                    }
                }

                let result = guarded(
                    "fail_fast",
                    exercise::fail_fast(vec![
                        ok_after(400, 1, None),
                        fails_after(200, Refused { port: 6379 }),
                    ]),
                )
                .await?;
                match &result {
                    Err(error @ JobError::Failed(_)) => expect_source(
                        "the error fail_fast returned for a job failing with Refused { port: 6379 }",
                        error,
                        6379,
                    ),
                    other => Err(Fail::new(
                        Kind::WrongValue,
                        format!(
                            "fail_fast gave {} when a job returned Err(Refused {{ port: 6379 }}), \
                             expected Err(Failed(..)) holding that very error",
                            show_result(other)
                        ),
                    )),
                }
            },
        ),
        check(
            "collect-all-in-input-order",
            3,
            "collect_all of five jobs finishing in scrambled order, one failing: five outcomes in \
             input order, after 0.9 s (the slowest), not 2.3 s",
            || async {
                let jobs = vec![
                    ok_after(700, 11, None),
                    fails_after(200, Oops("job 1 broke")),
                    ok_after(900, 33, None),
                    ok_after(400, 44, None),
                    ok_after(100, 55, None),
                ];
                let outcomes = guarded("collect_all", exercise::collect_all(jobs)).await?;
                let took = elapsed();
                expect_outcomes(
                    "collect_all of jobs that finish after 0.7, 0.2 (failing), 0.9, 0.4 and 0.1 s",
                    &outcomes,
                    &[
                        "Ok(11)",
                        "Failed(job 1 broke)",
                        "Ok(33)",
                        "Ok(44)",
                        "Ok(55)",
                    ],
                    took,
                )?;
                expect_concurrent(
                    "collect_all of jobs taking 0.7, 0.2, 0.9, 0.4 and 0.1 s",
                    ms(900),
                    ms(2300),
                )
            },
        ),
        check(
            "collect-all-survives-panics",
            2,
            "collect_all with panicking jobs: no panic and no early stop; each panic comes back as \
             Panicked(its message), and the other jobs finish",
            || async {
                let jobs = vec![
                    panic_job(100, Payload::Formatted(5)),
                    fails_after(300, Oops("job 1 timed out")),
                    ok_after(500, 7, Some("job 2: still here")),
                    panic_job(200, Payload::Literal("job 3: out of memory")),
                ];
                let outcomes = guarded("collect_all", exercise::collect_all(jobs)).await?;
                let took = elapsed();
                expect_outcomes(
                    "collect_all of jobs that panic at 0.1 s, fail at 0.3 s, succeed at 0.5 s and \
                     panic at 0.2 s",
                    &outcomes,
                    &[
                        "Panicked(\"gave up after 5 tries\")",
                        "Failed(job 1 timed out)",
                        "Ok(7)",
                        "Panicked(\"job 3: out of memory\")",
                    ],
                    took,
                )?;
                expect_concurrent(
                    "collect_all of jobs taking 0.1, 0.3, 0.5 and 0.2 s",
                    ms(500),
                    ms(1100),
                )?;
                expect_lines(&["  0.500s  job 2: still here"])
            },
        ),
        check(
            "fail-fast-returns-first-error",
            3,
            "fail_fast: of two failing jobs, the one failing first in time (job 2, at 0.3 s) is \
             returned, at 0.3 s",
            || async {
                let jobs = vec![
                    ok_after(600, 1, None),
                    fails_after(800, Oops("job 1 failed at 0.8 s")),
                    fails_after(300, Oops("job 2 failed at 0.3 s")),
                    ok_after(1000, 4, None),
                ];
                let result = guarded("fail_fast", exercise::fail_fast(jobs)).await?;
                let took = elapsed();
                let got = show_result(&result);
                let expected = "Err(Failed(job 2 failed at 0.3 s))";
                if got == "Err(Failed(job 1 failed at 0.8 s))" {
                    return Err(Fail::new(
                        Kind::WrongValue,
                        format!(
                            "fail_fast returned {got} (after {}), expected {expected}: job 2 \
                             failed first, at 0.3 s, and job 1 only at 0.8 s. The first failure is \
                             the first in time, not the first in input order: awaiting the handles \
                             one by one sees job 1 before job 2. Wait for whichever task finishes \
                             next (JoinSet::join_next).",
                            secs(took)
                        ),
                    ));
                }
                if got != expected {
                    return Err(Fail::new(
                        Kind::WrongValue,
                        format!(
                            "fail_fast returned {got}, expected {expected}: jobs 1 and 2 fail (at \
                             0.8 s and 0.3 s), and the first failure, job 2's, is the one to \
                             return, as it is."
                        ),
                    ));
                }
                if took != ms(300) {
                    return Err(Fail::new(
                        Kind::WrongTiming,
                        format!(
                            "fail_fast returned the right failure, but after {} of virtual time: \
                             job 2 failed at 0.300 s, and that is when fail_fast should return. {}",
                            secs(took),
                            if took > ms(300) {
                                "It went on waiting for the other jobs (the slowest ends at 1.0 s): \
                                 return as soon as a failure comes in."
                            } else {
                                "It returned before any job had failed."
                            }
                        ),
                    ));
                }
                Ok(())
            },
        ),
        check(
            "fail-fast-cancels-the-rest",
            3,
            "after fail_fast's first failure (at 0.6 s), the other jobs do nothing more: no line of \
             theirs is said after 0.6 s, even with the clock run on to 3 s",
            || async {
                let jobs = vec![
                    ticker(8),
                    fails_after(600, Oops("job 1 broke at 0.6 s")),
                    ok_after(1500, 2, Some("job 2: done")),
                ];
                let result = guarded("fail_fast", exercise::fail_fast(jobs)).await?;
                let returned = elapsed();
                expect(
                    result.is_err(),
                    Kind::WrongValue,
                    format!(
                        "fail_fast returned {} although job 1 failed at 0.6 s",
                        show_result(&result)
                    ),
                )?;
                // Long past every line the other jobs would say (job 0's last at 2.0 s).
                sleep(ms(3000).saturating_sub(returned)).await;
                let lines = transcript();
                let late: Vec<&String> = lines
                    .iter()
                    .filter(|line| line_time(line).is_none_or(|at| at > ms(600)))
                    .collect();
                if let Some(last) = late.last() {
                    let before_return = late
                        .iter()
                        .filter(|line| line_time(line).is_some_and(|at| at <= returned))
                        .count();
                    let how = if before_return > 0 {
                        (
                            Kind::WrongTiming,
                            format!(
                                "fail_fast returned only after {}, having waited for the other \
                                 jobs instead of cancelling them: ",
                                secs(returned)
                            ),
                        )
                    } else {
                        (
                            Kind::WrongValue,
                            format!(
                                "fail_fast returned at {}, but left the other jobs running: \
                                 returning does not stop a task (dropping its JoinHandle detaches \
                                 it). ",
                                secs(returned)
                            ),
                        )
                    };
                    return Err(Fail::new(
                        how.0,
                        format!(
                            "{}job 1 failed at 0.600 s, and yet {} line(s) came from the other \
                             jobs after that, the last `{}`. At the first failure, abort the \
                             others: `JoinSet::abort_all()` (or let the JoinSet drop), or \
                             `handle.abort()` on each JoinHandle.",
                            how.1,
                            late.len(),
                            last.trim_start()
                        ),
                    ));
                }
                expect_lines(&["  0.250s  job 0: tick 1", "  0.500s  job 0: tick 2"])
            },
        ),
        check(
            "fail-fast-all-ok",
            2,
            "fail_fast when every job succeeds: Ok(values in input order), after 0.8 s (the \
             slowest), not 1.6 s",
            || async {
                let jobs = vec![
                    ok_after(500, 10, None),
                    ok_after(200, 20, None),
                    ok_after(800, 30, None),
                    ok_after(100, 40, None),
                ];
                let result = guarded("fail_fast", exercise::fail_fast(jobs)).await?;
                match result {
                    Ok(values) if values == [10, 20, 30, 40] => {}
                    Ok(mut values) => {
                        let got = format!("{values:?}");
                        values.sort();
                        let (kind, why) = if values == [10, 20, 30, 40] {
                            (
                                Kind::WrongOrder,
                                " The values came back in the order the jobs finished (0.1, 0.2, \
                                 0.5, 0.8 s): put each value in its job's place (carry the index \
                                 into the task, or keep the handles in input order).",
                            )
                        } else {
                            (Kind::WrongValue, "")
                        };
                        return Err(Fail::new(
                            kind,
                            format!(
                                "fail_fast of four succeeding jobs returned Ok({got}), expected \
                                 Ok([10, 20, 30, 40]), the values in the order of the jobs.{why}"
                            ),
                        ));
                    }
                    Err(error) => {
                        return Err(Fail::new(
                            Kind::WrongValue,
                            format!(
                                "fail_fast returned Err({}) although every job succeeded",
                                show_error(&error)
                            ),
                        ));
                    }
                }
                expect_concurrent(
                    "fail_fast of jobs taking 0.5, 0.2, 0.8 and 0.1 s",
                    ms(800),
                    ms(1600),
                )
            },
        ),
        check(
            "fail-fast-panic-is-an-error",
            2,
            "fail_fast when the first job to fail panics (at 0.4 s): Err(Panicked(its message)) at \
             0.4 s, no panic of its own, and the other jobs stopped",
            || async {
                let jobs = vec![
                    ok_after(900, 1, Some("job 0: done")),
                    panic_job(400, Payload::Literal("job 1: the parser choked")),
                    fails_after(700, Oops("job 2 refused")),
                ];
                let result = guarded("fail_fast", exercise::fail_fast(jobs)).await?;
                let took = elapsed();
                let got = show_result(&result);
                let expected = "Err(Panicked(\"job 1: the parser choked\"))";
                if got != expected {
                    return Err(Fail::new(
                        Kind::WrongValue,
                        format!(
                            "fail_fast returned {got} (after {}), expected {expected}: job 1 \
                             panicked at 0.4 s, the first failure. For fail_fast a panic is a \
                             failure like an error: the JoinError becomes a JobError (with the \
                             panic's message), returned like any other.{}",
                            secs(took),
                            conversion_hint("Panicked(\"job 1: the parser choked\")", &got)
                        ),
                    ));
                }
                expect_elapsed(
                    "fail_fast, whose first failure is a panic at 0.4 s,",
                    ms(400),
                )?;
                // A panic stops the batch as an error does: job 0 (due to say its line at 0.9 s)
                // must be gone too.
                sleep(ms(1100)).await;
                let lines = transcript();
                expect(
                    lines.is_empty(),
                    Kind::WrongValue,
                    format!(
                        "fail_fast returned job 1's panic at 0.400 s, but left the other jobs \
                         running: job 0 still said `{}`. After a panic, as after an error, abort \
                         the others (JoinSet::abort_all, or handle.abort() on each).",
                        lines.first().map_or("", |l| l.trim_start())
                    ),
                )
            },
        ),
        check(
            "run-transcript",
            3,
            "run(): the demo's four downloads through collect_all, then fail_fast, line by line",
            || async {
                guarded("run", exercise::run()).await?;
                expect_transcript("run")
            },
        )
        .main(),
    ]
}

fn ms(millis: u64) -> Duration {
    Duration::from_millis(millis)
}

/// An error of the check's own, for jobs that fail.
#[derive(Debug, PartialEq)]
struct Oops(&'static str);

impl fmt::Display for Oops {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.0)
    }
}

impl Error for Oops {}

/// Another error of the check's own, with a field, to see it come back intact.
#[derive(Debug, PartialEq)]
struct Refused {
    port: u16,
}

impl fmt::Display for Refused {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "connection refused on port {}", self.port)
    }
}

impl Error for Refused {}

/// Makes a [`Job`] out of a closure returning a future: the checks' own copy of the stub's given
/// `job`, so every job a check hands the student's code is exactly what it says.
fn job<F, Fut>(make: F) -> Job
where
    F: FnOnce() -> Fut + Send + 'static,
    Fut: Future<Output = exercise::JobOutput> + Send + 'static,
{
    Box::new(move || Box::pin(make()))
}

/// A job that sleeps `millis`, says `line` if given, and returns `Ok(value)`.
fn ok_after(millis: u64, value: u64, line: Option<&'static str>) -> Job {
    job(move || async move {
        sleep(ms(millis)).await;
        if let Some(line) = line {
            awaitlings::say!("{line}");
        }
        Ok(value)
    })
}

/// A job that sleeps `millis`, then returns `Err(error)`.
fn fails_after<E: Error + Send + Sync + 'static>(millis: u64, error: E) -> Job {
    job(move || async move {
        sleep(ms(millis)).await;
        Err(error.into())
    })
}

/// What a panicking job panics with: a literal (`panic!("text")`, a `&'static str` payload) or a
/// formatted message (`panic!("gave up after {tries} tries")`, a `String` payload).
#[derive(Clone, Copy)]
enum Payload {
    Literal(&'static str),
    Formatted(u32),
}

/// A future that sleeps `millis`, then panics with `payload`.
async fn panics_after(millis: u64, payload: Payload) -> u64 {
    sleep(ms(millis)).await;
    match payload {
        Payload::Literal(text) => std::panic::panic_any(text),
        Payload::Formatted(tries) => panic!("gave up after {tries} tries"),
    }
}

/// A job that says `job 0: tick {k}` every 0.25 s, `ticks` times, then returns `Ok(0)`.
fn ticker(ticks: u32) -> Job {
    job(move || async move {
        for tick in 1..=ticks {
            sleep(ms(250)).await;
            awaitlings::say!("job 0: tick {tick}");
        }
        Ok(0)
    })
}

/// A job that sleeps `millis`, then panics with `payload`.
fn panic_job(millis: u64, payload: Payload) -> Job {
    job(move || async move { Ok(panics_after(millis, payload).await) })
}

/// One outcome, written the way the messages show it: `Ok(3)`, `Failed(job 1 broke)`,
/// `Panicked("the disk is full")`, `Cancelled`.
fn show(outcome: &Result<u64, JobError>) -> String {
    match outcome {
        Ok(value) => format!("Ok({value})"),
        Err(error) => show_error(error),
    }
}

fn show_error(error: &JobError) -> String {
    match error {
        JobError::Failed(inner) => format!("Failed({inner})"),
        JobError::Panicked(message) => format!("Panicked({message:?})"),
        JobError::Cancelled => "Cancelled".to_string(),
    }
}

fn show_result(result: &Result<Vec<u64>, JobError>) -> String {
    match result {
        Ok(values) => format!("Ok({values:?})"),
        Err(error) => format!("Err({})", show_error(error)),
    }
}

/// What usually went wrong when a JobError came out other than `expected`.
fn conversion_hint(expected: &str, got: &str) -> &'static str {
    let wanted_panic = expected.starts_with("Panicked");
    if wanted_panic && got.contains("Panicked(\"task ") {
        " That is the JoinError's own Display (`error.to_string()`), not the panic's message: \
         take the payload with `try_into_panic()` and downcast it (`&'static str` for a literal \
         `panic!(\"...\")`, `String` for a formatted one)."
    } else if wanted_panic && got.contains("Panicked(") {
        " The panic's message was lost on the way: take the payload with `try_into_panic()` and \
         downcast it, to `&'static str` (what `panic!(\"literal\")` carries) *and* to `String` \
         (what a formatted `panic!` carries)."
    } else if expected == "Cancelled" {
        " A JoinError that is not a panic is a cancelled task (`is_cancelled()`): \
         JobError::Cancelled."
    } else {
        ""
    }
}

/// `error.source()` must be the check's `Refused { port }`, unchanged.
fn expect_source(what: &str, error: &JobError, port: u16) -> Result<(), Fail> {
    let Some(source) = error.source() else {
        return Err(Fail::new(
            Kind::WrongValue,
            format!(
                "{what}: its source() is None. A JobError::Failed wraps the job's own error, and \
                 source() is how a caller reaches it: return `Some(&**error)` for Failed (and \
                 None for Panicked and Cancelled)."
            ),
        ));
    };
    match source.downcast_ref::<Refused>() {
        Some(refused) if refused.port == port => Ok(()),
        Some(refused) => Err(Fail::new(
            Kind::WrongValue,
            format!(
                "{what}: its source() is Refused {{ port: {} }}, expected Refused {{ port: {port} \
                 }}: the error of another job?",
                refused.port
            ),
        )),
        None => Err(Fail::new(
            Kind::WrongValue,
            format!(
                "{what}: its source() says `{source}` but is no longer the job's Refused error: it \
                 does not downcast back to its type. The error was turned into text (or wrapped \
                 anew) on the way, and whoever handles it can no longer tell what it was. Keep \
                 the job's Box<dyn Error> as it is: `JobError::Failed(error)`, not \
                 `error.to_string().into()`."
            ),
        )),
    }
}

/// Compares `collect_all`'s outcomes with `expected`, naming the usual mistakes.
fn expect_outcomes(
    what: &str,
    outcomes: &[Result<u64, JobError>],
    expected: &[&str],
    took: Duration,
) -> Result<(), Fail> {
    let got: Vec<String> = outcomes.iter().map(show).collect();
    if got == expected {
        return Ok(());
    }
    let listing = format!("[{}]", got.join(", "));
    let wanted = format!("[{}]", expected.join(", "));
    if got.len() < expected.len() {
        return Err(Fail::new(
            Kind::WrongValue,
            format!(
                "{what} returned {} outcome(s) after {}, expected {}: {listing}, expected \
                 {wanted}. collect_all waits for every job and gives one outcome per job, \
                 failures included: a failure is a value to keep, not a reason to stop (no `?`, \
                 no `break`, no early `return`).",
                got.len(),
                secs(took),
                expected.len()
            ),
        ));
    }
    let mut sorted_got = got.clone();
    sorted_got.sort();
    let mut sorted_expected: Vec<String> = expected.iter().map(|s| s.to_string()).collect();
    sorted_expected.sort();
    if sorted_got == sorted_expected {
        return Err(Fail::new(
            Kind::WrongOrder,
            format!(
                "{what} returned the right outcomes in the wrong order: {listing}, expected \
                 {wanted}, in the order of the jobs. Each outcome belongs in its job's place, \
                 whenever that job finished (await the handles in input order, or carry each \
                 job's index into its task)."
            ),
        ));
    }
    let hint = expected
        .iter()
        .zip(&got)
        .find(|(want, have)| want != have)
        .map_or("", |(want, have)| conversion_hint(want, have));
    Err(Fail::new(
        Kind::WrongValue,
        format!("{what} returned {listing}, expected {wanted}.{hint}"),
    ))
}

/// The virtual instant a transcript line is stamped with (`  0.250s  ...`).
fn line_time(line: &str) -> Option<Duration> {
    let stamp = line.trim_start().split_once("s  ")?.0;
    let seconds: f64 = stamp.parse().ok()?;
    // Back to the whole millisecond the stamp was written with.
    Some(ms((seconds * 1000.0).round() as u64))
}

/// Runs `future` (a call into the student's code), catching a panic in it. A panic of the code
/// under test becomes the check's verdict, explained (what most likely threw it); a `todo!()` is
/// left for the harness to report as "not implemented". Either way, the panics the check's jobs
/// made on purpose are forgotten once the call is over: they were seen, and handled or not.
async fn guarded<T>(call: &str, future: impl Future<Output = T>) -> Result<T, Fail> {
    match Caught(Box::pin(future)).await {
        Ok(value) => {
            forget_panics();
            Ok(value)
        }
        Err(message) if is_todo(&message) => Err(Fail::new(Kind::NotImplemented, message)),
        Err(message) => {
            // The jobs' panics, seen and passed on, are not news; this one is the verdict. (A
            // check cannot fail as "panicked" with a message of its own: the harness words that
            // verdict from the first panic it recorded. So the explanation is that panic.)
            forget_panics();
            panic!(
                "{call} panicked instead of returning: `{message}`. When a job panics, tokio \
                 catches the panic in the job's task and hands it to whoever awaits the task, as \
                 an Err(JoinError). `.unwrap()` or `.expect(..)` on it (or `resume_unwind`) throws \
                 it again, in your own code. Turn it into a value instead: \
                 `JobError::from(join_error)` (which `?` does for you)."
            )
        }
    }
}

/// Polls a future, turning a panic during a poll into `Err(its message)`.
struct Caught<F>(Pin<Box<F>>);

impl<F: Future> Future for Caught<F> {
    type Output = Result<F::Output, String>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        // AssertUnwindSafe: after a panic the future is never polled again.
        match catch_unwind(AssertUnwindSafe(|| self.0.as_mut().poll(cx))) {
            Ok(Poll::Pending) => Poll::Pending,
            Ok(Poll::Ready(value)) => Poll::Ready(Ok(value)),
            Err(payload) => Poll::Ready(Err(panic_text(&*payload))),
        }
    }
}

fn panic_text(payload: &(dyn Any + Send)) -> String {
    if let Some(text) = payload.downcast_ref::<&str>() {
        text.to_string()
    } else if let Some(text) = payload.downcast_ref::<String>() {
        text.clone()
    } else {
        "a panic with a non-text payload".to_string()
    }
}

/// The panics `todo!()` and `unimplemented!()` make.
fn is_todo(message: &str) -> bool {
    message.starts_with("not yet implemented") || message.starts_with("not implemented")
}
