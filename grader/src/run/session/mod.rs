//! One grader run: build the harnesses, list their checks, run the checks (in parallel, each in
//! its own process), and report each result as an event, in course order.

use crate::build::harness::{self, Builder, Target};
use crate::build::state::State;
use crate::course::Course;
use crate::run::outcome::{CheckResult, Event, ExerciseResult, Outcome};
use crate::run::runner::{self, Limits, Run};
use crate::run::tamper::Watched;
use crate::run::tamper::suspects::{After, Guard, Investigation, Who};
use anyhow::Result;
use awaitlings_check::protocol::CheckInfo;
use order::{InOrder, Release};
use schedule::{Gate, Job, Scheduler};
use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::time::Duration;

mod order;
mod overlap;
mod schedule;

/// Which of an exercise's checks a run runs.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Selection {
    /// Every check (`check`, `grade`, `verify`).
    All,
    /// Only the main scenario (`run EX`, `diff EX`).
    Main,
    /// Only the check of this name (`run EX CHECK`, `diff EX CHECK`); none when no check has it.
    Named(String),
    /// Every check, but for the targets named here (by harness member) only these of theirs:
    /// `verify` runs a wrong solution's checks that its header says it fails, the only ones it
    /// judges (a check of the list that does not exist runs nothing, and is said so).
    Listed(std::collections::BTreeMap<String, std::collections::BTreeSet<String>>),
}

impl Selection {
    /// `run` and `diff`: the check named, else the main one.
    pub fn of(check: Option<&str>) -> Selection {
        check.map_or(Selection::Main, |name| Selection::Named(name.to_string()))
    }

    /// Whether the check `info` of the target whose harness is `member` runs.
    fn wants(&self, member: &str, info: &CheckInfo) -> bool {
        match self {
            Selection::All => true,
            Selection::Main => info.main,
            Selection::Named(name) => info.name == *name,
            Selection::Listed(only) => only
                .get(member)
                .is_none_or(|names| names.contains(&info.name)),
        }
    }
}

/// What a kept result holds, in the keys it is kept under: a result kept in an older shape is
/// not found, and is run again rather than read back short of something. `tasks`: since the
/// JSON document says which task said each transcript line, so kept results draw their lanes.
const KEPT_SHAPE: &str = "tasks";

#[derive(Clone)]
pub struct Session<'a> {
    pub course: &'a Course,
    pub state: State,
    pub color: bool,
    /// The limits of every check; `timeout` is overridden per exercise (see [`Self::timeout_for`]).
    pub limits: Limits,
    /// `--timeout`, when given: it beats an exercise's `timeout_secs`.
    pub timeout_override: Option<Duration>,
    /// Wall-clock limit on one cargo run.
    pub build_timeout: Duration,
    /// Check processes run at once.
    pub jobs: usize,
    /// Reuse the results of a harness whose inputs (code, checks, fixtures, course, limits) are
    /// exactly those of its last run, instead of running its checks again (`grade`: a re-run
    /// regrades only what changed).
    pub reuse: bool,
    /// The trusted check list of each exercise (`grade`): then every target's points on offer
    /// come from it, and its checks are run by these names, never as the target's own harness
    /// lists them. Without it (`check`, `verify`...), a harness lists its own checks.
    pub offered: Option<crate::course::offered::Offered>,
}

impl Session<'_> {
    pub fn builder(&self) -> Builder<'_> {
        Builder {
            course: self.course,
            state: &self.state,
            color: self.color,
            timeout: self.build_timeout,
        }
    }

    /// `--timeout`, else the exercise's `timeout_secs`, else the default.
    pub fn timeout_for(&self, ex: &crate::course::Exercise) -> Duration {
        self.timeout_override
            .or(ex.timeout_secs.map(Duration::from_secs))
            .unwrap_or(self.limits.timeout)
    }

    pub fn target(&self, ex: &crate::course::Exercise, variant: harness::Variant) -> Target {
        Target::new(self.course, &self.state, ex, variant)
    }

    /// Builds and runs `targets`, the checks `which` selects of each. Calls `on` with every
    /// event, in course order, as results arrive.
    pub fn run(
        &self,
        targets: &[Target],
        which: &Selection,
        mut on: impl FnMut(Event),
    ) -> Result<Vec<ExerciseResult>> {
        on(Event::Building {
            count: targets.len(),
            first: !self.state.dependencies_built(),
        });
        let built = self.build(targets)?;
        self.run_built(targets, built, which, on)
    }

    /// [`Self::run`] for many targets: built in groups of `group` (in order), and each group's
    /// checks run while the next group builds. Building is CPU work and much of a run is waiting
    /// (process start-up, `.waits()` checks), so the waiting hides behind the compiling. Events
    /// come in course order, as from `run`.
    pub fn run_overlapped(
        &self,
        targets: &[Target],
        group: usize,
        mut on: impl FnMut(Event),
    ) -> Result<Vec<ExerciseResult>> {
        on(Event::Building {
            count: targets.len(),
            first: !self.state.dependencies_built(),
        });
        let groups: Vec<&[Target]> = targets.chunks(group.max(1)).collect();
        let mut results = Vec::with_capacity(targets.len());
        self.overlapped(
            &groups,
            |g| g,
            |g, built| {
                results.extend(self.run_built(g, built, &Selection::All, &mut on)?);
                Ok(())
            },
        )?;
        Ok(results)
    }

    /// Builds each of `groups` (its targets: `targets_of`) in turn on a thread of its own, and
    /// calls `run` with each group's build as soon as it is done, while the next ones build (see
    /// [`overlap`]). The builder holds the state's lock while it builds; running needs none, and
    /// the checks running watch only their own group's files for tampering, which the builder
    /// never touches. Stops at the first error, of a build or of `run`.
    pub fn overlapped<G: Sync>(
        &self,
        groups: &[G],
        targets_of: impl Fn(&G) -> &[Target] + Sync,
        run: impl FnMut(&G, Built) -> Result<()>,
    ) -> Result<()> {
        overlap::overlap(groups, |g| self.build(targets_of(g)), run)
    }

    /// The build step of [`Self::run`]: stages and builds every target's harness (or takes the
    /// results `reuse` kept for it). Holds the state's lock meanwhile: two graders on one state
    /// directory (a watch and a check, two terminals) take turns to stage and build, or one could
    /// stamp the other's binary with its fingerprint. Running the checks needs no lock, so a
    /// caller may run one batch's checks while the next batch builds (see `verify`).
    pub fn build(&self, targets: &[Target]) -> Result<Built> {
        // An exercise the course cannot list is not graded (see `plan`): its harnesses are not built.
        let gradable: Vec<usize> = (0..targets.len())
            .filter(|&i| {
                !self.offered.as_ref().is_some_and(|o| {
                    o.list(&targets[i].exercise.slug)
                        .is_some_and(|l| l.is_err())
                })
            })
            .collect();
        let mut built = Built {
            outcomes: vec![None; targets.len()],
            keys: vec![None; targets.len()],
            kept: vec![None; targets.len()],
        };
        let _turn = self.state.lock()?;
        let mut to_build = gradable.clone();
        if self.reuse {
            let some: Vec<Target> = gradable.iter().map(|&i| targets[i].clone()).collect();
            to_build.clear();
            for (&i, content) in gradable.iter().zip(self.builder().contents(&some)?) {
                built.keys[i] = content.map(|c| self.reuse_key(&targets[i], c));
                built.kept[i] = built.keys[i]
                    .as_deref()
                    .and_then(|k| self.reusable(&targets[i], k));
                if built.kept[i].is_none() {
                    to_build.push(i);
                }
            }
        }
        let some: Vec<Target> = to_build.iter().map(|&i| targets[i].clone()).collect();
        for (&i, outcome) in to_build.iter().zip(self.builder().build(&some)?) {
            built.outcomes[i] = Some(outcome);
        }
        Ok(built)
    }

    /// The run step of [`Self::run`], for targets [`Self::build`] built: lists their checks,
    /// runs them, and reports each check as it and those before it are in, and each exercise as
    /// its checks are all in.
    pub fn run_built(
        &self,
        targets: &[Target],
        built: Built,
        which: &Selection,
        on: impl FnMut(Event),
    ) -> Result<Vec<ExerciseResult>> {
        let seeds = vec![self.limits.seed; targets.len()];
        self.run_built_seeded(targets, built, &seeds, which, on)
    }

    /// [`Self::run_built`], each target's checks under its own seed (`seeds`, one per target):
    /// a target may come more than once, under several seeds, and all their checks run as one
    /// batch. `verify` runs its seeds so, and the checks that wait on the real clock under one
    /// seed wait beside those of the others.
    pub fn run_built_seeded(
        &self,
        targets: &[Target],
        built: Built,
        seeds: &[u64],
        which: &Selection,
        on: impl FnMut(Event),
    ) -> Result<Vec<ExerciseResult>> {
        let plan = self.plan(targets, built, seeds, which);
        // Whatever the checks do, the grader's own files must be as they were (see `tamper`).
        let bins = plan.bins();
        let scratch = self.state.run_dir()?;
        let guard = self.guard(targets, &bins);
        crate::process::supervise::adopting(true);
        let reported = self.run_jobs(targets, &plan, &guard, scratch.path(), on);
        crate::process::supervise::adopting(false);
        self.finish(targets, &plan.keys, &bins, &guard, &reported);
        Ok(reported)
    }

    /// Each target's results before its checks run (kept ones, build errors, or every check
    /// still to run) and the check processes to start.
    fn plan(&self, targets: &[Target], mut built: Built, seeds: &[u64], which: &Selection) -> Plan {
        let mut plan = Plan {
            seeds: seeds.to_vec(),
            ..Plan::default()
        };
        for (ti, target) in targets.iter().enumerate() {
            let trusted = self
                .offered
                .as_ref()
                .and_then(|o| o.list(&target.exercise.slug));
            if let Some(mut result) = built.kept[ti].take() {
                let offered = trusted
                    .and_then(Result::ok)
                    .map(|list| list.iter().map(|c| c.points).sum::<u32>());
                result.max_points = offered.or(result.max_points);
                plan.push(result, Default::default(), None, true);
                continue;
            }
            let Some(outcome) = built.outcomes[ti].take() else {
                let why = trusted.and_then(Result::err).unwrap_or_default();
                // Without the course's own list, nothing says what the exercise is worth: it is
                // not graded, for anybody, rather than graded against an unknown maximum.
                let mut result = ExerciseResult::unbuilt(target);
                result.build = Err(harness::BuildError::Broken(format!(
                    "the grader cannot grade this exercise: {why}"
                )));
                plan.push(result, Default::default(), None, false);
                continue;
            };
            let trusted = trusted.and_then(Result::ok);
            let mut result = self.listed(ti, target, outcome, trusted, which, &mut plan.jobs);
            if result.seed.is_some() {
                result.seed = Some(seeds[ti]);
            }
            let fixtures = runner::load_fixtures(&target.fixtures_dir);
            plan.push(result, fixtures, built.keys[ti].take(), false);
        }
        plan
    }

    /// A built target's result with every check it lists (the trusted list, when grading) still
    /// to run, and those checks added to `jobs`; or why it could not be listed.
    fn listed(
        &self,
        ti: usize,
        target: &Target,
        built: harness::Outcome,
        trusted: Option<&[CheckInfo]>,
        which: &Selection,
        jobs: &mut Vec<Job>,
    ) -> ExerciseResult {
        let offered = trusted.map(|list| list.iter().map(|c| c.points).sum::<u32>());
        let mut result = ExerciseResult::unbuilt(target);
        result.build = Ok(());
        result.notes = built.notes;
        // Without a trusted list (`check`), a crate that does not build still shows the points
        // of the last list seen.
        result.max_points = offered.or_else(|| {
            runner::last_known(&self.state, &target.exercise.slug)
                .map(|l| l.iter().map(|c| c.points).sum())
        });
        let list_print = built.list_print;
        let listed = built.result.and_then(|b| {
            let list = match trusted {
                Some(list) => Ok(list.to_vec()),
                None => runner::list_cached(&b.bin, list_print, &self.state),
            };
            list.map(|list| (b, list))
                .map_err(harness::BuildError::Broken)
        });
        let (b, list) = match listed {
            Err(e) => {
                result.build = Err(e);
                return result;
            }
            Ok(listed) => listed,
        };
        if trusted.is_none() {
            runner::remember(&self.state, &target.exercise.slug, &list);
        }
        result.max_points = Some(list.iter().map(|c| c.points).sum());
        result.warnings = b.warnings;
        result.seed = Some(self.limits.seed);
        for (ci, info) in list
            .into_iter()
            .filter(|c| which.wants(&target.member, c))
            .enumerate()
        {
            jobs.push(Job {
                target: ti,
                check: ci,
                bin: b.bin.clone(),
                waits: info.waits,
            });
            result.checks.push(CheckResult {
                info,
                outcome: Outcome::failed(crate::run::outcome::Kind::Crashed, "not run"),
            });
        }
        result
    }

    /// The guard over the grader's own files while `bins` run: the course's checks and crates,
    /// the binaries, their check lists, the targets' stamps and expected transcripts.
    fn guard(&self, targets: &[Target], bins: &[PathBuf]) -> Guard {
        let mut trusted: Vec<PathBuf> = bins.to_vec();
        for bin in bins {
            if let Some(name) = bin.file_name() {
                trusted.push(self.state.list_cache(&name.to_string_lossy()));
            }
        }
        for target in targets {
            trusted.push(self.state.stamp(&target.member));
            trusted.push(target.fixtures_dir.clone());
        }
        let stamp = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_millis());
        Guard::keeping(
            Watched::new(&self.course.root, &trusted),
            &self.state.kept_links(),
            Some(
                self.state
                    .root
                    .join("put-back")
                    .join(format!("{stamp}-{}", std::process::id())),
            ),
        )
    }

    /// Runs every job of `plan` (see [`Scheduler`]) and reports each target, in course order,
    /// as soon as all its checks are in and no investigation holds it back. Returns the results.
    fn run_jobs(
        &self,
        targets: &[Target],
        plan: &Plan,
        guard: &Guard,
        scratch: &Path,
        on: impl FnMut(Event),
    ) -> Vec<ExerciseResult> {
        // `None` wakes the reporter up after an investigation released held results.
        let (tx, rx) = mpsc::channel::<Option<(usize, usize, Outcome)>>();
        let scheduler = Scheduler::new(&plan.jobs);
        let cpus = self.jobs.max(1);
        // One CPU worker is one check at a time, whatever the load: no need to look.
        let workers = scheduler.workers(cpus, cpus > 1 && schedule::crowded(cpus));
        let gate = Gate::new(cpus);
        std::thread::scope(|scope| {
            for worker in 0..workers.all {
                let (tx, scheduler, gate) = (tx.clone(), &scheduler, &gate);
                scope.spawn(move || {
                    while let Some(job) = scheduler.next(worker, workers.computing) {
                        if !self.run_job(targets, plan, guard, (scratch, gate), job, &tx) {
                            return;
                        }
                    }
                });
            }
            drop(tx);
            self.report_in_order(plan, guard, rx, on)
        })
    }

    /// Runs one check process under the guard, sends its outcome, and, when the guard saw the
    /// grader's files change, finds out which check did it. False once nobody listens.
    fn run_job(
        &self,
        targets: &[Target],
        plan: &Plan,
        guard: &Guard,
        (scratch, gate): (&Path, &Gate),
        job: &Job,
        tx: &mpsc::Sender<Option<(usize, usize, Outcome)>>,
    ) -> bool {
        let run = |ti: usize, ci: usize, bin: &Path| {
            let limits = Limits {
                timeout: self.timeout_for(&plan.results[ti].exercise),
                seed: plan.seeds[ti],
                ..self.limits.clone()
            };
            Run {
                bin,
                check: &plan.results[ti].checks[ci].info.name,
                fixtures: &plan.fixtures[ti],
                scratch,
                limits: &limits,
            }
            .go()
        };
        let who = (job.target, job.check);
        // The CPU's turn is taken inside the guard: an investigation (below, in another worker)
        // can hold every check back for seconds, and a turn taken before it would have aged
        // meanwhile, letting all the held checks start at once.
        let (outcome, after) = guard.run(who, || {
            let _turn = (!job.waits).then(|| gate.enter());
            run(job.target, job.check, &job.bin)
        });
        let outcome = self.shown(outcome, &targets[job.target]);
        if tx.send(Some((job.target, job.check, outcome))).is_err() {
            return false;
        }
        if after == After::Unclear {
            let bin_of = |who: Who| {
                plan.jobs
                    .iter()
                    .find(|j| (j.target, j.check) == who)
                    .map(|j| j.bin.clone())
            };
            guard.investigate(
                |who| match bin_of(who) {
                    Some(bin) => {
                        let o = run(who.0, who.1, &bin);
                        o.kind().map_or("passed", |k| k.name()).to_string()
                    }
                    None => "not found".to_string(),
                },
                |step| self.say(step, targets, &plan.results),
            );
            let _ = tx.send(None);
        }
        true
    }

    /// Reports in course order (see [`InOrder`]): each check as soon as it and every check
    /// before it in its exercise are in, each exercise once all its checks are, and nothing
    /// an investigation holds back. A target charged with changing the grader's files fails as
    /// forged.
    fn report_in_order(
        &self,
        plan: &Plan,
        guard: &Guard,
        rx: mpsc::Receiver<Option<(usize, usize, Outcome)>>,
        mut on: impl FnMut(Event),
    ) -> Vec<ExerciseResult> {
        let mut results = plan.results.clone();
        let mut order = InOrder::new(
            results
                .iter()
                .zip(&plan.reused)
                .map(|(r, &reused)| {
                    r.checks
                        .iter()
                        .map(|c| reused.then(|| c.outcome.clone()))
                        .collect()
                })
                .collect(),
        );
        let mut emit = |order: &mut InOrder<Outcome>, results: &mut Vec<ExerciseResult>| {
            for step in order.release(|t| guard.held(t)) {
                on(self.released(step, guard, results));
            }
        };
        emit(&mut order, &mut results);
        for message in rx {
            if let Some((ti, ci, outcome)) = message {
                order.arrive(ti, ci, outcome);
            }
            emit(&mut order, &mut results);
        }
        results
    }

    /// The event for what [`InOrder`] released, with `results` brought up to date: a check's
    /// outcome, or the exercise whole, failed as forged when it is charged by then.
    fn released(
        &self,
        step: Release<Outcome>,
        guard: &Guard,
        results: &mut [ExerciseResult],
    ) -> Event {
        match step {
            Release::Check {
                target,
                check,
                outcome,
            } => {
                let r = &mut results[target];
                r.checks[check].outcome = match guard.charged(target) {
                    Some(paths) => self.forged(outcome, &paths),
                    None => outcome,
                };
                Event::Check {
                    exercise: Box::new(r.without_checks()),
                    index: check,
                    check: Box::new(r.checks[check].clone()),
                    infos: r.checks.iter().map(|c| c.info.clone()).collect(),
                }
            }
            Release::Exercise(target) => {
                let r = &mut results[target];
                // Charged after some of its checks were reported: none of them passes.
                if let Some(paths) = guard.charged(target) {
                    for c in &mut r.checks {
                        c.outcome = self.forged(c.outcome.clone(), &paths);
                    }
                    r.tampered = paths.iter().map(|p| self.relative(p)).collect();
                }
                Event::Exercise(Box::new(r.clone()))
            }
        }
    }

    /// After the checks: files put back are said, results are kept for `reuse`, and after a
    /// change to the grader's files nothing built, listed or stamped in this run is trusted again.
    fn finish(
        &self,
        targets: &[Target],
        keys: &[Option<String>],
        bins: &[PathBuf],
        guard: &Guard,
        reported: &[ExerciseResult],
    ) {
        if let Some(dir) = guard.set_aside() {
            crate::errln!(
                "note: files of the course changed while checks ran, and the grader put them back \
                 as they were when the run began. What they held is kept in {}: if you were \
                 editing them meanwhile, your edits are there.",
                dir.display()
            );
        }
        if !guard.tampered() {
            for (key, result) in keys.iter().zip(reported) {
                if let Some(key) = key
                    && result.build.is_ok()
                {
                    self.keep(key, result);
                }
            }
            return;
        }
        for target in targets {
            let _ = std::fs::remove_file(self.state.stamp(&target.member));
            let _ = std::fs::remove_file(self.state.warnings(&target.member));
        }
        for bin in bins {
            if let Some(name) = bin.file_name() {
                let _ = std::fs::remove_file(self.state.list_cache(&name.to_string_lossy()));
            }
            let _ = std::fs::remove_file(bin);
        }
    }

    /// Tells the person grading what an investigation of changed files does (on stderr: the
    /// report on stdout stays the report).
    fn say(&self, step: Investigation, targets: &[Target], results: &[ExerciseResult]) {
        let name = |t: usize| targets[t].crate_dir.display().to_string();
        match step {
            Investigation::Started { changed, suspects } => {
                let shown: Vec<String> = changed.iter().take(3).map(|p| self.relative(p)).collect();
                crate::errln!(
                    "note: {} changed while the checks of {} ran at the same time; running them \
                     again one at a time to find which one changes it.",
                    shown.join(", "),
                    suspects
                        .iter()
                        .map(|&t| name(t))
                        .collect::<Vec<_>>()
                        .join(", ")
                );
            }
            Investigation::Done {
                charged,
                already,
                ran,
            } => {
                let names =
                    |ts: &[usize]| ts.iter().map(|&t| name(t)).collect::<Vec<_>>().join(", ");
                if !charged.is_empty() {
                    crate::errln!(
                        "note: found it: {} changes the grader's files; its checks fail as forged.",
                        names(&charged)
                    );
                } else if !already.is_empty() {
                    crate::errln!(
                        "note: the others left the files alone when run alone; {} changed them \
                         before and is charged already.",
                        names(&already)
                    );
                } else {
                    let ran: Vec<String> = ran
                        .iter()
                        .map(|((t, c), how)| {
                            format!("{} {} ({how})", name(*t), results[*t].checks[*c].info.name)
                        })
                        .collect();
                    crate::errln!(
                        "note: none of them changed the grader's files when run alone ({}), so \
                         nobody is charged (the files were put back). Read their code: one of \
                         them changes files only sometimes.",
                        ran.join(", ")
                    );
                }
            }
        }
    }

    /// A path as the course knows it (relative to its root), else as it is.
    fn relative(&self, p: &std::path::Path) -> String {
        p.strip_prefix(&self.course.root)
            .unwrap_or(p)
            .display()
            .to_string()
    }

    /// What a target's results are kept under: everything its harness is built from, by
    /// content (`content`: see `harness::Builder::contents`), how its paths are shown, and every
    /// limit its checks run with. No absolute path is part of it: a state directory restored on
    /// another machine, for a course and submissions at other paths, keeps what it kept.
    fn reuse_key(&self, target: &Target, content: u64) -> String {
        let l = &self.limits;
        // A drawn seed is not part of the key: any seed tests the same code, and a re-run of
        // `grade` should regrade only what changed. A chosen one is: the run must use it.
        let seed = if l.seed_chosen {
            format!(" seed {}", l.seed)
        } else {
            String::new()
        };
        // Whose crate: the submission's folder name (`ana` of `.../ana/exercises/01-x`), never
        // its path. Two students with the same code each have results of their own.
        let whose = target
            .crate_dir
            .parent()
            .and_then(Path::parent)
            .and_then(Path::file_name)
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        format!(
            "{KEPT_SHAPE} {content:016x} {} {whose:?} {:?} {:?} {} {} {} {} {} {}{seed}",
            target.exercise.slug,
            target.shown,
            self.timeout_for(&target.exercise),
            l.output_cap,
            l.flood_bytes,
            l.memory_bytes,
            l.blocked_ms,
            l.transcript_cap,
            l.sandbox
        )
    }

    fn reusable(&self, target: &Target, key: &str) -> Option<ExerciseResult> {
        let text = std::fs::read_to_string(self.state.kept(key)).ok()?;
        let value: serde_json::Value = serde_json::from_str(&text).ok()?;
        if value["key"].as_str()? != key {
            return None;
        }
        crate::report::json::exercise_from(
            &value["result"],
            &target.exercise,
            target.variant.clone(),
        )
    }

    fn keep(&self, key: &str, result: &ExerciseResult) {
        let value = serde_json::json!({
            "key": key,
            "result": crate::report::json::document(std::slice::from_ref(result))["exercises"][0],
        });
        let _ = crate::build::state::write_if_changed(
            &self.state.kept(key),
            value.to_string().as_bytes(),
        );
    }

    /// The outcome of a check of an exercise whose checks changed the grader's own files: no pass.
    fn forged(&self, mut outcome: Outcome, paths: &[std::path::PathBuf]) -> Outcome {
        let shown: Vec<String> = paths.iter().take(5).map(|p| self.relative(p)).collect();
        let more = paths.len().saturating_sub(shown.len());
        let more = if more > 0 {
            format!(" and {more} more")
        } else {
            String::new()
        };
        outcome.verdict = crate::run::outcome::Verdict::failed(
            crate::run::outcome::Kind::Forged,
            format!(
                "this exercise's code changed the grader's own files while its checks ran: \
                 {}{more}. Code under test may write only in its own working directory and \
                 TMPDIR; a check of code that rewrites the grader, its checks, its fixtures or \
                 its caches cannot pass. The grader put the files back.",
                shown.join(", ")
            ),
        );
        outcome
    }

    /// Paths as the student knows them: the staged crate's become the crate's own, and paths inside
    /// the course are relative to it (`exercises/03-x/src/lib.rs:4:5`).
    fn shown(&self, mut outcome: Outcome, target: &Target) -> Outcome {
        let root = format!(
            "{}{}",
            self.course.root.display(),
            std::path::MAIN_SEPARATOR
        );
        let fix =
            |s: &str| harness::shown_paths(s, &target.stage_dir, &target.shown).replace(&root, "");
        outcome.verdict = match outcome.verdict {
            crate::run::outcome::Verdict::Failed { kind, message } => {
                crate::run::outcome::Verdict::Failed {
                    kind,
                    message: fix(&message),
                }
            }
            v => v,
        };
        for p in &mut outcome.panics {
            *p = fix(p);
        }
        outcome.stderr = fix(&outcome.stderr);
        outcome
    }
}

/// What [`Session::build`] gave, per target: its harness (or why none), or the results kept
/// for it by an earlier run with the key they were kept under.
#[derive(Clone, Debug)]
pub struct Built {
    outcomes: Vec<Option<harness::Outcome>>,
    keys: Vec<Option<String>>,
    kept: Vec<Option<ExerciseResult>>,
}

impl Built {
    /// The targets at `picked` (in that order, repeats allowed), each with what was built for it.
    pub fn pick(&self, targets: &[Target], picked: &[usize]) -> (Vec<Target>, Built) {
        let mut chosen = Vec::new();
        let mut built = Built {
            outcomes: Vec::new(),
            keys: Vec::new(),
            kept: Vec::new(),
        };
        for &i in picked {
            chosen.push(targets[i].clone());
            built.outcomes.push(self.outcomes[i].clone());
            built.keys.push(self.keys[i].clone());
            built.kept.push(self.kept[i].clone());
        }
        (chosen, built)
    }
}

/// The run of [`Session::run_built`] laid out, per target (in order): its results so far, its
/// expected transcripts, the key to keep its results under, and whether they were kept from an
/// earlier run; and every check process to start.
#[derive(Default)]
struct Plan {
    /// The seed each target's checks run under.
    seeds: Vec<u64>,
    results: Vec<ExerciseResult>,
    fixtures: Vec<Vec<(String, String)>>,
    keys: Vec<Option<String>>,
    reused: Vec<bool>,
    jobs: Vec<Job>,
}

impl Plan {
    fn push(
        &mut self,
        result: ExerciseResult,
        fixtures: Vec<(String, String)>,
        key: Option<String>,
        reused: bool,
    ) {
        self.results.push(result);
        self.fixtures.push(fixtures);
        self.keys.push(key);
        self.reused.push(reused);
    }

    /// The harness binaries the jobs run, each once (a target run under several seeds has its
    /// jobs once per seed).
    fn bins(&self) -> Vec<PathBuf> {
        let mut bins: Vec<PathBuf> = self.jobs.iter().map(|j| j.bin.clone()).collect();
        bins.sort();
        bins.dedup();
        bins
    }
}

#[cfg(test)]
mod tests {
    use super::Selection;
    use awaitlings_check::protocol::CheckInfo;

    fn info(name: &str) -> CheckInfo {
        CheckInfo {
            name: name.into(),
            points: 1,
            main: false,
            untimed: false,
            about: String::new(),
            hidden: false,
            waits: false,
        }
    }

    #[test]
    fn a_listed_selection_runs_only_the_named_checks_of_the_targets_it_names() {
        let only = [("check-x-wrong-a-t".to_string(), ["b".to_string()].into())].into();
        let which = Selection::Listed(only);
        // The target it names: only its listed check.
        assert!(which.wants("check-x-wrong-a-t", &info("b")));
        assert!(!which.wants("check-x-wrong-a-t", &info("a")));
        // Any other target: every check.
        assert!(which.wants("check-x-solution-t", &info("a")));
        assert!(which.wants("check-x-solution-t", &info("b")));
    }
}
