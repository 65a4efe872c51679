//! The facade of exercise 04 char-count: its public API as the checks call it (`count_chars`,
//! `count_all`, `report`, and the `CountError` and `FileResult` they give), compiled once for
//! every crate the checks are run against.
//!
//! Each function calls the crate under test's own function at once, through the table `bind!`
//! fills in, and returns the crate's own future, boxed; when that future is Ready, its results are
//! moved into the facade's mirror of `CountError` (same fields, same `Debug`). A `CountError`
//! says itself (`{error}`) with the crate's own `Display`: the checks build one to learn what the
//! crate's `report` should say about a missing file.

use awaitlings_check::facade::{Bound, Boxed};
use std::collections::BTreeMap;
use std::fmt;
use std::io;
use std::path::{Path, PathBuf};

pub type Counts = BTreeMap<char, usize>;

pub type FileResult = Result<(String, Counts), CountError>;

/// The crate's `CountError`, field for field.
#[derive(Debug)]
pub struct CountError {
    pub path: PathBuf,
    pub source: io::Error,
}

/// The crate under test's functions, boxed, with the facade's `CountError` in their results.
pub struct Table {
    pub count_chars: for<'a> fn(&'a Path) -> Boxed<'a, FileResult>,
    pub count_all: for<'a> fn(&'a [PathBuf]) -> Boxed<'a, Vec<FileResult>>,
    pub report: for<'a> fn(&'a [PathBuf]) -> Boxed<'a, ()>,
    /// The crate's `Display` of a `CountError` with these fields.
    pub display: fn(CountError, &mut fmt::Formatter<'_>) -> fmt::Result,
}

pub static BOUND: Bound<Table> = Bound::new();

pub fn count_chars(path: &Path) -> Boxed<'_, FileResult> {
    (BOUND.get().count_chars)(path)
}

pub fn count_all(paths: &[PathBuf]) -> Boxed<'_, Vec<FileResult>> {
    (BOUND.get().count_all)(paths)
}

pub fn report(paths: &[PathBuf]) -> Boxed<'_, ()> {
    (BOUND.get().report)(paths)
}

impl fmt::Display for CountError {
    /// The crate's own words, said of a copy: its `Display` takes the crate's `CountError`, which
    /// owns its `io::Error`, and an `io::Error` cannot be cloned. The copy says the same: the
    /// same OS error (message and code), or the same kind and text.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let source = match self.source.raw_os_error() {
            Some(code) => io::Error::from_raw_os_error(code),
            None => io::Error::new(self.source.kind(), self.source.to_string()),
        };
        let copy = CountError {
            path: self.path.clone(),
            source,
        };
        (BOUND.get().display)(copy, f)
    }
}

/// Converts the crate's future's output on the way out (named by `bind!`'s expansion).
pub use awaitlings_check::facade::converted;

/// Fills the table in from the crate under test, named `$code` in the harness.
#[macro_export]
macro_rules! bind {
    ($code:ident) => {{
        fn result(result: $code::FileResult) -> $crate::FileResult {
            result.map_err(|$code::CountError { path, source }| $crate::CountError { path, source })
        }
        $crate::BOUND.install($crate::Table {
            count_chars: |path| $crate::converted($code::count_chars(path), result),
            count_all: |paths| {
                $crate::converted($code::count_all(paths), |results| {
                    results.into_iter().map(result).collect()
                })
            },
            report: |paths| Box::pin($code::report(paths)),
            display: |$crate::CountError { path, source }, f| {
                ::std::fmt::Display::fmt(&$code::CountError { path, source }, f)
            },
        })
    }};
}
