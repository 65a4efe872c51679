//! `grader run EX`: the main scenario's transcript, as the student's code printed it under paused
//! time, then whether it matches. A consumer of the event stream like every report.

use super::Reporter;
use super::human::{unrepeated, wrap};
use crate::cli::Warnings;
use crate::color::Paint;
use crate::outcome::{Event, ExerciseResult, Kind};
use std::io::Write;

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
    announce_builds: bool,
}

impl<W: Write> Transcript<W> {
    pub fn new(out: W, paint: Paint, warnings: Warnings, announce_builds: bool) -> Self {
        Transcript {
            out,
            paint,
            warnings,
            announce_builds,
        }
    }

    fn line(&mut self, text: &str) -> std::io::Result<()> {
        writeln!(self.out, "{text}")
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
        for line in &o.transcript {
            self.line(line)?;
        }
        if o.transcript_dropped > 0 {
            self.line(&p.dim(&format!(
                "... and {} more lines, not kept ({} in all)",
                o.transcript_dropped,
                o.transcript.len() as u64 + o.transcript_dropped
            )))?;
        }
        if o.transcript.is_empty() {
            self.line(&p.dim("(nothing was printed)"))?;
        }
        // Only a check that ran to its end "finished"; a stopped one says where it stood.
        match (o.finished, o.virtual_ms, check.info.untimed) {
            (true, Some(ms), false) => self.line(&p.dim(&format!(
                "finished after {:.3} s of virtual time",
                ms / 1000.0
            )))?,
            (false, _, _) => self.line(&p.dim("(stopped before it finished)"))?,
            _ => {}
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
        if o.passed() {
            return self.line(&p.green("This matches the expected transcript."));
        }
        let kind = o.kind().unwrap_or(Kind::Crashed);
        self.line(&p.red(&format!("✗ {}", kind.heading_for(check.info.untimed))))?;
        for l in wrap(unrepeated(kind, o.message()), 92) {
            self.line(&format!("  {l}"))?;
        }
        self.line(&format!(
            "`cargo run -p grader -- diff {:02}` compares it with the reference.",
            r.exercise.number
        ))
    }
}

impl<W: Write> Reporter for Transcript<W> {
    fn on(&mut self, event: &Event) -> std::io::Result<()> {
        match event {
            Event::Building { .. } if self.announce_builds => crate::errln!(
                "Building the checks (the very first build compiles tokio once: about a minute)..."
            ),
            Event::Building { .. } | Event::Finished { .. } => {}
            Event::Exercise(r) => self.exercise(r)?,
        }
        self.out.flush()
    }
}
