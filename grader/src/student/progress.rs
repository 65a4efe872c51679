//! A student's progress, kept in `.awaitlings/progress.json` at the course root (outside
//! `target/`, so `cargo clean` keeps it). Keyed by slug: renumbering never loses progress.
//!
//! A result belongs to the exact files it judged. Each exercise keeps its last [`KEPT`] results,
//! one per distinct set of files (by [`crate::student::files::fingerprint`]), so files that come
//! back to a state already checked (a backup restored, an edit undone, a git branch switched
//! back) bring that state's result back. [`Entry::record`] is the one place a result is written
//! and [`Entry::result_for`] the one place one is looked up; `student::standing` turns them into
//! what every command shows.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// How many results each exercise keeps: enough for a student's back-and-forth between versions,
/// small enough that the file stays a few kilobytes.
pub const KEPT: usize = 16;

#[derive(Debug, Default, Serialize, Deserialize)]
pub struct Progress {
    #[serde(default)]
    pub exercises: BTreeMap<String, Entry>,
}

/// One check's result, for the files it judged.
#[derive(Debug, Default, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Checked {
    /// The fingerprint of the files checked. `None` only for a result written by a grader from
    /// before results remembered their files: it is taken as current while it is the latest.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub files: Option<String>,
    pub passed: bool,
    #[serde(default)]
    pub points: u32,
    #[serde(default)]
    pub max_points: Option<u32>,
    /// The checks that failed, in the report's order: hints follow them in that order.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub failing: Vec<String>,
    /// What each of those checks said when it failed: the mistake it names picks the hints
    /// (`cause_hints`). A check missing here (a progress file from an older grader) names none.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub messages: BTreeMap<String, String>,
}

#[derive(Debug, Default, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(from = "Stored")]
pub struct Entry {
    /// How many of the exercise's own hints `grader hint` has revealed.
    #[serde(default)]
    pub hints_shown: usize,
    /// How many hints of each check (by name) `grader hint` has revealed.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub check_hints_shown: BTreeMap<String, usize>,
    /// How many hints of each cause (by its id in course.toml) `grader hint` has revealed.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub cause_hints_shown: BTreeMap<String, usize>,
    /// The results kept, oldest first, at most one per set of files.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub results: Vec<Checked>,
}

/// An entry as stored, in today's form or in the one before results were kept per set of files
/// (one result: `status`, `points`, `max_points`, `failing`, `checked_files`).
#[derive(Deserialize)]
struct Stored {
    #[serde(default)]
    hints_shown: usize,
    #[serde(default)]
    check_hints_shown: BTreeMap<String, usize>,
    #[serde(default)]
    cause_hints_shown: BTreeMap<String, usize>,
    #[serde(default)]
    results: Vec<Checked>,
    #[serde(default)]
    status: Option<String>,
    #[serde(default)]
    points: u32,
    #[serde(default)]
    max_points: Option<u32>,
    #[serde(default)]
    failing: Vec<String>,
    #[serde(default)]
    checked_files: Option<String>,
}

impl From<Stored> for Entry {
    fn from(s: Stored) -> Entry {
        let mut results = s.results;
        if results.is_empty()
            && let Some(status) = s.status
        {
            results.push(Checked {
                files: s.checked_files,
                passed: status == "passed",
                points: s.points,
                max_points: s.max_points,
                failing: s.failing,
                messages: BTreeMap::new(),
            });
        }
        Entry {
            hints_shown: s.hints_shown,
            check_hints_shown: s.check_hints_shown,
            cause_hints_shown: s.cause_hints_shown,
            results,
        }
    }
}

impl Entry {
    /// Keeps `result` as the latest: it replaces any earlier result for the same files (the
    /// newer check is the one that counts) and any result that does not know its files, and the
    /// oldest results go beyond [`KEPT`].
    pub fn record(&mut self, result: Checked) {
        self.results
            .retain(|r| r.files.is_some() && r.files != result.files);
        self.results.push(result);
        let extra = self.results.len().saturating_sub(KEPT);
        self.results.drain(..extra);
    }

    /// The result for the files whose fingerprint is `files` (`None`: files that could not be
    /// read, which no result is for). A result that does not know its files counts while it is
    /// the latest: the grader cannot know, and an upgrade must not make old progress look stale.
    pub fn result_for(&self, files: Option<&str>) -> Option<&Checked> {
        let latest = self.latest()?;
        if latest.files.is_none() {
            return Some(latest);
        }
        let files = files?;
        self.results
            .iter()
            .rev()
            .find(|r| r.files.as_deref() == Some(files))
    }

    /// The latest result, whatever files it was for.
    pub fn latest(&self) -> Option<&Checked> {
        self.results.last()
    }
}

impl Entry {
    /// Every hint counts as unseen again (`reset EX --hints`).
    pub fn forget_hints(&mut self) {
        self.hints_shown = 0;
        self.check_hints_shown.clear();
        self.cause_hints_shown.clear();
    }
}

fn path(root: &Path) -> PathBuf {
    root.join(".awaitlings").join("progress.json")
}

impl Progress {
    /// Loads the progress file; a missing or unreadable one is an empty start (never an error:
    /// progress is a convenience, the code is the truth).
    pub fn load(root: &Path) -> Progress {
        std::fs::read_to_string(path(root))
            .ok()
            .and_then(|t| serde_json::from_str(&t).ok())
            .unwrap_or_default()
    }

    /// Saves atomically (a temporary file renamed into place). Failing to save is not fatal.
    pub fn save(&self, root: &Path) {
        let p = path(root);
        let Some(dir) = p.parent() else { return };
        if std::fs::create_dir_all(dir).is_err() {
            return;
        }
        let tmp = p.with_extension("json.tmp");
        if let Ok(text) = serde_json::to_string_pretty(self)
            && std::fs::write(&tmp, text).is_ok()
        {
            let _ = std::fs::rename(&tmp, &p);
        }
    }

    pub fn entry(&mut self, slug: &str) -> &mut Entry {
        self.exercises.entry(slug.to_string()).or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn result(files: &str, passed: bool, points: u32) -> Checked {
        Checked {
            files: Some(files.into()),
            passed,
            points,
            max_points: Some(3),
            failing: if passed { vec![] } else { vec!["x".into()] },
            messages: BTreeMap::new(),
        }
    }

    #[test]
    fn a_result_counts_for_the_files_it_judged_whenever_they_come_back() {
        let mut e = Entry::default();
        e.record(result("v1", true, 3));
        e.record(result("v2", false, 1));
        assert_eq!(e.result_for(Some("v1")).map(|r| r.points), Some(3));
        assert_eq!(e.result_for(Some("v2")).map(|r| r.points), Some(1));
        assert_eq!(e.result_for(Some("v3")), None);
        assert_eq!(e.result_for(None), None, "unreadable files have no result");
        assert_eq!(e.latest().map(|r| r.points), Some(1));
    }

    #[test]
    fn a_new_check_of_the_same_files_replaces_the_old_result() {
        let mut e = Entry::default();
        e.record(result("v1", false, 1));
        e.record(result("v2", false, 2));
        e.record(result("v1", true, 3));
        assert_eq!(e.results.len(), 2);
        assert_eq!(e.result_for(Some("v1")).map(|r| r.passed), Some(true));
        assert_eq!(e.latest().and_then(|r| r.files.as_deref()), Some("v1"));
    }

    #[test]
    fn only_the_last_results_are_kept() {
        let mut e = Entry::default();
        for i in 0..KEPT + 5 {
            e.record(result(&format!("v{i}"), false, 0));
        }
        assert_eq!(e.results.len(), KEPT);
        assert_eq!(e.result_for(Some("v4")), None, "the oldest went");
        assert!(e.result_for(Some("v5")).is_some());
        assert!(e.result_for(Some(&format!("v{}", KEPT + 4))).is_some());
    }

    #[test]
    fn an_old_progress_file_still_loads() {
        // As graders before per-files results wrote it: one result, with or without its files.
        let text = r#"{"exercises": {
            "a": {"status": "passed", "points": 3, "max_points": 3, "hints_shown": 1,
                  "checked_files": "v1"},
            "b": {"status": "failing", "points": 1, "max_points": 3, "failing": ["x"],
                  "check_hints_shown": {"x": 2}},
            "c": {"hints_shown": 2}}}"#;
        let p: Progress = serde_json::from_str(text).unwrap();
        let a = &p.exercises["a"];
        assert_eq!(a.hints_shown, 1);
        assert_eq!(a.result_for(Some("v1")), Some(&result("v1", true, 3)));
        assert_eq!(a.result_for(Some("v2")), None, "an edit since");
        let b = &p.exercises["b"];
        assert_eq!(b.check_hints_shown["x"], 2);
        // Files unknown: taken as current, until a check records a result that knows them.
        assert_eq!(b.result_for(Some("anything")).map(|r| r.points), Some(1));
        let mut b = b.clone();
        b.record(result("v2", true, 3));
        assert_eq!(b.results.len(), 1);
        assert_eq!(b.result_for(Some("anything")), None);
        assert!(p.exercises["c"].results.is_empty());
    }

    #[test]
    fn progress_round_trips_through_its_file() {
        let dir = tempfile::tempdir().unwrap();
        let mut p = Progress::default();
        p.entry("a").record(result("v1", true, 3));
        p.entry("a").record(result("v2", false, 1));
        p.entry("a").hints_shown = 1;
        p.save(dir.path());
        let back = Progress::load(dir.path());
        assert_eq!(back.exercises["a"], p.exercises["a"]);
        let text = std::fs::read_to_string(dir.path().join(".awaitlings/progress.json")).unwrap();
        assert!(!text.contains("checked_files"), "{text}");
    }
}
