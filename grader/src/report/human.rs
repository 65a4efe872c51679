//! The report a student reads: what passed, what failed and why, the transcript diff, and where
//! to go next. Each check's line is printed as the check finishes (its [`Event::Check`]), the
//! exercise's summary once all are in; how to do what it suggests (a hint, a check again) is a
//! key inside watch and a command elsewhere ([`crate::commands::how`]).

use super::building::BuildNotice;
use super::{Next, Options, Reporter, Subject};
use crate::commands::cli::Warnings;
use crate::commands::how::{Action, How, Place};
use crate::course::Exercise;
use crate::report::diff;
use crate::run::outcome::{CheckInfo, CheckResult, Event, ExerciseResult, Kind, Verdict};
use crate::student::hints;
use crate::student::progress::{Entry, Progress};
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
    notice: BuildNotice,
    place: Place,
    subject: Subject,
    next: Option<Next>,
    /// The last explanation shown in this exercise: the same one again is not repeated (all
    /// checks of an untouched stub say "not implemented yet", a deadlock fails every check...).
    explained: Option<(Kind, String)>,
    /// Whether this exercise's report has pointed at `grader hint` under a failing check yet
    /// (if not, its footer does).
    hint_pointed: bool,
    /// The width of this exercise's column of check names: its longest name, so that a long one
    /// never pushes its score out of the score column.
    name_width: usize,
    /// The seed this exercise's checks drew from: the commands that show a seeded check again
    /// name it.
    seed: Option<u64>,
    /// The hints seen, by exercise: a failing check's report says how many it has left.
    progress: Progress,
    /// The exercise whose checks are being printed as they come, if any.
    streaming: Option<Streamed>,
}

/// The checks of one exercise printed so far, each with the verdict it was printed with.
struct Streamed {
    slug: String,
    printed: Vec<Option<Verdict>>,
}

impl<W: Write> Human<W> {
    pub fn new(out: W, options: Options) -> Self {
        Human {
            out,
            paint: options.paint,
            warnings: options.warnings,
            notice: BuildNotice::new(options.announce_builds),
            place: options.place,
            subject: options.subject,
            next: options.next,
            explained: None,
            hint_pointed: false,
            streaming: None,
            seed: None,
            progress: options.progress.unwrap_or_default(),
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
        self.seed = r.seed;
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
        let name = shown_name(&r.info);
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
        self.hints_left(exercise, r);
        // The check's own scenario, drawn: what the learner needs to see the mistake. Not for a
        // hidden check, which the student's course does not have, nor for code that stopped at
        // a `todo!()`, where there is no mistake to see yet.
        if !r.outcome.transcript.is_empty() && !r.info.hidden && kind != Kind::NotImplemented {
            // In watch, `r` draws the main scenario on the same inputs; any other check is drawn
            // by its command.
            let see = match self.place.how(Action::Run(number)) {
                key @ How::Key(_) if r.info.main => key.show(p),
                _ => p.bold(&crate::report::transcript::command(
                    "run", number, r, self.seed,
                )),
            };
            self.line(&format!("      {} {see}", p.dim("see it:")));
        }
    }

    /// Under a failing check that has hints (its own, or a mistake's its message names): how
    /// many the student has not seen yet, and the command that gives them.
    fn hints_left(&mut self, exercise: &Exercise, r: &CheckResult) {
        let p = self.paint;
        let plan = hints::plan_for_check(exercise, &r.info.name, Some(r.outcome.message()));
        let entry = self.progress.exercises.get(&exercise.slug);
        let (left, all) = hints::left(exercise, &plan, entry.unwrap_or(&Entry::default()));
        if all == 0 {
            return;
        }
        let command = format!(
            "cargo run -p grader -- hint {:02} {}",
            exercise.number, r.info.name
        );
        // In watch, `h` gives the next hint along the failures in order, which starts with the
        // first failing check that has hints: that one is a key away, the others a command.
        let how = match self.place.how(Action::Hint(exercise.number)) {
            key @ How::Key(_) if !self.hint_pointed => key.show(p),
            _ => p.bold(&command),
        };
        self.hint_pointed = true;
        let line = match left {
            0 => format!(
                "{} {}",
                p.dim("you have seen every hint for this check:"),
                p.bold(&format!("{command} --all"))
            ),
            1 => format!("{} {how}", p.dim("1 hint left:")),
            n => format!("{} {how}", p.dim(&format!("{n} hints left:"))),
        };
        self.line(&format!("      {line}"));
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
            let whole = crate::report::transcript::command("diff", exercise, r, self.seed);
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
            // A failing check already said how to get a hint.
            self.line(&format!("  {score}."));
        } else {
            self.line(&match self.place.how(Action::Hint(r.exercise.number)) {
                How::Key(k) => format!(
                    "  {score}. Stuck? Press {} for a hint.",
                    p.bold(&k.to_string())
                ),
                How::Command(c) => format!("  {score}. Stuck? {}", p.bold(&c)),
            });
        }
        // Only where it helps: a failing check that drew its inputs from the seed.
        let drew = r
            .checks
            .iter()
            .any(|c| c.outcome.seeded && !c.outcome.passed());
        if let Some(seed) = r.seed.filter(|_| drew) {
            let drew = format!("These checks drew their inputs from seed {seed}");
            let again = match self.place.how(Action::CheckSeed(r.exercise.number, seed)) {
                How::Key(k) => format!("{drew}: press {k} to run them again on the same inputs."),
                How::Command(c) => format!("{drew}: `{c}` runs them again on the same inputs."),
            };
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
fn shown_name(info: &CheckInfo) -> String {
    if info.hidden {
        format!("{} (hidden)", info.name)
    } else {
        info.name.clone()
    }
}

/// The width of an exercise's column of check names: its longest name, so that a long one never
/// pushes its score out of the score column.
fn name_width<'a>(infos: impl Iterator<Item = &'a CheckInfo>) -> usize {
    infos
        .map(|info| shown_name(info).chars().count())
        .fold(NAME_COLUMN, usize::max)
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
        // On stderr, when a build is long: the report itself may be piped or written to a file.
        self.notice.on(event);
        match event {
            Event::Building { .. } => {}
            Event::Check {
                exercise,
                index,
                check,
                infos,
            } => self.streamed(exercise, *index, check, infos),
            Event::Exercise(r) => self.exercise(r),
            Event::Finished { results, .. } => self.totals(results),
        }
        self.out.flush()
    }
}

impl<W: Write> Human<W> {
    /// A check's line as soon as it finished, under its exercise's header (printed with the
    /// exercise's first check).
    fn streamed(
        &mut self,
        r: &ExerciseResult,
        index: usize,
        check: &CheckResult,
        infos: &[CheckInfo],
    ) {
        if self
            .streaming
            .as_ref()
            .is_none_or(|s| s.slug != r.exercise.slug)
        {
            self.name_width = name_width(infos.iter());
            self.exercise_header(r);
            self.streaming = Some(Streamed {
                slug: r.exercise.slug.clone(),
                printed: Vec::new(),
            });
        }
        self.check(&r.exercise, check);
        if let Some(s) = &mut self.streaming {
            if s.printed.len() <= index {
                s.printed.resize(index + 1, None);
            }
            s.printed[index] = Some(check.outcome.verdict.clone());
        }
    }

    /// The whole exercise: what was not printed as it came (all of it, from a run that sent no
    /// `Check`s; a check whose verdict changed since), then the summary.
    fn exercise(&mut self, r: &ExerciseResult) {
        let printed = match self.streaming.take() {
            Some(s) if s.slug == r.exercise.slug => s.printed,
            _ => {
                self.name_width = name_width(r.checks.iter().map(|c| &c.info));
                self.exercise_header(r);
                Vec::new()
            }
        };
        for (i, c) in r.checks.iter().enumerate() {
            if printed.get(i).and_then(Option::as_ref) != Some(&c.outcome.verdict) {
                self.check(&r.exercise, c);
            }
        }
        self.footer(r);
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
            self.place.how(Action::Check(number)).show(self.paint)
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
    use super::{Human, Reporter};
    use crate::build::harness::Variant;
    use crate::commands::how::Place;
    use crate::course::Exercise;
    use crate::report::Options;
    use crate::run::outcome::{
        CheckInfo, CheckResult, Event, ExerciseResult, Kind, Outcome, Verdict,
    };
    use std::sync::{Arc, Mutex};

    /// What a reporter wrote so far, readable while it still writes.
    #[derive(Clone, Default)]
    struct Screen(Arc<Mutex<Vec<u8>>>);

    impl std::io::Write for Screen {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            self.0.lock().unwrap().extend_from_slice(buf);
            Ok(buf.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    impl Screen {
        fn text(&self) -> String {
            String::from_utf8(self.0.lock().unwrap().clone()).unwrap()
        }
    }

    fn human(place: Place) -> (Human<Screen>, Screen) {
        let screen = Screen::default();
        let options = Options {
            paint: crate::terminal::color::Paint(false),
            warnings: crate::commands::cli::Warnings::Async,
            announce_builds: false,
            place,
            subject: crate::report::Subject::default(),
            next: None,
            progress: None,
        };
        (Human::new(screen.clone(), options), screen)
    }

    fn check(name: &str, verdict: Verdict) -> CheckResult {
        let mut outcome = Outcome::failed(Kind::Crashed, "");
        outcome.verdict = verdict;
        CheckResult {
            info: CheckInfo {
                name: name.to_string(),
                points: 1,
                main: false,
                untimed: true,
                about: format!("what {name} checks"),
                hidden: false,
                waits: false,
            },
            outcome,
        }
    }

    /// Exercise 02 with a passing check `fast` and a failing `slow`, which has hints.
    fn exercise() -> ExerciseResult {
        let mut ex = ExerciseResult {
            exercise: Exercise {
                title: "Returns 41".into(),
                check_hints: [("slow".to_string(), vec!["A hint.".to_string()])].into(),
                ..Exercise::sample(2, "wrong-value")
            },
            variant: Variant::Student,
            build: Ok(()),
            notes: Vec::new(),
            warnings: Vec::new(),
            checks: Vec::new(),
            max_points: Some(2),
            reused: false,
            tampered: Vec::new(),
            seed: Some(1),
        };
        ex.checks = vec![
            check("fast", Verdict::Passed),
            check(
                "slow",
                Verdict::failed(Kind::WrongValue, "answer() returned 41"),
            ),
        ];
        ex
    }

    fn checked(ex: &ExerciseResult, index: usize) -> Event {
        Event::Check {
            exercise: Box::new(ex.without_checks()),
            index,
            check: Box::new(ex.checks[index].clone()),
            infos: ex.checks.iter().map(|c| c.info.clone()).collect(),
        }
    }

    #[test]
    fn each_check_is_printed_as_it_comes_and_the_summary_once_all_are_in() {
        let (mut h, screen) = human(Place::Shell);
        let ex = exercise();
        h.on(&checked(&ex, 0)).unwrap();
        let first = screen.text();
        assert!(first.starts_with("02 wrong-value  Returns 41\n"), "{first}");
        assert!(
            first.contains("✓ fast") && !first.contains("slow"),
            "{first}"
        );
        h.on(&checked(&ex, 1)).unwrap();
        assert!(screen.text().contains("✗ slow"), "{}", screen.text());
        assert!(!screen.text().contains("points"), "{}", screen.text());
        h.on(&Event::Exercise(Box::new(ex.clone()))).unwrap();
        let all = screen.text();
        assert!(all.contains("1/2 points."), "{all}");
        assert_eq!(all.matches("fast").count(), 1, "printed once:\n{all}");
        assert_eq!(all.matches("02 wrong-value").count(), 1, "{all}");
        assert!(
            all.contains("1 hint left: cargo run -p grader -- hint 02 slow"),
            "{all}"
        );
    }

    #[test]
    fn a_run_without_check_events_prints_the_exercise_whole() {
        let (mut h, streamed) = human(Place::Shell);
        let ex = exercise();
        h.on(&checked(&ex, 0)).unwrap();
        h.on(&checked(&ex, 1)).unwrap();
        h.on(&Event::Exercise(Box::new(ex.clone()))).unwrap();
        let (mut h, whole) = human(Place::Shell);
        h.on(&Event::Exercise(Box::new(ex))).unwrap();
        assert_eq!(streamed.text(), whole.text());
    }

    #[test]
    fn a_check_whose_verdict_changed_before_the_summary_is_printed_again() {
        let (mut h, screen) = human(Place::Shell);
        let mut ex = exercise();
        h.on(&checked(&ex, 0)).unwrap();
        h.on(&checked(&ex, 1)).unwrap();
        ex.checks[0].outcome.verdict = Verdict::failed(Kind::Forged, "changed the grader's files");
        h.on(&Event::Exercise(Box::new(ex))).unwrap();
        let all = screen.text();
        assert!(all.contains("✓ fast") && all.contains("✗ fast"), "{all}");
    }

    #[test]
    fn inside_watch_the_report_names_keys() {
        let (mut h, screen) = human(Place::Watch {
            exercise: 2,
            next: Some(3),
        });
        let mut ex = exercise();
        h.on(&Event::Exercise(Box::new(ex.clone()))).unwrap();
        assert!(
            screen.text().contains("1 hint left: press h"),
            "{}",
            screen.text()
        );
        // No check hints: the summary says how to get one.
        ex.exercise.check_hints.clear();
        ex.checks[1].outcome.seeded = true;
        h.on(&Event::Exercise(Box::new(ex))).unwrap();
        let all = screen.text();
        assert!(
            all.contains("1/2 points. Stuck? Press h for a hint."),
            "{all}"
        );
        assert!(
            all.contains("seed 1: press c to run them again on the same inputs."),
            "{all}"
        );
        assert!(!all.contains("cargo run"), "{all}");
    }

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
        let options = || Options {
            paint: Paint(false),
            warnings: Warnings::Async,
            announce_builds: false,
            place: Place::Shell,
            subject: Subject::default(),
            next: None,
            progress: None,
        };
        let mut out = Vec::new();
        let mut human = Human::new(&mut out, options());
        human
            .on(&Event::Exercise(Box::new(result.clone())))
            .unwrap();
        drop(human);
        let text = String::from_utf8(out).unwrap();
        // Streamed check by check, the first line is already laid out for the longest name.
        let mut out = Vec::new();
        let mut human = Human::new(&mut out, options());
        for i in 0..result.checks.len() {
            human.on(&checked(&result, i)).unwrap();
        }
        human.on(&Event::Exercise(Box::new(result))).unwrap();
        drop(human);
        assert_eq!(String::from_utf8(out).unwrap(), text);
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
