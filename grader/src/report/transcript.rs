//! `grader run EX [CHECK]`: the transcript of the main scenario (or of the check named), as the
//! check recorded it from the student's code under paused time, then whether the check passed. A
//! consumer of the event stream like every report.
//!
//! The transcript is shown as a picture (see [`crate::report::timeline`]): one column per task, one row
//! per instant, so what ran side by side is seen side by side. `--plain` prints the flat list of
//! lines instead (what scripts read), and `--svg FILE` draws the picture into a file as well.

use super::Reporter;
use super::human::{unrepeated, wrap};
use crate::commands::cli::Warnings;
use crate::report::building::BuildNotice;
use crate::report::timeline::table::{self, Layout, Width};
use crate::report::timeline::{Timeline, format_ms, svg};
use crate::run::outcome::{CheckResult, Event, ExerciseResult, Kind, Outcome};
use crate::terminal::color::Paint;
use std::io::Write;
use std::path::PathBuf;

/// Rows of a picture shown in the terminal at most: a screenful and a bit. The rest is one
/// `--plain` or `--svg` away.
pub const MAX_ROWS: usize = 50;

/// How `run` and `diff` show a transcript.
#[derive(Clone, Debug)]
pub struct Picture {
    /// The flat list of lines, as before there were pictures: for scripts.
    pub plain: bool,
    /// Also draw the picture into this SVG file.
    pub svg: Option<PathBuf>,
    /// How wide the picture may be (see [`Width::choose`]).
    pub width: Width,
}

impl Picture {
    pub fn layout(&self, paint: Paint) -> Layout {
        Layout {
            width: self.width,
            max_rows: MAX_ROWS,
            paint,
        }
    }
}

/// The picture of a check's transcript, if its lines can make one.
pub fn timeline(o: &Outcome) -> Option<Timeline> {
    Timeline::build(&o.transcript, &o.transcript_tasks)
}

/// What the SVG's title says a transcript is.
pub fn svg_title(r: &ExerciseResult, check: &CheckResult) -> String {
    format!(
        "{}: `{}`, under paused time",
        r.exercise.label(),
        check.info.name
    )
}

/// Writes `svg` to `path`, saying so (or why not) to `out`.
pub fn write_svg(
    out: &mut impl Write,
    paint: Paint,
    path: &std::path::Path,
    svg: Option<String>,
) -> std::io::Result<()> {
    let Some(svg) = svg else {
        return writeln!(
            out,
            "{}",
            paint.yellow(&format!(
                "No picture written to {}: the transcript has no timed lines to draw.",
                path.display()
            ))
        );
    };
    std::fs::write(path, svg).map_err(|e| {
        std::io::Error::new(e.kind(), format!("could not write {}: {e}", path.display()))
    })?;
    writeln!(
        out,
        "{}",
        paint.dim(&format!("The picture is in {}.", path.display()))
    )
}

/// What a table's footer says about the rows it left out, and the note for lanes guessed from
/// words.
pub fn footnotes(t: &Timeline, hidden: Option<(usize, u64)>, paint: Paint) -> Vec<String> {
    let mut notes = Vec::new();
    if let Some((rows, from)) = hidden {
        notes.push(paint.dim(&format!(
            "... {rows} more rows, from {} on: `--plain` lists every line, `--svg FILE` draws them all.",
            format_ms(from).trim_start()
        )));
    }
    if t.by_word {
        notes.push(
            paint.dim(
                "(No line was said in a spawned task: these lanes are the lines' first words.)",
            ),
        );
    }
    notes
}

/// The command that shows `check` of exercise `number` again (`verb`: `run` or `diff`): the
/// check's name is left out for the main scenario, which is the default, and a check that drew
/// its inputs from `seed` gets it, so that the command draws the very scenario reported.
pub fn command(verb: &str, number: u32, check: &CheckResult, seed: Option<u64>) -> String {
    let mut command = format!("cargo run -p grader -- {verb} {number:02}");
    if !check.info.main {
        command = format!("{command} {}", check.info.name);
    }
    match seed.filter(|_| check.outcome.seeded) {
        Some(seed) => format!("{command} --seed {seed}"),
        None => command,
    }
}

/// Said in place of a transcript when a check recorded no line: a check other than the main
/// scenario may judge something else (a value, a duration), and its description says what.
pub fn nothing_recorded(check: &CheckResult) -> String {
    if check.info.main {
        "(nothing was printed)".to_string()
    } else {
        format!(
            "(`{}` recorded no line in this run, so there is nothing to draw. What it checks: {}.)",
            check.info.name, check.info.about
        )
    }
}

/// Why there is no transcript for `r`, if there is none.
pub fn unavailable(r: &ExerciseResult, who: &str) -> Option<String> {
    if let Some((kind, message)) = r.build_failure() {
        return Some(format!("{who}: {}\n{message}", kind.heading()));
    }
    if r.checks.is_empty() {
        return Some(format!(
            "{who}: the checks of {} mark no main scenario",
            r.exercise.label()
        ));
    }
    None
}

pub struct Transcript<W: Write> {
    out: W,
    paint: Paint,
    warnings: Warnings,
    notice: BuildNotice,
    picture: Picture,
}

impl<W: Write> Transcript<W> {
    pub fn new(
        out: W,
        paint: Paint,
        warnings: Warnings,
        announce_builds: bool,
        picture: Picture,
    ) -> Self {
        Transcript {
            out,
            paint,
            warnings,
            notice: BuildNotice::new(announce_builds),
            picture,
        }
    }

    /// The transcript: as a table when it makes one and fits, else as the flat list of lines.
    fn lines(&mut self, o: &Outcome) -> std::io::Result<()> {
        let p = self.paint;
        // One lane is the list again, with its stamps repeated: print the list.
        let picture = timeline(o).filter(|t| !self.picture.plain && t.lanes.len() > 1);
        if let Some(t) = picture {
            match table::single(&t, &self.picture.layout(p)) {
                Ok(table) => {
                    for line in &table.lines {
                        self.line(line)?;
                    }
                    for note in footnotes(&t, table.hidden, p) {
                        self.line(&note)?;
                    }
                    return Ok(());
                }
                Err(no_fit) => self.line(&p.dim(&format!(
                    "({no_fit}: the lines follow one by one; `--svg FILE` draws every lane.)"
                )))?,
            }
        }
        for line in &o.transcript {
            self.line(line)?;
        }
        Ok(())
    }

    fn line(&mut self, text: &str) -> std::io::Result<()> {
        writeln!(self.out, "{text}")
    }

    /// What follows the lines: how many were not kept, and how the scenario ended. Only a check
    /// that ran to its end "finished"; a stopped one says where it stood, and one stopped because
    /// the runtime's thread was stuck says that this is why the picture ends there: no task ran
    /// after it (exercise 10's heartbeat among them), so none said another line.
    fn ending(&mut self, check: &CheckResult) -> std::io::Result<()> {
        let p = self.paint;
        let o = &check.outcome;
        if o.transcript_dropped > 0 {
            self.line(&p.dim(&format!(
                "... and {} more lines, not kept ({} in all)",
                o.transcript_dropped,
                o.transcript.len() as u64 + o.transcript_dropped
            )))?;
        }
        let stuck = !o.finished
            && !check.info.untimed
            && matches!(o.kind(), Some(Kind::Blocked | Kind::Spinning));
        if o.transcript.is_empty() && !stuck {
            self.line(&p.dim(&nothing_recorded(check)))?;
        }
        // Only a check that ran to its end "finished"; a stopped one says where it stood. A
        // check that recorded nothing may have started its clock again since (`restart`): its
        // time would not be its scenario's.
        let timed = !check.info.untimed && (check.info.main || !o.transcript.is_empty());
        match (o.finished, o.virtual_ms) {
            (true, Some(ms)) if timed => self.line(&p.dim(&format!(
                "finished after {:.3} s of virtual time",
                ms / 1000.0
            ))),
            (false, ms) if stuck => {
                let at = ms.map_or(String::new(), |ms| {
                    format!(" at {:.3} s of virtual time", ms / 1000.0)
                });
                let said = if o.transcript.is_empty() {
                    "nothing was printed"
                } else {
                    "no line came after these"
                };
                self.line(&p.dim(&format!(
                    "({said}: the runtime's thread was stuck{at}, so from then on no task ran, \
                     not even one that only waits on a timer, and the check was stopped)"
                )))
            }
            (false, _) => self.line(&p.dim("(stopped before it finished)")),
            _ => Ok(()),
        }
    }

    fn exercise(&mut self, r: &ExerciseResult) -> std::io::Result<()> {
        let p = self.paint;
        if let Some(why) = unavailable(r, "your code") {
            return self.line(&why);
        }
        let check = &r.checks[0];
        let o = &check.outcome;
        let clock = if check.info.untimed {
            ""
        } else {
            ", under paused time"
        };
        self.line(&p.bold(&format!(
            "{}: transcript of `{}` ({}){clock}",
            r.exercise.label(),
            check.info.name,
            check.info.about
        )))?;
        if let Some(seed) = r.seed.filter(|_| o.seeded) {
            self.line(&p.dim(&format!(
                "(inputs drawn from seed {seed}: add `--seed {seed}` to draw the same ones again)"
            )))?;
        }
        self.lines(o)?;
        self.ending(check)?;
        if let Some(path) = self.picture.svg.clone() {
            let drawing = timeline(o).map(|t| {
                svg::draw(
                    &svg_title(r, check),
                    &[svg::Group {
                        title: "yours",
                        timeline: &t,
                    }],
                )
            });
            write_svg(&mut self.out, p, &path, drawing)?;
        }
        let warnings: Vec<String> = r
            .warnings
            .iter()
            .filter(|w| self.warnings.shows(w.lint.as_deref()))
            .flat_map(|w| {
                w.rendered
                    .lines()
                    .map(|l| format!("  {l}"))
                    .collect::<Vec<_>>()
            })
            .collect();
        for l in warnings {
            self.line(&l)?;
        }
        self.verdict(r, check)
    }

    /// Whether the check passed, and if not, why and where to look next.
    fn verdict(&mut self, r: &ExerciseResult, check: &CheckResult) -> std::io::Result<()> {
        let p = self.paint;
        let o = &check.outcome;
        if o.passed() {
            return self.line(&p.green(if check.info.main {
                "This matches the expected transcript."
            } else {
                "This check passes."
            }));
        }
        let kind = o.kind().unwrap_or(Kind::Crashed);
        self.line(&p.red(&format!("✗ {}", kind.heading_for(check.info.untimed))))?;
        for l in wrap(unrepeated(kind, o.message()), 92) {
            self.line(&format!("  {l}"))?;
        }
        if o.transcript.is_empty() && !check.info.main {
            return Ok(());
        }
        self.line(&format!(
            "`{}` compares it with the reference.",
            command("diff", r.exercise.number, check, r.seed)
        ))
    }
}

impl<W: Write> Reporter for Transcript<W> {
    fn on(&mut self, event: &Event) -> std::io::Result<()> {
        self.notice.on(event);
        match event {
            Event::Building { .. } | Event::Check { .. } | Event::Finished { .. } => {}
            Event::Exercise(r) => self.exercise(r)?,
        }
        self.out.flush()
    }
}
