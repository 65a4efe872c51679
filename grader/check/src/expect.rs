//! The assertions checks are made of. Each returns `Err(Fail)` with a message that names the
//! mistake in async terms, so a check body reads as a list of `expect_*(..)?` lines.

use crate::check::{Fail, Kind, secs};
use crate::compare;
use std::fmt::Debug;
use std::path::PathBuf;
use std::time::Duration;

/// Starts a fresh scenario inside one check: the clock goes back to zero and the transcript is
/// emptied. Every check starts this way already.
pub fn restart() {
    awaitlings::clock::start();
    awaitlings::transcript::record();
}

/// Virtual time since the check (or the last [`restart`]) began.
pub fn elapsed() -> Duration {
    awaitlings::clock::elapsed()
}

/// The transcript recorded so far, one line per `say!`.
pub fn transcript() -> Vec<String> {
    awaitlings::transcript::recorded()
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
    let took = elapsed();
    if took == expected {
        return Ok(());
    }
    if took.is_zero() {
        return Err(Fail::new(
            Kind::Blocked,
            format!(
                "{what} took no virtual time at all, expected {}. Waiting with std::thread::sleep \
                 blocks the thread and never moves tokio's clock: use `tokio::time::sleep(..).await`.",
                secs(expected)
            ),
        ));
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
    let expected: Vec<String> = expected.iter().map(|s| s.to_string()).collect();
    compare::compare(&expected, &transcript())
}

/// Compares the transcript with the expected transcript `fixtures/<slug>/<name>.txt`.
///
/// Expected transcripts are never written by hand: `grader bless EX` runs the solution and writes
/// them (this function writes the file instead of comparing when the grader asks it to).
pub fn expect_transcript(name: &str) -> Result<(), Fail> {
    let actual = transcript();
    let Some(dir) = std::env::var_os("AWAITLINGS_FIXTURES") else {
        return Err(Fail::new(
            Kind::MissingFixture,
            "AWAITLINGS_FIXTURES is not set: run the checks through the grader",
        ));
    };
    let path = PathBuf::from(dir).join(format!("{name}.txt"));
    if std::env::var_os("AWAITLINGS_BLESS").is_some() {
        let written = std::fs::create_dir_all(path.parent().unwrap_or(&path))
            .and_then(|()| std::fs::write(&path, compare::join(&actual)));
        return written.map_err(|e| {
            Fail::new(
                Kind::MissingFixture,
                format!("could not write {}: {e}", path.display()),
            )
        });
    }
    let text = std::fs::read_to_string(&path).map_err(|e| {
        Fail::new(
            Kind::MissingFixture,
            format!(
                "the expected transcript {} could not be read ({e}). Restore it with \
                 `git checkout -- fixtures/`.",
                path.display()
            ),
        )
    })?;
    let expected: Vec<String> = text.lines().map(str::to_owned).collect();
    compare::compare(&expected, &actual)
}
