//! Building many harnesses at once: in cargo runs of at most [`PER_RUN`] harnesses, each run with
//! the build limit (`--build-timeout`), and what happens to a run that does not finish.
//!
//! Why runs of a bounded size: the limit bounds one cargo run, and a class (30 students times 12
//! exercises) is far more work than one student's course. Runs of a fixed size give the time
//! allowed a share per harness, so it grows with the class, while a build that never ends still
//! costs one limit per run it is in, not the whole class's time. The harnesses go to the runs
//! exercise by exercise, so one exercise whose build script never ends holds up few runs.
//!
//! When a run reaches the limit, cargo is stopped, and each harness it had not built yet is
//! either:
//! - one whose build script (the course's) was still running: that is the likely reason, and it
//!   gets its verdict at once ("build timed out after N s");
//! - one still waiting its turn (a slow machine, or every build slot held by a build script that
//!   never ends): all of those get one more run together, with another limit, announced on one
//!   line of standard error; whatever that run leaves unbuilt gets its verdict too.
//!
//! Nothing is ever built again one harness at a time after a timeout (that once tripled a class's
//! time, silently). Only a run whose workspace cargo could not even load is split up, one run per
//! harness, so the harness at fault gets the error and the others still build; that too is said.

use super::{BuildError, Builder, Built, Target, unsettled};
use anyhow::Result;
use std::time::Duration;

/// The most harnesses one cargo run builds: a warm run of this size takes well under a minute on
/// two cores, and the first (which also compiles tokio) a few, far inside the default limit.
pub const PER_RUN: usize = 24;

type Harness = std::result::Result<Built, BuildError>;

/// What one cargo run over some harnesses gave, one entry per harness in each list.
pub enum Ran {
    /// Cargo ran to its end: each harness built, or why not.
    Finished(Vec<Harness>),
    /// Cargo stopped before building anything: it could not load the workspace (its words).
    NotLoaded(String),
    /// The limit stopped cargo. `results`: what was settled by then (see [`unsettled`]);
    /// `script_running`: whether the harness's build script had been built but had not finished.
    TimedOut {
        results: Vec<Harness>,
        script_running: Vec<bool>,
        last_words: String,
    },
}

impl Builder<'_> {
    /// Builds `targets` (none of them up to date): one result per target, in their order.
    pub(super) fn build_all(&self, targets: &[&Target]) -> Result<Vec<Harness>> {
        let mut order: Vec<usize> = (0..targets.len()).collect();
        order.sort_by_key(|&i| targets[i].exercise.number);
        let mut out: Vec<Option<Harness>> = vec![None; targets.len()];
        for run in order.chunks(PER_RUN) {
            let batch: Vec<&Target> = run.iter().map(|&i| targets[i]).collect();
            for (&i, result) in run.iter().zip(self.build_run(&batch)?) {
                out[i] = Some(result);
            }
        }
        Ok(out
            .into_iter()
            .map(|r| r.expect("every harness was in a run"))
            .collect())
    }

    /// One cargo run, and, when it reached the limit, one more for the harnesses still waiting.
    fn build_run(&self, targets: &[&Target]) -> Result<Vec<Harness>> {
        let (mut results, waiting) = match self.cargo_build(None, targets)? {
            Ran::Finished(results) => return Ok(results),
            Ran::NotLoaded(words) => return self.one_at_a_time(targets, &words),
            Ran::TimedOut {
                results,
                script_running,
                last_words,
            } => {
                let mut waiting = Vec::new();
                let results: Vec<Harness> = results
                    .into_iter()
                    .zip(script_running)
                    .enumerate()
                    .map(
                        |(i, (result, running))| match (unsettled(&result), running) {
                            (false, _) => result,
                            (true, true) => Err(self.script_timed_out(&last_words)),
                            (true, false) => {
                                waiting.push(i);
                                result
                            }
                        },
                    )
                    .collect();
                (results, waiting)
            }
        };
        if waiting.is_empty() {
            return Ok(results);
        }
        let limit = seconds(self.timeout);
        crate::errln!(
            "Building stopped at its {limit} s limit with {} of {} harness(es) not built yet, still \
             waiting their turn; building those once more, with another {limit} s.",
            waiting.len(),
            targets.len()
        );
        let again: Vec<&Target> = waiting.iter().map(|&i| targets[i]).collect();
        let second = match self.cargo_build(None, &again)? {
            Ran::Finished(results) => results,
            Ran::NotLoaded(words) => self.one_at_a_time(&again, &words)?,
            Ran::TimedOut {
                results,
                script_running,
                last_words,
            } => results
                .into_iter()
                .zip(script_running)
                .map(|(result, running)| match (unsettled(&result), running) {
                    (false, _) => result,
                    (true, true) => Err(self.script_timed_out(&last_words)),
                    (true, false) => Err(BuildError::TimedOut(format!(
                        "build timed out after {limit} s, and again after another {limit} s: \
                         cargo had still not built this harness when the grader stopped it. A \
                         slow or busy machine? Run again with a longer --build-timeout (in \
                         seconds). cargo's last words:\n{last_words}"
                    ))),
                })
                .collect(),
        };
        for (&i, result) in waiting.iter().zip(second) {
            results[i] = result;
        }
        Ok(results)
    }

    /// Cargo could not load the workspace of `targets`: one harness alone gets cargo's `words`;
    /// several are built one run each, so the one at fault gets the error and the others build.
    fn one_at_a_time(&self, targets: &[&Target], words: &str) -> Result<Vec<Harness>> {
        if targets.len() == 1 {
            return Ok(vec![Err(BuildError::Broken(words.to_string()))]);
        }
        crate::errln!(
            "cargo could not load the workspace of {} harnesses; building each on its own, so \
             that the one at fault gets the error and the others still build.",
            targets.len()
        );
        let mut out = Vec::new();
        for t in targets {
            out.push(match self.cargo_build(Some(&t.member), &[t])? {
                Ran::Finished(mut one) => one.remove(0),
                Ran::NotLoaded(words) => Err(BuildError::Broken(words)),
                Ran::TimedOut {
                    mut results,
                    script_running,
                    last_words,
                } => match results.remove(0) {
                    r if !unsettled(&r) => r,
                    _ if script_running[0] => Err(self.script_timed_out(&last_words)),
                    _ => Err(BuildError::TimedOut(format!(
                        "build timed out after {} s: cargo had not built this harness when the \
                         grader stopped it. A slow or busy machine? Run again with a longer \
                         --build-timeout (in seconds). cargo's last words:\n{last_words}",
                        seconds(self.timeout)
                    ))),
                },
            });
        }
        Ok(out)
    }

    fn script_timed_out(&self, last_words: &str) -> BuildError {
        BuildError::TimedOut(format!(
            "build timed out after {} s: the exercise's build script (the course's build.rs, \
             which runs in place of any of yours) was still running when the grader stopped the \
             build. A build script that never finishes is for the course's maintainers to fix. \
             cargo's last words:\n{last_words}",
            seconds(self.timeout)
        ))
    }
}

/// A limit as people write it: `600`, or `0.5`.
pub fn seconds(d: Duration) -> String {
    let s = d.as_secs_f64();
    if s.fract() == 0.0 {
        format!("{s:.0}")
    } else {
        format!("{s}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn limits_read_as_they_were_written() {
        assert_eq!(seconds(Duration::from_secs(600)), "600");
        assert_eq!(seconds(Duration::from_millis(500)), "0.5");
        assert_eq!(seconds(Duration::from_secs_f64(0.3)), "0.3");
    }
}
