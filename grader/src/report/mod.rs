//! Output formats. Each is a consumer of the one event stream ([`Event`]): `human` writes as
//! checks finish; the others aggregate and write one document when the run is over. Adding a
//! format is one file here and one variant of [`Format`].
//!
//! - [`human`]: the report a student reads (and [`building`]: the notice that a build takes a
//!   while);
//! - [`json`]: our own machine-readable report;
//! - [`classroom`]: GitHub's autograding command grader's `result` (and `$GITHUB_OUTPUT`);
//! - [`classroom50`]: Classroom 50's `result.json`;
//! - [`gradescope`]: Gradescope's `results.json`;
//! - [`prairielearn`]: PrairieLearn's external grader `results.json`;
//! - [`junit`]: JUnit XML (GitLab, Jenkins, CodeGrade);
//! - [`markdown`]: a summary for `$GITHUB_STEP_SUMMARY` or a pull request;
//! - [`transcript`] (`run`) and [`versus`] (`diff`): the transcript of the main scenario (or of any
//!   check named), alone or against another's.

pub mod building;
pub mod classroom;
pub mod classroom50;
pub mod diff;
pub mod gradescope;
pub mod human;
pub mod json;
pub mod junit;
pub mod markdown;
pub mod prairielearn;
pub mod timeline;
pub mod transcript;
pub mod versus;

use crate::commands::cli::Warnings;
use crate::run::outcome::{CheckResult, Event, ExerciseResult, Kind};
use crate::terminal::color::Paint;
use clap::ValueEnum;
use std::io::Write;

/// A consumer of events that writes a report.
pub trait Reporter {
    fn on(&mut self, event: &Event) -> std::io::Result<()>;
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// For people: what passed, what failed and why.
    Human,
    /// The grader's own JSON report.
    Json,
    /// GitHub Actions autograding (the command grader's `result`).
    Classroom,
    /// Classroom 50's result.json.
    Classroom50,
    /// Gradescope's results.json.
    Gradescope,
    /// PrairieLearn's external-grader results.json.
    Prairielearn,
    /// JUnit XML (GitLab, Jenkins, CodeGrade).
    Junit,
    /// Markdown (GitHub's step summary).
    Markdown,
}

impl Format {
    /// The file extension of a report in this format (`grade --out DIR`).
    pub fn extension(self) -> &'static str {
        match self {
            Format::Human => "txt",
            Format::Junit => "xml",
            Format::Markdown => "md",
            Format::Json
            | Format::Classroom
            | Format::Classroom50
            | Format::Gradescope
            | Format::Prairielearn => "json",
        }
    }
}

/// Who is being graded, for the formats that say so.
#[derive(Clone, Debug, Default)]
pub struct Subject {
    /// The submission's name (`grade`); `None` for the course's own crates (`check`).
    pub name: Option<String>,
    /// The submission's commit, when it is a git checkout.
    pub commit: Option<String>,
    /// Integrity flags: files of the submission that differ from the trusted course's, never used.
    pub flags: Vec<String>,
}

/// How a reporter is made.
pub struct Options {
    pub paint: Paint,
    pub warnings: Warnings,
    /// The human report says "Building the checks..." when a build is long (see [`building`]):
    /// on a terminal.
    pub announce_builds: bool,
    /// Where the report is read: the human report names keys inside watch, commands elsewhere.
    pub place: crate::commands::how::Place,
    pub subject: Subject,
    /// The exercise to do next, which the human report names after a run where everything
    /// passed; `check` finds it from the student's progress (`None`: say nothing).
    pub next: Option<Next>,
    /// The student's progress, from which the human report counts the hints a failing check
    /// has left (`None`, for an instructor's report: counted as if none had been seen).
    pub progress: Option<crate::student::progress::Progress>,
}

/// The exercise to do next: the first in course order not passed for the files as they are now.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Next {
    pub number: u32,
    /// `04 char-count`.
    pub label: String,
}

/// The reporter for `format`, writing to `out`.
pub fn reporter(format: Format, out: Box<dyn Write>, options: Options) -> Box<dyn Reporter> {
    match format {
        Format::Human => Box::new(human::Human::new(out, options)),
        Format::Json => Box::new(Document::new(out, options.subject, json::render)),
        Format::Classroom => Box::new(Document::new(out, options.subject, classroom::render)),
        Format::Classroom50 => Box::new(Document::new(out, options.subject, classroom50::render)),
        Format::Gradescope => Box::new(Document::new(out, options.subject, gradescope::render)),
        Format::Prairielearn => Box::new(Document::new(out, options.subject, prairielearn::render)),
        Format::Junit => Box::new(Document::new(out, options.subject, junit::render)),
        Format::Markdown => Box::new(Document::new(out, options.subject, markdown::render)),
    }
}

/// Renders a whole run as one document.
pub type Render = fn(&Run) -> String;

/// A finished run, as the document formats see it.
pub struct Run<'a> {
    pub results: &'a [ExerciseResult],
    pub wall: std::time::Duration,
    pub subject: &'a Subject,
}

impl Run<'_> {
    pub fn points(&self) -> u32 {
        self.results.iter().map(ExerciseResult::points).sum()
    }

    pub fn max_points(&self) -> u32 {
        self.results.iter().filter_map(|r| r.max_points).sum()
    }

    /// Whether every check passed. Integrity flags are not failures: they name files the grader
    /// never used, so they travel with the report and leave the status alone.
    pub fn passed(&self) -> bool {
        self.results.iter().all(ExerciseResult::passed)
    }

    /// Every check of every exercise, as gradebooks list tests: one row per check, and one for an
    /// exercise whose checks could not be built (worth the exercise's points, none earned).
    pub fn tests(&self) -> Vec<Test<'_>> {
        let mut out = Vec::new();
        for r in self.results {
            if let Some((kind, message)) = r.build_failure() {
                out.push(Test {
                    exercise: r,
                    name: format!("{} (build)", r.exercise.label()),
                    check: None,
                    points: 0,
                    max_points: r.max_points.unwrap_or(0),
                    passed: false,
                    kind: Some(kind),
                    message: message.to_string(),
                    hidden: false,
                });
                continue;
            }
            for c in &r.checks {
                out.push(Test {
                    exercise: r,
                    name: format!("{} {}", r.exercise.label(), c.info.name),
                    check: Some(c),
                    points: c.points(),
                    max_points: c.info.points,
                    passed: c.outcome.passed(),
                    kind: c.outcome.kind(),
                    message: if c.outcome.passed() {
                        String::new()
                    } else {
                        format!(
                            "{}: {}",
                            c.outcome
                                .kind()
                                .map_or("failed", |k| k.heading_for(c.info.untimed)),
                            human::unrepeated(
                                c.outcome.kind().unwrap_or(Kind::Crashed),
                                c.outcome.message()
                            )
                        )
                    },
                    hidden: c.info.hidden,
                });
            }
        }
        out
    }
}

/// Whether a failure of this kind is the grader's rather than the code's: the checks could not be
/// built at all (a broken course or cargo), or the build ran out of time. Gradebooks that tell
/// the two apart call it an error, not a fail.
pub fn graders_fault(kind: Option<Kind>) -> bool {
    matches!(kind, Some(Kind::BuildBroken | Kind::BuildTimedOut))
}

/// Whether an exercise's checks could not be built through the grader's fault.
pub fn unbuilt(r: &ExerciseResult) -> bool {
    graders_fault(r.build_failure().map(|(k, _)| k))
}

/// One gradebook row: a check, or an exercise that did not build.
pub struct Test<'a> {
    pub exercise: &'a ExerciseResult,
    /// `01 coroutines step-is-lazy`, or `01 coroutines (build)`.
    pub name: String,
    pub check: Option<&'a CheckResult>,
    pub points: u32,
    pub max_points: u32,
    pub passed: bool,
    pub kind: Option<Kind>,
    /// Empty when it passed.
    pub message: String,
    /// A hidden check (`grader/checks/hidden/<slug>.rs`): see [`Test::shown_name`].
    pub hidden: bool,
}

impl Test<'_> {
    /// How to rerun this test, as a student types it.
    pub fn command(&self) -> String {
        format!(
            "cargo run -p grader -- check {:02}",
            self.exercise.exercise.number
        )
    }

    /// The check's transcript (or the build error), for formats with an output field.
    pub fn output(&self) -> String {
        match self.check {
            Some(c) => {
                let mut out = self.message.clone();
                if let (Some(e), Some(a)) = (&c.outcome.expected, &c.outcome.actual) {
                    let diff = crate::report::diff::unified(e, a, Paint(false), 30, None);
                    if !diff.is_empty() {
                        out.push_str("\n\ntranscript (- expected, + yours):\n");
                        out.push_str(&diff.join("\n"));
                    }
                }
                out
            }
            None => self.message.clone(),
        }
    }

    /// The name, for a format with no visibility setting: a hidden check is still listed (its
    /// points count), marked `(hidden)`.
    pub fn shown_name(&self) -> String {
        if self.hidden {
            format!("{} (hidden)", self.name)
        } else {
            self.name.clone()
        }
    }

    /// The message, for a format with no visibility setting, whose reader may be the student: a
    /// hidden check's message and transcript name the scenario the public checks leave out (its
    /// parameters, its expected values), which a student could then hard-code too. So of a
    /// hidden check only the kind of failure is shown; the full story is in the instructor's
    /// reports (human and JSON, and Gradescope's, which hides the test until grades are published).
    pub fn shown_message(&self) -> String {
        if !self.hidden || self.passed {
            return self.message.clone();
        }
        format!(
            "{}: {WITHHELD}",
            self.kind.map_or("failed", |k| k.heading())
        )
    }

    /// [`Test::output`], for a format with no visibility setting (see [`Test::shown_message`]).
    pub fn shown_output(&self) -> String {
        if self.hidden {
            self.shown_message()
        } else {
            self.output()
        }
    }

    /// What a format with no visibility setting says a hidden check checks.
    pub fn shown_about(&self) -> &str {
        match self.check {
            Some(_) if self.hidden => "a hidden check: the course does not show what it checks",
            Some(c) => &c.info.about,
            None => "the checks could not be built",
        }
    }

    pub fn seconds(&self) -> f64 {
        self.check.map_or(0.0, |c| c.outcome.wall_ms / 1000.0)
    }
}

/// Said of a failing hidden check instead of its details, where the student may read it.
pub const WITHHELD: &str = "a hidden check, which tries your code on a case the public checks do not show; \
     its details are in your instructor's report";

/// A reporter that collects the run and writes one document at the end.
struct Document {
    out: Box<dyn Write>,
    subject: Subject,
    render: Render,
}

impl Document {
    fn new(out: Box<dyn Write>, subject: Subject, render: Render) -> Document {
        Document {
            out,
            subject,
            render,
        }
    }
}

impl Reporter for Document {
    fn on(&mut self, event: &Event) -> std::io::Result<()> {
        if let Event::Finished { results, wall } = event {
            let text = (self.render)(&Run {
                results,
                wall: *wall,
                subject: &self.subject,
            });
            self.out.write_all(text.as_bytes())?;
            if !text.ends_with('\n') {
                self.out.write_all(b"\n")?;
            }
            self.out.flush()?;
        }
        Ok(())
    }
}

/// Standard base64 (RFC 4648, with padding): what GitHub's autograding reporter decodes.
pub fn base64(bytes: &[u8]) -> String {
    const ABC: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let n = chunk
            .iter()
            .enumerate()
            .fold(0u32, |n, (i, b)| n | (*b as u32) << (16 - 8 * i));
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(ABC[(n >> (18 - 6 * i) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// Now as an RFC 3339 UTC timestamp (`2026-11-22T07:15:00Z`), without a date library.
pub fn now_rfc3339() -> String {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs()) as i64;
    let (days, rest) = (secs.div_euclid(86_400), secs.rem_euclid(86_400));
    // Howard Hinnant's days-to-civil.
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}Z",
        rest / 3600,
        rest / 60 % 60,
        rest % 60
    )
}

/// Where the solutions' main transcripts are kept with the task that said each line (see the
/// README there), for the picture tests; `None` in the student edition, which leaves the
/// maintainers' tests and data out (it has no `solutions/` either) but runs the unit tests.
#[cfg(test)]
pub(crate) fn main_scenarios() -> Option<std::path::PathBuf> {
    let root = crate::repository();
    let in_the_edition = !root.join("solutions").is_dir();
    (!in_the_edition).then(|| root.join("grader/tests/data/main-scenarios"))
}

#[cfg(test)]
mod tests {
    #[test]
    fn base64_matches_the_rfc_examples() {
        for (plain, coded) in [
            ("", ""),
            ("f", "Zg=="),
            ("fo", "Zm8="),
            ("foo", "Zm9v"),
            ("foob", "Zm9vYg=="),
            ("fooba", "Zm9vYmE="),
            ("foobar", "Zm9vYmFy"),
        ] {
            assert_eq!(super::base64(plain.as_bytes()), coded);
        }
    }

    #[test]
    fn timestamps_are_rfc3339() {
        let t = super::now_rfc3339();
        assert_eq!(t.len(), 20, "{t}");
        assert!(t.starts_with("20") && t.ends_with('Z') && &t[10..11] == "T");
    }
}
