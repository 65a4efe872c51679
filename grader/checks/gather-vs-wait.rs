//! The public checks of exercise 05 gather-vs-wait.
//!
//! Every check hands the functions jobs the check built itself: each job sleeps for its own
//! duration, says `{name} finished` and returns its name, and it is wrapped so that the check sees
//! when it was first polled (started), when it finished, and whether it was dropped unfinished
//! (cancelled: aborted, or its `JoinSet` dropped). The durations always differ, so no check
//! depends on which of two things at one instant goes first. What is checked, and why:
//!
//! - `gather` of three one-second jobs takes 1.000 s, not 3.000 s (the jobs run at the same
//!   time), and gives their results in the order given;
//! - `gather` of four jobs that finish in another order than given still returns the results in
//!   the order given (asyncio.gather's promise), after the slowest job;
//! - `as_completed` hands the results over in the order the jobs finish ...
//! - ... and each one the instant its job finishes, not all at the end: that is what it is for
//!   (acting on the first result while the others still run);
//! - `first_completed` returns the first job to finish, at the instant it finishes, with the
//!   others in its JoinSet;
//! - ... and those others keep running with nobody awaiting the set: they finish at their own
//!   times, none is cancelled, and the caller gets their results from the set later (asyncio.wait
//!   cancels nothing);
//! - `wait_with_timeout` returns at the deadline with the jobs done by then (in the order they
//!   finished) and the others in the set; and, when every job finishes before the deadline, it
//!   returns as soon as the last one does, not at the deadline;
//! - the jobs still pending at the deadline keep running and can be awaited later (not aborted);
//! - a job that finishes exactly at the deadline instant is pending, as the contract says: tokio
//!   fires every timer of an instant before any task runs, so a solution that looks at the
//!   deadline first gives that answer every time;
//! - the demo's scenario prints the transcript of fixtures/gather-vs-wait/run.txt (the main check:
//!   what `grader run 05` shows). The stub gives `run()`; the check plays its own copy of it (see
//!   [`demo`]), calling only the four functions the student writes, so a `run()` that merely
//!   replays the expected lines earns nothing.
//!
//! The checks use other jobs than the demo's, so nothing can be hard-coded.

use awaitlings::say;
use awaitlings_check::check::secs;
use awaitlings_check::prelude::*;
use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::task::JoinSet;

/// A job: its name (which is also its result) and how long it takes, in milliseconds.
type Spec = [(&'static str, u64)];

/// The classic figure: three one-second jobs, 1 s together, 3 s one after another.
const THREE_SECONDS: &Spec = &[("one", 1000), ("two", 1000), ("three", 1000)];
/// Four jobs that finish in another order than given: toaster, oven, pan, kettle.
const KITCHEN: &Spec = &[
    ("kettle", 2500),
    ("toaster", 500),
    ("pan", 1500),
    ("oven", 1000),
];
/// For first_completed: east finishes first, at 0.7 s.
const COMPASS: &Spec = &[("north", 2000), ("east", 700), ("south", 1200)];
/// For first_completed's rest: beta first (0.4 s), then delta, alpha, gamma.
const GREEK: &Spec = &[
    ("alpha", 1500),
    ("beta", 400),
    ("gamma", 2600),
    ("delta", 900),
];
/// For wait_with_timeout(2 s): x and z are done by then, w and y are not.
const LETTERS: &Spec = &[("w", 2500), ("x", 500), ("y", 4500), ("z", 1200)];
/// For wait_with_timeout(5 s): both done long before the deadline, the last at 0.8 s.
const QUICK: &Spec = &[("p", 300), ("q", 800)];
/// For wait_with_timeout(2 s): lark is done, owl and wren are still running.
const BIRDS: &Spec = &[("owl", 3000), ("lark", 1000), ("wren", 4000)];
/// For wait_with_timeout(2 s): `exact` finishes at the deadline instant.
const EDGE: &Spec = &[("late", 3000), ("early", 1000), ("exact", 2000)];

const TWO_SECONDS: Duration = Duration::from_secs(2);

pub fn checks() -> Vec<Check> {
    vec![
        check(
            "gather-runs-together",
            2,
            "gather of three one-second jobs returns [\"one\", \"two\", \"three\"] after 1.000 s \
             of virtual time, not 3.000 s",
            || async {
                let (jobs, watch) = make_jobs(THREE_SECONDS);
                let results = exercise::gather(jobs).await;
                watch.expect_started_together("gather")?;
                expect_concurrent(
                    "gather of three one-second jobs",
                    Duration::from_secs(1),
                    Duration::from_secs(3),
                )?;
                expect_results_in_given_order("gather", &results, THREE_SECONDS)
            },
        ),
        check(
            "gather-keeps-input-order",
            2,
            "gather of jobs of 2.5 s, 0.5 s, 1.5 s and 1 s returns their results in the order \
             given, after 2.5 s",
            || async {
                let (jobs, watch) = make_jobs(KITCHEN);
                let results = exercise::gather(jobs).await;
                watch.expect_started_together("gather")?;
                expect_results_in_given_order("gather", &results, KITCHEN)?;
                expect_elapsed("gather of jobs of 2.5 s, 0.5 s, 1.5 s and 1 s", ms(2500))
            },
        ),
        check(
            "as-completed-order",
            2,
            "as_completed of jobs of 2.5 s, 0.5 s, 1.5 s and 1 s hands their results over in \
             the order they finish: toaster, oven, pan, kettle",
            || async {
                let (jobs, _watch) = make_jobs(KITCHEN);
                let handed = Arc::new(Mutex::new(Vec::new()));
                let sink = handed.clone();
                exercise::as_completed(jobs, move |name| sink.lock().unwrap().push(name)).await;
                let handed: Vec<&str> = handed.lock().unwrap().clone();
                let expected = in_finishing_order(KITCHEN);
                if handed == expected {
                    return Ok(());
                }
                let given: Vec<&str> = KITCHEN.iter().map(|&(name, _)| name).collect();
                if !same_names(&handed, &expected) {
                    return Err(Fail::new(
                        Kind::WrongValue,
                        format!(
                            "as_completed should call on_each once per job, with its result: \
                             expected {expected:?} (in some order), but on_each got {handed:?}. \
                             Every job's result must reach on_each exactly once."
                        ),
                    ));
                }
                let why = if handed == given {
                    " That is the order the jobs were given: were the jobs (or their handles) \
                     awaited one by one, in turn? A JoinSet's join_next gives whichever job \
                     finishes next."
                } else {
                    ""
                };
                Err(Fail::new(
                    Kind::WrongOrder,
                    format!(
                        "as_completed should hand the results over in the order the jobs \
                         finish, {expected:?} (0.5 s, 1 s, 1.5 s, 2.5 s), but on_each got \
                         {handed:?}.{why}"
                    ),
                ))
            },
        ),
        check(
            "as-completed-hands-each-at-once",
            2,
            "as_completed calls on_each with each result the instant its job finishes (0.5 s, \
             1 s, 1.5 s, 2.5 s), not later, and returns after the last one",
            || async {
                let (jobs, watch) = make_jobs(KITCHEN);
                let handed = Arc::new(Mutex::new(Vec::new()));
                let sink = handed.clone();
                exercise::as_completed(jobs, move |name: &'static str| {
                    sink.lock().unwrap().push((name, elapsed()))
                })
                .await;
                let returned = elapsed();
                watch.expect_started_together("as_completed")?;
                let handed: Vec<(&str, Duration)> = handed.lock().unwrap().clone();
                for &(name, takes) in KITCHEN {
                    let Some(&(_, at)) = handed.iter().find(|&&(n, _)| n == name) else {
                        return Err(Fail::new(
                            Kind::WrongValue,
                            format!(
                                "as_completed never handed `{name}` to on_each (it got \
                                 {:?}): every job's result must reach on_each.",
                                handed.iter().map(|&(n, _)| n).collect::<Vec<_>>()
                            ),
                        ));
                    };
                    expect(
                        at == ms(takes),
                        Kind::WrongTiming,
                        format!(
                            "on_each got `{name}` at {}, but its job finished at {}: {}. \
                             as_completed should hand each result over the moment its job \
                             finishes, so the caller can act on it while the others still run \
                             (await the next job to finish, e.g. JoinSet::join_next, and call \
                             on_each right away, inside the loop).",
                            secs(at),
                            secs(ms(takes)),
                            if at > ms(takes) {
                                "it was held back"
                            } else {
                                "before it existed"
                            }
                        ),
                    )?;
                }
                expect(
                    returned == ms(2500),
                    Kind::WrongTiming,
                    format!(
                        "as_completed returned at {}, expected 2.500 s: right after on_each got \
                         the last result (the slowest job takes 2.5 s).",
                        secs(returned)
                    ),
                )
            },
        ),
        check(
            "first-completed-returns-first",
            2,
            "first_completed of jobs of 2 s, 0.7 s and 1.2 s returns `east` (the 0.7 s job) at \
             0.7 s, with the other two in its JoinSet",
            || async {
                let (jobs, watch) = make_jobs(COMPASS);
                let (first, rest) = exercise::first_completed(jobs).await;
                let returned = elapsed();
                watch.expect_started_together("first_completed")?;
                expect(
                    first == "east",
                    Kind::WrongValue,
                    format!(
                        "first_completed returned `{first}` (at {}), expected `east`: of jobs \
                         taking 2 s, 0.7 s and 1.2 s, the 0.7 s job finishes first. `first` \
                         means first to finish, not first in the list: wait for whichever job \
                         finishes next (JoinSet::join_next).",
                        secs(returned)
                    ),
                )?;
                expect(
                    returned == ms(700),
                    Kind::WrongTiming,
                    format!(
                        "first_completed returned at {}, expected 0.700 s, the instant the first \
                         job finished. {}",
                        secs(returned),
                        if returned > ms(700) {
                            "It waited for more than the first job: return as soon as one job \
                             is done, and leave the others running in the set."
                        } else {
                            "It returned before any job had finished."
                        }
                    ),
                )?;
                expect_eq(
                    "the number of jobs in the JoinSet first_completed returned",
                    rest.len(),
                    2,
                )
            },
        ),
        check(
            "first-completed-rest-keep-running",
            3,
            "after first_completed returns `beta` at 0.4 s, the other three jobs keep running \
             with nobody awaiting them, finish at their own times (0.9 s, 1.5 s, 2.6 s), and the \
             caller gets their results from the set at 3 s",
            || async {
                let (jobs, watch) = make_jobs(GREEK);
                let (first, rest) = exercise::first_completed(jobs).await;
                let returned = elapsed();
                // Leave the set alone: tasks run on their own, whether or not anyone awaits them.
                sleep_until(ms(3000)).await;
                watch.expect_none_cancelled("first_completed", returned)?;
                let later = drain(rest).await;
                let mut expected: Vec<&str> = GREEK
                    .iter()
                    .map(|&(name, _)| name)
                    .filter(|&name| name != first)
                    .collect();
                expected.sort();
                let got = later.names();
                expect(
                    got == expected,
                    Kind::WrongValue,
                    format!(
                        "first_completed returned `{first}` and a JoinSet that gave {got:?} when \
                         awaited later, expected the other jobs, {expected:?}. {}",
                        about_the_set(&got, "that had not finished first")
                    ),
                )?;
                later.expect_not_aborted("first_completed")?;
                watch.expect_finished_on_time("first_completed")
            },
        ),
        check(
            "wait-done-and-pending",
            2,
            "wait_with_timeout(2 s) of jobs of 2.5 s, 0.5 s, 4.5 s and 1.2 s returns at 2 s with \
             [\"x\", \"z\"] done and two pending; of jobs of 0.3 s and 0.8 s with 5 s, it returns \
             at 0.8 s with both done",
            || async {
                let (jobs, watch) = make_jobs(LETTERS);
                let (done, pending) = exercise::wait_with_timeout(jobs, TWO_SECONDS).await;
                let returned = elapsed();
                watch.expect_started_together("wait_with_timeout")?;
                expect_returned_at_deadline(
                    returned,
                    ms(2000),
                    "the deadline, 2 s after the call",
                )?;
                expect_done(
                    &done,
                    &["x", "z"],
                    "wait_with_timeout(jobs of 2.5 s, 0.5 s, 4.5 s and 1.2 s, 2 s)",
                )?;
                expect_pending(pending.len(), 2)?;
                drop(pending);

                // All done before the deadline: no reason to wait for it.
                restart();
                let (jobs, _watch) = make_jobs(QUICK);
                let (done, pending) =
                    exercise::wait_with_timeout(jobs, Duration::from_secs(5)).await;
                let returned = elapsed();
                expect(
                    returned == ms(800),
                    Kind::WrongTiming,
                    format!(
                        "wait_with_timeout(jobs of 0.3 s and 0.8 s, 5 s) returned at {}, \
                         expected 0.800 s: when every job is done before the deadline, it \
                         returns as soon as the last one finishes{}.",
                        secs(returned),
                        if returned >= Duration::from_secs(5) {
                            ", instead of sleeping out the whole timeout (wait for the next job \
                             OR the deadline, whichever comes first, e.g. with select!)"
                        } else {
                            ""
                        }
                    ),
                )?;
                expect_done(
                    &done,
                    &["p", "q"],
                    "wait_with_timeout(jobs of 0.3 s and 0.8 s, 5 s)",
                )?;
                expect_pending(pending.len(), 0)
            },
        ),
        check(
            "wait-pending-keep-running",
            2,
            "the jobs still pending when wait_with_timeout(2 s) returns keep running (owl \
             finishes at 3 s, wren at 4 s), are not cancelled, and the caller gets their results \
             from the set later",
            || async {
                let (jobs, watch) = make_jobs(BIRDS);
                let (done, pending) = exercise::wait_with_timeout(jobs, TWO_SECONDS).await;
                let returned = elapsed();
                // Leave the set alone until every job should be done.
                sleep_until(ms(5000)).await;
                watch.expect_none_cancelled("wait_with_timeout", returned)?;
                let later = drain(pending).await;
                let got = later.names();
                expect(
                    got == ["owl", "wren"],
                    Kind::WrongValue,
                    format!(
                        "wait_with_timeout(jobs of 3 s, 1 s and 4 s, 2 s) returned {done:?} done \
                         and a set of pending jobs that gave {got:?} when awaited later, \
                         expected [\"owl\", \"wren\"]. {}",
                        about_the_set(&got, "not done by the deadline")
                    ),
                )?;
                later.expect_not_aborted("wait_with_timeout")?;
                watch.expect_finished_on_time("wait_with_timeout")
            },
        ),
        check(
            "wait-deadline-instant",
            2,
            "wait_with_timeout(2 s) of jobs of 3 s, 1 s and 2 s returns at 2 s with only \
             [\"early\"] done: the job finishing at the deadline instant is pending",
            || async {
                let (jobs, watch) = make_jobs(EDGE);
                let (done, pending) = exercise::wait_with_timeout(jobs, TWO_SECONDS).await;
                let returned = elapsed();
                watch.expect_started_together("wait_with_timeout")?;
                expect_returned_at_deadline(
                    returned,
                    ms(2000),
                    "the deadline, 2 s after the call",
                )?;
                if done == ["early", "exact"] || done == ["exact", "early"] {
                    return Err(Fail::new(
                        Kind::WrongValue,
                        format!(
                            "wait_with_timeout(jobs of 3 s, 1 s and 2 s, 2 s) returned {done:?} \
                             done, expected [\"early\"]: `exact` finished at 2.000 s, the \
                             deadline instant, and the contract says the time is up then, so it \
                             is pending (it waits in the set, its result ready). At that instant \
                             tokio has fired both timers, the job's and the deadline's, and in \
                             which order the two tasks then run is not promised: don't sweep up \
                             what finished after the deadline fired, and don't take a result that \
                             happens to be ready first. Look at the deadline first (`select!` \
                             with `biased;` and the deadline branch first, one deadline made \
                             once, before the loop)."
                        ),
                    ));
                }
                expect_done(
                    &done,
                    &["early"],
                    "wait_with_timeout(jobs of 3 s, 1 s and 2 s, 2 s)",
                )?;
                expect_pending(pending.len(), 2)
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
    ("with wait_with_timeout", "wait_with_timeout"),
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

fn ms(millis: u64) -> Duration {
    Duration::from_millis(millis)
}

/// Sleeps until `at` after the check began.
async fn sleep_until(at: Duration) {
    let now = elapsed();
    if now < at {
        tokio::time::sleep(at - now).await;
    }
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

/// `results` should be the names of `spec`, in the order given.
fn expect_results_in_given_order(
    what: &str,
    results: &[&'static str],
    spec: &Spec,
) -> Result<(), Fail> {
    let given: Vec<&str> = spec.iter().map(|&(name, _)| name).collect();
    if results == given.as_slice() {
        return Ok(());
    }
    if !same_names(results, &given) {
        return Err(Fail::new(
            Kind::WrongValue,
            format!(
                "{what} returned {results:?}, expected {given:?}: one result per job, each job's \
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
            "{what} returned the right results in the wrong order: {results:?}, expected \
             {given:?}, the order the jobs were given, whatever order they finish in.{why}"
        ),
    ))
}

fn expect_returned_at_deadline(returned: Duration, at: Duration, what: &str) -> Result<(), Fail> {
    if returned == at {
        return Ok(());
    }
    let why = if returned > at {
        "It waited past the deadline: measure one deadline for all the jobs, from the call (a \
         timeout per job, one after another, adds up), and don't wait for every job to finish."
    } else {
        "It returned before the deadline although some jobs were still running."
    };
    Err(Fail::new(
        Kind::WrongTiming,
        format!(
            "wait_with_timeout returned at {}, expected {} ({what}). {why}",
            secs(returned),
            secs(at)
        ),
    ))
}

fn expect_done(done: &[&'static str], expected: &[&str], what: &str) -> Result<(), Fail> {
    if done == expected {
        return Ok(());
    }
    let kind = if same_names(done, expected) {
        Kind::WrongOrder
    } else {
        Kind::WrongValue
    };
    Err(Fail::new(
        kind,
        format!(
            "{what} returned {done:?} done, expected {expected:?}: the results of the jobs that \
             finished before the deadline, in the order they finished."
        ),
    ))
}

fn expect_pending(pending: usize, expected: usize) -> Result<(), Fail> {
    expect(
        pending == expected,
        Kind::WrongValue,
        format!(
            "the JoinSet of pending jobs wait_with_timeout returned held {pending} job(s), \
             expected {expected}: every job not done by the deadline, still running, and no \
             other."
        ),
    )
}

// ---------------------------------------------------------------------------------------------
// The check's jobs, and what it sees of them (the check API's `watched`: when each job started,
// finished, or was dropped unfinished).

/// One of the check's jobs, watched: sleeps, says `{name} finished`, returns its name.
type Job = Watched<Pin<Box<dyn Future<Output = &'static str> + Send>>>;

/// The jobs of `spec`, and the [`Watch`] that sees what becomes of them.
fn make_jobs(spec: &'static Spec) -> (Vec<Job>, Watch) {
    let mut jobs = Vec::new();
    let mut tracks = Vec::new();
    let spawned = Arc::new(Mutex::new(Vec::new()));
    // The check's own task (none: the check runs outside any spawned task). A job that runs in
    // another one was spawned.
    let caller = tokio::task::try_id();
    for &(name, takes) in spec {
        let spawned = spawned.clone();
        let work: Pin<Box<dyn Future<Output = &'static str> + Send>> = Box::pin(async move {
            let task = tokio::task::try_id();
            if task.is_some() && task != caller {
                spawned.lock().unwrap_or_else(|e| e.into_inner()).push(name);
            }
            tokio::time::sleep(ms(takes)).await;
            say!("{name} finished");
            name
        });
        let (job, stats) = watched(work);
        tracks.push(stats);
        jobs.push(job);
    }
    (
        jobs,
        Watch {
            spec,
            tracks,
            spawned,
        },
    )
}

struct Watch {
    spec: &'static Spec,
    tracks: Vec<Arc<Stats>>,
    /// The jobs that ran in a task of their own (spawned), by name.
    spawned: Arc<Mutex<Vec<&'static str>>>,
}

impl Watch {
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
            if finished != Some(ms(takes)) {
                return Err(Fail::new(
                    Kind::WrongTiming,
                    format!(
                        "the job `{name}`, which takes {}, finished {}. Started by {function} at \
                         0.000 s and left running, it should finish at {} whoever awaits it and \
                         whenever.",
                        secs(ms(takes)),
                        finished.map_or("never".to_string(), |at| format!("at {}", secs(at))),
                        secs(ms(takes))
                    ),
                ));
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
