//! `grader publish DIR`: write the student edition (see [`crate::edition`]) into a new folder,
//! the repository students start from. Run in the instructor's course; it writes nothing there.

use crate::commands::cli::{Ctx, PASSED};
use crate::edition;
use crate::outln;
use anyhow::{Context, Result, bail};
use std::path::{Path, PathBuf};

pub fn run(ctx: &Ctx, dir: &Path) -> Result<u8> {
    let course = &ctx.course;
    course.require_instructors("publish")?;
    let dir = std::path::absolute(dir).unwrap_or_else(|_| dir.to_path_buf());
    if resolved(&dir).starts_with(&course.root) {
        bail!(
            "{} is inside the course, and publish never writes into the course: name a folder \
             outside it, such as `grader publish ../awaitlings-student`",
            dir.display()
        );
    }
    if dir.exists() {
        if !dir.is_dir() {
            bail!(
                "{} is a file: name a new folder for the edition",
                dir.display()
            );
        }
        let mut entries =
            std::fs::read_dir(&dir).with_context(|| format!("cannot read {}", dir.display()))?;
        if entries.next().is_some() {
            bail!(
                "{} is not empty: publish writes a whole new edition, so name a new folder (or \
                 remove this one first; to update a repository you already pushed, publish into a \
                 new folder and copy its files over your clone)",
                dir.display()
            );
        }
    }
    let files = edition::compute(course)?;
    edition::write(&files, &dir)?;
    // So that the edition, built where the course was, reuses the course's builds.
    edition::keep_times(&files, &dir, &course.root)?;
    let hidden: Vec<String> = course
        .exercises
        .iter()
        .filter(|e| course.hidden_checks_file(e).is_file())
        .map(super::super::course::Exercise::label)
        .collect();
    outln!(
        "Wrote the student edition ({} exercises, {} files) to {}.",
        course.exercises.len(),
        files.len(),
        dir.display()
    );
    outln!("Left out: {}.", edition::NEVER.join(", "));
    if hidden.is_empty() {
        outln!("No exercise has hidden checks: students run every check you grade with.");
    } else {
        outln!(
            "Graded with hidden checks the edition does not have (its `check` says so): {}.",
            hidden.join(", ")
        );
    }
    outln!(
        "Next: make it a git repository and push it as the template students start from \
         (INSTRUCTORS.md, section 1):\n  cd {} && git init && git add -A && git commit -m \"The course\"",
        dir.display()
    );
    Ok(PASSED)
}

/// `path` with links resolved as far as it exists (the rest, not yet made, appended).
fn resolved(path: &Path) -> PathBuf {
    let mut rest = Vec::new();
    let mut at = path.to_path_buf();
    loop {
        if let Ok(real) = at.canonicalize() {
            return rest.iter().rev().fold(real, |p, part| p.join(part));
        }
        match (at.file_name(), at.parent()) {
            (Some(name), Some(parent)) => {
                rest.push(name.to_os_string());
                at = parent.to_path_buf();
            }
            _ => return path.to_path_buf(),
        }
    }
}
