//! The public checks of exercise 06 results-and-errors.
//!
//! The checks build the jobs themselves (with their own copy of the stub's given `job`: the
//! stub's is in a file the student may edit, and a changed `job` could catch a panic before the
//! student's code ever sees it), so they decide which job succeeds, which returns an error of the
//! check's own type, which panics (and with what payload), and when. Every check but the demo
//! draws its jobs from the run's seed: how many, how long each takes, which fail and how, their
//! values and messages. What each check expects is worked out from the contract, and a failure
//! message lists the jobs it drew. Each job sleeps on tokio's clock, and some say lines, so what
//! happened to a job after the student's code returned shows in the transcript. No two things a
//! verdict depends on happen at the same instant.
//!
//! The contract (the doc comments of `src/lib.rs` and the lesson), clause by clause, and the checks
//! that fail when only that clause is broken:
//!
//! | clause | checks |
//! |---|---|
//! | `source()` of `Failed(error)` is the job's own error, unchanged (it downcasts back) | `errors-keep-their-source` |
//! | `source()` of `Panicked` and `Cancelled` is `None` | `errors-keep-their-source` |
//! | `From<JoinError>`: a `panic!("literal")` (a `&str` payload) becomes `Panicked(that text)` | `join-error-becomes-job-error`, `collect-all-survives-panics`, `fail-fast-panic-is-an-error` |
//! | ... a formatted `panic!` (a `String` payload) becomes `Panicked(that text)` | the same three |
//! | ... any other payload (`panic_any(42_u32)`, a struct) becomes `Panicked("a panic without a message")` | the same three |
//! | ... a cancelled (aborted) task becomes `Cancelled` (and converting it does not panic) | `join-error-becomes-job-error` |
//! | `collect_all`: every job runs at once, as a task of its own; it takes as long as the slowest | `collect-all-in-input-order`, `collect-all-survives-panics` |
//! | ... one outcome per job, in the order of `jobs` (not the order they finish) | `collect-all-in-input-order`, `collect-all-survives-panics` |
//! | ... `Ok(value)`, `Failed(the job's error, kept as is)`, `Panicked(message)` | `collect-all-in-input-order`, `errors-keep-their-source`, `collect-all-survives-panics` |
//! | ... a job's panic is not a panic of `collect_all`, and a failure stops nothing: the other jobs finish | `collect-all-survives-panics` |
//! | ... no jobs: an empty `Vec`, at once | `no-jobs-at-once` |
//! | `fail_fast`: every job at once; all succeed: `Ok(values in the order of jobs)` once the slowest is done | `fail-fast-all-ok`, `no-jobs-at-once` |
//! | ... no jobs: `Ok` of an empty `Vec`, at once | `no-jobs-at-once` |
//! | ... the failure returned is the first **in time**, whatever its place in `jobs` | `fail-fast-returns-first-error` |
//! | ... returned at the instant of that failure | `fail-fast-returns-first-error`, `fail-fast-panic-is-an-error` |
//! | ... the other jobs are cancelled: their later lines are never said | `fail-fast-cancels-the-rest`, `fail-fast-panic-is-an-error` |
//! | ... a job's error comes back as `Failed(that error)` | `fail-fast-returns-first-error`, `errors-keep-their-source` |
//! | ... a panic comes back as `Panicked(message)`, with no panic of `fail_fast`'s own, and stops the others too | `fail-fast-panic-is-an-error` |
//! | `run()`: the demo's transcript, line by line | `run-transcript` (the main check) |
//!
//! What cannot be checked: that `collect_all` uses `tokio::spawn` in particular (any way of
//! running the jobs at once that keeps a job's panic out of `collect_all` is as good), and that
//! `fail_fast` aborts rather than drops its tasks in any way other than by what the tasks do next
//! (which is what the checks watch).
//!
//! The student's functions are called inside a catcher, so that a panic of theirs (typically a
//! job's panic thrown again by `.unwrap()` on its `JoinError`) is reported as what it is, and the
//! panics the checks provoke on purpose are left out of the report once seen.

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

/// What a task whose payload is neither text type must become.
const NO_MESSAGE: &str = "a panic without a message";

pub fn checks() -> Vec<Check> {
    vec![
        check(
            "join-error-becomes-job-error",
            2,
            "JobError::from(JoinError): a panic becomes Panicked with its message (a literal, a \
             formatted one, or `a panic without a message` for any other payload), an aborted \
             task becomes Cancelled",
            || async {
                let mut r = rng();
                let literal = Panic::Literal(leak(format!("the {} disk is full", r.name())));
                let formatted = Panic::Formatted(format!(
                    "{} gave up after {} tries",
                    r.name(),
                    r.range(2..=99)
                ));
                let other = Panic::Other(other(&mut r));
                // Aborted before its first turn, or while it sleeps.
                let abort_after = if r.chance(1, 2) {
                    0
                } else {
                    r.range(1..=20) * 10
                };

                let mut cases = Vec::new();
                for panic in [literal, formatted, other] {
                    let handle = tokio::spawn(panics_after(0, panic.clone()));
                    let join_error = handle.await.expect_err("the check's task panics");
                    cases.push((
                        format!("a task that panicked with {}", panic.code()),
                        join_error,
                        show_error_text(&panic.expected()),
                    ));
                }
                let aborted = tokio::spawn(async {
                    sleep(Duration::from_secs(10)).await;
                    1_u64
                });
                if abort_after > 0 {
                    sleep(ms(abort_after)).await;
                }
                aborted.abort();
                let aborted = aborted.await.expect_err("the check's task was aborted");
                cases.push((
                    if abort_after > 0 {
                        format!(
                            "a task aborted {} after it began to sleep",
                            secs(ms(abort_after))
                        )
                    } else {
                        "a task aborted before it first ran".to_string()
                    },
                    aborted,
                    "Cancelled".to_string(),
                ));
                r.shuffle(&mut cases);
                // Those panics were the check's own.
                forget_panics();

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
                            let why = if expected == "Cancelled" {
                                "`JoinError::into_panic()` panics when the task did not panic \
                                 (it was cancelled): use `try_into_panic()`, or ask `is_panic()` \
                                 first."
                            } else {
                                "Converting a JoinError must never panic: take the payload with \
                                 `try_into_panic()` and look inside it with `downcast` or \
                                 `downcast_ref`, never `.unwrap()`."
                            };
                            panic!(
                                "JobError::from(the JoinError of {task}) panicked: `{message}`. \
                                 {why}"
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
                                conversion_hint(&expected, &got)
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
             back), also after collect_all and fail_fast; Panicked and Cancelled have no source",
            || async {
                let mut r = rng();
                let ports = r.distinct(3, 1024..=65535, 1);
                let (direct_port, collect_port, fail_port) =
                    (ports[0] as u16, ports[1] as u16, ports[2] as u16);
                let direct = JobError::Failed(Box::new(Refused { port: direct_port }));
                expect_source(
                    &format!("JobError::Failed(Box::new(Refused {{ port: {direct_port} }}))"),
                    &direct,
                    direct_port,
                )?;
                let message = format!("the {} parser choked", r.name());
                for (what, error) in [
                    (
                        format!("JobError::Panicked({message:?})"),
                        JobError::Panicked(message.clone()),
                    ),
                    ("JobError::Cancelled".to_string(), JobError::Cancelled),
                ] {
                    if let Some(source) = error.source() {
                        return Err(Fail::new(
                            Kind::WrongValue,
                            format!(
                                "{what}.source() is Some(`{source}`), expected None: a panic's \
                                 payload is not an error, and a cancelled task has no cause to \
                                 give. Only Failed has a source (the job's own error); return \
                                 None for the others, or a report that walks the chain says \
                                 something that never happened."
                            ),
                        ));
                    }
                }

                // collect_all: the failing job among a few that succeed, anywhere in the list.
                let n = r.count(2..=4);
                let times = r.distinct(n, 100..=1200, 100);
                let failing = r.below(n as u64) as usize;
                let jobs: Vec<Job> = times
                    .iter()
                    .enumerate()
                    .map(|(i, &at)| {
                        if i == failing {
                            fails_with(at, Refused { port: collect_port })
                        } else {
                            Spec::ok(at, 10 + i as u64).job(i)
                        }
                    })
                    .collect();
                let what = format!(
                    "collect_all of {n} jobs, job {failing} failing with Refused {{ port: \
                     {collect_port} }} after {} and the others succeeding",
                    secs(ms(times[failing]))
                );
                let outcomes = guarded("collect_all", exercise::collect_all(jobs)).await?;
                // The failing job's outcome, wherever it is (the order is another check's business).
                let failed = outcomes
                    .iter()
                    .find(|outcome| matches!(outcome, Err(JobError::Failed(_))));
                match failed {
                    Some(Err(error)) => expect_source(
                        &format!("the Failed outcome of {what}"),
                        error,
                        collect_port,
                    )?,
                    _ => {
                        return Err(Fail::new(
                            Kind::WrongValue,
                            format!(
                                "{what} gave [{}], expected a Failed(..) holding that very error \
                                 among them",
                                outcomes.iter().map(show).collect::<Vec<_>>().join(", ")
                            ),
                        ));
                    }
                }

                // fail_fast: the failing job is the first to end.
                restart();
                let n = r.count(2..=4);
                let mut times = r.distinct(n, 100..=1200, 100);
                times.sort_unstable();
                let first = times[0];
                r.shuffle(&mut times);
                let failing = times.iter().position(|&t| t == first).unwrap_or(0);
                let jobs: Vec<Job> = times
                    .iter()
                    .enumerate()
                    .map(|(i, &at)| {
                        if i == failing {
                            fails_with(at, Refused { port: fail_port })
                        } else {
                            Spec::ok(at, 10 + i as u64).job(i)
                        }
                    })
                    .collect();
                let what = format!(
                    "fail_fast of {n} jobs, job {failing} failing first with Refused {{ port: \
                     {fail_port} }} after {}",
                    secs(ms(first))
                );
                let result = guarded("fail_fast", exercise::fail_fast(jobs)).await?;
                match &result {
                    Err(error @ JobError::Failed(_)) => {
                        expect_source(&format!("the error returned by {what}"), error, fail_port)
                    }
                    other => Err(Fail::new(
                        Kind::WrongValue,
                        format!(
                            "{what} gave {}, expected Err(Failed(..)) holding that very error",
                            show_result(other)
                        ),
                    )),
                }
            },
        ),
        check(
            "collect-all-in-input-order",
            3,
            "collect_all of 4 to 6 jobs finishing in scrambled order, one failing: every outcome \
             in input order, after the slowest job, not after all of them in turn",
            || async {
                let mut r = rng();
                let n = r.count(4..=6);
                let times = scrambled(&mut r, n, 100..=1500);
                let values = r.distinct(n, 1..=999, 1);
                // Never the last: a collect_all that stops at the first failure must lose some.
                let failing = r.count(0..=n - 2);
                let specs: Vec<Spec> = (0..n)
                    .map(|i| {
                        if i == failing {
                            Spec::fails(times[i], format!("job {i}: the {} broke", r.name()))
                        } else {
                            Spec::ok(times[i], values[i])
                        }
                    })
                    .collect();
                let what = format!("collect_all of {}", describe_jobs(&specs));
                let outcomes =
                    guarded("collect_all", exercise::collect_all(jobs_of(&specs))).await?;
                let took = elapsed();
                expect_outcomes(&what, &outcomes, &expected_outcomes(&specs), took)?;
                expect_concurrent(&what, slowest(&specs), total(&specs))
            },
        ),
        check(
            "collect-all-survives-panics",
            2,
            "collect_all with jobs panicking (a literal, a formatted message, another payload): \
             no panic and no early stop; each panic comes back as Panicked(its message), and the \
             other jobs finish",
            || async {
                let mut r = rng();
                let oks = r.count(1..=2);
                let n = 4 + oks;
                let times = scrambled(&mut r, n, 100..=1500);
                let mut kinds: Vec<usize> = (0..n).collect();
                r.shuffle(&mut kinds);
                let specs: Vec<Spec> = (0..n)
                    .map(|i| {
                        let name = r.name();
                        let does = match kinds[i] {
                            0 => {
                                Does::Panic(Panic::Literal(leak(format!("job {i}: out of {name}"))))
                            }
                            1 => Does::Panic(Panic::Formatted(format!(
                                "job {i}: gave up after {} tries",
                                r.range(2..=99)
                            ))),
                            2 => Does::Panic(Panic::Other(other(&mut r))),
                            3 => Does::Fail(format!("job {i}: the {name} timed out")),
                            _ => Does::Ok(r.range(1..=999)),
                        };
                        Spec {
                            at: times[i],
                            does,
                            line: true,
                        }
                    })
                    .collect();
                let what = format!("collect_all of {}", describe_jobs(&specs));
                let outcomes =
                    guarded("collect_all", exercise::collect_all(jobs_of(&specs))).await?;
                let took = elapsed();
                expect_outcomes(&what, &outcomes, &expected_outcomes(&specs), took)?;
                expect_concurrent(&what, slowest(&specs), total(&specs))?;
                let lines = expected_lines(&specs);
                let lines: Vec<&str> = lines.iter().map(String::as_str).collect();
                expect_lines(&lines)
            },
        ),
        check(
            "no-jobs-at-once",
            1,
            "collect_all and fail_fast of no jobs return at once (an empty Vec, and Ok of one); \
             fail_fast of a single job returns its value when it is done",
            || async {
                let outcomes = guarded("collect_all", exercise::collect_all(Vec::new())).await?;
                if !outcomes.is_empty() {
                    return Err(Fail::new(
                        Kind::WrongValue,
                        format!(
                            "collect_all of no jobs returned [{}], expected []: one outcome per \
                             job, and there are none",
                            outcomes.iter().map(show).collect::<Vec<_>>().join(", ")
                        ),
                    ));
                }
                expect_elapsed("collect_all of no jobs", Duration::ZERO)?;
                let result = guarded("fail_fast", exercise::fail_fast(Vec::new())).await?;
                expect_eq(
                    "fail_fast of no jobs",
                    show_result(&result),
                    "Ok([])".to_string(),
                )?;
                expect_elapsed("fail_fast of no jobs", Duration::ZERO)?;

                let mut r = rng();
                let spec = Spec::ok(r.range(1..=15) * 100, r.range(1..=999));
                let what = format!(
                    "fail_fast of {}",
                    describe_jobs(std::slice::from_ref(&spec))
                );
                let result =
                    guarded("fail_fast", exercise::fail_fast(jobs_of(&[spec.clone()]))).await?;
                expect_eq(
                    &what,
                    show_result(&result),
                    format!("Ok([{}])", spec.value()),
                )?;
                expect_elapsed(&what, ms(spec.at))
            },
        ),
        check(
            "fail-fast-returns-first-error",
            3,
            "fail_fast: of three failing jobs, the one failing first in time (neither the first \
             nor the last of them in input order) is returned, at the instant it fails",
            || async {
                let mut r = rng();
                let n = r.count(4..=6);
                let times = r.distinct(n, 100..=1500, 100);
                let mut failing: Vec<usize> = (0..n).collect();
                r.shuffle(&mut failing);
                failing.truncate(3);
                failing.sort_unstable();
                // The earliest of the three failures goes to the middle one in input order.
                let mut failing_times: Vec<u64> = failing.iter().map(|&i| times[i]).collect();
                failing_times.sort_unstable();
                let mut times = times;
                let order = [failing_times[1], failing_times[0], failing_times[2]];
                for (&i, &at) in failing.iter().zip(&order) {
                    times[i] = at;
                }
                let specs: Vec<Spec> = (0..n)
                    .map(|i| {
                        if failing.contains(&i) {
                            Spec::fails(times[i], format!("job {i}: {} refused", r.name()))
                        } else {
                            Spec::ok(times[i], r.range(1..=999))
                        }
                    })
                    .collect();
                let first = failing[1];
                let at = ms(specs[first].at);
                let what = format!("fail_fast of {}", describe_jobs(&specs));
                let result = guarded("fail_fast", exercise::fail_fast(jobs_of(&specs))).await?;
                let took = elapsed();
                let got = show_result(&result);
                let expected = format!("Err({})", specs[first].expected());
                if got != expected {
                    let earlier_in_input = failing
                        .iter()
                        .find(|&&i| got == format!("Err({})", specs[i].expected()));
                    let why = match earlier_in_input {
                        Some(&i) if i < first => format!(
                            " That is job {i}'s failure: it comes before job {first} in input \
                             order, but fails later ({}). The first failure is the first in \
                             time: awaiting the handles one by one in input order sees job {i} \
                             first. Wait for whichever task finishes next (JoinSet::join_next).",
                            secs(ms(specs[i].at))
                        ),
                        Some(&i) => format!(
                            " That is job {i}'s failure, which comes only at {}: the first \
                             failure is the first in time, whatever its place in the list \
                             (JoinSet::join_next gives outcomes in the order tasks finish).",
                            secs(ms(specs[i].at))
                        ),
                        None => " The first failure is to be returned as it is.".to_string(),
                    };
                    return Err(Fail::new(
                        Kind::WrongValue,
                        format!(
                            "{what} returned {got} (after {}), expected {expected}: job {first} \
                             fails first, at {}.{why}",
                            secs(took),
                            secs(at)
                        ),
                    ));
                }
                if took != at {
                    return Err(Fail::new(
                        Kind::WrongTiming,
                        format!(
                            "{what} returned the right failure, but after {} of virtual time: \
                             job {first} failed at {}, and that is when fail_fast should return. \
                             {}",
                            secs(took),
                            secs(at),
                            if took > at {
                                "It went on waiting for other jobs: return as soon as a failure \
                                 comes in."
                            } else {
                                "It returned before any job had failed."
                            }
                        ),
                    ));
                }
                judged(took);
                Ok(())
            },
        ),
        check(
            "fail-fast-cancels-the-rest",
            3,
            "after fail_fast's first failure, the other jobs do nothing more: no line of theirs is \
             said after it, even with the clock run on past every line they would say",
            || async {
                let mut r = rng();
                // Ticks fall on multiples of 0.1 s, every other instant on x.050 s: no ties.
                let period = r.range(2..=4) * 100;
                let fails_at = r.range(4..=9) * 100 + 50;
                let ticks = ((fails_at + 1500) / period) as u32;
                let others = r.count(1..=3);
                let later = r.distinct(others, 1..=10, 1);
                let mut rest: Vec<Spec> = later
                    .iter()
                    .map(|k| Spec {
                        at: fails_at + k * 100,
                        does: if r.chance(1, 3) {
                            Does::Fail(format!("a later failure of the {}", r.name()))
                        } else {
                            Does::Ok(r.range(1..=999))
                        },
                        line: true,
                    })
                    .collect();
                let failing = Spec::fails(fails_at, format!("the {} broke", r.name()));
                // The ticker first, so that awaiting in input order waits on it; the failing job
                // anywhere after it.
                let place = r.count(0..=rest.len());
                rest.insert(place, failing);
                let mut jobs = vec![ticker(period, ticks)];
                let mut specs_text = vec![format!(
                    "job 0 saying `job 0: tick k` every {} ({ticks} times)",
                    secs(ms(period))
                )];
                for (i, spec) in rest.iter().enumerate() {
                    jobs.push(spec.job(i + 1));
                    specs_text.push(spec.describe(i + 1));
                }
                let failed = place + 1;
                let what = format!("fail_fast of {}", specs_text.join(", "));
                let result = guarded("fail_fast", exercise::fail_fast(jobs)).await?;
                let returned = elapsed();
                expect(
                    result.is_err(),
                    Kind::WrongValue,
                    format!(
                        "{what} returned {} although job {failed} failed at {}",
                        show_result(&result),
                        secs(ms(fails_at))
                    ),
                )?;
                // Long past every line the other jobs would say.
                let horizon = ms((period * u64::from(ticks)).max(fails_at + 1100) + 500);
                sleep(horizon.saturating_sub(returned)).await;
                let lines = transcript();
                let late: Vec<&String> = lines
                    .iter()
                    .filter(|line| line_time(line).is_none_or(|at| at > ms(fails_at)))
                    .collect();
                if let Some(last) = late.last() {
                    let before_return = late
                        .iter()
                        .filter(|line| line_time(line).is_some_and(|at| at <= returned))
                        .count();
                    let (kind, how) = if before_return > 0 {
                        (
                            Kind::WrongTiming,
                            format!(
                                "{what} returned only after {}, having waited for the other jobs \
                                 instead of cancelling them: ",
                                secs(returned)
                            ),
                        )
                    } else {
                        (
                            Kind::WrongValue,
                            format!(
                                "{what} returned at {}, but left the other jobs running: \
                                 returning does not stop a task (dropping its JoinHandle detaches \
                                 it). ",
                                secs(returned)
                            ),
                        )
                    };
                    return Err(Fail::new(
                        kind,
                        format!(
                            "{how}job {failed} failed at {}, and yet {} line(s) came from the \
                             other jobs after that, the last `{}`. At the first failure, abort \
                             the others: `JoinSet::abort_all()` (or let the JoinSet drop), or \
                             `handle.abort()` on each JoinHandle.",
                            secs(ms(fails_at)),
                            late.len(),
                            last.trim_start()
                        ),
                    ));
                }
                let expected: Vec<String> = (1..)
                    .map(|k| k * period)
                    .take_while(|&at| at < fails_at)
                    .enumerate()
                    .map(|(k, at)| {
                        awaitlings::format_line(ms(at), &format!("job 0: tick {}", k + 1))
                    })
                    .collect();
                let expected: Vec<&str> = expected.iter().map(String::as_str).collect();
                expect_lines(&expected)
            },
        ),
        check(
            "fail-fast-all-ok",
            2,
            "fail_fast when every job succeeds: Ok(values in input order), after the slowest job, \
             not after all of them in turn",
            || async {
                let mut r = rng();
                let n = r.count(3..=6);
                let times = scrambled(&mut r, n, 100..=1500);
                let mut values = r.distinct(n, 1..=999, 1);
                // Never increasing: sorted values are not values in their places.
                if values.windows(2).all(|w| w[0] < w[1]) {
                    values.swap(0, n - 1);
                }
                let specs: Vec<Spec> = (0..n).map(|i| Spec::ok(times[i], values[i])).collect();
                let what = format!("fail_fast of {}", describe_jobs(&specs));
                let result = guarded("fail_fast", exercise::fail_fast(jobs_of(&specs))).await?;
                match result {
                    Ok(got) if got == values => {}
                    Ok(got) => {
                        let mut sorted = got.clone();
                        sorted.sort_unstable();
                        let mut wanted = values.clone();
                        wanted.sort_unstable();
                        let mut by_time: Vec<usize> = (0..n).collect();
                        by_time.sort_by_key(|&i| times[i]);
                        let finishing: Vec<u64> = by_time.iter().map(|&i| values[i]).collect();
                        let (kind, why) = if got == finishing {
                            (
                                Kind::WrongOrder,
                                " The values came back in the order the jobs finished: put each \
                                 value in its job's place (carry the index into the task, or \
                                 keep the handles in input order).",
                            )
                        } else if sorted == wanted {
                            (Kind::WrongOrder, " The right values, in another order.")
                        } else {
                            (Kind::WrongValue, "")
                        };
                        return Err(Fail::new(
                            kind,
                            format!(
                                "{what} returned Ok({got:?}), expected Ok({values:?}), the values \
                                 in the order of the jobs.{why}"
                            ),
                        ));
                    }
                    Err(error) => {
                        return Err(Fail::new(
                            Kind::WrongValue,
                            format!(
                                "{what} returned Err({}) although every job succeeded",
                                show_error(&error)
                            ),
                        ));
                    }
                }
                expect_concurrent(&what, slowest(&specs), total(&specs))
            },
        ),
        check(
            "fail-fast-panic-is-an-error",
            2,
            "fail_fast when the first job to fail panics: Err(Panicked(its message)) at the \
             instant of the panic, no panic of its own, and the other jobs stopped",
            || async {
                let mut r = rng();
                let panics_at = r.range(3..=8) * 100;
                let panic = match r.below(3) {
                    0 => Panic::Literal(leak(format!("the {} parser choked", r.name()))),
                    1 => Panic::Formatted(format!("choked on line {}", r.range(2..=999))),
                    _ => Panic::Other(other(&mut r)),
                };
                // Jobs before the panicking one in input order succeed, later than it; jobs after
                // it succeed or fail, later still. Every job but the panicking one says a line.
                let before = r.count(1..=2);
                let after = r.count(1..=2);
                let later = r.distinct(before + after, 1..=10, 1);
                let mut specs: Vec<Spec> = Vec::new();
                for (k, &step) in later.iter().enumerate() {
                    let at = panics_at + step * 100;
                    let does = if k == before {
                        Does::Fail(format!("a later failure of the {}", r.name()))
                    } else {
                        Does::Ok(r.range(1..=999))
                    };
                    if k == before {
                        specs.push(Spec {
                            at: panics_at,
                            does: Does::Panic(panic.clone()),
                            line: false,
                        });
                    }
                    specs.push(Spec {
                        at,
                        does,
                        line: true,
                    });
                }
                let index = before;
                let what = format!("fail_fast of {}", describe_jobs(&specs));
                let result = guarded("fail_fast", exercise::fail_fast(jobs_of(&specs))).await?;
                let took = elapsed();
                let got = show_result(&result);
                let expected_error = show_error_text(&panic.expected());
                let expected = format!("Err({expected_error})");
                if got != expected {
                    return Err(Fail::new(
                        Kind::WrongValue,
                        format!(
                            "{what} returned {got} (after {}), expected {expected}: job {index} \
                             panicked at {}, the first failure. For fail_fast a panic is a \
                             failure like an error: the JoinError becomes a JobError (with the \
                             panic's message), returned like any other.{}",
                            secs(took),
                            secs(ms(panics_at)),
                            conversion_hint(&expected_error, &got)
                        ),
                    ));
                }
                expect_took(
                    &format!("{what}, whose first failure is job {index}'s panic,"),
                    took,
                    ms(panics_at),
                )?;
                // A panic stops the batch as an error does: no later line may come.
                let end = specs.iter().map(|s| s.at).max().unwrap_or(0) + 500;
                sleep(ms(end).saturating_sub(took)).await;
                let lines = transcript();
                expect(
                    lines.is_empty(),
                    Kind::WrongValue,
                    format!(
                        "{what} returned job {index}'s panic at {}, but left the other jobs \
                         running: {} line(s) came after it, the first `{}`. After a panic, as \
                         after an error, abort the others (JoinSet::abort_all, or handle.abort() \
                         on each).",
                        secs(took),
                        lines.len(),
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

/// A message made at run time, as the `&'static str` a literal `panic!` carries.
fn leak(text: String) -> &'static str {
    Box::leak(text.into_boxed_str())
}

/// An error of the check's own, for jobs that fail.
#[derive(Debug)]
struct Oops(String);

impl fmt::Display for Oops {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
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

/// A panic payload of the check's own that is not text.
#[derive(Debug)]
struct ExitCode {
    #[allow(dead_code)]
    code: u16,
}

/// What a panicking job panics with: a literal (`panic!("text")`, a `&'static str` payload), a
/// formatted message (a `String` payload), or a payload that is neither.
#[derive(Clone, Debug)]
enum Panic {
    Literal(&'static str),
    Formatted(String),
    Other(Other),
}

/// Payloads that are not text: `panic_any(42_u32)`, `panic_any(ExitCode { code })`, `panic_any(())`.
#[derive(Clone, Copy, Debug)]
enum Other {
    Number(u32),
    Code(u16),
    Unit,
}

fn other(r: &mut Rng) -> Other {
    match r.below(3) {
        0 => Other::Number(r.range(1..=999) as u32),
        1 => Other::Code(r.range(1..=255) as u16),
        _ => Other::Unit,
    }
}

impl Panic {
    /// How the panic was written, for messages.
    fn code(&self) -> String {
        match self {
            Panic::Literal(text) => format!("`panic!({text:?})` (a &str payload)"),
            Panic::Formatted(text) => {
                format!("a formatted `panic!(..)` saying {text:?} (a String payload)")
            }
            Panic::Other(Other::Number(n)) => {
                format!(
                    "`std::panic::panic_any({n}_u32)` (a payload that is neither &str nor String)"
                )
            }
            Panic::Other(Other::Code(code)) => format!(
                "`std::panic::panic_any(ExitCode {{ code: {code} }})` (a struct as payload, \
                 neither &str nor String)"
            ),
            Panic::Other(Other::Unit) => {
                "`std::panic::panic_any(())` (a payload that is neither &str nor String)".into()
            }
        }
    }

    /// The message the contract gives this panic.
    fn expected(&self) -> String {
        match self {
            Panic::Literal(text) => text.to_string(),
            Panic::Formatted(text) => text.clone(),
            Panic::Other(_) => NO_MESSAGE.to_string(),
        }
    }
}

/// A future that sleeps `millis`, then panics as told.
async fn panics_after(millis: u64, panic: Panic) -> u64 {
    sleep(ms(millis)).await;
    match panic {
        Panic::Literal(text) => std::panic::panic_any(text),
        Panic::Formatted(text) => panic!("{text}"),
        Panic::Other(Other::Number(n)) => std::panic::panic_any(n),
        Panic::Other(Other::Code(code)) => std::panic::panic_any(ExitCode { code }),
        Panic::Other(Other::Unit) => std::panic::panic_any(()),
    }
}

/// What a job does when its time comes.
#[derive(Clone, Debug)]
enum Does {
    Ok(u64),
    Fail(String),
    Panic(Panic),
}

/// A job of a check: after `at` ms it returns a value, fails with `Oops(message)`, or panics;
/// with `line`, a job that returns says so first (`job 2: done`, `job 1: giving up`).
#[derive(Clone, Debug)]
struct Spec {
    at: u64,
    does: Does,
    line: bool,
}

impl Spec {
    fn ok(at: u64, value: u64) -> Spec {
        Spec {
            at,
            does: Does::Ok(value),
            line: false,
        }
    }

    fn fails(at: u64, message: String) -> Spec {
        Spec {
            at,
            does: Does::Fail(message),
            line: false,
        }
    }

    fn value(&self) -> u64 {
        match self.does {
            Does::Ok(value) => value,
            _ => 0,
        }
    }

    /// The outcome the contract gives this job, as [`show`] writes it.
    fn expected(&self) -> String {
        match &self.does {
            Does::Ok(value) => format!("Ok({value})"),
            Does::Fail(message) => format!("Failed({message})"),
            Does::Panic(panic) => show_error_text(&panic.expected()),
        }
    }

    /// The line this job says, if any.
    fn said(&self, index: usize) -> Option<String> {
        match (&self.does, self.line) {
            (Does::Ok(_), true) => Some(format!("job {index}: done")),
            (Does::Fail(_), true) => Some(format!("job {index}: giving up")),
            _ => None,
        }
    }

    fn describe(&self, index: usize) -> String {
        let at = secs(ms(self.at));
        let says = self
            .said(index)
            .map_or(String::new(), |line| format!(", saying `{line}`"));
        match &self.does {
            Does::Ok(value) => format!("job {index} returning Ok({value}) after {at}{says}"),
            Does::Fail(message) => {
                format!("job {index} returning Err(\"{message}\") after {at}{says}")
            }
            Does::Panic(panic) => format!("job {index} panicking after {at} with {}", panic.code()),
        }
    }

    fn job(&self, index: usize) -> Job {
        let (at, does, line) = (self.at, self.does.clone(), self.said(index));
        job(move || async move {
            if let Does::Panic(panic) = does {
                return Ok(panics_after(at, panic).await);
            }
            sleep(ms(at)).await;
            if let Some(line) = line {
                awaitlings::say!("{line}");
            }
            match does {
                Does::Ok(value) => Ok(value),
                Does::Fail(message) => Err(Oops(message).into()),
                Does::Panic(_) => unreachable!("handled above"),
            }
        })
    }
}

fn jobs_of(specs: &[Spec]) -> Vec<Job> {
    specs
        .iter()
        .enumerate()
        .map(|(i, spec)| spec.job(i))
        .collect()
}

fn describe_jobs(specs: &[Spec]) -> String {
    let all: Vec<String> = specs
        .iter()
        .enumerate()
        .map(|(i, spec)| spec.describe(i))
        .collect();
    format!("{} job(s): {}", specs.len(), all.join("; "))
}

fn expected_outcomes(specs: &[Spec]) -> Vec<String> {
    specs.iter().map(Spec::expected).collect()
}

/// The lines the jobs say when every one of them runs to its end.
fn expected_lines(specs: &[Spec]) -> Vec<String> {
    let mut said: Vec<(u64, String)> = specs
        .iter()
        .enumerate()
        .filter_map(|(i, spec)| spec.said(i).map(|line| (spec.at, line)))
        .collect();
    said.sort();
    said.into_iter()
        .map(|(at, line)| awaitlings::format_line(ms(at), &line))
        .collect()
}

/// The time the slowest job takes: what a batch run at once takes.
fn slowest(specs: &[Spec]) -> Duration {
    ms(specs.iter().map(|s| s.at).max().unwrap_or(0))
}

/// The time of every job in turn.
fn total(specs: &[Spec]) -> Duration {
    ms(specs.iter().map(|s| s.at).sum())
}

/// `n` different durations (multiples of 0.1 s in `range` ms), never in increasing order: the
/// order the jobs finish is never their input order.
fn scrambled(r: &mut Rng, n: usize, range: std::ops::RangeInclusive<u64>) -> Vec<u64> {
    let mut times = r.distinct(n, range, 100);
    if times.windows(2).all(|w| w[0] < w[1]) {
        times.swap(0, n - 1);
    }
    times
}

/// Makes a [`Job`] out of a closure returning a future: the checks' own copy of the stub's given
/// `job`, so every job a check hands the student's code is exactly what it says.
fn job<F, Fut>(make: F) -> Job
where
    F: FnOnce() -> Fut + Send + 'static,
    Fut: Future<Output = exercise::JobOutput> + Send + 'static,
{
    Box::new(move || Box::pin(make()))
}

/// A job that sleeps `millis`, then returns `Err(error)`.
fn fails_with<E: Error + Send + Sync + 'static>(millis: u64, error: E) -> Job {
    job(move || async move {
        sleep(ms(millis)).await;
        Err(error.into())
    })
}

/// A job that says `job 0: tick {k}` every `period` ms, `ticks` times, then returns `Ok(0)`.
fn ticker(period: u64, ticks: u32) -> Job {
    job(move || async move {
        for tick in 1..=ticks {
            sleep(ms(period)).await;
            awaitlings::say!("job 0: tick {tick}");
        }
        Ok(0)
    })
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
        JobError::Panicked(message) => show_error_text(message),
        JobError::Cancelled => "Cancelled".to_string(),
    }
}

fn show_error_text(message: &str) -> String {
    format!("Panicked({message:?})")
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
    let no_message = show_error_text(NO_MESSAGE);
    if expected == no_message && got.contains("Panicked(") {
        " That panic's payload is neither a &str nor a String, and the contract gives it the \
         message `a panic without a message`: after trying both text types, fall back to that \
         exact text (not the payload's Debug, not an empty string)."
    } else if wanted_panic && got == no_message {
        " That is the fallback for a payload that is neither &str nor String, but this payload \
         was text: downcast it to `&'static str` (what `panic!(\"literal\")` carries) *and* to \
         `String` (what a formatted `panic!` carries)."
    } else if wanted_panic && got.contains("Panicked(\"task ") {
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
    expected: &[String],
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
    let mut sorted_expected: Vec<String> = expected.to_vec();
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
