//! Per exercise, the students grouped by what their main scenario printed, so that "14 students
//! ran sequentially" is seen at a glance. One grouping ([`groups`]) serves every view of it: the
//! terminal summary ([`print`]) and any report of the class as a whole.

use super::Student;
use crate::course::Exercise;
use crate::outln;
use crate::terminal::color::Paint;
use std::collections::BTreeMap;

/// Students whose main scenario ended the same way and printed the same transcript.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Group<'a> {
    pub passed: bool,
    /// The verdict's heading ("main scenario passes", "wrong order", "does not compile"...).
    pub verdict: String,
    /// What the main scenario printed (empty when it did not run).
    pub transcript: String,
    /// The students' names, in the class's order.
    pub names: Vec<&'a str>,
    /// Index of each of those students in the class.
    pub members: Vec<usize>,
}

/// An exercise's groups, wrong ones first and biggest first, then the passing ones; and the
/// expected transcript of its main scenario, when any student's run said it.
pub fn groups<'a>(index: usize, students: &'a [Student]) -> (Vec<Group<'a>>, Option<String>) {
    // key: (passed, verdict, transcript) -> members; the transcript in one order within each
    // instant, which the checks do not judge: students who differ only in it are one group.
    let mut by_key: BTreeMap<(bool, String, String), Vec<usize>> = BTreeMap::new();
    let mut shown: BTreeMap<(bool, String, String), String> = BTreeMap::new();
    let mut expected: Option<String> = None;
    for (si, s) in students.iter().enumerate() {
        let r = &s.results[index];
        let (verdict, transcript) = match r.build_failure() {
            Some((kind, _)) => (kind.heading().to_string(), String::new()),
            None => match r.checks.iter().find(|c| c.info.main) {
                None => ("no main scenario".into(), String::new()),
                Some(c) => {
                    if expected.is_none() {
                        expected = c.outcome.expected.clone();
                    }
                    let verdict = match c.outcome.kind() {
                        None => "main scenario passes".to_string(),
                        Some(k) => k.heading_for(c.info.untimed).to_string(),
                    };
                    let transcript = c
                        .outcome
                        .actual
                        .clone()
                        .unwrap_or_else(|| c.outcome.transcript.join("\n"));
                    (verdict, transcript)
                }
            },
        };
        let lines: Vec<String> = transcript.lines().map(str::to_string).collect();
        let key = (
            r.passed(),
            verdict,
            crate::report::diff::canonical(&lines).join("\n"),
        );
        shown.entry(key.clone()).or_insert(transcript);
        by_key.entry(key).or_default().push(si);
    }
    let mut groups: Vec<Group> = by_key
        .into_iter()
        .map(|(key, members)| Group {
            transcript: shown.remove(&key).unwrap_or_default(),
            passed: key.0,
            verdict: key.1,
            names: members.iter().map(|&i| students[i].name.as_str()).collect(),
            members,
        })
        .collect();
    // Wrong groups first, biggest first; then the passing ones (a stable sort keeps ties in
    // the order of their keys).
    groups.sort_by(|a, b| {
        a.passed
            .cmp(&b.passed)
            .then(b.members.len().cmp(&a.members.len()))
    });
    (groups, expected)
}

/// The summary on standard output (`grade --summary`).
pub fn print(p: Paint, exercises: &[&Exercise], students: &[Student]) {
    for (i, ex) in exercises.iter().enumerate() {
        outln!();
        outln!("{}", p.bold(&ex.label()));
        let (groups, expected) = groups(i, students);
        for g in groups {
            let mark = if g.passed {
                p.green("✓")
            } else {
                p.red("✗")
            };
            let shown: Vec<&str> = g.names.iter().take(8).copied().collect();
            let more = if g.names.len() > 8 {
                format!(" and {} more", g.names.len() - 8)
            } else {
                String::new()
            };
            outln!(
                "  {mark} {:>3} student(s): {}: {}{more}",
                g.names.len(),
                g.verdict,
                shown.join(", ")
            );
            if !g.passed
                && let Some(e) = &expected
                && !g.transcript.is_empty()
            {
                for l in crate::report::diff::unified(e, &g.transcript, p, 8, None) {
                    outln!("        {l}");
                }
            }
        }
    }
}
