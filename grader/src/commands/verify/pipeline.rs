//! verify's builds and runs, overlapped: while the checks of one exercise run, under every seed,
//! the harnesses of the next one build.
//!
//! Building is CPU work; much of running is waiting (exercise 10's jobs hold their threads for
//! seconds on purpose, a check process mostly starts and ends). One after the other, a cold verify
//! paid for both in full; side by side, the waiting hides behind the compiling. The builder holds
//! the state's lock while it builds; running needs none (see `Session::build`), and the checks
//! running watch only their own exercise's files for tampering, which the builder never touches.

use super::Plan;
use crate::build::harness::Variant;
use crate::run::outcome::ExerciseResult;
use crate::run::session::{Built, Session};
use anyhow::Result;
use std::sync::mpsc;

/// The results of every plan's targets under each of `seeds`, in seed order (the stub's under
/// the first seed only: it stops at its first `todo!()` whatever the inputs).
pub fn run(
    session: &Session,
    plans: &[Plan],
    seeds: &[u64],
) -> Result<Vec<(u64, Vec<ExerciseResult>)>> {
    let mut runs: Vec<(u64, Vec<ExerciseResult>)> =
        seeds.iter().map(|&seed| (seed, Vec::new())).collect();
    std::thread::scope(|scope| -> Result<()> {
        // One exercise built ahead at most: a failed run stops the builder soon.
        let (tx, rx) = mpsc::sync_channel::<Result<Built>>(1);
        scope.spawn(move || {
            for plan in plans {
                let built = session.build(&plan.targets);
                let failed = built.is_err();
                if tx.send(built).is_err() || failed {
                    return;
                }
            }
        });
        for (plan, built) in plans.iter().zip(rx) {
            let built = built?;
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
                let mut got = seeded.run_built(&targets, built, false, |_| {})?;
                forget_output(&mut got);
                results.extend(got);
            }
        }
        Ok(())
    })?;
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
