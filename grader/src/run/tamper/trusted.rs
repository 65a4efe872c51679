//! What the watched files held when the run began, kept so that the grader can put them back
//! the moment it sees one changed: the course's checks, fixtures, support crate, check API and
//! manifests by their bytes (small text files), a harness binary by a hard link to it (a binary
//! replaced by a rename keeps its old inode alive there).
//!
//! Making a hard link moves the linked file's change time, which is what the watch compares. So
//! a binary's link is made once, named by its inode, in a folder of the state directory that
//! every run shares: the run that makes it does so before it notes its baseline, and a later or
//! concurrent run (a `watch` beside a `check`, the next seed) finds it made and moves nothing.
//! A link whose binary is gone (its count down to one) is removed at the next keep.

use super::{Identity, Snapshot, identity};
use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};

/// Files up to this size (the course's text files) are kept in memory; larger ones (harness
/// binaries, 2.5 MB and up) by a hard link. At 4 MiB, most binaries were read into memory by
/// every run: `verify 07` peaked at 106 MB instead of 31 MB, in the same time.
pub(super) const IN_MEMORY: u64 = 1 << 20;

enum Kept {
    Bytes { bytes: Vec<u8>, mode: u32 },
    Link(PathBuf),
}

/// The watched files' contents at the start of the run.
pub struct Trusted {
    kept: BTreeMap<PathBuf, Kept>,
    /// Every file there was at the start, kept or not (a file not there then is removed).
    present: Vec<PathBuf>,
    /// Where a changed file's content goes before the file is put back (see [`Self::set_aside`]).
    aside: Option<PathBuf>,
}

impl Trusted {
    /// Keeps every file of `snapshot`; large ones as hard links in `links` (a directory of the
    /// state, shared by every run: see the module's doc). A file that can be neither read nor
    /// linked is only watched.
    pub fn keep(snapshot: &Snapshot, links: &Path) -> Trusted {
        sweep(links);
        let mut kept = BTreeMap::new();
        let present: Vec<PathBuf> = snapshot.paths().map(Path::to_path_buf).collect();
        for path in &present {
            let Ok(meta) = std::fs::symlink_metadata(path) else {
                continue;
            };
            if !meta.is_file() {
                continue;
            }
            if meta.len() <= IN_MEMORY {
                if let Ok(bytes) = std::fs::read(path) {
                    kept.insert(
                        path.clone(),
                        Kept::Bytes {
                            bytes,
                            mode: mode(&meta),
                        },
                    );
                }
                continue;
            }
            if let Some(link) = link_to(path, &meta, links) {
                kept.insert(path.clone(), Kept::Link(link));
            }
        }
        Trusted {
            kept,
            present,
            aside: None,
        }
    }

    /// Before a changed file is put back, its changed content is copied beneath `dir` (at its own
    /// absolute path). A check that rewrote a file loses nothing by it, but a person who edited
    /// the course while a run was under way (a maintainer saving a checks file during `verify`)
    /// would lose the edit: it is kept there instead.
    pub fn set_aside(mut self, dir: PathBuf) -> Trusted {
        self.aside = Some(dir);
        self
    }

    /// The directory changed contents were copied to, when any were.
    pub fn aside(&self) -> Option<&Path> {
        self.aside.as_deref().filter(|d| d.is_dir())
    }

    fn keep_changed(&self, path: &Path) {
        let Some(dir) = &self.aside else {
            return;
        };
        let Ok(meta) = std::fs::symlink_metadata(path) else {
            return;
        };
        if !meta.is_file() || meta.len() > IN_MEMORY {
            return;
        }
        let rel: PathBuf = path
            .components()
            .filter(|c| matches!(c, std::path::Component::Normal(_)))
            .collect();
        let to = dir.join(rel);
        if let Some(parent) = to.parent()
            && std::fs::create_dir_all(parent).is_ok()
        {
            let _ = std::fs::copy(path, to);
        }
    }

    /// Puts the `changed` paths back as they were, and notes in `baseline` what each now is.
    /// Returns the paths it could not put back (their new state becomes the baseline, so the
    /// same change is not seen again).
    pub fn restore(&self, changed: &[PathBuf], baseline: &mut Snapshot) -> Vec<PathBuf> {
        let mut failed = Vec::new();
        // What was added goes first: an added link where a directory was must not lead the
        // restored files elsewhere.
        let (added, rest): (Vec<&PathBuf>, Vec<&PathBuf>) =
            changed.iter().partition(|p| !self.present.contains(p));
        for path in added {
            self.keep_changed(path);
            let _ = remove(path);
            match std::fs::symlink_metadata(path) {
                Err(_) => baseline.set(path, None),
                Ok(meta) => {
                    baseline.set(path, Some(identity(&meta)));
                    failed.push(path.clone());
                }
            }
        }
        let mut linked = Vec::new();
        for path in rest {
            self.keep_changed(path);
            match self.put_back(path) {
                Ok(id) => {
                    if matches!(self.kept.get(path), Some(Kept::Link(_))) {
                        linked.push(id.clone());
                    }
                    baseline.set(path, Some(id));
                }
                Err(_) => {
                    let now = std::fs::symlink_metadata(path).ok().map(|m| identity(&m));
                    baseline.set(path, now);
                    failed.push(path.clone());
                }
            }
        }
        baseline.follow_put_back(&linked);
        failed
    }

    fn put_back(&self, path: &Path) -> std::io::Result<Identity> {
        let kept = self
            .kept
            .get(path)
            .ok_or_else(|| std::io::Error::other("not kept"))?;
        let _ = remove(path);
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir)?;
        }
        match kept {
            Kept::Bytes { bytes, mode } => {
                let mut file = std::fs::OpenOptions::new()
                    .write(true)
                    .create_new(true)
                    .open(path)?;
                file.write_all(bytes)?;
                set_mode(&file, *mode)?;
                // The identity of what *we* wrote, through our own descriptor: a change after
                // this moment is still seen.
                Ok(identity(&file.metadata()?))
            }
            Kept::Link(link) => {
                std::fs::hard_link(link, path)?;
                Ok(identity(&std::fs::symlink_metadata(path)?))
            }
        }
    }
}

/// The hard link to `path` (whose metadata is `meta`) in `links`, named by its inode: the one
/// already there, or made now.
#[cfg(unix)]
fn link_to(path: &Path, meta: &std::fs::Metadata, links: &Path) -> Option<PathBuf> {
    use std::os::unix::fs::MetadataExt;
    let link = links.join(format!("{}-{}", meta.dev(), meta.ino()));
    let is_ours = |link: &Path| {
        std::fs::symlink_metadata(link)
            .is_ok_and(|l| (l.dev(), l.ino()) == (meta.dev(), meta.ino()))
    };
    if is_ours(&link) {
        return Some(link);
    }
    // Not there, or (a folder tampered with) something else under its name.
    let _ = remove(&link);
    std::fs::create_dir_all(links).ok()?;
    // Another run may make the same link at the same moment: then theirs is as good.
    let _ = std::fs::hard_link(path, &link);
    is_ours(&link).then_some(link)
}

/// Without inodes, a link is named by the file's path and made again by each run (the watch
/// compares modification times there, which a link leaves alone).
#[cfg(not(unix))]
fn link_to(path: &Path, _meta: &std::fs::Metadata, links: &Path) -> Option<PathBuf> {
    use std::hash::{Hash, Hasher};
    let mut h = std::collections::hash_map::DefaultHasher::new();
    path.hash(&mut h);
    let link = links.join(format!("{:016x}", h.finish()));
    let _ = remove(&link);
    std::fs::create_dir_all(links).ok()?;
    std::fs::hard_link(path, &link).ok()?;
    Some(link)
}

/// Removes the links in `links` whose file is gone (no other link to it left): they would keep a
/// deleted binary's space taken.
pub fn sweep(links: &Path) {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        let Ok(entries) = std::fs::read_dir(links) else {
            return;
        };
        for entry in entries.flatten() {
            if entry
                .metadata()
                .is_ok_and(|m| m.is_file() && m.nlink() <= 1)
            {
                let _ = std::fs::remove_file(entry.path());
            }
        }
    }
    #[cfg(not(unix))]
    let _ = links;
}

/// Removes whatever is at `path` (a file, a link, a FIFO, a directory), without following links.
fn remove(path: &Path) -> std::io::Result<()> {
    let meta = std::fs::symlink_metadata(path)?;
    if meta.is_dir() {
        std::fs::remove_dir_all(path)
    } else {
        std::fs::remove_file(path)
    }
}

#[cfg(unix)]
fn mode(meta: &std::fs::Metadata) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    meta.permissions().mode()
}

#[cfg(unix)]
fn set_mode(file: &std::fs::File, mode: u32) -> std::io::Result<()> {
    use std::os::unix::fs::PermissionsExt;
    file.set_permissions(std::fs::Permissions::from_mode(mode))
}

#[cfg(not(unix))]
fn mode(meta: &std::fs::Metadata) -> u32 {
    u32::from(meta.permissions().readonly())
}

#[cfg(not(unix))]
fn set_mode(file: &std::fs::File, mode: u32) -> std::io::Result<()> {
    let mut p = file.metadata()?.permissions();
    p.set_readonly(mode == 1);
    file.set_permissions(p)
}

#[cfg(test)]
mod tests {
    use super::super::Watched;
    use super::*;

    /// An exercise's bundled designs are names of one binary: linking names back moves the
    /// file's change time for all, which must not read as changed afterwards; a name replaced
    /// after that still does.
    #[cfg(unix)]
    #[test]
    fn putting_back_one_name_of_a_shared_binary_leaves_its_other_names_unchanged() {
        let dir = tempfile::tempdir().unwrap();
        let course = dir.path().join("course");
        std::fs::create_dir_all(&course).unwrap();
        let bins = dir.path().join("bundled");
        std::fs::create_dir_all(&bins).unwrap();
        let (one, two) = (bins.join("one"), bins.join("two"));
        let big = vec![7u8; super::IN_MEMORY as usize + 1];
        std::fs::write(&one, &big).unwrap();
        std::fs::hard_link(&one, &two).unwrap();
        let watched = Watched::new(&course, &[one.clone(), two.clone()]);
        let trusted = Trusted::keep(&watched.snapshot(), &dir.path().join("links"));
        // As a run does: the links kept first, then the baseline noted.
        let mut baseline = watched.snapshot();

        let replace = |path: &Path| {
            std::thread::sleep(std::time::Duration::from_millis(20));
            let other = vec![9u8; big.len()];
            std::fs::write(bins.join("new"), other).unwrap();
            std::fs::rename(bins.join("new"), path).unwrap();
        };
        replace(&one);
        // `two` too: the file it names lost a name, which moves its change time.
        let changed = baseline.changed(&watched.snapshot());
        assert!(changed.contains(&one), "{changed:?}");
        std::thread::sleep(std::time::Duration::from_millis(20));
        assert!(trusted.restore(&changed, &mut baseline).is_empty());
        assert_eq!(std::fs::read(&one).unwrap(), big);
        assert_eq!(baseline.changed(&watched.snapshot()), Vec::<PathBuf>::new());

        replace(&two);
        assert!(baseline.changed(&watched.snapshot()).contains(&two));
    }

    #[test]
    fn rewritten_added_removed_and_replaced_files_are_put_back() {
        let dir = tempfile::tempdir().unwrap();
        let course = dir.path().join("course");
        let checks = course.join("grader/checks");
        std::fs::create_dir_all(&checks).unwrap();
        std::fs::write(checks.join("a.rs"), "checks a\n").unwrap();
        std::fs::write(checks.join("b.rs"), "checks b\n").unwrap();
        std::fs::write(course.join("course.toml"), "[course]\n").unwrap();
        let watched = Watched::new(&course, &[]);
        let mut baseline = watched.snapshot();
        let trusted = Trusted::keep(&baseline, &dir.path().join("links"));

        std::fs::OpenOptions::new()
            .append(true)
            .open(checks.join("a.rs"))
            .unwrap()
            .write_all(b"// appended\n")
            .unwrap();
        std::fs::write(checks.join("new.rs"), "added").unwrap();
        std::fs::remove_file(course.join("course.toml")).unwrap();
        std::fs::write(checks.join("b.tmp"), "lenient").unwrap();
        std::fs::rename(checks.join("b.tmp"), checks.join("b.rs")).unwrap();

        let changed = baseline.changed(&watched.snapshot());
        assert_eq!(changed.len(), 4, "{changed:?}");
        assert_eq!(
            trusted.restore(&changed, &mut baseline),
            Vec::<PathBuf>::new()
        );
        assert_eq!(
            std::fs::read_to_string(checks.join("a.rs")).unwrap(),
            "checks a\n"
        );
        assert_eq!(
            std::fs::read_to_string(checks.join("b.rs")).unwrap(),
            "checks b\n"
        );
        assert_eq!(
            std::fs::read_to_string(course.join("course.toml")).unwrap(),
            "[course]\n"
        );
        assert!(!checks.join("new.rs").exists());
        // The baseline is what the grader put back: nothing looks changed any more.
        assert_eq!(baseline.changed(&watched.snapshot()), Vec::<PathBuf>::new());
    }

    #[test]
    fn what_a_changed_file_held_is_kept_aside_before_it_is_put_back() {
        let dir = tempfile::tempdir().unwrap();
        let course = dir.path().join("course");
        std::fs::create_dir_all(course.join("grader/checks")).unwrap();
        let file = course.join("grader/checks/a.rs");
        std::fs::write(&file, "trusted\n").unwrap();
        let watched = Watched::new(&course, &[]);
        let mut baseline = watched.snapshot();
        let aside = dir.path().join("aside");
        let trusted = Trusted::keep(&baseline, &dir.path().join("links")).set_aside(aside.clone());
        assert_eq!(trusted.aside(), None, "nothing put back yet");

        std::fs::write(&file, "a maintainer's edit\n").unwrap();
        let changed = baseline.changed(&watched.snapshot());
        trusted.restore(&changed, &mut baseline);
        assert_eq!(std::fs::read_to_string(&file).unwrap(), "trusted\n");
        let kept: PathBuf = file
            .components()
            .filter(|c| matches!(c, std::path::Component::Normal(_)))
            .collect();
        assert_eq!(
            std::fs::read_to_string(aside.join(kept)).unwrap(),
            "a maintainer's edit\n"
        );
        assert_eq!(trusted.aside(), Some(aside.as_path()));
    }
}
