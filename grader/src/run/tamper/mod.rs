//! Noticing a check that rewrote the grader's own files, putting them back, and pinning it on
//! the check process that did it.
//!
//! On Linux a check process is sandboxed (see `awaitlings_check::sandbox`) and cannot write
//! outside its own directory. Where there is no sandbox (macOS, a kernel without Landlock,
//! `AWAITLINGS_SANDBOX=off`), student code can write anywhere the grader can: the hidden checks,
//! the fixtures, the support crate, a harness binary, the cached check lists. Then the grader
//! makes it visible and harmless to everyone else:
//!
//! - before the checks of a run start, it notes the identity of every watched file (device,
//!   inode, size and change time, which no user-space tool can set back) and keeps what it needs
//!   to put each back ([`trusted`]);
//! - after EVERY check process it looks again; a change is put back at once, and pinned on the
//!   check processes that ran since the last clean look ([`suspects`]): when they all belong to
//!   one exercise of one submission, that one is charged; otherwise they are run again one at a
//!   time, and only one seen changing the files while it ran alone is charged;
//! - the charged exercise fails as a forged result, naming what it changed; everyone else keeps
//!   the grade their code earns. The grader's caches of the run are thrown away at its end.

pub mod suspects;
pub mod trusted;

use crate::build::walk::Walk;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// What a file was: enough to tell it was written, replaced or removed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Identity {
    dev: u64,
    ino: u64,
    size: u64,
    changed: (i64, i64),
}

/// The identities of the watched files.
#[derive(Clone, Debug, Default)]
pub struct Snapshot(BTreeMap<PathBuf, Identity>);

/// The files and directories a run depends on: the course's grading files, and the files of the
/// state directory this run trusts (its harness binaries, their cached check lists, their stamps;
/// not the rest, which another grader sharing the directory may be writing meanwhile).
pub struct Watched {
    roots: Vec<PathBuf>,
}

impl Watched {
    /// The course's files every harness is built from, plus `more` (this run's expected
    /// transcripts and the state directory's files it trusts).
    pub fn new(course_root: &Path, more: &[PathBuf]) -> Watched {
        let mut roots: Vec<PathBuf> = [
            "course.toml",
            "Cargo.toml",
            "Cargo.lock",
            "support",
            "grader/check",
            "grader/checks",
        ]
        .iter()
        .map(|p| course_root.join(p))
        .collect();
        roots.extend(more.iter().cloned());
        roots.sort();
        roots.dedup();
        Watched { roots }
    }

    /// Notes every watched file as it is now.
    pub fn snapshot(&self) -> Snapshot {
        let mut files = BTreeMap::new();
        for root in &self.roots {
            walk(root, &mut files);
        }
        Snapshot(files)
    }
}

impl Snapshot {
    /// Notes `path` as it now is (`None`: absent), after the grader itself put it back.
    pub fn set(&mut self, path: &Path, identity: Option<Identity>) {
        match identity {
            Some(identity) => self.0.insert(path.to_path_buf(), identity),
            None => self.0.remove(path),
        };
    }

    /// Notes afresh each path that is one of the files `put_back` (the same device, inode and
    /// size, then and now): linking a file back moves its change time for every name it has, and
    /// an exercise's bundled designs are names of one file (see `build::harness::bundle`). That
    /// move is the grader's own doing; a name replaced by another file is still seen. Nothing to
    /// do without inodes (off Unix), where a link leaves the time compared alone.
    pub fn follow_put_back(&mut self, put_back: &[Identity]) {
        let same_file = |a: &Identity, b: &Identity| {
            (a.dev, a.ino, a.size) == (b.dev, b.ino, b.size) && (a.dev, a.ino) != (0, 0)
        };
        for (path, noted) in &mut self.0 {
            if !put_back.iter().any(|p| same_file(p, noted)) {
                continue;
            }
            if let Ok(meta) = std::fs::symlink_metadata(path) {
                let now = identity(&meta);
                if same_file(&now, noted) {
                    *noted = now;
                }
            }
        }
    }

    /// The files noted.
    pub fn paths(&self) -> impl Iterator<Item = &Path> {
        self.0.keys().map(PathBuf::as_path)
    }

    /// The files that appeared, disappeared or changed between `self` and `later`.
    pub fn changed(&self, later: &Snapshot) -> Vec<PathBuf> {
        let mut out: Vec<PathBuf> = Vec::new();
        for (path, before) in &self.0 {
            if later.0.get(path) != Some(before) {
                out.push(path.clone());
            }
        }
        for path in later.0.keys() {
            if !self.0.contains_key(path) {
                out.push(path.clone());
            }
        }
        out.sort();
        out
    }
}

/// Notes every file at or under `path` (a link as the link itself, never followed), leaving out
/// build output and hidden folders. What cannot be read is passed over.
fn walk(path: &Path, files: &mut BTreeMap<PathBuf, Identity>) {
    let skipped = |e: &crate::build::walk::DirEntry| {
        let name = crate::build::walk::name(e);
        e.file_type().is_dir() && (name == "target" || name.starts_with('.'))
    };
    for entry in Walk::from_root(path).entries(|e| !skipped(e)).flatten() {
        if entry.file_type().is_dir() {
            continue;
        }
        if let Ok(meta) = entry.metadata() {
            files.insert(entry.into_path(), identity(&meta));
        }
    }
}

#[cfg(unix)]
pub fn identity(meta: &std::fs::Metadata) -> Identity {
    use std::os::unix::fs::MetadataExt;
    Identity {
        dev: meta.dev(),
        ino: meta.ino(),
        size: meta.size(),
        changed: (meta.ctime(), meta.ctime_nsec()),
    }
}

#[cfg(not(unix))]
pub fn identity(meta: &std::fs::Metadata) -> Identity {
    let modified = meta
        .modified()
        .ok()
        .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
        .unwrap_or_default();
    Identity {
        dev: 0,
        ino: 0,
        size: meta.len(),
        changed: (modified.as_secs() as i64, modified.subsec_nanos() as i64),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_rewritten_added_or_removed_file_is_seen() {
        let dir = tempfile::tempdir().unwrap();
        let course = dir.path().join("course");
        std::fs::create_dir_all(course.join("grader/checks")).unwrap();
        std::fs::write(course.join("grader/checks/a.rs"), "a").unwrap();
        std::fs::write(course.join("course.toml"), "").unwrap();
        let watched = Watched::new(&course, &[]);
        let before = watched.snapshot();
        assert!(before.changed(&watched.snapshot()).is_empty());
        // Same size, same content length: still seen (the change time moves).
        std::thread::sleep(std::time::Duration::from_millis(20));
        std::fs::write(course.join("grader/checks/a.rs"), "b").unwrap();
        std::fs::write(course.join("grader/checks/new.rs"), "").unwrap();
        std::fs::remove_file(course.join("course.toml")).unwrap();
        let changed = before.changed(&watched.snapshot());
        assert_eq!(changed.len(), 3, "{changed:?}");
    }
}
