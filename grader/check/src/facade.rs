//! What an exercise's facade is built on (`grader/checks/facade/<slug>.rs`).
//!
//! Checks call the crate under test as `exercise::...`. Compiled against each crate under test,
//! an exercise's checks were compiled once per variant: a student, the solution, every known-wrong
//! solution, each at a second of rustc. With a facade, `exercise` is instead a small crate of the
//! course's own, with the exercise's public API written out once: its functions call through a
//! table of function pointers ([`Bound`]) that each variant's harness fills in from the crate under
//! test, with the facade's `bind!` macro, before any check runs. The checks then compile once per
//! exercise, and a variant's build is its own crate, a few lines of glue and a link.
//!
//! The table's functions return boxed futures: the crate's own future, made by the crate's own
//! function at the moment the check calls it, so what runs before the first `.await` (or never, for
//! a future never awaited) is exactly what it was.

use std::future::Future;
use std::pin::Pin;
use std::sync::OnceLock;

/// A boxed future that may borrow for `'a` and need not be `Send`: what the checks' runtime runs.
pub type Boxed<'a, T> = Pin<Box<dyn Future<Output = T> + 'a>>;

/// The table of a facade: set once, by the harness's `main`, before the checks are listed.
pub struct Bound<T>(OnceLock<T>);

impl<T> Bound<T> {
    pub const fn new() -> Self {
        Bound(OnceLock::new())
    }

    /// Fills the table in. The harness calls this once; a second call changes nothing.
    pub fn install(&self, table: T) {
        let _ = self.0.set(table);
    }

    /// The table. Every generated harness installs it first, so a check never finds it empty.
    pub fn get(&self) -> &T {
        self.0
            .get()
            .expect("the harness binds the crate under test before any check runs")
    }
}

impl<T> Default for Bound<T> {
    fn default() -> Self {
        Self::new()
    }
}

/// The crate's future, made already (the crate's function has been called), with its output
/// converted once it is ready, boxed: each poll is one poll of the crate's future, so the checks
/// see the crate's own polls and wake-ups. For a facade whose types mirror the crate's (an error
/// enum, a result struct) and are converted on the way out.
pub fn converted<'a, T: 'a, U: 'a>(
    future: impl Future<Output = T> + 'a,
    convert: impl FnOnce(T) -> U + 'a,
) -> Boxed<'a, U> {
    Box::pin(async move { convert(future.await) })
}
