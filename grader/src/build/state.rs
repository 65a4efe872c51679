//! The grader's state directory, and the only module that knows its layout.
//!
//! ```text
//! <state>/cargo/                    cargo's target directory for every harness (tokio builds once)
//! <state>/harness/course-<tag>/     the generated harness workspace of one course
//! <state>/stage/crates-<key>/support/  the course's crates as the harnesses build them: copies with
//! <state>/stage/crates-<key>/check/    generated manifests (see `stage`), under a hash of their
//!                                    sources, so every copy of one course shares their build
//! <state>/stage/checks-<key>/      the course's checks (`checks/`), and the facades and checks
//!                                    libraries built from them, under a hash of the checks and
//!                                    of the course's crates: shared by every copy of one course
//! <state>/stage/<tag>/<member>/     the crate under test of one harness, staged
//! <state>/results/<xx>/<id>         results `grade` kept, by a hash of everything they came from
//! <state>/bundled/<member>          a design's binary when built in its exercise's bundle: a hard
//!                                    link to one copy of the bundle (see `build::harness::bundle`)
//! <state>/stamps/<member>           the fingerprint of a harness's last successful build
//! <state>/stamps/<member>.warnings  the crate's compiler warnings from that build
//! <state>/lists/<binary>.list       a harness's check list, keyed by the binary's size and time
//! <state>/lists/last-known/<slug>-<tag>  the last check list seen for an exercise (points on offer)
//! <state>/pictures/<name>.svg     what a bare `run --svg` or `diff --svg` drew
//! <state>/runs/run-XXXX/            one grader run's report files and check working directories
//! <state>/kept/<dev>-<inode>        a hard link to a harness binary, kept while checks run (see
//!                                    `run::tamper::trusted`), shared by every run
//! <state>/lock                      held while staging and building
//! ```
//!
//! `grade --clean` removes the harness builds of submissions ([`State::clean_submissions`]).
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

    /// Whether cargo's target directory holds a compiled tokio. Until it does, a build of the
    /// checks compiles every dependency: under a minute, where a build after an edit takes
    /// seconds.
    pub fn dependencies_built(&self) -> bool {
        std::fs::read_dir(self.cargo_target().join("debug").join("deps")).is_ok_and(|dir| {
            dir.flatten().any(|e| {
                let name = e.file_name();
                let name = name.to_string_lossy();
                name.starts_with("libtokio-") && name.ends_with(".rlib")
            })
        })
    }

    /// The harness workspace of this course (or of one harness built alone).
    pub fn harness_workspace(&self, alone: Option<&str>) -> PathBuf {
        let name = match alone {
            Some(member) => format!("solo-{member}"),
            None => format!("course-{}", self.tag),
        };
        self.root.join("harness").join(name)
    }

    /// Where the course's own crates (`support`, `check`) are staged: under `key`, a hash of
    /// their sources and of the course's root manifest, not under the course's tag. Every copy of
    /// one course (a class's clones, each test's) then builds them once per state directory.
    /// Sharing cannot mix two courses' crates up: they are staged, and built, under the state's
    /// lock, and a staged file whose content differs is rewritten, so cargo rebuilds it.
    pub fn course_crates(&self, key: u64) -> PathBuf {
        self.root.join("stage").join(format!("crates-{key:016x}"))
    }

    /// Where the course's checks are staged, and the facades and checks libraries built from them:
    /// under `key`, a hash of the checks and of the course's crates (see `stage::checks_key`),
    /// shared by every copy of one course, as [`Self::course_crates`] is.
    pub fn course_checks(&self, key: u64) -> PathBuf {
        self.root.join("stage").join(format!("checks-{key:016x}"))
    }

    /// Where a staged copy of a harness member's crate lives.
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

    /// Where a bare `run --svg` or `diff --svg` draws the picture `name`.
    pub fn picture(&self, name: &str) -> PathBuf {
        self.root.join("pictures").join(format!("{name}.svg"))
    }

    /// Where a harness member's binary is linked when it was built in its exercise's bundle
    /// (see `build::harness::bundle`): outside cargo's folder, which cargo alone writes.
    pub fn bundled(&self, member: &str) -> PathBuf {
        self.root
            .join("bundled")
            .join(format!("{member}{}", std::env::consts::EXE_SUFFIX))
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
    /// Where the tamper watch keeps its links to harness binaries.
    pub fn kept_links(&self) -> PathBuf {
        self.root.join("kept")
    }

    pub fn run_dir(&self) -> std::io::Result<tempfile::TempDir> {
        let runs = self.root.join("runs");
        std::fs::create_dir_all(&runs)?;
        tempfile::Builder::new().prefix("run-").tempdir_in(runs)
    }
}

impl State {
    /// Removes the harness builds of submissions (`grade --clean`): of this course, every
    /// harness of another crate than its own (`check-<slug>-other-<hash>-<tag>`: what `grade`
    /// and `diff --against` build), with everything cargo and the grader keep of it: its binary,
    /// its crate's library, their incremental and fingerprint directories, the staged crate, the
    /// harness's files, stamps and check lists. Shared builds (tokio, the course's crates) and
    /// kept results stay: a submission whose results are kept is not built again. Returns how
    /// many entries were removed and their size in bytes. Call it holding [`State::lock`].
    pub fn clean_submissions(&self) -> (usize, u64) {
        let tag = self.tag.clone();
        // `check-01-x-other-0a1b2c3d-<tag>`, as cargo spells it anywhere (`_` for `-`, `lib`
        // and `code-` before it, `-<hash>` and an extension after it).
        let is_submission = |name: &str| {
            let name = name.replace('_', "-");
            let name = name.strip_prefix("lib").unwrap_or(&name);
            let name = name.strip_prefix("code-").unwrap_or(name);
            let name = name.strip_prefix("solo-").unwrap_or(name);
            name.starts_with("check-")
                && name.split(&format!("-{tag}")).count() > 1
                && name.split('-').collect::<Vec<_>>().windows(2).any(|w| {
                    w[0] == "other"
                        && w[1].len() == 8
                        && w[1].chars().all(|c| c.is_ascii_hexdigit())
                })
        };
        let debug = self.cargo_target().join("debug");
        let dirs = [
            debug.clone(),
            debug.join("deps"),
            debug.join("incremental"),
            debug.join(".fingerprint"),
            debug.join("build"),
            self.root.join("stage").join(&self.tag),
            self.harness_workspace(None),
            self.root.join("harness"),
            self.root.join("stamps"),
            self.root.join("lists"),
        ];
        let (mut count, mut bytes) = (0, 0);
        for dir in dirs {
            let Ok(entries) = std::fs::read_dir(&dir) else {
                continue;
            };
            for entry in entries.filter_map(std::result::Result::ok) {
                if !is_submission(&entry.file_name().to_string_lossy()) {
                    continue;
                }
                let path = entry.path();
                let size = size_of(&path);
                let gone = if entry.file_type().is_ok_and(|t| t.is_dir()) {
                    std::fs::remove_dir_all(&path)
                } else {
                    std::fs::remove_file(&path)
                };
                if gone.is_ok() {
                    count += 1;
                    bytes += size;
                }
            }
        }
        (count, bytes)
    }
}

/// The size of a file, or of everything in a directory (links not followed).
fn size_of(path: &Path) -> u64 {
    crate::build::walk::Walk::from_root(path)
        .entries(|_| true)
        .flatten()
        .filter(|e| !e.file_type().is_dir())
        .filter_map(|e| e.metadata().ok())
        .map(|m| m.len())
        .sum()
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

#[cfg(test)]
mod tests {
    use super::State;

    #[test]
    fn dependencies_are_built_once_cargo_has_compiled_tokio_there() {
        let dir = tempfile::tempdir().unwrap();
        let state = State {
            root: dir.path().to_path_buf(),
            tag: "000000".into(),
        };
        assert!(!state.dependencies_built(), "no cargo folder yet");
        let deps = state.cargo_target().join("debug").join("deps");
        std::fs::create_dir_all(&deps).unwrap();
        std::fs::write(deps.join("libawaitlings-1a2b.rlib"), "").unwrap();
        std::fs::write(deps.join("tokio-1a2b.d"), "").unwrap();
        assert!(!state.dependencies_built(), "tokio not compiled yet");
        std::fs::write(deps.join("libtokio-1a2b3c.rlib"), "").unwrap();
        assert!(state.dependencies_built());
    }
}
