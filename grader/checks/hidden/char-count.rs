//! Hidden checks for exercise 04 char-count: the trusted course's own, never shipped to students
//! (the student edition leaves out grader/checks/hidden/).
//!
//! - `report-other-files`: `report` on files no public check uses, written by the check at check
//!   time: `notes/four.txt` (4 lines, CRLF breaks, one of them empty), `notes/two.txt` (2 lines,
//!   no final break) and `notes/gone.txt`, which does not exist, given in the order four, gone,
//!   two. The public checks run `report` only on the demo's files, so a `report` that says the
//!   demo's transcript rather than counting fails here. Every expected line is computed from the
//!   contract: the header `counting 3 files` at once; then, when the longest file is done (4
//!   lines, 3 pauses of 0.2 s: 0.600 s), one line per path in the order given, the counts in the
//!   map's `Debug` form and the missing file as `error: {CountError}`, whose text the contract
//!   gives (`could not read {path}: {io error}`; the io error is the one opening that path gives).

use awaitlings_check::prelude::*;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// The files of the check: name, lines, line break, and whether the last line has one.
const FILES: [(&str, &[&str], &str, bool); 2] = [
    (
        "four.txt",
        &["Tokio, tasks!", "", "ÿes: 日本", "x"],
        "\r\n",
        true,
    ),
    ("two.txt", &["wait; await", "é é"], "\n", false),
];

/// The counts the contract asks for: every char of every line, line breaks left out.
fn counts_of(lines: &[&str]) -> BTreeMap<char, usize> {
    let mut counts = BTreeMap::new();
    for c in lines.iter().flat_map(|line| line.chars()) {
        *counts.entry(c).or_default() += 1;
    }
    counts
}

pub fn checks() -> Vec<Check> {
    vec![check(
        "report-other-files",
        2,
        "report on three paths of its own (4 lines, 2 lines, a missing file) says `counting 3 \
         files` at once, then every result at 0.600 s, in the order of the paths",
        || async {
            let dir = Path::new("notes");
            std::fs::create_dir_all(dir).expect("the check cannot make notes/");
            let mut said = BTreeMap::new();
            for (name, lines, brk, final_break) in FILES {
                let mut text = lines.join(brk);
                if final_break {
                    text.push_str(brk);
                }
                std::fs::write(dir.join(name), text).expect("the check cannot write its files");
                said.insert(name, format!("{name}: {:?}", counts_of(lines)));
            }
            let gone = dir.join("gone.txt");
            let source = std::fs::File::open(&gone).expect_err("notes/gone.txt must not exist");
            let error = exercise::CountError {
                path: gone.clone(),
                source,
            };
            let paths: Vec<PathBuf> = vec![dir.join("four.txt"), gone, dir.join("two.txt")];

            exercise::report(&paths).await;

            let expected = [
                "  0.000s  counting 3 files".to_string(),
                format!("  0.600s  {}", said["four.txt"]),
                format!("  0.600s  error: {error}"),
                format!("  0.600s  {}", said["two.txt"]),
            ];
            let expected: Vec<&str> = expected.iter().map(String::as_str).collect();
            expect_lines(&expected).map_err(|fail| Fail {
                message: format!(
                    "report on notes/four.txt, notes/gone.txt (missing) and notes/two.txt should \
                     say `counting 3 files` at once, then, once count_all is done (the longest \
                     file, 4 lines, takes 0.6 s), one line per path in the order given: {}",
                    fail.message
                ),
                ..fail
            })
        },
    )]
}
