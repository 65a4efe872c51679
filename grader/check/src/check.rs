//! What a check is, and the ways it can fail.

pub use crate::protocol::Kind;
use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::time::Duration;

/// A check's body: builds the future that runs the student's code and judges it.
pub(crate) type Body = Box<dyn Fn() -> Pin<Box<dyn Future<Output = Result<(), Fail>>>>>;

/// One hidden check: a name (stable: results are keyed by it), the points it is worth, one line
/// saying what it verifies, and the async body that does it.
pub struct Check {
    pub name: &'static str,
    pub points: u32,
    pub about: &'static str,
    pub(crate) body: Body,
    pub(crate) watchdog: Duration,
    pub(crate) paused: bool,
    pub(crate) main: bool,
    pub(crate) untimed: bool,
    pub(crate) stall_advice: Option<crate::monitor::StallAdvice>,
    /// Set by the harness for the checks of `grader/checks/hidden/<slug>.rs`, never by a check:
    /// where a check is written decides whether it ships to students, so that is what marks it.
    pub(crate) hidden: bool,
    pub(crate) waits: bool,
}

/// Declares a check. `body` returns `Ok(())` when the student's code is right, and a [`Fail`]
/// (usually from one of the `expect_*` helpers) when it is not.
pub fn check<F, Fut>(name: &'static str, points: u32, about: &'static str, body: F) -> Check
where
    F: Fn() -> Fut + 'static,
    Fut: Future<Output = Result<(), Fail>> + 'static,
{
    Check {
        name,
        points,
        about,
        body: Box::new(move || Box::pin(body())),
        watchdog: Duration::from_secs(3600),
        paused: true,
        main: false,
        untimed: false,
        stall_advice: None,
        hidden: false,
        waits: false,
    }
}

impl Check {
    /// Marks the check whose transcript `grader run` prints and `grader diff` compares: the
    /// exercise's main scenario. One per exercise.
    pub fn main(mut self) -> Self {
        self.main = true;
        self
    }

    /// Changes the virtual-time watchdog (default: one hour of virtual time). When the body has not
    /// finished by then, the check fails as a deadlock. Under paused time the clock jumps straight
    /// to the watchdog once nothing else can happen, so a deadlock costs microseconds.
    pub fn watchdog(mut self, limit: Duration) -> Self {
        self.watchdog = limit;
        self
    }

    /// Runs this check on the real clock instead of paused time (for real sockets).
    pub fn real_time(mut self) -> Self {
        self.paused = false;
        self
    }

    /// Marks a check that spends most of its time waiting on the real clock, seconds at a time,
    /// on purpose: threads that hold on with `std::thread::sleep` (exercise 10's slow disk and
    /// jobs), real sockets. The grader runs such checks beside the computing ones instead of giving
    /// each a CPU's turn, so their waits overlap. Also for a check that computes for milliseconds
    /// but gives the code under test seconds of the real clock before it calls it stuck (a named
    /// pipe's patience, a socket's read deadline): wrong code runs into that wait, and verify runs
    /// dozens of wrong solutions. Only for waits the scenario itself makes: a check that computes
    /// for long must not claim it (it would then run with more checks than CPUs at once).
    pub fn waits(mut self) -> Self {
        self.waits = true;
        self
    }

    /// Marks a check whose code under test has no tokio and no clock (exercise 02's hand-made
    /// executor): its blocking and busy-loop verdicts speak of the executor, and no report speaks
    /// of virtual time.
    pub fn untimed(mut self) -> Self {
        self.untimed = true;
        self
    }

    /// The check's own advice when the runtime's thread is stuck (`blocked`: asleep in a blocking
    /// call; `spinning`: computing without an `.await`), said after what was seen in place of the
    /// general advice (use `tokio::time::sleep`, await inside the loop). For a scenario whose
    /// blocking is part of the contract (exercise 10: `std::thread::sleep` and a CPU-bound loop
    /// that belong on `spawn_blocking`), where the general advice would be wrong.
    pub fn stall_advice(mut self, blocked: &'static str, spinning: &'static str) -> Self {
        self.stall_advice = Some(crate::monitor::StallAdvice { blocked, spinning });
        self
    }

    /// What `harness list` says of this check.
    pub fn info(&self) -> crate::protocol::CheckInfo {
        crate::protocol::CheckInfo {
            name: self.name.into(),
            points: self.points,
            main: self.main,
            untimed: self.untimed,
            about: self.about.into(),
            hidden: self.hidden,
            waits: self.waits,
        }
    }
}

/// A failed check: what kind of mistake, a message for the student, and optionally the expected and
/// actual transcripts (the grader shows them as a diff).
#[derive(Clone, Debug, PartialEq)]
pub struct Fail {
    pub kind: Kind,
    pub message: String,
    pub expected: Option<String>,
    pub actual: Option<String>,
}

impl Fail {
    pub fn new(kind: Kind, message: impl Into<String>) -> Self {
        Fail {
            kind,
            message: message.into(),
            expected: None,
            actual: None,
        }
    }

    /// The message, then `more` (a sentence or two explaining it): the message is ended with a
    /// full stop first when it has none, so the two never run together ("36 lines) The first").
    pub fn then(mut self, more: impl AsRef<str>) -> Self {
        let more = more.as_ref().trim();
        if !more.is_empty() {
            self.message = format!("{} {more}", full_stop(&self.message));
        }
        self
    }

    /// Attaches the expected and actual transcripts, for the grader's diff.
    pub fn with_transcripts(mut self, expected: String, actual: String) -> Self {
        self.expected = Some(expected);
        self.actual = Some(actual);
        self
    }
}

impl fmt::Display for Fail {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.kind.name(), self.message)
    }
}

/// Formats a duration the way every message does: seconds with millisecond precision, `3.000 s`.
pub fn secs(d: Duration) -> String {
    format!("{:.3} s", d.as_secs_f64())
}

/// `text` as a finished sentence: trailing blanks dropped, and a full stop added unless it already
/// ends with `.`, `?`, `!` or `:` (a closing bracket or quote after one counts: `(see above.)`). Every
/// message a check reports goes through it, so messages built from pieces end the same way.
pub fn full_stop(text: &str) -> String {
    let text = text.trim_end();
    let last = text
        .trim_end_matches([')', '"', '\'', '`'])
        .chars()
        .next_back();
    match last {
        None => String::new(),
        // A colon announces what follows the message in the report (a transcript, a diff).
        Some('.' | '?' | '!' | ':') => text.to_string(),
        Some(_) => format!("{text}."),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn full_stop_ends_a_sentence_once() {
        assert_eq!(
            full_stop("took 1 s, expected 2 s"),
            "took 1 s, expected 2 s."
        );
        assert_eq!(full_stop("done. "), "done.");
        assert_eq!(full_stop("is `.await` missing?"), "is `.await` missing?");
        assert_eq!(full_stop("(36 lines)"), "(36 lines).");
        assert_eq!(full_stop("(see above.)"), "(see above.)");
        assert_eq!(full_stop(""), "");
    }

    #[test]
    fn then_joins_two_sentences_with_a_full_stop_between() {
        let fail = Fail::new(Kind::WrongValue, "the expected one 36 lines)").then("The first.");
        assert_eq!(fail.message, "the expected one 36 lines). The first.");
        let fail = Fail::new(Kind::WrongValue, "Ends well.").then("More.");
        assert_eq!(fail.message, "Ends well. More.");
        assert_eq!(Fail::new(Kind::WrongValue, "a").then("  ").message, "a");
    }
}
