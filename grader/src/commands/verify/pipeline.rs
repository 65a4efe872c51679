//! verify's builds and runs, overlapped (`Session::overlapped`): while the checks of one exercise
//! run, under every seed, the harnesses of the next one build.

use super::Plan;
use crate::build::harness::Variant;
use crate::run::outcome::ExerciseResult;
use crate::run::session::Session;
use anyhow::Result;

/// The results of every plan's targets under each of `seeds`, in seed order (the stub's under
/// the first seed only: it stops at its first `todo!()` whatever the inputs).
pub fn run(
    session: &Session,
    plans: &[Plan],
    seeds: &[u64],
) -> Result<Vec<(u64, Vec<ExerciseResult>)>> {
    let mut runs: Vec<(u64, Vec<ExerciseResult>)> =
        seeds.iter().map(|&seed| (seed, Vec::new())).collect();
    session.overlapped(
        plans,
        |plan| &plan.targets,
        |plan, built| {
            for (i, (seed, results)) in runs.iter_mut().enumerate() {
                let mut seeded = session.clone();
                seeded.limits.seed = *seed;
                seeded.limits.seed_chosen = true;
                let keep: Vec<bool> = plan
                    .targets
                    .iter()
                    .map(|t| i == 0 || t.variant != Variant::Student)
                    .collect();
                let (targets, built) = built.select(&plan.targets, &keep);
                let mut got = seeded.run_built(
                    &targets,
                    built,
                    &crate::run::session::Selection::All,
                    |_| {},
                )?;
                forget_output(&mut got);
                results.extend(got);
            }
            Ok(())
        },
    )?;
    Ok(runs)
}

/// Verify judges kinds and messages: the transcripts and output of every check of every variant
/// under every seed would otherwise all stay in memory to the end (a gigabyte for the course),
/// and every check process started meanwhile would begin life that big.
fn forget_output(results: &mut [ExerciseResult]) {
    for r in results {
        for c in &mut r.checks {
            let o = &mut c.outcome;
            for text in [&mut o.stdout, &mut o.stderr] {
                *text = String::new();
            }
            o.transcript = Vec::new();
            o.transcript_tasks = Vec::new();
            // Which expected transcripts a check compared is kept (see `hidden`), not their lines.
            for (_, lines) in &mut o.compared {
                *lines = Vec::new();
            }
            o.expected = None;
            o.actual = None;
        }
    }
}
