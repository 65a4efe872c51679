//! # Exercise 04: char count, one task per file
//!
//! Count the characters of several files at once: one task per file, all of them in a task group
//! (`tokio::task::JoinSet`, asyncio's `TaskGroup`). The lesson is in README.md; this file is the
//! contract. Read files with `tokio::fs` and wait with `tokio::time::sleep(..).await`.
//!
//! For the demo's four files, `report` says (times in seconds since the start):
//!
//! ```text
//!   0.000s  counting 4 files
//!   0.800s  haiku.txt: {' ': 10, '!': 1, '.': 1, 'A': 2, ...}
//!   0.800s  limerick.txt: {' ': 28, ',': 4, '.': 1, ...}
//!   0.800s  unicode.txt: {' ': 4, '!': 1, ',': 2, ...}
//!   0.800s  error: could not read texts/missing.txt: No such file or directory (os error 2)
//! ```
//!
//! The four results share one instant, and come in the order of the paths.

use std::collections::BTreeMap;
use std::fmt;
use std::io;
use std::path::{Path, PathBuf};
use std::time::Duration;

/// The pause between two lines of a file: none before the first line, none after the last.
pub const LINE_DELAY: Duration = Duration::from_millis(200);

/// How often each character occurs in a file, smallest character first.
pub type Counts = BTreeMap<char, usize>;

/// What counting one file gives: the file's name and its character counts, or why it could not
/// be counted.
pub type FileResult = Result<(String, Counts), CountError>;

/// A file that could not be counted: which one, and the I/O error that stopped it. (Given: you
/// only need to build one, `CountError { path: path.to_path_buf(), source }`.)
#[derive(Debug)]
pub struct CountError {
    /// The path exactly as it was given to [`count_chars`].
    pub path: PathBuf,
    /// The error from opening or reading the file.
    pub source: io::Error,
}

impl fmt::Display for CountError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "could not read {}: {}", self.path.display(), self.source)
    }
}

impl std::error::Error for CountError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        Some(&self.source)
    }
}

/// Counts the characters of the file at `path`, reading it **line by line** with `tokio::fs`.
///
/// - **Lines.** The contents are split at line breaks, `\n` or `\r\n`, the way
///   `AsyncBufReadExt::lines` splits them: a break ends a line (so a file ending in a break has no
///   extra empty line after it), a last line without a break is a line too, an empty line between
///   two breaks is a line too, and an empty file has no lines at all.
/// - **Counts.** Every character of every line is counted, spaces and punctuation included; the
///   line breaks themselves are not (so the same text saved with `\n` or with `\r\n` counts the
///   same). A character is a Rust `char`, one Unicode scalar value: `é` counts once, though it
///   takes two bytes in the file.
/// - **Timing.** Sleep [`LINE_DELAY`] between two lines: none before the first line, none after
///   the last. A file of `n` lines takes `n - 1` delays (an empty or one-line file, none).
/// - **One line at a time.** Each line is counted as soon as it is read (after the pause before
///   it), without waiting for the rest of the file: the file may still be arriving, as from a
///   pipe, its next lines coming only once the lines before them are counted.
/// - **Result.** `Ok((name, counts))`, where `name` is the file's name, the last component of
///   `path` (`"haiku.txt"` for `texts/haiku.txt`). A file that cannot be opened or read, or that
///   is not UTF-8 text, gives `Err(CountError)` carrying `path` as given and the `io::Error`.
///
/// `count_chars(Path::new("texts/haiku.txt"))` (3 lines) returns at 0.400 s with
/// `("haiku.txt", {' ': 10, '!': 1, ...})`.
pub async fn count_chars(path: &Path) -> FileResult {
    let _ = path;
    todo!(
        "open the file with tokio::fs, count the chars of each line, sleep LINE_DELAY between two lines"
    )
}

/// Counts every file of `paths` **at the same time**: one task per file (each running
/// [`count_chars`]), all in one task group, `tokio::task::JoinSet`. Returns once every task is
/// done, with one result per path, **in the order of `paths`** (whatever order the tasks finish
/// in). A file that fails gives its `Err` in its place; the other files are still counted.
///
/// The files overlap, so the whole group takes as long as its longest file: files of 3, 5 and 2
/// lines take 0.800 s, not 0.400 + 0.800 + 0.200 = 1.400 s. And no task outlives the group: if
/// `count_all` is cancelled (dropped before it finishes, as a timeout does), its tasks stop too.
pub async fn count_all(paths: &[PathBuf]) -> Vec<FileResult> {
    let _ = paths;
    todo!(
        "spawn one count_chars task per path into a JoinSet, wait for all, return the results in input order"
    )
}

/// Counts the files of `paths` with [`count_all`] and says the results with `awaitlings::say!`:
/// first `counting {n} files` (`n` = the number of paths), then, once every file is counted, one
/// line per path, in the order of `paths`: `{name}: {counts:?}` for a file that was counted
/// (`haiku.txt: {' ': 10, '!': 1, ...}`: the map's `Debug` form), `error: {error}` for one that
/// was not (`error: could not read texts/missing.txt: No such file or directory (os error 2)`).
pub async fn report(paths: &[PathBuf]) {
    let _ = paths;
    todo!("say `counting {{n}} files`, await count_all, then say one line per result")
}
