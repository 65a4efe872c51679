//! # awaitlings-check: the API hidden checks are written in
//!
//! Every exercise has one file of hidden checks, `grader/checks/<slug>.rs`. The grader compiles it,
//! together with your exercise crate (imported as `exercise`), into a small harness binary, and runs
//! each check in a process of its own under **paused tokio time**. This crate is everything that
//! binary needs.
//!
//! A checks file looks like this:
//!
//! ```ignore
//! use awaitlings_check::prelude::*;
//! use std::time::Duration;
//!
//! pub fn checks() -> Vec<Check> {
//!     vec![check("step-takes-its-time", 1, "step(\"tea\", 2) says start, waits 2 s, says finish", || async {
//!         exercise::step("tea", 2).await;
//!         expect_lines(&["  0.000s  start tea", "  2.000s  finish tea"])?;
//!         expect_elapsed("step(\"tea\", 2)", Duration::from_secs(2))
//!     })]
//! }
//! ```
//!
//! Layout:
//! - [`protocol`]: the contract with the grader, defined once: verdict kinds, the check list, the
//!   job a check process receives and the report it writes;
//! - [`check`]: what a check is ([`Check`]), and how it fails ([`Fail`], [`Kind`]);
//! - [`expect`]: the assertions, each failing with a message in async terms;
//! - [`compare`]: how two transcripts are compared (order within one instant is not judged);
//! - [`doubles`]: futures and wakers that watch the code under test (counting wakers, gates,
//!   watched futures, an in-flight counter), shared by every exercise's checks;
//! - [`harness`]: the `main` of the generated harness binary: list the checks, run one;
//! - [`facade`]: the table an exercise's facade (`grader/checks/facade/<slug>.rs`) calls the crate
//!   under test through, so its checks compile once for every variant;
//! - [`clock`]: the check's own clocks, which student code cannot reset;
//! - [`recording`]: the transcript: every `say!` of the code under test, stamped with the check's
//!   clock (the support crate student code links can only say lines, never read or change them);
//! - [`sandbox`]: what a check process may still touch once its job is read (Landlock on Linux);
//! - [`seed`]: the inputs a check draws from the run's seed ([`seed::rng`]), so that nothing a
//!   check asks can be recognised, and any run can be reproduced (`--seed N`);
//! - `monitor` (private): notices a runtime thread that blocks or spins, and memory that grows;
//! - `panics` (private): records panics, tells `todo!()` from a real panic.

pub mod check;
pub mod clock;
pub mod compare;
pub mod doubles;
pub mod expect;
pub mod facade;
pub mod harness;
mod monitor;
mod panics;
pub mod protocol;
pub mod recording;
pub mod sandbox;
pub mod seed;

pub use check::{Check, Fail, Kind, check};
pub use recording::{INJECTED_PANIC, panic_when_said};
/// For checks that make files at check time (a check runs in an empty directory of its own).
pub use tempfile;
/// For checks that poll a future by hand (`task::spawn`, `assert_pending!`, `is_woken`) or script
/// a peer's I/O (`io::Builder`, whose waits follow the paused clock).
pub use tokio_test;

/// Everything a checks file needs, in one `use`.
pub mod prelude {
    pub use crate::check::{Check, Fail, Kind, check};
    pub use crate::doubles::{
        CountingWaker, Gate, HookedWaker, InFlight, Running, Stats, Watched, YieldOnce,
        describe_poll, watched,
    };
    pub use crate::expect::{
        elapsed, expect, expect_concurrent, expect_elapsed, expect_eq, expect_lines, expect_took,
        expect_transcript, forget_panics, frozen_clock, judged, restart, transcript, within,
    };
    pub use crate::recording::{panic_when_said, record_line};
    pub use crate::seed::{Rng, rng, seed};
}
