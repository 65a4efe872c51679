//! The report a student reads: what passed, what failed and why, the transcript diff, and where
//! to go next.

use super::{Next, Options, Reporter, Subject};
use crate::commands::cli::Warnings;
use crate::course::Exercise;
use crate::report::diff;
use crate::run::outcome::{CheckResult, Event, ExerciseResult, Kind};
use crate::terminal::color::Paint;
use std::io::Write;

/// Transcript lines shown under a failure that has no expected transcript to diff against.
const SO_FAR: usize = 8;

/// The check names' column, at least: most names fit, so most exercises line up with each other.
const NAME_COLUMN: usize = 34;

pub struct Human<W: Write> {
    out: W,
    paint: Paint,
    warnings: Warnings,
    announce_builds: bool,
    subject: Subject,
    next: Option<Next>,
    /// The last explanation shown in this exercise: the same one again is not repeated (all
    /// checks of an untouched stub say "not implemented yet", a deadlock fails every check...).
    explained: Option<(Kind, String)>,
    /// Whether this exercise's report has pointed at `grader hint` under a failing check yet:
    /// the hints follow the first failing check that has some, so only that one gets the line.
    hint_pointed: bool,
    /// The width of this exercise's column of check names: its longest name, so that a long one
    /// never pushes its score out of the score column.
    name_width: usize,
}

impl<W: Write> Human<W> {
    pub fn new(out: W, options: Options) -> Self {
        Human {
            out,
            paint: options.paint,
            warnings: options.warnings,
            announce_builds: options.announce_builds,
            subject: options.subject,
            next: options.next,
            explained: None,
            hint_pointed: false,
            name_width: NAME_COLUMN,
        }
    }

    fn line(&mut self, text: &str) {
        // A closed pipe (`grader check | head`) is not worth a panic.
        let _ = writeln!(self.out, "{text}");
        let _ = self.out.flush();
    }

    fn exercise_header(&mut self, r: &ExerciseResult) {
        let p = self.paint;
        let label = p.bold(&r.exercise.label());
        self.line(&format!("{label}  {}", p.dim(&r.exercise.title)));
        self.explained = None;
        self.hint_pointed = false;
        for note in &r.notes {
            for (i, l) in wrap(note, 90).iter().enumerate() {
                let head = if i == 0 { "! " } else { "  " };
                self.line(&format!("  {}{l}", p.yellow(head)));
            }
        }
        let shown: Vec<_> = r
            .warnings
            .iter()
            .filter(|w| self.warnings.shows(w.lint.as_deref()))
            .collect();
        if !shown.is_empty() {
            self.line(&format!(
                "  {} rustc warns about your code (read these first: an unused future never runs):",
                p.yellow("!")
            ));
            for w in shown {
                for l in w.rendered.lines() {
                    self.line(&format!("      {l}"));
                }
            }
        }
    }

    fn check(&mut self, exercise: &Exercise, r: &CheckResult) {
        let number = exercise.number;
        let p = self.paint;
        let score = format!("{}/{}", r.points(), r.info.points);
        let name = shown_name(r);
        let width = self.name_width;
        if r.outcome.passed() {
            // The duration the check judged, on the clock it judged by (a real-time check's is
            // real time, not the virtual time that ran meanwhile).
            let time = r
                .outcome
                .shown_time()
                .filter(|_| !r.info.untimed)
                .map(|t| format!("  {:.3} s {}", t.ms / 1000.0, t.clock.name()))
                .unwrap_or_default();
            self.line(&format!(
                "  {} {:<width$} {:>5}{}",
                p.green("✓"),
                name,
                score,
                p.dim(&time)
            ));
            // A task that panicked on the side (its JoinHandle dropped) did not fail the check,
            // but the student should know. A panic the check injected on purpose is not news.
            let stray: Vec<&String> = r
                .outcome
                .panics
                .iter()
                .filter(|p| !p.starts_with(awaitlings_check::INJECTED_PANIC))
                .collect();
            for panic in stray {
                for l in wrap(&format!("a task panicked during this check: {panic}"), 88) {
                    self.line(&format!("      {}", p.yellow(&l)));
                }
            }
            return;
        }
        let kind = r.outcome.kind().unwrap_or(Kind::Crashed);
        self.line(&format!(
            "  {} {:<width$} {:>5}  {}",
            p.red("✗"),
            name,
            score,
            p.yellow(kind.heading_for(r.info.untimed))
        ));
        self.details(number, kind, r);
        if !self.hint_pointed && exercise.check_hints.contains_key(&r.info.name) {
            self.hint_pointed = true;
            self.line(&format!(
                "      {} {}",
                p.dim("a hint for this check:"),
                p.bold(&format!("cargo run -p grader -- hint {number:02}"))
            ));
        }
    }

    /// What went wrong in a failing check: the explanation, then the evidence.
    fn details(&mut self, exercise: u32, kind: Kind, r: &CheckResult) {
        let p = self.paint;
        let explanation = Some((kind, r.outcome.message().to_string()));
        let todo_again = kind == Kind::NotImplemented
            && self.explained.as_ref().is_some_and(|(k, _)| *k == kind);
        if todo_again || self.explained == explanation {
            return;
        }
        self.explained = explanation;
        for l in wrap(&format!("checks: {}", r.info.about), 92) {
            self.line(&p.dim(&format!("      {l}")));
        }
        for l in wrap(unrepeated(kind, r.outcome.message()), 92) {
            self.line(&format!("      {l}"));
        }
        if let (Some(e), Some(a)) = (&r.outcome.expected, &r.outcome.actual) {
            let whole = format!("cargo run -p grader -- diff {exercise:02}");
            let lines = diff::unified(e, a, p, 30, Some(&whole));
            if !lines.is_empty() {
                self.line(&format!(
                    "      transcript ({}, {}):",
                    p.red("- expected"),
                    p.green("+ yours")
                ));
                for l in lines {
                    self.line(&format!("        {l}"));
                }
            }
        } else if shows_transcript(kind) && !r.outcome.transcript.is_empty() {
            let t = &r.outcome.transcript;
            let all = t.len() as u64 + r.outcome.transcript_dropped;
            let from = t.len().saturating_sub(SO_FAR);
            if all as usize > SO_FAR || r.outcome.transcript_dropped > 0 {
                let kept = if r.outcome.transcript_dropped > 0 {
                    format!("; only the first {} were kept", t.len())
                } else {
                    String::new()
                };
                self.line(&format!(
                    "      transcript so far (lines {} to {} of {all}{kept}):",
                    from + 1,
                    t.len()
                ));
            } else {
                self.line("      transcript so far:");
            }
            for l in &t[from..] {
                self.line(&format!("        {l}"));
            }
        }
        let other_panics: Vec<&String> = r
            .outcome
            .panics
            .iter()
            .filter(|p| !r.outcome.message().contains(p.as_str()))
            .collect();
        if !other_panics.is_empty() && kind != Kind::NotImplemented {
            self.line("      panics during this check:");
            for l in other_panics {
                self.line(&format!("        {l}"));
            }
        }
        if shows_stderr(kind) {
            let err: Vec<&str> = r
                .outcome
                .stderr
                .lines()
                .filter(|l| !l.trim().is_empty())
                .collect();
            if !err.is_empty() {
                self.line("      stderr (last lines):");
                for l in &err[err.len().saturating_sub(6)..] {
                    self.line(&format!("        {l}"));
                }
            }
        }
    }

    fn footer(&mut self, r: &ExerciseResult) {
        let p = self.paint;
        if let Some((kind, message)) = r.build_failure() {
            self.line(&format!("  {} {}", p.red("✗"), p.yellow(kind.heading())));
            let intro = match kind {
                // The grader's own rule comes first, in its words; rustc's errors follow it.
                Kind::DoesNotCompile
                    if message.starts_with(crate::build::harness::forbidden::UNSAFE_FORBIDDEN) =>
                {
                    "your code does not compile here:".to_string()
                }
                Kind::DoesNotCompile => "your code does not compile yet; rustc says:".to_string(),
                Kind::ChecksDoNotCompile => "your code compiles, but the checks cannot call it. Did you change a \
                     function's name, parameters or return type? Keep the signatures the stub's doc comments give. rustc says:"
                    .to_string(),
                _ => "the checks could not be built:".to_string(),
            };
            for l in wrap(&intro, 92) {
                self.line(&format!("      {l}"));
            }
            let shown: Vec<&str> = message.lines().collect();
            for l in &shown[..shown.len().min(60)] {
                self.line(&format!("      {l}"));
            }
            if shown.len() > 60 {
                self.line(&format!(
                    "      ... {} more lines (`cargo build -p {}` shows them all)",
                    shown.len() - 60,
                    r.exercise.slug
                ));
            }
        }
        let score = match r.max_points {
            Some(max) => format!("{}/{max} points", r.points()),
            None => "0 points (the checks could not run)".to_string(),
        };
        if r.passed() {
            self.line(&format!(
                "  {}",
                p.green(&format!("{score}: every check passed."))
            ));
        } else if self.hint_pointed {
            // The failing check already named the hint command.
            self.line(&format!("  {score}."));
        } else {
            self.line(&format!(
                "  {score}. Stuck? {}",
                p.bold(&format!(
                    "cargo run -p grader -- hint {:02}",
                    r.exercise.number
                ))
            ));
        }
        // Only where it helps: a failing check that drew its inputs from the seed.
        let drew = r
            .checks
            .iter()
            .any(|c| c.outcome.seeded && !c.outcome.passed());
        if let Some(seed) = r.seed.filter(|_| drew) {
            let again = format!(
                "These checks drew their inputs from seed {seed}: `cargo run -p grader -- check {:02} \
                 --seed {seed}` runs them again on the same inputs.",
                r.exercise.number
            );
            for l in wrap(&again, 92) {
                self.line(&format!("  {}", p.dim(&l)));
            }
        }
        if r.exercise.hidden_checks {
            for l in wrap(HIDDEN_CHECKS, 92) {
                self.line(&format!("  {}", p.yellow(&l)));
            }
        }
        self.line("");
    }
}

/// Said under an exercise of the student edition that the instructor also grades with checks the
/// edition does not have (`hidden_checks` in its course.toml).
pub const HIDDEN_CHECKS: &str = "Your instructor grades this exercise with more checks than these, \
    which you do not have: passing every check here is not a guarantee of full marks.";

/// Whether the report shows the end of the transcript for a failure of this kind (one with no
/// expected transcript to diff against, where what was said before it stopped is the clue).
fn shows_transcript(kind: Kind) -> bool {
    match kind {
        Kind::Deadlock
        | Kind::Blocked
        | Kind::Spinning
        | Kind::Panicked
        | Kind::NeverWaited
        | Kind::OutOfMemory => true,
        Kind::WrongValue
        | Kind::WrongOrder
        | Kind::WrongTiming
        | Kind::Sequential
        | Kind::NotImplemented
        | Kind::MissingFixture
        | Kind::TimedOut
        | Kind::OutputFlood
        | Kind::ExitedEarly
        | Kind::Crashed
        | Kind::Forged
        | Kind::DoesNotCompile
        | Kind::ChecksDoNotCompile
        | Kind::BuildBroken
        | Kind::BuildTimedOut => false,
    }
}

/// Whether the report shows the process's stderr (when the check could not say what happened).
fn shows_stderr(kind: Kind) -> bool {
    match kind {
        Kind::TimedOut | Kind::Crashed | Kind::ExitedEarly | Kind::OutputFlood | Kind::Forged => {
            true
        }
        Kind::WrongValue
        | Kind::WrongOrder
        | Kind::WrongTiming
        | Kind::Sequential
        | Kind::NeverWaited
        | Kind::Deadlock
        | Kind::Blocked
        | Kind::Spinning
        | Kind::Panicked
        | Kind::NotImplemented
        | Kind::MissingFixture
        | Kind::OutOfMemory
        | Kind::DoesNotCompile
        | Kind::ChecksDoNotCompile
        | Kind::BuildBroken
        | Kind::BuildTimedOut => false,
    }
}

/// A check's name as the report shows it. Only the trusted course has hidden checks (the student
/// edition leaves them out), so this report is the instructor's: it marks them, and keeps their
/// details.
fn shown_name(r: &CheckResult) -> String {
    if r.info.hidden {
        format!("{} (hidden)", r.info.name)
    } else {
        r.info.name.clone()
    }
}

/// The message without a leading repeat of the kind's heading ("blocked the runtime: ..." under
/// the heading "blocked the runtime"): each verdict is said once.
pub fn unrepeated(kind: Kind, message: &str) -> &str {
    message
        .strip_prefix(kind.heading())
        .and_then(|rest| rest.strip_prefix(": "))
        .unwrap_or(message)
}

impl<W: Write> Reporter for Human<W> {
    fn on(&mut self, event: &Event) -> std::io::Result<()> {
        match event {
            Event::Building { .. } => {
                if self.announce_builds {
                    // On stderr: the report itself may be piped or written to a file.
                    crate::errln!(
                        "Building the checks (the very first build compiles tokio once: about a minute)..."
                    );
                }
            }
            Event::Exercise(r) => {
                self.name_width = r
                    .checks
                    .iter()
                    .map(|c| shown_name(c).chars().count())
                    .fold(NAME_COLUMN, usize::max);
                self.exercise_header(r);
                for c in &r.checks {
                    self.check(&r.exercise, c);
                }
                self.footer(r);
            }
            Event::Finished { results, .. } => self.totals(results),
        }
        self.out.flush()
    }
}

impl<W: Write> Human<W> {
    fn totals(&mut self, results: &[ExerciseResult]) {
        if let Some(why) = crate::run::outcome::unsandboxed(results) {
            let note = crate::run::outcome::unsandboxed_note(why);
            self.line(&note);
        }
        if !self.subject.flags.is_empty() {
            let p = self.paint;
            self.line(&format!(
                "{} this submission changed files the grader never uses; they were graded with the course's own:",
                p.yellow("!")
            ));
            for flag in self.subject.flags.clone() {
                self.line(&format!("    {flag}"));
            }
        }
        if results.len() > 1 {
            let points: u32 = results.iter().map(ExerciseResult::points).sum();
            let max: u32 = results.iter().filter_map(|r| r.max_points).sum();
            let passed = results.iter().filter(|r| r.passed()).count();
            self.line(&format!(
                "Total: {points}/{max} points; {passed} of {} exercises passed.",
                results.len()
            ));
            if self.subject.name.is_none()
                && let Some(next) = results.iter().find(|r| !r.passed())
            {
                self.next_line(next.exercise.number, &next.exercise.label());
            }
        }
        // Everything checked passed: where to go from here, which the run itself cannot know
        // (the caller found it from the student's progress).
        if self.subject.name.is_none()
            && !results.is_empty()
            && results.iter().all(ExerciseResult::passed)
            && let Some(Next { number, label }) = self.next.clone()
        {
            self.next_line(number, &label);
        }
    }

    fn next_line(&mut self, number: u32, label: &str) {
        self.line(&format!(
            "Next: {label}  ({})",
            self.paint
                .bold(&format!("cargo run -p grader -- check {number:02}"))
        ));
    }
}

/// Wraps text at `width` columns, keeping existing line breaks. A code span (`like this`) is
/// never split: a command in it must still run when copied from one line.
pub fn wrap(text: &str, width: usize) -> Vec<String> {
    let mut out = Vec::new();
    for para in text.lines() {
        let mut line = String::new();
        for word in unbroken_words(para) {
            let word = word.as_str();
            if !line.is_empty() && line.chars().count() + 1 + word.chars().count() > width {
                out.push(std::mem::take(&mut line));
            }
            if !line.is_empty() {
                line.push(' ');
            }
            line.push_str(word);
        }
        out.push(line);
    }
    out
}

/// The words of `para`, with a code span's words kept together as one.
fn unbroken_words(para: &str) -> Vec<String> {
    let mut words: Vec<String> = Vec::new();
    let mut open = false;
    for word in para.split(' ') {
        match words.last_mut() {
            Some(last) if open => {
                last.push(' ');
                last.push_str(word);
            }
            _ => words.push(word.to_string()),
        }
        if word.matches('`').count() % 2 == 1 {
            open = !open;
        }
    }
    words
}

#[cfg(test)]
mod tests {
    #[test]
    fn never_splits_a_code_span() {
        let text = "Stuck? Run `cargo run -p grader -- hint 03` and read it.";
        let lines = super::wrap(text, 20);
        assert!(
            lines
                .iter()
                .any(|l| l.contains("`cargo run -p grader -- hint 03`")),
            "{lines:?}"
        );
        assert_eq!(lines.join(" "), text);
    }

    use super::*;
    use crate::build::harness::Variant;
    use crate::run::outcome::{CheckInfo, Outcome, Verdict};

    fn check_result(name: &str, passed: bool, hidden: bool) -> CheckResult {
        let mut outcome = Outcome::failed(Kind::WrongValue, "the wrong value");
        if passed {
            outcome.verdict = Verdict::Passed;
        }
        CheckResult {
            info: CheckInfo {
                name: name.to_string(),
                points: 12,
                main: false,
                untimed: false,
                about: "what it checks".to_string(),
                hidden,
                waits: false,
            },
            outcome,
        }
    }

    #[test]
    fn a_long_check_name_never_pushes_the_score_out_of_its_column() {
        let exercise: Exercise =
            toml::from_str("number = 12\nslug = \"chat-server\"\ntitle = \"chat\"")
                .expect("an exercise");
        let result = ExerciseResult {
            exercise,
            variant: Variant::Student,
            build: Ok(()),
            notes: Vec::new(),
            warnings: Vec::new(),
            checks: vec![
                check_result("joins", true, false),
                check_result("stalled-client-does-not-hold-up-others", false, false),
                check_result("a-hidden-one-with-a-long-name", true, true),
            ],
            max_points: Some(36),
            reused: false,
            tampered: Vec::new(),
            seed: None,
        };
        let mut out = Vec::new();
        let mut human = Human::new(
            &mut out,
            Options {
                paint: Paint(false),
                warnings: Warnings::Async,
                announce_builds: false,
                subject: Subject::default(),
                next: None,
            },
        );
        human.on(&Event::Exercise(Box::new(result))).unwrap();
        drop(human);
        let text = String::from_utf8(out).unwrap();
        let scores: Vec<usize> = text
            .lines()
            .filter(|l| l.starts_with("  ✓ ") || l.starts_with("  ✗ "))
            .map(|l| l.find("/12").unwrap_or_else(|| panic!("no score in {l:?}")))
            .collect();
        assert_eq!(scores.len(), 3, "{text}");
        assert!(scores.iter().all(|&s| s == scores[0]), "{text}");
        assert!(
            text.contains("stalled-client-does-not-hold-up-others  0/12"),
            "{text}"
        );
    }

    #[test]
    fn wraps_at_word_boundaries() {
        assert_eq!(super::wrap("aaa bbb ccc", 7), vec!["aaa bbb", "ccc"]);
        assert_eq!(super::wrap("a\nb", 80), vec!["a", "b"]);
    }
}
