//! Whether the edition gives away what it must not: a line of a solution (or of a hidden check)
//! pasted into a file it ships. (That it holds no *file* of the instructor's material is
//! [`super::compute`]'s promise, checked there.)
//!
//! A line is *distinctive* when it says something of its own: after taking the blanks out, at
//! least [`MIN_CHARS`] characters with a letter or digit, and not a comment, an attribute, a
//! `use` or `mod` line. A distinctive line of a solution is *secret* unless the course shows it
//! anyway: in a stub (of any exercise), the public checks, the check API, the support crate or
//! the grader. Lines are compared whole, blanks aside, so a phrase that merely recurs
//! (`tokio::time::sleep`) is never taken for one.
//!
//! A file of the edition with [`LEAK_LINES`] or more secret lines of one solution file is a leak:
//! a solution pasted whole, or a function of it. Fewer are *quotes*, which lessons make on
//! purpose (the one line that accepts a connection): verify lists them, for a maintainer to read.

use super::File;
use std::collections::{BTreeMap, BTreeSet};

/// The fewest non-blank characters of a distinctive line: `let (a, b) = tokio::join!(x, y);`
/// is one, `}` or `Ok(())` are not.
pub const MIN_CHARS: usize = 20;

/// The fewest secret lines of one solution file in one file of the edition that make a leak.
pub const LEAK_LINES: usize = 3;

/// A file of the instructor's material: `solutions/03-x/src/lib.rs`, as a maintainer finds it.
pub struct Secret {
    pub path: String,
    pub text: String,
}

/// One secret line found in the edition: the edition's file and line, and where it came from.
#[derive(Debug, PartialEq, Eq)]
pub struct Found {
    pub file: String,
    pub line_number: usize,
    pub line: String,
    pub from: String,
}

/// The line without blanks, if it is distinctive.
pub fn distinctive(line: &str) -> Option<String> {
    let t = line.trim();
    let skipped = [
        "//", "/*", "*", "#[", "#!", "use ", "pub use ", "mod ", "pub mod ",
    ];
    if skipped.iter().any(|s| t.starts_with(s)) {
        return None;
    }
    let squeezed: String = t.chars().filter(|c| !c.is_whitespace()).collect();
    let words = squeezed.chars().filter(|c| c.is_alphanumeric()).count();
    (squeezed.chars().count() >= MIN_CHARS && words > 0).then_some(squeezed)
}

/// The leaks and the quotes: every secret line of `secrets` (not in any of `shown`) that a file
/// of `edition` holds, split by [`LEAK_LINES`], each in the edition's path order.
pub fn find(edition: &[File], secrets: &[Secret], shown: &[String]) -> (Vec<Found>, Vec<Found>) {
    let public: BTreeSet<String> = shown
        .iter()
        .flat_map(|text| text.lines().filter_map(distinctive))
        .collect();
    let mut secret: BTreeMap<String, &str> = BTreeMap::new();
    for s in secrets {
        for line in s.text.lines() {
            if let Some(d) = distinctive(line)
                && !public.contains(&d)
            {
                secret.entry(d).or_insert(&s.path);
            }
        }
    }
    let mut found = Vec::new();
    for f in edition {
        let Ok(text) = std::str::from_utf8(&f.bytes) else {
            continue;
        };
        for (i, line) in text.lines().enumerate() {
            if let Some(from) = distinctive(line).and_then(|d| secret.get(&d)) {
                found.push(Found {
                    file: f.path.clone(),
                    line_number: i + 1,
                    line: line.trim().to_string(),
                    from: from.to_string(),
                });
            }
        }
    }
    let mut per: BTreeMap<(String, String), usize> = BTreeMap::new();
    for f in &found {
        *per.entry((f.file.clone(), f.from.clone())).or_default() += 1;
    }
    found
        .into_iter()
        .partition(|f| per[&(f.file.clone(), f.from.clone())] >= LEAK_LINES)
}

#[cfg(test)]
mod tests {
    use super::*;

    const SOLUTION: &str = "use tokio::time::sleep;\n\
        /// Runs the three steps together and returns their names in order.\n\
        pub async fn breakfast_together() -> Vec<String> {\n\
        \x20   let (coffee, toast, eggs) = tokio::join!(step(\"coffee\", 1), step(\"toast\", 1), step(\"eggs\", 1));\n\
        \x20   say!(\"breakfast is ready at last\");\n\
        \x20   vec![coffee, toast, eggs]\n\
        }\n";
    const STUB: &str = "/// Runs the three steps together and returns their names in order.\n\
        pub async fn breakfast_together() -> Vec<String> {\n\
        \x20   todo!()\n\
        }\n";

    fn file(path: &str, text: &str) -> File {
        File {
            path: path.into(),
            bytes: text.as_bytes().to_vec(),
        }
    }

    fn secrets() -> Vec<Secret> {
        vec![Secret {
            path: "solutions/01-coroutines/src/lib.rs".into(),
            text: SOLUTION.into(),
        }]
    }

    #[test]
    fn what_makes_a_line_distinctive() {
        assert!(distinctive("    vec![coffee, toast, eggs]").is_some());
        for plain in [
            "}",
            "    Ok(())",
            "// a comment that is long enough to count",
            "/// a doc comment that is long enough to count",
            "use tokio::time::{sleep, timeout, Duration, Instant};",
            "#[derive(Clone, Debug, PartialEq, Eq)]",
            "    }));  ]);  });  ))); ])); });",
        ] {
            assert_eq!(distinctive(plain), None, "{plain}");
        }
    }

    #[test]
    fn a_planted_solution_is_a_leak_a_quoted_line_a_quote_and_the_stub_neither() {
        let shown = [STUB.to_string()];
        // The stub as shipped: its signature and doc comment are the solution's too.
        let clean = [file("exercises/01-coroutines/src/lib.rs", STUB)];
        assert_eq!(find(&clean, &secrets(), &shown), (vec![], vec![]));

        // A lesson that quotes one line, indented its own way: a quote, not a leak.
        let lesson = "# Coroutines\n\nThe end of it:\n\n        vec![coffee,toast, eggs]\n";
        let quoted = [file("exercises/01-coroutines/README.md", lesson)];
        let (leaks, quotes) = find(&quoted, &secrets(), &shown);
        assert_eq!(leaks, vec![]);
        assert_eq!(
            quotes,
            vec![Found {
                file: "exercises/01-coroutines/README.md".into(),
                line_number: 5,
                line: "vec![coffee,toast, eggs]".into(),
                from: "solutions/01-coroutines/src/lib.rs".into(),
            }]
        );

        // The solution's body planted in the stub: a leak, line by line.
        let planted = STUB.replace(
            "    todo!()\n",
            &SOLUTION
                .lines()
                .skip(3)
                .take(3)
                .map(|l| format!("{l}\n"))
                .collect::<String>(),
        );
        let leaky = [file("exercises/01-coroutines/src/lib.rs", &planted)];
        let (leaks, _) = find(&leaky, &secrets(), &shown);
        let lines: Vec<usize> = leaks.iter().map(|l| l.line_number).collect();
        assert_eq!(lines, [3, 4, 5], "{leaks:?}");
        // What the course shows anyway is no secret.
        let shown = [STUB.to_string(), SOLUTION.to_string()];
        assert_eq!(find(&leaky, &secrets(), &shown), (vec![], vec![]));
    }
}
