//! # grader: the awaitlings autograder
//!
//! Builds each exercise's hidden checks against the student's crate and runs them under paused
//! tokio time, each check in a process of its own; then says what passed, what failed and why.
//!
//! How the crate is laid out: one folder per concern, in the order a check flows through them
//! (course → stage → build → list → run → verdict → events → reporters):
//! - [`commands`]: the command line ([`commands::cli`]: clap, exit codes, the context every
//!   command shares; [`commands::how`]: a key inside watch, a command elsewhere) and one module
//!   per command (`list`, `check`, `watch`, `run`/`diff`, `hint`, `reset`, `grade`, `merge`,
//!   `verify`, `publish`...);
//! - [`course`]: finds the course and its `course.toml`, resolves `3` / `03` / slug names; its
//!   known-wrong solutions and alternative designs; what each exercise is worth;
//! - [`student`]: the files of an exercise a student may edit, their progress (results kept per
//!   version of the files), where each exercise stands, the saves watch mode reacts to;
//! - [`build`]: the state directory, staging, harness generation (and what a harness may not
//!   build), cargo, and the one walk of a folder tree every module uses;
//! - [`process`]: every child process, owned: groups, limits, draining, signals, shutdown;
//! - [`run`]: the session (build, list, run in parallel, emit events in course order: each check
//!   as it finishes, then its exercise), one check per process, verdicts, outcomes and the event
//!   stream, and the tamper watch;
//! - [`report`]: the reporters consuming the events (human, JSON and every platform's format),
//!   transcript diffs and the timeline picture;
//! - [`class`]: a graded class as a whole: integrity flags, the gradebook, the table, students
//!   grouped by transcript, shards and their merge, the HTML class report;
//! - [`edition`]: the student edition (`publish`): what it leaves out, and the proof it is whole;
//! - [`terminal`]: standard output that survives a closed pipe, colours, single keys, the time
//!   of day.
//!
//! The checks themselves are written with the `awaitlings-check` crate (grader/check), which is
//! also the runtime inside every harness binary.

pub mod build;
pub mod class;
pub mod commands;
pub mod course;
pub mod edition;
pub mod process;
pub mod report;
pub mod run;
pub mod student;
pub mod terminal;

/// The repository the unit tests run in, found at run time: cargo runs a package's unit tests
/// from the package's folder (grader/), so this is its parent, wherever the clone lies.
#[cfg(test)]
pub(crate) fn repository() -> std::path::PathBuf {
    let grader = std::env::current_dir().expect("the tests' working folder");
    grader
        .parent()
        .expect("grader/ is inside the repository")
        .to_path_buf()
}
