//! verify's builds and runs, overlapped (`Session::overlapped`): while the checks of one exercise
//! run, under every seed, the harnesses of the next one build.

use super::Plan;
use crate::build::harness::Variant;
use crate::run::outcome::ExerciseResult;
use crate::run::session::{Selection, Session};
use anyhow::Result;
use std::collections::BTreeMap;

/// The results of every plan's targets under each of `seeds`, in seed order (the stub's under
/// the first seed only: it stops at its first `todo!()` whatever the inputs).
///
/// An exercise's seeds run as one batch, each target once per seed: a check that waits seconds
/// on the real clock (exercise 11's real sockets, 10's sleeping jobs) waits beside the same
/// check under the other seeds, rather than once per seed, one seed after another.
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
            let mut picked = Vec::new();
            let mut seed_of = Vec::new();
            let mut counts = Vec::new();
            for (i, &seed) in seeds.iter().enumerate() {
                let before = picked.len();
                for (ti, t) in plan.targets.iter().enumerate() {
                    if i == 0 || t.variant != Variant::Student {
                        picked.push(ti);
                        seed_of.push(seed);
                    }
                }
                counts.push(picked.len() - before);
            }
            let (targets, built) = built.pick(&plan.targets, &picked);
            let mut seeded = session.clone();
            seeded.limits.seed_chosen = true;
            let mut got =
                seeded.run_built_seeded(&targets, built, &seed_of, &judged(plan), |_| {})?;
            forget_output(&mut got);
            let mut got = got.into_iter();
            for ((_, results), count) in runs.iter_mut().zip(counts) {
                results.extend(got.by_ref().take(count));
            }
            Ok(())
        },
    )?;
    Ok(runs)
}

/// The checks whose outcomes verify judges: every check of the solution, the stub and each right
/// design; of a wrong solution, only those its header lists (see `Judge::wrongs`). Its other
/// checks say nothing verify asks, and running them was most of verify's check processes.
fn judged(plan: &Plan) -> Selection {
    let mut only = BTreeMap::new();
    for t in &plan.targets {
        let Variant::Wrong(name) = &t.variant else {
            continue;
        };
        let listed = plan
            .expectations
            .iter()
            .find(|(n, _)| n == name)
            .and_then(|(_, expect)| expect.as_ref().ok());
        if let Some(expect) = listed {
            only.insert(t.member.clone(), expect.checks.keys().cloned().collect());
        }
    }
    Selection::Listed(only)
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
