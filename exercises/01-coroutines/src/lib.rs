//! # Exercise 01: coroutines
//!
//! Read `README.md` beside this folder first. Then replace each `todo!()` below.
//!
//! Print with [`awaitlings::say!`] (it works like `println!` and stamps each line with the time since
//! the run started), and wait with `tokio::time::sleep(std::time::Duration::from_secs(secs)).await`.
//! The grader runs your code with tokio's clock paused, so the timings below are checked to the
//! millisecond and still take no real time.

/// One step of breakfast.
///
/// `step(name, secs)` says `start {name}`, waits `secs` seconds with `tokio::time::sleep`, says
/// `finish {name}`, and returns `name` as a `String`. So `step("tea", 2).await` prints
///
/// ```text
///   0.000s  start tea
///   2.000s  finish tea
/// ```
///
/// and returns `"tea"`.
///
/// Calling `step("tea", 2)` *without* `.await` must print nothing at all: it only builds the
/// future, and the body runs when the future is awaited. (An `async fn` gives you that for free.)
pub async fn step(name: &str, secs: u64) -> String {
    let _ = (name, secs);
    todo!("say start, sleep `secs` seconds with tokio::time::sleep, say finish, return the name")
}

/// The slow breakfast: `step("coffee", 1)`, then `step("toast", 1)`, then `step("eggs", 1)`, each
/// one awaited before the next one starts. Takes 3 s and prints
///
/// ```text
///   0.000s  start coffee
///   1.000s  finish coffee
///   1.000s  start toast
///   2.000s  finish toast
///   2.000s  start eggs
///   3.000s  finish eggs
/// ```
///
/// Returns the names the steps returned, in that order: `["coffee", "toast", "eggs"]`.
pub async fn breakfast_in_sequence() -> Vec<String> {
    todo!("await coffee, then toast, then eggs")
}

/// The quick breakfast: the same three steps (`step("coffee", 1)`, `step("toast", 1)`,
/// `step("eggs", 1)`), joined with `tokio::join!` so that their waits overlap. Takes 1 s and prints
///
/// ```text
///   0.000s  start coffee
///   0.000s  start toast
///   0.000s  start eggs
///   1.000s  finish coffee
///   1.000s  finish toast
///   1.000s  finish eggs
/// ```
///
/// (lines stamped with the same instant may come in any order among themselves).
///
/// Returns the names in the order the steps are written, not the order they finish:
/// `["coffee", "toast", "eggs"]`.
pub async fn breakfast_together() -> Vec<String> {
    todo!("join the three steps with tokio::join!")
}
