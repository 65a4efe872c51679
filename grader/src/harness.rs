//! Building the hidden checks against a crate: the generated harness.
//!
//! For every (exercise, variant) the grader writes a tiny binary crate, a *harness*, that depends on
//! the crate under test (renamed `exercise`) and includes the exercise's checks file. Harnesses
//! live in a workspace of their own under `target/awaitlings/harness/<batch>/`, never inside the
//! exercise crates, and all of them share one cargo target directory, so tokio and the check API
//! compile once for everything. One `cargo build --keep-going` builds every harness a command
//! needs: one cargo start-up, and a crate that does not compile stops only its own checks.
//!
//! A harness whose inputs have not changed since its last build is not handed to cargo at all:
//! a fingerprint of every input file decides, which keeps a warm `check` close to the cost of
//! running the checks alone.

use crate::cargo;
use crate::course::{Course, Exercise, package_name};
use anyhow::{Context, Result};
use serde_json::Value;
use std::collections::hash_map::DefaultHasher;
use std::hash::{Hash, Hasher};
use std::path::{Path, PathBuf};

/// The tokio features every crate of the course uses: one feature set, so tokio compiles once.
pub const TOKIO_FEATURES: &str = r#"["rt", "macros", "time", "sync", "test-util"]"#;

/// Which code the checks are built against.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Variant {
    /// The student's crate, exercises/NN-slug.
    Student,
    /// The reference solution, solutions/NN-slug.
    Solution,
    /// A known-wrong solution, fixtures/wrong/<slug>/<mistake>.
    Wrong(String),
    /// Another submission's crate (for `diff --against PATH`).
    Other(PathBuf),
}

/// One harness to build: the checks of `exercise` against the crate in `crate_dir`.
#[derive(Clone, Debug)]
pub struct Target {
    pub exercise: Exercise,
    pub variant: Variant,
    pub crate_dir: PathBuf,
    /// A short hash of the course root: harness names are unique per course, so two clones (or
    /// two copies of the test course) can share one target directory without overwriting each
    /// other's binaries.
    course_tag: String,
}

impl Target {
    pub fn new(course: &Course, exercise: &Exercise, variant: Variant) -> Target {
        let crate_dir = match &variant {
            Variant::Student => course.exercise_dir(exercise),
            Variant::Solution => course.solution_dir(exercise),
            Variant::Wrong(mistake) => course.wrong_dir(exercise).join(mistake),
            Variant::Other(dir) => dir.clone(),
        };
        let course_tag = format!(
            "{:06x}",
            hash_of(&course.root.to_string_lossy()) & 0xff_ffff
        );
        Target {
            exercise: exercise.clone(),
            variant,
            crate_dir,
            course_tag,
        }
    }

    /// The harness package (and binary) name: unique per exercise and variant.
    pub fn member(&self) -> String {
        let variant = match &self.variant {
            Variant::Student => "student".to_string(),
            Variant::Solution => "solution".to_string(),
            Variant::Wrong(mistake) => format!("wrong-{mistake}"),
            Variant::Other(dir) => format!("other-{:08x}", hash_of(&dir.to_string_lossy()) as u32),
        };
        format!("check-{}-{variant}-{}", self.exercise.slug, self.course_tag)
    }

    /// Harnesses of one batch share a workspace. Another submission's crate has the same package
    /// name as ours, so it gets a workspace of its own.
    fn batch(&self) -> String {
        match &self.variant {
            Variant::Other(_) => format!("other-{}", self.member()),
            _ => format!("course-{}", self.course_tag),
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
    /// Something else: a broken Cargo.toml, a missing crate, cargo's own error.
    Broken(String),
}

/// A built harness binary, or why there is none.
pub type Built = std::result::Result<PathBuf, BuildError>;

/// Builds harnesses under one state directory (default `<course>/target/awaitlings`).
pub struct Builder<'a> {
    pub course: &'a Course,
    pub state: PathBuf,
    pub color: bool,
}

impl Builder<'_> {
    fn cargo_target(&self) -> PathBuf {
        self.state.join("cargo")
    }

    fn bin_path(&self, member: &str) -> PathBuf {
        self.cargo_target()
            .join("debug")
            .join(format!("{member}{}", std::env::consts::EXE_SUFFIX))
    }

    /// Builds every target, returning one result per target, in order.
    pub fn build(&self, targets: &[Target]) -> Result<Vec<Built>> {
        let mut results: Vec<Option<Built>> = vec![None; targets.len()];
        let mut pending: Vec<(usize, u64)> = Vec::new();
        for (i, t) in targets.iter().enumerate() {
            match self.precheck(t) {
                Err(e) => results[i] = Some(Err(e)),
                Ok(print) => {
                    let bin = self.bin_path(&t.member());
                    if bin.is_file() && self.stamp(t) == Some(print) {
                        results[i] = Some(Ok(bin));
                    } else {
                        pending.push((i, print));
                    }
                }
            }
        }
        let mut batches: Vec<String> = pending.iter().map(|(i, _)| targets[*i].batch()).collect();
        batches.sort();
        batches.dedup();
        for batch in batches {
            let group: Vec<(usize, u64)> = pending
                .iter()
                .copied()
                .filter(|(i, _)| targets[*i].batch() == batch)
                .collect();
            let members: Vec<&Target> = group.iter().map(|(i, _)| &targets[*i]).collect();
            let built = match self.cargo_build(&batch, &members)? {
                Some(built) => built,
                // Cargo could not even load the workspace (a broken Cargo.toml, an unknown
                // dependency): build each harness alone, so the culprit gets the error and the
                // others still build.
                None => {
                    let mut alone = Vec::new();
                    for t in &members {
                        let solo = format!("solo-{}", t.member());
                        alone.push(match self.cargo_build(&solo, &[t])? {
                            Some(mut one) => one.remove(0),
                            None => Err(BuildError::Broken(self.last_cargo_error(&solo))),
                        });
                    }
                    alone
                }
            };
            for ((i, print), result) in group.into_iter().zip(built) {
                if result.is_ok() {
                    self.write_stamp(&targets[i], print);
                }
                results[i] = Some(result);
            }
        }
        Ok(results
            .into_iter()
            .map(|r| r.expect("every target has a result"))
            .collect())
    }

    /// What can be known before cargo runs: the crate and the checks exist. Returns the
    /// fingerprint of the harness inputs.
    fn precheck(&self, t: &Target) -> std::result::Result<u64, BuildError> {
        let checks = self.course.checks_file(&t.exercise);
        if !checks.is_file() {
            return Err(BuildError::Broken(format!(
                "the hidden checks {} are missing. Restore them with `git checkout -- grader/checks`.",
                self.relative(&checks)
            )));
        }
        if !t.crate_dir.join("Cargo.toml").is_file() {
            return Err(BuildError::Broken(format!(
                "there is no crate at {} (no Cargo.toml). Restore it with `git checkout -- {}`.",
                self.relative(&t.crate_dir),
                self.relative(&t.crate_dir)
            )));
        }
        package_name(&t.crate_dir).map_err(|e| BuildError::Broken(format!("{e:#}")))?;
        let mut h = DefaultHasher::new();
        env!("CARGO_PKG_VERSION").hash(&mut h);
        self.manifest(t).ok().hash(&mut h);
        hash_tree(&t.crate_dir, &mut h);
        hash_file(&checks, &mut h);
        hash_tree(&support_dir(), &mut h);
        hash_tree(&check_api_dir(), &mut h);
        hash_file(&self.course.root.join("Cargo.lock"), &mut h);
        Ok(h.finish())
    }

    fn stamp_path(&self, t: &Target) -> PathBuf {
        self.state.join("stamps").join(t.member())
    }

    fn stamp(&self, t: &Target) -> Option<u64> {
        std::fs::read_to_string(self.stamp_path(t))
            .ok()?
            .trim()
            .parse()
            .ok()
    }

    fn write_stamp(&self, t: &Target, print: u64) {
        let path = self.stamp_path(t);
        let _ = std::fs::create_dir_all(path.parent().expect("stamps dir"));
        let _ = std::fs::write(path, print.to_string());
    }

    /// The harness's Cargo.toml.
    fn manifest(&self, t: &Target) -> Result<String> {
        let package = package_name(&t.crate_dir)?;
        Ok(format!(
            "# Generated by the awaitlings grader for each build; edits are overwritten.\n\
             [package]\nname = \"{member}\"\nversion = \"0.0.0\"\nedition = \"2024\"\npublish = false\n\n\
             [[bin]]\nname = \"{member}\"\npath = \"main.rs\"\n\n\
             [dependencies]\n\
             exercise = {{ path = {krate}, package = \"{package}\" }}\n\
             awaitlings = {{ path = {support} }}\n\
             awaitlings-check = {{ path = {api} }}\n\
             tokio = {{ version = \"1.47\", default-features = false, features = {TOKIO_FEATURES} }}\n",
            member = t.member(),
            krate = toml_path(&t.crate_dir),
            support = toml_path(&support_dir()),
            api = toml_path(&check_api_dir()),
        ))
    }

    fn main_rs(&self, t: &Target) -> String {
        format!(
            "// Generated by the awaitlings grader: the hidden checks of {label}, built against {krate}.\n\
             #[path = {checks:?}]\nmod checks;\n\n\
             fn main() {{\n    awaitlings_check::harness::main(checks::checks());\n}}\n",
            label = t.exercise.label(),
            krate = self.relative(&t.crate_dir),
            checks = self.course.checks_file(&t.exercise).to_string_lossy(),
        )
    }

    /// Writes the batch workspace and runs one `cargo build` over its members. `None` when cargo
    /// stopped before building anything (the workspace itself could not be loaded).
    fn cargo_build(&self, batch: &str, targets: &[&Target]) -> Result<Option<Vec<Built>>> {
        let dir = self.state.join("harness").join(batch);
        let mut members = Vec::new();
        for t in targets {
            let member_dir = dir.join(t.member());
            std::fs::create_dir_all(&member_dir)
                .with_context(|| format!("cannot create {}", member_dir.display()))?;
            write_if_changed(&member_dir.join("Cargo.toml"), &self.manifest(t)?)?;
            write_if_changed(&member_dir.join("main.rs"), &self.main_rs(t))?;
            members.push(format!("{:?}", t.member()));
        }
        let workspace = format!(
            "# Generated by the awaitlings grader: the harnesses that check exercises.\n\
             [workspace]\nresolver = \"3\"\nmembers = [{}]\n\n\
             # The grader never needs a debugger on a harness; no debug info links faster.\n\
             [profile.dev]\ndebug = false\n",
            members.join(", ")
        );
        write_if_changed(&dir.join("Cargo.toml"), &workspace)?;
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
            self.cargo_target().to_string_lossy().into(),
            "--keep-going".into(),
            format!("--message-format={format}"),
        ];
        for t in targets {
            args.push("-p".into());
            args.push(t.member());
        }
        let out = cargo::run(&args)?;
        let _ = std::fs::write(dir.join("last-cargo-stderr.txt"), &out.stderr);

        let messages: Vec<Value> = out
            .stdout
            .lines()
            .filter_map(|l| serde_json::from_str(l).ok())
            .collect();
        if !messages.iter().any(|m| m["reason"] == "build-finished") {
            return Ok(None);
        }
        Ok(Some(
            targets
                .iter()
                .map(|t| self.outcome(t, &dir, &messages, &out.stderr))
                .collect(),
        ))
    }

    fn outcome(&self, t: &Target, dir: &Path, messages: &[Value], stderr: &str) -> Built {
        let member_dir = dir.join(t.member());
        let from = |m: &Value, krate: &Path| {
            m["package_id"]
                .as_str()
                .and_then(package_dir)
                .is_some_and(|d| same_dir(&d, krate))
        };
        let bin = messages.iter().find_map(|m| {
            (m["reason"] == "compiler-artifact" && from(m, &member_dir))
                .then(|| m["executable"].as_str().map(PathBuf::from))
                .flatten()
        });
        if let Some(bin) = bin {
            return Ok(bin);
        }
        let errors_of = |krate: &Path| -> Vec<String> {
            messages
                .iter()
                .filter(|m| m["reason"] == "compiler-message" && from(m, krate))
                .filter(|m| m["message"]["level"] == "error")
                .filter_map(|m| m["message"]["rendered"].as_str())
                .map(|r| self.relativise(r))
                .collect()
        };
        let own = errors_of(&t.crate_dir);
        if !own.is_empty() {
            return Err(BuildError::DoesNotCompile(own.join("")));
        }
        let checks = errors_of(&member_dir);
        if !checks.is_empty() {
            return Err(BuildError::ChecksDoNotCompile(checks.join("")));
        }
        Err(BuildError::Broken(self.relativise(&tail(stderr, 40))))
    }

    fn last_cargo_error(&self, batch: &str) -> String {
        let text = std::fs::read_to_string(
            self.state
                .join("harness")
                .join(batch)
                .join("last-cargo-stderr.txt"),
        )
        .unwrap_or_default();
        self.relativise(&tail(&text, 40))
    }

    /// Paths inside the course are shown relative to it: `exercises/03-x/src/lib.rs:4:5`.
    fn relativise(&self, text: &str) -> String {
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
}

/// The `awaitlings` support crate this grader was built with.
pub fn support_dir() -> PathBuf {
    canonical(
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("..")
            .join("support"),
    )
}

/// The `awaitlings-check` API crate this grader was built with.
pub fn check_api_dir() -> PathBuf {
    canonical(Path::new(env!("CARGO_MANIFEST_DIR")).join("check"))
}

fn canonical(p: PathBuf) -> PathBuf {
    p.canonicalize().unwrap_or(p)
}

/// A path as a TOML string (JSON string escaping is valid TOML basic-string escaping).
fn toml_path(p: &Path) -> String {
    serde_json::to_string(&p.to_string_lossy()).expect("a string serialises")
}

fn write_if_changed(path: &Path, text: &str) -> Result<()> {
    if std::fs::read_to_string(path).ok().as_deref() != Some(text) {
        std::fs::write(path, text).with_context(|| format!("cannot write {}", path.display()))?;
    }
    Ok(())
}

/// The directory of a path package, from a cargo package id: `path+file:///a/b#name@0.1.0`
/// (cargo 1.77+) or `name 0.1.0 (path+file:///a/b)` (older).
fn package_dir(id: &str) -> Option<PathBuf> {
    let start = id.find("path+file://")? + "path+file://".len();
    let rest = &id[start..];
    let end = rest.find(['#', ')']).unwrap_or(rest.len());
    Some(PathBuf::from(percent_decode(&rest[..end])))
}

fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%'
            && let Some(b) = s
                .get(i + 1..i + 3)
                .and_then(|h| u8::from_str_radix(h, 16).ok())
        {
            out.push(b);
            i += 3;
            continue;
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn same_dir(a: &Path, b: &Path) -> bool {
    a == b || canonical(a.to_path_buf()) == canonical(b.to_path_buf())
}

fn tail(text: &str, lines: usize) -> String {
    let all: Vec<&str> = text
        .lines()
        .filter(|l| !l.trim_start().starts_with("Compiling"))
        .collect();
    all[all.len().saturating_sub(lines)..].join("\n")
}

fn hash_of(s: &str) -> u64 {
    let mut h = DefaultHasher::new();
    s.hash(&mut h);
    h.finish()
}

fn hash_file(path: &Path, h: &mut DefaultHasher) {
    path.hash(h);
    std::fs::read(path).ok().hash(h);
}

/// Hashes every file under `dir` (names and contents), skipping build output and hidden entries.
fn hash_tree(dir: &Path, h: &mut DefaultHasher) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let mut entries: Vec<_> = entries.filter_map(|e| e.ok()).collect();
    entries.sort_by_key(|e| e.file_name());
    for entry in entries {
        let name = entry.file_name();
        let name = name.to_string_lossy();
        if name.starts_with('.') || name == "target" {
            continue;
        }
        let path = entry.path();
        match entry.file_type() {
            Ok(t) if t.is_dir() => hash_tree(&path, h),
            Ok(_) => hash_file(&path, h),
            Err(_) => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn package_ids_of_both_cargo_formats_give_the_directory() {
        assert_eq!(
            package_dir("path+file:///a/my%20dir/x#x@0.1.0"),
            Some(PathBuf::from("/a/my dir/x"))
        );
        assert_eq!(
            package_dir("x 0.1.0 (path+file:///a/b/x)"),
            Some(PathBuf::from("/a/b/x"))
        );
        assert_eq!(
            package_dir("registry+https://github.com/rust-lang/crates.io-index#tokio@1.0.0"),
            None
        );
    }

    #[test]
    fn fingerprints_change_with_any_file() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("src")).unwrap();
        std::fs::write(dir.path().join("src/lib.rs"), "a").unwrap();
        let print = |d: &Path| {
            let mut h = DefaultHasher::new();
            hash_tree(d, &mut h);
            h.finish()
        };
        let before = print(dir.path());
        assert_eq!(before, print(dir.path()));
        std::fs::write(dir.path().join("src/lib.rs"), "b").unwrap();
        assert_ne!(before, print(dir.path()));
    }
}
