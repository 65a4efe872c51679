//! The terminal: standard output that survives a closed pipe, colour conventions, and single
//! keys (watch mode's second input).
//!
//! - [`out`]: `outln!`, `errln!`, `errout!`;
//! - [`color`]: colour, on a terminal or when asked;
//! - [`clock`]: the time of day, as the learner's clock shows it;
//! - [`keys`]: single key presses, without Enter.

pub mod clock;
pub mod color;
pub mod keys;
pub mod out;
