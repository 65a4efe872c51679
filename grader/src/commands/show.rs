//! `grader run EX` and `grader diff EX`: the main scenario's transcript, alone or against another.

use crate::cli::{Ctx, FAILED, PASSED};
use crate::course::Exercise;
use crate::harness::{Target, Variant};
use crate::outcome::{ExerciseResult, Kind};
use crate::outln;
use crate::report::human::{unrepeated, wrap};
use anyhow::{Result, bail};
use std::path::{Path, PathBuf};

/// Runs the main check of each target, returning each one's result.
fn main_scenario(ctx: &Ctx, targets: &[Target]) -> Result<Vec<ExerciseResult>> {
    ctx.session().run(targets, true, |_| {})
}

/// Why there is no transcript for `r`, if there is none.
fn unavailable(r: &ExerciseResult, who: &str) -> Option<String> {
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

pub fn run(ctx: &Ctx, name: &str) -> Result<u8> {
    let ex = ctx.course.resolve(name)?;
    let p = ctx.paint();
    let session = ctx.session();
    let results = main_scenario(ctx, &[session.target(ex, Variant::Student)])?;
    let r = &results[0];
    if let Some(why) = unavailable(r, "your code") {
        outln!("{why}");
        return Ok(FAILED);
    }
    let check = &r.checks[0];
    let o = &check.outcome;
    let clock = if check.info.untimed {
        ""
    } else {
        ", under paused time"
    };
    outln!(
        "{}",
        p.bold(&format!(
            "{}: transcript of `{}` ({}){clock}",
            ex.label(),
            check.info.name,
            check.info.about
        ))
    );
    for line in &o.transcript {
        outln!("{line}");
    }
    if o.transcript_dropped > 0 {
        outln!(
            "{}",
            p.dim(&format!(
                "... and {} more lines, not kept ({} in all)",
                o.transcript_dropped,
                o.transcript.len() as u64 + o.transcript_dropped
            ))
        );
    }
    if o.transcript.is_empty() {
        outln!("{}", p.dim("(nothing was printed)"));
    }
    // Only a check that ran to its end "finished"; a stopped one says where it stood.
    match (o.finished, o.virtual_ms, check.info.untimed) {
        (true, Some(ms), false) => outln!(
            "{}",
            p.dim(&format!(
                "finished after {:.3} s of virtual time",
                ms / 1000.0
            ))
        ),
        (false, _, _) => outln!("{}", p.dim("(stopped before it finished)")),
        _ => {}
    }
    for w in r
        .warnings
        .iter()
        .filter(|w| ctx.warnings.shows(w.lint.as_deref()))
    {
        for l in w.rendered.lines() {
            outln!("  {l}");
        }
    }
    if o.passed() {
        outln!("{}", p.green("This matches the expected transcript."));
        return Ok(PASSED);
    }
    let kind = o.kind().unwrap_or(Kind::Crashed);
    outln!(
        "{}",
        p.red(&format!("✗ {}", kind.heading_for(check.info.untimed)))
    );
    for l in wrap(unrepeated(kind, o.message()), 92) {
        outln!("  {l}");
    }
    outln!(
        "`cargo run -p grader -- diff {:02}` compares it with the reference.",
        ex.number
    );
    Ok(FAILED)
}

/// Where another submission's crate for `ex` is: PATH may be a course clone, a folder of
/// exercises, or the exercise crate itself.
fn other_crate(path: &Path, ex: &Exercise) -> Result<PathBuf> {
    let candidates = [
        path.join("exercises").join(ex.dir_name()),
        path.join(ex.dir_name()),
        path.to_path_buf(),
    ];
    for c in candidates {
        if c.join("Cargo.toml").is_file() {
            return Ok(c.canonicalize()?);
        }
    }
    bail!(
        "{} holds no crate for {}: give a course clone, its exercises/ folder, or the exercise crate itself",
        path.display(),
        ex.label()
    )
}

pub fn diff(ctx: &Ctx, name: &str, against: &str) -> Result<u8> {
    let ex = ctx.course.resolve(name)?;
    let p = ctx.paint();
    let session = ctx.session();
    let (other, other_name) = if against == "solution" {
        (Variant::Solution, "solution".to_string())
    } else {
        let dir = other_crate(Path::new(against), ex)?;
        let shown = dir.display().to_string();
        (Variant::Other(dir), shown)
    };
    let targets = [
        session.target(ex, other),
        session.target(ex, Variant::Student),
    ];
    let results = main_scenario(ctx, &targets)?;
    for (r, who) in results.iter().zip([other_name.as_str(), "your code"]) {
        if let Some(why) = unavailable(r, who) {
            outln!("{why}");
            return Ok(FAILED);
        }
    }
    let (theirs, mine) = (&results[0].checks[0].outcome, &results[1].checks[0].outcome);
    let (reference, yours) = (&theirs.transcript, &mine.transcript);
    let label = ex.label();
    match compare(
        reference,
        theirs.transcript_dropped,
        yours,
        mine.transcript_dropped,
    ) {
        Comparison::Same => {
            outln!(
                "{}",
                p.green(&format!(
                    "{label}: your transcript matches {other_name}'s ({} lines).",
                    yours.len()
                ))
            );
            return Ok(PASSED);
        }
        Comparison::SameAsFarAsKept { kept, in_all } => {
            outln!(
                "{}",
                p.green(&format!(
                    "{label}: the first {kept} lines of your transcript match {other_name}'s, and \
                     both said {in_all} lines in all."
                ))
            );
            outln!(
                "{}",
                p.yellow(&format!(
                    "Only the first {kept} lines could be compared: the grader keeps no more, so \
                     the other {} lines of each went unseen.",
                    in_all - kept as u64
                ))
            );
            return Ok(PASSED);
        }
        Comparison::Lengths {
            kept,
            theirs: their_lines,
            yours: your_lines,
        } => {
            outln!(
                "{}",
                p.red(&format!(
                    "{label}: your transcript does not match {other_name}'s. The first {kept} lines \
                     (all the grader keeps) are the same, but {other_name} said {their_lines} lines \
                     in all and yours {your_lines}."
                ))
            );
            return Ok(FAILED);
        }
        Comparison::Different => {}
    }
    outln!("{}", p.red(&format!("--- {other_name}")));
    outln!("{}", p.green("+++ yours"));
    let e = awaitlings_check::compare::join(reference);
    let a = awaitlings_check::compare::join(yours);
    for line in crate::diff::unified(&e, &a, p, usize::MAX) {
        outln!("{line}");
    }
    if theirs.transcript_dropped > 0 || mine.transcript_dropped > 0 {
        outln!(
            "{}",
            p.dim(&format!(
                "Only the lines kept were compared (the grader keeps the first {}): {other_name} \
                 said {} more, yours {} more.",
                reference.len().max(yours.len()),
                theirs.transcript_dropped,
                mine.transcript_dropped
            ))
        );
    }
    Ok(FAILED)
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
}
