//! The assertions checks are made of. Each returns `Err(Fail)` with a message that names the
//! mistake in async terms, so a check body reads as a list of `expect_*(..)?` lines.

use crate::check::{Fail, Kind, secs};
use crate::compare;
use std::fmt::Debug;
use std::sync::Mutex;
use std::time::Duration;

/// The expected transcripts compared so far, with the actual lines: what `grader bless` writes.
static COMPARED: Mutex<Vec<(String, Vec<String>)>> = Mutex::new(Vec::new());

/// The last duration the check judged (see [`judged`]).
static JUDGED: Mutex<Option<Duration>> = Mutex::new(None);

/// States the duration this check judges, for the reports: they show it beside the check, on the
/// check's clock ("1.500 s virtual", or "real" for a `.real_time()` check). [`expect_took`],
/// [`expect_elapsed`] and [`expect_concurrent`] state theirs already, so a check calls this only
/// for a duration it judges in its own code. The last one stated stands, through a [`restart`];
/// a check that states none shows the time its last scenario took.
pub fn judged(duration: Duration) {
    *JUDGED
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner) = Some(duration);
}

/// The duration stated with [`judged`], if any (never waits: the monitor calls it too).
pub(crate) fn last_judged() -> Option<Duration> {
    JUDGED.try_lock().ok().and_then(|j| *j)
}

/// Starts a fresh scenario inside one check: the clock goes back to zero and the transcript is
/// emptied. Every check starts this way already.
pub fn restart() {
    crate::clock::start();
    crate::recording::record_capped(crate::harness::transcript_cap());
}

/// Virtual time since the check (or the last [`restart`]) began. It comes from the harness's own
/// clock, which student code cannot reset.
pub fn elapsed() -> Duration {
    crate::clock::elapsed()
}

/// Says that the panics so far were the scenario's own: the check provoked them (for example with
/// [`crate::panic_when_said`]) and saw them handled as they should be. They are left
/// out of the report, which otherwise shows every panic of a passing check as a warning.
pub fn forget_panics() {
    crate::panics::forget();
}

/// The expected transcripts compared so far (never waits: the monitor calls it too).
pub(crate) fn compared() -> Vec<(String, Vec<String>)> {
    COMPARED.try_lock().map(|c| c.clone()).unwrap_or_default()
}

/// The failure for code during which no virtual time passed although some should have. Whether
/// *real* time passed tells the two mistakes apart: a blocking call (std::thread::sleep) stalls
/// the thread; a future that was never awaited costs no time on either clock.
pub fn frozen_clock(what: &str) -> Fail {
    if crate::monitor::stalled() {
        Fail::new(
            Kind::Blocked,
            format!(
                "{what} no virtual time passed at all, while the runtime's thread was stuck for {} \
                 of real time: something blocked the thread instead of waiting on tokio's clock. \
                 std::thread::sleep blocks the only thread and never moves tokio's clock: use \
                 `tokio::time::sleep(..).await`.",
                secs(crate::monitor::longest_busy())
            ),
        )
    } else {
        Fail::new(
            Kind::NeverWaited,
            format!(
                "{what} no time passed at all, neither virtual nor real: nothing ever waited. A \
                 future does nothing until it is awaited: is `.await` missing after \
                 `tokio::time::sleep(..)`? (rustc warns about it: \"unused `Sleep` that must be \
                 used\".) Or is the sleep left out?"
            ),
        )
    }
}

/// The transcript recorded so far, one line per `say!`.
pub fn transcript() -> Vec<String> {
    crate::recording::said().lines
}

/// Fails with `kind` and `message` unless `condition` holds.
pub fn expect(condition: bool, kind: Kind, message: impl Into<String>) -> Result<(), Fail> {
    if condition {
        Ok(())
    } else {
        Err(Fail::new(kind, message))
    }
}

/// Fails as a wrong value unless `actual == expected`. `what` names the value for the student:
/// "`results()` returned ...".
pub fn expect_eq<T: PartialEq + Debug>(what: &str, actual: T, expected: T) -> Result<(), Fail> {
    if actual == expected {
        return Ok(());
    }
    Err(Fail::new(
        Kind::WrongValue,
        format!("{what} was {actual:?}, expected {expected:?}"),
    ))
}

/// Fails unless exactly `expected` virtual time has passed since the check began.
pub fn expect_elapsed(what: &str, expected: Duration) -> Result<(), Fail> {
    expect_took(what, elapsed(), expected)
}

/// Like [`expect_elapsed`], for a duration measured earlier (`took`): a check that lets virtual
/// time run on after a call, to see what happens later, judges the call's own duration with it.
pub fn expect_took(what: &str, took: Duration, expected: Duration) -> Result<(), Fail> {
    judged(took);
    if took == expected {
        return Ok(());
    }
    if took.is_zero() {
        return Err(frozen_clock(&format!(
            "{what} took no virtual time, expected {}:",
            secs(expected)
        )));
    }
    Err(Fail::new(
        Kind::WrongTiming,
        format!(
            "{what} took {} of virtual time, expected {}",
            secs(took),
            secs(expected)
        ),
    ))
}

/// Like [`expect_elapsed`] for work that should overlap: `expected` is the time when it does,
/// `sequential` the time when the pieces run one after another. Reaching `sequential` is reported
/// as the mistake it is: "ran one after another: 3.000 s of virtual time, expected 1.000 s".
pub fn expect_concurrent(what: &str, expected: Duration, sequential: Duration) -> Result<(), Fail> {
    let took = elapsed();
    judged(took);
    if took >= sequential && sequential > expected {
        return Err(Fail::new(
            Kind::Sequential,
            format!(
                "{what} ran one after another: {} of virtual time, expected {}. Awaiting each \
                 piece before starting the next runs them in sequence; start them all, then await \
                 them together.",
                secs(took),
                secs(expected)
            ),
        ));
    }
    expect_elapsed(what, expected)
}

/// Compares the transcript with `expected`, line by line (order within one instant not judged).
pub fn expect_lines(expected: &[&str]) -> Result<(), Fail> {
    let expected: Vec<String> = expected
        .iter()
        .map(std::string::ToString::to_string)
        .collect();
    compare::compare(&expected, &transcript())
}

/// Compares the transcript with the expected transcript `fixtures/<slug>/<name>.txt`.
///
/// Expected transcripts are never written by hand, and never by a check: the grader hands each
/// check process the fixtures before it runs, and every comparison is reported back with the
/// actual lines, from which `grader bless EX` (a maintainer's command) writes the files.
pub fn expect_transcript(name: &str) -> Result<(), Fail> {
    let actual = transcript();
    COMPARED
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
        .push((name.to_string(), actual.clone()));
    let Some(text) = crate::harness::fixture(name) else {
        return Err(Fail::new(
            Kind::MissingFixture,
            format!(
                "the expected transcript fixtures/<exercise>/{name}.txt is missing. Restore it \
                 with `git checkout -- fixtures/` (maintainers: `grader bless` writes it)."
            ),
        ));
    };
    let expected: Vec<String> = text.lines().map(str::to_owned).collect();
    compare::compare(&expected, &actual)
}

/// Awaits `future` for at most `limit` of the check's time; `None` when the limit came first. The
/// limit's timer is looked at first (`biased;`): when the timer fires, tokio polls the task once,
/// and a future nobody woke must not slip through on that poll (`tokio::time::timeout` polls the
/// future first). A check turns `None` into the failure that explains what never came.
pub async fn within<F: std::future::Future>(limit: Duration, future: F) -> Option<F::Output> {
    tokio::select! {
        biased;
        () = tokio::time::sleep(limit) => None,
        output = future => Some(output),
    }
}
