//! Where an exercise stands, told truthfully: from its files as they are now and the results kept
//! for them (see [`crate::student::progress`]). Every command that shows a status or follows a
//! result (`list`, `watch`, `hint`, the next exercise a report offers) asks [`look`] or
//! [`standing`], so they all agree.

use crate::course::{Course, Exercise};
use crate::student::files;
use crate::student::progress::{Checked, Entry, Progress};

/// What is known of an exercise now.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Look<'e> {
    /// The files are exactly the stub as shipped: whatever a result says, the code it judged is
    /// not there.
    pub untouched: bool,
    /// The result for the files as they are now, if they were ever checked.
    pub current: Option<&'e Checked>,
    /// The latest result, whatever files it judged.
    pub latest: Option<&'e Checked>,
    /// The files could be read and compared with the stub's record: an edit is known as one.
    pub comparable: bool,
}

/// What is known of `ex`, from its progress entry (if any) and its files as they are now: the one
/// place the files' fingerprint is looked up among the results kept.
pub fn look<'e>(course: &Course, ex: &Exercise, entry: Option<&'e Entry>) -> Look<'e> {
    let shipped = files::shipped(course, ex).ok().flatten();
    let now = files::read(&course.exercise_dir(ex)).ok();
    let untouched = matches!((&shipped, &now), (Some(shipped), Some(now))
        if files::fingerprint_of(&files::ids_against(now, shipped)) == files::fingerprint_of(shipped));
    let print = now.as_deref().map(files::content_fingerprint);
    Look {
        untouched,
        current: entry.and_then(|e| e.result_for(print.as_deref())),
        latest: entry.and_then(Entry::latest),
        comparable: shipped.is_some() && now.is_some(),
    }
}

/// Where an exercise stands.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Standing {
    /// Untouched (the stub as shipped), or never checked and not known to be edited.
    NotStarted,
    /// The result kept for the files as they are now.
    Failing {
        points: u32,
        max_points: Option<u32>,
    },
    Passed {
        points: u32,
        max_points: Option<u32>,
    },
    /// Files no result is for: edited since the last check (`before` holds that check's score
    /// and whether it passed), or edited and never checked (`before` is `None`).
    Edited {
        before: Option<(u32, Option<u32>, bool)>,
    },
}

impl Standing {
    /// Passed, and for the files as they are now.
    pub fn passed(&self) -> bool {
        matches!(self, Standing::Passed { .. })
    }
}

impl Look<'_> {
    pub fn standing(&self) -> Standing {
        if self.untouched {
            return Standing::NotStarted;
        }
        match (self.current, self.latest) {
            (Some(r), _) if r.passed => Standing::Passed {
                points: r.points,
                max_points: r.max_points,
            },
            (Some(r), _) => Standing::Failing {
                points: r.points,
                max_points: r.max_points,
            },
            (None, Some(r)) => Standing::Edited {
                before: Some((r.points, r.max_points, r.passed)),
            },
            (None, None) if self.comparable => Standing::Edited { before: None },
            (None, None) => Standing::NotStarted,
        }
    }
}

/// Where `ex` stands (see [`look`]).
pub fn standing(course: &Course, ex: &Exercise, entry: Option<&Entry>) -> Standing {
    look(course, ex, entry).standing()
}

/// The exercise to do after `after`: the first one not passed for the files as they are now,
/// looking on from `after` in course order and then from the start (a student who skipped one
/// comes back to it after the last). `None` when every other exercise has passed.
pub fn next_unfinished<'c>(course: &'c Course, after: &Exercise) -> Option<&'c Exercise> {
    let progress = Progress::load(&course.root);
    let at = course
        .exercises
        .iter()
        .position(|e| e.slug == after.slug)
        .map_or(0, |i| i + 1);
    let (before, from) = course.exercises.split_at(at.min(course.exercises.len()));
    from.iter()
        .chain(before)
        .filter(|e| e.slug != after.slug)
        .find(|e| !standing(course, e, progress.exercises.get(&e.slug)).passed())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn checked(passed: bool, points: u32) -> Checked {
        Checked {
            files: Some("f".into()),
            passed,
            points,
            max_points: Some(3),
            failing: vec![],
            messages: std::collections::BTreeMap::new(),
        }
    }

    #[test]
    fn the_result_for_the_files_now_decides_else_the_latest_is_older_than_the_edits() {
        let (pass, fail) = (checked(true, 3), checked(false, 1));
        let look = |current, latest, untouched, comparable| Look {
            untouched,
            current,
            latest,
            comparable,
        };
        let passed = Standing::Passed {
            points: 3,
            max_points: Some(3),
        };
        // An older result for these very files beats a newer one for other files.
        assert_eq!(
            look(Some(&pass), Some(&fail), false, true).standing(),
            passed
        );
        assert_eq!(
            look(Some(&fail), Some(&pass), false, true).standing(),
            Standing::Failing {
                points: 1,
                max_points: Some(3)
            }
        );
        assert_eq!(
            look(None, Some(&pass), false, true).standing(),
            Standing::Edited {
                before: Some((3, Some(3), true))
            }
        );
        assert_eq!(
            look(None, None, false, true).standing(),
            Standing::Edited { before: None }
        );
        assert_eq!(
            look(None, None, false, false).standing(),
            Standing::NotStarted
        );
        // The stub as shipped is not started, whatever was checked.
        assert_eq!(
            look(Some(&pass), Some(&pass), true, true).standing(),
            Standing::NotStarted
        );
    }
}
