//! Known-wrong solutions, each kept as the smallest description of its mistake: a patch. And,
//! in the same form, alternative correct designs (`fixtures/right/<slug>/<design>.patch`, whose
//! header has only `about`): other ways to meet the contract than the reference's, which must
//! pass every check, so that no check fails a learner's correct design.
//!
//! `fixtures/wrong/<slug>/<mistake>.patch` is a TOML header (what the mistake is, and the verdict
//! each check must give it) followed by a unified diff against the exercise's solution crate:
//!
//! ```text
//! about = "step sleeps `secs` milliseconds instead of seconds"
//!
//! [checks]
//! "step-says-start-waits-finishes" = "wrong_timing"
//!
//! --- a/src/lib.rs
//! +++ b/src/lib.rs
//! @@ -20,7 +20,7 @@
//! ...
//! ```
//!
//! The header ends at the first line that starts with `--- `. The grader applies the diff to a copy
//! of the solution in its state directory ([`materialize`]) and builds that copy like any crate
//! under test, with the course's manifest. A patch stays in step with the solution it breaks: when
//! the solution changes under a hunk, the patch no longer applies and `verify` says which hunk, and
//! how to remake it (`grader mistake EX NAME`, [`make_patch`]). Hunks may move: a hunk is looked
//! for at its line first, then ever further away, as `patch` does, but its lines must match exactly.

use crate::build::state::write_if_changed;
use crate::build::walk::{self, DirEntry, Walk};
use crate::course::{Course, Exercise};
use anyhow::{Context, Result, bail};
use serde::Deserialize;
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Component, Path, PathBuf};

/// The header of a wrong solution: what the mistake is, and the verdicts it must get.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Expectation {
    /// The mistake in one sentence, as a student would make it.
    pub about: String,
    /// check name -> the kind of failure it must report (`wrong_value`, `blocked`, ...).
    #[serde(default)]
    pub checks: BTreeMap<String, String>,
}

/// A wrong solution, parsed.
#[derive(Clone, Debug)]
pub struct Mistake {
    pub expect: Expectation,
    /// The header's text as written (kept when `mistake --save` rewrites the diff).
    pub header: String,
    pub files: Vec<FilePatch>,
}

/// The changes to one file of the solution crate.
#[derive(Clone, Debug, PartialEq)]
pub struct FilePatch {
    /// Relative to the crate (without the diff's `a/` or `b/`).
    pub path: String,
    /// What the diff does to the file.
    pub action: Action,
    pub hunks: Vec<Hunk>,
}

#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Action {
    Change,
    Create,
    Delete,
}

/// One `@@` hunk.
#[derive(Clone, Debug, PartialEq)]
pub struct Hunk {
    /// The first line it replaces, from 1 (0 for a hunk that adds to an empty file).
    pub old_start: usize,
    /// The lines it expects (context and removed lines), in order.
    pub old: Vec<String>,
    /// The lines it leaves (context and added lines), in order.
    pub new: Vec<String>,
    /// The old side ends the file with no line break.
    pub old_no_eol: bool,
    /// The new side ends the file with no line break.
    pub new_no_eol: bool,
}

/// Which patches: known-wrong solutions, or alternative correct designs.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Shelf {
    /// `fixtures/wrong/<slug>/`: each must fail the checks its header lists, as it lists.
    Wrong,
    /// `fixtures/right/<slug>/`: each must pass every check.
    Right,
}

impl Shelf {
    /// The folder under `fixtures/`.
    pub fn dir(self) -> &'static str {
        match self {
            Shelf::Wrong => "wrong",
            Shelf::Right => "right",
        }
    }

    /// What one patch of the shelf is, in words.
    pub fn what(self) -> &'static str {
        match self {
            Shelf::Wrong => "wrong solution",
            Shelf::Right => "alternative design",
        }
    }
}

/// The file of the patch `name` of exercise `ex` on `shelf`.
pub fn patch_path(course: &Course, ex: &Exercise, shelf: Shelf, name: &str) -> PathBuf {
    course.shelf_dir(ex, shelf).join(format!("{name}.patch"))
}

/// The names of an exercise's patches on `shelf`, sorted.
pub fn list(course: &Course, ex: &Exercise, shelf: Shelf) -> Vec<String> {
    let Ok(entries) = std::fs::read_dir(course.shelf_dir(ex, shelf)) else {
        return Vec::new();
    };
    let mut names: Vec<String> = entries
        .filter_map(std::result::Result::ok)
        .filter_map(|e| {
            let name = e.file_name().to_string_lossy().into_owned();
            let stem = name.strip_suffix(".patch")?;
            e.path().is_file().then(|| stem.to_string())
        })
        .collect();
    names.sort();
    names
}

/// Reads and parses a patch.
pub fn load(course: &Course, ex: &Exercise, shelf: Shelf, name: &str) -> Result<Mistake> {
    let path = patch_path(course, ex, shelf, name);
    let shown = path
        .strip_prefix(&course.root)
        .unwrap_or(&path)
        .display()
        .to_string();
    let text = std::fs::read_to_string(&path).with_context(|| format!("cannot read {shown}"))?;
    parse(&text).with_context(|| format!("{shown} is not a valid {}", shelf.what()))
}

/// Parses a wrong solution's text: the TOML header, then the diff.
pub fn parse(text: &str) -> Result<Mistake> {
    let split = text
        .match_indices("--- ")
        .find(|(i, _)| *i == 0 || text.as_bytes()[i - 1] == b'\n')
        .map_or(text.len(), |(i, _)| i);
    let header = &text[..split];
    let expect: Expectation = toml::from_str(header).context(
        "its header (the TOML before the first `--- ` line) needs `about = \"...\"` and a \
         [checks] table of check name = verdict kind",
    )?;
    let files = parse_diff(&text[split..])?;
    if files.is_empty() {
        bail!(
            "it has no diff: after the header, a unified diff against the solution crate must follow"
        );
    }
    Ok(Mistake {
        expect,
        header: header.trim_end().to_string(),
        files,
    })
}

/// Parses a unified diff (as `diff -u`, `diff -ru` or `git diff` write them). Lines outside file
/// headers and hunks (`diff ...`, `index ...`, `Only in ...`) are ignored.
pub fn parse_diff(text: &str) -> Result<Vec<FilePatch>> {
    let lines: Vec<&str> = text.lines().collect();
    let mut files = Vec::new();
    let mut i = 0;
    while i < lines.len() {
        let Some(old) = lines[i].strip_prefix("--- ") else {
            i += 1;
            continue;
        };
        let Some(new) = lines.get(i + 1).and_then(|l| l.strip_prefix("+++ ")) else {
            bail!(
                "line {}: `--- {old}` is not followed by a `+++ ` line",
                i + 1
            );
        };
        let (old, new) = (diff_path(old), diff_path(new));
        let (path, action) = match (old.as_deref(), new.as_deref()) {
            (None, Some(p)) => (p.to_string(), Action::Create),
            (Some(p), None) => (p.to_string(), Action::Delete),
            (Some(_), Some(p)) => (p.to_string(), Action::Change),
            (None, None) => bail!("line {}: both sides of the diff are /dev/null", i + 1),
        };
        check_relative(&path).with_context(|| format!("line {}", i + 1))?;
        i += 2;
        let mut hunks = Vec::new();
        while let Some(at) = lines.get(i).and_then(|l| l.strip_prefix("@@ ")) {
            let (hunk, used) = parse_hunk(at, &lines[i + 1..])
                .with_context(|| format!("the hunk at line {} of the diff", i + 1))?;
            hunks.push(hunk);
            i += 1 + used;
        }
        if hunks.is_empty() && action == Action::Change {
            bail!("the diff of {path} has no hunks");
        }
        files.push(FilePatch {
            path,
            action,
            hunks,
        });
    }
    Ok(files)
}

/// `a/src/lib.rs\t2026-...` -> `src/lib.rs`; `/dev/null` -> None.
fn diff_path(field: &str) -> Option<String> {
    let path = field.split('\t').next().unwrap_or(field).trim_end();
    if path == "/dev/null" {
        return None;
    }
    let path = path
        .strip_prefix("a/")
        .or_else(|| path.strip_prefix("b/"))
        .unwrap_or(path);
    Some(path.to_string())
}

/// A patch may only touch files inside the crate it patches.
fn check_relative(path: &str) -> Result<()> {
    let p = Path::new(path);
    if path.is_empty()
        || p.components()
            .any(|c| !matches!(c, Component::Normal(_) | Component::CurDir))
    {
        bail!("the diff names `{path}`: paths must be relative to the solution crate, inside it");
    }
    Ok(())
}

/// Parses one hunk from its `@@` line (without `@@ `) and the lines after it; returns the hunk and
/// how many of those lines it used.
fn parse_hunk(at: &str, body: &[&str]) -> Result<(Hunk, usize)> {
    let ranges: Vec<&str> = at
        .split("@@")
        .next()
        .unwrap_or("")
        .split_whitespace()
        .collect();
    let range = |s: Option<&&str>, sign: char| -> Result<(usize, usize)> {
        let s = s
            .and_then(|s| s.strip_prefix(sign))
            .with_context(|| format!("`@@ {at}` is not a hunk header (`@@ -L,N +L,N @@`)"))?;
        let mut parts = s.splitn(2, ',');
        let start = parts.next().unwrap_or("").parse::<usize>();
        let count = parts.next().map_or(Ok(1), str::parse::<usize>);
        match (start, count) {
            (Ok(start), Ok(count)) => Ok((start, count)),
            _ => bail!("`@@ {at}` is not a hunk header (`@@ -L,N +L,N @@`)"),
        }
    };
    let (old_start, old_count) = range(ranges.first(), '-')?;
    let (_, new_count) = range(ranges.get(1), '+')?;
    let mut hunk = Hunk {
        old_start,
        old: Vec::new(),
        new: Vec::new(),
        old_no_eol: false,
        new_no_eol: false,
    };
    let mut used = 0;
    let mut last = ' ';
    while hunk.old.len() < old_count || hunk.new.len() < new_count {
        let Some(line) = body.get(used) else {
            bail!("it ends early: its header promises {old_count} old and {new_count} new lines");
        };
        used += 1;
        // Editors that trim trailing spaces turn an empty context line into an empty line.
        let (tag, rest) = match line.chars().next() {
            None => (' ', ""),
            Some(c) => (c, &line[1..]),
        };
        match tag {
            ' ' => {
                hunk.old.push(rest.to_string());
                hunk.new.push(rest.to_string());
            }
            '-' => hunk.old.push(rest.to_string()),
            '+' => hunk.new.push(rest.to_string()),
            '\\' => {
                no_eol(&mut hunk, last);
                continue;
            }
            _ => bail!("line `{line}` starts with neither ' ', '-' nor '+'"),
        }
        last = tag;
    }
    // A "\ No newline at end of file" marker may follow the hunk's last line.
    if body.get(used).is_some_and(|l| l.starts_with('\\')) {
        no_eol(&mut hunk, last);
        used += 1;
    }
    if hunk.old.len() != old_count || hunk.new.len() != new_count {
        bail!("its lines do not add up to the counts in `@@ {at}`");
    }
    Ok((hunk, used))
}

fn no_eol(hunk: &mut Hunk, last: char) {
    match last {
        '-' => hunk.old_no_eol = true,
        '+' => hunk.new_no_eol = true,
        _ => {
            hunk.old_no_eol = true;
            hunk.new_no_eol = true;
        }
    }
}

/// Applies one file's hunks to its text. The error names the hunk that does not fit.
///
/// Hand-rolled on purpose. The maintained applier, `diffy` (its `apply`, read in its source: no
/// fuzz by default, lines compared exactly), was weighed for issue 17 and does not fit:
/// - its error is `ApplyError(n)`, "error applying hunk #n", without the file, the hunk's line or
///   its first expected line, which `verify` shows so that a maintainer can remake the patch;
/// - it looks for a hunk from its *new* side's start and may place a later hunk above an earlier
///   one (it only refuses lines already patched), where this keeps hunks in order (`floor`) and
///   starts from the old side's line moved by the hunks before it, as `patch` does;
/// - its `Patch` is one file's diff (0.5 adds a patch set for several), and the check that every
///   path stays inside the crate, creations and deletions ([`parse_diff`]) would stay here anyway;
/// - its reader, like `parse_hunk`, takes an empty line for an empty context line, so nothing
///   is gained there either.
///
/// What it would replace is the forty lines below, at the price of a dependency and a changed
/// error; so it stays.
pub fn apply(original: &str, patch: &FilePatch) -> Result<String, String> {
    let mut lines: Vec<String> = original.lines().map(str::to_string).collect();
    let mut eol = original.is_empty() || original.ends_with('\n');
    // Where the next hunk may start (hunks apply in order and never overlap), and how far the
    // previous hunks moved the lines after them.
    let mut floor = 0usize;
    let mut shift = 0isize;
    for (n, hunk) in patch.hunks.iter().enumerate() {
        let wanted = (hunk.old_start.saturating_sub(1) as isize + shift).max(0) as usize;
        let fits = |at: usize| {
            at >= floor
                && at + hunk.old.len() <= lines.len()
                && lines[at..at + hunk.old.len()] == hunk.old[..]
        };
        let at = (0..=lines.len())
            .flat_map(|d| [wanted.checked_add(d), wanted.checked_sub(d)])
            .flatten()
            .find(|&at| fits(at))
            .ok_or_else(|| {
                format!(
                    "hunk {} of {} (at line {}) does not match the solution any more; its first \
                     expected line is {:?}",
                    n + 1,
                    patch.path,
                    hunk.old_start,
                    hunk.old.first().map_or("", String::as_str)
                )
            })?;
        let end = at + hunk.old.len();
        let at_eof = end == lines.len();
        lines.splice(at..end, hunk.new.iter().cloned());
        floor = at + hunk.new.len();
        shift += hunk.new.len() as isize - hunk.old.len() as isize;
        if at_eof {
            if hunk.new_no_eol {
                eol = false;
            } else if hunk.old_no_eol {
                eol = true;
            }
        }
    }
    let mut text = lines.join("\n");
    if eol && !lines.is_empty() {
        text.push('\n');
    }
    Ok(text)
}

/// Makes `dst` the solution crate of `ex` with the wrong solution `name` applied. Only files whose
/// content changes are written (so cargo rebuilds only what a changed patch touched); files left
/// from an earlier version of the patch are removed.
pub fn materialize(
    course: &Course,
    ex: &Exercise,
    shelf: Shelf,
    name: &str,
    dst: &Path,
) -> Result<()> {
    let mistake = load(course, ex, shelf, name)?;
    let solution = course.solution_dir(ex);
    if !solution.join("Cargo.toml").is_file() {
        bail!(
            "wrong solutions are patches against the solution crate, and {} has none",
            solution
                .strip_prefix(&course.root)
                .unwrap_or(&solution)
                .display()
        );
    }
    let mut files = read_crate(&solution)?;
    let shown = format!("fixtures/{}/{}/{name}.patch", shelf.dir(), ex.slug);
    for patch in &mistake.files {
        let original = files.get(&patch.path);
        match (patch.action, original) {
            (Action::Create, Some(_)) => {
                bail!(
                    "{shown} creates {}, which the solution already has",
                    patch.path
                )
            }
            (Action::Change | Action::Delete, None) => {
                bail!(
                    "{shown} changes {}, which the solution does not have",
                    patch.path
                )
            }
            _ => {}
        }
        if patch.action == Action::Delete {
            files.remove(&patch.path);
            continue;
        }
        let text = apply(original.map_or("", String::as_str), patch).map_err(|why| {
            anyhow::anyhow!(
                "{shown} no longer applies to the solution: {why}. The solution changed under the \
                 mistake: remake the patch with `cargo run -p grader -- mistake {} {name}`, edit \
                 the copy it prints, then `cargo run -p grader -- mistake {} {name} --save`.",
                ex.number,
                ex.number
            )
        })?;
        files.insert(patch.path.clone(), text);
    }
    write_crate(dst, &files)
}

/// A crate's text files by relative path (`/`-separated), without `target/` and the hidden
/// folders at its top (`.git`). Links are not read through.
pub fn read_crate(dir: &Path) -> Result<BTreeMap<String, String>> {
    let mut out = BTreeMap::new();
    let top_left_out = |e: &DirEntry| {
        e.depth() == 1
            && e.file_type().is_dir()
            && (e.file_name() == "target" || walk::name(e).starts_with('.'))
    };
    for entry in Walk::below(dir).entries(|e| !top_left_out(e)) {
        let entry = entry.with_context(|| format!("cannot read {}", dir.display()))?;
        if entry.file_type().is_file()
            && let Ok(text) = std::fs::read_to_string(entry.path())
        {
            out.insert(walk::relative(dir, entry.path()), text);
        }
    }
    Ok(out)
}

fn write_crate(dst: &Path, files: &BTreeMap<String, String>) -> Result<()> {
    let existing = if dst.is_dir() {
        read_crate(dst)?
    } else {
        BTreeMap::new()
    };
    for stale in existing.keys().filter(|k| !files.contains_key(*k)) {
        std::fs::remove_file(dst.join(stale))?;
    }
    for (rel, text) in files {
        write_if_changed(&dst.join(rel), text.as_bytes())
            .with_context(|| format!("cannot write {}", dst.join(rel).display()))?;
    }
    Ok(())
}

/// The unified diff that turns the crate `from` into the crate `to` (paths `a/...` and `b/...`),
/// as the grader writes it into a wrong solution; empty when they are the same.
pub fn make_patch(from: &Path, to: &Path) -> Result<String> {
    let old = read_crate(from)?;
    let new = read_crate(to)?;
    let paths: BTreeSet<&String> = old.keys().chain(new.keys()).collect();
    let mut out = String::new();
    for path in paths {
        let (a, b) = (old.get(path), new.get(path));
        if a == b {
            continue;
        }
        let (a_name, b_name) = (
            a.map_or("/dev/null".to_string(), |_| format!("a/{path}")),
            b.map_or("/dev/null".to_string(), |_| format!("b/{path}")),
        );
        let (a, b) = (a.map_or("", String::as_str), b.map_or("", String::as_str));
        let diff = similar::TextDiff::from_lines(a, b);
        out.push_str(
            &diff
                .unified_diff()
                .context_radius(3)
                .header(&a_name, &b_name)
                .to_string(),
        );
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    const SOLUTION: &str = "fn a() {}\n\nfn b() {\n    1\n}\n\nfn c() {}\n";

    fn patched(diff: &str) -> Result<String, String> {
        let files = parse_diff(diff).map_err(|e| format!("{e:#}"))?;
        apply(SOLUTION, &files[0])
    }

    #[test]
    fn applies_a_hunk_where_it_says() {
        let diff =
            "--- a/src/lib.rs\n+++ b/src/lib.rs\n@@ -3,3 +3,3 @@\n fn b() {\n-    1\n+    2\n }\n";
        assert_eq!(
            patched(diff).unwrap(),
            "fn a() {}\n\nfn b() {\n    2\n}\n\nfn c() {}\n"
        );
    }

    #[test]
    fn finds_a_hunk_that_moved_but_never_one_that_changed() {
        let moved =
            "--- a/src/lib.rs\n+++ b/src/lib.rs\n@@ -1,3 +1,3 @@\n fn b() {\n-    1\n+    2\n }\n";
        assert!(patched(moved).unwrap().contains("    2\n"));
        let changed =
            "--- a/src/lib.rs\n+++ b/src/lib.rs\n@@ -3,3 +3,3 @@\n fn b() {\n-    7\n+    2\n }\n";
        let why = patched(changed).unwrap_err();
        assert!(why.contains("hunk 1 of src/lib.rs"), "{why}");
    }

    #[test]
    fn round_trips_what_make_patch_writes() {
        let dir = tempfile::tempdir().unwrap();
        let (from, to) = (dir.path().join("a"), dir.path().join("b"));
        std::fs::create_dir_all(from.join("src")).unwrap();
        std::fs::create_dir_all(to.join("src")).unwrap();
        std::fs::write(from.join("src/lib.rs"), SOLUTION).unwrap();
        let edited = SOLUTION
            .replace("    1", "    1 + 1")
            .replace("fn c() {}\n", "fn c() {}");
        std::fs::write(to.join("src/lib.rs"), &edited).unwrap();
        std::fs::write(to.join("src/extra.rs"), "pub fn x() {}\n").unwrap();
        let diff = make_patch(&from, &to).unwrap();
        let files = parse_diff(&diff).unwrap();
        assert_eq!(files.len(), 2);
        let extra = files.iter().find(|f| f.path == "src/extra.rs").unwrap();
        assert_eq!(extra.action, Action::Create);
        assert_eq!(apply("", extra).unwrap(), "pub fn x() {}\n");
        let lib = files.iter().find(|f| f.path == "src/lib.rs").unwrap();
        assert_eq!(
            apply(SOLUTION, lib).unwrap(),
            edited,
            "the missing final line break too"
        );
    }

    #[test]
    fn reads_the_header_and_refuses_paths_outside_the_crate() {
        let text = "about = \"x\"\n[checks]\n\"c\" = \"wrong_value\"\n\n--- a/src/lib.rs\n+++ b/src/lib.rs\n@@ -1 +1 @@\n-fn a() {}\n+fn a() { }\n";
        let m = parse(text).unwrap();
        assert_eq!(m.expect.checks["c"], "wrong_value");
        assert_eq!(m.files[0].hunks[0].old, vec!["fn a() {}"]);
        let outside = text
            .replace("a/src/lib.rs", "a/../x.rs")
            .replace("b/src/lib.rs", "b/../x.rs");
        assert!(format!("{:#}", parse(&outside).unwrap_err()).contains("inside it"));
        assert!(parse("about = \"x\"\n").is_err(), "a header without a diff");
    }

    #[test]
    fn takes_diff_r_output_with_timestamps() {
        let diff = "diff -ru a/src/lib.rs b/src/lib.rs\n--- a/src/lib.rs\t2026-11-22 07:00:00.000000000 +0000\n+++ b/src/lib.rs\t2026-11-22 07:01:00.000000000 +0000\n@@ -7 +7 @@\n-fn c() {}\n+fn c() { todo!() }\nOnly in b: notes.txt\n";
        assert!(patched(diff).unwrap().ends_with("fn c() { todo!() }\n"));
    }
}
