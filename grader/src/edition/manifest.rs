//! The two manifests the edition rewrites, as text, so that everything the instructor wrote in
//! them (comments, order, hints) reaches the students as it was:
//! - `course.toml` gets `edition = "student"` at the top and, per exercise, `hidden_checks`;
//! - the root `Cargo.toml` loses the workspace members and exclusions of what the edition
//!   leaves out (`solutions/*`, `grader/tests/course`).

use crate::course::{Course, STUDENT_EDITION};
use anyhow::{Context, Result, bail};

/// What the edition's course.toml starts with, in place of the course's own opening comments
/// (which speak to maintainers).
fn header() -> String {
    format!(
        "# The student edition of the course, written by `grader publish` from the instructor's course.\n\
         # `course.toml` is the grader's list of exercises (order, slugs, titles, hints): edit\n\
         # exercises/, not this file. `hidden_checks = true` marks an exercise the instructor also\n\
         # grades with checks this edition does not have: passing every check here is not a\n\
         # guarantee of full marks.\n\
         edition = \"{STUDENT_EDITION}\"\n\n"
    )
}

/// course.toml, marked as the student edition: the marker at the top, and after each exercise's
/// `slug` line whether the instructor has hidden checks for it.
pub fn mark_course(course: &Course, text: &str) -> Result<String> {
    let lines: Vec<&str> = text.lines().collect();
    if lines.iter().any(|l| {
        let l = l.trim_start();
        key_of(l) == Some("hidden_checks") || key_of(l) == Some("edition")
    }) {
        bail!(
            "course.toml already sets `edition` or `hidden_checks`, which `grader publish` writes \
             into the student edition: remove those lines from the instructor's course.toml"
        );
    }
    // The course's opening comments are for its maintainers.
    let start = lines
        .iter()
        .position(|l| !(l.trim().is_empty() || l.trim_start().starts_with('#')))
        .unwrap_or(lines.len());
    let mut out = header();
    let mut in_exercise = false;
    let mut marked = 0;
    for line in &lines[start..] {
        out.push_str(line);
        out.push('\n');
        let trimmed = line.trim();
        if trimmed.starts_with('[') {
            in_exercise = trimmed == "[[exercise]]";
            continue;
        }
        if in_exercise && key_of(trimmed) == Some("slug") {
            let slug: toml::Table = toml::from_str(trimmed)
                .with_context(|| format!("course.toml: cannot read the line `{trimmed}`"))?;
            let slug = slug
                .get("slug")
                .and_then(|s| s.as_str())
                .unwrap_or_default();
            let ex = course
                .exercises
                .iter()
                .find(|e| e.slug == slug)
                .with_context(|| format!("course.toml: no exercise has the slug {slug:?}"))?;
            let hidden = course.hidden_checks_file(ex).is_file();
            out.push_str(&format!("hidden_checks = {hidden}\n"));
            marked += 1;
            in_exercise = false;
        }
    }
    // Prove the text means what was meant: one mark per exercise, and a manifest the grader reads.
    let parsed: toml::Table =
        toml::from_str(&out).context("the edition's course.toml would not be valid TOML")?;
    let exercises = parsed
        .get("exercise")
        .and_then(|e| e.as_array())
        .map_or(0, Vec::len);
    if marked != course.exercises.len() || exercises != marked {
        bail!(
            "course.toml: publish found {marked} `slug = \"...\"` line(s) for {} exercise(s); write \
             each exercise's slug on a line of its own, right in its [[exercise]] table",
            course.exercises.len()
        );
    }
    Ok(out)
}

/// The key a `key = value` line sets, if it is one.
fn key_of(line: &str) -> Option<&str> {
    let (key, _) = line.split_once('=')?;
    let key = key.trim();
    (!key.is_empty()
        && key
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-'))
    .then_some(key)
}

/// The root Cargo.toml of the edition: `[workspace]`'s `members` and `exclude` keep only the
/// entries whose folder the edition has (`present`). Returns the text and the members dropped.
pub fn root_manifest(text: &str, present: impl Fn(&str) -> bool) -> Result<(String, Vec<String>)> {
    let parsed: toml::Table =
        toml::from_str(text).context("the course's Cargo.toml is not valid TOML")?;
    let workspace = parsed
        .get("workspace")
        .and_then(|w| w.as_table())
        .context("the course's Cargo.toml has no [workspace]")?;
    let list = |key: &str| -> Vec<String> {
        workspace
            .get(key)
            .and_then(|v| v.as_array())
            .map(|a| {
                a.iter()
                    .filter_map(|v| v.as_str().map(str::to_string))
                    .collect()
            })
            .unwrap_or_default()
    };
    let keeps = |entry: &String| present(entry.strip_suffix("/*").unwrap_or(entry));
    let members = list("members");
    let dropped: Vec<String> = members.iter().filter(|m| !keeps(m)).cloned().collect();
    let mut lines: Vec<String> = text.lines().map(str::to_string).collect();
    for key in ["members", "exclude"] {
        let old = list(key);
        let new: Vec<String> = old.iter().filter(|e| keeps(e)).cloned().collect();
        if new == old {
            continue;
        }
        let Some((first, last)) = assignment(&lines, key) else {
            continue;
        };
        let mut replacement = Vec::new();
        if !new.is_empty() || key == "members" {
            let items: Vec<String> = new
                .iter()
                .map(|e| format!("\"{}\"", e.replace('\\', "\\\\").replace('"', "\\\"")))
                .collect();
            replacement.push(format!("{key} = [{}]", items.join(", ")));
        }
        // A comment right above a list explains what it held: it goes with what is dropped.
        let mut from = first;
        if key == "exclude" {
            while from > 0 && lines[from - 1].trim_start().starts_with('#') {
                from -= 1;
            }
        }
        lines.splice(from..=last, replacement);
    }
    let mut out = lines.join("\n");
    out.push('\n');
    toml::from_str::<toml::Table>(&out)
        .context("the edition's Cargo.toml would not be valid TOML")?;
    Ok((out, dropped))
}

/// The first and last line of `key = [...]` in the `[workspace]` table.
fn assignment(lines: &[String], key: &str) -> Option<(usize, usize)> {
    let mut table = String::new();
    let mut i = 0;
    while i < lines.len() {
        let trimmed = lines[i].trim();
        if trimmed.starts_with('[') {
            table = trimmed.to_string();
        } else if table == "[workspace]" && key_of(trimmed) == Some(key) {
            let mut depth = 0i32;
            for (j, line) in lines.iter().enumerate().skip(i) {
                let mut quoted = false;
                for c in line.chars() {
                    match c {
                        '"' => quoted = !quoted,
                        '[' if !quoted => depth += 1,
                        ']' if !quoted => depth -= 1,
                        '#' if !quoted => break,
                        _ => {}
                    }
                }
                if depth <= 0 {
                    return Some((i, j));
                }
            }
            return None;
        }
        i += 1;
    }
    None
}
