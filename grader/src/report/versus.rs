//! `grader diff EX [CHECK]`: the transcript of the main scenario (or of the check named) against
//! the reference solution's (or another submission's), the same check run with the same seed. A
//! consumer of the event stream: it takes the two exercises' results as they arrive (the other's
//! first, then the student's) and writes the comparison when the run is over.
//!
//! When they differ, the two pictures come first, on one time column (the other's lanes, a bar,
//! yours; or, when that is too wide, one table of both, a line only one side said marked `-` or
//! `+`; instants that differ marked `≠`), then the unified diff of the lines, where lines of one
//! instant in another order are no difference (see [`crate::report::diff`]). `--plain` leaves
//! the pictures out; `--svg FILE` draws both, one above the other on one time axis.

use super::Reporter;
use super::human::{unrepeated, wrap};
use super::transcript::{
    Picture, footnotes, nothing_recorded, svg_title, timeline, unavailable, write_svg,
};
use crate::report::building::BuildNotice;
use crate::report::timeline::{svg, table};
use crate::run::outcome::{Event, ExerciseResult};
use crate::terminal::color::Paint;
use std::io::Write;

pub struct Versus<W: Write> {
    out: W,
    paint: Paint,
    /// `solution`, or the other submission's path.
    other_name: String,
    notice: BuildNotice,
    picture: Picture,
    results: Vec<ExerciseResult>,
}

impl<W: Write> Versus<W> {
    pub fn new(
        out: W,
        paint: Paint,
        other_name: String,
        announce_builds: bool,
        picture: Picture,
    ) -> Self {
        Versus {
            out,
            paint,
            other_name,
            notice: BuildNotice::new(announce_builds),
            picture,
            results: Vec::new(),
        }
    }

    /// The two transcripts' pictures side by side, if both make one and they fit.
    fn pictures(&mut self, theirs: &ExerciseResult, mine: &ExerciseResult) -> std::io::Result<()> {
        let p = self.paint;
        let (Some(t), Some(m)) = (
            timeline(&theirs.checks[0].outcome),
            timeline(&mine.checks[0].outcome),
        ) else {
            return Ok(());
        };
        // One lane on each side is two lists: the diff below says it better.
        if t.lanes.len() == 1 && m.lanes.len() == 1 {
            return Ok(());
        }
        match table::versus(&t, &self.other_name, &m, &self.picture.layout(p)) {
            Ok(table) => {
                for line in &table.lines {
                    self.line(line)?;
                }
                let mut notes = footnotes(&m, table.hidden, p);
                if t.by_word && !m.by_word {
                    notes.extend(footnotes(&t, None, p));
                }
                for note in notes {
                    self.line(&note)?;
                }
                self.line("")
            }
            Err(no_fit) => self.line(&p.dim(&format!(
                "({no_fit}, side by side or in one table: the diff follows; `--svg FILE` draws \
                 every lane.)"
            ))),
        }
    }

    /// `--svg FILE`: both pictures, the other's above yours, on one time axis.
    fn drawing(&mut self, theirs: &ExerciseResult, mine: &ExerciseResult) -> std::io::Result<()> {
        let Some(path) = self.picture.svg.clone() else {
            return Ok(());
        };
        let t = timeline(&theirs.checks[0].outcome);
        let m = timeline(&mine.checks[0].outcome);
        let drawing = match (&t, &m) {
            (Some(t), Some(m)) => Some(svg::draw(
                &svg_title(mine, &mine.checks[0]),
                &[
                    svg::Group {
                        title: &self.other_name,
                        timeline: t,
                    },
                    svg::Group {
                        title: "yours",
                        timeline: m,
                    },
                ],
            )),
            _ => None,
        };
        write_svg(&mut self.out, self.paint, &path, drawing)
    }

    /// A check other than the main scenario is named first (the main one is what `diff` shows
    /// by default); one that recorded no line on either side says so, and nothing more is
    /// compared (true).
    fn recorded_nothing(
        &mut self,
        theirs: &ExerciseResult,
        mine: &ExerciseResult,
    ) -> std::io::Result<bool> {
        let p = self.paint;
        let check = &mine.checks[0];
        if !check.info.main {
            self.line(&p.bold(&format!(
                "{}: `{}` ({}), {}'s transcript and yours",
                mine.exercise.label(),
                check.info.name,
                check.info.about,
                self.other_name
            )))?;
        }
        if !recorded_nothing(theirs, mine) {
            return Ok(false);
        }
        self.line(&p.dim(&nothing_recorded(check)))?;
        // With no lines to compare, the check's verdict on your code is what there is to say.
        match check.outcome.kind() {
            None => self.line(&p.green("Your code passes it."))?,
            Some(kind) => {
                self.line(&p.red(&format!(
                    "✗ your code: {}",
                    kind.heading_for(check.info.untimed)
                )))?;
                for l in wrap(unrepeated(kind, check.outcome.message()), 92) {
                    self.line(&format!("  {l}"))?;
                }
            }
        }
        Ok(true)
    }

    fn line(&mut self, text: &str) -> std::io::Result<()> {
        writeln!(self.out, "{text}")
    }

    /// The unified diff of the two transcripts' lines. On a terminal, long lines fold at its
    /// width as the picture does; elsewhere they stay whole.
    fn diff(&mut self, reference: &[String], yours: &[String]) -> std::io::Result<()> {
        let p = self.paint;
        self.line(&p.red(&format!("--- {}", self.other_name)))?;
        self.line(&p.green("+++ yours"))?;
        let e = awaitlings_check::compare::join(reference);
        let a = awaitlings_check::compare::join(yours);
        let width = self.picture.width;
        let fold_at = if width.whole {
            usize::MAX
        } else {
            width.columns
        };
        for line in crate::report::diff::folded(&e, &a, p, usize::MAX, None, fold_at) {
            self.line(&line)?;
        }
        Ok(())
    }

    fn report(&mut self) -> std::io::Result<()> {
        let p = self.paint;
        let other_name = self.other_name.clone();
        let results = std::mem::take(&mut self.results);
        let [theirs, mine] = &results[..] else {
            return Ok(());
        };
        for (r, who) in [(theirs, other_name.as_str()), (mine, "your code")] {
            if let Some(why) = unavailable(r, who) {
                return self.line(&why);
            }
        }
        if self.recorded_nothing(theirs, mine)? {
            return Ok(());
        }
        self.drawing(theirs, mine)?;
        let label = mine.exercise.label();
        let compared = compare(
            &theirs.checks[0].outcome.transcript,
            theirs.checks[0].outcome.transcript_dropped,
            &mine.checks[0].outcome.transcript,
            mine.checks[0].outcome.transcript_dropped,
        );
        if compared == Comparison::Different && !self.picture.plain {
            self.pictures(theirs, mine)?;
        }
        let (theirs, mine) = (&theirs.checks[0].outcome, &mine.checks[0].outcome);
        let (reference, yours) = (&theirs.transcript, &mine.transcript);
        match compared {
            Comparison::Same => {
                return self.line(&p.green(&format!(
                    "{label}: your transcript matches {other_name}'s ({} lines).",
                    yours.len()
                )));
            }
            Comparison::SameAsFarAsKept { kept, in_all } => {
                self.line(&p.green(&format!(
                    "{label}: the first {kept} lines of your transcript match {other_name}'s, and \
                     both said {in_all} lines in all."
                )))?;
                return self.line(&p.yellow(&format!(
                    "Only the first {kept} lines could be compared: the grader keeps no more, so \
                     the other {} lines of each went unseen.",
                    in_all - kept as u64
                )));
            }
            Comparison::Lengths {
                kept,
                theirs: their_lines,
                yours: your_lines,
            } => {
                return self.line(&p.red(&format!(
                    "{label}: your transcript does not match {other_name}'s. The first {kept} lines \
                     (all the grader keeps) are the same, but {other_name} said {their_lines} lines \
                     in all and yours {your_lines}."
                )));
            }
            Comparison::Different => {}
        }
        self.diff(reference, yours)?;
        if theirs.transcript_dropped > 0 || mine.transcript_dropped > 0 {
            self.line(&p.dim(&format!(
                "Only the lines kept were compared (the grader keeps the first {}): {other_name} \
                 said {} more, yours {} more.",
                reference.len().max(yours.len()),
                theirs.transcript_dropped,
                mine.transcript_dropped
            )))?;
        }
        Ok(())
    }
}

impl<W: Write> Reporter for Versus<W> {
    fn on(&mut self, event: &Event) -> std::io::Result<()> {
        self.notice.on(event);
        match event {
            Event::Building { .. } | Event::Check { .. } => {}
            Event::Exercise(r) => self.results.push((**r).clone()),
            Event::Finished { .. } => self.report()?,
        }
        self.out.flush()
    }
}

/// Whether neither side recorded a line (a check that judges a value or a duration).
fn recorded_nothing(theirs: &ExerciseResult, mine: &ExerciseResult) -> bool {
    let empty = |r: &ExerciseResult| {
        let o = &r.checks[0].outcome;
        o.transcript.is_empty() && o.transcript_dropped == 0
    };
    empty(theirs) && empty(mine)
}

/// Whether the student's transcript matches the other's, as far as both were kept: what
/// `diff`'s exit code says. Where neither recorded a line, there is nothing to compare, and it
/// says whether the student's code passes the check.
pub fn matched(theirs: &ExerciseResult, mine: &ExerciseResult) -> bool {
    if unavailable(theirs, "").is_some() || unavailable(mine, "").is_some() {
        return false;
    }
    if recorded_nothing(theirs, mine) {
        return mine.checks[0].outcome.passed();
    }
    let (t, m) = (&theirs.checks[0].outcome, &mine.checks[0].outcome);
    matches!(
        compare(
            &t.transcript,
            t.transcript_dropped,
            &m.transcript,
            m.transcript_dropped
        ),
        Comparison::Same | Comparison::SameAsFarAsKept { .. }
    )
}

/// How two transcripts compare, given the lines each kept and how many more each said and the
/// grader dropped (it keeps only the first lines of a transcript).
#[derive(Debug, PartialEq, Eq)]
enum Comparison {
    /// Every line was kept on both sides, and they match.
    Same,
    /// Both dropped lines: the kept ones match and both said as many in all, but what was
    /// dropped could not be compared.
    SameAsFarAsKept { kept: usize, in_all: u64 },
    /// The kept lines match, but the two said different numbers of lines in all.
    Lengths {
        kept: usize,
        theirs: u64,
        yours: u64,
    },
    /// The kept lines differ.
    Different,
}

fn compare(
    reference: &[String],
    reference_dropped: u64,
    yours: &[String],
    yours_dropped: u64,
) -> Comparison {
    if !awaitlings_check::compare::matches(reference, yours) {
        return Comparison::Different;
    }
    let theirs = reference.len() as u64 + reference_dropped;
    let mine = yours.len() as u64 + yours_dropped;
    match (reference_dropped, yours_dropped) {
        (0, 0) => Comparison::Same,
        _ if theirs != mine => Comparison::Lengths {
            kept: yours.len(),
            theirs,
            yours: mine,
        },
        _ => Comparison::SameAsFarAsKept {
            kept: yours.len(),
            in_all: mine,
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lines(n: usize) -> Vec<String> {
        (0..n).map(|i| format!("  0.000s  line {i}")).collect()
    }

    #[test]
    fn dropped_lines_are_never_taken_for_a_match() {
        let kept = lines(10);
        assert_eq!(compare(&kept, 0, &kept, 0), Comparison::Same);
        assert_eq!(
            compare(&kept, 5, &kept, 5),
            Comparison::SameAsFarAsKept {
                kept: 10,
                in_all: 15
            }
        );
        for (theirs, yours) in [(5, 6), (0, 1), (1, 0)] {
            assert_eq!(
                compare(&kept, theirs, &kept, yours),
                Comparison::Lengths {
                    kept: 10,
                    theirs: 10 + theirs,
                    yours: 10 + yours
                }
            );
        }
        assert_eq!(compare(&kept, 5, &lines(9), 6), Comparison::Different);
    }

    use crate::build::harness::Variant;
    use crate::report::timeline::table::Width;
    use crate::run::outcome::{CheckInfo, CheckResult, Kind, Outcome, Verdict};
    use std::path::Path;

    use crate::report::main_scenarios;

    /// A data file's lines and tasks: `task<TAB>line`, the task a number or `-` (none).
    fn scenario(path: &Path) -> (Vec<String>, Vec<Option<u32>>) {
        let text = std::fs::read_to_string(path).unwrap();
        text.lines()
            .map(|l| {
                let (task, line) = l.split_once('\t').unwrap();
                (line.to_string(), task.parse().ok())
            })
            .unzip()
    }

    fn result(slug: &str, lines: &[String], tasks: &[Option<u32>]) -> ExerciseResult {
        let exercise =
            toml::from_str(&format!("number = 7\nslug = \"{slug}\"\ntitle = \"x\"")).unwrap();
        let mut outcome = Outcome::failed(Kind::WrongOrder, "");
        outcome.verdict = Verdict::Passed;
        outcome.finished = true;
        outcome.transcript = lines.to_vec();
        outcome.transcript_tasks = tasks.to_vec();
        ExerciseResult {
            exercise,
            variant: Variant::Student,
            build: Ok(()),
            notes: Vec::new(),
            warnings: Vec::new(),
            checks: vec![CheckResult {
                info: CheckInfo {
                    name: "main".to_string(),
                    points: 1,
                    main: true,
                    untimed: false,
                    about: String::new(),
                    hidden: false,
                    waits: false,
                },
                outcome,
            }],
            max_points: Some(1),
            reused: false,
            tampered: Vec::new(),
            seed: None,
        }
    }

    /// What `diff` prints for `theirs` against `mine`, at `width`.
    fn diff_output(theirs: ExerciseResult, mine: ExerciseResult, width: Width) -> String {
        let mut out = Vec::new();
        let picture = Picture {
            plain: false,
            svg: None,
            width,
        };
        let mut versus = Versus::new(&mut out, Paint(false), "solution".into(), false, picture);
        for r in [theirs, mine] {
            versus.on(&Event::Exercise(Box::new(r))).unwrap();
        }
        versus
            .on(&Event::Finished {
                results: Vec::new(),
                wall: std::time::Duration::ZERO,
            })
            .unwrap();
        drop(versus);
        String::from_utf8(out).unwrap()
    }

    /// The transcript changed as a learner's might be: its first task's first line missing, a
    /// line of its own at the first instant, and the last line a second late.
    fn changed(lines: &[String], tasks: &[Option<u32>]) -> (Vec<String>, Vec<Option<u32>>) {
        let mut said: Vec<(String, Option<u32>)> =
            lines.iter().cloned().zip(tasks.iter().copied()).collect();
        if let Some(i) = said.iter().position(|(_, t)| *t == Some(1)) {
            said.remove(i);
        }
        let restamp = |line: &str, later: u64| match crate::report::timeline::stamp(line) {
            Some((ms, text)) => {
                format!("{}  {text}", crate::report::timeline::format_ms(ms + later))
            }
            None => format!("{line} (changed)"),
        };
        if let Some((last, _)) = said.last_mut() {
            *last = restamp(last, 1000);
        }
        let first = restamp(&lines[0], 0);
        let ours = match crate::report::timeline::stamp(&first) {
            Some((ms, _)) => format!(
                "{}  a line only yours says",
                crate::report::timeline::format_ms(ms)
            ),
            None => "a line only yours says".to_string(),
        };
        said.insert(0, (ours, None));
        said.into_iter().unzip()
    }

    #[test]
    fn every_exercise_s_main_scenario_diff_fits_120_columns() {
        let Some(scenarios) = main_scenarios() else {
            return;
        };
        let mut files: Vec<_> = std::fs::read_dir(scenarios)
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.extension().is_some_and(|e| e == "txt"))
            .collect();
        files.sort();
        assert_eq!(files.len(), 12, "one main scenario per exercise: {files:?}");
        for file in files {
            let slug = file.file_stem().unwrap().to_str().unwrap();
            let (lines, tasks) = scenario(&file);
            let same = diff_output(
                result(slug, &lines, &tasks),
                result(slug, &lines, &tasks),
                Width::cut(120),
            );
            assert!(same.contains("your transcript matches"), "{slug}:\n{same}");
            let (their_lines, their_tasks) = changed(&lines, &tasks);
            let out = diff_output(
                result(slug, &lines, &tasks),
                result(slug, &their_lines, &their_tasks),
                Width::cut(120),
            );
            for line in out.lines() {
                assert!(
                    line.chars().count() <= 120,
                    "{slug}: {line:?} is wider than 120:\n{out}"
                );
            }
            assert!(out.contains("+++ yours"), "{slug}:\n{out}");
            let lanes = timeline(&result(slug, &lines, &tasks).checks[0].outcome)
                .map_or(0, |t| t.lanes.len());
            if lanes > 1 {
                assert!(
                    out.contains(" ≠ "),
                    "{slug}: no picture of {lanes} lanes:\n{out}"
                );
                assert!(!out.contains("do not fit"), "{slug}:\n{out}");
            }
        }
    }

    /// The data above is the solutions' transcripts as the fixtures hold them: when a fixture
    /// changes, its data file must be made again (see the README there).
    #[test]
    fn the_main_scenarios_are_the_expected_transcripts() {
        let Some(scenarios) = main_scenarios() else {
            return;
        };
        for entry in std::fs::read_dir(scenarios).unwrap() {
            let file = entry.unwrap().path();
            if file.extension().is_none_or(|e| e != "txt") {
                continue;
            }
            let slug = file.file_stem().unwrap().to_str().unwrap();
            let (lines, _) = scenario(&file);
            let fixtures = crate::repository().join("fixtures").join(slug);
            let found = std::fs::read_dir(&fixtures).unwrap().any(|f| {
                let f = f.unwrap().path();
                std::fs::read_to_string(&f)
                    .is_ok_and(|t| t.lines().eq(lines.iter().map(String::as_str)))
            });
            assert!(
                found,
                "{} holds no fixture of {}: make it again",
                file.display(),
                fixtures.display()
            );
        }
    }
}
