//! Walking a folder tree: the one place that says how the grader's walks treat symbolic links,
//! order and errors, over `walkdir`. Each walk (staging, fingerprints, the tamper watch, a
//! class's integrity flags, the student's file set, the edition) says which entries it leaves out.
//!
//! - **Order**: each folder's entries in file-name order, a folder's contents right after it (or,
//!   with [`Walk::entries_deepest_first`], the reverse). A fingerprint over a walk is then the same
//!   on every machine and file system.
//! - **Links**: never followed unless the walk asks ([`Links`]). A link the student put in a crate
//!   could point at anything the grader can read, such as the course's solutions.
//! - **Errors**: yielded as `std::io::Error`, the caller deciding whether a folder it cannot read
//!   fails the walk or is passed over; with [`Links::Followed`], a link that leads nowhere (or
//!   round in a loop) is passed over, as a walk with `Path::is_dir`/`is_file` always did.

use std::path::Path;
pub use walkdir::DirEntry;

/// What a walk does with a symbolic link below its root.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Links {
    /// Yielded as the link itself (`file_type().is_symlink()`), never entered or read through.
    Kept,
    /// Followed: what it points at is walked as if it stood there.
    Followed,
}

/// A walk of the tree at a root, set up by the builder methods, then run by [`Walk::entries`].
pub struct Walk {
    inner: walkdir::WalkDir,
    links: Links,
    with_root: bool,
}

impl Walk {
    /// The entries below `root` (not `root` itself), links kept. A `root` that is itself a link
    /// to a folder is walked through (it is the folder the caller named).
    pub fn below(root: &Path) -> Walk {
        Walk {
            inner: walkdir::WalkDir::new(root).min_depth(1).sort_by_file_name(),
            links: Links::Kept,
            with_root: false,
        }
    }

    /// `root` itself first, as it is (a link there is yielded as a link, not followed), then
    /// everything below it, links kept. `root` may be a file: then it is the one entry.
    pub fn from_root(root: &Path) -> Walk {
        Walk {
            inner: walkdir::WalkDir::new(root)
                .follow_root_links(false)
                .sort_by_file_name(),
            links: Links::Kept,
            with_root: true,
        }
    }

    pub fn links(mut self, links: Links) -> Walk {
        self.inner = self.inner.follow_links(links == Links::Followed);
        self.links = links;
        self
    }

    /// The entries, leaving out those `keep` refuses (a folder refused is not entered). `keep` is
    /// asked about the root too when the walk yields it ([`Walk::from_root`]).
    pub fn entries(
        self,
        mut keep: impl FnMut(&DirEntry) -> bool,
    ) -> impl Iterator<Item = std::io::Result<DirEntry>> {
        let with_root = self.with_root;
        let links = self.links;
        self.inner
            .into_iter()
            .filter_entry(move |e| (e.depth() == 0 && !with_root) || keep(e))
            .filter_map(move |entry| match entry {
                Ok(e) => Some(Ok(e)),
                Err(e) if links == Links::Followed && leads_nowhere(&e) => None,
                Err(e) => Some(Err(e.into())),
            })
    }

    /// The same entries, each folder after everything in it (to remove what is in a folder, then
    /// the folder). Collected first: `walkdir`'s own contents-first order asks `keep` about a
    /// folder only after walking it, so a folder refused would still be walked.
    pub fn entries_deepest_first(
        self,
        keep: impl FnMut(&DirEntry) -> bool,
    ) -> Vec<std::io::Result<DirEntry>> {
        let mut all: Vec<_> = self.entries(keep).collect();
        all.reverse();
        all
    }
}

/// A link that cannot be followed: it points at nothing, or back at a folder it is in.
fn leads_nowhere(e: &walkdir::Error) -> bool {
    e.loop_ancestor().is_some()
        || e.depth() > 0
            && e.path()
                .is_some_and(|p| p.symlink_metadata().is_ok_and(|m| m.is_symlink()))
}

/// An entry's file name, lossily as text.
pub fn name(e: &DirEntry) -> std::borrow::Cow<'_, str> {
    e.file_name().to_string_lossy()
}

/// `path` relative to `root`, with `/` between components on every platform.
pub fn relative(root: &Path, path: &Path) -> String {
    path.strip_prefix(root)
        .unwrap_or(path)
        .to_string_lossy()
        .replace('\\', "/")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tree() -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        for f in ["b/z.rs", "b/a.rs", "a.rs", ".hidden/x", "c"] {
            let p = dir.path().join(f);
            std::fs::create_dir_all(p.parent().unwrap()).unwrap();
            std::fs::write(p, f).unwrap();
        }
        dir
    }

    fn names(walk: Walk, root: &Path) -> Vec<String> {
        walk.entries(|e| !name(e).starts_with('.'))
            .map(|e| relative(root, e.unwrap().path()))
            .collect()
    }

    #[test]
    fn entries_come_in_file_name_order_and_a_refused_folder_is_not_entered() {
        let dir = tree();
        let root = dir.path();
        assert_eq!(
            names(Walk::below(root), root),
            ["a.rs", "b", "b/a.rs", "b/z.rs", "c"]
        );
        let deepest_first: Vec<String> = Walk::below(root)
            .entries_deepest_first(|e| !name(e).starts_with('.'))
            .into_iter()
            .map(|e| relative(root, e.unwrap().path()))
            .collect();
        assert_eq!(deepest_first, ["c", "b/z.rs", "b/a.rs", "b", "a.rs"]);
    }

    #[cfg(unix)]
    #[test]
    fn links_are_kept_unless_followed_and_one_leading_nowhere_is_passed_over() {
        let dir = tree();
        let root = dir.path();
        std::os::unix::fs::symlink(root.join("b"), root.join("d")).unwrap();
        std::os::unix::fs::symlink(root.join("gone"), root.join("e")).unwrap();
        std::os::unix::fs::symlink(root, root.join("b/up")).unwrap();
        let kept: Vec<(String, bool)> = Walk::below(root)
            .entries(|_| true)
            .map(|e| e.unwrap())
            .filter(walkdir::DirEntry::path_is_symlink)
            .map(|e| (relative(root, e.path()), e.file_type().is_symlink()))
            .collect();
        assert_eq!(
            kept,
            [
                ("b/up".into(), true),
                ("d".into(), true),
                ("e".into(), true)
            ]
        );
        let followed: Vec<String> = Walk::below(root)
            .links(Links::Followed)
            .entries(|e| !name(e).starts_with('.'))
            .map(|e| relative(root, e.unwrap().path()))
            .collect();
        assert_eq!(
            followed,
            [
                "a.rs", "b", "b/a.rs", "b/z.rs", "c", "d", "d/a.rs", "d/z.rs"
            ]
        );
    }

    #[test]
    fn from_root_yields_the_root_and_asks_about_it() {
        let dir = tree();
        let root = dir.path().join("b");
        let all: Vec<String> = Walk::from_root(&root)
            .entries(|_| true)
            .map(|e| relative(dir.path(), e.unwrap().path()))
            .collect();
        assert_eq!(all, ["b", "b/a.rs", "b/z.rs"]);
        assert_eq!(Walk::from_root(&root).entries(|_| false).count(), 0);
        let file = Walk::from_root(&dir.path().join("c"))
            .entries(|_| true)
            .map(|e| e.unwrap().file_type().is_file())
            .collect::<Vec<_>>();
        assert_eq!(file, [true]);
    }
}
