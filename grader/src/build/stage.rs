//! Staging: the crates a harness builds are copies the grader makes, with manifests it writes.
//!
//! The grader never builds a student's crate where it lies, with the student's Cargo.toml. It
//! copies the crate's sources into the state directory and writes a manifest of its own, whose
//! dependencies are the *course's* for that exercise: the reference solution's, or, when the
//! course has no solution crate for it, a default the grader makes itself (the course's
//! `awaitlings` and `tokio`, no build script), with `workspace = true` entries resolved against the
//! course's root Cargo.toml. Nothing of the student's manifest but the package's name and edition
//! is ever built with. The course's `support/` and `grader/check/` crates are staged the same way.
//! This is what makes grading trustworthy:
//!
//! - **Relocatable**: every path a harness links is found from the course being graded, at run
//!   time, never from where the grader was compiled; another clone's crate (`diff --against`) is
//!   built against the grading course's support crate, so nothing collides.
//! - **No student build-time code**: a build script runs only if the course's own crate has one,
//!   and then it is the course's build script, never the student's; dependencies, proc macros and
//!   features the student added are not built. Each difference is reported as a note, so the
//!   student knows why `use rand::..` does not compile here.
//! - **No unsafe code**: a crate under test is staged with `unsafe_code = "forbid"` in its
//!   manifest's `[lints.rust]`, which its own `#![allow]` cannot lift; what the lint misses (naked
//!   functions) is looked for once it is built (see [`crate::build::harness::forbidden`]).
//! - **Content, not timestamps**: a staged file is rewritten only when its content differs, and
//!   then it gets a fresh time, so a submission copied with old timestamps (`cp -p`, tar, unzip)
//!   is always rebuilt.

use crate::build::state::write_if_changed;
use crate::build::walk::{self, DirEntry, Walk};
use crate::course::Course;
use anyhow::{Context, Result, bail};
use std::collections::{BTreeMap, BTreeSet};
use std::hash::{DefaultHasher, Hash, Hasher};
use std::path::{Path, PathBuf};
use toml::{Table, Value};

/// A crate staged for a harness build.
#[derive(Clone, Debug)]
pub struct Staged {
    /// Where the copy is.
    pub dir: PathBuf,
    /// A fingerprint of everything staged (sources and manifest).
    pub print: u64,
    /// The same, but of the contents alone: the manifest with the paths it names (where the
    /// course, the crate and the staged copies lie) put as placeholders. Kept results are found
    /// by it, so a state directory restored at another path, for a course and submissions at
    /// other paths, still finds them.
    pub content: u64,
    /// How the student's manifest differs from the course's, in words for the student.
    pub notes: Vec<String>,
}

/// The course's crates every harness links, staged.
#[derive(Clone, Debug)]
pub struct Shared {
    pub support: Staged,
    pub check_api: Staged,
    /// A copy of the course's `grader/checks/`: a copy, not a path into the course, so it gets a
    /// fresh time whenever its content changes.
    pub checks: Staged,
    /// The tokio dependency line the course uses.
    pub tokio: String,
}

/// Stages the course's `support/` and `grader/check/` crates.
pub fn shared(course: &Course, state: &crate::build::state::State) -> Result<Shared> {
    let ws = Workspace::of(course)?;
    let support_src = course.root.join("support");
    let check_src = course.root.join("grader").join("check");
    for (dir, what) in [
        (
            &support_src,
            "support/ (crate `awaitlings`, which exercises print through)",
        ),
        (
            &check_src,
            "grader/check/ (crate `awaitlings-check`, the check API)",
        ),
    ] {
        if !dir.join("Cargo.toml").is_file() {
            bail!(
                "the course at {} has no {what}: every harness is built with the course's own copy. \
                 Is this the root of an awaitlings course? Restore the folder with `git checkout -- {}`.",
                course.root.display(),
                dir.strip_prefix(&course.root).unwrap_or(dir).display()
            );
        }
    }
    let crates = state.course_crates(crates_key(course));
    let support_dst = crates.join("support");
    let check_dst = crates.join("check");
    let remap = Remap::new(course, &support_dst, &check_dst);
    let support = stage_crate(&support_src, &support_dst, &ws, &remap)?;
    let check_api = stage_crate(&check_src, &check_dst, &ws, &remap)?;
    let tokio = ws
        .dependencies
        .get("tokio").map_or_else(|| {
            r#"tokio = { version = "1", default-features = false, features = ["rt", "macros", "time", "sync", "fs", "io-util", "net", "test-util"] }"#
                .into()
        }, |v| format!("tokio = {}", inline(&absolutise(v, &course.root))));
    let checks = copy_dir(
        &course.root.join("grader").join("checks"),
        &state.course_checks(checks_key(course)).join("checks"),
    )?;
    Ok(Shared {
        support,
        check_api,
        checks,
        tokio,
    })
}

/// Stages the crate under test, `src`, into `dst` as package `package`, with the dependencies (and
/// build script) of the course's `reference` crate for the exercise; with no reference crate
/// (`None`: the course has no solution for the exercise), with [`default_reference`]'s.
pub fn crate_under_test(
    course: &Course,
    shared: &Shared,
    src: &Path,
    reference: Option<&Path>,
    dst: &Path,
    package: &str,
) -> Result<Staged> {
    let ws = Workspace::of(course)?;
    let remap = Remap::new(course, &shared.support.dir, &shared.check_api.dir);
    refuse_links(src)?;
    let student_manifest = read_manifest(&src.join("Cargo.toml"))?;
    // The default has no path of its own: its only dependencies come from the workspace, and it
    // has no build script. Messages about its [package] name the student's manifest, where its
    // name and edition come from.
    let (reference_manifest, reference) = match reference {
        Some(dir) => (read_manifest(&dir.join("Cargo.toml"))?, dir),
        None => (default_reference(&student_manifest, &ws), src),
    };
    let mut notes = differences(&student_manifest, &reference_manifest, src, reference, &ws);
    let course_script = build_script(&reference_manifest, reference);
    if course_script.is_none()
        && src.join("build.rs").is_file()
        && notes.iter().all(|n| !n.contains("build script"))
    {
        notes.push(
            "your crate has a build script (build.rs), which the course's crate does not have: the \
             grader never runs it."
                .into(),
        );
    }
    if let (Some(theirs), Some(mine)) = (&course_script, build_script(&student_manifest, src))
        && std::fs::read(&mine).ok() != std::fs::read(theirs).ok()
    {
        notes.push(
            "your build script differs from the course's: the grader runs the course's build \
             script, never yours."
                .into(),
        );
    }
    let mut staged = stage_crate_with(
        src,
        dst,
        &reference_manifest,
        reference,
        Some(package),
        &ws,
        &remap,
        course_script.as_deref(),
    )?;
    notes.append(&mut staged.notes);
    staged.notes = notes;
    Ok(staged)
}

/// A crate under test whose folder (or the folder above it) or manifest is a symbolic link is
/// refused: staging would read what it points at, anything the grader can read (a manifest that
/// does not parse is even quoted in the error).
fn refuse_links(src: &Path) -> Result<()> {
    let parent = src.parent().unwrap_or(src);
    for path in [parent, src, &src.join("Cargo.toml")] {
        if std::fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_symlink()) {
            bail!(
                "{} is a symbolic link, which the grader does not follow (it could point \
                 anywhere). Put the folder or file itself there.",
                path.display()
            );
        }
    }
    Ok(())
}

/// The reference manifest for an exercise the course has no solution crate for: the package's
/// name and edition from the student's manifest (nothing it builds), the course's `awaitlings`
/// and `tokio` as `{ workspace = true }` (each only if the course's root Cargo.toml has it in
/// [workspace.dependencies]), and no build script.
fn default_reference(student: &Table, ws: &Workspace) -> Table {
    let mut package = Table::new();
    if let Some(Value::Table(theirs)) = student.get("package") {
        for key in ["name", "edition"] {
            if let Some(v) = theirs.get(key) {
                package.insert(key.into(), v.clone());
            }
        }
    }
    package.insert("build".into(), Value::Boolean(false));
    let mut dependencies = Table::new();
    for dep in ["awaitlings", "tokio"] {
        if ws.dependencies.contains_key(dep) {
            let mut spec = Table::new();
            spec.insert("workspace".into(), Value::Boolean(true));
            dependencies.insert(dep.into(), Value::Table(spec));
        }
    }
    let mut manifest = Table::new();
    manifest.insert("package".into(), Value::Table(package));
    manifest.insert("dependencies".into(), Value::Table(dependencies));
    manifest
}

/// Where path dependencies on the course's shared crates go once staged.
struct Remap {
    support: (PathBuf, PathBuf),
    check: (PathBuf, PathBuf),
}

impl Remap {
    /// The course's `support/` and `grader/check/`, to where they are staged.
    fn new(course: &Course, support: &Path, check: &Path) -> Remap {
        Remap {
            support: (course.root.join("support"), support.to_path_buf()),
            check: (
                course.root.join("grader").join("check"),
                check.to_path_buf(),
            ),
        }
    }

    fn path(&self, p: &Path) -> PathBuf {
        let canon = p.canonicalize().unwrap_or_else(|_| p.to_path_buf());
        for (from, to) in [&self.support, &self.check] {
            if from.canonicalize().ok().as_deref() == Some(canon.as_path()) {
                return to.clone();
            }
        }
        canon
    }
}

/// The course's root manifest, for `workspace = true` entries.
struct Workspace {
    root: PathBuf,
    package: Table,
    dependencies: Table,
}

impl Workspace {
    fn of(course: &Course) -> Result<Workspace> {
        let path = course.root.join("Cargo.toml");
        let mut package = Table::new();
        let mut dependencies = Table::new();
        if path.is_file() {
            let manifest = read_manifest(&path)?;
            if let Some(Value::Table(ws)) = manifest.get("workspace") {
                if let Some(Value::Table(p)) = ws.get("package") {
                    package = p.clone();
                }
                if let Some(Value::Table(d)) = ws.get("dependencies") {
                    dependencies = d.clone();
                }
            }
        }
        Ok(Workspace {
            root: course.root.clone(),
            package,
            dependencies,
        })
    }
}

fn read_manifest(path: &Path) -> Result<Table> {
    let text = std::fs::read_to_string(path).with_context(|| {
        format!(
            "cannot read {} (was it deleted? `git checkout -- {}` restores it)",
            path.display(),
            path.display()
        )
    })?;
    toml::from_str(&text).with_context(|| format!("{} is not a valid Cargo.toml", path.display()))
}

/// Stages one of the course's own crates, under its own name.
fn stage_crate(src: &Path, dst: &Path, ws: &Workspace, remap: &Remap) -> Result<Staged> {
    let manifest = read_manifest(&src.join("Cargo.toml"))?;
    let script = build_script(&manifest, src);
    stage_crate_with(src, dst, &manifest, src, None, ws, remap, script.as_deref())
}

/// Copies `src` into `dst` and writes a manifest built from `manifest` (found in `manifest_dir`).
/// `package` is the name a crate under test is staged as (`None` for the course's own crates,
/// staged under their own names); a crate under test is built with `unsafe_code` forbidden.
/// `build_script`, if any, is the course's build script, staged as the copy's build.rs; a
/// build.rs of `src` itself is never copied.
#[allow(clippy::too_many_arguments)]
fn stage_crate_with(
    src: &Path,
    dst: &Path,
    manifest: &Table,
    manifest_dir: &Path,
    package: Option<&str>,
    ws: &Workspace,
    remap: &Remap,
    build_script: Option<&Path>,
) -> Result<Staged> {
    let text = staged_manifest(
        src,
        manifest,
        manifest_dir,
        package,
        ws,
        remap,
        build_script.is_some(),
    )?;
    // The files' hash, apart: the print mixes in the manifest as written, the content with its
    // paths as placeholders.
    let mut h = DefaultHasher::new();
    let mut wanted = BTreeSet::new();
    let links = copy_sources(
        src,
        dst,
        package.is_some(),
        build_script,
        &mut wanted,
        &mut h,
    )?;
    write_if_changed(&dst.join("Cargo.toml"), text.as_bytes())?;
    wanted.insert(dst.join("Cargo.toml"));
    remove_unwanted(dst, &wanted);
    let files = h.finish();
    let places = placeholders(src, dst, manifest_dir, ws, remap, package);
    Ok(Staged {
        dir: dst.to_path_buf(),
        print: hash_all(&(&text, files)),
        content: hash_all(&(neutral(&text, &places), files)),
        notes: links.iter().map(|link| link_note(link)).collect(),
    })
}

/// The manifest a staged crate is built with: its package (name, version, edition) with every
/// auto-discovery off, its library, the dependencies of `manifest` resolved (see
/// [`resolve_dep`]), and its lints. `package` names a crate under test, which is built with
/// `unsafe_code` forbidden.
fn staged_manifest(
    src: &Path,
    manifest: &Table,
    manifest_dir: &Path,
    package: Option<&str>,
    ws: &Workspace,
    remap: &Remap,
    build_script: bool,
) -> Result<String> {
    let (name, version, edition) = package_facts(manifest, manifest_dir, package, ws)?;
    let mut deps = BTreeMap::new();
    if let Some(Value::Table(table)) = manifest.get("dependencies") {
        for (dep, spec) in table {
            deps.insert(
                dep.clone(),
                resolve_dep(spec, dep, manifest_dir, ws, remap)?,
            );
        }
    }
    // Where a crate under test came from helps whoever reads its staged copy. The course's own
    // crates are shared by every copy of the course (see `State::course_crates`): their manifest
    // names no copy's path, or each copy graded in turn would rewrite it.
    let from = match package {
        Some(_) => format!(" from {}", src.display()),
        None => String::new(),
    };
    let mut text = format!(
        "# Staged by the awaitlings grader{from}; the dependencies are the course's.\n\
         [package]\nname = {}\nversion = {}\nedition = {}\npublish = false\n\
         autobins = false\nautoexamples = false\nautotests = false\nautobenches = false\n",
        quote(&name),
        quote(&version),
        quote(&edition),
    );
    text.push_str(if build_script {
        "build = \"build.rs\"\n"
    } else {
        "build = false\n"
    });
    text.push_str("\n[lib]\npath = \"src/lib.rs\"\n\n[dependencies]\n");
    for (dep, spec) in &deps {
        text.push_str(&format!("{} = {}\n", quote(dep), inline(spec)));
    }
    text.push_str(&target_dependencies(manifest, manifest_dir, ws, remap)?);
    text.push_str(&lints(package.is_some()));
    Ok(text)
}

/// The staged package's name (`package`, or the manifest's own), version and edition (each
/// inherited from the workspace where the manifest says so).
fn package_facts(
    manifest: &Table,
    manifest_dir: &Path,
    package: Option<&str>,
    ws: &Workspace,
) -> Result<(String, String, String)> {
    let pkg = manifest
        .get("package")
        .and_then(Value::as_table)
        .with_context(|| format!("{}/Cargo.toml has no [package]", manifest_dir.display()))?;
    let name = match package {
        Some(name) => name.to_string(),
        None => pkg
            .get("name")
            .and_then(Value::as_str)
            .context("a [package] without a name")?
            .to_string(),
    };
    let edition = inherited(pkg.get("edition"), &ws.package, "edition")
        .and_then(|v| v.as_str().map(str::to_owned))
        .unwrap_or_else(|| "2021".into());
    let version = inherited(pkg.get("version"), &ws.package, "version")
        .and_then(|v| v.as_str().map(str::to_owned))
        .unwrap_or_else(|| "0.0.0".into());
    Ok((name, version, edition))
}

/// The `[target.<cfg>.dependencies]` sections of `manifest`, resolved.
fn target_dependencies(
    manifest: &Table,
    manifest_dir: &Path,
    ws: &Workspace,
    remap: &Remap,
) -> Result<String> {
    let mut text = String::new();
    if let Some(Value::Table(targets)) = manifest.get("target") {
        for (cfg, section) in targets {
            if let Some(Value::Table(table)) = section.get("dependencies") {
                text.push_str(&format!("\n[target.{}.dependencies]\n", quote(cfg)));
                for (dep, spec) in table {
                    let spec = resolve_dep(spec, dep, manifest_dir, ws, remap)?;
                    text.push_str(&format!("{} = {}\n", quote(dep), inline(&spec)));
                }
            }
        }
    }
    Ok(text)
}

/// The staged manifest's `[lints.rust]`.
fn lints(under_test: bool) -> String {
    // Harnesses build with `--cfg tokio_unstable` (see `harness::rustflags`): a name rustc must
    // know, or the check API's `#[cfg(tokio_unstable)]` warns in every build.
    let mut text = "\n[lints.rust]\nunexpected_cfgs = { level = \"warn\", check-cfg = [\"cfg(tokio_unstable)\"] }\n"
        .to_string();
    if under_test {
        // A crate under test (the only crate staged under a name the grader gives it) shares the
        // check's address space, so unsafe code could read the report's nonce or run before
        // `main`. No exercise needs any. A lint set here is passed to rustc as `--forbid`, which
        // no `#![allow(unsafe_code)]` in the crate can lift.
        text.push_str("unsafe_code = \"forbid\"\n");
    }
    text
}

/// Copies the sources of `src` into `dst` (see [`copy_tree`]) and the course's `build_script`, if
/// any, as the copy's build.rs, noting each file staged in `wanted` and hashing it into `h`.
/// Returns the links a crate `under_test` had, which were not staged.
fn copy_sources(
    src: &Path,
    dst: &Path,
    under_test: bool,
    build_script: Option<&Path>,
    wanted: &mut BTreeSet<PathBuf>,
    h: &mut DefaultHasher,
) -> Result<Vec<PathBuf>> {
    // Links are followed only in the course's own crates (see `copy_tree`).
    let mut links = Vec::new();
    copy_tree(src, dst, false, wanted, h, under_test.then_some(&mut links))
        .with_context(|| format!("cannot copy {} for the build", src.display()))?;
    if let Some(script) = build_script {
        let bytes = std::fs::read(script).with_context(|| {
            format!(
                "cannot read the build script {} (was it deleted? `git checkout -- {}` restores it)",
                script.display(),
                script.display()
            )
        })?;
        "build.rs".hash(h);
        bytes.hash(h);
        let to = dst.join("build.rs");
        write_if_changed(&to, &bytes)?;
        wanted.insert(to);
    }
    Ok(links)
}

/// The paths a staged manifest may name, each with the placeholder that stands for it in the
/// content fingerprint ([`Staged::content`]).
fn placeholders(
    src: &Path,
    dst: &Path,
    manifest_dir: &Path,
    ws: &Workspace,
    remap: &Remap,
    package: Option<&str>,
) -> Vec<(String, &'static str)> {
    let mut places: Vec<(String, &str)> = vec![
        (src.display().to_string(), "<src>"),
        (dst.display().to_string(), "<dst>"),
        (manifest_dir.display().to_string(), "<manifest>"),
        (remap.support.1.display().to_string(), "<support>"),
        (remap.check.1.display().to_string(), "<check>"),
        (ws.root.display().to_string(), "<course>"),
    ];
    if let Some(name) = package {
        places.push((name.to_string(), "<package>"));
    }
    places
}

/// The note for a student whose crate has a link at `link`, which was not staged.
fn link_note(link: &Path) -> String {
    format!(
        "{} is a symbolic link, which the grader does not follow (it could point anywhere): it \
         builds your crate without it. Put the file itself there.",
        link.display()
    )
}

/// Copies a directory as it is (write-if-changed), fingerprinting its contents.
fn copy_dir(src: &Path, dst: &Path) -> Result<Staged> {
    let mut h = DefaultHasher::new();
    let mut wanted = BTreeSet::new();
    if src.is_dir() {
        copy_tree(src, dst, true, &mut wanted, &mut h, None)
            .with_context(|| format!("cannot copy {}", src.display()))?;
    }
    remove_unwanted(dst, &wanted);
    // Relative paths and contents only: the same wherever the copy lies.
    Ok(Staged {
        dir: dst.to_path_buf(),
        print: h.finish(),
        content: h.finish(),
        notes: Vec::new(),
    })
}

fn hash_all(value: &impl Hash) -> u64 {
    let mut h = DefaultHasher::new();
    value.hash(&mut h);
    h.finish()
}

/// `text` with each of `places` (a path or a name, and its placeholder) replaced by its
/// placeholder, in one pass, a whole path or name at a time, the longest first where several
/// start at one place (so a path inside another is not cut in two).
pub fn neutral(text: &str, places: &[(String, &str)]) -> String {
    let mut places: Vec<&(String, &str)> = places.iter().filter(|(p, _)| !p.is_empty()).collect();
    places.sort_by_key(|(p, _)| std::cmp::Reverse(p.len()));
    // One pass: what a placeholder replaced is never read again.
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    'scan: while let Some(c) = rest.chars().next() {
        for (place, token) in &places {
            // A whole path or name only: `/s` is no place in `/support`.
            if let Some(after) = rest.strip_prefix(place.as_str())
                && !after
                    .chars()
                    .next()
                    .is_some_and(|n| n.is_alphanumeric() || "-_.".contains(n))
            {
                out.push_str(token);
                rest = after;
                continue 'scan;
            }
        }
        out.push(c);
        rest = &rest[c.len_utf8()..];
    }
    out
}

/// `field.workspace = true` resolved from the workspace's `[workspace.package]`.
fn inherited(value: Option<&Value>, ws_package: &Table, key: &str) -> Option<Value> {
    match value? {
        Value::Table(t) if t.get("workspace").and_then(Value::as_bool) == Some(true) => {
            ws_package.get(key).cloned()
        }
        v => Some(v.clone()),
    }
}

/// One dependency spec, with `workspace = true` resolved and paths made absolute (and the course's
/// shared crates pointed at their staged copies).
fn resolve_dep(
    spec: &Value,
    name: &str,
    dir: &Path,
    ws: &Workspace,
    remap: &Remap,
) -> Result<Value> {
    let (mut table, base) = match spec {
        Value::String(version) => {
            let mut t = Table::new();
            t.insert("version".into(), Value::String(version.clone()));
            (t, dir.to_path_buf())
        }
        Value::Table(t) if t.get("workspace").and_then(Value::as_bool) == Some(true) => {
            let merged = inherit_dep(t, name, ws).with_context(|| {
                format!(
                    "{}/Cargo.toml inherits dependency `{name}` from the workspace",
                    dir.display()
                )
            })?;
            (merged, ws.root.clone())
        }
        Value::Table(t) => (t.clone(), dir.to_path_buf()),
        _ => bail!(
            "dependency `{name}` in {}/Cargo.toml is malformed",
            dir.display()
        ),
    };
    if let Some(Value::String(p)) = table.get("path") {
        let absolute = remap.path(&base.join(p));
        table.insert(
            "path".into(),
            Value::String(absolute.to_string_lossy().into_owned()),
        );
    }
    Ok(Value::Table(table))
}

/// A member's `{ workspace = true, .. }` dependency `t`, merged with the course's
/// [workspace.dependencies] entry for `name` (paths still relative to the workspace root).
fn inherit_dep(t: &Table, name: &str, ws: &Workspace) -> Result<Table> {
    let from_ws = ws.dependencies.get(name).with_context(|| {
        format!("the course's Cargo.toml has no [workspace.dependencies] entry for `{name}`")
    })?;
    let mut merged = match from_ws {
        Value::String(v) => {
            let mut m = Table::new();
            m.insert("version".into(), Value::String(v.clone()));
            m
        }
        Value::Table(m) => m.clone(),
        _ => bail!("workspace dependency `{name}` is neither a version nor a table"),
    };
    // The member may add features and make it optional; nothing else.
    if let Some(Value::Array(extra)) = t.get("features") {
        let mut features = match merged.remove("features") {
            Some(Value::Array(f)) => f,
            _ => Vec::new(),
        };
        features.extend(extra.iter().cloned());
        merged.insert("features".into(), Value::Array(features));
    }
    if let Some(optional) = t.get("optional") {
        merged.insert("optional".into(), optional.clone());
    }
    Ok(merged)
}

fn absolutise(spec: &Value, base: &Path) -> Value {
    match spec {
        Value::Table(t) => {
            let mut t = t.clone();
            if let Some(Value::String(p)) = t.get("path") {
                let abs = base.join(p);
                t.insert(
                    "path".into(),
                    Value::String(abs.to_string_lossy().into_owned()),
                );
            }
            Value::Table(t)
        }
        v => v.clone(),
    }
}

fn has_build_script(manifest: &Table, dir: &Path) -> bool {
    match manifest.get("package").and_then(|p| p.get("build")) {
        Some(Value::Boolean(b)) => *b,
        Some(Value::String(_)) => true,
        _ => dir.join("build.rs").is_file(),
    }
}

/// The build script of the crate in `dir` with manifest `manifest`, if it has one.
fn build_script(manifest: &Table, dir: &Path) -> Option<PathBuf> {
    if !has_build_script(manifest, dir) {
        return None;
    }
    match manifest.get("package").and_then(|p| p.get("build")) {
        Some(Value::String(path)) => Some(dir.join(path)),
        _ => Some(dir.join("build.rs")),
    }
}

/// How the student's manifest differs from the reference's in what it builds. Dependencies
/// inherited from the workspace are compared as the workspace gives them, so `tokio = { workspace
/// = true }` and the same version and features spelt out are the same dependency.
fn differences(
    student: &Table,
    reference: &Table,
    student_dir: &Path,
    reference_dir: &Path,
    ws: &Workspace,
) -> Vec<String> {
    let mut notes = dependency_notes(
        &dependencies(student, "dependencies", ws),
        &dependencies(reference, "dependencies", ws),
    );
    notes.extend(section_notes(student, reference));
    if is_proc_macro(student) && !is_proc_macro(reference) {
        notes.push(
            "your crate is declared a proc-macro crate; the grader builds it as a library.".into(),
        );
    }
    if has_build_script(student, student_dir) && !has_build_script(reference, reference_dir) {
        notes.push(
            "your crate has a build script (build.rs), which the course's crate does not have: the \
             grader never runs it."
                .into(),
        );
    }
    notes
}

/// The dependencies in `section` of manifest `m`, by name, those inherited from the workspace as
/// the workspace gives them.
fn dependencies(m: &Table, section: &str, ws: &Workspace) -> BTreeMap<String, Value> {
    m.get(section)
        .and_then(Value::as_table)
        .map(|t| {
            t.iter()
                .map(|(k, v)| {
                    let v = match v {
                        Value::Table(t)
                            if t.get("workspace").and_then(Value::as_bool) == Some(true) =>
                        {
                            inherit_dep(t, k, ws).map_or_else(|_| v.clone(), Value::Table)
                        }
                        _ => v.clone(),
                    };
                    (k.clone(), v)
                })
                .collect()
        })
        .unwrap_or_default()
}

/// Notes on the dependencies the student's manifest (`mine`) adds to the course's (`theirs`),
/// or asks in another version or with other features.
fn dependency_notes(
    mine: &BTreeMap<String, Value>,
    theirs: &BTreeMap<String, Value>,
) -> Vec<String> {
    let mut notes = Vec::new();
    let added: Vec<&String> = mine.keys().filter(|k| !theirs.contains_key(*k)).collect();
    if !added.is_empty() {
        notes.push(format!(
            "your Cargo.toml adds {} the course's crate does not have: {}. The grader builds your \
             code with the course's dependencies only, so code that uses {} will not compile here.",
            plural(added.len(), "a dependency", "dependencies"),
            list(&added),
            if added.len() == 1 { "it" } else { "them" }
        ));
    }
    let changed: Vec<&String> = mine
        .iter()
        .filter(|(k, v)| theirs.get(*k).is_some_and(|r| !same_dep(v, r)))
        .map(|(k, _)| k)
        .collect();
    if !changed.is_empty() {
        notes.push(format!(
            "your Cargo.toml changes the version or features of {}; the grader uses the course's.",
            list(&changed)
        ));
    }
    notes
}

/// Notes on the sections of the student's manifest the grader does not build, where they differ
/// from the course's.
fn section_notes(student: &Table, reference: &Table) -> Vec<String> {
    [
        ("build-dependencies", "build dependencies"),
        ("features", "features"),
        ("patch", "a [patch] section"),
        ("replace", "a [replace] section"),
        ("target", "platform-specific dependencies"),
    ]
    .into_iter()
    .filter(|(section, _)| {
        student.contains_key(*section) && student.get(*section) != reference.get(*section)
    })
    .map(|(_, what)| format!("your Cargo.toml declares {what}, which the grader does not build."))
    .collect()
}

fn is_proc_macro(m: &Table) -> bool {
    m.get("lib")
        .and_then(|l| l.get("proc-macro"))
        .and_then(Value::as_bool)
        == Some(true)
}

/// Same dependency for grading purposes: path dependencies match by name (each clone's points at
/// its own copy); others must ask for the same version and features.
fn same_dep(a: &Value, b: &Value) -> bool {
    let field = |v: &Value, k: &str| v.as_table().and_then(|t| t.get(k)).cloned();
    let is_path = |v: &Value| field(v, "path").is_some() || field(v, "workspace").is_some();
    if is_path(a) && is_path(b) {
        return true;
    }
    let version = |v: &Value| match v {
        Value::String(s) => Some(Value::String(s.clone())),
        _ => field(v, "version"),
    };
    version(a) == version(b) && field(a, "features") == field(b, "features")
}

fn plural(n: usize, one: &str, many: &str) -> String {
    if n == 1 { one.into() } else { many.into() }
}

fn list(names: &[&String]) -> String {
    names
        .iter()
        .map(|n| format!("`{n}`"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// What staging leaves out of a crate's folder: hidden entries, and at its root the build output,
/// the manifest and lock file (the grader writes its own manifest) and, unless asked for, a build
/// script.
fn left_out(e: &DirEntry, build_script: bool) -> bool {
    let name = walk::name(e);
    let at_root = e.depth() == 1;
    name.starts_with('.')
        || (at_root && (name == "target" || name == "Cargo.toml" || name == "Cargo.lock"))
        || (at_root && name == "build.rs" && !build_script)
}

/// The key the course's own crates (`support/`, `grader/check/`) are staged under: a hash of
/// their sources and of the course's root manifest.
fn crates_key(course: &Course) -> u64 {
    let [support, check] = [
        course.root.join("support"),
        course.root.join("grader").join("check"),
    ];
    course_crates_key(&course.root, &[&support, &check])
}

/// The key the course's checks (`grader/checks/`, with its hidden checks and facades) are staged
/// under, and with them the facades and checks libraries built from them: a hash of every file
/// there and of the course's own crates, which the checks are compiled against. Every copy of one
/// course (each test's, a class's clones) then compiles its checks once per state directory, as
/// it does its crates. Worked out once per run: a checks file edited while `watch` runs is staged
/// under the key the run began with, which costs sharing, never correctness (a staged file whose
/// content differs is rewritten, so cargo rebuilds it).
pub fn checks_key(course: &Course) -> u64 {
    *course.checks_key.get_or_init(|| {
        let mut h = DefaultHasher::new();
        crates_key(course).hash(&mut h);
        hash_tree(&course.root.join("grader").join("checks"), &mut h);
        h.finish()
    })
}

/// The key the course's own crates are staged under ([`State::course_crates`]): a hash of what
/// their staged copies are made of, the files staging copies from each of `crates` and their
/// manifests, and the course's root manifest (whose workspace dependencies theirs resolve
/// against). Two copies of one course, wherever they lie, get one key. What the key misses (a
/// linked file, a build script outside the crate) or a file it cannot read costs only a
/// rebuild, never a wrong build: staging rewrites whatever differs, under the state's lock.
///
/// [`State::course_crates`]: crate::build::state::State::course_crates
fn course_crates_key(course_root: &Path, crates: &[&Path]) -> u64 {
    let mut h = DefaultHasher::new();
    std::fs::read(course_root.join("Cargo.toml"))
        .ok()
        .hash(&mut h);
    for root in crates {
        std::fs::read(root.join("Cargo.toml")).ok().hash(&mut h);
        hash_tree(root, &mut h);
        "end of crate".hash(&mut h);
    }
    h.finish()
}

/// Hashes what staging copies from `root`, by relative path and content, in file-name order:
/// files, and what links lead to.
fn hash_tree(root: &Path, h: &mut DefaultHasher) {
    for entry in Walk::below(root).entries(|e| !left_out(e, true)) {
        let Ok(entry) = entry else {
            "unreadable".hash(h);
            continue;
        };
        if entry.file_type().is_file() || entry.file_type().is_symlink() {
            walk::relative(root, entry.path()).hash(h);
            std::fs::read(entry.path()).ok().hash(h);
        }
    }
}

/// Copies every source file of the crate at `root` into `dst`, in file-name order, skipping hidden
/// entries, and at the crate's root its build output (`target/`), the manifest and lock file, and
/// the build script unless it is wanted. A `target` below the root is source like any other
/// (`mod target;` in src/target/mod.rs). With `links` (a crate under test), a symbolic link is
/// never followed but listed there (relative to `root`): it could point at anything the grader
/// can read, such as the course's solutions, and its target would be staged as the student's own
/// file. Without (the course's own crates), a link to a file is copied as that file.
fn copy_tree(
    root: &Path,
    dst: &Path,
    build_script: bool,
    wanted: &mut BTreeSet<PathBuf>,
    h: &mut DefaultHasher,
    mut links: Option<&mut Vec<PathBuf>>,
) -> std::io::Result<()> {
    // In file-name order: the files' hash depends on it.
    for entry in Walk::below(root).entries(|e| !left_out(e, build_script)) {
        let entry = entry?;
        let path = entry.path();
        let rel = path.strip_prefix(root).unwrap_or(path);
        let kind = entry.file_type();
        if kind.is_symlink()
            && let Some(links) = links.as_deref_mut()
        {
            links.push(rel.to_path_buf());
        } else if kind.is_file() || kind.is_symlink() {
            // A link to a folder does not read, and is left out.
            let Ok(bytes) = std::fs::read(path) else {
                continue;
            };
            rel.hash(h);
            bytes.hash(h);
            let to = dst.join(rel);
            write_if_changed(&to, &bytes)?;
            wanted.insert(to);
        }
    }
    Ok(())
}

/// Removes files under `dst` that the source no longer has (a deleted module must not linger),
/// then the folders left empty. A `target/` at the top of `dst` is left alone; one further down is
/// staged source like any other.
fn remove_unwanted(dst: &Path, wanted: &BTreeSet<PathBuf>) {
    let build_output =
        |e: &DirEntry| e.depth() == 1 && e.file_type().is_dir() && e.file_name() == "target";
    let entries = Walk::below(dst).entries_deepest_first(|e| !build_output(e));
    for entry in entries.into_iter().flatten() {
        if entry.file_type().is_dir() {
            let _ = std::fs::remove_dir(entry.path()); // only succeeds when empty
        } else if !wanted.contains(entry.path()) {
            let _ = std::fs::remove_file(entry.path());
        }
    }
}

/// A TOML basic string (JSON string escaping is valid TOML basic-string escaping).
pub fn quote(s: &str) -> String {
    serde_json::to_string(s).expect("a string serialises")
}

/// A TOML value written inline.
pub fn inline(v: &Value) -> String {
    match v {
        Value::String(s) => quote(s),
        Value::Integer(i) => i.to_string(),
        Value::Float(f) => f.to_string(),
        Value::Boolean(b) => b.to_string(),
        Value::Datetime(d) => d.to_string(),
        Value::Array(items) => format!(
            "[{}]",
            items.iter().map(inline).collect::<Vec<_>>().join(", ")
        ),
        Value::Table(t) => format!(
            "{{ {} }}",
            t.iter()
                .map(|(k, v)| format!("{} = {}", quote(k), inline(v)))
                .collect::<Vec<_>>()
                .join(", ")
        ),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn neutral_puts_placeholders_for_paths_the_longest_first() {
        let places = [
            ("/s".to_string(), "<state>"),
            ("/s/stage/ab12".to_string(), "<stage>"),
            (String::new(), "<nothing>"),
        ];
        assert_eq!(
            super::neutral("a = \"/s/stage/ab12/support\"\nb = \"/s/cargo\"", &places),
            "a = \"<stage>/support\"\nb = \"<state>/cargo\""
        );
    }

    use super::*;

    fn table(text: &str) -> Table {
        toml::from_str(text).unwrap()
    }

    #[test]
    fn added_dependencies_and_build_scripts_are_noted() {
        let dir = tempfile::tempdir().unwrap();
        let reference =
            table("[package]\nname='x'\n[dependencies]\ntokio = { workspace = true }\n");
        let student = table(
            "[package]\nname='x'\nbuild='build.rs'\n[dependencies]\ntokio = { workspace = true }\nrand = '0.8'\n",
        );
        let ws = workspace(dir.path());
        let notes = differences(&student, &reference, dir.path(), dir.path(), &ws);
        assert!(notes.iter().any(|n| n.contains("`rand`")), "{notes:?}");
        assert!(
            notes.iter().any(|n| n.contains("build script")),
            "{notes:?}"
        );
        assert!(differences(&reference, &reference, dir.path(), dir.path(), &ws).is_empty());
    }

    /// A workspace like the course's: `awaitlings` and `tokio` in [workspace.dependencies].
    fn workspace(root: &Path) -> Workspace {
        let manifest = table(
            "[workspace.package]\nedition = '2024'\n[workspace.dependencies]\n\
             tokio = { version = '1.47', default-features = false, features = ['rt', 'time'] }\n\
             awaitlings = { path = 'support' }\n",
        );
        Workspace {
            root: root.to_path_buf(),
            package: manifest["workspace"]["package"].as_table().unwrap().clone(),
            dependencies: manifest["workspace"]["dependencies"]
                .as_table()
                .unwrap()
                .clone(),
        }
    }

    #[test]
    fn the_default_reference_takes_only_name_and_edition_from_the_student() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("build.rs"), "fn main() {}").unwrap();
        let student = table(
            "[package]\nname = 'x'\nedition = '2021'\nversion = '9.9.9'\nbuild = 'build.rs'\n\
             [dependencies]\nawaitlings = { path = '../../support' }\n\
             tokio = { version = '1.47', default-features = false, features = ['rt', 'time'] }\n\
             itoa = '1'\n[build-dependencies]\ncc = '1'\n",
        );
        let ws = workspace(dir.path());
        let default = default_reference(&student, &ws);
        assert_eq!(
            default,
            table(
                "[package]\nname = 'x'\nedition = '2021'\nbuild = false\n[dependencies]\n\
                 awaitlings = { workspace = true }\ntokio = { workspace = true }\n"
            )
        );
        assert_eq!(build_script(&default, dir.path()), None);
        // The student's build.rs is beside the default's (it has no place of its own), yet the
        // default has none: `build = false`.
        assert_eq!(
            build_script(&student, dir.path()),
            Some(dir.path().join("build.rs"))
        );
        let notes = differences(&student, &default, dir.path(), dir.path(), &ws);
        assert_eq!(notes.len(), 3, "{notes:?}");
        assert!(notes[0].contains("adds a dependency") && notes[0].contains("`itoa`"));
        assert!(notes[1].contains("build dependencies"));
        assert!(notes[2].contains("build script (build.rs)"));
        // Dependencies spelt out the way the workspace has them are the workspace's own. (These
        // students have no build.rs.)
        let dir = tempfile::tempdir().unwrap();
        let spelt_out = table(
            "[package]\nname = 'x'\n[dependencies]\nawaitlings = { path = '../../support' }\n\
             tokio = { version = '1.47', default-features = false, features = ['rt', 'time'] }\n",
        );
        assert!(differences(&spelt_out, &default, dir.path(), dir.path(), &ws).is_empty());
        let more_features = table(
            "[package]\nname = 'x'\n[dependencies]\ntokio = { workspace = true, features = ['fs'] }\n",
        );
        let notes = differences(&more_features, &default, dir.path(), dir.path(), &ws);
        assert!(
            notes.len() == 1 && notes[0].contains("changes the version or features of `tokio`"),
            "{notes:?}"
        );
        // A course whose workspace lacks them has a default without them.
        let bare = Workspace {
            dependencies: Table::new(),
            ..workspace(dir.path())
        };
        assert_eq!(
            default_reference(&student, &bare)["dependencies"],
            Value::Table(Table::new())
        );
    }

    #[test]
    fn the_course_build_script_is_staged_never_the_students() {
        let root = tempfile::tempdir().unwrap();
        let (src, reference, dst) = (
            root.path().join("student"),
            root.path().join("reference"),
            root.path().join("staged"),
        );
        for (dir, script) in [
            (&src, "// the student's\n"),
            (&reference, "// the course's\n"),
        ] {
            std::fs::create_dir_all(dir.join("src")).unwrap();
            std::fs::write(dir.join("src/lib.rs"), "").unwrap();
            std::fs::write(dir.join("build.rs"), script).unwrap();
        }
        let ws = workspace(root.path());
        let remap = Remap {
            support: (root.path().join("support"), root.path().join("s")),
            check: (root.path().join("check"), root.path().join("c")),
        };
        let manifest = table("[package]\nname = 'x'\nbuild = 'build.rs'\n");
        let script = build_script(&manifest, &reference);
        let staged = stage_crate_with(
            &src,
            &dst,
            &manifest,
            &reference,
            Some("code-x"),
            &ws,
            &remap,
            script.as_deref(),
        )
        .unwrap();
        assert_eq!(
            std::fs::read_to_string(dst.join("build.rs")).unwrap(),
            "// the course's\n"
        );
        let text = std::fs::read_to_string(dst.join("Cargo.toml")).unwrap();
        assert!(text.contains("build = \"build.rs\""), "{text}");
        // Without a course build script, the student's is not even copied.
        let again = stage_crate_with(
            &src,
            &dst,
            &manifest,
            &reference,
            Some("code-x"),
            &ws,
            &remap,
            None,
        )
        .unwrap();
        assert!(!dst.join("build.rs").exists());
        assert_ne!(staged.print, again.print);
        let text = std::fs::read_to_string(dst.join("Cargo.toml")).unwrap();
        assert!(text.contains("build = false"), "{text}");
        // A crate under test is built with unsafe code forbidden; the course's own crates (the
        // check API needs `libc::_exit`) are not.
        let lints: Table = toml::from_str(&text).unwrap();
        assert_eq!(
            lints["lints"]["rust"]["unsafe_code"].as_str(),
            Some("forbid")
        );
        let own = stage_crate_with(
            &reference,
            &root.path().join("own"),
            &manifest,
            &reference,
            None,
            &ws,
            &remap,
            None,
        )
        .unwrap();
        let text = std::fs::read_to_string(own.dir.join("Cargo.toml")).unwrap();
        assert!(!text.contains("unsafe_code"), "{text}");
    }

    /// Stages `src` into `dst` the way [`stage_crate_with`] copies sources.
    fn copy_sources(src: &Path, dst: &Path) {
        let mut wanted = BTreeSet::new();
        copy_tree(
            src,
            dst,
            false,
            &mut wanted,
            &mut DefaultHasher::new(),
            None,
        )
        .unwrap();
        remove_unwanted(dst, &wanted);
    }

    /// A course at `root` with a support crate and a check API of the given `lib.rs` texts.
    fn course_crates_at(root: &Path, support: &str, check: &str) -> [PathBuf; 2] {
        std::fs::write(root.join("Cargo.toml"), "[workspace]\n").unwrap();
        let dirs = [root.join("support"), root.join("grader/check")];
        for (dir, lib) in dirs.iter().zip([support, check]) {
            std::fs::create_dir_all(dir.join("src")).unwrap();
            std::fs::write(dir.join("Cargo.toml"), "[package]\nname = \"x\"\n").unwrap();
            std::fs::write(dir.join("src/lib.rs"), lib).unwrap();
        }
        dirs
    }

    fn key_of(root: &Path, dirs: &[PathBuf; 2]) -> u64 {
        course_crates_key(root, &[&dirs[0], &dirs[1]])
    }

    #[test]
    fn copies_of_one_course_share_its_staged_crates_and_any_difference_parts_them() {
        let (a, b) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
        let dirs_a = course_crates_at(a.path(), "pub fn s() {}", "pub fn c() {}");
        let dirs_b = course_crates_at(b.path(), "pub fn s() {}", "pub fn c() {}");
        let key = key_of(a.path(), &dirs_a);
        assert_eq!(
            key,
            key_of(b.path(), &dirs_b),
            "the same crates at another path"
        );
        // Build output and hidden files are not staged, so they part nothing.
        std::fs::create_dir_all(dirs_b[0].join("target/debug")).unwrap();
        std::fs::write(dirs_b[0].join("target/debug/x"), "built").unwrap();
        std::fs::write(dirs_b[1].join(".swp"), "editor").unwrap();
        assert_eq!(key, key_of(b.path(), &dirs_b));
        // What is staged does: a source, a manifest, the course's root manifest, a file moved
        // from one crate to the other.
        let changes: [(&Path, &str); 3] = [
            (&dirs_b[1].join("src/lib.rs"), "pub fn c() { let _ = 1; }"),
            (&dirs_b[0].join("Cargo.toml"), "[package]\nname = \"y\"\n"),
            (&b.path().join("Cargo.toml"), "[workspace]\nmembers = []\n"),
        ];
        for (file, text) in changes {
            let before = std::fs::read(file).unwrap();
            std::fs::write(file, text).unwrap();
            assert_ne!(key, key_of(b.path(), &dirs_b), "{}", file.display());
            std::fs::write(file, before).unwrap();
        }
        assert_eq!(key, key_of(b.path(), &dirs_b));
        let moved = course_crates_at(b.path(), "pub fn c() {}", "pub fn s() {}");
        assert_ne!(key, key_of(b.path(), &moved));
    }

    #[test]
    fn a_module_named_target_is_staged_but_the_crates_build_output_is_not() {
        let (src, dst) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
        let (src, dst) = (src.path(), dst.path());
        let write = |rel: &str, text: &str| {
            let path = src.join(rel);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, text).unwrap();
        };
        write("Cargo.toml", "[package]\nname = 'x'\n");
        write("src/lib.rs", "mod target;\n");
        write("src/target/mod.rs", "pub fn aim() {}\n");
        write("src/target/inner/target/deep.rs", "pub fn deeper() {}\n");
        write("target/debug/junk", "build output");
        copy_sources(src, dst);
        assert!(dst.join("src/lib.rs").is_file());
        assert!(dst.join("src/target/mod.rs").is_file());
        assert!(dst.join("src/target/inner/target/deep.rs").is_file());
        assert!(!dst.join("target").exists());

        // A module deleted from the source goes from the copy too, at any depth; a `target/` at
        // the top of the copy (none of the source's) is left alone.
        std::fs::remove_file(src.join("src/target/inner/target/deep.rs")).unwrap();
        std::fs::create_dir_all(dst.join("target")).unwrap();
        std::fs::write(dst.join("target/kept"), "").unwrap();
        copy_sources(src, dst);
        assert!(dst.join("src/target/mod.rs").is_file());
        assert!(!dst.join("src/target/inner").exists());
        assert!(dst.join("target/kept").is_file());
    }

    #[test]
    fn inline_tables_are_valid_toml() {
        let v =
            table("d = { version = '1', features = ['a', \"b\\\"c\"], default-features = false }");
        let line = format!("d = {}", inline(&v["d"]));
        assert_eq!(table(&line), v);
    }
}
