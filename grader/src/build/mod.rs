//! From a crate under test to a harness binary: the crates are staged with manifests the grader
//! writes, the harness (the checks plus the crate) is generated, and cargo builds it.
//!
//! - [`state`]: the grader's state directory, the one module that knows its layout (builds,
//!   stamps, check lists, kept results);
//! - [`stage`]: copies the crates a harness builds, with manifests the grader writes;
//! - [`harness`]: generates and builds the harness crates (checks + crate under test), and
//!   refuses code that may not build (forbidden reads, unsafe code);
//! - [`cargo`]: the one place cargo is run.

pub mod cargo;
pub mod harness;
pub mod stage;
pub mod state;
