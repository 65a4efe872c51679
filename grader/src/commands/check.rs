//! `grader check [EX]...`: build and run the hidden checks, report, remember progress.

use crate::cli::{Ctx, FAILED, Format, PASSED};
use crate::color::Paint;
use crate::harness::{Target, Variant};
use crate::outcome::Event;
use crate::progress::Progress;
use crate::report::{Reporter, human::Human, json::Json};
use anyhow::{Context, Result, bail};
use std::io::{IsTerminal, Write};
use std::path::Path;

pub fn run(ctx: &Ctx, names: &[String], format: Format, output: Option<&Path>) -> Result<u8> {
    let exercises = ctx.course.select(names)?;
    let targets: Vec<Target> = exercises
        .iter()
        .map(|e| Target::new(&ctx.course, e, Variant::Student))
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
        None => Box::new(std::io::stdout().lock()),
    };
    let paint = Paint(output.is_none() && ctx.color.enabled(std::io::stdout().is_terminal()));
    let mut reporter: Box<dyn Reporter> = match format {
        Format::Human => Box::new(Human::new(out, paint)),
        Format::Json => Box::new(Json::new(out)),
    };

    let announce = format == Format::Human && std::io::stderr().is_terminal();
    let results = ctx.session(false).run(&targets, false, |event| {
        if let Event::Building { .. } = event
            && announce
        {
            eprintln!(
                "Building the checks (the very first build compiles tokio once: about a minute)..."
            );
        }
        reporter.on(&event);
    })?;
    reporter.finish(&results)?;

    let mut progress = Progress::load(&ctx.course.root);
    for r in &results {
        let entry = progress.entry(&r.exercise.slug);
        entry.status = Some(if r.passed() { "passed" } else { "failing" }.into());
        entry.points = r.points();
        entry.max_points = r.max_points;
    }
    progress.save(&ctx.course.root);

    Ok(if results.iter().all(|r| r.passed()) {
        PASSED
    } else {
        FAILED
    })
}
