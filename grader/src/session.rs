//! One grader run: build the harnesses, list their checks, run the checks (in parallel, each in
//! its own process), and report each result as an event, in course order.

use crate::course::Course;
use crate::harness::{Builder, Target};
use crate::outcome::{CheckResult, Event, ExerciseResult, Outcome};
use crate::runner::{self, CheckInfo, Limits, Run};
use anyhow::Result;
use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc;
use std::time::Duration;

pub struct Session<'a> {
    pub course: &'a Course,
    /// The grader's state directory (`target/awaitlings`): harnesses, cargo output, stamps.
    pub state: PathBuf,
    pub color: bool,
    pub limits: Limits,
    /// Check processes run at once.
    pub jobs: usize,
    /// Write expected transcripts instead of comparing (maintainers, on solutions).
    pub bless: bool,
}

impl Session<'_> {
    pub fn builder(&self) -> Builder<'_> {
        Builder {
            course: self.course,
            state: self.state.clone(),
            color: self.color,
        }
    }

    /// Builds and runs `targets`; with `only_main`, just each exercise's main check (for `run` and
    /// `diff`). Calls `on` with every event, in course order, as results arrive.
    pub fn run(
        &self,
        targets: &[Target],
        only_main: bool,
        mut on: impl FnMut(Event),
    ) -> Result<Vec<ExerciseResult>> {
        on(Event::Building {
            count: targets.len(),
        });
        let built = self.builder().build(targets)?;

        // Each target's checks (or its build error), and the jobs to run.
        let mut results: Vec<ExerciseResult> = Vec::new();
        let mut jobs: Vec<(usize, usize, PathBuf)> = Vec::new();
        for (ti, (target, built)) in targets.iter().zip(built).enumerate() {
            let cache = runner::last_known_checks(&self.state, &target.exercise.slug);
            let mut result = ExerciseResult {
                exercise: target.exercise.clone(),
                variant: target.variant.clone(),
                build: Ok(()),
                checks: Vec::new(),
                max_points: read_last_known(&cache).map(|l| l.iter().map(|c| c.points).sum()),
            };
            match built.and_then(|bin| {
                runner::list_cached(&bin, &self.state)
                    .map(|list| (bin, list))
                    .map_err(crate::harness::BuildError::Broken)
            }) {
                Err(e) => result.build = Err(e),
                Ok((bin, list)) => {
                    write_last_known(&cache, &list);
                    result.max_points = Some(list.iter().map(|c| c.points).sum());
                    let chosen: Vec<CheckInfo> =
                        list.into_iter().filter(|c| !only_main || c.main).collect();
                    for (ci, info) in chosen.into_iter().enumerate() {
                        jobs.push((ti, ci, bin.clone()));
                        result.checks.push(CheckResult {
                            info,
                            outcome: Outcome::default(),
                        });
                    }
                }
            }
            results.push(result);
        }

        let scratch = runner::scratch_dir(&self.state)?;
        let (tx, rx) = mpsc::channel::<(usize, usize, Outcome)>();
        let next = AtomicUsize::new(0);
        let mut reported = results.clone();
        std::thread::scope(|scope| {
            for _ in 0..self.jobs.max(1).min(jobs.len().max(1)) {
                let tx = tx.clone();
                let (jobs, next, results, scratch) = (&jobs, &next, &results, scratch.path());
                scope.spawn(move || {
                    while let Some((ti, ci, bin)) = jobs.get(next.fetch_add(1, Ordering::SeqCst)) {
                        let ex = &results[*ti].exercise;
                        let limits = Limits {
                            timeout: ex
                                .timeout_secs
                                .map_or(self.limits.timeout, Duration::from_secs),
                            ..self.limits.clone()
                        };
                        let outcome = Run {
                            bin,
                            check: &results[*ti].checks[*ci].info.name,
                            fixtures: &self.course.fixtures_dir(ex),
                            bless: self.bless,
                            scratch,
                            limits: &limits,
                        }
                        .go();
                        let outcome = self.relativise(outcome);
                        if tx.send((*ti, *ci, outcome)).is_err() {
                            return;
                        }
                    }
                });
            }
            drop(tx);

            // Report in course order: exercise by exercise, check by check, as soon as every
            // earlier result is in.
            let mut arrived: Vec<Vec<Option<Outcome>>> =
                results.iter().map(|r| vec![None; r.checks.len()]).collect();
            let (mut t, mut c) = (0usize, 0usize);
            let mut started = false;
            let mut emit = |arrived: &mut Vec<Vec<Option<Outcome>>>,
                            results: &mut Vec<ExerciseResult>| {
                while t < results.len() {
                    if !started {
                        on(Event::ExerciseStarted(&results[t]));
                        started = true;
                    }
                    while c < results[t].checks.len() {
                        let Some(outcome) = arrived[t][c].take() else {
                            return;
                        };
                        results[t].checks[c].outcome = outcome;
                        on(Event::CheckFinished(&results[t], &results[t].checks[c]));
                        c += 1;
                    }
                    on(Event::ExerciseFinished(&results[t]));
                    (t, c, started) = (t + 1, 0, false);
                }
            };
            emit(&mut arrived, &mut reported);
            for (ti, ci, outcome) in rx {
                arrived[ti][ci] = Some(outcome);
                emit(&mut arrived, &mut reported);
            }
        });
        Ok(reported)
    }
}

impl Session<'_> {
    /// Paths inside the course are shown relative to it (`exercises/03-x/src/lib.rs:4:5`).
    fn relativise(&self, mut outcome: Outcome) -> Outcome {
        let root = format!(
            "{}{}",
            self.course.root.display(),
            std::path::MAIN_SEPARATOR
        );
        outcome.message = outcome.message.replace(&root, "");
        for p in &mut outcome.panics {
            *p = p.replace(&root, "");
        }
        outcome.stderr = outcome.stderr.replace(&root, "");
        outcome
    }
}

fn read_last_known(path: &std::path::Path) -> Option<Vec<CheckInfo>> {
    runner::parse_list(&std::fs::read_to_string(path).ok()?)
}

fn write_last_known(path: &std::path::Path, list: &[CheckInfo]) {
    let _ = std::fs::create_dir_all(path.parent().expect("lists dir"));
    let _ = std::fs::write(path, runner::format_list(list));
}
