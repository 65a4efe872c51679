//! What `verify` asks of an exercise's cause hints (`[exercise.cause_hints.ID]` in course.toml):
//! that a public check can still say each phrase they wait for. A cause is found by a phrase of the
//! failure messages, so a message reworded in a checks file would leave its hints unreachable,
//! silently; this turns that into a PROBLEM naming the phrase.

use crate::course::{Course, Exercise, squeeze};
use std::path::PathBuf;

/// Each phrase of `ex`'s cause hints that no file a public failure message can come from holds:
/// its public checks and the check API, whose own messages ("ran one after another") checks pass
/// on. A phrase only its hidden checks say is a problem too, since course.toml ships.
pub fn problems(course: &Course, ex: &Exercise) -> Vec<String> {
    if ex.cause_hints.is_empty() {
        return Vec::new();
    }
    let mut files: Vec<PathBuf> = vec![course.checks_file(ex)];
    if let Ok(dir) = std::fs::read_dir(course.root.join("grader/check/src")) {
        files.extend(dir.flatten().map(|e| e.path()));
    }
    let read = |f: &PathBuf| std::fs::read_to_string(f).ok().map(|text| as_said(&text));
    let said: Vec<String> = files.iter().filter_map(read).collect();
    let hidden = read(&course.hidden_checks_file(ex)).unwrap_or_default();
    let mut out = Vec::new();
    for (id, cause) in &ex.cause_hints {
        if cause.when.is_empty() {
            out.push(format!(
                "course.toml's cause_hints.{id} has no `when` phrase: its hints can never be shown"
            ));
        }
        for phrase in &cause.when {
            let phrase = squeeze(phrase);
            if said.iter().any(|text| text.contains(&phrase)) {
                continue;
            }
            if hidden.contains(&phrase) {
                // course.toml ships to students; the hidden checks' messages do not.
                out.push(format!(
                    "course.toml's cause_hints.{id} waits for {phrase:?}, which only a hidden \
                     check of {} says: course.toml ships, so it would give the hidden check \
                     away. Remove the cause, or key it on a phrase a public check says",
                    ex.label()
                ));
            } else {
                out.push(format!(
                    "course.toml's cause_hints.{id} waits for {phrase:?}, which no check of {} \
                     says any more: copy a phrase of the failure message as it now stands (a \
                     part with no `{{}}` in it)",
                    ex.label()
                ));
            }
        }
    }
    out
}

/// Rust source as the messages it holds read: a string broken over lines with `\` is one line
/// again (the break and the next line's indentation are not in the string), `\"` is `"`, and
/// blanks are squeezed.
fn as_said(source: &str) -> String {
    let mut joined = String::with_capacity(source.len());
    let mut rest = source;
    while let Some(at) = rest.find("\\\n") {
        joined.push_str(&rest[..at]);
        rest = rest[at + 2..].trim_start();
    }
    joined.push_str(rest);
    squeeze(&joined.replace("\\\"", "\""))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn course() -> Course {
        let root = crate::repository();
        Course::find(Some(&root)).unwrap()
    }

    #[test]
    fn every_cause_of_the_course_is_said_by_a_public_check() {
        let course = course();
        let problems: Vec<String> = course
            .exercises
            .iter()
            .flat_map(|ex| problems(&course, ex))
            .collect();
        assert!(problems.is_empty(), "{problems:#?}");
    }

    #[test]
    fn a_phrase_no_check_says_is_a_problem() {
        let course = course();
        let mut ex = course.resolve("11").unwrap().clone();
        let cause = ex.cause_hints.values_mut().next().unwrap();
        cause.when = vec!["no check ever says this".into()];
        let problems = problems(&course, &ex);
        assert_eq!(problems.len(), 1, "{problems:?}");
        assert!(problems[0].contains("which no check of 11 fetch-urls says"));
    }

    #[test]
    fn a_message_broken_over_lines_reads_as_one() {
        let source = "        \"It timed out: was the whole body \\\n         there? With a \\\"Content-Length\\\", read\n exactly that many bytes.\"";
        let said = as_said(source);
        assert!(
            said.contains("was the whole body there? With a \"Content-Length\", read exactly"),
            "{said}"
        );
    }
}
