//! From a crate under test to a harness binary: the crates are staged with manifests the grader
//! writes, the harness (the checks plus the crate) is generated, and cargo builds it.
//!
//! - [`state`]: the grader's state directory, the one module that knows its layout (builds,
//!   stamps, check lists, kept results);
//! - [`stage`]: copies the crates a harness builds, with manifests the grader writes;
//! - [`harness`]: generates and builds the harness crates (checks + crate under test), and
//!   refuses code that may not build (forbidden reads, unsafe code);
//! - [`cargo`]: the one place cargo is run;
//! - [`walk`]: every walk of a folder tree in the grader (staging, fingerprints, the tamper
//!   watch, integrity flags, the student's files), with one rule for links, order and errors.

pub mod cargo;
pub mod harness;
pub mod stage;
pub mod state;
pub mod walk;
