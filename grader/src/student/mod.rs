//! The student's side: the files of an exercise they may edit, their progress, and the saves
//! watch mode reacts to.
//!
//! - [`files`]: the stub as shipped (`fixtures/<slug>/shipped.toml`), fingerprints, and whether a
//!   result is still current;
//! - [`progress`]: the student's progress file;
//! - [`hints`]: which hint `grader hint` gives next, and how many a failing check has left;
//! - [`watcher`]: saves in the exercise's folder (watch mode's first input).

pub mod files;
pub mod hints;
pub mod progress;
pub mod watcher;
