//! # grader: the awaitlings autograder
//!
//! Builds each exercise's hidden checks against the student's crate and runs them under paused
//! tokio time, each check in a process of its own; then says what passed, what failed and why.
//!
//! How the crate is laid out, in the order a check flows through it:
//! - [`cli`]: the command line (clap), exit codes, and the context every command shares;
//! - [`commands`]: one module per command (`list`, `check`, `watch`, `run`/`diff`, `hint`, `reset`,
//!   `verify`, `bless`...);
//! - [`course`]: finds the course and its `course.toml`, resolves `3` / `03` / slug names;
//! - [`state`]: the grader's state directory, the one module that knows its layout;
//! - [`stage`]: copies the crates a harness builds, with manifests the grader writes;
//! - [`mistakes`]: known-wrong solutions, kept as patches against the solution;
//! - [`harness`]: generates and builds the harness crates (checks + crate under test);
//! - [`cargo`]: the one place cargo is run;
//! - [`supervise`]: every child process, owned: groups, limits, draining, shutdown;
//! - [`signals`]: Ctrl-C and SIGTERM stop every child;
//! - [`runner`]: lists a harness's checks and runs one in a child process;
//! - [`verdict`]: turns a finished check process into an outcome;
//! - [`integrity`]: what a submission changed outside its exercise crates (`grade`'s flags);
//! - [`tamper`]: after every check process, notices a change to the grader's own files, puts it
//!   back and pins it on the one exercise whose checks made it;
//! - [`class`]: a graded class as a whole: the gradebook, the table, students grouped by transcript;
//! - [`offered`]: what each exercise is worth when a class is graded, from the trusted course;
//! - [`session`]: build, list, run in parallel, and emit events in course order;
//! - [`outcome`]: outcomes, results and the event stream (kinds come from the protocol);
//! - [`report`]: output formats consuming the events (human, JSON);
//! - [`out`]: standard output that survives a closed pipe;
//! - [`diff`], [`color`]: transcript diffs and colour conventions;
//! - [`timeline`]: a transcript as lanes (one per task) and instants: a table and an SVG;
//! - [`progress`]: the student's progress file;
//! - [`student_files`]: the files of an exercise a student may edit: the stub as shipped
//!   (`fixtures/<slug>/shipped.toml`), fingerprints, and whether a result is still current;
//! - [`watcher`], [`keys`]: watch mode's two inputs, saves in the exercise's folder and single keys.
//!
//! The checks themselves are written with the `awaitlings-check` crate (grader/check), which is
//! also the runtime inside every harness binary.

pub mod cargo;
pub mod class;
pub mod cli;
pub mod color;
pub mod commands;
pub mod course;
pub mod diff;
pub mod edition;
pub mod harness;
pub mod integrity;
pub mod keys;
pub mod mistakes;
pub mod offered;
pub mod out;
pub mod outcome;
pub mod progress;
pub mod report;
pub mod runner;
pub mod session;
pub mod signals;
pub mod stage;
pub mod state;
pub mod student_files;
pub mod supervise;
pub mod tamper;
pub mod timeline;
pub mod verdict;
pub mod watcher;
