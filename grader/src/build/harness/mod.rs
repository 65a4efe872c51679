//! Building the hidden checks against a crate: the generated harness.
//!
//! For every (exercise, variant) the grader writes a tiny binary crate, a *harness*, that depends on
//! the crate under test (renamed `exercise`) and includes the exercise's checks. The crate under
//! test, the course's support crate and the check API are staged copies (see [`crate::build::stage`]).
//! All harnesses of a course live in one generated workspace and share one cargo target
//! directory, so tokio and the check API compile once for everything. One `cargo build
//! --keep-going` builds the harnesses a command needs (a class's, in runs of a bounded size: see
//! [`batch`]): one cargo start-up, and a crate that does not compile stops only its own checks.
//!
//! An exercise whose course has a facade (`grader/checks/facade/<slug>.rs`, see [`Facade`])
//! compiles its checks once, as a library against the facade; each variant's harness is then its
//! crate under test, the facade's `bind!` glue and a link.
//!
//! - [`generate`]: the harness's files;
//! - [`batch`]: many harnesses in runs of bounded size, and runs that run out of time;
//! - [`bundle`]: an exercise's wrong and right designs, built as one binary (`verify`);
//! - [`merge`]: a bundle's designs compiled as modules of one crate;
//! - [`fingerprint`]: skipping cargo when nothing changed;
//! - [`forbidden`]: the unsafe code the `unsafe_code` lint lets through (naked functions);
//! - [`reads`]: files and environment variables read at compile time: only the crate's own;
//! - [`messages`]: cargo's JSON messages, turned into errors and warnings for the student.

mod batch;
pub use batch::PER_RUN;
mod bundle;
pub mod fingerprint;
pub mod forbidden;
pub mod generate;
pub mod merge;
pub mod messages;
pub mod reads;

use crate::build::cargo;
use crate::build::stage::{self, Shared};
use crate::build::state::{State, write_if_changed};
use crate::course::{Course, Exercise};
use anyhow::Result;
use fingerprint::Print;
use std::path::{Path, PathBuf};
use std::time::Duration;

/// Which code the checks are built against.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Variant {
    /// The student's crate, exercises/NN-slug.
    Student,
    /// The reference solution, solutions/NN-slug.
    Solution,
    /// A known-wrong solution: the solution with fixtures/wrong/<slug>/<mistake>.patch applied,
    /// in the state directory (see [`crate::course::mistakes`]).
    Wrong(String),
    /// An alternative correct design: the solution with fixtures/right/<slug>/<design>.patch
    /// applied, which must pass every check.
    Right(String),
    /// Another submission's crate (for `diff --against PATH`).
    Other(PathBuf),
}

/// One harness to build, with every path it needs resolved from the course being graded.
#[derive(Clone, Debug)]
pub struct Target {
    pub exercise: Exercise,
    pub variant: Variant,
    /// The crate under test, where it lies.
    pub crate_dir: PathBuf,
    /// The course's crate whose dependencies (and build script) the crate under test is built
    /// with: the exercise's solution crate. `None` when the course has none for the exercise: then
    /// the crate under test is built with a default the grader makes itself (the course's
    /// `awaitlings` and `tokio`, no build script; see [`stage::crate_under_test`]), never with the
    /// student's own manifest.
    pub reference_dir: Option<PathBuf>,
    /// The public checks (`grader/checks/<slug>.rs`).
    pub checks_file: PathBuf,
    /// The hidden checks (`grader/checks/hidden/<slug>.rs`), which the course may not have.
    pub hidden_checks_file: PathBuf,
    /// Where the checks are compiled once for the exercise's every variant, when the course has
    /// a facade for it (see [`Facade`]); `None`: they compile into this harness.
    pub facade: Option<Facade>,
    /// The expected transcripts.
    pub fixtures_dir: PathBuf,
    /// The harness package (and binary) name: unique per course, exercise and variant.
    pub member: String,
    /// Where the crate under test is staged.
    pub stage_dir: PathBuf,
    /// The crate under test as the student knows it: relative to the course when inside it.
    pub shown: String,
}

impl Target {
    pub fn new(course: &Course, state: &State, exercise: &Exercise, variant: Variant) -> Target {
        let crate_dir = match &variant {
            Variant::Student => course.exercise_dir(exercise),
            Variant::Solution => course.solution_dir(exercise),
            Variant::Wrong(mistake) => {
                state.staged(&format!("mistake-{}-{mistake}", exercise.slug))
            }
            Variant::Right(design) => state.staged(&format!("right-{}-{design}", exercise.slug)),
            Variant::Other(dir) => dir.clone(),
        };
        let solution = course.solution_dir(exercise);
        let reference_dir = solution.join("Cargo.toml").is_file().then_some(solution);
        let variant_name = match &variant {
            Variant::Student => "student".to_string(),
            Variant::Solution => "solution".to_string(),
            Variant::Wrong(mistake) => format!("wrong-{mistake}"),
            Variant::Right(design) => format!("right-{design}"),
            Variant::Other(dir) => format!(
                "other-{:08x}",
                crate::build::state::hash_of(&dir.to_string_lossy()) as u32
            ),
        };
        let member = format!("check-{}-{variant_name}-{}", exercise.slug, state.tag);
        let shown = match &variant {
            Variant::Wrong(mistake) => format!("fixtures/wrong/{}/{mistake}.patch", exercise.slug),
            Variant::Right(design) => format!("fixtures/right/{}/{design}.patch", exercise.slug),
            _ => crate_dir
                .strip_prefix(&course.root)
                .unwrap_or(&crate_dir)
                .display()
                .to_string(),
        };
        Target {
            exercise: exercise.clone(),
            variant,
            stage_dir: state.staged(&member),
            checks_file: course.checks_file(exercise),
            hidden_checks_file: course.hidden_checks_file(exercise),
            facade: course.facade_file(exercise).is_file().then(|| {
                Facade::new(
                    &state.course_checks(crate::build::stage::checks_key(course)),
                    exercise,
                )
            }),
            fixtures_dir: course.fixtures_dir(exercise),
            crate_dir,
            reference_dir,
            member,
            shown,
        }
    }

    /// The staged crate's package name: unique, so harnesses of many variants share a workspace.
    pub fn package(&self) -> String {
        format!("code-{}", self.member)
    }
}

/// The two crates an exercise with a facade (`grader/checks/facade/<slug>.rs`) adds, shared by
/// all its variants' harnesses: the facade itself, which the checks know as `exercise`, and the
/// checks, compiled against it once. Each variant's harness is then its crate under test, the
/// facade's `bind!` glue and a link.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Facade {
    /// The facade package (its manifest; its source is the staged facade file).
    pub dir: PathBuf,
    pub package: String,
    /// The package of the checks (public and hidden) as a library.
    pub checks_dir: PathBuf,
    pub checks_package: String,
}

impl Facade {
    fn new(home: &Path, exercise: &Exercise) -> Facade {
        // Staged beside the course's staged checks (`home`, under a hash of their content), one of
        // each per exercise: every copy of the course builds them once per state directory. The
        // names need no course tag (their libraries' file names carry cargo's hash of the path).
        let package = format!("facade-{}", exercise.slug);
        let checks_package = format!("checks-{}", exercise.slug);
        Facade {
            dir: home.join(&package),
            checks_dir: home.join(&checks_package),
            package,
            checks_package,
        }
    }
}

/// Why a harness did not build.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum BuildError {
    /// The crate under test does not compile: rustc's messages for it.
    DoesNotCompile(String),
    /// The crate compiles, but the checks cannot call it (a changed signature).
    ChecksDoNotCompile(String),
    /// Something else: a missing file, a broken manifest, cargo's own error.
    Broken(String),
    /// The build ran past its wall-clock limit and was stopped.
    TimedOut(String),
}

/// One compiler warning of the crate under test.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Warning {
    /// The lint, e.g. `unused_must_use` (none for some warnings).
    pub lint: Option<String>,
    pub rendered: String,
}

/// A built harness.
#[derive(Clone, Debug)]
pub struct Built {
    pub bin: PathBuf,
    pub warnings: Vec<Warning>,
}

/// What building one target gave: the harness or why not, and notes on the student's manifest.
#[derive(Clone, Debug)]
pub struct Outcome {
    pub result: std::result::Result<Built, BuildError>,
    pub notes: Vec<String>,
    /// A fingerprint of everything the harness's check list comes from (the checks, the check
    /// API, the generated harness), and nothing of the crate under test: the list stays known
    /// across a student's edits, so a check after a save starts no process just to list.
    pub list_print: Option<u64>,
}

/// Builds harnesses for one course.
pub struct Builder<'a> {
    pub course: &'a Course,
    pub state: &'a State,
    pub color: bool,
    /// Wall-clock limit on one cargo run.
    pub timeout: Duration,
}

/// The fingerprints of a prepared harness.
struct Prints {
    /// Of all its inputs, as staged (paths included): whether cargo must run.
    print: u64,
    /// Of what its check list comes from.
    list_print: u64,
    /// Of all its inputs by content alone: the trusted checks, the check API and support crate,
    /// the crate under test, the generated files with their paths as placeholders, the lock
    /// file, the compiler flags and the toolchain. The same for the same inputs on any machine
    /// at any path, so kept results are found by it (see `Session::reuse_key`).
    content: u64,
    notes: Vec<String>,
}

/// Why a harness could not be prepared, with the notes on the student's manifest so far.
type Failed = (BuildError, Vec<String>);

/// A preparation that failed for `why`, before any note on the manifest.
fn broken(why: String) -> Failed {
    (BuildError::Broken(why), Vec::new())
}

/// The generated files of one harness: its manifest and `main.rs`, and with a facade the text of
/// the facade's and the checks library's files (the same for every variant of the exercise).
struct Written {
    manifest: String,
    main: String,
    facade: String,
}

/// A target ready for cargo.
struct Prepared {
    index: usize,
    print: u64,
}

impl Builder<'_> {
    /// Builds every target, returning one outcome per target, in order.
    pub fn build(&self, targets: &[Target]) -> Result<Vec<Outcome>> {
        let mut out: Vec<Option<Outcome>> = vec![None; targets.len()];
        // A course without its support crate or check API cannot build any harness: that is an
        // error about the course (exit 2), said once, not a failure of every exercise.
        let shared = stage::shared(self.course, self.state)?;
        let mut pending: Vec<Prepared> = Vec::new();
        for (index, t) in targets.iter().enumerate() {
            match self.prepare(t, &shared) {
                Err((e, notes)) => {
                    out[index] = Some(Outcome {
                        result: Err(e),
                        notes,
                        list_print: None,
                    });
                }
                Ok(Prints {
                    print,
                    list_print,
                    notes,
                    ..
                }) => {
                    let (bin, stamped) = self.bin_path(&t.member, print);
                    if bin.is_file() && fingerprint::stamp(self.state, &t.member) == Some(stamped) {
                        out[index] = Some(Outcome {
                            result: Ok(Built {
                                bin,
                                warnings: self.read_warnings(&t.member),
                            }),
                            notes,
                            list_print: Some(list_print),
                        });
                    } else {
                        fingerprint::clear_stamp(self.state, &t.member);
                        out[index] = Some(Outcome {
                            result: Err(BuildError::Broken(String::new())),
                            notes,
                            list_print: Some(list_print),
                        });
                        pending.push(Prepared { index, print });
                    }
                }
            }
        }
        let pending = self.build_bundles(targets, pending, &shared, &mut out)?;
        if !pending.is_empty() {
            let members: Vec<&Target> = pending.iter().map(|p| &targets[p.index]).collect();
            let results = self.build_all(&members)?;
            for (p, result) in pending.iter().zip(results) {
                let t = &targets[p.index];
                if let Ok(built) = &result {
                    // Its own harness now, no longer its bundle's (see `bin_path`).
                    let _ = std::fs::remove_file(self.state.bundled(&t.member));
                    fingerprint::write_stamp(self.state, &t.member, p.print);
                    self.write_warnings(&t.member, &built.warnings);
                }
                out[p.index].as_mut().expect("prepared").result = result;
            }
        }
        Ok(out
            .into_iter()
            .map(|o| o.expect("every target has an outcome"))
            .collect())
    }

    /// Where `member`'s binary is, and the stamp it has when built from inputs of fingerprint
    /// `print`: its link to its exercise's bundle when the last build of it was one (see
    /// [`bundle`]), else its own harness. A build of its own removes the link, and a bundle's
    /// stamp differs from a harness's, so a stamp never vouches for the other binary.
    fn bin_path(&self, member: &str, print: u64) -> (PathBuf, u64) {
        let bundled = self.state.bundled(member);
        if bundled.is_file() {
            return (bundled, bundle::stamp(print));
        }
        let own = self
            .state
            .cargo_target()
            .join("debug")
            .join(format!("{member}{}", std::env::consts::EXE_SUFFIX));
        (own, print)
    }

    /// Stages the crate under test and writes the harness files. Returns the fingerprint of all
    /// inputs, the fingerprint of the check list's inputs, and the notes on the student's manifest.
    fn prepare(&self, t: &Target, shared: &Shared) -> std::result::Result<Prints, Failed> {
        self.inputs_present(t)?;
        let staged = stage::crate_under_test(
            self.course,
            shared,
            &t.crate_dir,
            t.reference_dir.as_deref(),
            &t.stage_dir,
            &t.package(),
        )
        .map_err(|e| broken(format!("{e:#}")))?;
        let written = self.write_harness(t, shared)?;
        Ok(self.prints(t, shared, staged, &written))
    }

    /// Puts a wrong or alternative solution's patch over its copy of the solution, and makes
    /// sure the checks and the crate are there: what a student deleted gets a way to restore it
    /// rather than a compiler error about a path.
    fn inputs_present(&self, t: &Target) -> std::result::Result<(), Failed> {
        let patched = match &t.variant {
            Variant::Wrong(name) => Some((crate::course::mistakes::Shelf::Wrong, name)),
            Variant::Right(name) => Some((crate::course::mistakes::Shelf::Right, name)),
            _ => None,
        };
        if let Some((shelf, name)) = patched {
            crate::course::mistakes::materialize(
                self.course,
                &t.exercise,
                shelf,
                name,
                &t.crate_dir,
            )
            .map_err(|e| broken(format!("{e:#}")))?;
        }
        if !t.checks_file.is_file() {
            return Err(broken(format!(
                "the checks {} are missing. Restore them with `git checkout -- grader/checks`.",
                self.relative(&t.checks_file)
            )));
        }
        if !t.crate_dir.join("Cargo.toml").is_file() {
            return Err(broken(format!(
                "there is no crate at {} (no Cargo.toml). Restore it with `git checkout -- {}`.",
                t.shown, t.shown
            )));
        }
        Ok(())
    }

    /// Writes the harness member's `Cargo.toml` and `main.rs` (only where they changed, so
    /// cargo sees no new time on an unchanged harness), and with a facade the facade's and the
    /// checks library's files; returns the member's two files, and the others' text.
    fn write_harness(&self, t: &Target, shared: &Shared) -> std::result::Result<Written, Failed> {
        let member_dir = self.state.harness_workspace(None).join(&t.member);
        let checks_file = shared
            .checks
            .dir
            .join(t.checks_file.file_name().unwrap_or_default());
        // Looked for in the staged copy, which is what gets built: a hidden file added or
        // removed changes `main.rs`, and its content is in `shared.checks.print`, so either
        // rebuilds the harness and lists its checks afresh.
        let hidden_file = shared
            .checks
            .dir
            .join("hidden")
            .join(t.hidden_checks_file.file_name().unwrap_or_default());
        let hidden = hidden_file.is_file().then_some(hidden_file.as_path());
        let manifest = generate::manifest(t, shared);
        let main = generate::main_rs(t, &checks_file, hidden);
        let write = |path: &Path, text: &str| {
            write_if_changed(path, text.as_bytes()).map_err(|e| {
                broken(format!(
                    "cannot write the harness in {}: {e}",
                    path.parent().unwrap_or(path).display()
                ))
            })
        };
        write(&member_dir.join("Cargo.toml"), &manifest)?;
        write(&member_dir.join("main.rs"), &main)?;
        let mut facade = String::new();
        if let Some(f) = &t.facade {
            let source = shared
                .checks
                .dir
                .join("facade")
                .join(t.checks_file.file_name().unwrap_or_default());
            for (path, text) in [
                (
                    f.dir.join("Cargo.toml"),
                    generate::facade_manifest(f, &source, shared),
                ),
                (
                    f.checks_dir.join("Cargo.toml"),
                    generate::checks_manifest(f, shared),
                ),
                (
                    f.checks_dir.join("lib.rs"),
                    generate::checks_lib(t, &checks_file, hidden),
                ),
            ] {
                write(&path, &text)?;
                facade.push_str(&text);
            }
        }
        Ok(Written {
            manifest,
            main,
            facade,
        })
    }

    /// The fingerprints of a harness whose inputs are staged and written (see [`Prints`]).
    fn prints(
        &self,
        t: &Target,
        shared: &Shared,
        staged: stage::Staged,
        written: &Written,
    ) -> Prints {
        let Written {
            manifest,
            main,
            facade,
        } = written;
        let print = Print::new()
            .add(staged.print)
            .add(shared.support.print)
            .add(shared.check_api.print)
            .add(shared.checks.print)
            .add(manifest)
            .add(main)
            .add(facade)
            .add_file(&self.course.root.join("Cargo.lock"))
            .add(rustflags())
            .finish();
        let list_print = Print::new()
            .add(&t.member)
            .add(shared.check_api.print)
            .add(shared.checks.print)
            .add(main)
            .add(facade)
            .finish();
        // The same inputs, by content alone: the paths in the generated files (the state
        // directory, the course, the staged copies, the harness's name) as placeholders.
        let places = [
            (t.stage_dir.display().to_string(), "<crate>"),
            // The course's staged files (its wrong and right designs): `<state>/stage/<tag>`, the
            // tag a hash of the course's path. (Its own crates and its checks lie under a hash of
            // their content, which the `<state>` placeholder leaves in: see `State`.)
            (
                self.state
                    .root
                    .join("stage")
                    .join(&self.state.tag)
                    .display()
                    .to_string(),
                "<stage>",
            ),
            (self.state.root.display().to_string(), "<state>"),
            (self.course.root.display().to_string(), "<course>"),
            (t.package(), "<package>"),
            (t.member.clone(), "<member>"),
        ];
        let content = Print::new()
            .add(staged.content)
            .add(shared.support.content)
            .add(shared.check_api.content)
            .add(shared.checks.content)
            .add(stage::neutral(manifest, &places))
            .add(stage::neutral(main, &places))
            .add(stage::neutral(facade, &places))
            .add_file(&self.course.root.join("Cargo.lock"))
            .add(rustflags())
            .add(toolchain())
            .finish();
        Prints {
            print,
            list_print,
            content,
            notes: staged.notes,
        }
    }

    /// For each target, the fingerprint of its harness's inputs by content alone (see
    /// [`Prints::content`]), staging what it needs; `None` for a target that cannot be staged
    /// (its build says why). Call it holding the state's lock.
    pub fn contents(&self, targets: &[Target]) -> Result<Vec<Option<u64>>> {
        let shared = stage::shared(self.course, self.state)?;
        Ok(targets
            .iter()
            .map(|t| self.prepare(t, &shared).ok().map(|p| p.content))
            .collect())
    }

    /// Writes the workspace and runs one `cargo build` over `targets` (in the course's workspace,
    /// or in one of its own when `alone` names a member), for at most the build limit. What to do
    /// with a run that did not finish is [`batch`]'s business.
    fn cargo_build(&self, alone: Option<&str>, targets: &[&Target]) -> Result<batch::Ran> {
        let dir = self.state.harness_workspace(alone);
        if alone.is_some() {
            // The member's files live in the course workspace; a solo workspace links to them.
            for t in targets {
                let from = self.state.harness_workspace(None).join(&t.member);
                for name in ["Cargo.toml", "main.rs"] {
                    let bytes = std::fs::read(from.join(name))?;
                    write_if_changed(&dir.join(&t.member).join(name), &bytes)?;
                }
            }
        }
        let members: Vec<&str> = targets.iter().map(|t| t.member.as_str()).collect();
        let (out, messages) = self.run_cargo(&dir, &generate::workspace(targets), &members)?;
        let deps = self.state.cargo_target().join("debug").join("deps");
        let shown = |text: &str| self.shown(text, targets);

        if out.timed_out {
            return Ok(batch::Ran::TimedOut {
                results: targets
                    .iter()
                    .map(|t| messages::outcome(t, &dir, &deps, &messages, &out.stderr, &shown))
                    .collect(),
                script_running: targets
                    .iter()
                    .map(|t| messages::build_script_unfinished(t, &messages))
                    .collect(),
                last_words: shown(&messages::tail(&out.stderr, 12)),
            });
        }
        if !messages::finished(&messages) {
            return Ok(batch::Ran::NotLoaded(shown(&messages::tail(
                &out.stderr,
                40,
            ))));
        }
        Ok(batch::Ran::Finished(
            targets
                .iter()
                .map(|t| messages::outcome(t, &dir, &deps, &messages, &out.stderr, &shown))
                .collect(),
        ))
    }

    /// Writes the workspace manifest `workspace` at `dir` (with the course's lock file) and runs
    /// one `cargo build --keep-going` of `members` there, for at most the build limit: cargo's
    /// output and its JSON messages.
    fn run_cargo(
        &self,
        dir: &Path,
        workspace: &str,
        members: &[&str],
    ) -> Result<(cargo::Output, Vec<serde_json::Value>)> {
        write_if_changed(&dir.join("Cargo.toml"), workspace.as_bytes())?;
        // Start from the course's lock file, so harnesses use the versions the course was tested with.
        if let Ok(lock) = std::fs::read(self.course.root.join("Cargo.lock"))
            && std::fs::read(dir.join("Cargo.lock")).ok().as_ref() != Some(&lock)
        {
            std::fs::write(dir.join("Cargo.lock"), lock)?;
        }
        let format = if self.color {
            "json-diagnostic-rendered-ansi"
        } else {
            "json"
        };
        let mut args: Vec<String> = vec![
            "build".into(),
            "--manifest-path".into(),
            dir.join("Cargo.toml").to_string_lossy().into(),
            "--target-dir".into(),
            self.state.cargo_target().to_string_lossy().into(),
            "--keep-going".into(),
            format!("--message-format={format}"),
        ];
        for member in members {
            args.push("-p".into());
            args.push((*member).to_string());
        }
        let out = cargo::run_with(&args, self.timeout, |cmd| {
            let (name, value) = rustflags();
            cmd.env(name, value);
        })?;
        let _ = std::fs::write(dir.join("last-cargo-stderr.txt"), &out.stderr);
        let messages = messages::parse(&out.stdout);
        Ok((out, messages))
    }

    /// Paths as the student knows them: a staged crate's path becomes the crate's own, and paths
    /// inside the course are relative to it (`exercises/03-x/src/lib.rs:4:5`).
    fn shown(&self, text: &str, targets: &[&Target]) -> String {
        let mut text = text.to_string();
        for t in targets {
            text = shown_paths(&text, &t.stage_dir, &t.shown);
        }
        let root = format!(
            "{}{}",
            self.course.root.display(),
            std::path::MAIN_SEPARATOR
        );
        text.replace(&root, "")
    }

    pub fn relative(&self, path: &Path) -> String {
        path.strip_prefix(&self.course.root)
            .unwrap_or(path)
            .display()
            .to_string()
    }

    fn read_warnings(&self, member: &str) -> Vec<Warning> {
        let text = std::fs::read_to_string(self.state.warnings(member)).unwrap_or_default();
        awaitlings_check::protocol::Fields::decode(&text, "awaitlings-warnings 1")
            .unwrap_or_default()
            .chunks(2)
            .filter_map(|pair| match pair {
                [(_, lint), (_, rendered)] => Some(Warning {
                    lint: (!lint.is_empty()).then(|| lint.clone()),
                    rendered: rendered.clone(),
                }),
                _ => None,
            })
            .collect()
    }

    fn write_warnings(&self, member: &str, warnings: &[Warning]) {
        let mut f = awaitlings_check::protocol::Fields::new("awaitlings-warnings 1");
        for w in warnings {
            f.put("lint", w.lint.as_deref().unwrap_or(""));
            f.put("rendered", &w.rendered);
        }
        let _ = write_if_changed(&self.state.warnings(member), f.finish().as_bytes());
    }
}

/// Whether a harness's result from a cargo run that ran out of time is still open: neither built
/// nor failed with compiler errors (of the crate under test or of the checks against it), so
/// cargo may simply not have got to it.
fn unsettled(result: &std::result::Result<Built, BuildError>) -> bool {
    !matches!(
        result,
        Ok(_) | Err(BuildError::DoesNotCompile(_) | BuildError::ChecksDoNotCompile(_))
    )
}

/// Replaces the staged crate's directory with the crate's own in `text` (messages, panics).
pub fn shown_paths(text: &str, stage_dir: &Path, shown: &str) -> String {
    let staged = format!("{}{}", stage_dir.display(), std::path::MAIN_SEPARATOR);
    text.replace(&staged, &format!("{shown}{}", std::path::MAIN_SEPARATOR))
}

/// The toolchain that builds the harnesses, as `rustc -vV` describes it (version, commit, host),
/// asked once per run of the grader: a result kept under one compiler is not another's.
pub fn toolchain() -> &'static str {
    static TOOLCHAIN: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    TOOLCHAIN.get_or_init(|| {
        let rustc = std::env::var_os("RUSTC").unwrap_or_else(|| "rustc".into());
        std::process::Command::new(rustc)
            .arg("-vV")
            .output()
            .ok()
            .filter(|o| o.status.success())
            .map(|o| String::from_utf8_lossy(&o.stdout).into_owned())
            .unwrap_or_default()
    })
}

/// The compiler flags of every harness build: the user's own (`RUSTFLAGS`, or cargo's encoded
/// form when that is set, which wins), plus `--cfg tokio_unstable`, which a seeded runtime needs
/// (`Builder::rng_seed`: tokio's random choices, such as an unbiased `select!`'s first branch,
/// then follow the check's seed). Only harnesses build with it, in their own target directory,
/// so the student's own `cargo build` is never rebuilt for it.
pub fn rustflags() -> (&'static str, String) {
    const CFG: [&str; 2] = ["--cfg", "tokio_unstable"];
    if let Ok(encoded) = std::env::var("CARGO_ENCODED_RUSTFLAGS") {
        let mut flags: Vec<&str> = encoded.split('\x1f').filter(|f| !f.is_empty()).collect();
        flags.extend(CFG);
        return ("CARGO_ENCODED_RUSTFLAGS", flags.join("\x1f"));
    }
    let mut flags = std::env::var("RUSTFLAGS").unwrap_or_default();
    for f in CFG {
        if !flags.trim().is_empty() {
            flags.push(' ');
        }
        flags.push_str(f);
    }
    ("RUSTFLAGS", flags)
}

/// A target of exercise 18 (`loops`) for unit tests: `member`, of `variant`, staged at `stage_dir`.
#[cfg(test)]
pub(crate) fn sample_target(member: &str, variant: Variant, stage_dir: &str) -> Target {
    Target {
        exercise: crate::course::Exercise::sample(18, "loops"),
        variant,
        crate_dir: PathBuf::from("/c/exercises/18-loops"),
        reference_dir: None,
        checks_file: PathBuf::from("/c/grader/checks/loops.rs"),
        hidden_checks_file: PathBuf::from("/c/grader/checks/hidden/loops.rs"),
        facade: None,
        fixtures_dir: PathBuf::from("/c/fixtures/loops"),
        member: member.into(),
        stage_dir: PathBuf::from(stage_dir),
        shown: "exercises/18-loops".into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn after_a_timeout_only_harnesses_neither_built_nor_rejected_are_unsettled() {
        let built = Ok(Built {
            bin: PathBuf::from("bin"),
            warnings: Vec::new(),
        });
        assert!(!unsettled(&built));
        assert!(!unsettled(&Err(BuildError::DoesNotCompile("E0308".into()))));
        assert!(!unsettled(&Err(BuildError::ChecksDoNotCompile(
            "E0308".into()
        ))));
        assert!(unsettled(&Err(BuildError::Broken(String::new()))));
        assert!(unsettled(&Err(BuildError::TimedOut(String::new()))));
    }
}
