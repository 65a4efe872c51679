//! What a submission changed outside its exercise crates: the files a grader never takes from a
//! student (checks, fixtures, the check API, the support crate, the manifests and lock file, the
//! workflows). `grade` always uses the instructor's own; a difference is reported as an
//! integrity flag, so an instructor sees who tried.

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

/// How `submission` differs from `course` in the trusted files: `changed X`, `added X`,
/// `deleted X`, in path order.
pub fn flags(course: &Path, submission: &Path) -> Vec<String> {
    let theirs = trusted_files(submission);
    let ours = trusted_files(course);
    let mut out = Vec::new();
    for (path, hash) in &theirs {
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
    if out.len() > MOST {
        let more = out.len() - MOST;
        out.truncate(MOST);
        out.push(format!("... and {more} more"));
    }
    out
}

/// Every trusted file under `root`, by relative path, with a hash of its content.
fn trusted_files(root: &Path) -> BTreeMap<String, u64> {
    let mut out = BTreeMap::new();
    for rel in TRUSTED {
        walk(root, &root.join(rel), &mut out);
    }
    out
}

fn walk(root: &Path, path: &Path, out: &mut BTreeMap<String, u64>) {
    let Ok(meta) = std::fs::symlink_metadata(path) else {
        return;
    };
    let rel = path
        .strip_prefix(root)
        .unwrap_or(path)
        .to_string_lossy()
        .replace('\\', "/");
    if meta.is_dir() {
        let name = path.file_name().unwrap_or_default();
        // Build output and version control are nobody's submission.
        if name == "target" || name == ".git" {
            return;
        }
        let Ok(entries) = std::fs::read_dir(path) else {
            return;
        };
        for entry in entries.flatten() {
            walk(root, &entry.path(), out);
        }
    } else if meta.is_file() {
        let hash = std::fs::read(path).map_or(0, |bytes| {
            use std::hash::{Hash, Hasher};
            let mut h = std::hash::DefaultHasher::new();
            bytes.hash(&mut h);
            h.finish()
        });
        out.insert(rel, hash);
    } else {
        // A link where the course has a file is a change too (it could point anywhere).
        out.insert(rel, u64::MAX);
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
            std::fs::write(root.join("course.toml"), "course").unwrap();
        }
        assert!(super::flags(course.path(), sub.path()).is_empty());
        std::fs::write(sub.path().join("grader/checks/x.rs"), "pass everything").unwrap();
        std::fs::write(sub.path().join("exercises/01-x/src/lib.rs"), "mine").unwrap();
        std::fs::create_dir_all(sub.path().join("fixtures/x")).unwrap();
        std::fs::write(sub.path().join("fixtures/x/t.txt"), "new").unwrap();
        std::fs::remove_file(sub.path().join("course.toml")).unwrap();
        assert_eq!(
            super::flags(course.path(), sub.path()),
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
        std::fs::create_dir_all(course.path().join("grader/checks/hidden")).unwrap();
        std::fs::write(course.path().join("grader/checks/hidden/x.rs"), "secret").unwrap();
        // The student edition has no hidden checks: nothing to flag.
        assert!(super::flags(course.path(), sub.path()).is_empty());
        std::fs::create_dir_all(sub.path().join("grader/checks/hidden")).unwrap();
        std::fs::write(sub.path().join("grader/checks/hidden/x.rs"), "guess").unwrap();
        assert_eq!(
            super::flags(course.path(), sub.path()),
            vec!["changed grader/checks/hidden/x.rs"]
        );
    }
}
