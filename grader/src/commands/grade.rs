//! `grader grade SUBMISSION...`: grade a class with the instructor's trusted course.
//!
//! Run in the instructor's own copy of the course. Each submission is a student's clone; of it,
//! only the exercise crates' code is used (staged with the instructor's manifest, like any crate
//! under test). Checks, fixtures, the support crate, the check API, the manifests and the lock
//! file are the instructor's; whatever a student changed there is an integrity flag
//! ([`crate::class::integrity`]), never used.
//!
//! Every submission's harnesses are built in one cargo run that shares one build of the
//! dependencies, and their checks run in parallel. A harness whose inputs have not changed since
//! the last `grade` keeps its results (a re-run regrades only what changed). A submission that
//! does not build, hangs or attacks the grader fails its own checks and nobody else's; a path
//! that is no submission at all (a file the glob caught) is a row of zeros with a flag.
//!
//! What each exercise is worth comes from the course alone ([`crate::course::offered`]), never from
//! whether a student's crate compiled, so a fresh state directory gives the same `max`.
//!
//! Output: a table of the class on standard output (with `--summary`, students grouped by
//! transcript per exercise), a gradebook CSV (`--gradebook FILE`), and one report per student in
//! the chosen format (`--out DIR`), and the class report, a static site (`--html DIR`).
//!
//! A big class is graded in shares on many machines (`--shard K/N`, see [`crate::class::shard`])
//! and put back together by `grader merge`, which prints and writes through [`write_class`], as
//! one run does. `--clean` removes the submissions' harness builds once graded.

use crate::build::harness::{BuildError, Target, Variant};
use crate::class::Student;
use crate::class::shard::Shard;
use crate::commands::cli::{Ctx, PASSED};
use crate::course::Exercise;
use crate::course::offered::Offered;
use crate::outln;
use crate::report::{self, Format, Options, Subject};
use crate::run::outcome::{Event, ExerciseResult};
use crate::run::session::Session;
use crate::terminal::color::Paint;
use anyhow::{Context, Result, bail};
use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

pub struct Args<'a> {
    pub submissions: &'a [PathBuf],
    pub exercises: &'a [String],
    pub format: Format,
    pub out: Option<&'a Path>,
    pub gradebook: Option<&'a Path>,
    pub summary: bool,
    /// `--html DIR`: the class report ([`crate::class::html`]).
    pub html: Option<&'a Path>,
    pub github_output: bool,
    /// `--shard K/N`: grade only this share of the submissions, and write its record into `out`
    /// for `grader merge` (see [`crate::class::shard`]).
    pub shard: Option<Shard>,
    /// `--clean`: once graded, remove the harness builds of submissions (see
    /// [`crate::build::state::State::clean_submissions`]).
    pub clean: bool,
}

pub fn run(ctx: &Ctx, args: Args) -> Result<u8> {
    ctx.course.require_instructors("grade")?;
    check_args(&args)?;
    let exercises = ctx.course.select(args.exercises)?;
    // Names are made unique over the whole list, before a shard takes its share: every shard
    // then calls a student what one run would.
    let named = names(args.submissions);
    let roster =
        crate::class::shard::roster(&named.iter().map(|(_, n)| n.clone()).collect::<Vec<_>>());
    let positions: Vec<usize> = (0..named.len())
        .filter(|&i| args.shard.is_none_or(|s| s.takes(i)))
        .collect();
    let baselines = crate::class::integrity::Baselines::of(&ctx.course);
    let mut students: Vec<Student> = positions
        .iter()
        .map(|&i| student(&baselines, &named[i].0, &named[i].1))
        .collect();
    prepare_outputs(&args)?;

    let started = Instant::now();
    let mut session = ctx.session();
    session.reuse = true;
    // What each exercise is worth comes from the course alone, before any student is built.
    let offered = Offered::of(&session, &exercises)?;
    session.offered = Some(offered.clone());
    let targets = targets(&session, &students, &exercises);
    let results = run_checks(ctx, &mut session, &targets)?;
    let wall = started.elapsed();
    attach_results(&mut students, results, &exercises, &offered);
    if args.clean {
        clean_builds(ctx)?;
    }
    let not_graded = unlisted(&exercises, &offered);
    let kept = students
        .iter()
        .flat_map(|s| &s.results)
        .filter(|r| r.reused)
        .count();
    if let (Some(shard), Some(dir)) = (args.shard, args.out) {
        crate::class::shard::write(
            dir,
            &crate::class::shard::Facts {
                shard,
                roster: &roster,
                submissions: named.len(),
                seed: ctx.limits.seed,
                seed_chosen: ctx.limits.seed_chosen,
                not_graded: &not_graded,
                wall,
                kept,
            },
            &exercises,
            &students,
            &positions,
        )?;
    }
    if args.github_output {
        github_output(&students[0], wall)?;
    }
    write_class(
        ctx,
        &Class {
            exercises: &exercises,
            students: &students,
            not_graded: &not_graded,
            wall,
            kept,
        },
        &Outputs {
            format: args.format,
            out: args.out,
            gradebook: args.gradebook,
            summary: args.summary,
            html: args.html,
        },
    )?;
    // Grading worked: the exit code is not the students' score.
    Ok(PASSED)
}

/// The arguments' combinations that cannot work, said before anything is graded.
fn check_args(args: &Args) -> Result<()> {
    if args.submissions.is_empty() {
        bail!("name the submissions to grade: grader grade path/to/clones/*");
    }
    // The `result` is always the classroom document, whatever --format writes into --out (the
    // workflow puts a Markdown report in the run's summary from the same grade).
    if args.github_output && (args.submissions.len() != 1 || args.shard.is_some()) {
        bail!(
            "--github-output writes one autograding `result`: give it one submission, without --shard"
        );
    }
    if args.shard.is_some() && args.out.is_none() {
        bail!(
            "--shard writes the shard's record (shard-K-of-N.json) for `grader merge` into the \
             --out folder: add --out DIR"
        );
    }
    Ok(())
}

/// The output folders made ready (or refused), before the class is graded.
fn prepare_outputs(args: &Args) -> Result<()> {
    if let Some(dir) = args.html {
        // Said now, not after the class is graded.
        if args
            .out
            .is_some_and(|out| std::path::absolute(out).ok() == std::path::absolute(dir).ok())
        {
            bail!(
                "--html and --out name the same folder: give the class report its own (--html report)"
            );
        }
        crate::class::html::check_dir(dir)?;
    }
    if let Some(dir) = args.out {
        std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    }
    Ok(())
}

/// Every exercise of every usable submission, as a build target.
fn targets(session: &Session, students: &[Student], exercises: &[&Exercise]) -> Vec<Target> {
    let mut targets = Vec::new();
    for s in students.iter().filter(|s| s.unusable.is_none()) {
        for ex in exercises {
            let mut target = session.target(
                ex,
                Variant::Other(s.dir.join("exercises").join(ex.dir_name())),
            );
            // Paths in the student's report are the clone's own (`exercises/03-x/src/lib.rs`),
            // as the student knows them, wherever the instructor keeps the clone: a result kept
            // for it is then the same at any path (see `Session::reuse_key`).
            target.shown = format!("exercises/{}", ex.dir_name());
            targets.push(target);
        }
    }
    targets
}

/// Builds and runs every target, with a progress bar on a terminal.
fn run_checks(ctx: &Ctx, session: &mut Session, targets: &[Target]) -> Result<Vec<ExerciseResult>> {
    // Said before the results, so a run cut short still says which inputs it drew.
    crate::errln!(
        "grading with seed {} (`--seed {}` draws the same inputs again)",
        ctx.limits.seed,
        ctx.limits.seed
    );
    let mut bar = Bar::new(targets.len(), std::io::stderr().is_terminal());
    // Built in runs of cargo's usual size, each run's checks while the next one builds.
    let results = session.run_overlapped(targets, crate::build::harness::PER_RUN, |event| {
        bar.on(&event);
    })?;
    bar.done();
    Ok(results)
}

/// `--clean`: the submissions' harness builds removed, and what that freed said.
fn clean_builds(ctx: &Ctx) -> Result<()> {
    let _turn = ctx.state.lock()?;
    let (count, bytes) = ctx.state.clean_submissions();
    // The tamper watch's links to the removed binaries would keep their space taken.
    crate::run::tamper::trusted::sweep(&ctx.state.kept_links());
    crate::errln!(
        "cleaned: {count} build file(s) and folder(s) of submissions' harnesses, {:.1} MB \
         (kept results stay: an unchanged submission is not built again)",
        bytes as f64 / 1e6
    );
    Ok(())
}

/// The exercises the course could not list (by label), and why: not graded, not in `max`.
fn unlisted(exercises: &[&Exercise], offered: &Offered) -> Vec<(String, String)> {
    exercises
        .iter()
        .filter_map(|ex| match offered.list(&ex.slug) {
            Some(Err(why)) => Some((ex.label(), why.to_string())),
            _ => None,
        })
        .collect()
}

/// Gives each student their results (`results` holds the usable submissions', in order, each
/// exercise's), and flags the ones whose code changed the grader's files.
fn attach_results(
    students: &mut [Student],
    results: Vec<ExerciseResult>,
    exercises: &[&Exercise],
    offered: &Offered,
) {
    let mut results = results.into_iter();
    for s in students.iter_mut() {
        s.results = match &s.unusable {
            None => results.by_ref().take(exercises.len()).collect(),
            Some(why) => exercises
                .iter()
                .map(|ex| not_graded(ex, &s.dir, why, offered.max(&ex.slug)))
                .collect(),
        };
        for r in &s.results {
            if !r.tampered.is_empty() {
                // Pinned on this submission's own check process (see `tamper::suspects`).
                s.subject.flags.push(format!(
                    "{}: its code changed the grader's files while its checks ran ({}); they were \
                     put back, and the exercise fails as forged",
                    r.exercise.dir_name(),
                    r.tampered.join(", ")
                ));
            }
        }
    }
}

/// `--github-output`: the autograding `result` of the one submission, and its annotations.
fn github_output(s: &Student, wall: Duration) -> Result<()> {
    let run = report::Run {
        results: &s.results,
        wall,
        subject: &s.subject,
    };
    report::classroom::append_github_output(&run)?;
    // The points, as the annotations the autograding reporter would post.
    outln!("{}", report::classroom::annotations(&run).trim_end());
    Ok(())
}

/// A graded class, as `grade` and `merge` (of shards) both have it.
pub struct Class<'a> {
    pub exercises: &'a [&'a Exercise],
    /// In the order of the whole list of submissions.
    pub students: &'a [Student],
    /// Exercises the course could not list (by label), and why: not graded, not in `max`.
    pub not_graded: &'a [(String, String)],
    pub wall: Duration,
    /// Results kept from an earlier grade.
    pub kept: usize,
}

/// What is asked of a graded class.
pub struct Outputs<'a> {
    pub format: Format,
    /// One report per student in `format`.
    pub out: Option<&'a Path>,
    pub gradebook: Option<&'a Path>,
    pub summary: bool,
    /// The class report, a static site ([`crate::class::html`]).
    pub html: Option<&'a Path>,
}

/// Writes and prints what is asked of `class`: the reports, the gradebook, the table, the
/// summary. One code path for `grade` and `merge`, so a merge of shards writes and prints what
/// one run would (all but the wall time). A report of the class as a whole (the HTML report)
/// is one more call here, from `class.exercises` and `class.students`.
pub fn write_class(ctx: &Ctx, class: &Class, o: &Outputs) -> Result<()> {
    let students = class.students;
    if let Some(dir) = o.out {
        std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
        for s in students {
            write_report(
                ctx,
                s,
                o.format,
                dir,
                class.wall / students.len().max(1) as u32,
            )?;
        }
    }
    if let Some(path) = o.gradebook {
        std::fs::write(
            path,
            crate::class::gradebook::render(class.exercises, students),
        )
        .with_context(|| format!("cannot write {}", path.display()))?;
    }
    let p = ctx.paint();
    crate::class::table::print(p, class.exercises, students);
    for (label, why) in class.not_graded {
        outln!(
            "{}: not graded and not counted in max: {why}",
            p.yellow(label)
        );
    }
    if o.summary {
        crate::class::summary::print(p, class.exercises, students);
    }
    if let Some(dir) = o.html {
        crate::class::html::write(class.exercises, students, dir)?;
    }
    let results: Vec<ExerciseResult> = students
        .iter()
        .flat_map(|s| s.results.iter().cloned())
        .collect();
    if let Some(why) = crate::run::outcome::unsandboxed(&results) {
        outln!("{}", crate::run::outcome::unsandboxed_note(why));
    }
    if let Some(dir) = o.html {
        outln!("The class report: {}", dir.join("index.html").display());
    }
    outln!(
        "Graded {} submission(s) x {} exercise(s) in {:.1} s ({} unchanged since the last grade, kept).",
        students.len(),
        class.exercises.len(),
        class.wall.as_secs_f64(),
        class.kept
    );
    Ok(())
}

/// The submissions, each with its name: its folder's, made unique over the whole list (`ana`,
/// `ana-2`), in the order given.
fn names(dirs: &[PathBuf]) -> Vec<(PathBuf, String)> {
    let mut out: Vec<(PathBuf, String)> = Vec::new();
    let mut taken = std::collections::HashSet::new();
    for dir in dirs {
        let dir = std::path::absolute(dir).unwrap_or(dir.clone());
        let base = dir
            .file_name()
            .map_or("submission".into(), |n| n.to_string_lossy().into_owned());
        let mut name = base.clone();
        let mut n = 1;
        while taken.contains(&name) {
            n += 1;
            name = format!("{base}-{n}");
        }
        taken.insert(name.clone());
        out.push((dir, name));
    }
    out
}

/// One submission, with its integrity flags.
fn student(baselines: &crate::class::integrity::Baselines, dir: &Path, name: &str) -> Student {
    let base = dir
        .file_name()
        .map_or("submission".into(), |n| n.to_string_lossy().into_owned());
    if let Some(why) = unusable(dir, &base) {
        return Student {
            subject: Subject {
                name: Some(name.to_string()),
                commit: None,
                flags: vec![why.clone()],
            },
            name: name.to_string(),
            dir: dir.to_path_buf(),
            results: Vec::new(),
            unusable: Some(why),
        };
    }
    let mut flags = baselines.flags(dir);
    if !dir.join("exercises").is_dir() {
        flags.insert(
            0,
            "not a clone of the course: it has no exercises/ folder".into(),
        );
    }
    Student {
        subject: Subject {
            name: Some(name.to_string()),
            commit: commit_of(dir),
            flags,
        },
        name: name.to_string(),
        dir: dir.to_path_buf(),
        results: Vec::new(),
        unusable: None,
    }
}

/// Why `dir` cannot be graded at all, as its flag: what it is, and what to do.
fn unusable(dir: &Path, name: &str) -> Option<String> {
    let cannot_read = |e: std::io::Error| {
        format!(
            "not graded: {name} cannot be read ({e}). Let the grader read it, or leave it out, \
             and grade again."
        )
    };
    let meta = match std::fs::metadata(dir) {
        Ok(meta) => meta,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return Some(format!(
                "not graded: {name} does not exist. Check the path (a submission is a folder \
                 holding a student's clone of the course), and grade again."
            ));
        }
        Err(e) => return Some(cannot_read(e)),
    };
    if !meta.is_dir() {
        let what = if meta.is_file() {
            "a file"
        } else {
            "not a file or a folder"
        };
        return Some(format!(
            "not graded: {name} is {what}, not a folder holding a student's clone of the \
             course. Leave it out of the submissions you name (move it out of the folder your \
             glob reads)."
        ));
    }
    std::fs::read_dir(dir).err().map(cannot_read)
}

/// The result of exercise `ex` for a submission that could not be graded at all.
fn not_graded(ex: &Exercise, dir: &Path, why: &str, max_points: Option<u32>) -> ExerciseResult {
    ExerciseResult {
        exercise: ex.clone(),
        variant: Variant::Other(dir.join("exercises").join(ex.dir_name())),
        build: Err(BuildError::Broken(why.to_string())),
        notes: Vec::new(),
        warnings: Vec::new(),
        checks: Vec::new(),
        max_points,
        reused: false,
        tampered: Vec::new(),
        seed: None,
    }
}

/// The checked-out commit of a git clone, read from its files (no git needed).
fn commit_of(dir: &Path) -> Option<String> {
    let head = std::fs::read_to_string(dir.join(".git").join("HEAD")).ok()?;
    let head = head.trim();
    let Some(reference) = head.strip_prefix("ref: ") else {
        return Some(head.to_string());
    };
    if let Ok(id) = std::fs::read_to_string(dir.join(".git").join(reference)) {
        return Some(id.trim().to_string());
    }
    let packed = std::fs::read_to_string(dir.join(".git").join("packed-refs")).ok()?;
    packed
        .lines()
        .find_map(|l| l.strip_suffix(reference).map(|id| id.trim().to_string()))
}

fn write_report(ctx: &Ctx, s: &Student, format: Format, dir: &Path, wall: Duration) -> Result<()> {
    let path = dir.join(format!("{}.{}", file_safe(&s.name), format.extension()));
    let file = std::fs::File::create(&path)
        .with_context(|| format!("cannot create {}", path.display()))?;
    let mut reporter = report::reporter(
        format,
        Box::new(std::io::BufWriter::new(file)),
        Options {
            paint: Paint(false),
            warnings: ctx.warnings,
            announce_builds: false,
            place: crate::commands::how::Place::Shell,
            subject: s.subject.clone(),
            // An instructor's report: the student's next exercise is not its business.
            next: None,
            progress: None,
        },
    );
    for r in &s.results {
        reporter.on(&Event::Exercise(Box::new(r.clone())))?;
    }
    reporter
        .on(&Event::Finished {
            results: s.results.clone(),
            wall,
        })
        .with_context(|| format!("cannot write {}", path.display()))?;
    if format == Format::Classroom50 {
        // Classroom 50 publishes this beside result.json as the submission's release.
        let body = dir.join(format!("{}.release-body.md", file_safe(&s.name)));
        let run = report::Run {
            results: &s.results,
            wall,
            subject: &s.subject,
        };
        std::fs::write(&body, report::classroom50::release_body(&run))
            .with_context(|| format!("cannot write {}", body.display()))?;
    }
    Ok(())
}

fn file_safe(name: &str) -> String {
    name.chars()
        .map(|c| {
            if c.is_alphanumeric() || "-_.".contains(c) {
                c
            } else {
                '_'
            }
        })
        .collect()
}

/// A progress bar with an ETA on a terminal (`indicatif`), one step per exercise graded. Off a
/// terminal it draws nothing: a log or a test reads the lines the grade prints, not a bar.
struct Bar {
    bar: Option<indicatif::ProgressBar>,
    /// The spinner of the build is shown (the bar comes back at the first exercise graded).
    building: bool,
}

impl Bar {
    fn new(total: usize, shown: bool) -> Bar {
        let bar = shown.then(|| {
            indicatif::ProgressBar::with_draw_target(
                Some(total as u64),
                indicatif::ProgressDrawTarget::stderr(),
            )
            .with_style(steps())
        });
        Bar {
            bar,
            building: false,
        }
    }

    fn on(&mut self, event: &Event) {
        let Some(bar) = &self.bar else {
            return;
        };
        match event {
            Event::Building { count, .. } => {
                bar.set_style(
                    indicatif::ProgressStyle::with_template("{spinner} {msg}")
                        .expect("a valid template"),
                );
                bar.set_message(format!(
                    "Building {count} harness(es) (a cold build compiles tokio once)..."
                ));
                bar.enable_steady_tick(Duration::from_millis(120));
                // The ETA counts from here: building is part of what is left to wait for.
                bar.reset_eta();
                self.building = true;
            }
            Event::Exercise(_) => {
                if self.building {
                    bar.disable_steady_tick();
                    bar.set_style(steps());
                    self.building = false;
                }
                bar.inc(1);
            }
            Event::Check { .. } | Event::Finished { .. } => {}
        }
    }

    fn done(&self) {
        if let Some(bar) = &self.bar {
            // Left on screen, and the line ended: the class's table starts on a line of its own.
            bar.finish();
            crate::errln!();
        }
    }
}

/// The bar's look: `[#####     ] 12/30 graded, ETA 40s`.
fn steps() -> indicatif::ProgressStyle {
    indicatif::ProgressStyle::with_template("[{bar:30}] {pos}/{len} graded, ETA {eta}")
        .expect("a valid template")
        .progress_chars("# ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_or_a_missing_path_is_flagged_with_what_to_do_and_a_folder_is_graded() {
        let dir = tempfile::tempdir().unwrap();
        let roster = dir.path().join("roster.csv");
        std::fs::write(&roster, "name\n").unwrap();
        let why = unusable(&roster, "roster.csv").unwrap();
        assert!(why.contains("roster.csv is a file"), "{why}");
        assert!(why.contains("Leave it out"), "{why}");
        let why = unusable(&dir.path().join("gone"), "gone").unwrap();
        assert!(why.contains("gone does not exist"), "{why}");
        assert_eq!(unusable(dir.path(), "class"), None);
    }
}
