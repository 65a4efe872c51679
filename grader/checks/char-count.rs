//! The public checks of exercise 04 char-count.
//!
//! Every file a check reads is written by the check itself, at check time, into a fresh directory
//! (the check's own working directory, or a temporary directory inside it), so what is counted is
//! known exactly and nothing depends on the files of the exercise crate. Every check but the main
//! one (`report-transcript`, the demo) draws its files from the run's seed: names, lines (ASCII
//! and multi-byte words, empty lines), line breaks, sizes, which file fails, the order of the
//! paths. Expected counts and times are computed from the *lines* of the text, before the check
//! turns them into a file, and the contract: a file of n lines takes (n - 1) × 0.2 s.
//!
//! ## The contract, clause by clause, and the checks that fail when only that clause is broken
//!
//! `count_chars(path)`:
//! - lines end at `\n` or `\r\n`; a file ending in a break has no empty line after it:
//!   `line-breaks-do-not-count` (counts), `sleeps-between-lines` (one pause too many);
//! - a last line without a break is a line too: `line-breaks-do-not-count`, `sleeps-between-lines`;
//! - an empty line between two breaks is a line too: `sleeps-between-lines` (a file of empty
//!   lines);
//! - an empty file has no lines: `line-breaks-do-not-count` (no counts), `sleeps-between-lines`
//!   (no pause);
//! - every character of every line is counted, spaces and punctuation included:
//!   `counts-ascii-lines`;
//! - line breaks are not counted, `\n` and `\r\n` files count the same: `line-breaks-do-not-count`;
//! - a character is a `char`, not a byte: `counts-unicode-chars`, `a-long-file` (characters cut by
//!   a read buffer's edge);
//! - a pause of LINE_DELAY between two lines, none before the first, none after the last:
//!   `sleeps-between-lines`, `a-long-file`;
//! - line by line, each line counted as soon as it is read, never waiting for the rest of the
//!   file: `reads-line-by-line` (a named pipe the check fills part by part, each part once the
//!   lines before it are counted);
//! - with `tokio::fs`, never blocking the runtime's thread: `reads-line-by-line` (a `std::fs` read
//!   of a file that is still arriving holds the thread, which the harness reports as blocked),
//!   `a-long-file` (hundreds of pauses);
//! - the name is the path's last component: `counts-ascii-lines` (and every check that counts);
//! - a file that cannot be opened, read or decoded gives `Err(CountError)` with the path as given
//!   and the `io::Error`: `count-all-keeps-going-after-errors` (a missing file, with its
//!   `NotFound`; a directory; a file that is not UTF-8).
//!
//! `count_all(paths)`:
//! - one task per path, all at the same time, as long as the longest file: `count-all-overlaps`,
//!   `count-all-keeps-going-after-errors`;
//! - one result per path, in the order of the paths, whatever order the tasks finish in; the same
//!   path twice, two results; no paths, no results at once: `count-all-keeps-input-order`,
//!   `count-all-keeps-going-after-errors`;
//! - a failed file gives its `Err` in its place, and the others are still counted (an I/O error
//!   is a value, never an `unwrap` that panics the task and, through `join_all`, count_all):
//!   `count-all-keeps-going-after-errors`;
//! - no task outlives the group: when count_all is cancelled, its tasks stop:
//!   `no-task-outlives-count-all` (seen through the runtime's count of alive tasks).
//!
//! `report(paths)`:
//! - `counting {n} files` first, at once: `report-says-results-in-path-order`,
//!   `report-transcript`;
//! - then, once every file is counted (one instant, the longest file's time), one line per path:
//!   `{name}: {counts:?}` or `error: {error}`: `report-says-results-in-path-order`,
//!   `report-transcript` (also checked by a check you do not have);
//! - in the order of the paths, although all of them share one instant:
//!   `report-says-results-in-path-order` (the other transcript checks compare lines at one
//!   instant as a set).
//!
//! The lesson's promises: the whole group takes the longest file's time (`count-all-overlaps`);
//! reading takes no virtual time, so a file costs exactly its pauses (every timing check);
//! dropping a JoinSet aborts its tasks (`no-task-outlives-count-all`); an I/O error is a value
//! (`count-all-keeps-going-after-errors`).
//!
//! Not checked, and why:
//! - a `std::fs` read of a small file that is already complete: it is over in microseconds, too
//!   quickly for the harness's watch on the runtime's thread to see (only a read that has to wait,
//!   as in `reads-line-by-line`, shows);
//! - the `io::Error` inside the `CountError` of a directory or of a file that is not UTF-8: which
//!   error, and whether opening or reading fails, differs from one platform to another (a
//!   directory opens on Linux and fails at the first read); only that it is an `Err`, with its
//!   path, is judged;
//! - the demo (`cargo run -p char-count`) on the real clock: `report-transcript` plays the same
//!   files in virtual time.
//!
//! ## How
//!
//! Reads go through `tokio::fs`, which runs them on tokio's blocking pool: under paused time the
//! clock does not move while such a read is under way, so a file costs exactly its sleeps and
//! every duration above is exact. `reads-line-by-line` relies on that: while a reader waits in
//! the pool for a part of the pipe that has not come, the clock stands still, so the check's own
//! timer (which asks for the next part) fires only once the reader has gone through the lines it
//! has. A reader that waits for the end of the file first stops the clock before that timer: the
//! pipe's writer gives it the rest after 5 s of real time, and the check says what it saw.

use awaitlings_check::check::secs;
use awaitlings_check::prelude::*;
use awaitlings_check::tempfile::{self, TempDir};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::Duration;

/// The pause between two lines, as the contract gives it (`LINE_DELAY`).
const DELAY: Duration = Duration::from_millis(200);

/// The time `count_chars` takes on a file of `lines` lines: one pause between two lines.
fn delays(lines: usize) -> Duration {
    DELAY * lines.saturating_sub(1) as u32
}

/// The counts of every character of `lines`: what count_chars must find in any file made of them.
fn counts_of<S: AsRef<str>>(lines: &[S]) -> BTreeMap<char, usize> {
    let mut counts = BTreeMap::new();
    for line in lines {
        for c in line.as_ref().chars() {
            *counts.entry(c).or_default() += 1;
        }
    }
    counts
}

/// `lines` as a file's contents: joined with `brk` (`"\n"` or `"\r\n"`), with a break after the
/// last line too when `final_break`.
fn text<S: AsRef<str>>(lines: &[S], brk: &str, final_break: bool) -> String {
    let mut text = lines
        .iter()
        .map(AsRef::as_ref)
        .collect::<Vec<_>>()
        .join(brk);
    if final_break && !lines.is_empty() {
        text.push_str(brk);
    }
    text
}

/// A fresh directory for one check's files, inside the check's own working directory.
struct Files(TempDir);

impl Files {
    fn new() -> Files {
        Files(tempfile::tempdir_in(".").expect("the check cannot make a directory for its files"))
    }

    /// Writes `contents` to the file `name` and returns its path.
    fn write(&self, name: &str, contents: impl AsRef<[u8]>) -> PathBuf {
        let path = self.0.path().join(name);
        std::fs::write(&path, contents).expect("the check cannot write its file");
        path
    }

    /// A path in the directory where nothing is.
    fn missing(&self, name: &str) -> PathBuf {
        self.0.path().join(name)
    }

    /// Makes the directory `name` (a path that exists but is no file to read).
    fn dir(&self, name: &str) -> PathBuf {
        let path = self.0.path().join(name);
        std::fs::create_dir(&path).expect("the check cannot make a directory");
        path
    }
}

/// Shows a char the way the counts' `Debug` form does: `'é'`, `'\n'`.
fn ch(c: char) -> String {
    format!("{c:?}")
}

/// "1 time", "3 times".
fn times(n: usize) -> String {
    if n == 1 {
        "1 time".to_string()
    } else {
        format!("{n} times")
    }
}

/// The differences between two count maps, in words, and what they most likely mean.
fn describe_counts(actual: &BTreeMap<char, usize>, expected: &BTreeMap<char, usize>) -> String {
    let mut keys: Vec<char> = actual.keys().chain(expected.keys()).copied().collect();
    keys.sort();
    keys.dedup();
    // Characters missing first (the most telling: 'é' never counted), then wrong counts, then
    // characters that should not be there at all.
    let mut differences: Vec<(u8, String)> = keys
        .iter()
        .filter_map(|&c| match (actual.get(&c), expected.get(&c)) {
            (None, Some(&w)) => Some((0, format!("{} never, expected {}", ch(c), times(w)))),
            (Some(&g), Some(&w)) if g != w => {
                Some((1, format!("{} {}, expected {w}", ch(c), times(g))))
            }
            (Some(&g), None) => Some((2, format!("{} {}, expected none", ch(c), times(g)))),
            _ => None,
        })
        .collect();
    differences.sort_by_key(|&(rank, _)| rank);
    let differences: Vec<String> = differences.into_iter().map(|(_, text)| text).collect();
    let shown = differences.len().min(8);
    let mut text = differences[..shown].join("; ");
    if differences.len() > shown {
        text.push_str(&format!("; and {} more", differences.len() - shown));
    }

    let unexpected = |c: &char| !expected.contains_key(c);
    let why = if actual
        .keys()
        .any(|&c| (c == '\n' || c == '\r') && unexpected(&c))
    {
        " Line breaks were counted: a `\\n` (or the `\\r\\n` of a Windows file) ends a line and is \
         not part of it. `lines()` and `next_line()` strip both; `read_line` and `split('\\n')` \
         keep some of them."
    } else if actual
        .keys()
        .any(|&c| ('\u{80}'..='\u{ff}').contains(&c) && unexpected(&c))
        && expected.keys().any(|&c| !c.is_ascii())
    {
        " These look like bytes counted as characters: in UTF-8 'é' is two bytes, and each byte \
         taken for a char (`b as char`) shows up as something like 'Ã' and '©'. Count \
         `line.chars()`, not `line.bytes()`, and decode whole lines, never a chunk that may end \
         inside a character."
    } else if actual
        .iter()
        .all(|(c, n)| expected.get(c).is_some_and(|w| n <= w))
    {
        " Some characters were never counted. Is a line lost, such as the last one when the file \
         does not end with a line break?"
    } else {
        ""
    };
    format!("{text}.{why}")
}

/// Judges one `count_chars` (or `count_all`) result: `Ok((name, counts))` with the counts of
/// `lines`. `what` names the call for the student.
fn expect_counted<S: AsRef<str>>(
    what: &str,
    result: &exercise::FileResult,
    name: &str,
    lines: &[S],
) -> Result<(), Fail> {
    let (got_name, counts) = match result {
        Ok(ok) => ok,
        Err(error) => {
            return Err(Fail::new(
                Kind::WrongValue,
                format!(
                    "{what} gave Err({error}) for a file that exists and is UTF-8 text, expected \
                     Ok((\"{name}\", counts)). Open it with `tokio::fs::File::open(path)` and read \
                     its lines with `BufReader::new(file).lines()`."
                ),
            ));
        }
    };
    expect(
        got_name == name,
        Kind::WrongValue,
        format!(
            "{what} gave the name {got_name:?}, expected {name:?}: the name is the file's name, \
             the last component of its path (`path.file_name()`), not the whole path."
        ),
    )?;
    let expected = counts_of(lines);
    if *counts != expected {
        return Err(Fail::new(
            Kind::WrongValue,
            format!("{what} counted {}", describe_counts(counts, &expected)),
        ));
    }
    Ok(())
}

/// A result in a word, to compare orders: the name of a counted file, or `Err(<file name>)`.
fn identity(result: &exercise::FileResult) -> String {
    match result {
        Ok((name, _)) => name.clone(),
        Err(error) => format!(
            "Err({})",
            error.path.file_name().map_or_else(
                || error.path.display().to_string(),
                |name| name.to_string_lossy().into_owned()
            )
        ),
    }
}

/// Fails as a wrong order when `results` are the expected ones (`expected`, as [`identity`] words
/// them) in another order. Anything else is left to the checks of each result.
fn expect_input_order(results: &[exercise::FileResult], expected: &[&str]) -> Result<(), Fail> {
    let got: Vec<String> = results.iter().map(identity).collect();
    let mut sorted_got = got.clone();
    sorted_got.sort();
    let mut sorted_want: Vec<String> = expected.iter().map(|s| s.to_string()).collect();
    sorted_want.sort();
    if got == expected || sorted_got != sorted_want {
        return Ok(());
    }
    Err(Fail::new(
        Kind::WrongOrder,
        format!(
            "count_all returned the results in the order [{}], expected the order of the paths, \
             [{}]. The tasks finish in the order their files allow (the shortest first), and \
             `JoinSet::join_next` (or `join_all`, or a shared Vec each task pushes to) gives them \
             in that order. Let each task return its index with its result, \
             `async move {{ (i, count_chars(&path).await) }}`, and put every result back in its \
             place.",
            got.join(", "),
            expected.join(", ")
        ),
    ))
}

/// Runs `count_chars(path)` as a scenario of its own (the clock back at zero) and requires it to
/// take exactly the pauses between its `lines` lines.
async fn expect_count_time(what: &str, path: &Path, lines: usize) -> Result<(), Fail> {
    restart();
    let _ = exercise::count_chars(path).await;
    let expected = delays(lines);
    let took = elapsed();
    let fail = match expect_took(what, took, expected) {
        Err(fail) if fail.kind == Kind::WrongTiming => fail,
        other => return other,
    };
    let why = if took == expected + DELAY {
        " One pause too many: LINE_DELAY goes *between* two lines, so not before the first line \
         and not after the last (sleep at the top of the loop for every line but the first). A \
         file ending in a line break has no empty line after it, either."
    } else if took + DELAY == expected {
        " One pause too few: is a line lost, or never waited for? A last line without a line \
         break is a line too."
    } else if took == DELAY {
        " That is a single pause for the whole file: sleep between every two lines, inside the \
         loop over the lines."
    } else {
        ""
    };
    Err(Fail {
        message: format!(
            "{}: {lines} line(s), so {} pause(s) of LINE_DELAY (0.2 s).{why}",
            fail.message,
            lines.saturating_sub(1)
        ),
        ..fail
    })
}

/// What the times of `report`'s result lines show, when they are not all at `expected` (the
/// longest file's time): said one by one as the files finished, or all together but at another
/// instant. Added to a wrong-timing or wrong-order failure of a report check; any other failure is
/// left as it is.
pub(crate) fn explain_report_timing(fail: Fail, expected: Duration) -> Fail {
    if fail.kind != Kind::WrongTiming && fail.kind != Kind::WrongOrder {
        return fail;
    }
    let mut instants: Vec<String> = transcript()
        .iter()
        .skip(1)
        .filter_map(|line| {
            awaitlings_check::compare::parse(line)
                .at
                .map(str::to_string)
        })
        .collect();
    instants.dedup();
    let want = format!("{}.{:03}", expected.as_secs(), expected.subsec_millis());
    let why = match instants.as_slice() {
        [] => return fail,
        [one] if *one != want && fail.kind == Kind::WrongTiming => format!(
            "Every result came at {one} s, together, but the longest file is done at {want} s: \
             count_all itself takes the wrong time (files counted one after another take the sum \
             of their times; a pause too many or too few per file shows in sleeps-between-lines)"
        ),
        [_] => return fail,
        _ => format!(
            "The results came at {} different instants ({} s): report said each one as soon as \
             its own file was counted. Await count_all, and say the results once it has returned \
             all of them",
            instants.len(),
            instants.join(" s, ")
        ),
    };
    fail.then(why)
}

/// Like [`expect_concurrent`], and a wrong time that is not "one after another" points at the
/// files' own timing, which `sleeps-between-lines` judges file by file.
fn expect_group_time(what: &str, expected: Duration, sequential: Duration) -> Result<(), Fail> {
    expect_concurrent(what, expected, sequential).map_err(|fail| {
        if fail.kind != Kind::WrongTiming {
            return fail;
        }
        Fail {
            message: format!(
                "{}: the group takes as long as its longest file, counted with a pause between \
                 every two of its lines. If count_chars alone takes the wrong time (see \
                 sleeps-between-lines), fix that first; if it does not, count_all waits for \
                 something more than its tasks.",
                fail.message
            ),
            ..fail
        }
    })
}

/// The lines of `a-long-file`: numbered, of words of one- to four-byte characters, of varying
/// lengths so that multi-byte characters straddle read-buffer boundaries, 12 to 16 KB in all.
fn long_lines(r: &mut Rng) -> Vec<String> {
    let target = r.count(12_000..=16_000);
    let mut lines = Vec::new();
    let mut size = 0;
    while size < target {
        let words: Vec<&str> = (0..r.count(2..=9))
            .map(|_| {
                if r.chance(1, 2) {
                    *r.pick(&WIDE_WORDS)
                } else {
                    r.name()
                }
            })
            .collect();
        let line = format!("{:03} {}", lines.len(), words.join(" "));
        size += line.len() + 1;
        lines.push(line);
    }
    lines
}

/// Words a seeded line is made of: ASCII words from the generator, and these, of two to four
/// bytes a character, so that counting bytes, or decoding a chunk cut inside a character, shows.
const WIDE_WORDS: [&str; 10] = [
    "café",
    "naïve",
    "über",
    "日本",
    "東京",
    "🦀",
    "Ωμέγα",
    "ß",
    "crème",
    "¡sí!",
];

/// One seeded line: a few words (ASCII names, multi-byte words, punctuation), or now and then an
/// empty line.
fn seeded_line(r: &mut Rng) -> String {
    if r.chance(1, 8) {
        return String::new();
    }
    let words = r.count(1..=6);
    let mut line = String::new();
    for i in 0..words {
        if i > 0 {
            line.push_str(*r.pick(&[" ", " ", " ", ", ", "  ", "\t"]));
        }
        if r.chance(1, 3) {
            line.push_str(*r.pick(&WIDE_WORDS));
        } else {
            line.push_str(r.name());
        }
    }
    if r.chance(1, 3) {
        line.push_str(*r.pick(&[".", "!", "?", ";", " :)"]));
    }
    line
}

/// `n` seeded lines, the last one never empty (a file whose last line is empty and has no
/// break after it would have one line fewer than the lines it was made from).
fn seeded_lines(r: &mut Rng, n: usize) -> Vec<String> {
    let mut lines: Vec<String> = (0..n).map(|_| seeded_line(r)).collect();
    if let Some(last) = lines.last_mut()
        && last.is_empty()
    {
        last.push_str(r.name());
    }
    lines
}

/// A seeded line break: `"\n"` or `"\r\n"`, and its name for messages.
fn seeded_break(r: &mut Rng) -> (&'static str, &'static str) {
    *r.pick(&[("\n", "\\n"), ("\r\n", "\\r\\n")])
}

/// Seconds with milliseconds, for messages: `1.400 s`.
fn s(d: Duration) -> String {
    format!("{}.{:03} s", d.as_secs(), d.subsec_millis())
}

/// A named pipe (a FIFO) that the check fills part by part, from a thread of its own: a file
/// whose reading the check can watch. A reader gets the first part at once; each later part
/// arrives when the check asks for it ([`Pipe::next`]), and the end of the file when the last
/// part is in. A reader that waits for the end of the file before it has paused through the
/// lines it already has waits for a part that only comes when the check asks for it, so the
/// writer gives it the rest after `PATIENCE` of real time with no request, and says so
/// ([`Pipe::gave_up`]).
struct Pipe {
    path: PathBuf,
    next: std::sync::mpsc::Sender<()>,
    gave_up: std::sync::Arc<std::sync::Mutex<Option<Duration>>>,
}

/// How long the writer waits (real time) for the check to ask for the next part. Longer than the
/// longest the runtime's watch takes to call a blocked thread blocked on a loaded machine (ten
/// times 0.3 s), so a `std::fs` read that waits for the end of the file is reported as what it
/// is; far longer than a right reader needs between two parts (a few reads of what is already in
/// the pipe, and sleeps of virtual time).
const PATIENCE: Duration = Duration::from_secs(5);

impl Pipe {
    fn new(files: &Files, name: &str, parts: Vec<Vec<u8>>) -> Pipe {
        use std::io::Write;
        let path = files.0.path().join(name);
        let made = std::process::Command::new("mkfifo").arg(&path).status();
        assert!(
            made.as_ref().is_ok_and(|status| status.success()),
            "the check cannot make a named pipe with mkfifo: {made:?}"
        );
        // Opened for reading and writing, so that this open does not wait for a reader, and the
        // reader's open does not wait for a writer. The pipe ends (the reader sees the end of the
        // file) when the writer thread drops it.
        let mut end = std::fs::OpenOptions::new()
            .read(true)
            .write(true)
            .open(&path)
            .expect("the check cannot open its named pipe");
        let (next, asked) = std::sync::mpsc::channel::<()>();
        let gave_up = std::sync::Arc::new(std::sync::Mutex::new(None));
        let flag = gave_up.clone();
        let runtime = tokio::runtime::Handle::current();
        std::thread::spawn(move || {
            let mut parts = parts.into_iter();
            let mut waiting = true;
            if let Some(first) = parts.next() {
                let _ = end.write_all(&first);
            }
            for part in parts {
                if waiting {
                    match asked.recv_timeout(PATIENCE) {
                        Ok(()) => {}
                        Err(std::sync::mpsc::RecvTimeoutError::Timeout) => {
                            // The virtual instant it stood still at (the runtime's clock).
                            let _inside = runtime.enter();
                            *flag.lock().unwrap_or_else(|p| p.into_inner()) = Some(elapsed());
                            waiting = false;
                        }
                        Err(std::sync::mpsc::RecvTimeoutError::Disconnected) => waiting = false,
                    }
                }
                let _ = end.write_all(&part);
            }
        });
        Pipe {
            path,
            next,
            gave_up,
        }
    }

    /// Asks the writer for the next part.
    fn next(&self) {
        let _ = self.next.send(());
    }

    /// The virtual instant the writer gave up waiting at, if it did.
    fn gave_up(&self) -> Option<Duration> {
        *self.gave_up.lock().unwrap_or_else(|p| p.into_inner())
    }
}

/// The demo's texts, written by the main check where `report` reads them.
const HAIKU: &str = "An old silent pond\nA frog jumps into the pond\nSplash! Silence again.\n";
const LIMERICK: &str = "A task that was told it must wait\nWould sleep, and not block, which was \
                        great:\nWhile it lay in its bed\nOther tasks ran ahead,\nAnd they all \
                        finished early, not late.\n";
const UNICODE: &str = "Café, naïve, 日本語\n🦀 says: ¡hola!\n";

pub fn checks() -> Vec<Check> {
    vec![
        check(
            "counts-ascii-lines",
            1,
            "count_chars on a small ASCII file gives its name and the count of every character \
             (spaces and punctuation too, line breaks not)",
            || async {
                let mut r = rng();
                let files = Files::new();
                let name = format!("{}.txt", r.name());
                let lines: Vec<String> = (0..r.count(3..=6))
                    .map(|_| {
                        let mut line = String::new();
                        for i in 0..r.count(1..=5) {
                            if i > 0 {
                                line.push_str(*r.pick(&[" ", "  ", ", ", " -- ", "\t"]));
                            }
                            match r.below(4) {
                                0 => line.push_str(&r.range(0..=999).to_string()),
                                1 => line.push_str(&r.name().to_uppercase()),
                                _ => line.push_str(r.name()),
                            }
                        }
                        line.push_str(*r.pick(&["", "!", ".", "?", " (ok)", ": 3 + 4 = 7"]));
                        line
                    })
                    .collect();
                let path = files.write(&name, text(&lines, "\n", true));
                let result = exercise::count_chars(&path).await;
                expect_counted(
                    &format!("count_chars(\"…/{name}\") on {} ASCII lines", lines.len()),
                    &result,
                    &name,
                    &lines,
                )
            },
        ),
        check(
            "counts-unicode-chars",
            2,
            "count_chars counts characters, not bytes: é, 日, 🦀, a combining accent and a joined \
             emoji",
            || async {
                let mut r = rng();
                let files = Files::new();
                let name = format!("{}.txt", r.name());
                // Every kind of character the clause names, each in a line of its own making: two-,
                // three- and four-byte characters, a combining accent (e + U+0308) and an emoji
                // joined with U+200D.
                const SPECIAL: [&str; 8] = [
                    "noe\u{308}l",
                    "👩\u{200d}💻",
                    "日本語のテキスト",
                    "🦀🦀",
                    "Ünïcödé façade —",
                    "Ελληνικά",
                    "русский,",
                    "中文!",
                ];
                let mut special = SPECIAL.to_vec();
                r.shuffle(&mut special);
                let lines: Vec<String> = special
                    .chunks(2)
                    .map(|pair| {
                        let mut words: Vec<String> = pair.iter().map(|w| w.to_string()).collect();
                        words.push(r.pick(&WIDE_WORDS).to_string());
                        words.push(r.name().to_string());
                        r.shuffle(&mut words);
                        words.join(" ")
                    })
                    .collect();
                let path = files.write(&name, text(&lines, "\n", true));
                let result = exercise::count_chars(&path).await;
                expect_counted(
                    &format!(
                        "count_chars(\"…/{name}\") on {} lines of multi-byte text",
                        lines.len()
                    ),
                    &result,
                    &name,
                    &lines,
                )
            },
        ),
        check(
            "line-breaks-do-not-count",
            2,
            "the same text with \\n or \\r\\n breaks, with or without a final break, gives the same \
             counts, without '\\n' or '\\r'; an empty file counts nothing",
            || async {
                let mut r = rng();
                let files = Files::new();
                let mut lines = {
                    let k = r.count(3..=6);
                    seeded_lines(&mut r, k)
                };
                // An empty line and an indented one, wherever the generator puts them.
                let empty = r.count(0..=lines.len() - 2);
                lines[empty] = String::new();
                lines.push(format!("  {}\t{} ", r.name(), r.name()));
                lines.rotate_right(r.count(0..=1));
                if lines.last().is_some_and(String::is_empty) {
                    lines.reverse();
                }
                let base = r.name();
                let mut versions = vec![
                    ("lf", "\\n breaks", text(&lines, "\n", true)),
                    ("crlf", "\\r\\n breaks", text(&lines, "\r\n", true)),
                    (
                        "lf-open",
                        "\\n breaks, none after the last line",
                        text(&lines, "\n", false),
                    ),
                    (
                        "crlf-open",
                        "\\r\\n breaks, none after the last line",
                        text(&lines, "\r\n", false),
                    ),
                ];
                r.shuffle(&mut versions);
                for (suffix, how, contents) in versions {
                    let name = format!("{base}-{suffix}.txt");
                    let path = files.write(&name, contents);
                    let result = exercise::count_chars(&path).await;
                    expect_counted(
                        &format!(
                            "count_chars on a {}-line file with {how} ({name})",
                            lines.len()
                        ),
                        &result,
                        &name,
                        &lines,
                    )?;
                }
                let name = format!("{}.txt", r.name());
                let path = files.write(&name, "");
                let result = exercise::count_chars(&path).await;
                expect_counted::<&str>(
                    &format!("count_chars on an empty file ({name})"),
                    &result,
                    &name,
                    &[],
                )
            },
        ),
        check(
            "sleeps-between-lines",
            2,
            "count_chars sleeps LINE_DELAY between two lines, never before the first or after the \
             last: n lines (n - 1) × 0.2 s, 1 line or an empty file 0 s, a last line without a \
             break still a line",
            || async {
                let mut r = rng();
                let files = Files::new();
                let n = r.count(3..=9);
                let plain = seeded_lines(&mut r, n);
                let open = {
                    let k = r.count(3..=5);
                    seeded_lines(&mut r, k)
                };
                let crlf = {
                    let k = r.count(3..=5);
                    seeded_lines(&mut r, k)
                };
                let blanks = r.count(3..=5);
                let mut cases: Vec<(String, String, usize)> = vec![
                    (format!("{n} lines"), text(&plain, "\n", true), n),
                    (
                        "1 line".to_string(),
                        format!("{}\n", seeded_line(&mut r)),
                        1,
                    ),
                    ("an empty file".to_string(), String::new(), 0),
                    (
                        format!("{} lines, the last without a break,", open.len()),
                        text(&open, "\n", false),
                        open.len(),
                    ),
                    (
                        format!("{} lines with \\r\\n breaks", crlf.len()),
                        text(&crlf, "\r\n", true),
                        crlf.len(),
                    ),
                    (
                        format!(
                            "{} lines, {blanks} of them empty, between two others,",
                            blanks + 2
                        ),
                        format!("{}{}{}\n", r.name(), "\n".repeat(blanks + 1), r.name()),
                        blanks + 2,
                    ),
                ];
                r.shuffle(&mut cases);
                let names = r.names(cases.len());
                for ((how, contents, lines), name) in cases.into_iter().zip(names) {
                    let name = format!("{name}.txt");
                    let path = files.write(&name, contents);
                    expect_count_time(&format!("count_chars on {how} ({name})"), &path, lines)
                        .await?;
                }
                Ok(())
            },
        ),
        check(
            "a-long-file",
            1,
            "count_chars on a file of 12 to 16 KB (hundreds of lines) of multi-byte text: exact \
             counts, and a pause between every two lines",
            || async {
                let mut r = rng();
                let files = Files::new();
                let name = format!("{}.txt", r.name());
                let lines = long_lines(&mut r);
                let bytes = text(&lines, "\n", true);
                let size = bytes.len();
                let path = files.write(&name, bytes);
                let result = exercise::count_chars(&path).await;
                let took = elapsed();
                let what = format!(
                    "count_chars on {name}, {} lines ({size} bytes)",
                    lines.len()
                );
                expect_counted(&what, &result, &name, &lines)?;
                let expected = delays(lines.len());
                if took != expected && !took.is_zero() {
                    return Err(Fail::new(
                        Kind::WrongTiming,
                        format!(
                            "{what} took {} of virtual time, expected {}: {} pauses of \
                             LINE_DELAY, one between every two lines.",
                            secs(took),
                            secs(expected),
                            lines.len() - 1
                        ),
                    ));
                }
                expect_elapsed(&what, expected)
            },
        ),
        check(
            "count-all-keeps-input-order",
            2,
            "count_all returns one result per path in the order of the paths, though the tasks \
             finish in another order; the same path twice gives two results; no paths, no results",
            || async {
                let mut r = rng();
                let files = Files::new();
                let n = r.count(4..=6);
                let names: Vec<String> = r.names(n).iter().map(|w| format!("{w}.txt")).collect();
                let sizes = r.distinct(n, 1..=8, 1);
                let contents: Vec<Vec<String>> = sizes
                    .iter()
                    .map(|&k| seeded_lines(&mut r, k as usize))
                    .collect();
                // The paths' order is never the order the files finish in (shortest first).
                let mut order: Vec<usize> = (0..n).collect();
                loop {
                    r.shuffle(&mut order);
                    if !order.is_sorted_by_key(|&i| sizes[i]) {
                        break;
                    }
                }
                // One path given twice: a file that is counted twice, in both places.
                let twice = r.count(0..=n - 1);
                let again = r.count(0..=n);
                let mut picked: Vec<usize> = order.clone();
                picked.insert(again, twice);
                let paths: Vec<PathBuf> = {
                    let written: Vec<PathBuf> = (0..n)
                        .map(|i| files.write(&names[i], text(&contents[i], "\n", true)))
                        .collect();
                    picked.iter().map(|&i| written[i].clone()).collect()
                };
                let listed: Vec<String> = picked
                    .iter()
                    .map(|&i| format!("{} ({} lines)", names[i], sizes[i]))
                    .collect();
                let results = exercise::count_all(&paths).await;
                let expected_names: Vec<&str> = picked.iter().map(|&i| names[i].as_str()).collect();
                expect(
                    results.len() == paths.len(),
                    Kind::WrongValue,
                    format!(
                        "count_all on {} paths ({}) returned {} result(s), expected one per path, \
                         in the order of the paths (the same path given twice counts twice).",
                        paths.len(),
                        listed.join(", "),
                        results.len()
                    ),
                )?;
                expect_input_order(&results, &expected_names)?;
                for (k, (result, &i)) in results.iter().zip(&picked).enumerate() {
                    expect_counted(
                        &format!("count_all's result {} ({})", k + 1, names[i]),
                        result,
                        &names[i],
                        &contents[i],
                    )?;
                }

                restart();
                let none = exercise::count_all(&[]).await;
                expect_eq("the number of results of count_all(&[])", none.len(), 0)?;
                expect_elapsed("count_all(&[])", Duration::ZERO)
            },
        ),
        check(
            "count-all-overlaps",
            2,
            "count_all on a few files takes as long as the longest file, not as long as all of \
             them one after another",
            || async {
                let mut r = rng();
                let files = Files::new();
                let n = r.count(3..=5);
                let names = r.names(n);
                let sizes = r.distinct(n, 2..=12, 1);
                let paths: Vec<PathBuf> = names
                    .iter()
                    .zip(&sizes)
                    .map(|(name, &k)| {
                        let lines = seeded_lines(&mut r, k as usize);
                        files.write(&format!("{name}.txt"), text(&lines, "\n", true))
                    })
                    .collect();
                let results = exercise::count_all(&paths).await;
                let longest = sizes
                    .iter()
                    .map(|&k| delays(k as usize))
                    .max()
                    .unwrap_or_default();
                let sum = sizes.iter().map(|&k| delays(k as usize)).sum();
                let listed: Vec<String> = sizes.iter().map(|k| k.to_string()).collect();
                expect_group_time(
                    &format!("count_all on files of {} lines", listed.join(", ")),
                    longest,
                    sum,
                )?;
                expect_eq(
                    &format!("the number of results count_all returned for {n} paths"),
                    results.len(),
                    n,
                )
            },
        ),
        check(
            "count-all-keeps-going-after-errors",
            2,
            "a missing file, a directory and a non-UTF-8 file each give an Err with their path, in \
             their places; the other files are still counted, in the longest good file's time",
            || async {
                let mut r = rng();
                let files = Files::new();
                enum Want {
                    Counted(String, Vec<String>),
                    Missing,
                    Failed(&'static str),
                }
                let good = r.count(3..=4);
                let sizes = r.distinct(good, 2..=8, 1);
                let names = r.names(good + 3);
                let mut given: Vec<(PathBuf, Want)> = Vec::new();
                for (name, &k) in names.iter().zip(&sizes) {
                    let name = format!("{name}.txt");
                    let lines = seeded_lines(&mut r, k as usize);
                    given.push((
                        files.write(&name, text(&lines, "\n", true)),
                        Want::Counted(name, lines),
                    ));
                }
                given.push((
                    files.missing(&format!("{}.txt", names[good])),
                    Want::Missing,
                ));
                given.push((files.dir(names[good + 1]), Want::Failed("a directory")));
                // A Latin-1 'é' (one byte, 0xE9) at a character boundary of seeded text: never UTF-8,
                // since what follows a boundary is never a continuation byte.
                let plain = text(
                    &{
                        let k = r.count(1..=3);
                        seeded_lines(&mut r, k)
                    },
                    "\n",
                    false,
                );
                let boundaries: Vec<usize> = (0..=plain.len())
                    .filter(|&b| plain.is_char_boundary(b))
                    .collect();
                let at = *r.pick(&boundaries);
                let mut latin1 = plain.into_bytes();
                latin1.splice(at..at, *b"caf\xe9");
                latin1.push(b'\n');
                given.push((
                    files.write(&format!("{}.txt", names[good + 2]), latin1),
                    Want::Failed("a file that is not UTF-8 (a Latin-1 'é')"),
                ));
                r.shuffle(&mut given);
                let expected: Vec<String> = given
                    .iter()
                    .map(|(path, want)| match want {
                        Want::Counted(name, _) => name.clone(),
                        _ => format!(
                            "Err({})",
                            path.file_name().unwrap_or_default().to_string_lossy()
                        ),
                    })
                    .collect();
                let paths: Vec<PathBuf> = given.iter().map(|(p, _)| p.clone()).collect();
                let results = exercise::count_all(&paths).await;
                expect(
                    results.len() == paths.len(),
                    Kind::WrongValue,
                    format!(
                        "count_all on {} paths ({}) returned {} result(s), expected {}: one per \
                         path, an Err for each file that could not be counted, in its place. A \
                         failed file is a result too: don't leave it out, and don't stop at the \
                         first one.",
                        paths.len(),
                        expected.join(", "),
                        results.len(),
                        paths.len()
                    ),
                )?;
                let expected_refs: Vec<&str> = expected.iter().map(String::as_str).collect();
                expect_input_order(&results, &expected_refs)?;
                for (i, (result, (path, want))) in results.iter().zip(&given).enumerate() {
                    let n = i + 1;
                    let what = match want {
                        Want::Counted(name, lines) => {
                            expect_counted(
                                &format!("count_all's result {n} ({name}), among files that fail,"),
                                result,
                                name,
                                lines,
                            )?;
                            continue;
                        }
                        Want::Missing => "a missing file",
                        Want::Failed(what) => what,
                    };
                    match result {
                        Ok((name, _)) => {
                            return Err(Fail::new(
                                Kind::WrongValue,
                                format!(
                                    "count_all's result {n}, for {what}, was Ok((\"{name}\", ..)), \
                                     expected Err(CountError). Opening or reading it fails: pass \
                                     that io::Error on (with `?` or `map_err`), don't count around \
                                     it (a lossy decoding turns bad bytes into '\u{fffd}')."
                                ),
                            ));
                        }
                        Err(error) => {
                            expect(
                                &error.path == path,
                                Kind::WrongValue,
                                format!(
                                    "count_all's result {n}, the error for {what}, carries the \
                                     path {:?}, expected the path as given, {:?}.",
                                    error.path, path
                                ),
                            )?;
                            if let Want::Missing = want {
                                expect(
                                    error.source.kind() == std::io::ErrorKind::NotFound,
                                    Kind::WrongValue,
                                    format!(
                                        "the error for a missing file should carry the io::Error \
                                         that opening it gave (kind NotFound), but carries {:?} \
                                         ({}).",
                                        error.source.kind(),
                                        error.source
                                    ),
                                )?;
                            }
                        }
                    }
                }
                let listed: Vec<String> = sizes.iter().map(|k| k.to_string()).collect();
                let longest = sizes
                    .iter()
                    .map(|&k| delays(k as usize))
                    .max()
                    .unwrap_or_default();
                let sum = sizes.iter().map(|&k| delays(k as usize)).sum();
                expect_group_time(
                    &format!(
                        "count_all on {good} good files ({} lines) and 3 failing ones",
                        listed.join(", ")
                    ),
                    longest,
                    sum,
                )
            },
        ),
        check(
            "no-task-outlives-count-all",
            1,
            "when count_all is cancelled half-way (a timeout drops it), its tasks stop too: none is \
             left running, as in a task group",
            || async {
                let mut r = rng();
                let files = Files::new();
                let n = r.count(2..=3);
                let names = r.names(n);
                let sizes = r.distinct(n, 8..=16, 1);
                let paths: Vec<PathBuf> = names
                    .iter()
                    .zip(&sizes)
                    .map(|(name, &k)| {
                        let lines = seeded_lines(&mut r, k as usize);
                        files.write(&format!("{name}.txt"), text(&lines, "\n", true))
                    })
                    .collect();
                let listed: Vec<String> = sizes.iter().map(|k| k.to_string()).collect();
                let listed = listed.join(", ");
                let shortest = *sizes.iter().min().unwrap_or(&8) as usize;
                let longest = sizes
                    .iter()
                    .map(|&k| delays(k as usize))
                    .max()
                    .unwrap_or_default();
                // Cut while every file is still being counted, between two of its pauses.
                let cut = Duration::from_millis(
                    r.range(1..=(shortest as u64 - 2)) * 200 + *r.pick(&[50, 100, 150]),
                );
                let before = tokio::runtime::Handle::current()
                    .metrics()
                    .num_alive_tasks();
                let outcome = tokio::time::timeout(cut, exercise::count_all(&paths)).await;
                if outcome.is_ok() {
                    let took = elapsed();
                    if took.is_zero() {
                        return Err(frozen_clock(&format!(
                            "count_all on files of {listed} lines returned without any virtual \
                             time passing, expected it to take {}:",
                            secs(longest)
                        )));
                    }
                    return Err(Fail::new(
                        Kind::WrongTiming,
                        format!(
                            "count_all on files of {listed} lines returned after {}, expected it \
                             to take {} (the check cancels it at {}).",
                            secs(took),
                            secs(longest),
                            secs(cut)
                        ),
                    ));
                }
                // Give aborted tasks a moment to be dropped (they are, at their next turn).
                tokio::time::sleep(Duration::from_millis(10)).await;
                let alive = tokio::runtime::Handle::current()
                    .metrics()
                    .num_alive_tasks()
                    .saturating_sub(before);
                expect(
                    alive == 0,
                    Kind::WrongValue,
                    format!(
                        "count_all on files of {listed} lines was cancelled at {} (its caller \
                         gave up on it, as a timeout does), yet {alive} task(s) it spawned were \
                         still running afterwards, counting for nobody. Tasks spawned on their own \
                         with `tokio::spawn` are detached: dropping their JoinHandles does not \
                         stop them. A task group owns its tasks: put them in a \
                         `tokio::task::JoinSet`, which aborts every task it still holds when it \
                         is dropped (asyncio's TaskGroup cancels its tasks the same way).",
                        secs(cut)
                    ),
                )
            },
        ),
        check(
            "reads-line-by-line",
            2,
            "count_chars reads line by line: a file that arrives in parts (a named pipe) is counted, \
             and paused through, as its lines come, without waiting for the end of the file",
            || async {
                let mut r = rng();
                let files = Files::new();
                let name = format!("{}.txt", r.name());
                let sizes: Vec<usize> = (0..r.count(2..=3)).map(|_| r.count(2..=4)).collect();
                let total: usize = sizes.iter().sum();
                let (brk, brk_name) = seeded_break(&mut r);
                let final_break = r.chance(1, 2);
                let lines = seeded_lines(&mut r, total);
                // The parts as bytes: every part but the last ends with a line break.
                let mut parts = Vec::new();
                let mut first = 0;
                for (i, &k) in sizes.iter().enumerate() {
                    let last = i + 1 == sizes.len();
                    parts.push(
                        text(&lines[first..first + k], brk, !last || final_break).into_bytes(),
                    );
                    first += k;
                }
                // Each later part is asked for once a line-by-line reader has counted every line
                // it has, with a pause between two: (lines so far - 1) × LINE_DELAY.
                let mut asks = Vec::new();
                let mut had = 0;
                for &k in &sizes[..sizes.len() - 1] {
                    had += k;
                    asks.push((delays(had), had));
                }
                let scene = {
                    let mut scene = format!("{} lines at once", sizes[0]);
                    for (&(at, _), &k) in asks.iter().zip(&sizes[1..]) {
                        scene.push_str(&format!(", {k} more at {}", s(at)));
                    }
                    format!(
                        "count_chars on {name}, a file of {total} lines ({brk_name} breaks, {}) \
                         that arrives in {} parts ({scene}, each part once the lines before it \
                         are counted)",
                        if final_break {
                            "a break after the last line"
                        } else {
                            "none after the last line"
                        },
                        sizes.len()
                    )
                };

                let pipe = Pipe::new(&files, &name, parts);
                let start = tokio::time::Instant::now();
                let feed = async {
                    for &(at, _) in &asks {
                        tokio::time::sleep_until(start + at).await;
                        pipe.next();
                    }
                };
                // count_chars's own time (the check's feeding may go on after it, when the writer
                // gave up waiting).
                let count = async {
                    let result = exercise::count_chars(&pipe.path).await;
                    (result, elapsed())
                };
                let ((result, took), ()) = tokio::join!(count, feed);

                if let Some(stood) = pipe.gave_up() {
                    if took.is_zero() {
                        return Err(frozen_clock(&format!(
                            "{scene} read its first {} lines without a pause between them, then \
                             waited for more of the file, and took no virtual time, expected {}:",
                            sizes[0],
                            s(delays(total))
                        )));
                    }
                    let available = sizes[0]
                        + asks
                            .iter()
                            .zip(&sizes[1..])
                            .filter(|&(&(at, _), _)| at <= stood)
                            .map(|(_, &k)| k)
                            .sum::<usize>();
                    return Err(Fail::new(
                        Kind::WrongTiming,
                        format!(
                            "{scene}: it waited for more of the file at {} of virtual time, \
                             before it had paused through the {available} lines it already had, \
                             so the next part never came (the check gave it the rest after {} of \
                             real time). Reading the whole file first (`read_to_string`, \
                             `read`, `read_to_end`), or collecting every line before counting \
                             them, waits for the end of the file; so does pausing only once, \
                             after the last line. Read one line, count it, then go on to the \
                             next, with the pause between two lines inside the loop: `while let \
                             Some(line) = lines.next_line().await? {{ .. }}`.",
                            s(stood),
                            s(PATIENCE)
                        ),
                    ));
                }
                expect_counted(&scene, &result, &name, &lines)?;
                expect_took(&scene, took, delays(total)).map_err(|fail| {
                    fail.then(format!(
                        "{total} lines, so {} pauses of LINE_DELAY (0.2 s), one between every two \
                         lines, whenever the lines arrive",
                        total - 1
                    ))
                })
            },
        )
        // A reader that waits for the end of the file holds this check for the pipe's PATIENCE
        // (seconds of the real clock): it runs beside the computing checks rather than taking a
        // CPU's turn.
        .waits(),
        check(
            "report-says-results-in-path-order",
            2,
            "report on files of its own says every result at the same instant, once count_all is \
             done, one line per path in the order of the paths (not by name, not as they finish)",
            || async {
                let mut r = rng();
                let files = Files::new();
                let n = r.count(4..=6);
                let names: Vec<String> = r.names(n).iter().map(|w| format!("{w}.txt")).collect();
                let sizes: Vec<u64> = r.distinct(n, 1..=9, 1);
                let missing = r.count(0..=n - 1);
                // The paths' order: neither the names' order nor the order the files finish in.
                let mut order: Vec<usize> = (0..n).collect();
                let finish = |order: &[usize]| {
                    let mut by_time = order.to_vec();
                    by_time.sort_by_key(|&i| if i == missing { 0 } else { sizes[i] });
                    by_time
                };
                loop {
                    r.shuffle(&mut order);
                    let mut by_name = order.clone();
                    by_name.sort_by_key(|&i| names[i].clone());
                    let mut errors_last: Vec<usize> =
                        order.iter().copied().filter(|&i| i != missing).collect();
                    let mut errors_first = errors_last.clone();
                    errors_first.sort_by_key(|&i| names[i].clone());
                    errors_first.insert(0, missing);
                    errors_last.push(missing);
                    if order != by_name
                        && order != finish(&order)
                        && order != errors_last
                        && order != errors_first
                    {
                        break;
                    }
                }
                let mut said = Vec::new();
                let mut paths = Vec::new();
                let mut longest = Duration::ZERO;
                for &i in &order {
                    if i == missing {
                        let path = files.missing(&names[i]);
                        let source = std::fs::File::open(&path)
                            .expect_err("the check's missing file must not exist");
                        said.push(format!(
                            "error: {}",
                            exercise::CountError {
                                path: path.clone(),
                                source
                            }
                        ));
                        paths.push(path);
                    } else {
                        let lines = seeded_lines(&mut r, sizes[i] as usize);
                        let path = files.write(&names[i], text(&lines, "\n", true));
                        said.push(format!("{}: {:?}", names[i], counts_of(&lines)));
                        longest = longest.max(delays(lines.len()));
                        paths.push(path);
                    }
                }
                let listed: Vec<String> = order
                    .iter()
                    .map(|&i| {
                        if i == missing {
                            format!("{} (missing)", names[i])
                        } else {
                            format!("{} ({} lines)", names[i], sizes[i])
                        }
                    })
                    .collect();
                let scene = format!("report on {}", listed.join(", "));

                exercise::report(&paths).await;

                let mut expected = vec![format!("  0.000s  counting {n} files")];
                let at = format!("{}.{:03}", longest.as_secs(), longest.subsec_millis());
                expected.extend(said.iter().map(|line| format!("{at:>7}s  {line}")));
                let expected_refs: Vec<&str> = expected.iter().map(String::as_str).collect();
                expect_lines(&expected_refs).map_err(|fail| {
                    let fail = explain_report_timing(fail, longest);
                    Fail {
                        message: format!(
                            "{scene} should say `counting {n} files` at once, then, once every \
                             file is counted ({} s, the longest file), one line per path in the \
                             order given: {}",
                            &at, fail.message
                        ),
                        ..fail
                    }
                })?;
                // Lines at one instant are compared as a set above; their order is the contract's
                // too: the order of the paths.
                let got: Vec<String> = transcript()
                    .iter()
                    .skip(1)
                    .map(|line| awaitlings_check::compare::parse(line).text.to_string())
                    .collect();
                if got == said {
                    return Ok(());
                }
                let who = |text: &str| {
                    said.iter()
                        .position(|line| line == text)
                        .map_or("?".to_string(), |k| names[order[k]].clone())
                };
                let got_names: Vec<String> = got.iter().map(|t| who(t)).collect();
                let want_names: Vec<String> = order.iter().map(|&i| names[i].clone()).collect();
                let mut by_name = want_names.clone();
                by_name.sort();
                let finished: Vec<String> =
                    finish(&order).iter().map(|&i| names[i].clone()).collect();
                let mut by_text = said.clone();
                by_text.sort();
                let why = if got == by_text {
                    "That is the lines' alphabetical order (an `error: ...` line sorts first): \
                     report sorted what it says. Say the lines in the order of the paths, as \
                     count_all returns the results."
                } else if got_names == by_name {
                    "That is the order of the names: report sorted the results, or kept them in \
                     a map keyed by name. Say them in the order of the paths, as count_all \
                     returns them."
                } else if got_names == finished {
                    "That is the order the files finished in: the results were said in the order \
                     their tasks ended. count_all returns them in the order of the paths; say \
                     them in that order."
                } else if got_names.last() == Some(&names[missing]) {
                    "The error came last: report said the counted files first and the errors \
                     after them. Each result, counted or not, goes in its path's place."
                } else {
                    "Say one line per result of count_all, in the order of its Vec, which is the \
                     order of the paths."
                };
                Err(Fail::new(
                    Kind::WrongOrder,
                    format!(
                        "{scene}: the results were said at {at} s in the order [{}], expected the \
                         order of the paths, [{}]. Lines said at one instant are still said one \
                         after another, and the contract wants them in the order of the paths. \
                         {why}",
                        got_names.join(", "),
                        want_names.join(", ")
                    ),
                ))
            },
        ),
        check(
            "report-transcript",
            3,
            "report on the demo's three texts and a missing file says the header at 0.000 s, then \
             every result at 0.800 s, in the order of the paths",
            || async {
                std::fs::create_dir_all("texts").expect("the check cannot make texts/");
                for (name, contents) in [
                    ("haiku.txt", HAIKU),
                    ("limerick.txt", LIMERICK),
                    ("unicode.txt", UNICODE),
                ] {
                    std::fs::write(Path::new("texts").join(name), contents)
                        .expect("the check cannot write its texts");
                }
                let paths: Vec<PathBuf> =
                    ["haiku.txt", "limerick.txt", "unicode.txt", "missing.txt"]
                        .iter()
                        .map(|name| Path::new("texts").join(name))
                        .collect();
                exercise::report(&paths).await;
                expect_transcript("report").map_err(|fail| {
                    if fail.kind != Kind::WrongOrder {
                        return explain_report_timing(fail, Duration::from_millis(800));
                    }
                    fail.then(
                        "report says the results only once count_all has returned all of them, \
                         and then in the order of the paths: a result said as soon as its own \
                         file is counted comes too early, in the order the files finish.",
                    )
                })
            },
        )
        .main(),
    ]
}
