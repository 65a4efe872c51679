//! `grader check [EX]...`: build and run the hidden checks, report, remember progress.

use crate::build::harness::Variant;
use crate::commands::cli::{Ctx, FAILED, PASSED};
use crate::commands::how::Place;
use crate::course::{Course, Exercise};
use crate::report::{self, Format, Next, Options, Subject};
use crate::run::outcome::{Event, ExerciseResult};
use crate::student::files as student_files;
use crate::student::progress::{Checked, Progress};
use crate::student::standing;
use crate::terminal::color::Paint;
use crate::terminal::out::Lenient;
use anyhow::{Context, Result, bail};
use std::collections::BTreeMap;
use std::io::{IsTerminal, Write};
use std::path::Path;
use std::time::Instant;

pub fn run(
    ctx: &Ctx,
    names: &[String],
    format: Format,
    output: Option<&Path>,
    github_output: bool,
) -> Result<u8> {
    if github_output && format != Format::Classroom {
        bail!("--github-output goes with --format classroom (it writes the autograding `result`)");
    }
    let exercises = ctx.course.select(names)?;
    let session = ctx.session();
    let targets: Vec<_> = exercises
        .iter()
        .map(|e| session.target(e, Variant::Student))
        .collect();

    // The files each result is for, taken before the build: an edit made while the checks run
    // makes the result look older than the files, never newer.
    let prints: BTreeMap<&str, String> = exercises
        .iter()
        .map(|e| (e.slug.as_str(), student_files::fingerprint(&ctx.course, e)))
        .collect();
    let next = next_exercise(&ctx.course, &exercises);

    let out = open_output(output)?;
    let paint = Paint(output.is_none() && ctx.color.enabled(std::io::stdout().is_terminal()));
    let mut reporter = report::reporter(
        format,
        out,
        Options {
            paint,
            warnings: ctx.warnings,
            announce_builds: format == Format::Human && std::io::stderr().is_terminal(),
            place: ctx.place,
            subject: Subject::default(),
            // Inside watch, its footer names the next exercise and the key that goes there: one
            // line about what comes next, not two.
            next: next.filter(|_| ctx.place == Place::Shell),
            progress: Some(Progress::load(&ctx.course.root)),
        },
    );

    let started = Instant::now();
    let mut write_error = None;
    let results = session.run(&targets, &crate::run::session::Selection::All, |event| {
        if let Err(e) = reporter.on(&event) {
            write_error.get_or_insert(e);
        }
    })?;
    // The result is saved before the report is finished: whatever happens to the output, `list`
    // tells the truth.
    remember(&ctx.course, &results, &prints);
    let passed = results.iter().all(ExerciseResult::passed);
    let wall = started.elapsed();
    if github_output {
        report::classroom::append_github_output(&report::Run {
            results: &results,
            wall,
            subject: &Subject::default(),
        })?;
    }
    reporter
        .on(&Event::Finished { results, wall })
        .context("could not write the report")?;
    if let Some(e) = write_error {
        return Err(e).context("could not write the report");
    }
    Ok(if passed { PASSED } else { FAILED })
}

/// Keeps each result in the progress file, for `prints`, the fingerprints of the files checked.
fn remember(course: &Course, results: &[ExerciseResult], prints: &BTreeMap<&str, String>) {
    let mut progress = Progress::load(&course.root);
    for r in results {
        progress.entry(&r.exercise.slug).record(Checked {
            files: prints.get(r.exercise.slug.as_str()).cloned(),
            passed: r.passed(),
            points: r.points(),
            max_points: r.max_points,
            failing: r
                .checks
                .iter()
                .filter(|c| !c.outcome.passed())
                .map(|c| c.info.name.clone())
                .collect(),
            messages: r
                .checks
                .iter()
                .filter(|c| !c.outcome.passed())
                .map(|c| (c.info.name.clone(), c.outcome.message().to_string()))
                .collect(),
        });
    }
    progress.save(&course.root);
}

/// The exercise to do after `checked` pass: the first not passed after the last of them (see
/// [`standing::next_unfinished`]), and never one of them.
fn next_exercise(course: &Course, checked: &[&Exercise]) -> Option<Next> {
    let last = checked.last()?;
    standing::next_unfinished(course, last)
        .filter(|e| !checked.iter().any(|c| c.slug == e.slug))
        .map(|e| Next {
            number: e.number,
            label: e.label(),
        })
}

/// Where a report goes: FILE, or standard output (which survives a reader that goes away).
pub fn open_output(output: Option<&Path>) -> Result<Box<dyn Write>> {
    Ok(match output {
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
    })
}
