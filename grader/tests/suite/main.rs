//! The end-to-end tests of the grader, one module per concern, in one test binary: each test
//! binary links the grader's dependencies (and compiles serde_json, assert_cmd and the rest of
//! what the tests use) on its own, so eighteen files cost eighteen links where one does. Only
//! tests/hostile.rs is a binary of its own: some of its tests must run alone (`alone()`), with
//! nothing but its own tests to exclude.
//!
//! Run one module with a filter: `cargo test -p grader --test suite e2e::`; the `#[ignore]`d
//! tests (what a machine with only Rust lacks, or a known machine's load) with
//! `cargo test -p grader --test suite -- --ignored MODULE::`, as `.ci/run` does.

#[path = "../common/mod.rs"]
mod common;

mod attacks;
mod bundles;
mod class;
mod classroom;
mod classroom50;
mod codio;
mod e2e;
mod edition;
mod github_actions;
mod hidden;
mod hints;
mod html;
mod learner;
mod load;
mod messages;
mod pictures;
mod platforms;
mod sandbox;
mod scale;
mod scenarios;
mod seeds;
mod status;
mod untrusted_code;
