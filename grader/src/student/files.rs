//! The files of an exercise a student may edit, and what they are compared with.
//!
//! One definition of that file set, used by `reset` (what it backs up, restores and removes), by
//! `check` (the fingerprint a result is for), by [`crate::student::standing`] (which result is
//! for the files as they are now? is the exercise untouched?) and by `bless`/`verify` (the stub as
//! shipped):
//!
//! - the crate's `Cargo.toml`, and every file under its `src/`, whatever its name (a module the
//!   student added counts), skipping hidden entries, as staging does (`.lib.rs.swp` is an
//!   editor's, not the student's code, and is never built).
//!
//! **The stub as shipped** is recorded per exercise in `fixtures/<slug>/shipped.toml`: each file's
//! path and its git blob id (the id `git hash-object` prints). Blob ids, not copies: every clone of
//! the course already holds those objects, so `reset` gets each file back with
//! `git cat-file blob <id>`, and the record stays a few lines that `git diff` reads easily.
//!
//! Functions other commands call: [`untouched`] and [`fingerprint`].

use crate::build::walk::{self, Links, Walk};
use crate::course::{Course, Exercise};
use anyhow::{Context, Result, bail};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// The record's file name, in the exercise's fixtures directory.
pub const RECORD: &str = "shipped.toml";

/// One file of the set: its path relative to the crate (always with `/`) and its blob id.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct File {
    pub path: String,
    pub blob: String,
}

/// The git blob id of `bytes`: SHA-1 of `blob <len>\0<bytes>`, in lowercase hex. Git's own id for
/// the content, so the record can name objects every clone has.
pub fn blob_id(bytes: &[u8]) -> String {
    let mut h = sha1_smol::Sha1::new();
    h.update(format!("blob {}\0", bytes.len()).as_bytes());
    h.update(bytes);
    h.digest().to_string()
}

/// The paths of the set in the crate at `dir`, sorted. A missing `src/` or manifest is simply not
/// there (a student may have deleted it; reset puts it back).
pub fn paths(dir: &Path) -> std::io::Result<Vec<String>> {
    let mut out = Vec::new();
    if dir.join("Cargo.toml").is_file() {
        out.push("Cargo.toml".to_string());
    }
    let src = dir.join("src");
    if src.is_dir() {
        // Through symlinks, like staging: what a link points at is what gets built.
        let entries = Walk::below(&src)
            .links(Links::Followed)
            .entries(|e| !walk::name(e).starts_with('.'));
        for entry in entries {
            let entry = entry?;
            if entry.file_type().is_file() {
                out.push(format!("src/{}", walk::relative(&src, entry.path())));
            }
        }
    }
    out.sort();
    Ok(out)
}

/// The set in the crate at `dir`, each file with its content.
pub fn read(dir: &Path) -> std::io::Result<Vec<(String, Vec<u8>)>> {
    paths(dir)?
        .into_iter()
        .map(|p| {
            let bytes = std::fs::read(dir.join(&p))?;
            Ok((p, bytes))
        })
        .collect()
}

/// The set in the crate at `dir`, each file with its blob id.
pub fn files(dir: &Path) -> std::io::Result<Vec<File>> {
    Ok(read(dir)?
        .into_iter()
        .map(|(path, bytes)| File {
            blob: blob_id(&bytes),
            path,
        })
        .collect())
}

/// `files` (paths with contents) with their blob ids as compared with the record `shipped`: a file
/// that differs from its recorded blob only in CRLF line endings counts as the recorded blob. Git
/// for Windows checks files out with CRLF by default (`core.autocrlf`), and a fresh checkout is
/// not an edit.
pub fn ids_against(files: &[(String, Vec<u8>)], shipped: &[File]) -> Vec<File> {
    let recorded: BTreeMap<&str, &str> = shipped
        .iter()
        .map(|f| (f.path.as_str(), f.blob.as_str()))
        .collect();
    files
        .iter()
        .map(|(path, bytes)| {
            let mut blob = blob_id(bytes);
            if let Some(r) = recorded.get(path.as_str())
                && *r != blob
                && bytes.contains(&b'\r')
                && blob_id(&crlf_to_lf(bytes)) == *r
            {
                blob = r.to_string();
            }
            File {
                path: path.clone(),
                blob,
            }
        })
        .collect()
}

fn crlf_to_lf(bytes: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(bytes.len());
    for (i, &b) in bytes.iter().enumerate() {
        if !(b == b'\r' && bytes.get(i + 1) == Some(&b'\n')) {
            out.push(b);
        }
    }
    out
}

/// The set in the crate at `dir`, as compared with the record `shipped` (see [`ids_against`]).
pub fn files_against(dir: &Path, shipped: &[File]) -> std::io::Result<Vec<File>> {
    Ok(ids_against(&read(dir)?, shipped))
}

/// One short id for a whole set of files (their paths and blob ids): equal exactly when every
/// path and every content is.
pub fn fingerprint_of(files: &[File]) -> String {
    let mut sorted: Vec<&File> = files.iter().collect();
    sorted.sort();
    let mut h = sha1_smol::Sha1::new();
    for f in sorted {
        // NUL and newline cannot occur in a path we list, so the encoding is unambiguous.
        h.update(f.path.as_bytes());
        h.update(b"\0");
        h.update(f.blob.as_bytes());
        h.update(b"\n");
    }
    h.digest().to_string()
}

/// The fingerprint a result is kept under: that of the files' own contents, byte for byte (no
/// line-ending leniency: the checks build these very bytes), with their paths. Nothing else: no
/// times, no folder the files were copied from, so the same files restored from a backup, undone
/// in an editor or checked out again by git have the same fingerprint.
pub fn content_fingerprint(files: &[(String, Vec<u8>)]) -> String {
    fingerprint_of(&ids_against(files, &[]))
}

/// The fingerprint of the student's files of `ex` as they are now (what `check` keeps a result
/// under: see [`content_fingerprint`]). Files that cannot be read give a fingerprint that matches
/// no files.
pub fn fingerprint(course: &Course, ex: &Exercise) -> String {
    match read(&course.exercise_dir(ex)) {
        Ok(now) => content_fingerprint(&now),
        Err(e) => format!("unreadable: {e}"),
    }
}

/// Where the record of `ex`'s stub as shipped lives.
pub fn record_path(course: &Course, ex: &Exercise) -> PathBuf {
    course.fixtures_dir(ex).join(RECORD)
}

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct Record {
    files: BTreeMap<String, String>,
}

/// The stub as shipped, from its record: `None` when the course has no record for `ex`. A record
/// that names a path outside the file set, or an id that is not one, is an error: `reset` writes
/// to those paths.
pub fn shipped(course: &Course, ex: &Exercise) -> Result<Option<Vec<File>>> {
    let path = record_path(course, ex);
    let text = match std::fs::read_to_string(&path) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(e).with_context(|| format!("cannot read {}", path.display())),
    };
    parse_record(&text)
        .map(Some)
        .with_context(|| format!("{} is not a valid record", course.relative(&path)))
}

fn parse_record(text: &str) -> Result<Vec<File>> {
    let record: Record = toml::from_str(text)?;
    let mut out = Vec::new();
    for (path, blob) in record.files {
        if !in_set(&path) {
            bail!("{path:?} is not Cargo.toml or a file under src/");
        }
        if blob.len() != 40 || !blob.bytes().all(|b| b.is_ascii_hexdigit()) {
            bail!("{path}: {blob:?} is not a git blob id (40 hex digits)");
        }
        out.push(File {
            path,
            blob: blob.to_ascii_lowercase(),
        });
    }
    Ok(out)
}

/// Whether `path` (relative, with `/`) is one the file set can hold: the manifest, or a file under
/// `src/` with no `.`/`..`/hidden component and no absolute or Windows-style parts.
pub fn in_set(path: &str) -> bool {
    if path == "Cargo.toml" {
        return true;
    }
    let Some(rest) = path.strip_prefix("src/") else {
        return false;
    };
    !rest.is_empty()
        && !path.contains('\\')
        && !path.contains(':')
        && rest
            .split('/')
            .all(|c| !c.is_empty() && !c.starts_with('.'))
}

/// The record's text for `files` (deterministic: `bless` rewrites it only when a file changed).
pub fn render_record(ex: &Exercise, files: &[File]) -> String {
    let mut text = format!(
        "# The stub of exercise {} as shipped: every file of exercises/{}/ a student may edit\n\
         # (Cargo.toml and src/**), with its git blob id (`git hash-object FILE`). `grader reset`\n\
         # restores these; `grader verify` checks the stub still matches. Written by\n\
         # `cargo run -p grader -- bless {:02}`: never edit by hand.\n\n[files]\n",
        ex.label(),
        ex.dir_name(),
        ex.number
    );
    let mut sorted: Vec<&File> = files.iter().collect();
    sorted.sort();
    for f in sorted {
        text.push_str(&format!(
            "{} = {}\n",
            crate::build::stage::quote(&f.path),
            crate::build::stage::quote(&f.blob)
        ));
    }
    text
}

/// Records `ex`'s stub as it is now (`bless`). Whether the record changed.
pub fn record(course: &Course, ex: &Exercise) -> Result<bool> {
    let dir = course.exercise_dir(ex);
    let files = files(&dir).with_context(|| format!("cannot read {}", dir.display()))?;
    if files.is_empty() {
        bail!(
            "{} has no Cargo.toml and nothing under src/: there is no stub to record",
            course.relative(&dir)
        );
    }
    let path = record_path(course, ex);
    let text = render_record(ex, &files);
    let before = std::fs::read_to_string(&path).ok();
    crate::build::state::write_if_changed(&path, text.as_bytes())
        .with_context(|| format!("cannot write {}", path.display()))?;
    Ok(before.as_deref() != Some(text.as_str()))
}

/// How the files of `ex` differ from its record: paths changed, added and missing, in that order
/// of concern. Empty when they match. `None` when there is no record.
pub fn differences(course: &Course, ex: &Exercise) -> Result<Option<Differences>> {
    let Some(shipped) = shipped(course, ex)? else {
        return Ok(None);
    };
    let dir = course.exercise_dir(ex);
    let now =
        files_against(&dir, &shipped).with_context(|| format!("cannot read {}", dir.display()))?;
    Ok(Some(Differences::between(&shipped, &now)))
}

/// How one set of files differs from another.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Differences {
    pub changed: Vec<String>,
    pub added: Vec<String>,
    pub missing: Vec<String>,
}

impl Differences {
    pub fn between(before: &[File], now: &[File]) -> Differences {
        let before: BTreeMap<&str, &str> = before
            .iter()
            .map(|f| (f.path.as_str(), f.blob.as_str()))
            .collect();
        let now: BTreeMap<&str, &str> = now
            .iter()
            .map(|f| (f.path.as_str(), f.blob.as_str()))
            .collect();
        let mut d = Differences::default();
        for (path, blob) in &now {
            match before.get(path) {
                Some(b) if b == blob => {}
                Some(_) => d.changed.push(path.to_string()),
                None => d.added.push(path.to_string()),
            }
        }
        d.missing = before
            .keys()
            .filter(|p| !now.contains_key(*p))
            .map(std::string::ToString::to_string)
            .collect();
        d
    }

    pub fn is_empty(&self) -> bool {
        self.changed.is_empty() && self.added.is_empty() && self.missing.is_empty()
    }

    /// `src/lib.rs changed, src/extra.rs added`, for a maintainer or a student.
    pub fn describe(&self) -> String {
        let mut parts = Vec::new();
        for (paths, what) in [
            (&self.changed, "changed"),
            (&self.added, "added"),
            (&self.missing, "missing"),
        ] {
            if !paths.is_empty() {
                parts.push(format!("{} {what}", paths.join(", ")));
            }
        }
        parts.join("; ")
    }
}

/// Whether the student's files of `ex` are exactly the stub as shipped (never edited, or put back
/// by `reset`). False when the course has no record of the stub, or its files cannot be read:
/// "untouched" is only said when it is known.
pub fn untouched(course: &Course, ex: &Exercise) -> bool {
    let Ok(Some(shipped)) = shipped(course, ex) else {
        return false;
    };
    files_against(&course.exercise_dir(ex), &shipped)
        .is_ok_and(|now| fingerprint_of(&now) == fingerprint_of(&shipped))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blob_ids_are_gits() {
        // `printf 'hello\n' | git hash-object --stdin` and `git hash-object /dev/null`, well known.
        assert_eq!(
            blob_id(b"hello\n"),
            "ce013625030ba8dba906f756967f9e9ca394464a"
        );
        assert_eq!(blob_id(b""), "e69de29bb2d1d6434b8b29ae775ad8c2e48c5391");
    }

    #[test]
    fn blob_ids_match_git_hash_object_on_a_sample() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("sample.rs");
        let text = "pub async fn answer() -> u32 {\n    todo!(\"é\")\n}\n\0binary too\r\n";
        std::fs::write(&path, text).unwrap();
        let out = match std::process::Command::new("git")
            .args(["hash-object", "--no-filters"])
            .arg(&path)
            .output()
        {
            Ok(out) if out.status.success() => out,
            // A machine without git cannot run this comparison; the known ids above still hold.
            _ => return,
        };
        let git = String::from_utf8(out.stdout).unwrap();
        assert_eq!(blob_id(text.as_bytes()), git.trim());
    }

    fn file(path: &str, blob: &str) -> File {
        File {
            path: path.into(),
            blob: blob.into(),
        }
    }

    #[test]
    fn fingerprints_see_every_path_and_content_and_ignore_order() {
        let a = vec![file("Cargo.toml", "1"), file("src/lib.rs", "2")];
        let reordered = vec![file("src/lib.rs", "2"), file("Cargo.toml", "1")];
        assert_eq!(fingerprint_of(&a), fingerprint_of(&reordered));
        let edited = vec![file("Cargo.toml", "1"), file("src/lib.rs", "3")];
        assert_ne!(fingerprint_of(&a), fingerprint_of(&edited));
        let renamed = vec![file("Cargo.toml", "1"), file("src/main.rs", "2")];
        assert_ne!(fingerprint_of(&a), fingerprint_of(&renamed));
        let added = vec![
            file("Cargo.toml", "1"),
            file("src/lib.rs", "2"),
            file("src/x.rs", "4"),
        ];
        assert_ne!(fingerprint_of(&a), fingerprint_of(&added));
        assert_eq!(fingerprint_of(&a).len(), 40);
    }

    #[test]
    fn the_file_set_is_the_manifest_and_src_without_hidden_files() {
        let dir = tempfile::tempdir().unwrap();
        let write = |rel: &str| {
            let p = dir.path().join(rel);
            std::fs::create_dir_all(p.parent().unwrap()).unwrap();
            std::fs::write(p, rel).unwrap();
        };
        for rel in [
            "Cargo.toml",
            "README.md",
            "build.rs",
            "texts/a.txt",
            "target/debug/x",
            "src/lib.rs",
            "src/.lib.rs.swp",
            "src/extra/mod.rs",
            "src/.hidden/x.rs",
        ] {
            write(rel);
        }
        assert_eq!(
            paths(dir.path()).unwrap(),
            vec!["Cargo.toml", "src/extra/mod.rs", "src/lib.rs"]
        );
        // The fingerprint follows content.
        let before = fingerprint_of(&files(dir.path()).unwrap());
        std::fs::write(dir.path().join("src/lib.rs"), "edited").unwrap();
        assert_ne!(before, fingerprint_of(&files(dir.path()).unwrap()));
    }

    #[test]
    fn the_fingerprint_a_result_is_kept_under_is_the_content_only() {
        // The same files in another folder (a backup, with a file of its own beside them), written
        // at another time: the same fingerprint. Only paths and bytes count, so a restore, an
        // undo or a checkout gives back exactly what was checked.
        let (a, b) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
        for (dir, extra) in [(a.path(), "BACKUP.txt"), (b.path(), "README.md")] {
            std::fs::create_dir_all(dir.join("src/more")).unwrap();
            std::fs::write(dir.join("Cargo.toml"), "[package]\n").unwrap();
            std::fs::write(dir.join("src/lib.rs"), "pub fn f() {}\r\n").unwrap();
            std::fs::write(dir.join("src/more/x.rs"), "").unwrap();
            std::fs::write(dir.join(extra), "not part of the set").unwrap();
        }
        let print = |dir: &Path| content_fingerprint(&read(dir).unwrap());
        assert_eq!(print(a.path()), print(b.path()));
        // Byte for byte: line endings are content too (the checks build these bytes).
        std::fs::write(b.path().join("src/lib.rs"), "pub fn f() {}\n").unwrap();
        assert_ne!(print(a.path()), print(b.path()));
    }

    #[test]
    fn records_accept_only_the_file_set() {
        let id = "ce013625030ba8dba906f756967f9e9ca394464a";
        let ok = format!("[files]\n\"Cargo.toml\" = \"{id}\"\n\"src/lib.rs\" = \"{id}\"\n");
        assert_eq!(parse_record(&ok).unwrap().len(), 2);
        for bad in [
            "../evil.rs",
            "src/../../evil.rs",
            "/etc/passwd",
            "src/",
            "README.md",
            "src/.hidden.rs",
            "src\\lib.rs",
        ] {
            let text = format!("[files]\n{} = \"{id}\"\n", crate::build::stage::quote(bad));
            assert!(parse_record(&text).is_err(), "{bad}");
        }
        assert!(parse_record("[files]\n\"src/lib.rs\" = \"nope\"\n").is_err());
    }

    #[test]
    fn a_crlf_checkout_of_the_stub_is_not_an_edit() {
        let lf = b"fn main() {\n}\n".to_vec();
        let crlf = b"fn main() {\r\n}\r\n".to_vec();
        let shipped = vec![file("src/main.rs", &blob_id(&lf))];
        let now = vec![("src/main.rs".to_string(), crlf.clone())];
        assert_eq!(ids_against(&now, &shipped), shipped);
        // An edit is an edit, whatever its line endings.
        let edited = vec![("src/main.rs".to_string(), b"fn main() {}\r\n".to_vec())];
        assert_ne!(ids_against(&edited, &shipped), shipped);
        // Without a record to compare with, a file's id is its own.
        assert_eq!(ids_against(&now, &[])[0].blob, blob_id(&crlf));
    }

    #[test]
    fn differences_name_what_changed() {
        let before = vec![
            file("Cargo.toml", "1"),
            file("src/lib.rs", "2"),
            file("src/main.rs", "5"),
        ];
        let now = vec![
            file("Cargo.toml", "1"),
            file("src/lib.rs", "3"),
            file("src/x.rs", "4"),
        ];
        let d = Differences::between(&before, &now);
        assert_eq!(
            d.describe(),
            "src/lib.rs changed; src/x.rs added; src/main.rs missing"
        );
        assert!(Differences::between(&before, &before).is_empty());
    }
}
