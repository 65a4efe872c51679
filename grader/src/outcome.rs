//! What happened: the verdict of one check, of one exercise, and the events that report them.

use crate::course::Exercise;
use crate::harness::{BuildError, Variant};
use crate::runner::CheckInfo;
use serde::{Deserialize, Serialize};

/// Every way a check can fail, named the way a student would want it named.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    // Reported by the check itself (awaitlings-check's `Kind`).
    WrongValue,
    WrongOrder,
    WrongTiming,
    Sequential,
    Deadlock,
    Blocked,
    Spinning,
    Panicked,
    NotImplemented,
    MissingFixture,
    // Seen by the grader from outside the check.
    TimedOut,
    ExitedEarly,
    Crashed,
    Forged,
    DoesNotCompile,
    ChecksDoNotCompile,
    BuildBroken,
}

impl Kind {
    pub fn from_name(name: &str) -> Kind {
        serde_json::from_value(serde_json::Value::String(name.into())).unwrap_or(Kind::Crashed)
    }

    pub fn name(self) -> String {
        serde_json::to_value(self)
            .ok()
            .and_then(|v| v.as_str().map(str::to_owned))
            .unwrap_or_default()
    }

    /// The heading the human report shows.
    pub fn heading(self) -> &'static str {
        match self {
            Kind::WrongValue => "wrong value",
            Kind::WrongOrder => "wrong order",
            Kind::WrongTiming => "wrong timing",
            Kind::Sequential => "ran sequentially",
            Kind::Deadlock => "never finished (deadlock)",
            Kind::Blocked => "blocked the runtime",
            Kind::Spinning => "never yielded (busy loop)",
            Kind::Panicked => "panicked",
            Kind::NotImplemented => "not implemented yet",
            Kind::MissingFixture => "expected transcript missing",
            Kind::TimedOut => "timed out",
            Kind::ExitedEarly => "exited the process",
            Kind::Crashed => "crashed",
            Kind::Forged => "forged report",
            Kind::DoesNotCompile => "does not compile",
            Kind::ChecksDoNotCompile => "checks cannot call your code",
            Kind::BuildBroken => "could not build",
        }
    }
}

/// The verdict of one check run.
#[derive(Clone, Debug, Default, Serialize)]
pub struct Outcome {
    pub passed: bool,
    pub kind: Option<Kind>,
    pub message: String,
    pub expected: Option<String>,
    pub actual: Option<String>,
    pub transcript: Vec<String>,
    pub panics: Vec<String>,
    /// Virtual time the check simulated (unknown when the process died).
    pub virtual_ms: Option<f64>,
    pub wall_ms: f64,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub stdout: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub stderr: String,
}

impl Outcome {
    pub fn failed(kind: Kind, message: impl Into<String>) -> Outcome {
        Outcome {
            kind: Some(kind),
            message: message.into(),
            ..Outcome::default()
        }
    }
}

/// One check of one exercise, with its verdict.
#[derive(Clone, Debug)]
pub struct CheckResult {
    pub info: CheckInfo,
    pub outcome: Outcome,
}

impl CheckResult {
    pub fn points(&self) -> u32 {
        if self.outcome.passed {
            self.info.points
        } else {
            0
        }
    }
}

/// Everything about one exercise (in one variant) after a run.
#[derive(Clone, Debug)]
pub struct ExerciseResult {
    pub exercise: Exercise,
    pub variant: Variant,
    /// `Err` when the harness did not build; then `checks` is empty.
    pub build: Result<(), BuildError>,
    pub checks: Vec<CheckResult>,
    /// The points on offer: from the checks, or (when the build failed) from the last known list.
    pub max_points: Option<u32>,
}

impl ExerciseResult {
    pub fn points(&self) -> u32 {
        self.checks.iter().map(CheckResult::points).sum()
    }

    pub fn passed(&self) -> bool {
        self.build.is_ok()
            && !self.checks.is_empty()
            && self.checks.iter().all(|c| c.outcome.passed)
    }

    /// The build failure as a kind and a message.
    pub fn build_failure(&self) -> Option<(Kind, &str)> {
        match &self.build {
            Ok(()) => None,
            Err(BuildError::DoesNotCompile(m)) => Some((Kind::DoesNotCompile, m)),
            Err(BuildError::ChecksDoNotCompile(m)) => Some((Kind::ChecksDoNotCompile, m)),
            Err(BuildError::Broken(m)) => Some((Kind::BuildBroken, m)),
        }
    }
}

/// The event stream every output format consumes.
pub enum Event<'a> {
    /// Harnesses are about to be built (cargo may take a while on a cold build).
    Building { count: usize },
    /// An exercise's checks are about to be reported.
    ExerciseStarted(&'a ExerciseResult),
    /// One check finished (reported in the order the checks are declared).
    CheckFinished(&'a ExerciseResult, &'a CheckResult),
    /// Every check of an exercise finished.
    ExerciseFinished(&'a ExerciseResult),
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kind_names_round_trip() {
        for k in [
            Kind::WrongOrder,
            Kind::NotImplemented,
            Kind::TimedOut,
            Kind::ChecksDoNotCompile,
        ] {
            assert_eq!(Kind::from_name(&k.name()), k);
        }
        assert_eq!(Kind::from_name("sequential"), Kind::Sequential);
        assert_eq!(Kind::from_name("no-such-kind"), Kind::Crashed);
    }
}
