//! Hidden checks for exercise 04 char-count: the trusted course's own, never shipped to students
//! (the student edition leaves out grader/checks/hidden/).
//!
//! Clauses only this file judges with inputs of its own (the public checks judge them too, with
//! theirs; see the map in grader/checks/char-count.rs):
//! - `report`'s lines for paths relative to the working directory, in a folder of their own, with
//!   `\r\n` breaks, empty lines and a last line without a break: `report-other-files`.
//!
//! - `report-other-files`: `report` on files no public check uses, written by the check at check
//!   time in a folder with a seeded name: two or three files (seeded lines; one with `\r\n`
//!   breaks and an empty line, one without a break after its last line) and a file that does not
//!   exist, in a seeded order. A `report` that says the demo's transcript rather than counting
//!   fails here. Every expected line is computed from the contract: the header `counting {n}
//!   files` at once; then, when the longest file is done ((lines - 1) × 0.2 s), one line per path
//!   in the order given, the counts in the map's `Debug` form and the missing file as
//!   `error: {CountError}`, whose text the contract gives (`could not read {path}: {io error}`;
//!   the io error is the one opening that path gives).

use awaitlings_check::prelude::*;
use std::collections::BTreeMap;
use std::path::PathBuf;
use std::time::Duration;

/// The counts the contract asks for: every char of every line, line breaks left out.
fn counts_of(lines: &[String]) -> BTreeMap<char, usize> {
    let mut counts = BTreeMap::new();
    for c in lines.iter().flat_map(|line| line.chars()) {
        *counts.entry(c).or_default() += 1;
    }
    counts
}

/// A seeded line of words, some of them multi-byte.
fn line(r: &mut Rng) -> String {
    const WIDE: [&str; 6] = ["ÿes", "日本", "é é", "Tokio,", "await;", "ü"];
    (0..r.count(1..=4))
        .map(|_| {
            if r.chance(1, 3) {
                r.pick(&WIDE).to_string()
            } else {
                r.name().to_string()
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

pub fn checks() -> Vec<Check> {
    vec![check(
        "report-other-files",
        2,
        "report on paths of its own (files with \\r\\n breaks, empty lines, no final break, and a \
         missing file) says `counting n files` at once, then every result when the longest file \
         is done, in the order of the paths",
        || async {
            let mut r = rng();
            let dir = PathBuf::from(r.name());
            std::fs::create_dir_all(&dir).expect("the check cannot make its folder");
            let good = r.count(2..=3);
            let names = r.names(good + 1);
            let sizes = r.distinct(good, 2..=6, 1);
            let mut entries: Vec<(PathBuf, String)> = Vec::new();
            let mut longest = Duration::ZERO;
            for (k, (name, &size)) in names.iter().zip(&sizes).enumerate() {
                let mut lines: Vec<String> = (0..size).map(|_| line(&mut r)).collect();
                // The first file has an empty line and \r\n breaks; the second no final break.
                let (brk, final_break) = match k {
                    0 => {
                        let at = r.count(0..=lines.len() - 2);
                        lines[at] = String::new();
                        ("\r\n", true)
                    }
                    1 => ("\n", false),
                    _ => ("\n", true),
                };
                let mut text = lines.join(brk);
                if final_break {
                    text.push_str(brk);
                }
                let name = format!("{name}.txt");
                let path = dir.join(&name);
                std::fs::write(&path, text).expect("the check cannot write its files");
                longest = longest.max(Duration::from_millis(200) * (size as u32 - 1));
                entries.push((path, format!("{name}: {:?}", counts_of(&lines))));
            }
            let gone = dir.join(format!("{}.txt", names[good]));
            let source = std::fs::File::open(&gone).expect_err("the missing file must not exist");
            let error = exercise::CountError {
                path: gone.clone(),
                source,
            };
            let missing = gone.display().to_string();
            entries.push((gone, format!("error: {error}")));
            // Never in the order the files finish in (the missing one first, then the shortest).
            let finish_key = |said: &str| {
                sizes
                    .iter()
                    .zip(&names)
                    .find(|(_, name)| said.starts_with(&format!("{name}.txt:")))
                    .map_or(0, |(&size, _)| size)
            };
            loop {
                r.shuffle(&mut entries);
                if !entries.is_sorted_by_key(|(_, said)| finish_key(said)) {
                    break;
                }
            }
            let paths: Vec<PathBuf> = entries.iter().map(|(p, _)| p.clone()).collect();
            let shown: Vec<String> = paths.iter().map(|p| p.display().to_string()).collect();

            exercise::report(&paths).await;

            let at = format!("{}.{:03}", longest.as_secs(), longest.subsec_millis());
            let mut expected = vec![format!("  0.000s  counting {} files", paths.len())];
            expected.extend(entries.iter().map(|(_, said)| format!("{at:>7}s  {said}")));
            let expected: Vec<&str> = expected.iter().map(String::as_str).collect();
            expect_lines(&expected).map_err(|fail| {
                let fail = super::checks::explain_report_timing(fail, longest);
                Fail {
                    message: format!(
                        "report on {} ({} does not exist) should say `counting {} files` at once, \
                     then, once count_all is done (the longest file takes {at} s), one line per \
                     path in the order given: {}",
                        shown.join(", "),
                        missing,
                        paths.len(),
                        fail.message
                    ),
                    ..fail
                }
            })
        },
    )]
}
