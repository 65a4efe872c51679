//! # Exercise 03: interleaved tasks
//!
//! Write three counters, then run them side by side as tasks so that their lines interleave.
//! The lesson is in README.md; this file is the contract. Print every line with
//! [`awaitlings::say!`] (it works like `println!` and adds the time stamp), and wait with
//! `tokio::time::sleep(..).await`.
//!
//! For `run_all(5, 2)` the grader expects this transcript (times in seconds since the start):
//!
//! ```text
//!   0.000s  up 0
//!   0.000s  down 5
//!   0.000s  2^0 = 1
//!   0.300s  up 1
//!   0.500s  down 4
//!   0.600s  up 2
//!   0.700s  2^1 = 2
//!   ...
//!   4.900s  2^7 = 128
//! ```
//!
//! Lines stamped with the same time may come in any order.

use std::time::Duration;
use tokio::task::JoinHandle;

/// The pause between two lines of [`up`].
pub const UP_STEP: Duration = Duration::from_millis(300);
/// The pause between two lines of [`down`].
pub const DOWN_STEP: Duration = Duration::from_millis(500);
/// The pause between two lines of [`powers`].
pub const POWERS_STEP: Duration = Duration::from_millis(700);

/// Counts up: says `up 0`, `up 1`, ..., `up {maximum}` (both ends included), sleeping
/// [`UP_STEP`] between two lines and not after the last one.
///
/// `up(2)` says `up 0` at 0.000 s, `up 1` at 0.300 s, `up 2` at 0.600 s, and returns at 0.600 s.
pub async fn up(maximum: u32) {
    let _ = maximum;
    todo!("count up from 0 to maximum, sleeping UP_STEP between two lines")
}

/// Counts down: says `down {maximum}`, ..., `down 1`, `down 0` (both ends included), sleeping
/// [`DOWN_STEP`] between two lines and not after the last one.
///
/// `down(2)` says `down 2` at 0.000 s, `down 1` at 0.500 s, `down 0` at 1.000 s, and returns at
/// 1.000 s.
pub async fn down(maximum: u32) {
    let _ = maximum;
    todo!("count down from maximum to 0, sleeping DOWN_STEP between two lines")
}

/// Says `n` to each power from 0 to 7, one line each, in the form `{n}^{k} = {value}`, sleeping
/// [`POWERS_STEP`] between two lines and not after the last one.
///
/// `powers(2)` says `2^0 = 1` at 0.000 s, `2^1 = 2` at 0.700 s, ..., `2^7 = 128` at 4.900 s, and
/// returns at 4.900 s.
pub async fn powers(n: u64) {
    let _ = n;
    todo!("say n to the powers 0 to 7, sleeping POWERS_STEP between two lines")
}

/// Spawns `up(maximum)`, `down(maximum)` and `powers(n)` as three tasks (with `tokio::spawn`),
/// in that order, and returns their three handles **without awaiting them**. The tasks run on
/// their own from then on, whether or not anyone awaits the handles.
///
/// Call it from inside a tokio runtime (from async code): `tokio::spawn` needs one.
pub fn spawn_all(maximum: u32, n: u64) -> Vec<JoinHandle<()>> {
    let _ = (maximum, n);
    todo!("tokio::spawn the three counters and return their JoinHandles")
}

/// Runs `up(maximum)`, `down(maximum)` and `powers(n)` at the same time as tasks (use
/// [`spawn_all`]), and returns once all three have finished: await every handle.
///
/// The three overlap, so `run_all(5, 2)` takes as long as its slowest task, `powers(2)`: 4.900 s.
/// If a task panicked, awaiting its handle gives an `Err(JoinError)`: don't ignore it, panic with
/// a helpful message (`.expect(..)`).
pub async fn run_all(maximum: u32, n: u64) {
    let _ = (maximum, n);
    todo!("spawn_all, then await every handle")
}
