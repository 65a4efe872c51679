//! What `verify` asks of an exercise's hidden checks (`grader/checks/hidden/<slug>.rs`): that
//! nothing the student edition ships gives them away. That edition leaves out the folder
//! `grader/checks/hidden/`, but keeps `course.toml` (with its hints) and `fixtures/<slug>/`.

use crate::course::Exercise;
use crate::run::outcome::ExerciseResult;
use std::collections::BTreeSet;

/// Each way the hidden checks of `ex` show through what ships, as `solution`'s run lists them
/// (the solution runs every check to its end, so it shows what each compares against).
pub fn problems(ex: &Exercise, solution: &ExerciseResult) -> Vec<String> {
    let mut out = Vec::new();
    let hidden: Vec<_> = solution.checks.iter().filter(|c| c.info.hidden).collect();
    // Hints ship in course.toml: a hint under a hidden check's name names the check, and
    // says what it tests.
    let hinted: Vec<&str> = hidden
        .iter()
        .map(|c| c.info.name.as_str())
        .filter(|name| ex.check_hints.contains_key(*name))
        .collect();
    if !hinted.is_empty() {
        out.push(format!(
            "course.toml has check_hints for hidden checks: {}. course.toml ships to students, \
             so these hints would give the hidden checks away: remove them (a student who fails \
             a hidden check reads the exercise's general hints).",
            hinted.join(", ")
        ));
    }
    // `grader run` and `diff` show the main scenario, in the student edition too.
    let main: Vec<&str> = hidden
        .iter()
        .filter(|c| c.info.main)
        .map(|c| c.info.name.as_str())
        .collect();
    if !main.is_empty() {
        out.push(format!(
            "the hidden check {} is the main scenario: `grader run` and `diff` show the main \
             scenario to students, whose copy has no hidden checks. Mark a public check `.main()` \
             instead.",
            main.join(", ")
        ));
    }
    // An expected transcript in fixtures/<slug>/ ships; one that only hidden checks compare
    // against spells out what they expect.
    let public: BTreeSet<&str> = solution
        .checks
        .iter()
        .filter(|c| !c.info.hidden)
        .flat_map(|c| c.outcome.compared.iter().map(|(name, _)| name.as_str()))
        .collect();
    let shown: BTreeSet<String> = hidden
        .iter()
        .flat_map(|c| c.outcome.compared.iter().map(|(name, _)| name.as_str()))
        .filter(|name| !public.contains(name))
        .map(|name| format!("fixtures/{}/{name}.txt", ex.slug))
        .collect();
    if !shown.is_empty() {
        out.push(format!(
            "only hidden checks compare against {}, which ships to students and spells out what \
             they expect: give those checks their expected lines inline (expect_lines) instead.",
            shown.into_iter().collect::<Vec<_>>().join(", ")
        ));
    }
    out
}
