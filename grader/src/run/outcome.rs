//! What happened: the outcome of one check, of one exercise, and the events that report them.
//! Verdict kinds and the check list are the protocol's (`awaitlings_check::protocol`): one
//! definition for the harness and the grader.

use crate::build::harness::{BuildError, Variant, Warning};
use crate::course::Exercise;
pub use awaitlings_check::protocol::{CheckInfo, Clock, Judged, Kind, Verdict};

/// Everything known about one check run.
#[derive(Clone, Debug)]
pub struct Outcome {
    pub verdict: Verdict,
    /// Did the check body run to its end? (Not when it was stopped: blocked, timed out, killed.)
    pub finished: bool,
    pub expected: Option<String>,
    pub actual: Option<String>,
    pub transcript: Vec<String>,
    /// For each line of `transcript`, the tokio task that said it (`Some(n)`: the n-th task to
    /// say a line; `None`: outside any spawned task). Empty when unknown. See [`crate::report::timeline`].
    pub transcript_tasks: Vec<Option<u32>>,
    /// Lines said beyond the transcript cap, counted but not kept.
    pub transcript_dropped: u64,
    /// The expected transcripts the check compared against, with the actual lines (for bless).
    pub compared: Vec<(String, Vec<String>)>,
    pub panics: Vec<String>,
    /// Virtual time the check simulated (unknown when the process died without a report).
    pub virtual_ms: Option<f64>,
    pub wall_ms: f64,
    /// The duration the check judged, on its clock: what reports show beside a passed check
    /// (unknown when the process died without a report, or its report did not say).
    pub judged: Option<Judged>,
    pub stdout: String,
    pub stderr: String,
    /// The protection the check process ran under, as its report says (`landlock v7`, or
    /// `none: <why>`); empty when there was no report to say it.
    pub sandbox: String,
    /// Whether the check drew its inputs from the run's seed.
    pub seeded: bool,
}

impl Outcome {
    pub fn failed(kind: Kind, message: impl Into<String>) -> Outcome {
        Outcome {
            verdict: Verdict::failed(kind, message),
            finished: false,
            expected: None,
            actual: None,
            transcript: Vec::new(),
            transcript_tasks: Vec::new(),
            transcript_dropped: 0,
            compared: Vec::new(),
            panics: Vec::new(),
            virtual_ms: None,
            wall_ms: 0.0,
            judged: None,
            stdout: String::new(),
            stderr: String::new(),
            sandbox: String::new(),
            seeded: false,
        }
    }

    pub fn passed(&self) -> bool {
        self.verdict.passed()
    }

    pub fn kind(&self) -> Option<Kind> {
        self.verdict.kind()
    }

    pub fn message(&self) -> &str {
        self.verdict.message()
    }

    /// The time shown beside the check: the duration it judged on its clock, else (a report
    /// that did not say) the virtual time it simulated.
    pub fn shown_time(&self) -> Option<Judged> {
        self.judged.or(self.virtual_ms.map(|ms| Judged {
            ms,
            clock: Clock::Virtual,
        }))
    }
}

/// One check of one exercise, with its outcome.
#[derive(Clone, Debug)]
pub struct CheckResult {
    pub info: CheckInfo,
    pub outcome: Outcome,
}

impl CheckResult {
    pub fn points(&self) -> u32 {
        if self.outcome.passed() {
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
    /// How the student's Cargo.toml differs from the course's (see `stage`).
    pub notes: Vec<String>,
    /// The student's crate's compiler warnings.
    pub warnings: Vec<Warning>,
    pub checks: Vec<CheckResult>,
    /// The points on offer: from the checks, or (when the build failed) from the last known list.
    pub max_points: Option<u32>,
    /// Taken from the last run, whose inputs were exactly these (`grade`), rather than run again.
    pub reused: bool,
    /// The grader's files (relative to the course) this exercise's checks changed while they ran:
    /// then every check failed as forged (see `tamper`). Empty for an honest run.
    pub tampered: Vec<String>,
    /// The seed its checks drew their inputs from (`None` when none ran): `--seed` with it runs
    /// them again on the same inputs. A result reused from an earlier run keeps that run's seed.
    pub seed: Option<u64>,
}

impl ExerciseResult {
    /// The result of `target` before anything is known of it: not built, no checks, no points.
    pub fn unbuilt(target: &crate::build::harness::Target) -> ExerciseResult {
        ExerciseResult {
            exercise: target.exercise.clone(),
            variant: target.variant.clone(),
            build: Err(BuildError::Broken(String::new())),
            notes: Vec::new(),
            warnings: Vec::new(),
            checks: Vec::new(),
            max_points: None,
            reused: false,
            tampered: Vec::new(),
            seed: None,
        }
    }

    /// This result without its checks: what [`Event::Check`] carries of the exercise.
    pub fn without_checks(&self) -> ExerciseResult {
        ExerciseResult {
            exercise: self.exercise.clone(),
            variant: self.variant.clone(),
            build: self.build.clone(),
            notes: self.notes.clone(),
            warnings: self.warnings.clone(),
            checks: Vec::new(),
            max_points: self.max_points,
            reused: self.reused,
            tampered: self.tampered.clone(),
            seed: self.seed,
        }
    }

    pub fn points(&self) -> u32 {
        self.checks.iter().map(CheckResult::points).sum()
    }

    pub fn passed(&self) -> bool {
        self.build.is_ok()
            && !self.checks.is_empty()
            && self.checks.iter().all(|c| c.outcome.passed())
    }

    /// The build failure as a kind and a message.
    pub fn build_failure(&self) -> Option<(Kind, &str)> {
        match &self.build {
            Ok(()) => None,
            Err(BuildError::DoesNotCompile(m)) => Some((Kind::DoesNotCompile, m)),
            Err(BuildError::ChecksDoNotCompile(m)) => Some((Kind::ChecksDoNotCompile, m)),
            Err(BuildError::Broken(m)) => Some((Kind::BuildBroken, m)),
            Err(BuildError::TimedOut(m)) => Some((Kind::BuildTimedOut, m)),
        }
    }
}

/// Why the checks of `results` ran without a sandbox (`none: ...`, as a check process reported
/// it), if any of them did: said once per run, since then code under test could write anywhere
/// the grader can, and the grader only notices (see `tamper`).
pub fn unsandboxed(results: &[ExerciseResult]) -> Option<&str> {
    results
        .iter()
        .flat_map(|r| &r.checks)
        .map(|c| c.outcome.sandbox.as_str())
        .find(|s| s.starts_with("none"))
}

/// The note that goes with [`unsandboxed`].
pub fn unsandboxed_note(why: &str) -> String {
    let why = why.strip_prefix("none: ").unwrap_or(why);
    format!(
        "note: the checks ran without a sandbox ({why}). Code under test could read and write \
         anything you can; the grader only notices when its own files change, puts them back and \
         fails the exercise that changed them."
    )
}

/// What a run reports, in order: complete, owned data, so every consumer (a format writer, an
/// aggregator such as the gradebook, a progress bar) can keep what it needs.
///
/// The order: `Building`; then for each exercise, in course order, a `Check` for each of its
/// checks, in the exercise's order, then its `Exercise`; then `Finished`. A consumer that
/// wants whole exercises reads `Exercise` and ignores `Check`.
#[derive(Clone, Debug)]
pub enum Event {
    /// Harnesses are about to be built (cargo may take a while on a cold build).
    Building {
        count: usize,
        /// Nothing is compiled yet in the grader's build folder: this build compiles every
        /// dependency (tokio), which takes under a minute.
        first: bool,
    },
    /// One check of an exercise finished: sent as soon as it and every check before it in its
    /// exercise are in, so a report can show each as it comes. Its outcome may still change
    /// before the exercise's `Exercise` (a check that changed the grader's files fails them all
    /// as forged): `Exercise` has the final word.
    Check {
        /// The exercise as its build left it (notes, warnings, seed, points on offer), with
        /// `checks` left empty: each comes in a `Check` of its own, all of them in `Exercise`.
        exercise: Box<ExerciseResult>,
        /// The check's place in the exercise's checks.
        index: usize,
        check: Box<CheckResult>,
        /// What each of the exercise's checks is (names, points), all of them, in order, before
        /// they have all run: a report lays out its columns for the widest name from the first.
        infos: Vec<CheckInfo>,
    },
    /// Every check of one exercise (of one variant) finished, or its harness did not build.
    /// Exercises are reported in course order.
    Exercise(Box<ExerciseResult>),
    /// The run is over: every result, in order, and how long it took.
    Finished {
        results: Vec<ExerciseResult>,
        wall: std::time::Duration,
    },
}
