//! What a submission changed outside its exercise crates: the files a grader never takes from a
//! student (checks, fixtures, the check API, the support crate, the manifests and lock file, the
//! workflows). `grade` always uses the instructor's own; a difference is reported as an
//! integrity flag, so an instructor sees who tried.
//!
//! A submission is compared with what its student started from: the student edition computed
//! from the trusted course ([`crate::edition`]), or the whole course for a clone of the course
//! itself (an older hand-out, a teaching assistant's copy). Each submission is compared with
//! both and gets the flags of the one it matches better: a clone of either, as handed out, gets
//! none, and an edit outside `exercises/NN-slug/src/` differs from both, so it is flagged
//! whichever is picked. What the edition leaves out (solutions, hidden checks, wrong solutions,
//! the maintainers' tests) is never missed in an edition's clone.

use crate::build::walk::{DirEntry as Dir, Walk, relative};
use crate::course::Course;
use std::collections::BTreeMap;
use std::path::Path;

/// The course's trusted files and folders, relative to its root.
pub const TRUSTED: &[&str] = &[
    "grader",
    "support",
    "fixtures",
    "course.toml",
    "Cargo.toml",
    "Cargo.lock",
    ".github",
    ".ci",
];

/// Trusted folders the student edition does not ship: a clone that lacks their files changed
/// nothing (one that adds or changes a file there still gets a flag).
const NOT_SHIPPED: &[&str] = &["grader/checks/hidden/"];

/// Flags limit: a submission that rewrote everything gets the first ones and a count.
const MOST: usize = 20;

/// Trusted files by relative path, with a hash of each one's content.
type Files = BTreeMap<String, u64>;

/// What submissions are compared with: the trusted files of the course, and of its edition.
pub struct Baselines {
    course: Files,
    /// `None` when the course cannot make its edition (a course without the edition's templates):
    /// then submissions are compared with the course alone.
    edition: Option<Files>,
}

impl Baselines {
    pub fn of(course: &Course) -> Baselines {
        let edition = crate::edition::compute(course).ok().map(|files| {
            files
                .iter()
                .filter(|f| is_trusted(&f.path))
                .map(|f| (f.path.clone(), hash(&f.bytes)))
                .collect()
        });
        Baselines {
            course: trusted_files(&course.root),
            edition,
        }
    }

    /// How `submission` differs in the trusted files from what it started from: `changed X`,
    /// `added X`, `deleted X`, in path order.
    pub fn flags(&self, submission: &Path) -> Vec<String> {
        let theirs = trusted_files(submission);
        let mut best = compare(&self.course, &theirs);
        if let Some(edition) = &self.edition {
            let against_edition = compare(edition, &theirs);
            if against_edition.len() < best.len() {
                best = against_edition;
            }
        }
        if best.len() > MOST {
            let more = best.len() - MOST;
            best.truncate(MOST);
            best.push(format!("... and {more} more"));
        }
        best
    }
}

/// How `course` differs from `submission` in the trusted files (see [`Baselines::flags`]).
pub fn flags(course: &Course, submission: &Path) -> Vec<String> {
    Baselines::of(course).flags(submission)
}

fn compare(ours: &Files, theirs: &Files) -> Vec<String> {
    let mut out = Vec::new();
    for (path, hash) in theirs {
        match ours.get(path) {
            Some(h) if h == hash => {}
            Some(_) => out.push(format!("changed {path}")),
            None => out.push(format!("added {path}")),
        }
    }
    let shipped = |p: &&String| !NOT_SHIPPED.iter().any(|dir| p.starts_with(dir));
    for path in ours
        .keys()
        .filter(|p| !theirs.contains_key(*p))
        .filter(shipped)
    {
        out.push(format!("deleted {path}"));
    }
    out.sort_by(|a, b| {
        a.split_once(' ')
            .map(|x| x.1)
            .cmp(&b.split_once(' ').map(|x| x.1))
    });
    out
}

fn is_trusted(path: &str) -> bool {
    TRUSTED
        .iter()
        .any(|t| path == *t || path.starts_with(&format!("{t}/")))
}

fn hash(bytes: &[u8]) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut h = std::hash::DefaultHasher::new();
    bytes.hash(&mut h);
    h.finish()
}

/// Every trusted file under `root`, by relative path, with a hash of its content.
fn trusted_files(root: &Path) -> Files {
    let mut out = BTreeMap::new();
    for rel in TRUSTED {
        walk(root, &root.join(rel), &mut out);
    }
    out
}

/// Notes every file at or under `path` (links as links, never followed), leaving out build
/// output and version control, which are nobody's submission. An unreadable folder is passed over.
fn walk(root: &Path, path: &Path, out: &mut Files) {
    let nobodys =
        |e: &Dir| e.file_type().is_dir() && (e.file_name() == "target" || e.file_name() == ".git");
    for entry in Walk::from_root(path).entries(|e| !nobodys(e)).flatten() {
        let rel = relative(root, entry.path());
        if entry.file_type().is_file() {
            out.insert(
                rel,
                std::fs::read(entry.path()).map_or(0, |bytes| hash(&bytes)),
            );
        } else if !entry.file_type().is_dir() {
            // A link where the course has a file is a change too (it could point anywhere).
            out.insert(rel, u64::MAX);
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn names_changed_added_and_deleted_files() {
        let course = tempfile::tempdir().unwrap();
        let sub = tempfile::tempdir().unwrap();
        for root in [course.path(), sub.path()] {
            std::fs::create_dir_all(root.join("grader/checks")).unwrap();
            std::fs::create_dir_all(root.join("exercises/01-x/src")).unwrap();
            std::fs::write(root.join("grader/checks/x.rs"), "checks").unwrap();
            std::fs::write(root.join("course.toml"), "").unwrap();
        }
        let of = |c: &std::path::Path| {
            super::flags(&crate::course::Course::find(Some(c)).unwrap(), sub.path())
        };
        assert!(of(course.path()).is_empty());
        std::fs::write(sub.path().join("grader/checks/x.rs"), "pass everything").unwrap();
        std::fs::write(sub.path().join("exercises/01-x/src/lib.rs"), "mine").unwrap();
        std::fs::create_dir_all(sub.path().join("fixtures/x")).unwrap();
        std::fs::write(sub.path().join("fixtures/x/t.txt"), "new").unwrap();
        std::fs::remove_file(sub.path().join("course.toml")).unwrap();
        assert_eq!(
            of(course.path()),
            vec![
                "deleted course.toml",
                "added fixtures/x/t.txt",
                "changed grader/checks/x.rs"
            ]
        );
    }

    #[test]
    fn hidden_checks_missing_from_a_clone_are_no_flag_but_planted_ones_are() {
        let course = tempfile::tempdir().unwrap();
        let sub = tempfile::tempdir().unwrap();
        std::fs::write(course.path().join("course.toml"), "").unwrap();
        std::fs::write(sub.path().join("course.toml"), "").unwrap();
        let flags = |sub: &std::path::Path| {
            super::flags(
                &crate::course::Course::find(Some(course.path())).unwrap(),
                sub,
            )
        };
        std::fs::create_dir_all(course.path().join("grader/checks/hidden")).unwrap();
        std::fs::write(course.path().join("grader/checks/hidden/x.rs"), "secret").unwrap();
        // The student edition has no hidden checks: nothing to flag.
        assert!(flags(sub.path()).is_empty());
        std::fs::create_dir_all(sub.path().join("grader/checks/hidden")).unwrap();
        std::fs::write(sub.path().join("grader/checks/hidden/x.rs"), "guess").unwrap();
        assert_eq!(flags(sub.path()), vec!["changed grader/checks/hidden/x.rs"]);
    }
}
