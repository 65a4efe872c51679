//! The public checks of exercise 05 gather-vs-wait.
//!
//! Every check hands the functions jobs the check built itself: each job sleeps for its own
//! duration, says `{name} finished` and returns its name, and it is wrapped so that the check sees
//! when it was first polled (started), when it finished, and whether it was dropped unfinished
//! (cancelled: aborted, or its `JoinSet` dropped). Every check but the main one draws its jobs
//! from the run's seed (`rng()`): their names, how many, how long each takes, where the quickest
//! is, the timeout, which job panics. What each expects is worked out from the contract, and a
//! failure names the jobs it drew. No two jobs finish at the same instant, except in
//! `wait-deadline-instant`, where that instant is the point.
//!
//! # The contract, clause by clause, and the checks that fail when it is broken
//!
//! All four functions (src/lib.rs, and the lesson):
//! - start every job before waiting for any, so they run at the same time (the lesson: three
//!   one-second jobs take 1 s together, 3 s one after another; a `map(tokio::spawn)` without
//!   `.collect()` spawns each job only when the loop reaches it): every check that calls a
//!   function with jobs sees each job start at 0.000 s: `gather-runs-together`,
//!   `gather-keeps-input-order`, `as-completed-hands-each-at-once`,
//!   `first-completed-returns-first`, `wait-done-and-pending`, `wait-deadline-instant`.
//!
//! `gather`:
//! - takes as long as the slowest job, not the sum: `gather-runs-together`;
//! - gives the results in the order the jobs were given, whatever order they finish in:
//!   `gather-keeps-input-order` (its jobs never finish in the order given);
//! - returns when the last job finishes: `gather-keeps-input-order`, `gather-runs-together`;
//! - no jobs: an empty Vec, at once: `gather-runs-together`;
//! - a job that panics makes gather panic too: `gather-job-panics`.
//!
//! `as_completed`:
//! - calls `on_each` with each result the moment its job finishes:
//!   `as-completed-hands-each-at-once`;
//! - so in the order the jobs finish, each result once: `as-completed-order`;
//! - returns once every job has finished and `on_each` has seen every result (not later):
//!   `as-completed-hands-each-at-once`;
//! - a job that panics makes it panic too: `as-completed-job-panics`.
//!
//! `first_completed`:
//! - returns the result of the first job to *finish* (not the first in the list), the instant it
//!   finishes, with the others in a `JoinSet`: `first-completed-returns-first` (two rounds, the
//!   quickest job at two different places in the list, so no fixed place passes);
//! - the others keep running with nobody touching the set, finish at their own times, none
//!   cancelled, and `join_next` gives their results later: `first-completed-rest-keep-running`;
//! - dropping (or aborting) the set is the caller's choice: the set owns the jobs, so that
//!   aborting it cancels them: `first-completed-caller-can-abort` (a set of other tasks awaiting
//!   the jobs' handles only detaches the jobs);
//! - `jobs` must not be empty: it panics then: `first-completed-returns-first`;
//! - "the checks never make two jobs finish first at the same instant": a promise of the checks,
//!   kept (their durations all differ).
//!
//! `wait_with_timeout`:
//! - one deadline for all the jobs, `timeout` after the call (the lesson: made once, before the
//!   loop; not a timeout per job): `wait-done-and-pending` (two rounds with two timeouts, so no
//!   fixed timeout passes);
//! - returns as soon as every job is done, if that comes before the deadline:
//!   `wait-done-and-pending`;
//! - returns the results of the jobs done before the deadline: `wait-done-and-pending`;
//! - in the order they finished: `wait-done-in-finishing-order`;
//! - and the other jobs in a `JoinSet`, still running, not aborted, for the caller to await
//!   later: `wait-pending-keep-running` (how many: `wait-done-and-pending`);
//! - ... or to abort: `wait-caller-can-abort`;
//! - a job that panics before the deadline makes it panic too: `wait-job-panics`;
//! - at the deadline instant the time is up: a job finishing at that very instant is pending, in
//!   the set, and `join_next` gives its result at once: `wait-deadline-instant`. At that instant
//!   tokio fires both timers before any task runs, and then runs the tasks in the order their
//!   timers fired: timers of one instant fire in the order they were registered. So the check
//!   plays the scenario 16 times, and in 12 of them the job's timer is registered before the call
//!   (the check makes it, and polls it once), so that the job's task runs first and its result is
//!   ready when the function looks. In those 12 rounds, a `select!` with `join_next` first, or
//!   `timeout_at(deadline, set.join_next())` (which polls `join_next` before its timer), takes
//!   that result every time; a `select!` without `biased;` (the lesson's warning) picks a branch
//!   at random each time, so it passes all 12 under about one seed in 4096; a sweep after the
//!   deadline (`yield_now`, then `try_join_next`) takes it in every round.
//!
//! The lesson's other warnings: dropping a `JoinSet` (or `abort_all`) aborts its tasks, and
//! `timeout` drops the future it gave up on, with any set inside: `*-keep-running`.
//!
//! `run()` and `job()` are given: `run-transcript` (the main check: what `grader run 05` shows)
//! plays the checks' own copy of `run()` (see [`demo`]), calling only the four functions the
//! student writes, and compares its transcript with fixtures/gather-vs-wait/run.txt, so a `run()`
//! that merely replays the expected lines earns nothing.
//!
//! Not checked, and why:
//! - *when* a job's panic reaches the caller: the contract does not say (gather, awaiting the
//!   handles in order, learns of it only when it reaches that handle), so the `*-job-panics`
//!   checks accept a panic at any time until every job could have finished;
//! - "dropping a single `JoinHandle` does not abort its task" and "dropping a `join_next()` future
//!   does not touch the set" are facts about tokio, not promises of the student's code (the
//!   `*-caller-can-abort` checks rely on the first).

use awaitlings::say;
use awaitlings_check::check::secs;
use awaitlings_check::prelude::*;
use std::future::Future;
use std::ops::RangeInclusive;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::task::{Context, Waker};
use std::time::Duration;
use tokio::task::JoinSet;

/// A check's jobs: each one's name (which is also its result) and how long it takes.
type Spec = [(&'static str, Duration)];

pub fn checks() -> Vec<Check> {
    vec![
        check(
            "gather-runs-together",
            2,
            "gather of 3 to 5 jobs of different lengths runs them all at once: it takes as long \
             as the slowest job, not the sum of them all; and gather of no jobs returns [] at once",
            || async {
                let mut r = rng();
                let n = r.count(3..=5);
                let spec = draw_jobs(&mut r, n, 500..=2500);
                let call = format!("gather of {}", describe(&spec));
                let (jobs, watch) = make_jobs(&spec);
                let results = exercise::gather(jobs).await;
                watch.expect_started_together("gather")?;
                expect_concurrent(&call, slowest(&spec), total(&spec))?;
                expect_results_in_given_order(&call, &results, &spec)?;

                // No jobs: nothing to wait for.
                restart();
                // In a task of its own, so that a panic is reported as this part's.
                let task = tokio::task::spawn_local(exercise::gather(Vec::<Job>::new()));
                let results = match within(SECOND, task).await {
                    Some(Ok(results)) => results,
                    Some(Err(error)) if error.is_panic() => {
                        return Err(Fail::new(
                            Kind::Panicked,
                            "gather of no jobs (an empty Vec) panicked: with no job, there is \
                             nothing to wait for, and it returns an empty Vec at once. (A \
                             bounded channel of capacity `jobs.len()` panics when that is 0.)",
                        ));
                    }
                    Some(Err(error)) => {
                        return Err(Fail::new(
                            Kind::WrongValue,
                            format!(
                                "the task running gather of no jobs ended without finishing: \
                                 {error}"
                            ),
                        ));
                    }
                    None => {
                        return Err(Fail::new(
                            Kind::Deadlock,
                            "gather of no jobs (an empty Vec) had not returned after 1.000 s: \
                             with no job, there is nothing to wait for, and it returns an empty \
                             Vec at once. Does it wait for a result, a message or a signal that \
                             only a job could send?",
                        ));
                    }
                };
                let took = elapsed();
                expect(
                    took.is_zero() && results.is_empty(),
                    Kind::WrongTiming,
                    format!(
                        "gather of no jobs (an empty Vec) returned {results:?} after {}, \
                         expected [] at once (0.000 s): with no job, there is nothing to wait \
                         for.",
                        secs(took)
                    ),
                )
            },
        ),
        check(
            "gather-keeps-input-order",
            2,
            "gather of 4 or 5 jobs that finish in another order than given returns their \
             results in the order given, when the slowest job finishes",
            || async {
                let mut r = rng();
                let n = r.count(4..=5);
                let mut spec = draw_jobs(&mut r, n, 300..=3000);
                not_in_finishing_order(&mut spec, &(0..n).collect::<Vec<_>>());
                let call = format!("gather of {}", describe(&spec));
                let (jobs, watch) = make_jobs(&spec);
                let results = exercise::gather(jobs).await;
                watch.expect_started_together("gather")?;
                expect_results_in_given_order(&call, &results, &spec)?;
                expect_elapsed(&call, slowest(&spec))
            },
        ),
        check(
            "gather-job-panics",
            1,
            "when one of gather's jobs panics, gather panics too, instead of returning fewer \
             results or waiting for ever",
            || async {
                let mut r = rng();
                let n = r.count(3..=4);
                let spec = draw_jobs(&mut r, n, 400..=2500);
                let bad = r.count(0..=n - 1);
                let call = format!("gather of {}", describe(&spec));
                let (jobs, watch) = make_jobs_with(&spec, Twists::panics(bad));
                // gather in a task of its own, so that its panic ends that task (an
                // Err(JoinError)), not this check.
                let task = tokio::task::spawn_local(exercise::gather(jobs));
                let outcome = within(total(&spec) + SECOND, task).await;
                let returned = elapsed();
                expect_panic_passed_on(
                    &call,
                    &watch,
                    outcome.map(|o| o.map(|results| format!("returned {results:?}"))),
                    returned,
                    "gather promises one result per job, and a job that panicked has none: \
                     `.expect(..)` each JoinHandle's result (the JoinError) instead of skipping \
                     it (`if let Ok(..)`, `.ok()`, `filter_map`, `flatten`)",
                )
            },
        ),
        check(
            "as-completed-order",
            2,
            "as_completed of 4 or 5 jobs that finish in another order than given hands their \
             results to on_each in the order they finish, each exactly once",
            || async {
                let mut r = rng();
                let n = r.count(4..=5);
                let mut spec = draw_jobs(&mut r, n, 300..=3000);
                not_in_finishing_order(&mut spec, &(0..n).collect::<Vec<_>>());
                let call = format!("as_completed of {}", describe(&spec));
                let (jobs, _watch) = make_jobs(&spec);
                let handed = Arc::new(Mutex::new(Vec::new()));
                let sink = handed.clone();
                exercise::as_completed(jobs, move |name| sink.lock().unwrap().push(name)).await;
                let handed: Vec<&str> = handed.lock().unwrap().clone();
                let expected = in_finishing_order(&spec);
                if handed == expected {
                    return Ok(());
                }
                if !same_names(&handed, &expected) {
                    return Err(Fail::new(
                        Kind::WrongValue,
                        format!(
                            "{call} should call on_each once per job, with its result: expected \
                             {expected:?} (in some order), but on_each got {handed:?}. Every \
                             job's result must reach on_each exactly once."
                        ),
                    ));
                }
                let why = if handed == names(&spec) {
                    " That is the order the jobs were given: were the jobs (or their handles) \
                     awaited one by one, in turn? A JoinSet's join_next gives whichever job \
                     finishes next."
                } else {
                    ""
                };
                Err(Fail::new(
                    Kind::WrongOrder,
                    format!(
                        "{call} should hand the results over in the order the jobs finish, \
                         {expected:?}, but on_each got {handed:?}.{why}"
                    ),
                ))
            },
        ),
        check(
            "as-completed-hands-each-at-once",
            2,
            "as_completed calls on_each with each result the instant its job finishes, not \
             later, and returns right after the last one",
            || async {
                let mut r = rng();
                let n = r.count(3..=5);
                let spec = draw_jobs(&mut r, n, 300..=3000);
                let call = format!("as_completed of {}", describe(&spec));
                let (jobs, watch) = make_jobs(&spec);
                let handed = Arc::new(Mutex::new(Vec::new()));
                let sink = handed.clone();
                exercise::as_completed(jobs, move |name: &'static str| {
                    sink.lock().unwrap().push((name, elapsed()))
                })
                .await;
                let returned = elapsed();
                judged(returned);
                watch.expect_started_together("as_completed")?;
                let handed: Vec<(&str, Duration)> = handed.lock().unwrap().clone();
                for &(name, takes) in &spec {
                    let Some(&(_, at)) = handed.iter().find(|&&(n, _)| n == name) else {
                        return Err(Fail::new(
                            Kind::WrongValue,
                            format!(
                                "{call} never handed `{name}` to on_each (it got {:?}): every \
                                 job's result must reach on_each.",
                                handed.iter().map(|&(n, _)| n).collect::<Vec<_>>()
                            ),
                        ));
                    };
                    expect(
                        at == takes,
                        Kind::WrongTiming,
                        format!(
                            "{call}: on_each got `{name}` at {}, but its job finished at {}: {}. \
                             as_completed should hand each result over the moment its job \
                             finishes, so the caller can act on it while the others still run \
                             (await the next job to finish, e.g. JoinSet::join_next, and call \
                             on_each right away, inside the loop).",
                            secs(at),
                            secs(takes),
                            if at > takes {
                                "it was held back"
                            } else {
                                "before it existed"
                            }
                        ),
                    )?;
                }
                expect(
                    returned == slowest(&spec),
                    Kind::WrongTiming,
                    format!(
                        "{call} returned at {}, expected {}: right after on_each got the last \
                         result (the slowest job's).",
                        secs(returned),
                        secs(slowest(&spec))
                    ),
                )
            },
        ),
        check(
            "as-completed-job-panics",
            1,
            "when one of as_completed's jobs panics, as_completed panics too, instead of \
             skipping that job or stopping quietly",
            || async {
                let mut r = rng();
                let n = r.count(3..=4);
                let spec = draw_jobs(&mut r, n, 400..=2500);
                let bad = r.count(0..=n - 1);
                let call = format!("as_completed of {}", describe(&spec));
                let (jobs, watch) = make_jobs_with(&spec, Twists::panics(bad));
                let handed = Arc::new(Mutex::new(Vec::new()));
                let sink = handed.clone();
                let task = tokio::task::spawn_local(exercise::as_completed(jobs, move |name| {
                    sink.lock().unwrap().push(name)
                }));
                let outcome = within(total(&spec) + SECOND, task).await;
                let returned = elapsed();
                let handed: Vec<&str> = handed.lock().unwrap().clone();
                let others: Vec<&str> = names(&spec)
                    .into_iter()
                    .filter(|&name| name != spec[bad].0)
                    .collect();
                let advice = if same_names(&handed, &others) {
                    "on_each got every other job's result: the panicked job's Err was skipped \
                     (`if let Ok(..)`, `.ok()`). `.expect(..)` each JoinSet result instead"
                } else {
                    "on_each did not get every other job's result either: the loop stopped at \
                     the panicked job's Err (`while let Some(Ok(..))` ends at the first Err, and \
                     the JoinSet dropped on the way out aborted the jobs still running). \
                     `.expect(..)` each JoinSet result instead"
                };
                expect_panic_passed_on(
                    &call,
                    &watch,
                    outcome.map(|o| o.map(|()| format!("returned, on_each having got {handed:?}"))),
                    returned,
                    advice,
                )
            },
        ),
        check(
            "first-completed-returns-first",
            2,
            "first_completed returns the result of the job that finishes first, the instant it \
             finishes, wherever it is in the list, with the others in its JoinSet; of no jobs, \
             it panics",
            || async {
                let mut r = rng();
                let n = r.count(3..=4);
                // Two rounds, with the quickest job at two different places in the list.
                let places = r.distinct(2, 0..=n as u64 - 1, 1);
                for (round, &place) in places.iter().enumerate() {
                    if round > 0 {
                        restart();
                    }
                    let mut spec = draw_jobs(&mut r, n, 300..=2500);
                    let quickest = (0..n).min_by_key(|&i| spec[i].1).unwrap_or(0);
                    spec.swap(quickest, place as usize);
                    let (name, takes) = spec[place as usize];
                    let call = format!("first_completed of {}", describe(&spec));
                    let (jobs, watch) = make_jobs(&spec);
                    let (first, rest) = exercise::first_completed(jobs).await;
                    let returned = elapsed();
                    judged(returned);
                    watch.expect_started_together("first_completed")?;
                    if first != name {
                        let which = match spec.iter().position(|&(n, _)| n == first) {
                            Some(0) => " That is the first job in the list.".to_string(),
                            Some(i) => format!(
                                " That is job number {} in the list, which finishes at {}.",
                                i + 1,
                                secs(spec[i].1)
                            ),
                            None => " That is none of the jobs' results.".to_string(),
                        };
                        return Err(Fail::new(
                            Kind::WrongValue,
                            format!(
                                "{call} returned `{first}` (at {}), expected `{name}`, the job \
                                 that finishes first ({}).{which} `first` means first to \
                                 finish, not first in the list: wait for whichever job finishes \
                                 next (JoinSet::join_next).",
                                secs(returned),
                                secs(takes)
                            ),
                        ));
                    }
                    expect(
                        returned == takes,
                        Kind::WrongTiming,
                        format!(
                            "{call} returned at {}, expected {}, the instant the first job \
                             finished. {}",
                            secs(returned),
                            secs(takes),
                            if returned > takes {
                                "It waited for more than the first job: return as soon as one \
                                 job is done, and leave the others running in the set."
                            } else {
                                "It returned before any job had finished."
                            }
                        ),
                    )?;
                    expect(
                        rest.len() == n - 1,
                        Kind::WrongValue,
                        format!(
                            "{call} returned `{first}` and a JoinSet of {} job(s), expected {}: \
                             every job but the first, still running.{}",
                            rest.len(),
                            n - 1,
                            if rest.is_empty() {
                                " Hand back the JoinSet the jobs were spawned into."
                            } else {
                                ""
                            }
                        ),
                    )?;
                    drop(rest);
                }

                // No jobs: there is no first one to wait for, and the contract says it panics.
                restart();
                let task = tokio::task::spawn_local(exercise::first_completed(Vec::<Job>::new()));
                match within(SECOND, task).await {
                    Some(Err(error)) if error.is_panic() => {
                        if is_not_implemented(error) {
                            return Err(Fail::new(Kind::Panicked, ""));
                        }
                        forget_panics();
                        Ok(())
                    }
                    None => Err(Fail::new(
                        Kind::Deadlock,
                        "first_completed of no jobs (an empty Vec) had neither returned nor \
                         panicked after 1.000 s: with no job there is no first one to wait for, \
                         and the contract says it panics. An empty JoinSet's join_next gives \
                         None at once: `.expect(..)` it.",
                    )),
                    Some(Err(error)) => Err(Fail::new(
                        Kind::WrongValue,
                        format!(
                            "the task running first_completed of no jobs ended without \
                             finishing: {error}"
                        ),
                    )),
                    Some(Ok((_, rest))) => Err(Fail::new(
                        Kind::WrongValue,
                        format!(
                            "first_completed of no jobs (an empty Vec) returned (a result and a \
                             set of {} job(s)): with no job there is no first result to return, \
                             and the contract says it panics.",
                            rest.len()
                        ),
                    )),
                }
            },
        )
        .stall_advice(
            "A blocking call (std::thread::sleep, a blocking lock or channel) holds the runtime's \
             only thread: use tokio's own (tokio::time::sleep, tokio::sync).",
            "A loop that never awaits starves every other task. If it spun in this check's \
             last part, first_completed of no jobs: an empty JoinSet's join_next gives None at \
             once, every time, so a loop that retries it until it gives Some never ends. With no \
             jobs there is no first one: panic (`.expect(..)` the None).",
        ),
        check(
            "first-completed-rest-keep-running",
            3,
            "after first_completed returns, the other jobs keep running with nobody awaiting \
             them, finish at their own times, none cancelled, and the caller gets their results \
             from the set later",
            || async {
                let mut r = rng();
                let n = r.count(3..=5);
                let spec = draw_jobs(&mut r, n, 300..=3000);
                let call = format!("first_completed of {}", describe(&spec));
                let (jobs, watch) = make_jobs(&spec);
                let (first, rest) = exercise::first_completed(jobs).await;
                let returned = elapsed();
                // Leave the set alone: tasks run on their own, whether or not anyone awaits them.
                sleep_until(slowest(&spec) + HALF_A_SECOND).await;
                watch.expect_none_cancelled("first_completed", returned)?;
                let later = drain(rest).await;
                let mut expected: Vec<&str> = names(&spec)
                    .into_iter()
                    .filter(|&name| name != first)
                    .collect();
                expected.sort();
                let got = later.names();
                expect(
                    got == expected,
                    Kind::WrongValue,
                    format!(
                        "{call} returned `{first}` and a JoinSet that gave {got:?} when awaited \
                         later, expected the other jobs, {expected:?}. {}",
                        about_the_set(&got, "that had not finished first")
                    ),
                )?;
                later.expect_not_aborted("first_completed")?;
                watch.expect_finished_on_time("first_completed")
            },
        ),
        check(
            "first-completed-caller-can-abort",
            2,
            "the JoinSet first_completed returns owns the jobs still running: when the caller \
             aborts it (abort_all, or dropping it), those jobs are cancelled then",
            || async {
                let mut r = rng();
                let n = r.count(3..=5);
                let spec = draw_jobs(&mut r, n, 300..=3000);
                let mut ends: Vec<Duration> = spec.iter().map(|&(_, takes)| takes).collect();
                ends.sort();
                // The caller aborts the set between two jobs' ends, after the first one.
                let finished_before = r.count(1..=n - 1);
                let abort_at = ends[finished_before - 1] + Duration::from_millis(50);
                let by_drop = r.chance(1, 2);
                let call = format!("first_completed of {}", describe(&spec));
                let (jobs, watch) = make_jobs(&spec);
                let (_first, rest) = exercise::first_completed(jobs).await;
                sleep_until(abort_at).await;
                let aborted_at = elapsed();
                let (kept, how) = abort(rest, by_drop);
                sleep_until(slowest(&spec) + HALF_A_SECOND).await;
                drop(kept);
                watch.expect_cancelled_by(&call, aborted_at, how)
            },
        ),
        check(
            "wait-done-and-pending",
            2,
            "wait_with_timeout returns at the deadline with the results of the jobs done by \
             then and the others in its JoinSet (two rounds, two timeouts); when every job is \
             done before the deadline, it returns as soon as the last one is",
            || async {
                let mut r = rng();
                let timeouts = r.distinct_millis(2, 1000..=3000, 100);
                for (round, &timeout) in timeouts.iter().enumerate() {
                    if round > 0 {
                        restart();
                    }
                    let (before, after) = (r.count(1..=2), r.count(1..=2));
                    let spec = draw_race(&mut r, timeout, before, 0, after);
                    let call = wait_call(&spec, timeout);
                    let (jobs, watch) = make_jobs(&spec);
                    let (done, pending) = exercise::wait_with_timeout(jobs, timeout).await;
                    let returned = elapsed();
                    watch.expect_started_together("wait_with_timeout")?;
                    expect_returned_at(&call, returned, timeout, true)?;
                    expect_done_names(&call, &done, &spec, timeout)?;
                    expect_pending(&call, pending.len(), after)?;
                    drop(pending);
                }

                // All done before the deadline: no reason to wait for it.
                restart();
                let timeout = r.millis(3000..=6000, 100);
                let n = r.count(2..=3);
                let spec = draw_jobs(&mut r, n, 200..=2000);
                let call = wait_call(&spec, timeout);
                let (jobs, _watch) = make_jobs(&spec);
                let (done, pending) = exercise::wait_with_timeout(jobs, timeout).await;
                let returned = elapsed();
                expect_returned_at(&call, returned, slowest(&spec), false)?;
                expect_done_names(&call, &done, &spec, timeout)?;
                expect_pending(&call, pending.len(), 0)
            },
        ),
        check(
            "wait-done-in-finishing-order",
            1,
            "wait_with_timeout gives the results done by the deadline in the order the jobs \
             finished, not the order they were given",
            || async {
                let mut r = rng();
                let timeout = r.millis(1500..=3000, 100);
                let (before, after) = (r.count(2..=4), r.count(1..=2));
                let mut spec = draw_race(&mut r, timeout, before, 0, after);
                let early: Vec<usize> = (0..spec.len()).filter(|&i| spec[i].1 < timeout).collect();
                not_in_finishing_order(&mut spec, &early);
                let call = wait_call(&spec, timeout);
                let (jobs, _watch) = make_jobs(&spec);
                let (done, pending) = exercise::wait_with_timeout(jobs, timeout).await;
                drop(pending);
                expect_done_names(&call, &done, &spec, timeout)?;
                let expected: Vec<&str> =
                    in_finishing_order(&spec).into_iter().take(before).collect();
                let given: Vec<&str> = early.iter().map(|&i| spec[i].0).collect();
                expect(
                    done == expected,
                    Kind::WrongOrder,
                    format!(
                        "{call} returned {done:?} done, expected {expected:?}: the results of \
                         the jobs done by the deadline, in the order they finished.{}",
                        if done == given {
                            " That is the order the jobs were given: were the results sorted \
                             back into the jobs' order, or taken from the handles in turn once \
                             time was up? Push each result the moment join_next gives it."
                        } else {
                            ""
                        }
                    ),
                )
            },
        ),
        check(
            "wait-pending-keep-running",
            2,
            "the jobs still pending when wait_with_timeout returns keep running with nobody \
             awaiting them, finish at their own times, none cancelled, and the caller gets their \
             results from the set later",
            || async {
                let mut r = rng();
                let timeout = r.millis(1000..=3000, 100);
                let (before, after) = (r.count(1..=2), r.count(2..=3));
                let spec = draw_race(&mut r, timeout, before, 0, after);
                let call = wait_call(&spec, timeout);
                let (jobs, watch) = make_jobs(&spec);
                let (done, pending) = exercise::wait_with_timeout(jobs, timeout).await;
                let returned = elapsed();
                // Leave the set alone until every job should be done.
                sleep_until(slowest(&spec) + HALF_A_SECOND).await;
                watch.expect_none_cancelled("wait_with_timeout", returned)?;
                let later = drain(pending).await;
                let got = later.names();
                let mut expected: Vec<&str> = spec
                    .iter()
                    .filter(|&&(_, takes)| takes > timeout)
                    .map(|&(name, _)| name)
                    .collect();
                expected.sort();
                expect(
                    got == expected,
                    Kind::WrongValue,
                    format!(
                        "{call} returned {done:?} done and a set of pending jobs that gave \
                         {got:?} when awaited later, expected {expected:?}. {}",
                        about_the_set(&got, "not done by the deadline")
                    ),
                )?;
                later.expect_not_aborted("wait_with_timeout")?;
                watch.expect_finished_on_time("wait_with_timeout")
            },
        ),
        check(
            "wait-caller-can-abort",
            2,
            "the JoinSet wait_with_timeout returns owns the pending jobs: when the caller aborts \
             it (abort_all, or dropping it), those jobs are cancelled then",
            || async {
                let mut r = rng();
                let timeout = r.millis(1000..=3000, 100);
                let (before, after) = (r.count(1..=2), r.count(2..=3));
                let spec = draw_race(&mut r, timeout, before, 0, after);
                let mut late: Vec<Duration> = spec
                    .iter()
                    .map(|&(_, takes)| takes)
                    .filter(|&takes| takes > timeout)
                    .collect();
                late.sort();
                // The caller aborts the set after the deadline, before the last job's end.
                let finished_before = r.count(0..=after - 1);
                let abort_at = match finished_before {
                    0 => timeout,
                    k => late[k - 1],
                } + Duration::from_millis(50);
                let by_drop = r.chance(1, 2);
                let call = wait_call(&spec, timeout);
                let (jobs, watch) = make_jobs(&spec);
                let (_done, pending) = exercise::wait_with_timeout(jobs, timeout).await;
                sleep_until(abort_at).await;
                let aborted_at = elapsed();
                let (kept, how) = abort(pending, by_drop);
                sleep_until(slowest(&spec) + HALF_A_SECOND).await;
                drop(kept);
                watch.expect_cancelled_by(&call, aborted_at, how)
            },
        ),
        check(
            "wait-deadline-instant",
            2,
            "a job that finishes exactly at wait_with_timeout's deadline is pending, every time: \
             16 rounds, in most of which that job's task runs before the caller's at that instant",
            || async {
                let mut r = rng();
                for round in 1..=DEADLINE_ROUNDS {
                    if round > 1 {
                        restart();
                    }
                    // Three rounds in four, the job finishing at the deadline has its timer
                    // registered before the call: at that instant it fires first, so the job's
                    // task runs (and its result is ready in the set) before the caller's task
                    // runs. In the others it registers its timer when it starts, and the caller
                    // may run first.
                    let early_timer = round % 4 != 0;
                    let timeout = r.millis(1000..=3000, 100);
                    let (before, after) = (r.count(1..=2), r.count(1..=2));
                    let spec = draw_race(&mut r, timeout, before, 1, after);
                    let at = spec
                        .iter()
                        .position(|&(_, takes)| takes == timeout)
                        .unwrap_or(0);
                    let exact = spec[at].0;
                    let call = wait_call(&spec, timeout);
                    let twists = Twists {
                        early_timer: early_timer.then_some(at),
                        ..Twists::default()
                    };
                    let (jobs, watch) = make_jobs_with(&spec, twists);
                    let (done, mut pending) = exercise::wait_with_timeout(jobs, timeout).await;
                    let returned = elapsed();
                    watch.expect_started_together("wait_with_timeout")?;
                    expect_returned_at(&call, returned, timeout, true)?;
                    if done.contains(&exact) {
                        let order = if early_timer {
                            format!(
                                "In this round (round {round} of {DEADLINE_ROUNDS}) the job's \
                                 timer was registered before the call, so at {} its task ran \
                                 before yours, and its result was already in the set when your \
                                 code looked: at that instant the deadline and that result are \
                                 both ready. Look at the deadline first: `select!` with \
                                 `biased;` and the deadline's branch written first. Without \
                                 `biased;`, select! picks one of the ready branches at random; \
                                 `timeout` and `timeout_at` poll the future they wrap before \
                                 their timer; a `biased;` select! with join_next first takes \
                                 the result.",
                                secs(timeout)
                            )
                        } else {
                            format!(
                                "In this round (round {round} of {DEADLINE_ROUNDS}) the job's \
                                 timer was registered after yours, so at {} your task could run \
                                 before the job's: its result came after the deadline had fired. \
                                 Once the deadline fires, stop: don't let other tasks run \
                                 (`yield_now`) and sweep up what finished meanwhile \
                                 (`try_join_next`).",
                                secs(timeout)
                            )
                        };
                        return Err(Fail::new(
                            Kind::WrongValue,
                            format!(
                                "{call} returned {done:?} done, with `{exact}` among them: \
                                 `{exact}` finished at {}, the deadline instant, and the \
                                 contract says the time is up then, so it is pending (in the \
                                 set, its result ready).",
                                secs(timeout)
                            ),
                        )
                        .then(order));
                    }
                    expect_done_names(&call, &done, &spec, timeout)?;
                    expect_pending(&call, pending.len(), after + 1)?;
                    // Its result is in the set, ready: join_next gives it at once (the other
                    // pending jobs finish 0.1 s or more later).
                    let next = within(Duration::from_millis(50), pending.join_next()).await;
                    let now = elapsed();
                    match next {
                        Some(Some(Ok(name))) if name == exact && now == timeout => {}
                        next => {
                            let got = match next {
                                None => "nothing within 0.050 s".to_string(),
                                Some(None) => "None (the set was empty)".to_string(),
                                Some(Some(Ok(name))) => format!("`{name}` at {}", secs(now)),
                                Some(Some(Err(error))) => format!("an error: {error}"),
                            };
                            return Err(Fail::new(
                                Kind::WrongValue,
                                format!(
                                    "{call} returned `{exact}` pending, as it should, but \
                                     join_next on the set it returned gave {got}, expected \
                                     `{exact}`'s result at once, at {}: the job finished at the \
                                     deadline, so its result waits in the set. Return the \
                                     JoinSet the jobs were spawned into.",
                                    secs(timeout)
                                ),
                            ));
                        }
                    }
                    drop(pending);
                }
                Ok(())
            },
        ),
        check(
            "wait-job-panics",
            1,
            "when a job of wait_with_timeout panics before the deadline, wait_with_timeout \
             panics too, instead of returning as if nothing happened",
            || async {
                let mut r = rng();
                let timeout = r.millis(1500..=3000, 100);
                let (before, after) = (r.count(2..=3), r.count(1..=2));
                let spec = draw_race(&mut r, timeout, before, 0, after);
                let early: Vec<usize> = (0..spec.len()).filter(|&i| spec[i].1 < timeout).collect();
                let bad = *r.pick(&early);
                let call = wait_call(&spec, timeout);
                let (jobs, watch) = make_jobs_with(&spec, Twists::panics(bad));
                let task = tokio::task::spawn_local(exercise::wait_with_timeout(jobs, timeout));
                let outcome = within(total(&spec) + SECOND, task).await;
                let returned = elapsed();
                expect_panic_passed_on(
                    &call,
                    &watch,
                    outcome.map(|o| {
                        o.map(|(done, pending)| {
                            format!("returned {done:?} done and {} pending", pending.len())
                        })
                    }),
                    returned,
                    "A job that panics before the deadline makes wait_with_timeout panic too: \
                     `.expect(..)` each result join_next gives, instead of skipping an Err or \
                     taking it for the end of the jobs (`Some(Ok(..)) => .., _ => break` stops \
                     at the first Err as if every job were done)",
                )
            },
        ),
        check(
            "run-transcript",
            3,
            "the demo (the checks' own copy of run()) waits for the same jobs in each of the four \
             ways, every line at its exact virtual time",
            || async {
                demo::run().await;
                expect_transcript("run").map_err(name_the_part)
            },
        )
        .main(),
    ]
}

const SECOND: Duration = Duration::from_secs(1);
const HALF_A_SECOND: Duration = Duration::from_millis(500);
/// How many times `wait-deadline-instant` plays its scenario: enough that a choice made at random
/// (an unbiased `select!`) is caught under every seed.
const DEADLINE_ROUNDS: usize = 16;

/// Sleeps until `at` after the check (or its last restart) began.
async fn sleep_until(at: Duration) {
    let now = elapsed();
    if now < at {
        tokio::time::sleep(at - now).await;
    }
}

/// `n` jobs with different names and different lengths, in `millis` (multiples of 0.1 s), in
/// random order.
fn draw_jobs(r: &mut Rng, n: usize, millis: RangeInclusive<u64>) -> Vec<(&'static str, Duration)> {
    let names = r.names(n);
    let takes = r.distinct_millis(n, millis, 100);
    names.into_iter().zip(takes).collect()
}

/// Jobs for `wait_with_timeout(.., timeout)`, in random order: `before` that finish before the
/// deadline, `at` that finish at its very instant, `after` that finish after it (0.1 s to 2 s
/// after). No two finish at the same instant.
fn draw_race(
    r: &mut Rng,
    timeout: Duration,
    before: usize,
    at: usize,
    after: usize,
) -> Vec<(&'static str, Duration)> {
    let deadline = timeout.as_millis() as u64;
    let mut takes = r.distinct_millis(before, 200..=deadline - 100, 100);
    takes.extend(std::iter::repeat_n(timeout, at));
    takes.extend(r.distinct_millis(after, deadline + 100..=deadline + 2000, 100));
    let names = r.names(takes.len());
    let mut spec: Vec<_> = names.into_iter().zip(takes).collect();
    r.shuffle(&mut spec);
    spec
}

/// Puts the jobs at `places` (two or more) in another order than the one they finish in, if they
/// were in that order: so that a result in the order given and one in finishing order differ.
fn not_in_finishing_order(spec: &mut [(&'static str, Duration)], places: &[usize]) {
    if places.windows(2).all(|w| spec[w[0]].1 < spec[w[1]].1) {
        let jobs: Vec<_> = places.iter().map(|&i| spec[i]).collect();
        for (&place, job) in places.iter().zip(jobs.into_iter().rev()) {
            spec[place] = job;
        }
    }
}

/// "jobs `amber` 1.300 s, `basil` 0.400 s and `cedar` 2.100 s": the inputs, for messages.
fn describe(spec: &Spec) -> String {
    let parts: Vec<String> = spec
        .iter()
        .map(|&(name, takes)| format!("`{name}` {}", secs(takes)))
        .collect();
    match parts.split_last() {
        None => "no jobs".to_string(),
        Some((last, [])) => format!("the job {last}"),
        Some((last, rest)) => format!("jobs {} and {last}", rest.join(", ")),
    }
}

fn wait_call(spec: &Spec, timeout: Duration) -> String {
    format!(
        "wait_with_timeout({}, timeout {})",
        describe(spec),
        secs(timeout)
    )
}

fn names(spec: &Spec) -> Vec<&'static str> {
    spec.iter().map(|&(name, _)| name).collect()
}

fn slowest(spec: &Spec) -> Duration {
    spec.iter()
        .map(|&(_, takes)| takes)
        .max()
        .unwrap_or_default()
}

fn total(spec: &Spec) -> Duration {
    spec.iter().map(|&(_, takes)| takes).sum()
}

/// The names of `spec`, in the order its jobs finish.
fn in_finishing_order(spec: &Spec) -> Vec<&'static str> {
    let mut sorted = spec.to_vec();
    sorted.sort_by_key(|&(_, takes)| takes);
    sorted.into_iter().map(|(name, _)| name).collect()
}

fn same_names(a: &[&str], b: &[&str]) -> bool {
    let (mut a, mut b) = (a.to_vec(), b.to_vec());
    a.sort();
    b.sort();
    a == b
}

/// Whether a task's panic is a `todo!()` (or `unimplemented!()`): the stub, not a mistake.
fn is_not_implemented(error: tokio::task::JoinError) -> bool {
    let payload = error.into_panic();
    let text = payload
        .downcast_ref::<String>()
        .map(String::as_str)
        .or_else(|| payload.downcast_ref::<&str>().copied())
        .unwrap_or_default();
    text.starts_with("not yet implemented") || text.starts_with("not implemented")
}

/// `results` should be the names of `spec`, in the order given.
fn expect_results_in_given_order(
    call: &str,
    results: &[&'static str],
    spec: &Spec,
) -> Result<(), Fail> {
    let given = names(spec);
    if results == given.as_slice() {
        return Ok(());
    }
    if !same_names(results, &given) {
        return Err(Fail::new(
            Kind::WrongValue,
            format!(
                "{call} returned {results:?}, expected {given:?}: one result per job, each job's \
                 own."
            ),
        ));
    }
    let why = if results == in_finishing_order(spec).as_slice() {
        " That is the order the jobs finished in: JoinSet::join_next gives results as they come. \
         Remember each job's index and put its result back in its place (or spawn them all, then \
         await the handles in the order given)."
    } else {
        ""
    };
    Err(Fail::new(
        Kind::WrongOrder,
        format!(
            "{call} returned the right results in the wrong order: {results:?}, expected \
             {given:?}, the order the jobs were given, whatever order they finish in.{why}"
        ),
    ))
}

/// wait_with_timeout should have returned at `at`: the deadline (`deadline`), or the end of the
/// last job, when every job finished before the deadline.
fn expect_returned_at(
    call: &str,
    returned: Duration,
    at: Duration,
    deadline: bool,
) -> Result<(), Fail> {
    judged(returned);
    if returned == at {
        return Ok(());
    }
    let why = match (deadline, returned > at) {
        (true, true) => {
            "It waited past the deadline: measure one deadline for all the jobs, from the call, \
             and make it once, before the loop (a timeout per job, or a new sleep(timeout) at \
             each turn of the loop, starts the count again), and don't wait for every job to \
             finish."
        }
        (true, false) => {
            "It returned before the deadline although some jobs were still running: is its \
             deadline the `timeout` this call was given, counted from the call?"
        }
        (false, true) => {
            "Every job was done before the deadline: then it returns as soon as the last one \
             finishes, instead of sleeping out the timeout (wait for the next job OR the \
             deadline, whichever comes first, and stop when join_next gives None)."
        }
        (false, false) => "It returned before every job was done.",
    };
    Err(Fail::new(
        Kind::WrongTiming,
        format!(
            "{call} returned at {}, expected {} ({}). {why}",
            secs(returned),
            secs(at),
            if deadline {
                "the deadline, the timeout after the call"
            } else {
                "when the last job finished"
            }
        ),
    ))
}

/// `done` should hold the results of the jobs of `spec` that finish before `timeout`, in any
/// order (the order has a check of its own).
fn expect_done_names(
    call: &str,
    done: &[&'static str],
    spec: &Spec,
    timeout: Duration,
) -> Result<(), Fail> {
    let expected: Vec<&str> = in_finishing_order(spec)
        .into_iter()
        .filter(|&name| spec.iter().any(|&(n, takes)| n == name && takes < timeout))
        .collect();
    expect(
        same_names(done, &expected),
        Kind::WrongValue,
        format!(
            "{call} returned {done:?} done, expected {expected:?}: the results of the jobs that \
             finished before the deadline, and no other."
        ),
    )
}

fn expect_pending(call: &str, pending: usize, expected: usize) -> Result<(), Fail> {
    expect(
        pending == expected,
        Kind::WrongValue,
        format!(
            "the JoinSet of pending jobs {call} returned held {pending} job(s), expected \
             {expected}: every job not done by the deadline, still running, and no other."
        ),
    )
}

/// Judges a call made in a task of its own while one of its jobs panics: `outcome` is `None` if
/// that task had not ended by the check's limit, else how it ended (`Ok`: what it returned, put
/// in words). `advice`: how the returning mistake is usually made, and its fix.
fn expect_panic_passed_on(
    call: &str,
    watch: &Watch,
    outcome: Option<Result<String, tokio::task::JoinError>>,
    now: Duration,
    advice: &str,
) -> Result<(), Fail> {
    let (bad, panicked_at) = watch.panicked();
    let job = match panicked_at {
        Some(at) => format!("the job `{bad}` panicked at {}", secs(at)),
        None => format!("the job `{bad}` was to panic when its time was up"),
    };
    match outcome {
        Some(Err(error)) if error.is_panic() => {
            // A panic before the job's is the function's own (or the stub's todo!()): the
            // harness reports it, with its message.
            expect(panicked_at.is_some(), Kind::Panicked, "")?;
            // Both panics, the job's and the function's, were the point: not news for the report.
            forget_panics();
            Ok(())
        }
        Some(Err(error)) => Err(Fail::new(
            Kind::WrongValue,
            format!("the task running {call} ended without finishing: {error}"),
        )),
        Some(Ok(returned)) => {
            forget_panics();
            Err(Fail::new(
                Kind::WrongValue,
                format!(
                    "{call} {returned} at {}, although {job}: a job's panic must reach the \
                     caller, the function panics too. The panic was dropped. {advice}.",
                    secs(now)
                ),
            ))
        }
        None if panicked_at.is_none() => Err(Fail::new(
            Kind::Deadlock,
            format!(
                "{call} had neither returned nor panicked at {}, and the job `{bad}`, which \
                 takes {}, had not even finished: it was never run to its end. Start every job \
                 (spawn them all) before waiting for any.",
                secs(now),
                secs(watch.takes(bad))
            ),
        )),
        None => {
            forget_panics();
            Err(Fail::new(
                Kind::Deadlock,
                format!(
                    "{call} had neither returned nor panicked at {}, although {job}: it waits \
                     for something the panicked job will never give (its result, a message it \
                     would have sent). A job's panic must reach the caller: `.expect(..)` the \
                     JoinError that awaiting its task gives.",
                    secs(now)
                ),
            ))
        }
    }
}

/// The caller's abort: `abort_all()` on the set (kept, returned), or dropping it. And the words
/// for it.
fn abort(
    mut set: JoinSet<&'static str>,
    by_drop: bool,
) -> (Option<JoinSet<&'static str>>, &'static str) {
    if by_drop {
        drop(set);
        (None, "dropped the JoinSet")
    } else {
        set.abort_all();
        (Some(set), "called abort_all() on the JoinSet")
    }
}

// ---------------------------------------------------------------------------------------------
// The check's jobs, and what it sees of them (the check API's `watched`: when each job started,
// finished, or was dropped unfinished).

/// One of the check's jobs, watched: sleeps, says `{name} finished`, returns its name.
type Job = Watched<Pin<Box<dyn Future<Output = &'static str> + Send>>>;

/// What a job may do besides sleeping and returning its name.
#[derive(Clone, Copy, Default)]
struct Twists {
    /// This job panics when its time is up, instead of returning.
    panics: Option<usize>,
    /// This job's timer is made and registered with tokio before the function under test is
    /// called. Timers of one instant fire in the order they were registered, so at its instant
    /// it fires before any timer the function makes, and the job's task runs first.
    early_timer: Option<usize>,
}

impl Twists {
    fn panics(job: usize) -> Twists {
        Twists {
            panics: Some(job),
            ..Twists::default()
        }
    }
}

/// The jobs of `spec`, and the [`Watch`] that sees what becomes of them.
fn make_jobs(spec: &Spec) -> (Vec<Job>, Watch) {
    make_jobs_with(spec, Twists::default())
}

fn make_jobs_with(spec: &Spec, twists: Twists) -> (Vec<Job>, Watch) {
    let mut jobs = Vec::new();
    let mut tracks = Vec::new();
    let spawned = Arc::new(Mutex::new(Vec::new()));
    let panicked = Arc::new(Mutex::new(None));
    // The check's own task. A job that runs in another one was spawned.
    let caller = tokio::task::try_id();
    for (i, &(name, takes)) in spec.iter().enumerate() {
        let spawned = spawned.clone();
        let panicked = panicked.clone();
        let panics = twists.panics == Some(i);
        let timer = (twists.early_timer == Some(i)).then(|| registered_sleep(takes));
        let work: Pin<Box<dyn Future<Output = &'static str> + Send>> = Box::pin(async move {
            let task = tokio::task::try_id();
            if task.is_some() && task != caller {
                spawned.lock().unwrap_or_else(|e| e.into_inner()).push(name);
            }
            match timer {
                Some(timer) => timer.await,
                None => tokio::time::sleep(takes).await,
            }
            let line = format!("{name} finished");
            if panics {
                *panicked.lock().unwrap_or_else(|e| e.into_inner()) = Some(elapsed());
                panic_when_said(line.clone());
            }
            say!("{line}");
            name
        });
        let (job, stats) = watched(work);
        tracks.push(stats);
        jobs.push(job);
    }
    let watch = Watch {
        spec: spec.to_vec(),
        tracks,
        spawned,
        panics: twists.panics.map(|i| spec[i].0),
        panicked,
    };
    (jobs, watch)
}

/// A sleep of `takes`, already registered with tokio's timer (polled once, with a waker that
/// does nothing: the job's task polls it again with its own).
fn registered_sleep(takes: Duration) -> Pin<Box<tokio::time::Sleep>> {
    let mut timer = Box::pin(tokio::time::sleep(takes));
    let mut cx = Context::from_waker(Waker::noop());
    // `unconstrained`: tokio's task budget must not refuse this poll, which would leave the timer
    // unregistered.
    let mut once = tokio::task::unconstrained(timer.as_mut());
    let _ = Pin::new(&mut once).poll(&mut cx);
    timer
}

struct Watch {
    spec: Vec<(&'static str, Duration)>,
    tracks: Vec<Arc<Stats>>,
    /// The jobs that ran in a task of their own (spawned), by name.
    spawned: Arc<Mutex<Vec<&'static str>>>,
    /// The job made to panic, if any, and when it did.
    panics: Option<&'static str>,
    panicked: Arc<Mutex<Option<Duration>>>,
}

impl Watch {
    /// How long the job `name` takes.
    fn takes(&self, name: &str) -> Duration {
        self.spec
            .iter()
            .find(|&&(n, _)| n == name)
            .map(|&(_, takes)| takes)
            .unwrap_or_default()
    }

    /// The job made to panic, and when it did (`None`: not yet).
    fn panicked(&self) -> (&'static str, Option<Duration>) {
        (
            self.panics.unwrap_or_default(),
            *self.panicked.lock().unwrap_or_else(|e| e.into_inner()),
        )
    }
    /// Every job started at 0.000 s. A job started later waited for another one to finish first:
    /// the jobs ran one after another.
    fn expect_started_together(&self, function: &str) -> Result<(), Fail> {
        for (&(name, _), track) in self.spec.iter().zip(&self.tracks) {
            match track.first_polled_at() {
                Some(at) if at.is_zero() => {}
                Some(at) => {
                    let spawned = self
                        .spawned
                        .lock()
                        .unwrap_or_else(|e| e.into_inner())
                        .contains(&name);
                    let why = if spawned {
                        "Each job ran in a task of its own, but each task was spawned only once \
                         the one before had finished. Is each handle awaited right after its \
                         spawn? Or are the handles a lazy iterator, \
                         `jobs.into_iter().map(tokio::spawn)` without `.collect()`? An \
                         iterator's `map` runs only when the loop asks for the next item, so \
                         each spawn happens when the loop reaches it, after the await before. \
                         Spawn them all first (collect the handles into a Vec, or use a \
                         JoinSet), then await them."
                    } else {
                        "The jobs ran in the caller's own task, each awaited before the next one \
                         began: an awaited future runs to its end before the next line runs. \
                         Spawn them all first (tokio::spawn into a Vec of handles, or a \
                         JoinSet), then await them."
                    };
                    return Err(Fail::new(
                        Kind::Sequential,
                        format!(
                            "{function} ran its jobs one after another: `{name}` started only at \
                             {}, after another job had finished, instead of at 0.000 s with the \
                             rest. {why}",
                            secs(at)
                        ),
                    ));
                }
                None => {
                    return Err(Fail::new(
                        Kind::WrongValue,
                        format!(
                            "{function} never started the job `{name}`: it was never polled. A \
                             future does nothing until it is awaited or spawned."
                        ),
                    ));
                }
            }
        }
        Ok(())
    }

    /// No job was dropped before it finished.
    fn expect_none_cancelled(&self, function: &str, returned: Duration) -> Result<(), Fail> {
        for (&(name, _), track) in self.spec.iter().zip(&self.tracks) {
            if let Some(at) = track.cancelled_at() {
                return Err(Fail::new(
                    Kind::WrongValue,
                    format!(
                        "the job `{name}` was cancelled at {} ({function} returned at {}): it \
                         was dropped before it finished. The jobs still running when {function} \
                         returns must be left running, in the JoinSet it returns, for the caller \
                         to await or abort. A JoinSet aborts all its tasks when it is dropped \
                         (and so when the future holding it is dropped, as a timeout does to the \
                         future it gives up on); abort_all and shutdown abort them too.",
                        secs(at),
                        secs(returned)
                    ),
                ));
            }
        }
        Ok(())
    }

    /// Every job finished when its own duration was up: it ran from 0.000 s without a break.
    fn expect_finished_on_time(&self, function: &str) -> Result<(), Fail> {
        for (&(name, takes), track) in self.spec.iter().zip(&self.tracks) {
            let finished = track.finished_at();
            if finished != Some(takes) {
                return Err(Fail::new(
                    Kind::WrongTiming,
                    format!(
                        "the job `{name}`, which takes {}, finished {}. Started by {function} at \
                         0.000 s and left running, it should finish at {} whoever awaits it and \
                         whenever.",
                        secs(takes),
                        finished.map_or("never".to_string(), |at| format!("at {}", secs(at))),
                        secs(takes)
                    ),
                ));
            }
        }
        Ok(())
    }

    /// Every job still running when the caller aborted the set at `at` (`how`) was cancelled
    /// then: the set owned it. A job that still finished later ran outside the set.
    fn expect_cancelled_by(&self, call: &str, at: Duration, how: &str) -> Result<(), Fail> {
        for (&(name, takes), track) in self.spec.iter().zip(&self.tracks) {
            if takes <= at {
                continue;
            }
            let detached = "The set it returned did not own that job: the jobs must be tasks of \
                            that very JoinSet (spawned into it: `set.spawn(job)`, or the jobs \
                            collected into it). A set of other tasks, each awaiting a job's \
                            JoinHandle, only detaches the jobs when it is aborted: dropping a \
                            JoinHandle does not cancel its task, so the caller cannot stop them.";
            match (track.finished_at(), track.cancelled_at()) {
                (_, Some(cancelled)) if cancelled <= at => {}
                (Some(finished), _) => {
                    return Err(Fail::new(
                        Kind::WrongValue,
                        format!(
                            "{call}: the caller {how} at {}, while the job `{name}` was still \
                             running, but `{name}` went on and finished at {}. {detached}",
                            secs(at),
                            secs(finished)
                        ),
                    ));
                }
                (None, Some(cancelled)) => {
                    return Err(Fail::new(
                        Kind::WrongTiming,
                        format!(
                            "{call}: the caller {how} at {}, while the job `{name}` was still \
                             running, but `{name}` was cancelled only at {}. {detached}",
                            secs(at),
                            secs(cancelled)
                        ),
                    ));
                }
                (None, None) => {
                    return Err(Fail::new(
                        Kind::WrongValue,
                        format!(
                            "{call}: the caller {how} at {}, while the job `{name}` was still \
                             running, but at {} `{name}` had neither finished nor been cancelled \
                             (nobody polls it, nobody dropped it). {detached}",
                            secs(at),
                            secs(elapsed())
                        ),
                    ));
                }
            }
        }
        Ok(())
    }
}

/// What awaiting a returned JoinSet to the end gave.
struct Drained {
    names: Vec<&'static str>,
    aborted: usize,
}

impl Drained {
    /// The names, sorted.
    fn names(&self) -> Vec<&'static str> {
        let mut names = self.names.clone();
        names.sort();
        names
    }

    fn expect_not_aborted(&self, function: &str) -> Result<(), Fail> {
        expect(
            self.aborted == 0,
            Kind::WrongValue,
            format!(
                "{} task(s) in the JoinSet {function} returned had been aborted. The jobs still \
                 running when {function} returns must be left running, for the caller to await \
                 or abort.",
                self.aborted
            ),
        )
    }
}

/// Awaits every task left in `set`.
async fn drain(mut set: JoinSet<&'static str>) -> Drained {
    let mut drained = Drained {
        names: Vec::new(),
        aborted: 0,
    };
    while let Some(joined) = set.join_next().await {
        match joined {
            Ok(name) => drained.names.push(name),
            Err(error) if error.is_cancelled() => drained.aborted += 1,
            Err(error) => std::panic::resume_unwind(error.into_panic()),
        }
    }
    drained
}

/// What to say of a set of unfinished jobs that gave `got` when awaited later: empty, it was not
/// the set the jobs were spawned into; otherwise it held the wrong jobs.
fn about_the_set(got: &[&str], which: &str) -> String {
    if got.is_empty() {
        "The set was empty: hand back the JoinSet the jobs were spawned into, with the unfinished \
         jobs still in it."
            .to_string()
    } else {
        format!("The set should hold exactly the jobs {which}.")
    }
}

/// The headings of `run()`'s parts (their text, after the time stamp), and the function each part
/// shows.
const PARTS: [(&str, &str); 6] = [
    (
        "awaited one after another",
        "the given code (awaiting jobs in turn)",
    ),
    ("(1 s each), with gather", "gather"),
    ("eggs (2 s), with gather", "gather"),
    ("with as_completed", "as_completed"),
    ("with first_completed", "first_completed"),
    ("with wait_with_timeout(1.5 s)", "wait_with_timeout"),
];

/// Adds to a failed comparison of `run()`'s transcript which of its parts, and so which of the four
/// functions, goes wrong first: the checks of that function say more.
fn name_the_part(fail: Fail) -> Fail {
    let (Some(expected), Some(actual)) = (&fail.expected, &fail.actual) else {
        return fail;
    };
    let expected: Vec<&str> = expected.lines().collect();
    let actual: Vec<&str> = actual.lines().collect();
    let first_difference = expected
        .iter()
        .zip(&actual)
        .position(|(e, a)| e != a)
        .unwrap_or(expected.len().min(actual.len()));
    let part = expected[..first_difference.min(expected.len())]
        .iter()
        .rev()
        .find_map(|line| {
            PARTS
                .iter()
                .find(|(heading, _)| line.trim_end().ends_with(&format!("{heading}:")))
        });
    let Some((_, function)) = part else {
        return fail;
    };
    fail.then(format!(
        "The first difference is in the part of run() that uses {function}: its own checks above \
         say what goes wrong there."
    ))
}

/// The checks' own copy of the demo the stub gives (`job`, `breakfast`, `since`, `drain` and
/// `run`, line for line): the stub's copy is in a file the student may edit, and a check must not
/// take its scenario from there. Only the four functions the student writes come from `exercise`.
mod demo {
    use awaitlings::say;
    use exercise::{as_completed, first_completed, gather, wait_with_timeout};
    use std::future::Future;
    use std::time::Duration;
    use tokio::task::JoinSet;
    use tokio::time::{Instant, sleep};

    async fn job(name: &'static str, secs: u64) -> &'static str {
        sleep(Duration::from_secs(secs)).await;
        say!("{name} ready");
        name
    }

    fn breakfast() -> Vec<impl Future<Output = &'static str> + Send + 'static> {
        vec![job("coffee", 3), job("toast", 1), job("eggs", 2)]
    }

    fn since(start: Instant) -> String {
        format!("{:.3}", start.elapsed().as_secs_f64())
    }

    async fn drain(mut rest: JoinSet<&'static str>) {
        while let Some(joined) = rest.join_next().await {
            say!("  then {}", joined.expect("a job panicked"));
        }
    }

    pub async fn run() {
        say!("one, two, three (1 s each), awaited one after another:");
        let start = Instant::now();
        for name in ["one", "two", "three"] {
            job(name, 1).await;
        }
        say!("  took {} s", since(start));

        say!("one, two, three (1 s each), with gather:");
        let start = Instant::now();
        let names = gather(vec![job("one", 1), job("two", 1), job("three", 1)]).await;
        say!("  gather -> {names:?}, took {} s", since(start));

        say!("coffee (3 s), toast (1 s), eggs (2 s), with gather:");
        let names = gather(breakfast()).await;
        say!("  gather -> {names:?}");

        say!("the same, with as_completed:");
        as_completed(breakfast(), |name| say!("  as_completed -> {name}")).await;

        say!("the same, with first_completed:");
        let (first, rest) = first_completed(breakfast()).await;
        say!("  first_completed -> {first}, {} still running", rest.len());
        drain(rest).await;

        say!("the same, with wait_with_timeout(1.5 s):");
        let (done, pending) = wait_with_timeout(breakfast(), Duration::from_millis(1500)).await;
        say!("  done {done:?}, {} pending", pending.len());
        drain(pending).await;
    }
}
