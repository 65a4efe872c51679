//! The grader's state directory, and the only module that knows its layout.
//!
//! ```text
//! <state>/cargo/                    cargo's target directory for every harness (tokio builds once)
//! <state>/harness/course-<tag>/     the generated harness workspace of one course
//! <state>/stage/<tag>/support/      the course's crates as the harnesses build them: copies with
//! <state>/stage/<tag>/check/          generated manifests (see `stage`)
//! <state>/stage/<tag>/<member>/     the crate under test of one harness, staged
//! <state>/results/<xx>/<id>         results `grade` kept, by a hash of everything they came from
//! <state>/stamps/<member>           the fingerprint of a harness's last successful build
//! <state>/stamps/<member>.warnings  the crate's compiler warnings from that build
//! <state>/lists/<binary>.list       a harness's check list, keyed by the binary's size and time
//! <state>/lists/last-known/<slug>-<tag>  the last check list seen for an exercise (points on offer)
//! <state>/runs/run-XXXX/            one grader run's report files and check working directories
//! <state>/lock                      held while staging and building
//! ```
//!
//! `<state>` is `$AWAITLINGS_TARGET_DIR`, else `awaitlings/` in cargo's target directory
//! (`$CARGO_TARGET_DIR`, else the course's `target/`). `<tag>` is a hash of the course root, so
//! two clones sharing one target directory never overwrite each other's files.

use std::hash::{DefaultHasher, Hash, Hasher};
use std::path::{Path, PathBuf};

#[derive(Clone, Debug)]
pub struct State {
    pub root: PathBuf,
    /// A short hash of the course root.
    pub tag: String,
}

impl State {
    /// The state directory for the course at `course_root`.
    pub fn locate(course_root: &Path) -> State {
        let root = match std::env::var_os("AWAITLINGS_TARGET_DIR") {
            Some(dir) => PathBuf::from(dir),
            None => std::env::var_os("CARGO_TARGET_DIR")
                .map_or_else(|| course_root.join("target"), PathBuf::from)
                .join("awaitlings"),
        };
        // Relative to where the grader runs (as cargo reads it), and absolute from here on: the
        // path goes into generated manifests, where a relative one would mean something else.
        let root = std::path::absolute(&root).unwrap_or(root);
        State {
            root,
            tag: format!(
                "{:06x}",
                hash_of(&course_root.to_string_lossy()) & 0xff_ffff
            ),
        }
    }

    /// Cargo's target directory for every harness.
    pub fn cargo_target(&self) -> PathBuf {
        self.root.join("cargo")
    }

    /// The harness workspace of this course (or of one harness built alone).
    pub fn harness_workspace(&self, alone: Option<&str>) -> PathBuf {
        let name = match alone {
            Some(member) => format!("solo-{member}"),
            None => format!("course-{}", self.tag),
        };
        self.root.join("harness").join(name)
    }

    /// Where a staged copy of `what` (`support`, `check`, or a harness member's crate) lives.
    pub fn staged(&self, what: &str) -> PathBuf {
        self.root.join("stage").join(&self.tag).join(what)
    }

    /// The maintainer's editable copy of a wrong solution (`grader mistake`).
    pub fn mistake_copy(&self, slug: &str, mistake: &str) -> PathBuf {
        self.root
            .join("mistakes")
            .join(&self.tag)
            .join(slug)
            .join(mistake)
    }

    /// Results kept for `grade` to reuse, under the key of everything they came from (by
    /// content: see `Session::reuse_key`), whoever's crate it was and wherever it lay.
    pub fn kept(&self, key: &str) -> PathBuf {
        let id = sha1_smol::Sha1::from(key).digest().to_string();
        self.root.join("results").join(&id[..2]).join(id)
    }

    pub fn stamp(&self, member: &str) -> PathBuf {
        self.root.join("stamps").join(member)
    }

    pub fn warnings(&self, member: &str) -> PathBuf {
        self.root.join("stamps").join(format!("{member}.warnings"))
    }

    pub fn list_cache(&self, binary: &str) -> PathBuf {
        self.root.join("lists").join(format!("{binary}.list"))
    }

    pub fn last_known(&self, slug: &str) -> PathBuf {
        self.root
            .join("lists")
            .join("last-known")
            .join(format!("{slug}-{}", self.tag))
    }

    /// Waits for, then holds, the state directory's lock (released when the file is dropped).
    pub fn lock(&self) -> std::io::Result<std::fs::File> {
        std::fs::create_dir_all(&self.root)?;
        let file = std::fs::File::create(self.root.join("lock"))?;
        file.lock()?;
        Ok(file)
    }

    /// A fresh directory for one grader run (removed when dropped).
    pub fn run_dir(&self) -> std::io::Result<tempfile::TempDir> {
        let runs = self.root.join("runs");
        std::fs::create_dir_all(&runs)?;
        tempfile::Builder::new().prefix("run-").tempdir_in(runs)
    }
}

/// Writes `text` to `path` unless it already holds exactly that (so cargo sees a changed time only
/// on a changed file), creating parent directories.
pub fn write_if_changed(path: &Path, text: &[u8]) -> std::io::Result<()> {
    if std::fs::read(path).ok().as_deref() == Some(text) {
        return Ok(());
    }
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)?;
    }
    std::fs::write(path, text)
}

pub fn hash_of(s: &str) -> u64 {
    let mut h = DefaultHasher::new();
    s.hash(&mut h);
    h.finish()
}
