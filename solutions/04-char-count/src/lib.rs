//! Exercise 04, solved: one task per file, counting characters line by line, in a task group.
//!
//! `count_chars` is an ordinary `async fn`: it opens a file with `tokio::fs`, reads it one line at
//! a time, and sleeps [`LINE_DELAY`] between two lines, as if each line took a while to arrive.
//! `count_all` is the task group: it spawns one `count_chars` task per file into a
//! `tokio::task::JoinSet` (asyncio's `TaskGroup`), waits for all of them, and hands back every
//! result in the order of the paths it was given. The files are counted side by side, so the
//! whole group takes as long as its longest file, not the sum of all of them.

use awaitlings::say;
use std::collections::BTreeMap;
use std::fmt;
use std::io;
use std::path::{Path, PathBuf};
use std::time::Duration;
use tokio::fs::File;
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::task::JoinSet;
use tokio::time::sleep;

/// The pause between two lines of a file: none before the first line, none after the last.
pub const LINE_DELAY: Duration = Duration::from_millis(200);

/// How often each character occurs in a file, smallest character first.
pub type Counts = BTreeMap<char, usize>;

/// What counting one file gives: the file's name and its character counts, or why it could not
/// be counted.
pub type FileResult = Result<(String, Counts), CountError>;

/// A file that could not be counted: which one, and the I/O error that stopped it.
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

/// Counts the characters of the file at `path`, reading it line by line and sleeping
/// [`LINE_DELAY`] between two lines. Returns the file's name (the last component of `path`) and
/// the counts of every character of every line; line breaks (`\n` or `\r\n`) are not counted.
/// Each line is counted as soon as it is read (after the pause before it), without waiting for the
/// rest of the file: the file may still be arriving, as from a pipe.
pub async fn count_chars(path: &Path) -> FileResult {
    // Every I/O error becomes a CountError that remembers which file it came from.
    let failed = |source: io::Error| CountError {
        path: path.to_path_buf(),
        source,
    };

    // tokio::fs runs each read on tokio's blocking pool and awaits it, so the runtime's thread
    // stays free for the other files' tasks meanwhile. (std::fs would read on this very thread.)
    let file = File::open(path).await.map_err(failed)?;
    // `lines()` yields each line without its line break: it strips the `\n`, and a `\r` before
    // it, and it also yields a last line that has no line break at all. A line that is not valid
    // UTF-8 is an error (io::ErrorKind::InvalidData).
    let mut lines = BufReader::new(file).lines();

    let mut counts = Counts::new();
    let mut first = true;
    while let Some(line) = lines.next_line().await.map_err(failed)? {
        // Sleep before every line but the first: that puts one pause *between* two lines, and
        // none after the last (which would keep the caller waiting for nothing). An `.await` on
        // tokio's sleep hands the thread back to the runtime: this is when other files progress.
        if !first {
            sleep(LINE_DELAY).await;
        }
        first = false;
        // `chars()` walks the line's Unicode scalar values: 'é' is one char, though two bytes.
        for c in line.chars() {
            *counts.entry(c).or_default() += 1;
        }
    }

    let name = path.file_name().map_or_else(
        || path.display().to_string(),
        |name| name.to_string_lossy().into_owned(),
    );
    Ok((name, counts))
}

/// Counts every file of `paths` at the same time, one task per file in a task group, and returns
/// one result per path, in the order of `paths`.
pub async fn count_all(paths: &[PathBuf]) -> Vec<FileResult> {
    // The task group. Like asyncio's `async with TaskGroup() as tg: tg.create_task(...)`, every
    // task spawned here belongs to the set, and the set is owned by this function: if count_all
    // is cancelled (its caller times out or gives up), the JoinSet is dropped and aborts every
    // task still in it. No task outlives the group.
    let mut group = JoinSet::new();
    for (index, path) in paths.iter().enumerate() {
        // A spawned task must own what it uses ('static), so it gets its own copy of the path.
        let path = path.clone();
        // Each task hands back its index with its result: tasks finish in whatever order their
        // files allow, and the index puts every result back in its place.
        group.spawn(async move { (index, count_chars(&path).await) });
    }

    // Wait for every task. `join_all` gives the outputs in the order the tasks *finished*, and
    // passes a task's panic on (rather than losing it). Sorting by index restores input order.
    let mut finished = group.join_all().await;
    finished.sort_by_key(|&(index, _)| index);
    finished.into_iter().map(|(_, result)| result).collect()
}

/// Counts the files of `paths` with [`count_all`] and says the results: first
/// `counting {n} files`, then, once every file is counted, one line per path in the order given:
/// `{name}: {counts:?}` for a file that was counted, `error: {error}` for one that was not.
pub async fn report(paths: &[PathBuf]) {
    say!("counting {} files", paths.len());
    for result in count_all(paths).await {
        match result {
            Ok((name, counts)) => say!("{name}: {counts:?}"),
            Err(error) => say!("error: {error}"),
        }
    }
}
