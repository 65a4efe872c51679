//! # grader: the awaitlings autograder
//!
//! Builds each exercise's hidden checks against the student's crate and runs them under paused
//! tokio time, each check in a process of its own; then says what passed, what failed and why.
//!
//! How the crate is laid out, in the order a check flows through it:
//! - [`cli`]: the command line (clap), exit codes, and the context every command shares;
//! - [`commands`]: one module per command (`list`, `check`, `run`/`diff`, `hint`, `verify`, `bless`);
//! - [`course`]: finds the course and its `course.toml`, resolves `3` / `03` / slug names;
//! - [`harness`]: generates and builds the harness crates (checks + crate under test);
//! - [`cargo`]: the one place cargo is run;
//! - [`runner`]: runs one check in a child process with limits, and reads its verdict;
//! - [`session`]: build, list, run in parallel, and emit events in course order;
//! - [`outcome`]: verdicts, results and the event stream;
//! - [`report`]: output formats consuming the events (human, JSON);
//! - [`diff`], [`color`]: transcript diffs and colour conventions;
//! - [`progress`]: the student's progress file.
//!
//! The checks themselves are written with the `awaitlings-check` crate (grader/check), which is
//! also the runtime inside every harness binary.

pub mod cargo;
pub mod cli;
pub mod color;
pub mod commands;
pub mod course;
pub mod diff;
pub mod harness;
pub mod outcome;
pub mod progress;
pub mod report;
pub mod runner;
pub mod session;
