//! The student's side: the files of an exercise they may edit, their progress, where each
//! exercise stands, and the saves watch mode reacts to.
//!
//! - [`files`]: the stub as shipped (`fixtures/<slug>/shipped.toml`) and fingerprints;
//! - [`progress`]: the student's progress file: hints seen, and results kept per set of files;
//! - [`standing`]: which result is for the files as they are now, and so each exercise's status;
//! - [`hints`]: which hint `grader hint` gives next, and how many a failing check has left;
//! - [`watcher`]: saves in the exercise's folder (watch mode's first input).

pub mod files;
pub mod hints;
pub mod progress;
pub mod standing;
pub mod watcher;
