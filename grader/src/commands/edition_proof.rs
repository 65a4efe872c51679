//! The part of `grader verify` about the student edition (see [`crate::edition`]). It proves
//! three things about the edition the course would publish now:
//! - it leaks nothing: no file of the instructor's material, and no file holding a solution's
//!   or hidden check's lines that the course does not show anyway ([`crate::edition::leaks`]);
//!   single lines a lesson quotes are listed as notes;
//! - it builds: `cargo build --workspace --locked` in a published copy, which leaves its
//!   Cargo.lock as it is;
//! - its stubs fail: the edition's own grader (`cargo run -p grader -- check` in the copy)
//!   fails every exercise verified.
//!
//! The copy is kept in the state directory and synced file by file, and it builds in the
//! course's own target directory: tokio and the grader's dependencies are built once for both,
//! and a second verify rebuilds only what changed. Each file the copy holds as the course does
//! has the course's file's time ([`crate::edition::keep_times`]), so the copy rebuilds nothing the
//! course has built. What the copy rebuilt of the course's own
//! crates is forgotten afterwards ([`forget_edition_builds`]), so the course's next build never
//! mistakes it for its own.

use crate::build::walk::{Links, Walk, relative};
use crate::commands::cli::Ctx;
use crate::course::Exercise;
use crate::edition::{self, File, leaks};
use anyhow::{Context, Result};
use std::path::{Path, PathBuf};
use std::time::Instant;

/// Runs the proofs, saying each with `report(ok, text)`.
pub fn prove(ctx: &Ctx, exercises: &[&Exercise], report: &mut dyn FnMut(bool, String)) {
    let files = match edition::compute(&ctx.course) {
        Ok(files) => files,
        Err(e) => return report(false, format!("the edition cannot be made: {e:#}")),
    };
    report(
        true,
        format!(
            "the edition holds {} files and none of: {}",
            files.len(),
            edition::NEVER.join(", ")
        ),
    );
    let (secrets, shown) = sources(ctx);
    let (found, quotes) = leaks::find(&files, &secrets, &shown);
    if found.is_empty() {
        report(
            true,
            format!(
                "no file of the edition holds {} or more lines of a solution or hidden check",
                leaks::LEAK_LINES
            ),
        );
    } else {
        for leak in found.iter().take(10) {
            report(
                false,
                format!(
                    "{}:{} gives away a line of {}: `{}`",
                    leak.file, leak.line_number, leak.from, leak.line
                ),
            );
        }
        if found.len() > 10 {
            report(
                false,
                format!("... and {} more such lines", found.len() - 10),
            );
        }
    }
    for quote in &quotes {
        crate::outln!(
            "  note {}:{} quotes {}: `{}`",
            quote.file,
            quote.line_number,
            quote.from,
            quote.line
        );
    }
    let dir = ctx.state.root.join("edition").join(&ctx.state.tag);
    if let Err(e) = edition::sync(&files, &dir)
        .and_then(|()| edition::keep_times(&files, &dir, &ctx.course.root))
    {
        return report(false, format!("cannot write the edition's copy: {e:#}"));
    }
    let built = builds(ctx, &dir, &files);
    let failed = built.is_ok().then(|| stubs_fail(ctx, &dir, exercises));
    forget_edition_builds(&course_target(ctx), &dir);
    match built {
        Ok(text) => report(true, text),
        Err(e) => return report(false, format!("{e:#}")),
    }
    match failed.expect("the stubs ran once the edition built") {
        Ok((ok, text)) => report(ok, text),
        Err(e) => report(false, format!("{e:#}")),
    }
}

/// Makes cargo forget what the edition's copy built of the course's own crates.
///
/// The copy builds in the course's target directory, so tokio and the grader's dependencies are
/// built once for both. But cargo names a path crate's build by its path *within its workspace*,
/// the same in the copy as in the course: a crate the copy rebuilt takes the course's place, with
/// a record saying it was built from the copy's files. The course's next `cargo build` would then
/// check only the copy's files, find them unchanged, and keep a grader built before the
/// maintainer's edits. Removing the records that name the copy makes that build compile those
/// crates from the course again.
fn forget_edition_builds(target: &Path, edition: &Path) {
    let inside = edition.strip_prefix(target).ok().map(Path::to_path_buf);
    let names: Vec<Vec<u8>> = [Some(edition.to_path_buf()), inside]
        .into_iter()
        .flatten()
        // With the separator after it: the copy of another course may have a longer tag.
        .map(|p| format!("{}{}", p.to_string_lossy(), std::path::MAIN_SEPARATOR).into_bytes())
        .collect();
    let Ok(units) = std::fs::read_dir(target.join("debug").join(".fingerprint")) else {
        return;
    };
    for unit in units.flatten() {
        let Ok(records) = std::fs::read_dir(unit.path()) else {
            continue;
        };
        let from_copy = records.flatten().any(|r| {
            r.file_name().to_string_lossy().starts_with("dep-")
                && std::fs::read(r.path())
                    .is_ok_and(|bytes| names.iter().any(|n| contains(&bytes, n)))
        });
        if from_copy {
            let _ = std::fs::remove_dir_all(unit.path());
        }
    }
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    !needle.is_empty() && haystack.windows(needle.len()).any(|w| w == needle)
}

/// What must not reach the edition (each solution's sources, each hidden check), and what the
/// course shows anyway: every stub, the public checks, the check API, the support crate and the
/// grader.
fn sources(ctx: &Ctx) -> (Vec<leaks::Secret>, Vec<String>) {
    let course = &ctx.course;
    let root = &course.root;
    let mut secrets = Vec::new();
    for ex in &course.exercises {
        for (path, text) in rust_sources_named(&course.solution_dir(ex), root) {
            secrets.push(leaks::Secret { path, text });
        }
        let hidden = course.hidden_checks_file(ex);
        if let Ok(text) = std::fs::read_to_string(&hidden) {
            secrets.push(leaks::Secret {
                path: course.relative(&hidden),
                text,
            });
        }
    }
    let mut shown = rust_sources(&root.join("exercises"), root);
    for public in ["support", "grader/src", "grader/check"] {
        shown.extend(rust_sources(&root.join(public), root));
    }
    for ex in &course.exercises {
        shown.extend(std::fs::read_to_string(course.checks_file(ex)).ok());
    }
    (secrets, shown)
}

fn rust_sources(dir: &Path, root: &Path) -> Vec<String> {
    rust_sources_named(dir, root)
        .into_iter()
        .map(|(_, text)| text)
        .collect()
}

/// Every `.rs` file under `dir` (through links), with its path relative to `root`.
fn rust_sources_named(dir: &Path, root: &Path) -> Vec<(String, String)> {
    let entries = Walk::below(dir)
        .links(Links::Followed)
        .entries(|e| e.file_name() != "target");
    let mut out: Vec<(String, String)> = entries
        .flatten()
        .filter(|e| !e.file_type().is_dir() && e.path().extension().is_some_and(|x| x == "rs"))
        .filter_map(|e| {
            let text = std::fs::read_to_string(e.path()).ok()?;
            Some((relative(root, e.path()), text))
        })
        .collect();
    out.sort();
    out
}

/// Cargo's target directory for the course: where its tokio is built already.
fn course_target(ctx: &Ctx) -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .map_or_else(
            || ctx.course.root.join("target"),
            |p| std::path::absolute(&p).unwrap_or(p),
        )
}

fn cargo_in(ctx: &Ctx, dir: &Path, args: &[&str]) -> Result<crate::build::cargo::Output> {
    let args: Vec<String> = args.iter().map(std::string::ToString::to_string).collect();
    crate::build::cargo::run_with(&args, ctx.build_timeout, |cmd| {
        cmd.current_dir(dir)
            .env("CARGO_TARGET_DIR", course_target(ctx))
            .env("AWAITLINGS_TARGET_DIR", &ctx.state.root)
            .env_remove("AWAITLINGS_COURSE");
    })
}

fn builds(ctx: &Ctx, dir: &Path, files: &[File]) -> Result<String> {
    let started = Instant::now();
    let out = cargo_in(ctx, dir, &["build", "--workspace", "--locked", "--quiet"])?;
    if !out.success {
        anyhow::bail!(
            "the edition does not build (`cargo build --workspace --locked` in {}):\n{}",
            dir.display(),
            crate::build::harness::messages::tail(&out.stderr, 20)
        );
    }
    let lock = files
        .iter()
        .find(|f| f.path == "Cargo.lock")
        .context("the edition has no Cargo.lock")?;
    if std::fs::read(dir.join("Cargo.lock")).ok().as_deref() != Some(&lock.bytes[..]) {
        anyhow::bail!(
            "building the edition rewrote its Cargo.lock (in {}): the lock file publish writes is \
             not the one cargo wants",
            dir.display()
        );
    }
    Ok(format!(
        "the edition builds with `cargo build --workspace --locked` ({:.1} s)",
        started.elapsed().as_secs_f64()
    ))
}

fn stubs_fail(ctx: &Ctx, dir: &Path, exercises: &[&Exercise]) -> Result<(bool, String)> {
    let started = Instant::now();
    let course = dir.to_string_lossy().into_owned();
    let mut args = vec![
        "run", "--locked", "--quiet", "-p", "grader", "--", "--color", "never", "--course",
        &course, "check", "--format", "json",
    ];
    let names: Vec<String> = exercises.iter().map(|e| e.number.to_string()).collect();
    args.extend(names.iter().map(String::as_str));
    let out = cargo_in(ctx, dir, &args)?;
    let report: serde_json::Value = serde_json::from_str(&out.stdout).with_context(|| {
        format!(
            "the edition's grader gave no report (`cargo run -p grader -- check` in {}):\n{}",
            dir.display(),
            crate::build::harness::messages::tail(&out.stderr, 20)
        )
    })?;
    let mut passing = Vec::new();
    let mut checks = 0;
    for ex in report["exercises"].as_array().into_iter().flatten() {
        for c in ex["checks"].as_array().into_iter().flatten() {
            checks += 1;
            if c["passed"].as_bool() == Some(true) {
                passing.push(format!(
                    "{}/{}",
                    ex["slug"].as_str().unwrap_or("?"),
                    c["name"].as_str().unwrap_or("?")
                ));
            }
        }
    }
    let seconds = started.elapsed().as_secs_f64();
    Ok(if passing.is_empty() && checks > 0 {
        (
            true,
            format!(
                "the edition's grader fails every stub: {checks} checks of {} exercise(s), none passing ({seconds:.1} s)",
                exercises.len()
            ),
        )
    } else if checks == 0 {
        (
            false,
            format!("the edition's grader ran no check at all:\n{}", out.stdout),
        )
    } else {
        (
            false,
            format!(
                "in the edition, these checks pass on the untouched stub: {}",
                passing.join(", ")
            ),
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_builds_recorded_from_the_copy_are_forgotten() {
        let target = tempfile::tempdir().unwrap();
        let units = target.path().join("debug/.fingerprint");
        let edition = target.path().join("awaitlings/edition/abc123");
        let record = |unit: &str, text: &[u8]| {
            std::fs::create_dir_all(units.join(unit)).unwrap();
            std::fs::write(units.join(unit).join("dep-lib-x"), text).unwrap();
        };
        // Cargo writes paths inside the target directory relative to it, others whole.
        record(
            "grader-1",
            b"\x01\x00awaitlings/edition/abc123/grader/src/lib.rs\x00",
        );
        record(
            "support-2",
            format!("\x02{}/support/src/lib.rs", edition.display()).as_bytes(),
        );
        record("grader-3", b"\x00src/lib.rs\x00src/main.rs");
        record("tokio-4", b"/root/.cargo/registry/src/tokio/src/lib.rs");
        // Another course's copy is not this one.
        record("grader-5", b"awaitlings/edition/abc1234/grader/src/lib.rs");
        forget_edition_builds(target.path(), &edition);
        let left: Vec<String> = std::fs::read_dir(&units)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect::<std::collections::BTreeSet<_>>()
            .into_iter()
            .collect();
        assert_eq!(left, ["grader-3", "grader-5", "tokio-4"]);
    }
}
