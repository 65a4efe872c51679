//! A student's progress, kept in `.awaitlings/progress.json` at the course root (outside
//! `target/`, so `cargo clean` keeps it). Keyed by slug: renumbering never loses progress.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

#[derive(Debug, Default, Serialize, Deserialize)]
pub struct Progress {
    #[serde(default)]
    pub exercises: BTreeMap<String, Entry>,
}

#[derive(Debug, Default, Clone, Serialize, Deserialize)]
pub struct Entry {
    /// "passed", "failing", or absent when never checked.
    #[serde(default)]
    pub status: Option<String>,
    #[serde(default)]
    pub points: u32,
    #[serde(default)]
    pub max_points: Option<u32>,
    /// How many of the exercise's own hints `grader hint` has revealed.
    #[serde(default)]
    pub hints_shown: usize,
    /// How many hints of each check (by name) `grader hint` has revealed.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub check_hints_shown: BTreeMap<String, usize>,
    /// How many hints of each cause (by its id in course.toml) `grader hint` has revealed.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub cause_hints_shown: BTreeMap<String, usize>,
    /// The checks that failed in the last check, in the report's order: hints follow them in
    /// that order.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub failing: Vec<String>,
    /// What each of those checks said when it failed: the mistake it names picks the hints
    /// (`cause_hints`). A check missing here (a progress file from an older grader) names none.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub messages: BTreeMap<String, String>,
    /// A fingerprint of the student's files when they were last checked: a result is current
    /// only while the files still match it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub checked_files: Option<String>,
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
