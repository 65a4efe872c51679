//! Saves in an exercise's folder, for watch mode.
//!
//! Two sources, one meaning. The OS's file events (through `notify`: inotify, FSEvents,
//! ReadDirectoryChangesW) make a save felt at once. A poll compares the folder's [`Snapshot`] on a
//! timer and catches what events miss: on filesystems where they never arrive (a Windows drive
//! under WSL, network and VM shares) it is the only source, and runs often. Either way, "changed"
//! means a file's *content* changed (or a file came or went) since the last check: an editor that
//! rewrites a file unchanged, or touches a backup, costs no check.

use notify::event::{AccessKind, AccessMode};
use notify::{EventKind, RecursiveMode, Watcher as _};
use std::hash::{DefaultHasher, Hash, Hasher};
use std::path::{Path, PathBuf};
use std::sync::mpsc::Sender;
use std::time::Duration;

/// The content of a folder's files, by relative path (a hash each: the files are a student's
/// source, small, and read in microseconds).
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Snapshot(Vec<(PathBuf, u64)>);

impl Snapshot {
    /// Reads `dir`, leaving out `target/` and hidden files and folders (editors' swap files,
    /// `.git`): none of them is code the checks build.
    pub fn of(dir: &Path) -> Snapshot {
        let mut files = Vec::new();
        collect(dir, &mut files);
        files.sort();
        Snapshot(files)
    }
}

fn collect(root: &Path, into: &mut Vec<(PathBuf, u64)>) {
    let left_out = |e: &crate::build::walk::DirEntry| {
        let name = crate::build::walk::name(e);
        name.starts_with('.') || name.ends_with('~') || name == "target"
    };
    let entries = crate::build::walk::Walk::below(root).entries(|e| !left_out(e));
    for entry in entries.flatten() {
        if entry.file_type().is_dir() {
            continue;
        }
        let mut h = DefaultHasher::new();
        // An unreadable file (being written right now) hashes as such; the next event or poll
        // reads it again. A link is read through (one to a folder reads as unreadable).
        std::fs::read(entry.path()).ok().hash(&mut h);
        let rel = entry
            .path()
            .strip_prefix(root)
            .unwrap_or(entry.path())
            .to_path_buf();
        into.push((rel, h.finish()));
    }
}

/// How often the folder is polled when file events are working (a safety net), and when they
/// are not (the only source).
const SAFETY_POLL: Duration = Duration::from_secs(2);
const ONLY_POLL: Duration = Duration::from_millis(400);

/// Where saves come from, for the folder being watched.
pub struct Saves {
    events: Option<notify::RecommendedWatcher>,
    watching: Option<PathBuf>,
    /// Why there are no file events, when there are none (said once, on screen).
    pub polling_because: Option<String>,
}

impl Saves {
    /// File events go to `to` as `nudge(written)`: a hint to look, never a verdict (the snapshot
    /// is). `written` is true when a file that was open for writing was closed (inotify's
    /// IN_CLOSE_WRITE): a save is then complete, and the folder need not stay quiet for long.
    /// `poll_only` skips events (`--poll`).
    pub fn new<T: Send + 'static>(to: Sender<T>, nudge: fn(bool) -> T, poll_only: bool) -> Saves {
        let (events, polling_because) = if poll_only {
            (None, Some("--poll was given".to_string()))
        } else {
            let watcher =
                notify::recommended_watcher(move |event: notify::Result<notify::Event>| {
                    let Ok(event) = event else { return };
                    let written = matches!(
                        event.kind,
                        EventKind::Access(AccessKind::Close(AccessMode::Write))
                    );
                    // Reading a file (the grader's own staging does) is not a change.
                    if written || !matches!(event.kind, EventKind::Access(_)) {
                        let _ = to.send(nudge(written));
                    }
                });
            match watcher {
                Ok(w) => (Some(w), None),
                Err(e) => (None, Some(format!("file events are not available ({e})"))),
            }
        };
        Saves {
            events,
            watching: None,
            polling_because,
        }
    }

    /// Watches `dir` (and stops watching the previous folder).
    pub fn watch(&mut self, dir: &Path) {
        if let Some(w) = self.events.as_mut() {
            if let Some(old) = self.watching.take() {
                let _ = w.unwatch(&old);
            }
            if let Err(e) = w.watch(dir, RecursiveMode::Recursive) {
                self.events = None;
                self.polling_because = Some(format!("cannot watch {} ({e})", dir.display()));
            }
        }
        if self.events.is_some()
            && let Some(why) = events_unreliable(dir)
        {
            // The watcher starts fine on these filesystems, and then hears nothing.
            self.events = None;
            self.polling_because = Some(why);
        }
        self.watching = Some(dir.to_path_buf());
    }

    /// How long to wait for an event before polling.
    pub fn poll_every(&self) -> Duration {
        if self.events.is_some() {
            SAFETY_POLL
        } else {
            ONLY_POLL
        }
    }
}

/// Filesystems whose changes reach no inotify watch when made from the other side: a Windows
/// drive under WSL (9p, drvfs), network shares, VM shared folders.
///
/// The WSL case is about file events, not the keyboard, so crossterm (which now reads keys on
/// every platform, WSL's terminals included) does not make it unnecessary: a file saved by a
/// Windows editor on `/mnt/c` still sends no inotify event to a grader running in WSL.
const EVENTLESS: &[&str] = &[
    "9p",
    "drvfs",
    "nfs",
    "nfs4",
    "cifs",
    "smb3",
    "smbfs",
    "fuse.sshfs",
    "vboxsf",
    "prl_fs",
];

/// Why file events cannot be trusted under `dir`, if they cannot (Linux: from /proc/self/mounts,
/// the mount with the longest prefix of `dir`).
fn events_unreliable(dir: &Path) -> Option<String> {
    let mounts = std::fs::read_to_string("/proc/self/mounts").ok()?;
    let dir = dir.canonicalize().ok()?;
    let (mount, fstype) = mounts
        .lines()
        .filter_map(|l| {
            let mut f = l.split_whitespace();
            let (_, point, fstype) = (f.next()?, f.next()?, f.next()?);
            // Mount points escape spaces as \040.
            let point = PathBuf::from(point.replace("\\040", " "));
            dir.starts_with(&point)
                .then_some((point, fstype.to_string()))
        })
        .max_by_key(|(point, _)| point.as_os_str().len())?;
    EVENTLESS.contains(&fstype.as_str()).then(|| {
        format!(
            "{} is on a {fstype} filesystem, where file events do not arrive",
            mount.display()
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_snapshot_changes_with_content_not_with_a_rewrite() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("src")).unwrap();
        std::fs::write(dir.path().join("src/lib.rs"), "fn a() {}").unwrap();
        let before = Snapshot::of(dir.path());
        std::fs::write(dir.path().join("src/lib.rs"), "fn a() {}").unwrap();
        assert_eq!(Snapshot::of(dir.path()), before, "same content");
        std::fs::write(dir.path().join(".lib.rs.swp"), "x").unwrap();
        std::fs::create_dir_all(dir.path().join("target")).unwrap();
        std::fs::write(dir.path().join("target/out"), "x").unwrap();
        assert_eq!(Snapshot::of(dir.path()), before, "hidden files and target/");
        std::fs::write(dir.path().join("src/lib.rs"), "fn b() {}").unwrap();
        assert_ne!(Snapshot::of(dir.path()), before, "an edit");
    }

    #[test]
    fn a_new_file_is_a_change() {
        let dir = tempfile::tempdir().unwrap();
        let before = Snapshot::of(dir.path());
        std::fs::write(dir.path().join("extra.rs"), "").unwrap();
        assert_ne!(Snapshot::of(dir.path()), before);
    }
}
