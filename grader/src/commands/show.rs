//! `grader run EX [CHECK]` and `grader diff EX [CHECK]`: the transcript of the main scenario, or
//! of any check named, alone or against another. The commands pick the targets and the check;
//! what is printed is the `transcript` and `versus` reporters'.

use crate::build::harness::{Target, Variant};
use crate::commands::cli::{Ctx, FAILED, PASSED};
use crate::course::Exercise;
use crate::report::Reporter;
use crate::report::timeline::table::Width;
use crate::report::transcript::{Picture, Transcript};
use crate::report::versus::{self, Versus};
use crate::run::outcome::{Event, ExerciseResult};
use crate::run::session::Selection;
use crate::terminal::out::Lenient;
use anyhow::{Context, Result, anyhow, bail};
use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::time::Instant;

/// Runs the check `which` selects of each target through `reporter`, returning each one's
/// result. A check name that no check of the exercise has is an error listing its checks, and
/// the reporter is shown nothing of the run.
fn scenario(
    ctx: &Ctx,
    targets: &[Target],
    which: &Selection,
    reporter: &mut dyn Reporter,
) -> Result<Vec<ExerciseResult>> {
    let started = Instant::now();
    let mut write_error = None;
    let mut unknown = false;
    let results = ctx.session().run(targets, which, |event| {
        if let Event::Exercise(r) = &event {
            unknown |= missing(which, r);
        }
        if unknown {
            return;
        }
        if let Err(e) = reporter.on(&event) {
            write_error.get_or_insert(e);
        }
    })?;
    if let (true, Selection::Named(name)) = (unknown, which) {
        return Err(unknown_check(ctx, &targets[0].exercise, name));
    }
    reporter
        .on(&Event::Finished {
            results: results.clone(),
            wall: started.elapsed(),
        })
        .context("could not write the transcript")?;
    if let Some(e) = write_error {
        return Err(e).context("could not write the transcript");
    }
    Ok(results)
}

fn announce() -> bool {
    std::io::stderr().is_terminal()
}

/// How the transcript is to be shown: `--plain`, `--svg FILE`, and the width of standard
/// output (a terminal's, or whole cells off one).
pub fn picture(plain: bool, svg: Option<PathBuf>) -> Picture {
    Picture {
        plain,
        svg,
        width: Width::of_stdout(),
    }
}

/// Where `--svg` draws: the FILE given, or, for a bare `--svg`, a file named for the command, the
/// exercise and the check in the grader's folder of pictures (never a name among the student's
/// files, which it could overwrite).
pub fn svg_file(
    ctx: &Ctx,
    verb: &str,
    exercise: &str,
    check: Option<&str>,
    svg: Option<Option<PathBuf>>,
) -> Result<Option<PathBuf>> {
    let Some(svg) = svg else { return Ok(None) };
    if let Some(path) = svg {
        return Ok(Some(path));
    }
    let ex = ctx.course.resolve(exercise)?;
    let name = match check {
        Some(check) => format!("{verb}-{}-{check}", ex.dir_name()),
        None => format!("{verb}-{}", ex.dir_name()),
    };
    let path = ctx.state.picture(&name);
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)
            .with_context(|| format!("could not create {}", dir.display()))?;
    }
    Ok(Some(path))
}

/// Whether `r` built but has no check of the name asked for.
pub fn missing(which: &Selection, r: &ExerciseResult) -> bool {
    matches!(which, Selection::Named(_)) && r.build.is_ok() && r.checks.is_empty()
}

/// The error for a check name `ex` has no check of: the names it has, as its harness listed
/// them in this run.
pub fn unknown_check(ctx: &Ctx, ex: &Exercise, name: &str) -> anyhow::Error {
    let listed = crate::run::runner::last_known(&ctx.state, &ex.slug).map(|list| {
        list.iter()
            .map(|c| {
                if c.main {
                    format!("{} (the main scenario)", c.name)
                } else {
                    c.name.clone()
                }
            })
            .collect::<Vec<_>>()
            .join(", ")
    });
    match listed {
        Some(names) => anyhow!(
            "{} has no check named \"{name}\"; its checks are: {names}",
            ex.label()
        ),
        None => anyhow!(
            "{} has no check named \"{name}\"; `cargo run -p grader -- check {:02}` lists its checks",
            ex.label(),
            ex.number
        ),
    }
}

pub fn run(ctx: &Ctx, name: &str, check: Option<&str>, picture: Picture) -> Result<u8> {
    let ex = ctx.course.resolve(name)?;
    let mut reporter = Transcript::new(
        Lenient(std::io::stdout().lock()),
        ctx.paint(),
        ctx.warnings,
        announce(),
        picture,
    );
    let results = scenario(
        ctx,
        &[ctx.session().target(ex, Variant::Student)],
        &Selection::of(check),
        &mut reporter,
    )?;
    let passed = results[0].build.is_ok()
        && results[0]
            .checks
            .first()
            .is_some_and(|c| c.outcome.passed());
    Ok(if passed { PASSED } else { FAILED })
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

pub fn diff(
    ctx: &Ctx,
    name: &str,
    check: Option<&str>,
    against: &str,
    picture: Picture,
) -> Result<u8> {
    let ex = ctx.course.resolve(name)?;
    let which = Selection::of(check);
    if against == "solution" && !ctx.course.solution_dir(ex).join("Cargo.toml").is_file() {
        // No solution to run (the student edition has none): the expected transcript is the
        // reference. Its name is known for sure only once the student's run is done.
        return crate::commands::expected::diff(ctx, ex, &which, |name| {
            Versus::new(
                Lenient(std::io::stdout().lock()),
                ctx.paint(),
                name,
                announce(),
                picture,
            )
        });
    }
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
    let mut reporter = Versus::new(
        Lenient(std::io::stdout().lock()),
        ctx.paint(),
        other_name,
        announce(),
        picture,
    );
    // One seed for both runs: the check draws the same inputs for the solution as for yours.
    let results = scenario(ctx, &targets, &which, &mut reporter)?;
    Ok(if versus::matched(&results[0], &results[1]) {
        PASSED
    } else {
        FAILED
    })
}
