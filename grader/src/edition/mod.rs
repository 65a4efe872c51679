//! The student edition: the repository students start from, computed from the instructor's
//! course as a list of files in memory. One computation serves everything that needs it:
//! `grader publish` writes it, `grader verify` proves it builds, fails as a stub and leaks no
//! solution, and `grade`'s integrity flags compare a submission cut from it with it.
//!
//! What it holds, and what it never holds, is decided here and nowhere else:
//! - taken as they are: `exercises/` (stubs, lessons, demos), `support/`, the grader crate
//!   (`grader/Cargo.toml`, `grader/src/`), the check API (`grader/check/`), the public checks
//!   (the files `grader/checks/*.rs`, never a folder below it such as `grader/checks/hidden/`),
//!   and `fixtures/<slug>/` of each exercise (expected transcripts and `shipped.toml`; a
//!   `hidden/` folder there is kept back);
//! - rewritten ([`manifest`], [`lock`]): `course.toml` marked as the student edition, the root
//!   `Cargo.toml` without the members and exclusions of what is left out, and a `Cargo.lock`
//!   without the packages only those members used;
//! - made for students: `README.md` from `classroom/edition/README.md`, every workflow of
//!   `classroom/edition/workflows/` in `.github/workflows/` (`feedback.yml`, and the autograding
//!   workflow when the instructor puts it there), and a `.gitignore`;
//! - never: everything else, in particular [`NEVER`].
//!
//! Build output (`target/`), lock files below the root and hidden entries (a student's
//! `.awaitlings/`, editor files) are nobody's course and never part of it.

pub mod leaks;
pub mod lock;
pub mod manifest;

use crate::build::walk::{DirEntry, Walk};
use crate::course::Course;
use anyhow::{Context, Result, bail};
use std::path::Path;

/// What the edition never contains: the instructor's material and the maintainers' tools.
pub const NEVER: &[&str] = &[
    "solutions",
    "fixtures/wrong",
    "fixtures/right",
    "grader/tests",
    "grader/checks/hidden",
    "bench",
    ".ci",
    "MAINTAINING.md",
    "INSTRUCTORS.md",
    "classroom",
];

/// The folder of the course that holds the edition's templates.
pub const TEMPLATES: &str = "classroom/edition";

/// What the edition's .gitignore says: build output and the grader's record of a student's
/// progress are never committed.
const GITIGNORE: &str = "/target/\n/.awaitlings/\n";

/// One file of the edition: its path relative to the edition's root (with `/`), and its bytes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct File {
    pub path: String,
    pub bytes: Vec<u8>,
}

/// The student edition of `course`: every file, in path order. The same course gives the same
/// list, byte for byte.
pub fn compute(course: &Course) -> Result<Vec<File>> {
    let root = &course.root;
    let mut files = course_files(course)?;
    let manifest = text(root, "course.toml")?;
    files.push(File {
        path: "course.toml".into(),
        bytes: manifest::mark_course(course, &manifest)?.into_bytes(),
    });
    let cargo_toml = text(root, "Cargo.toml")?;
    let (workspace, dropped) = manifest::root_manifest(&cargo_toml, |p| {
        files
            .iter()
            .any(|f| f.path == p || f.path.starts_with(&format!("{p}/")))
    })?;
    files.push(File {
        path: "Cargo.toml".into(),
        bytes: workspace.into_bytes(),
    });
    let removed = dropped_packages(root, &dropped)?;
    files.push(File {
        path: "Cargo.lock".into(),
        bytes: lock::prune(&text(root, "Cargo.lock")?, &removed)?.into_bytes(),
    });
    templates(root, &mut files)?;
    files.push(File {
        path: ".gitignore".into(),
        bytes: GITIGNORE.into(),
    });

    files.sort_by(|a, b| a.path.cmp(&b.path));
    if let Some(w) = files.windows(2).find(|w| w[0].path == w[1].path) {
        bail!("the edition would hold {} twice", w[0].path);
    }
    if let Some(f) = files.iter().find(|f| is_never(&f.path)) {
        bail!(
            "the edition would hold {}, which it never ships: a bug in the grader",
            f.path
        );
    }
    Ok(files)
}

/// The course's files the edition ships as they are: the exercises, the support crate, the
/// grader's source and check API, the fixtures (not their `hidden/`), the public checks and the
/// grader's manifest.
fn course_files(course: &Course) -> Result<Vec<File>> {
    let root = &course.root;
    let mut files = Vec::new();
    for tree in ["exercises", "support", "grader/src", "grader/check"] {
        walk(root, &root.join(tree), &mut files)?;
    }
    for ex in &course.exercises {
        walk(root, &course.fixtures_dir(ex), &mut files)?;
    }
    files.retain(|f| {
        // A fixtures folder's own `hidden/` is the instructor's.
        !f.path
            .strip_prefix("fixtures/")
            .and_then(|rest| rest.split_once('/'))
            .is_some_and(|(_, rest)| rest.starts_with("hidden/"))
    });
    // The public checks: the files directly in grader/checks/, never a folder below it but the
    // facades (grader/checks/facade/), which the public checks are compiled against.
    let checks = root.join("grader").join("checks");
    for folder in [checks.clone(), checks.join("facade")] {
        for entry in sorted_entries(&folder)? {
            let path = entry.path();
            if entry.file_type()?.is_file() && path.extension().is_some_and(|e| e == "rs") {
                files.push(read(root, &path)?);
            }
        }
    }
    files.push(read(root, &root.join("grader").join("Cargo.toml"))?);
    Ok(files)
}

/// What the edition takes from its templates (`classroom/edition/`): the students' README and
/// their workflows.
fn templates(root: &Path, files: &mut Vec<File>) -> Result<()> {
    let readme = root.join(TEMPLATES).join("README.md");
    files.push(File {
        path: "README.md".into(),
        bytes: std::fs::read(&readme).with_context(|| {
            format!(
                "the course has no {TEMPLATES}/README.md, the template of the README students \
                 read first. Restore it with `git checkout -- {TEMPLATES}`, or write one"
            )
        })?,
    });
    // The students' workflows: every file of classroom/edition/workflows/, as it is.
    let workflows = root.join(TEMPLATES).join("workflows");
    let mut any = false;
    for entry in sorted_entries(&workflows)? {
        if entry.file_type()?.is_file() {
            let mut f = read(root, &entry.path())?;
            f.path = format!(".github/workflows/{}", entry.file_name().to_string_lossy());
            files.push(f);
            any = true;
        }
    }
    if !any {
        bail!(
            "the course has no workflow in {TEMPLATES}/workflows/ for the students' repositories \
             (feedback.yml gives feedback on every push). Restore it with `git checkout -- \
             {TEMPLATES}`, or write one"
        );
    }
    Ok(())
}

/// Whether `path` (relative, with `/`) is something the edition never holds.
pub fn is_never(path: &str) -> bool {
    NEVER
        .iter()
        .any(|n| path == *n || path.starts_with(&format!("{n}/")))
}

/// The package names of the workspace members the edition drops (`solutions/*`), read from
/// their manifests in the course.
fn dropped_packages(root: &Path, members: &[String]) -> Result<Vec<String>> {
    let mut names = Vec::new();
    for pattern in members {
        // Members are folders or `folder/*` globs: the only kinds this course uses.
        let dirs: Vec<std::path::PathBuf> = match pattern.strip_suffix("/*") {
            Some(parent) => sorted_entries(&root.join(parent))?
                .into_iter()
                .map(|e| e.path())
                .collect(),
            None => vec![root.join(pattern)],
        };
        for dir in dirs {
            let Ok(text) = std::fs::read_to_string(dir.join("Cargo.toml")) else {
                continue;
            };
            let manifest: toml::Table = toml::from_str(&text)
                .with_context(|| format!("{}/Cargo.toml is not valid TOML", dir.display()))?;
            if let Some(name) = manifest
                .get("package")
                .and_then(|p| p.get("name"))
                .and_then(|n| n.as_str())
            {
                names.push(name.to_string());
            }
        }
    }
    Ok(names)
}

fn text(root: &Path, rel: &str) -> Result<String> {
    std::fs::read_to_string(root.join(rel))
        .with_context(|| format!("cannot read {rel} of the course at {}", root.display()))
}

fn read(root: &Path, path: &Path) -> Result<File> {
    let bytes = std::fs::read(path).with_context(|| format!("cannot read {}", path.display()))?;
    Ok(File {
        path: relative(root, path),
        bytes,
    })
}

fn relative(root: &Path, path: &Path) -> String {
    path.strip_prefix(root)
        .unwrap_or(path)
        .to_string_lossy()
        .replace('\\', "/")
}

fn sorted_entries(dir: &Path) -> Result<Vec<std::fs::DirEntry>> {
    if !dir.is_dir() {
        return Ok(Vec::new());
    }
    let mut entries: Vec<_> = std::fs::read_dir(dir)
        .with_context(|| format!("cannot read {}", dir.display()))?
        .collect::<std::io::Result<_>>()?;
    entries.sort_by_key(std::fs::DirEntry::file_name);
    Ok(entries)
}

/// Every regular file under `dir`, leaving out hidden entries, build output and lock files below
/// the root (which cargo writes when a crate is built alone). A link is left out: what it points
/// at is not the course's to hand out.
fn walk(root: &Path, dir: &Path, out: &mut Vec<File>) -> Result<()> {
    if !dir.is_dir() {
        return Ok(());
    }
    let left_out = |e: &DirEntry| {
        let name = crate::build::walk::name(e);
        name.starts_with('.') || name == "target" || name == "Cargo.lock"
    };
    for entry in Walk::below(dir).entries(|e| !left_out(e)) {
        let entry = entry.with_context(|| format!("cannot read {}", dir.display()))?;
        if entry.file_type().is_file() {
            out.push(read(root, entry.path())?);
        }
    }
    Ok(())
}

/// Writes `files` into `dir`, which must be empty or absent.
pub fn write(files: &[File], dir: &Path) -> Result<()> {
    for f in files {
        let to = dir.join(&f.path);
        if let Some(parent) = to.parent() {
            std::fs::create_dir_all(parent)
                .with_context(|| format!("cannot create {}", parent.display()))?;
        }
        std::fs::write(&to, &f.bytes).with_context(|| format!("cannot write {}", to.display()))?;
    }
    Ok(())
}

/// Gives each file of the edition in `dir` that holds the very bytes of the course's own file at
/// the same path that file's modification time.
///
/// A copy of the edition built in the course's target directory (verify's proof, the edition's
/// own test) shares the course's builds: cargo names a path crate's build by its path within
/// its workspace, the same in both. Cargo then judges the copy's sources by their times against
/// the course's builds: with the course's times, a file the course has built already is built
/// already for the copy too, and nothing is compiled again (nor, afterwards, again for the
/// course). A file that differs from the course's (course.toml, the manifests, the README from
/// its template) keeps the time it was written.
pub fn keep_times(files: &[File], dir: &Path, course_root: &Path) -> Result<()> {
    for f in files {
        let theirs = course_root.join(&f.path);
        let Ok(modified) = std::fs::metadata(&theirs).and_then(|m| m.modified()) else {
            continue;
        };
        let ours = dir.join(&f.path);
        let same_time = std::fs::metadata(&ours)
            .and_then(|m| m.modified())
            .is_ok_and(|t| t == modified);
        if same_time || std::fs::read(&theirs).ok().as_deref() != Some(&f.bytes[..]) {
            continue;
        }
        std::fs::File::options()
            .write(true)
            .open(&ours)
            .and_then(|file| file.set_modified(modified))
            .with_context(|| format!("cannot set the time of {}", ours.display()))?;
    }
    Ok(())
}

/// Makes `dir` hold exactly `files`: a file already right is not touched (so cargo rebuilds
/// nothing in a copy kept between runs), and one the edition no longer has is removed.
pub fn sync(files: &[File], dir: &Path) -> Result<()> {
    for f in files {
        crate::build::state::write_if_changed(&dir.join(&f.path), &f.bytes)
            .with_context(|| format!("cannot write {}", dir.join(&f.path).display()))?;
    }
    let wanted: std::collections::BTreeSet<&str> = files.iter().map(|f| f.path.as_str()).collect();
    remove_others(dir, &wanted);
    Ok(())
}

fn remove_others(root: &Path, wanted: &std::collections::BTreeSet<&str>) {
    // The copy's own build output and the grader's progress file are left alone.
    let ours = |e: &DirEntry| {
        e.depth() == 1 && (e.file_name() == "target" || e.file_name() == ".awaitlings")
    };
    for entry in Walk::below(root)
        .entries_deepest_first(|e| !ours(e))
        .into_iter()
        .flatten()
    {
        if entry.file_type().is_dir() {
            let _ = std::fs::remove_dir(entry.path()); // only when empty
        } else if !wanted.contains(relative(root, entry.path()).as_str()) {
            let _ = std::fs::remove_file(entry.path());
        }
    }
}

#[cfg(test)]
mod tests;
