//! Whether the edition gives away what it must not: a file of the instructor's material, or a
//! line of a solution (or of a hidden check) pasted into a file it does ship.
//!
//! A line of a solution is *distinctive* when it says something of its own: after taking the
//! blanks out, at least [`MIN_CHARS`] characters, and not a comment, an attribute, a `use` or
//! `mod` line, or punctuation alone. Such a line found in the edition, when the exercise's stub
//! does not have it too, is a leak: stubs share their signatures and demos with the solution, and
//! those lines are the stub's to show. Lines are compared whole, blanks aside, so a name or a
//! phrase that merely recurs (`tokio::time::sleep`) is never taken for one.

use super::File;

/// The fewest non-blank characters of a distinctive line: `let (a, b) = tokio::join!(x, y);`
/// is one, `}` or `Ok(())` are not.
pub const MIN_CHARS: usize = 20;

/// Where a line of the instructor's material came from, and the text students may see anyway.
pub struct Source<'a> {
    /// `solutions/03-x/src/lib.rs`, as a maintainer finds it.
    pub path: String,
    pub text: &'a str,
    /// What the edition has of the same thing (the exercise's stub files, or the public
    /// checks): a line this also holds is no leak.
    pub shown: &'a str,
}

/// One leak: the edition's file and line, and where it came from.
#[derive(Debug, PartialEq, Eq)]
pub struct Leak {
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

/// Every distinctive line of `sources` (not also in what the edition shows of them) that a file
/// of `edition` holds, in the edition's path order.
pub fn find(edition: &[File], sources: &[Source]) -> Vec<Leak> {
    let mut secret: std::collections::BTreeMap<String, &str> = Default::default();
    for s in sources {
        let shown: std::collections::BTreeSet<String> =
            s.shown.lines().filter_map(distinctive).collect();
        for line in s.text.lines() {
            if let Some(d) = distinctive(line)
                && !shown.contains(&d)
            {
                secret.entry(d).or_insert(&s.path);
            }
        }
    }
    let mut leaks = Vec::new();
    for f in edition {
        let Ok(text) = std::str::from_utf8(&f.bytes) else {
            continue;
        };
        for (i, line) in text.lines().enumerate() {
            if let Some(from) = distinctive(line).and_then(|d| secret.get(&d)) {
                leaks.push(Leak {
                    file: f.path.clone(),
                    line_number: i + 1,
                    line: line.trim().to_string(),
                    from: from.to_string(),
                });
            }
        }
    }
    leaks
}

#[cfg(test)]
mod tests {
    use super::*;

    const SOLUTION: &str = "use tokio::time::sleep;\n\
        /// Runs the three steps together and returns their names in order.\n\
        pub async fn breakfast_together() -> Vec<String> {\n\
        \x20   let (coffee, toast, eggs) = tokio::join!(step(\"coffee\", 1), step(\"toast\", 1), step(\"eggs\", 1));\n\
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

    fn source() -> Source<'static> {
        Source {
            path: "solutions/01-coroutines/src/lib.rs".into(),
            text: SOLUTION,
            shown: STUB,
        }
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
    fn a_planted_solution_line_is_found_and_the_stubs_own_lines_are_not() {
        // The stub as shipped: its signature and doc comment are the solution's too.
        let clean = [file("exercises/01-coroutines/src/lib.rs", STUB)];
        assert_eq!(find(&clean, &[source()]), vec![]);
        // A lesson that shows the answer, indented differently.
        let lesson = "# Coroutines\n\n```rust\nlet (coffee, toast, eggs) =\n    tokio::join!(step(\"coffee\", 1), step(\"toast\", 1), step(\"eggs\", 1));\n```\n\
                      and then:\n\n        vec![coffee,toast, eggs]\n";
        let leaky = [
            file("exercises/01-coroutines/README.md", lesson),
            file("exercises/01-coroutines/src/lib.rs", STUB),
        ];
        let leaks = find(&leaky, &[source()]);
        assert_eq!(
            leaks,
            vec![Leak {
                file: "exercises/01-coroutines/README.md".into(),
                line_number: 9,
                line: "vec![coffee,toast, eggs]".into(),
                from: "solutions/01-coroutines/src/lib.rs".into(),
            }],
            "the line split over two is not the solution's line; the one pasted whole is"
        );
    }
}
