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
    let reference = &results[0].checks[0].outcome.transcript;
    let yours = &results[1].checks[0].outcome.transcript;
    if awaitlings_check::compare::matches(reference, yours) {
        outln!(
            "{}",
            p.green(&format!(
                "{}: your transcript matches {other_name}'s ({} lines).",
                ex.label(),
                yours.len()
            ))
        );
        return Ok(PASSED);
    }
    outln!("{}", p.red(&format!("--- {other_name}")));
    outln!("{}", p.green("+++ yours"));
    let e = awaitlings_check::compare::join(reference);
    let a = awaitlings_check::compare::join(yours);
    for line in crate::diff::unified(&e, &a, p, usize::MAX) {
        outln!("{line}");
    }
    Ok(FAILED)
}
