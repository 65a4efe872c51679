//! The public checks of exercise 04 char-count.
//!
//! Every file a check reads is written by the check itself, at check time, into a fresh directory
//! (the check's own working directory, or a temporary directory inside it), so what is counted is
//! known exactly and nothing depends on the files of the exercise crate. Expected counts are
//! computed from the *lines* of the text, before the check turns them into a file with `\n` or
//! `\r\n` breaks, with or without a final break.
//!
//! What is checked, and why:
//! - `counts-ascii-lines`: `count_chars` on a small ASCII file gives its name (the last component
//!   of the path, not the whole path) and the exact count of every character, spaces and
//!   punctuation included, line breaks excluded. Values only: timing has checks of its own;
//! - `counts-unicode-chars`: the same on a text with two-, three- and four-byte characters (é, 日,
//!   🦀), a combining accent and an emoji joined with U+200D: a `char` is one Unicode scalar value,
//!   so counting bytes (`b as char`) shows up here;
//! - `line-breaks-do-not-count`: one text saved with `\n` and with `\r\n`, with and without a final
//!   break, and an empty file: every version gives the same counts, with no `'\n'` or `'\r'` among
//!   them and nothing of the last line lost;
//! - `sleeps-between-lines`: `count_chars` takes exactly (lines - 1) × LINE_DELAY of virtual time,
//!   file by file: 5 lines, 1 line, an empty file, a last line without a break, CRLF, empty lines.
//!   A sleep after every line, one sleep per file, an extra empty "line" after the final break, or
//!   a lost last line each give another duration;
//! - `a-long-file`: 300 lines (about 13 KB, past any read buffer) with multi-byte characters: the
//!   exact counts, and 59.8 s of virtual time;
//! - `count-all-keeps-input-order`: `count_all` returns one result per path, in the order of the
//!   paths, although its tasks finish in another order (the first file is the slowest), and the
//!   same path given twice gives two results; `count_all(&[])` returns nothing, at once;
//! - `count-all-overlaps`: files of 3, 8 and 5 lines take 1.4 s together, the longest file's time,
//!   not 2.6 s, the sum: the files are counted side by side (`expect_concurrent`);
//! - `count-all-keeps-going-after-errors`: a missing file, a directory and a file that is not
//!   UTF-8 give an `Err(CountError)` each, in their places, carrying the path as given (and the
//!   missing file's `NotFound`); the three good files are still counted, and the whole group still
//!   takes the longest good file's time;
//! - `no-task-outlives-count-all`: when `count_all` is cancelled (a `timeout` drops it half-way),
//!   none of its tasks is left running. That is what makes a *task group* (asyncio's `TaskGroup`,
//!   tokio's `JoinSet`, which aborts its tasks when dropped) more than tasks spawned on their own,
//!   whose `JoinHandle`s let them run on, detached, when dropped. Seen through the runtime's count
//!   of alive tasks;
//! - `report-transcript` (the main check): the demo's files (three texts and a missing file) through
//!   `report`, compared with fixtures/char-count/report.txt: the header at 0.000 s, then every
//!   result at 0.800 s, the longest file's time.
//!
//! Reads go through `tokio::fs`, which runs them on tokio's blocking pool: under paused time the
//! clock does not move while such a read is under way, so a file costs exactly its sleeps and
//! every duration above is exact. Results said at one instant are compared as a set.

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

/// The 300 lines of `a-long-file`: numbered, with words of one- to four-byte characters, of
/// varying lengths so that multi-byte characters straddle every read-buffer boundary.
fn long_lines() -> Vec<String> {
    const WORDS: [&str; 7] = ["crème", "brûlée", "東京", "🦀", "Ωμέγα", "plain", "ß"];
    (0..300)
        .map(|i| {
            let words: Vec<&str> = (0..3 + i % 7)
                .map(|k| WORDS[(i * 3 + k) % WORDS.len()])
                .collect();
            format!("{i:03} {}", words.join(" "))
        })
        .collect()
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
            "count_chars on a 4-line ASCII file gives its name and the count of every character \
             (spaces and punctuation too, line breaks not)",
            || async {
                let files = Files::new();
                let lines = [
                    "Tasks, tasks, tasks!",
                    "  one per file -- all at once.",
                    "(count me: 3 + 4 = 7)",
                    "done",
                ];
                let path = files.write("notes.txt", text(&lines, "\n", true));
                let result = exercise::count_chars(&path).await;
                expect_counted("count_chars(\"…/notes.txt\")", &result, "notes.txt", &lines)
            },
        ),
        check(
            "counts-unicode-chars",
            2,
            "count_chars counts characters, not bytes: é, 日, 🦀, a combining accent and a joined \
             emoji",
            || async {
                let files = Files::new();
                let lines = [
                    "Ünïcödé façade — 日本語のテキスト",
                    "🦀🦀 crabs & 🐍 snakes: 👩\u{200d}💻",
                    "noe\u{308}l, naïve café, résumé",
                    "Ελληνικά и русский, 中文!",
                ];
                let path = files.write("unicode.txt", text(&lines, "\n", true));
                let result = exercise::count_chars(&path).await;
                expect_counted(
                    "count_chars(\"…/unicode.txt\")",
                    &result,
                    "unicode.txt",
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
                let files = Files::new();
                let lines = ["first line", "", "  indented\tline ", "last one"];
                let versions = [
                    ("lf.txt", "\\n breaks", text(&lines, "\n", true)),
                    ("crlf.txt", "\\r\\n breaks", text(&lines, "\r\n", true)),
                    (
                        "lf-open.txt",
                        "\\n breaks, none after the last line",
                        text(&lines, "\n", false),
                    ),
                    (
                        "crlf-open.txt",
                        "\\r\\n breaks, none after the last line",
                        text(&lines, "\r\n", false),
                    ),
                ];
                for (name, how, contents) in versions {
                    let path = files.write(name, contents);
                    let result = exercise::count_chars(&path).await;
                    expect_counted(
                        &format!("count_chars on a 4-line file with {how} ({name})"),
                        &result,
                        name,
                        &lines,
                    )?;
                }
                let path = files.write("empty.txt", "");
                let result = exercise::count_chars(&path).await;
                expect_counted::<&str>("count_chars on an empty file", &result, "empty.txt", &[])
            },
        ),
        check(
            "sleeps-between-lines",
            2,
            "count_chars sleeps LINE_DELAY between two lines, never before the first or after the \
             last: 5 lines 0.8 s, 1 line or an empty file 0 s, 3 lines without a final break 0.4 s",
            || async {
                let files = Files::new();
                let cases: [(&str, &str, &str, usize); 6] = [
                    ("five.txt", "5 lines", "one\ntwo\nthree\nfour\nfive\n", 5),
                    ("one.txt", "1 line", "just one line\n", 1),
                    ("empty.txt", "an empty file", "", 0),
                    (
                        "open.txt",
                        "3 lines, the last without a break,",
                        "a\n\nb",
                        3,
                    ),
                    (
                        "crlf.txt",
                        "3 lines with \\r\\n breaks",
                        "x\r\ny\r\nz\r\n",
                        3,
                    ),
                    ("blank.txt", "4 empty lines", "\n\n\n\n", 4),
                ];
                for (name, how, contents, lines) in cases {
                    let path = files.write(name, contents);
                    expect_count_time(&format!("count_chars on {how} ({name})"), &path, lines)
                        .await?;
                }
                Ok(())
            },
        ),
        check(
            "a-long-file",
            1,
            "count_chars on 300 lines (about 13 KB) of multi-byte text: exact counts, in 59.8 s",
            || async {
                let files = Files::new();
                let lines = long_lines();
                let path = files.write("long.txt", text(&lines, "\n", true));
                let result = exercise::count_chars(&path).await;
                let took = elapsed();
                expect_counted(
                    "count_chars on a 300-line file",
                    &result,
                    "long.txt",
                    &lines,
                )?;
                let expected = delays(lines.len());
                if took != expected && !took.is_zero() {
                    return Err(Fail::new(
                        Kind::WrongTiming,
                        format!(
                            "count_chars on a 300-line file took {} of virtual time, expected {}: \
                             299 pauses of LINE_DELAY, one between every two lines.",
                            secs(took),
                            secs(expected)
                        ),
                    ));
                }
                expect_elapsed("count_chars on a 300-line file", expected)
            },
        ),
        check(
            "count-all-keeps-input-order",
            2,
            "count_all returns one result per path in the order of the paths, though the tasks \
             finish in another order; the same path twice gives two results; no paths, no results",
            || async {
                let files = Files::new();
                let slow = ["slow", "is", "the", "first", "one", "here"];
                let instant = ["instant"];
                let middle = ["in", "the", "middle", "somewhere"];
                let quick = ["quick", "one"];
                let given: Vec<(PathBuf, &str, &[&str])> = vec![
                    (
                        files.write("slow.txt", text(&slow, "\n", true)),
                        "slow.txt",
                        &slow,
                    ),
                    (
                        files.write("instant.txt", text(&instant, "\n", true)),
                        "instant.txt",
                        &instant,
                    ),
                    (
                        files.write("middle.txt", text(&middle, "\n", true)),
                        "middle.txt",
                        &middle,
                    ),
                    (
                        files.write("quick.txt", text(&quick, "\n", true)),
                        "quick.txt",
                        &quick,
                    ),
                    (files.0.path().join("instant.txt"), "instant.txt", &instant),
                ];
                let paths: Vec<PathBuf> = given.iter().map(|(p, _, _)| p.clone()).collect();
                let results = exercise::count_all(&paths).await;
                let expected_names: Vec<&str> = given.iter().map(|&(_, n, _)| n).collect();
                expect(
                    results.len() == paths.len(),
                    Kind::WrongValue,
                    format!(
                        "count_all on {} paths ({}) returned {} result(s), expected one per path, \
                         in the order of the paths (the same path given twice counts twice).",
                        paths.len(),
                        expected_names.join(", "),
                        results.len()
                    ),
                )?;
                expect_input_order(&results, &expected_names)?;
                for (i, (result, (_, name, lines))) in results.iter().zip(&given).enumerate() {
                    expect_counted(
                        &format!("count_all's result {} ({name})", i + 1),
                        result,
                        name,
                        lines,
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
            "count_all on files of 3, 8 and 5 lines takes 1.4 s (the longest file), not 2.6 s (all \
             of them, one after another)",
            || async {
                let files = Files::new();
                let sizes = [("three.txt", 3), ("eight.txt", 8), ("five.txt", 5)];
                let paths: Vec<PathBuf> = sizes
                    .iter()
                    .map(|&(name, n)| {
                        let lines: Vec<String> =
                            (1..=n).map(|i| format!("line {i} of {name}")).collect();
                        files.write(name, text(&lines, "\n", true))
                    })
                    .collect();
                let results = exercise::count_all(&paths).await;
                let longest = sizes
                    .iter()
                    .map(|&(_, n)| delays(n))
                    .max()
                    .unwrap_or_default();
                let sum = sizes.iter().map(|&(_, n)| delays(n)).sum();
                expect_group_time("count_all on files of 3, 8 and 5 lines", longest, sum)?;
                expect_eq(
                    "the number of results count_all returned for 3 paths",
                    results.len(),
                    3,
                )
            },
        ),
        check(
            "count-all-keeps-going-after-errors",
            2,
            "a missing file, a directory and a non-UTF-8 file each give an Err with their path, in \
             their places; the other files are still counted, in the longest good file's time",
            || async {
                let files = Files::new();
                let alpha = ["alpha", "beta", "gamma"];
                let longest = ["the", "longest", "good", "file", "has", "seven", "lines"];
                let single = ["single"];
                enum Want<'a> {
                    Counted(&'a str, &'a [&'a str]),
                    Failed(&'a str),
                }
                let given: Vec<(PathBuf, Want)> = vec![
                    (
                        files.write("alpha.txt", text(&alpha, "\n", true)),
                        Want::Counted("alpha.txt", &alpha),
                    ),
                    (files.missing("missing.txt"), Want::Failed("a missing file")),
                    (
                        files.write("longest.txt", text(&longest, "\n", true)),
                        Want::Counted("longest.txt", &longest),
                    ),
                    (files.dir("a-directory"), Want::Failed("a directory")),
                    (
                        files.write("latin1.txt", b"ok\ncaf\xe9\nmore\n"),
                        Want::Failed("a file that is not UTF-8 (Latin-1 'é')"),
                    ),
                    (
                        files.write("single.txt", text(&single, "\n", true)),
                        Want::Counted("single.txt", &single),
                    ),
                ];
                let paths: Vec<PathBuf> = given.iter().map(|(p, _)| p.clone()).collect();
                let results = exercise::count_all(&paths).await;
                expect(
                    results.len() == paths.len(),
                    Kind::WrongValue,
                    format!(
                        "count_all on 6 paths (3 good files, a missing file, a directory, a \
                         non-UTF-8 file) returned {} result(s), expected 6: one per path, an Err \
                         for each file that could not be counted, in its place. A failed file is a \
                         result too: don't leave it out, and don't stop at the first one.",
                        results.len()
                    ),
                )?;
                expect_input_order(
                    &results,
                    &[
                        "alpha.txt",
                        "Err(missing.txt)",
                        "longest.txt",
                        "Err(a-directory)",
                        "Err(latin1.txt)",
                        "single.txt",
                    ],
                )?;
                for (i, (result, (path, want))) in results.iter().zip(&given).enumerate() {
                    let n = i + 1;
                    match (want, result) {
                        (Want::Counted(name, lines), _) => expect_counted(
                            &format!("count_all's result {n} ({name}), among files that fail,"),
                            result,
                            name,
                            lines,
                        )?,
                        (Want::Failed(what), Ok((name, _))) => {
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
                        (Want::Failed(what), Err(error)) => {
                            expect(
                                &error.path == path,
                                Kind::WrongValue,
                                format!(
                                    "count_all's result {n}, the error for {what}, carries the \
                                     path {:?}, expected the path as given, {:?}.",
                                    error.path, path
                                ),
                            )?;
                            if n == 2 {
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
                expect_group_time(
                    "count_all on 3 good files (3, 7 and 1 lines) and 3 failing ones",
                    delays(7),
                    delays(3) + delays(7),
                )
            },
        ),
        check(
            "no-task-outlives-count-all",
            1,
            "when count_all is cancelled half-way (a timeout drops it), its tasks stop too: none is \
             left running, as in a task group",
            || async {
                let files = Files::new();
                let paths: Vec<PathBuf> = [("ten.txt", 10), ("fifteen.txt", 15)]
                    .iter()
                    .map(|&(name, n)| {
                        let lines: Vec<String> = (1..=n).map(|i| format!("{name} {i}")).collect();
                        files.write(name, text(&lines, "\n", true))
                    })
                    .collect();
                let before = tokio::runtime::Handle::current()
                    .metrics()
                    .num_alive_tasks();
                let cut = Duration::from_millis(1050);
                let outcome = tokio::time::timeout(cut, exercise::count_all(&paths)).await;
                if outcome.is_ok() {
                    let took = elapsed();
                    if took.is_zero() {
                        return Err(frozen_clock(
                            "count_all on files of 10 and 15 lines returned without any virtual \
                             time passing, expected it to take 2.8 s:",
                        ));
                    }
                    return Err(Fail::new(
                        Kind::WrongTiming,
                        format!(
                            "count_all on files of 10 and 15 lines returned after {}, expected it \
                             to take 2.8 s (the check cancels it at {}).",
                            secs(took),
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
                        "count_all on files of 10 and 15 lines was cancelled at {} (its caller \
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
                        return fail;
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
