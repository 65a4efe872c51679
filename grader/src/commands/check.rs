//! `grader check [EX]...`: build and run the hidden checks, report, remember progress.

use crate::cli::{Ctx, FAILED, Format, PASSED};
use crate::color::Paint;
use crate::harness::Variant;
use crate::out::Lenient;
use crate::outcome::Event;
use crate::progress::Progress;
use crate::report::{Reporter, human::Human, json::Json};
use anyhow::{Context, Result, bail};
use std::io::{IsTerminal, Write};
use std::path::Path;

pub fn run(ctx: &Ctx, names: &[String], format: Format, output: Option<&Path>) -> Result<u8> {
    let exercises = ctx.course.select(names)?;
    let session = ctx.session();
    let targets: Vec<_> = exercises
        .iter()
        .map(|e| session.target(e, Variant::Student))
        .collect();

    let out: Box<dyn Write> = match output {
        Some(path) => {
            if path.is_dir() {
                bail!("--output {} is a directory: name a file", path.display());
            }
            Box::new(
                std::fs::File::create(path)
                    .with_context(|| format!("cannot create {}", path.display()))?,
            )
        }
        // A reader that goes away (`| head`) must not stop the run or lose its result.
        None => Box::new(Lenient(std::io::stdout().lock())),
    };
    let paint = Paint(output.is_none() && ctx.color.enabled(std::io::stdout().is_terminal()));
    let mut reporter: Box<dyn Reporter> = match format {
        Format::Human => Box::new(Human::new(out, paint, ctx.warnings)),
        Format::Json => Box::new(Json::new(out)),
    };

    let announce = format == Format::Human && std::io::stderr().is_terminal();
    let results = session.run(&targets, false, |event| {
        if let Event::Building { .. } = event
            && announce
        {
            eprintln!(
                "Building the checks (the very first build compiles tokio once: about a minute)..."
            );
        }
        reporter.on(&event);
    })?;
    // The result is saved before the report is finished: whatever happens to the output, `list`
    // tells the truth.
    let mut progress = Progress::load(&ctx.course.root);
    for r in &results {
        let entry = progress.entry(&r.exercise.slug);
        entry.status = Some(if r.passed() { "passed" } else { "failing" }.into());
        entry.points = r.points();
        entry.max_points = r.max_points;
    }
    progress.save(&ctx.course.root);
    reporter
        .finish(&results)
        .context("could not write the report")?;

    Ok(if results.iter().all(|r| r.passed()) {
        PASSED
    } else {
        FAILED
    })
}
