//! `grade --html DIR`: the class as a static site an instructor opens from disk (`file://`), with
//! no server and no framework:
//!
//! - `index.html`: the class, one row per student, the points of each exercise, the total and
//!   the integrity flags (a click on a heading sorts by it: `sort.js`, a dozen lines, optional);
//! - `exercises/NN-slug.html`: the students grouped by what their main scenario printed
//!   ([`crate::class::summary::groups`], the grouping `--summary` prints), the most common wrong
//!   group first, each with its timeline picture on one time axis with the expected one
//!   ([`crate::report::timeline::svg`], as `grader diff --svg` draws them) and the diff
//!   ([`crate::report::diff::unified`]); the pictures are files beside the page
//!   (`exercises/NN-slug/gK.svg`);
//! - `students/NAME.html`: each exercise of one student, and of every failing check its report:
//!   the kind, what the check checks, the message, expected against actual, what was said before
//!   it stopped, panics and stderr. Hidden checks included: this is the instructor's report.
//!
//! Everything a student controls (the folder's name, transcripts, messages, compiler output) is
//! text: it goes through [`esc`], and the pages forbid inline script and any resource from
//! elsewhere (a Content-Security-Policy), so a hostile submission cannot run code in the page.
//! File names made from student names keep only ASCII letters, digits, `-` and `_`, and are made
//! unique (regardless of case, for case-insensitive disks).
//!
//! [`write`] is the one entry point: `grade` calls it, and so can any command that has a class.

mod exercise;
mod index;
mod student;

use super::Student;
use crate::course::Exercise;
use anyhow::{Context, Result, bail};
use std::collections::HashSet;
use std::fmt::Write as _;
use std::path::Path;

/// Written into every page's head; a folder whose `index.html` has it is an earlier report, which
/// `--html` may replace.
const GENERATOR: &str = "awaitlings grader: class report";

/// The files and folders a report is made of, which [`write`] replaces.
const OURS: [&str; 5] = [
    "index.html",
    "style.css",
    "sort.js",
    "exercises",
    "students",
];

/// What the pages may load: their own folder's files, nothing inline, nothing from elsewhere.
/// A hostile name or transcript that escaped [`esc`] still could not run.
const CSP: &str = "default-src 'none'; img-src 'self'; style-src 'self'; script-src 'self'";

/// Whether `dir` can take a report: it does not exist, is empty, or holds an earlier report.
/// Called before grading, so a wrong folder is said before the class is graded.
pub fn check_dir(dir: &Path) -> Result<()> {
    let entries = match std::fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::NotADirectory || dir.is_file() => bail!(
            "--html {}: that is a file; name a folder for the class report (a new one is made)",
            dir.display()
        ),
        Err(e) => bail!("--html {}: cannot read it ({e})", dir.display()),
    };
    if entries.count() == 0 || is_report(dir) {
        return Ok(());
    }
    bail!(
        "--html {}: that folder holds files that are not a class report, and the report would \
         mix with them. Name a new or empty folder (or an earlier report's, which is replaced).",
        dir.display()
    )
}

fn is_report(dir: &Path) -> bool {
    std::fs::read_to_string(dir.join("index.html")).is_ok_and(|t| t.contains(GENERATOR))
}

/// Writes the class report of `students`, graded on `exercises`, into `dir` (see the module's
/// documentation). An earlier report there is replaced; any other non-empty folder is refused.
pub fn write(exercises: &[&Exercise], students: &[Student], dir: &Path) -> Result<()> {
    check_dir(dir)?;
    if is_report(dir) {
        for name in OURS {
            let path = dir.join(name);
            let gone = if path.is_dir() {
                std::fs::remove_dir_all(&path)
            } else {
                std::fs::remove_file(&path)
            };
            if let Err(e) = gone
                && e.kind() != std::io::ErrorKind::NotFound
            {
                return Err(e).with_context(|| {
                    format!("cannot replace the earlier report's {}", path.display())
                });
            }
        }
    }
    let files = file_names(students);
    let groups: Vec<_> = (0..exercises.len())
        .map(|i| super::summary::groups(i, students))
        .collect();
    // Which group each student is in, per exercise (a class of thousands asks often).
    let membership: Vec<Vec<Option<usize>>> = groups
        .iter()
        .map(|(gs, _)| {
            let mut of = vec![None; students.len()];
            for (k, g) in gs.iter().enumerate() {
                for &si in &g.members {
                    of[si] = Some(k);
                }
            }
            of
        })
        .collect();
    let site = Site {
        exercises,
        students,
        files: &files,
        groups: &groups,
        membership: &membership,
    };
    let mut out = Out { dir };
    out.file("style.css", STYLE)?;
    out.file("sort.js", SORT)?;
    out.file("index.html", &index::render(&site))?;
    for (i, ex) in exercises.iter().enumerate() {
        let (html, pictures) = exercise::render(&site, i);
        for (name, svg) in pictures {
            out.file(&format!("exercises/{}/{name}", ex.dir_name()), &svg)?;
        }
        out.file(&format!("exercises/{}.html", ex.dir_name()), &html)?;
    }
    for (si, file) in files.iter().enumerate() {
        out.file(
            &format!("students/{file}.html"),
            &student::render(&site, si),
        )?;
    }
    Ok(())
}

/// What every page is made from.
struct Site<'a> {
    exercises: &'a [&'a Exercise],
    students: &'a [Student],
    /// Each student's page, `students/<file>.html`.
    files: &'a [String],
    /// Each exercise's groups and expected transcript.
    groups: &'a [(Vec<super::summary::Group<'a>>, Option<String>)],
    /// For each exercise, each student's group.
    membership: &'a [Vec<Option<usize>>],
}

impl Site<'_> {
    /// The group (its index in the exercise's groups) student `si` is in, for exercise `ei`.
    fn group_of(&self, ei: usize, si: usize) -> Option<usize> {
        self.membership[ei][si]
    }
}

struct Out<'a> {
    dir: &'a Path,
}

impl Out<'_> {
    fn file(&mut self, relative: &str, text: &str) -> Result<()> {
        let path = self.dir.join(relative);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent)
                .with_context(|| format!("cannot create {}", parent.display()))?;
        }
        std::fs::write(&path, text).with_context(|| format!("cannot write {}", path.display()))
    }
}

/// Each student's page name: their name with only ASCII letters, digits, `-` and `_` (anything
/// else becomes `_`), at most 60 characters, unique among the class regardless of case.
pub fn file_names(students: &[Student]) -> Vec<String> {
    let mut taken: HashSet<String> = HashSet::new();
    students
        .iter()
        .map(|s| {
            let mut base: String = s
                .name
                .chars()
                .map(|c| {
                    if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                        c
                    } else {
                        '_'
                    }
                })
                .take(60)
                .collect();
            if base.is_empty() {
                base = "student".into();
            }
            let mut name = base.clone();
            let mut n = 1;
            while !taken.insert(name.to_ascii_lowercase()) {
                n += 1;
                name = format!("{base}-{n}");
            }
            name
        })
        .collect()
}

/// `text` as HTML text or a quoted attribute's value: markup characters escaped, control
/// characters (but tab and line break) replaced by `�`.
pub fn esc(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            '\n' | '\t' => out.push(c),
            c if c.is_control() => out.push('\u{fffd}'),
            c => out.push(c),
        }
    }
    out
}

/// An HTML page: `title` (text), the navigation, and `body` (HTML). `root` leads back to the
/// report's folder (`""` or `"../"`).
fn page(title: &str, root: &str, crumbs: &str, body: &str, script: bool) -> String {
    let script = if script {
        format!(r#"<script src="{root}sort.js" defer></script>"#)
    } else {
        String::new()
    };
    format!(
        r#"<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="{CSP}">
<meta name="generator" content="{GENERATOR}">
<title>{title}</title>
<link rel="stylesheet" href="{root}style.css">
{script}</head>
<body>
<nav><a href="{root}index.html">Class</a>{crumbs}</nav>
<main>
{body}</main>
</body>
</html>
"#,
        title = esc(title),
    )
}

/// A unified diff of two transcripts as HTML (`-` expected, `+` actual), at most `max` lines.
fn diff(expected: &str, actual: &str, max: usize) -> String {
    let lines = crate::report::diff::unified(
        expected,
        actual,
        crate::terminal::color::Paint(false),
        max,
        None,
    );
    if lines.is_empty() {
        return String::new();
    }
    let mut out = String::from(
        r#"<pre class="diff" aria-label="transcript diff: - expected, + actual"><span class="legend"><span class="del">- expected</span>  <span class="ins">+ actual</span></span>"#,
    );
    for l in lines {
        let class = if l.starts_with("- ") {
            "del"
        } else if l.starts_with("+ ") {
            "ins"
        } else {
            "ctx"
        };
        // Block spans, one per line, with no line break between them: a break would be a blank
        // line in the <pre>.
        let _ = write!(out, r#"<span class="{class}">{}</span>"#, esc(&l));
    }
    out.push_str("</pre>\n");
    out
}

/// Text in a `<pre>`, cut to its last `max` lines (saying so).
fn pre_tail(text: &str, max: usize, class: &str) -> String {
    let lines: Vec<&str> = text.lines().collect();
    let from = lines.len().saturating_sub(max);
    let mut out = format!(r#"<pre class="{class}">"#);
    if from > 0 {
        let _ = writeln!(out, "… {from} earlier lines left out");
    }
    out.push_str(&esc(&lines[from..].join("\n")));
    out.push_str("</pre>\n");
    out
}

/// Text in a `<pre>`, cut to its first `max` lines (saying so).
fn pre_head(text: &str, max: usize, class: &str) -> String {
    let lines: Vec<&str> = text.lines().collect();
    let mut out = format!(r#"<pre class="{class}">"#);
    out.push_str(&esc(&lines[..lines.len().min(max)].join("\n")));
    if lines.len() > max {
        let _ = write!(out, "\n… {} more lines", lines.len() - max);
    }
    out.push_str("</pre>\n");
    out
}

/// A cell's class for `points` of `max`: full, some, none.
fn score_class(points: u32, max: Option<u32>, passed: bool) -> &'static str {
    if passed {
        "full"
    } else if points > 0 {
        "some"
    } else if max.is_none() {
        "none-listed"
    } else {
        "zero"
    }
}

fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

const STYLE: &str = include_str!("style.css");
const SORT: &str = include_str!("sort.js");

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::Subject;

    fn student(name: &str) -> Student {
        Student {
            name: name.into(),
            dir: name.into(),
            subject: Subject::default(),
            results: Vec::new(),
            unusable: None,
        }
    }

    #[test]
    fn markup_is_text_and_control_characters_are_replaced() {
        assert_eq!(
            esc(r#"<script>alert("x")</script> & 'y'"#),
            "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;y&#39;"
        );
        assert_eq!(esc("a\tb\nc\x1b[31m\0"), "a\tb\nc\u{fffd}[31m\u{fffd}");
        assert_eq!(esc("ünï 🦀"), "ünï 🦀");
    }

    #[test]
    fn file_names_are_safe_and_unique_regardless_of_case() {
        let class: Vec<Student> = [
            "ana",
            "Ana",
            "<script>alert(1)<",
            "..",
            "",
            "José Núñez",
            "a b",
            "a_b",
        ]
        .into_iter()
        .map(student)
        .collect();
        let names = file_names(&class);
        assert_eq!(
            names,
            [
                "ana",
                "Ana-2",
                "_script_alert_1__",
                "__",
                "student",
                "Jos__N__ez",
                "a_b",
                "a_b-2"
            ]
        );
        let long = file_names(&[student(&"x".repeat(300))]);
        assert_eq!(long[0].len(), 60);
    }

    #[test]
    fn a_folder_with_other_files_is_refused_and_an_earlier_report_is_not() {
        let dir = tempfile::tempdir().unwrap();
        assert!(check_dir(&dir.path().join("new")).is_ok());
        assert!(check_dir(dir.path()).is_ok());
        std::fs::write(dir.path().join("notes.txt"), "mine").unwrap();
        let err = check_dir(dir.path()).unwrap_err().to_string();
        assert!(err.contains("not a class report"), "{err}");
        let file = dir.path().join("notes.txt");
        let err = check_dir(&file).unwrap_err().to_string();
        assert!(err.contains("that is a file"), "{err}");

        let earlier = tempfile::tempdir().unwrap();
        write(&[], &[student("ana")], earlier.path()).unwrap();
        assert!(earlier.path().join("students/ana.html").is_file());
        write(&[], &[student("ben")], earlier.path()).unwrap();
        // The earlier report's pages are gone with it.
        assert!(!earlier.path().join("students/ana.html").exists());
        assert!(earlier.path().join("students/ben.html").is_file());
    }

    #[test]
    fn a_diff_marks_expected_and_actual_lines() {
        let d = diff(
            "  0.000s  a\n  1.000s  b\n",
            "  0.000s  a\n  2.000s <b>\n",
            40,
        );
        assert!(
            d.contains(r#"<span class="del">-   1.000s  b</span>"#),
            "{d}"
        );
        assert!(
            d.contains(r#"<span class="ins">+   2.000s &lt;b&gt;</span>"#),
            "{d}"
        );
        assert_eq!(diff("same\n", "same\n", 40), "");
    }
}
