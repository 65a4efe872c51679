//! `grader reset EX`: put an exercise back as shipped; `--list` and `--restore` for its backups.
//!
//! Nothing is ever lost. Before any file of the exercise is written or removed, every file of its
//! set (see [`crate::student::files`]: Cargo.toml and src/**, including files the student added)
//! is copied into a backup under `.awaitlings/backups/<NN-slug>/<name>/` at the course root: next
//! to the progress file, never inside `target/`, which `cargo clean` deletes. A backup is made in
//! a hidden directory and renamed into place once every file is in it, so a backup that is listed
//! is complete. Restoring a backup backs up the current files the same way, so it can be undone
//! too.
//!
//! Results are not forgotten: each belongs to the files it judged (see
//! [`crate::student::progress`]), so the stub put back shows as not started, and a restore brings
//! back the result its files had.
//!
//! The stub comes from git (`git cat-file blob <id>` for each id of the record): every clone has
//! those objects. Every blob is fetched before anything is backed up or written, so a course
//! without git (a ZIP download) or without the objects is left exactly as it was.

use crate::commands::cli::{Ctx, PASSED, USAGE};
use crate::course::{Course, Exercise};
use crate::outln;
use crate::student::files::{self as student_files, Differences, File};
use crate::student::progress::Progress;
use crate::student::standing;
use crate::terminal::color::Paint;
use anyhow::{Context, Result, bail};
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

/// The file in each backup saying why it was made (not part of the exercise's file set, so it is
/// never restored).
const ABOUT: &str = "BACKUP.txt";

/// What `reset` was asked to do.
pub enum Action<'a> {
    /// Put the stub back; `hints` also forgets the hints shown.
    Reset { exercise: &'a str, hints: bool },
    /// Restore a backup (the latest when `name` is `None`).
    Restore {
        exercise: &'a str,
        name: Option<&'a str>,
    },
    /// List the backups (of one exercise, or of all).
    List { exercise: Option<&'a str> },
}

pub fn run(ctx: &Ctx, action: Action) -> Result<u8> {
    match action {
        Action::Reset { exercise, hints } => reset(ctx, ctx.course.resolve(exercise)?, hints),
        Action::Restore { exercise, name } => restore(ctx, ctx.course.resolve(exercise)?, name),
        Action::List { exercise } => {
            let exercises = match exercise {
                Some(name) => vec![ctx.course.resolve(name)?],
                None => ctx.course.exercises.iter().collect(),
            };
            list(ctx, &exercises)
        }
    }
}

fn command(ex: &Exercise, rest: &str) -> String {
    format!("cargo run -p grader -- reset {:02}{rest}", ex.number)
}

/// Puts the stub of `ex` back: reads what is there, fetches the stub, backs up, writes, with
/// `hints` forgets the hints shown, then says what it did.
fn reset(ctx: &Ctx, ex: &Exercise, hints: bool) -> Result<u8> {
    let course = &ctx.course;
    let dir = course.exercise_dir(ex);
    let shipped = shipped_record(course, ex)?;
    let now =
        student_files::read(&dir).with_context(|| format!("cannot read {}", dir.display()))?;
    let now_files = student_files::ids_against(&now, &shipped);
    if student_files::fingerprint_of(&now_files) == student_files::fingerprint_of(&shipped) {
        outln!(
            "{} is already as shipped: nothing to reset, nothing changed.",
            course.relative(&dir)
        );
        if hints {
            forget_hints(course, ex);
            outln!("Forgot the hints shown for {}.", ex.label());
        }
        return Ok(PASSED);
    }
    // Everything the reset will write, got before anything is touched.
    let Some(stub) = stub_or_say_why(course, ex, &shipped) else {
        return Ok(USAGE);
    };
    let backup = make_backup(
        course,
        ex,
        &now,
        "made by `reset` before putting the stub back",
    )?;
    let diff = Differences::between(&shipped, &now_files);
    put(&dir, &stub, &now)?;
    if hints {
        forget_hints(course, ex);
    }
    say_reset(
        ctx,
        ex,
        &backup,
        now.len(),
        &undo_words(&diff, &shipped),
        hints,
    );
    Ok(PASSED)
}

/// The record of the stub of `ex`; an error in words for the student when the course has none.
fn shipped_record(course: &Course, ex: &Exercise) -> Result<Vec<File>> {
    student_files::shipped(course, ex)?.with_context(|| {
        format!(
            "the course has no record of the stub of {} ({} is missing), so there is nothing to \
             reset it to; your files are untouched. The stub is in the course's repository, in \
             {}/.",
            ex.label(),
            course.relative(&student_files::record_path(course, ex)),
            course.relative(&course.exercise_dir(ex))
        )
    })
}

/// The stub's files from git, or `None` once the student is told why they cannot be had (and
/// that their files are untouched).
fn stub_or_say_why(
    course: &Course,
    ex: &Exercise,
    shipped: &[File],
) -> Option<Vec<(String, Vec<u8>)>> {
    match fetch_stub(&course.root, shipped) {
        Ok(stub) => Some(stub),
        Err(why) => {
            crate::errln!(
                "cannot reset {}: {why}\n\
                 Your files are untouched. To get the stub as shipped, take {}/ from a fresh clone \
                 of the course's repository (`git clone` it again, next to this copy, and copy the \
                 files you want).",
                ex.label(),
                course.relative(&course.exercise_dir(ex))
            );
            None
        }
    }
}

/// Says what a reset did: where the `backed_up` files went, what `undone` to them, how to undo it.
fn say_reset(
    ctx: &Ctx,
    ex: &Exercise,
    backup: &Backup,
    backed_up: usize,
    undone: &str,
    hints: bool,
) {
    let (course, p) = (&ctx.course, ctx.paint());
    outln!(
        "Backed up your {} of {} to {}/",
        files_word(backed_up),
        ex.label(),
        p.bold(&course.relative(&backup.dir))
    );
    outln!("Put back the stub as shipped ({undone}).");
    if hints {
        outln!("Forgot the hints shown: `hint` starts over.");
    }
    outln!(
        "Changed your mind? {}",
        p.bold(&command(ex, &format!(" --restore {}", backup.name)))
    );
}

/// What putting `shipped` back did to files that were `diff` from it, in words.
fn undo_words(diff: &Differences, shipped: &[File]) -> String {
    let mut parts = Vec::new();
    if !diff.changed.is_empty() {
        parts.push(format!("{} rewritten", diff.changed.join(", ")));
    }
    if !diff.missing.is_empty() {
        parts.push(format!("{} put back", diff.missing.join(", ")));
    }
    if !diff.added.is_empty() {
        parts.push(format!("{} removed", diff.added.join(", ")));
    }
    if parts.is_empty() {
        parts.push(format!("{} checked", files_word(shipped.len())));
    }
    parts.join("; ")
}

fn files_word(n: usize) -> String {
    if n == 1 {
        "1 file".into()
    } else {
        format!("{n} files")
    }
}

fn with_ids(files: &[(String, Vec<u8>)]) -> Vec<File> {
    files
        .iter()
        .map(|(path, bytes)| File {
            path: path.clone(),
            blob: student_files::blob_id(bytes),
        })
        .collect()
}

fn forget_hints(course: &Course, ex: &Exercise) {
    let mut progress = Progress::load(&course.root);
    progress.entry(&ex.slug).forget_hints();
    progress.save(&course.root);
}

/// Every file of the record, read from git in the course root. The error says why, in words for a
/// student.
fn fetch_stub(
    root: &Path,
    shipped: &[File],
) -> std::result::Result<Vec<(String, Vec<u8>)>, String> {
    let git = |args: &[&str]| {
        std::process::Command::new("git")
            .current_dir(root)
            .args(args)
            .stdin(std::process::Stdio::null())
            .output()
    };
    match git(&["rev-parse", "--git-dir"]) {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return Err(
                "git is not installed (or not on PATH), and the stub is kept in git's \
                        objects."
                    .into(),
            );
        }
        Err(e) => return Err(format!("git could not be run: {e}.")),
        Ok(out) if !out.status.success() => {
            return Err(format!(
                "{} is not a git clone (a ZIP download?), and the stub is kept in git's objects.",
                root.display()
            ));
        }
        Ok(_) => {}
    }
    let mut out = Vec::new();
    for f in shipped {
        let got = git(&["cat-file", "blob", &f.blob]).map_err(|e| format!("git failed: {e}."))?;
        // The content must be the one recorded: a short id or a corrupt object must not be
        // written over anyone's code.
        if !got.status.success() || student_files::blob_id(&got.stdout) != f.blob {
            return Err(format!(
                "this clone's git has no object {} for {} (a shallow or partial clone, or a \
                 record newer than the clone?).",
                f.blob, f.path
            ));
        }
        out.push((f.path.clone(), got.stdout));
    }
    Ok(out)
}

/// A backup on disk.
#[derive(Clone, Debug)]
pub struct Backup {
    pub name: String,
    pub dir: PathBuf,
}

/// Where the backups of `ex` are kept.
pub fn backups_dir(course: &Course, ex: &Exercise) -> PathBuf {
    course
        .root
        .join(".awaitlings")
        .join("backups")
        .join(ex.dir_name())
}

/// A backup's name for now: `2026-11-22_07-15-00` (UTC), sortable, and a valid file name
/// everywhere (no `:`).
fn stamp_now() -> String {
    // now_rfc3339 is `2026-11-22T07:15:00Z`.
    crate::report::now_rfc3339()
        .trim_end_matches('Z')
        .replace('T', "_")
        .replace(':', "-")
}

/// The order of backup names: by time, then by the `-n` of backups made in the same second.
fn sort_key(name: &str) -> (String, u32) {
    match name.get(19..).and_then(|rest| rest.strip_prefix('-')) {
        Some(n) => (name[..19].to_string(), n.parse().unwrap_or(0)),
        None => (name.to_string(), 0),
    }
}

/// `2026-11-22 07:15:00 UTC`, from a backup's name.
fn when(name: &str) -> String {
    match name.get(..19) {
        Some(stamp) if stamp.len() == 19 => {
            let (date, time) = stamp.split_at(10);
            format!("{date} {} UTC", time[1..].replace('-', ":"))
        }
        _ => "?".into(),
    }
}

/// The backups of `ex`, oldest first. Hidden entries are backups still being made.
pub fn backups(course: &Course, ex: &Exercise) -> Vec<Backup> {
    let dir = backups_dir(course, ex);
    let mut found: Vec<Backup> = std::fs::read_dir(&dir)
        .into_iter()
        .flatten()
        .filter_map(std::result::Result::ok)
        .filter(|e| e.path().is_dir())
        .filter_map(|e| {
            let name = e.file_name().to_str()?.to_string();
            (!name.starts_with('.')).then(|| Backup {
                dir: e.path(),
                name,
            })
        })
        .collect();
    found.sort_by_key(|b| sort_key(&b.name));
    found
}

/// Copies `files` (the exercise's set, with contents) into a new backup, completely, and only
/// then makes it visible under its name.
fn make_backup(
    course: &Course,
    ex: &Exercise,
    files: &[(String, Vec<u8>)],
    about: &str,
) -> Result<Backup> {
    let dir = backups_dir(course, ex);
    std::fs::create_dir_all(&dir).with_context(|| format!("cannot create {}", dir.display()))?;
    let stamp = stamp_now();
    let scratch = tempfile::Builder::new()
        .prefix(".making-")
        .tempdir_in(&dir)
        .with_context(|| format!("cannot make a backup in {}", dir.display()))?;
    for (path, bytes) in files {
        write_synced(&scratch.path().join(path), bytes)
            .with_context(|| format!("cannot back up {path}"))?;
    }
    write_synced(&scratch.path().join(ABOUT), format!("{about}\n").as_bytes())?;
    // A name no backup has: two in one second get `-2`, `-3`... Every backup holds ABOUT, and a
    // rename never replaces a directory that is not empty, so an existing backup is never lost.
    let scratch = scratch.keep();
    for n in 1u32.. {
        let name = if n == 1 {
            stamp.clone()
        } else {
            format!("{stamp}-{n}")
        };
        let target = dir.join(&name);
        if target.exists() {
            continue;
        }
        match std::fs::rename(&scratch, &target) {
            Ok(()) => return Ok(Backup { name, dir: target }),
            Err(e)
                if matches!(
                    e.kind(),
                    std::io::ErrorKind::AlreadyExists | std::io::ErrorKind::DirectoryNotEmpty
                ) =>
            {
                continue;
            }
            Err(e) => {
                return Err(e).with_context(|| {
                    format!("cannot move the backup into place at {}", target.display())
                });
            }
        }
    }
    unreachable!("some backup name is free")
}

fn write_synced(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    use std::io::Write;
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent)?;
    }
    let mut f = std::fs::File::create(path)?;
    f.write_all(bytes)?;
    f.sync_all()
}

/// Writes one file atomically: a temporary file beside it, renamed over it. A reader (an editor,
/// cargo) sees the old content or the new, never half of one.
fn write_atomic(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let parent = path.parent().unwrap_or(Path::new("."));
    std::fs::create_dir_all(parent)?;
    let mut tmp = tempfile::Builder::new()
        .prefix(".awaitlings-")
        .tempfile_in(parent)?;
    std::io::Write::write_all(&mut tmp, bytes)?;
    tmp.as_file().sync_all()?;
    tmp.persist(path).map_err(|e| e.error)?;
    Ok(())
}

/// Makes the crate at `dir` hold exactly `want` (its file set): each file written if its content
/// differs, files of `now` that `want` does not list removed, and directories under src/ left
/// empty by that removed too. Call only once `now` is backed up.
fn put(dir: &Path, want: &[(String, Vec<u8>)], now: &[(String, Vec<u8>)]) -> Result<()> {
    let keep: BTreeSet<&str> = want.iter().map(|(p, _)| p.as_str()).collect();
    for (path, bytes) in want {
        let target = dir.join(path);
        if std::fs::read(&target).ok().as_deref() != Some(bytes.as_slice()) {
            write_atomic(&target, bytes).with_context(|| format!("cannot write {path}"))?;
        }
    }
    for (path, _) in now {
        if !keep.contains(path.as_str()) {
            let target = dir.join(path);
            std::fs::remove_file(&target)
                .with_context(|| format!("cannot remove {}", target.display()))?;
            // Its now-empty directories, up to src/ itself (which stays).
            let mut parent = target.parent();
            while let Some(d) = parent {
                if d == dir.join("src") || d == dir || std::fs::remove_dir(d).is_err() {
                    break;
                }
                parent = d.parent();
            }
        }
    }
    Ok(())
}

fn restore(ctx: &Ctx, ex: &Exercise, name: Option<&str>) -> Result<u8> {
    let course = &ctx.course;
    let p = ctx.paint();
    let all = backups(course, ex);
    let chosen = match name {
        None => all.last().cloned().with_context(|| {
            format!(
                "{} has no backups yet: `reset` makes one before it changes anything",
                ex.label()
            )
        })?,
        Some(name) => match all.iter().find(|b| b.name == name) {
            Some(b) => b.clone(),
            None => {
                let names: Vec<String> = all.iter().map(|b| format!("  {}", b.name)).collect();
                bail!(
                    "{} has no backup named {name:?}. {}",
                    ex.label(),
                    if names.is_empty() {
                        "It has no backups at all.".to_string()
                    } else {
                        format!("Its backups, oldest first:\n{}", names.join("\n"))
                    }
                );
            }
        },
    };
    let want = student_files::read(&chosen.dir)
        .with_context(|| format!("cannot read the backup {}", chosen.dir.display()))?;
    let dir = course.exercise_dir(ex);
    let now =
        student_files::read(&dir).with_context(|| format!("cannot read {}", dir.display()))?;
    if student_files::fingerprint_of(&with_ids(&now))
        == student_files::fingerprint_of(&with_ids(&want))
    {
        outln!(
            "{} already holds exactly the backup {}: nothing changed.",
            course.relative(&dir),
            chosen.name
        );
        return Ok(PASSED);
    }
    let before = make_backup(
        course,
        ex,
        &now,
        &format!("made by `reset --restore` before restoring {}", chosen.name),
    )?;
    put(&dir, &want, &now)?;
    outln!(
        "Restored {} of {} from the backup {}.",
        files_word(want.len()),
        ex.label(),
        chosen.name
    );
    outln!(
        "Your files from just before are in {}/; to go back to them: {}",
        course.relative(&before.dir),
        p.bold(&command(ex, &format!(" --restore {}", before.name)))
    );
    say_known_result(ctx, ex);
    Ok(PASSED)
}

/// Says what the last check of the files now in place found, if they were checked (a result
/// from before results knew their files is not known to be theirs: nothing is said).
fn say_known_result(ctx: &Ctx, ex: &Exercise) {
    let progress = Progress::load(&ctx.course.root);
    let look = standing::look(&ctx.course, ex, progress.exercises.get(&ex.slug));
    let Some(r) = look
        .current
        .filter(|r| r.files.is_some() && !look.untouched)
    else {
        return;
    };
    let score = r
        .max_points
        .map_or(String::new(), |max| format!(", {}/{max}", r.points));
    let verdict = if r.passed { "passed" } else { "failing" };
    outln!("These files were checked before: {verdict}{score}.");
}

fn list(ctx: &Ctx, exercises: &[&Exercise]) -> Result<u8> {
    let course = &ctx.course;
    let p: Paint = ctx.paint();
    let mut any = false;
    for ex in exercises {
        let found = backups(course, ex);
        if found.is_empty() {
            continue;
        }
        if !any {
            outln!(
                "{}",
                p.bold(&format!(
                    "  {:<28} {:<22} {:<24} {:>5}  why",
                    "exercise", "backup", "when", "files"
                ))
            );
            any = true;
        }
        for b in &found {
            let files = student_files::paths(&b.dir).map_or(0, |f| f.len());
            let why = std::fs::read_to_string(b.dir.join(ABOUT)).unwrap_or_default();
            outln!(
                "  {:<28} {:<22} {:<24} {:>5}  {}",
                ex.dir_name(),
                b.name,
                when(&b.name),
                files,
                p.dim(why.trim())
            );
        }
    }
    if any {
        outln!();
        outln!(
            "Backups are in .awaitlings/backups/ at the course root. Restore one with {}",
            p.bold("cargo run -p grader -- reset EX --restore NAME")
        );
    } else {
        outln!("No backups yet: `reset` makes one before it changes any file.");
    }
    Ok(PASSED)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backup_names_sort_by_time_then_by_number() {
        let mut names = vec![
            "2026-11-22_07-15-00-10",
            "2026-11-22_07-15-01",
            "2026-11-22_07-15-00-2",
            "2026-11-22_07-15-00",
        ];
        names.sort_by_key(|n| sort_key(n));
        assert_eq!(
            names,
            vec![
                "2026-11-22_07-15-00",
                "2026-11-22_07-15-00-2",
                "2026-11-22_07-15-00-10",
                "2026-11-22_07-15-01"
            ]
        );
        assert_eq!(when("2026-11-22_07-15-00-2"), "2026-11-22 07:15:00 UTC");
        let now = stamp_now();
        assert_eq!(now.len(), 19, "{now}");
        assert_eq!(when(&now).len(), 23);
    }

    #[test]
    fn put_writes_the_wanted_files_and_removes_the_rest() {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        std::fs::create_dir_all(d.join("src/extra")).unwrap();
        std::fs::write(d.join("src/lib.rs"), "edited").unwrap();
        std::fs::write(d.join("src/extra/mod.rs"), "mine").unwrap();
        let now = student_files::read(d).unwrap();
        let want = vec![
            ("Cargo.toml".to_string(), b"[package]".to_vec()),
            ("src/lib.rs".to_string(), b"stub".to_vec()),
        ];
        put(d, &want, &now).unwrap();
        assert_eq!(student_files::read(d).unwrap(), want);
        assert!(!d.join("src/extra").exists(), "an emptied directory goes");
        assert!(d.join("src").is_dir());
    }
}
