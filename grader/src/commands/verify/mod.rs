//! `grader verify` and `grader bless`: the maintainer's proof that the course is sound.
//!
//! verify, per exercise:
//! - the solution passes every check (so its expected transcripts match it);
//! - the untouched stub compiles and fails every check (a check that passes on `todo!()` code
//!   could pass on broken code);
//! - exactly one check is the main scenario;
//! - every alternative correct design (fixtures/right/<slug>/<design>.patch) applies to the
//!   solution and passes every check;
//! - every known-wrong solution (fixtures/wrong/<slug>/<mistake>.patch) applies to the solution
//!   and fails the checks its header lists, with the kind of failure it lists;
//! - every check is failed by at least two wrong solutions;
//! - the stub matches its record as shipped (fixtures/<slug>/shipped.toml, which `reset` restores);
//! - nothing that ships to students gives a hidden check away (see [`hidden`]);
//! - every phrase a cause hint waits for can still be said by a check (see [`causes`]).
//!
//! All of it under several seeds (`--seeds K`: seeds 1 to K, default [`SEEDS`]; `--seed N`: N
//! alone): a seeded check must be right for whatever inputs it draws, and a verdict that depends on
//! an order tokio leaves open shows up as a verdict that changes with the seed. The stub is run
//! under the first seed only (it stops at its first `todo!()` whatever the inputs).
//!
//! Hidden checks (grader/checks/hidden/<slug>.rs) are run like public ones: the solution must pass
//! them, the stub fail them, and a wrong solution's header may list them.
//!
//! bless writes that record, and the expected transcripts.

use crate::build::harness::{Target, Variant};
use crate::commands::cli::{Ctx, FAILED, PASSED};
use crate::course::Exercise;
use crate::course::mistakes::{self, Expectation, Shelf};
use crate::outln;
use crate::run::outcome::ExerciseResult;
use crate::run::session::Session;
use crate::student::files as student_files;
use anyhow::{Context, Result};
use judge::Judge;
use std::collections::BTreeMap;
use std::time::Instant;

mod causes;
mod hidden;
mod judge;
mod pipeline;

/// Wrong solutions must fail this many times per check.
const WRONG_PER_CHECK: usize = 2;

/// How many seeds verify runs every check under, unless told otherwise.
pub const SEEDS: u64 = 3;

/// The seeds to verify under: `--seed N` alone, else 1 to `count`.
pub fn seeds(ctx: &Ctx, count: Option<u64>) -> Result<Vec<u64>> {
    if ctx.limits.seed_chosen {
        if count.is_some() {
            anyhow::bail!("give --seed N (one seed) or --seeds K (seeds 1 to K), not both");
        }
        return Ok(vec![ctx.limits.seed]);
    }
    let count = count.unwrap_or(SEEDS);
    if count == 0 {
        anyhow::bail!("--seeds must be at least 1");
    }
    Ok((1..=count).collect())
}

pub fn run(ctx: &Ctx, names: &[String], seed_count: Option<u64>) -> Result<u8> {
    ctx.course.require_instructors("verify")?;
    let p = ctx.paint();
    let exercises = ctx.course.select(names)?;
    let seeds = seeds(ctx, seed_count)?;
    let session = ctx.session();
    let plans: Vec<Plan> = exercises
        .iter()
        .map(|ex| Plan::of(ctx, &session, ex))
        .collect();
    let started = Instant::now();
    let runs = pipeline::run(&session, &plans, &seeds)?;
    let real = started.elapsed();
    outln!(
        "Every check runs under {} ({}).",
        if seeds.len() == 1 {
            "one seed"
        } else {
            "these seeds"
        },
        seeds
            .iter()
            .map(u64::to_string)
            .collect::<Vec<_>>()
            .join(", ")
    );
    outln!();

    let mut judge = Judge {
        runs: &runs,
        paint: p,
        problems: 0,
    };
    let mut unsound: Vec<&str> = Vec::new();
    let mut virtual_ms = 0.0;
    for (ex, plan) in exercises.iter().zip(&plans) {
        let problems_before = judge.problems;
        outln!("{}", p.bold(&ex.label()));
        let (ok, text) = shipped_record(ctx, ex);
        judge.report(ok, text);
        let solution = judge.first(&ex.slug, &Variant::Solution);
        virtual_ms += solution
            .checks
            .iter()
            .filter_map(|c| c.outcome.virtual_ms)
            .sum::<f64>();
        judge.solution(ex);
        for problem in causes::problems(&ctx.course, ex) {
            judge.report(false, problem);
        }
        judge.stub(ex);
        judge.designs(ex, plan);
        judge.wrongs(ex, plan);
        if judge.problems > problems_before {
            unsound.push(&ex.slug);
        }
        outln!();
    }
    judge.edition(ctx, &exercises, names.is_empty());
    outln!(
        "Simulated {:.3} s of virtual time in the solutions' checks; the whole verify took {:.2} s of real time.",
        virtual_ms / 1000.0,
        real.as_secs_f64()
    );
    // A plain closing line that CI log readers understand.
    outln!(
        "verify: {} passed, {} failed",
        exercises.len() - unsound.len(),
        unsound.len()
    );
    if judge.problems == 0 {
        outln!("{}", p.green("The course is sound."));
        Ok(PASSED)
    } else {
        outln!("{}", p.red(&format!("{} problem(s).", judge.problems)));
        Ok(FAILED)
    }
}

/// What verify builds and runs for one exercise, and what it expects of each variant.
pub struct Plan {
    /// The solution, the stub, every right design and every wrong solution that could be read.
    targets: Vec<Target>,
    /// Each right design's name, and whether its patch could be read.
    designs: Vec<(String, Result<()>)>,
    /// Each wrong solution's name, and what its header expects (or why it could not be read).
    expectations: Vec<(String, Result<Expectation>)>,
}

impl Plan {
    fn of(ctx: &Ctx, session: &Session, ex: &Exercise) -> Plan {
        let mut plan = Plan {
            targets: vec![
                session.target(ex, Variant::Solution),
                session.target(ex, Variant::Student),
            ],
            designs: Vec::new(),
            expectations: Vec::new(),
        };
        for name in mistakes::list(&ctx.course, ex, Shelf::Right) {
            let loaded = mistakes::load(&ctx.course, ex, Shelf::Right, &name).map(|_| ());
            if loaded.is_ok() {
                plan.targets
                    .push(session.target(ex, Variant::Right(name.clone())));
            }
            plan.designs.push((name, loaded));
        }
        for name in mistakes::list(&ctx.course, ex, Shelf::Wrong) {
            let expect = mistakes::load(&ctx.course, ex, Shelf::Wrong, &name).map(|m| m.expect);
            if expect.is_ok() {
                plan.targets
                    .push(session.target(ex, Variant::Wrong(name.clone())));
            }
            plan.expectations.push((name, expect));
        }
        plan
    }
}

/// The checks that failed under some seed, each with the first seed and what it said.
fn failing_under_seeds(seeded: &[(u64, &crate::run::outcome::ExerciseResult)]) -> Vec<String> {
    let mut failing: Vec<String> = Vec::new();
    let mut named: Vec<&str> = Vec::new();
    let first = seeded.first().map(|(_, r)| *r);
    for (seed, r) in seeded {
        if let Some(first) = first
            && let Some(why) = not_run(first, r)
        {
            failing.push(format!("under seed {seed}: {why}"));
        }
        for c in r.checks.iter().filter(|c| !c.outcome.passed()) {
            if named.contains(&c.info.name.as_str()) {
                continue;
            }
            named.push(&c.info.name);
            failing.push(format!(
                "{} under seed {seed} ({}: {})",
                c.info.name,
                c.outcome.kind().map_or("?", |k| k.name()),
                c.outcome.message()
            ));
        }
    }
    failing
}

/// Whether the stub of `ex` matches its record as shipped, and what to say about it.
fn shipped_record(ctx: &Ctx, ex: &crate::course::Exercise) -> (bool, String) {
    let course = &ctx.course;
    let record = course.relative(&student_files::record_path(course, ex));
    let bless = format!("cargo run -p grader -- bless {:02}", ex.number);
    match student_files::differences(course, ex) {
        Ok(Some(d)) if d.is_empty() => (true, format!("the stub matches {record}")),
        Ok(Some(d)) => (
            false,
            format!(
                "the stub no longer matches {record} ({}): `reset` would put the old stub back. \
                 If the change is meant, record it with `{bless}`",
                d.describe()
            ),
        ),
        Ok(None) => (
            false,
            format!("{record} is missing (what `reset` restores): write it with `{bless}`"),
        ),
        Err(e) => (false, format!("{e:#}: rewrite it with `{bless}`")),
    }
}

/// Why `r`, a target's result under a later seed, did not run every check `first` (its result
/// under the first seed) ran, if it did not. A check that never ran is never a pass: without
/// this, a harness lost between seeds (a build error, a binary removed) would prove nothing and
/// pass for sound.
fn not_run(first: &ExerciseResult, r: &ExerciseResult) -> Option<String> {
    if let Some(why) = build_problem(r) {
        return Some(format!("its checks could not run: {why}"));
    }
    let missing: Vec<&str> = first
        .checks
        .iter()
        .map(|c| c.info.name.as_str())
        .filter(|name| !r.checks.iter().any(|c| c.info.name == *name))
        .collect();
    (!missing.is_empty()).then(|| format!("{} did not run", missing.join(", ")))
}

fn build_problem(r: &ExerciseResult) -> Option<String> {
    r.build_failure()
        .map(|(kind, message)| format!("{}\n{message}", kind.heading()))
}

/// Records each stub as shipped (see [`student_files`]) and regenerates the expected transcripts
/// from the solutions. The checks never write files: each
/// reports every transcript it compared, with the actual lines, and this command (the grader, not
/// the check) writes them; then it runs the solutions again against what it wrote.
pub fn bless(ctx: &Ctx, names: &[String]) -> Result<u8> {
    ctx.course.require_instructors("bless")?;
    let exercises = ctx.course.select(names)?;
    // The stub as shipped first: it needs no build, and does not depend on the solution.
    for ex in &exercises {
        let changed = student_files::record(&ctx.course, ex)?;
        outln!(
            "{}: {} {} from exercises/{}/",
            ex.label(),
            if changed { "wrote" } else { "kept" },
            ctx.course
                .relative(&student_files::record_path(&ctx.course, ex)),
            ex.dir_name()
        );
    }
    let session = ctx.session();
    let targets: Vec<_> = exercises
        .iter()
        .map(|e| session.target(e, Variant::Solution))
        .collect();
    let results = session.run(&targets, &crate::run::session::Selection::All, |_| {})?;
    for r in &results {
        if let Some(why) = build_problem(r) {
            outln!("{}: the solution does not build: {why}", r.exercise.label());
            return Ok(FAILED);
        }
        let dir = ctx.course.fixtures_dir(&r.exercise);
        let mut written: BTreeMap<&str, &Vec<String>> = BTreeMap::new();
        for c in &r.checks {
            for (name, lines) in &c.outcome.compared {
                if let Some(before) = written.insert(name, lines)
                    && before != lines
                {
                    outln!(
                        "{}: two checks compare against `{name}` but the solution printed different \
                         transcripts for them; fix the checks first.",
                        r.exercise.label()
                    );
                    return Ok(FAILED);
                }
            }
        }
        for (name, lines) in &written {
            let path = dir.join(format!("{name}.txt"));
            crate::build::state::write_if_changed(
                &path,
                awaitlings_check::compare::join(lines).as_bytes(),
            )
            .with_context(|| format!("cannot write {}", path.display()))?;
        }
        outln!(
            "{}: {} expected transcript(s) written to {}/ from the solution",
            r.exercise.label(),
            written.len(),
            dir.strip_prefix(&ctx.course.root).unwrap_or(&dir).display()
        );
    }
    // Prove it: the solutions must pass against what was written.
    let again = session.run(&targets, &crate::run::session::Selection::All, |_| {})?;
    let mut code = PASSED;
    for r in &again {
        for c in r.checks.iter().filter(|c| !c.outcome.passed()) {
            outln!(
                "{} {}: {}",
                r.exercise.label(),
                c.info.name,
                c.outcome.message()
            );
            code = FAILED;
        }
    }
    if code == PASSED {
        outln!("Review the change with `git diff fixtures/` before committing it.");
    }
    Ok(code)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::build::harness::sample_target;
    use crate::run::outcome::{CheckResult, Kind, Outcome};
    use awaitlings_check::protocol::CheckInfo;

    fn ran(names: &[&str]) -> ExerciseResult {
        let mut r = ExerciseResult::unbuilt(&sample_target("m", Variant::Solution, "/s"));
        r.build = Ok(());
        r.checks = names
            .iter()
            .map(|name| CheckResult {
                info: CheckInfo {
                    name: (*name).to_string(),
                    points: 1,
                    main: false,
                    untimed: false,
                    about: String::new(),
                    hidden: false,
                    waits: false,
                },
                outcome: Outcome {
                    verdict: awaitlings_check::protocol::Verdict::Passed,
                    ..Outcome::failed(Kind::Crashed, "")
                },
            })
            .collect();
        r
    }

    #[test]
    fn a_seed_whose_checks_did_not_run_is_a_failure_never_a_pass() {
        let first = ran(&["a", "b"]);
        assert!(failing_under_seeds(&[(1, &first), (2, &ran(&["a", "b"]))]).is_empty());
        let unbuilt = ExerciseResult::unbuilt(&sample_target("m", Variant::Solution, "/s"));
        let failing = failing_under_seeds(&[(1, &first), (2, &unbuilt)]);
        assert_eq!(failing.len(), 1, "{failing:?}");
        assert!(failing[0].starts_with("under seed 2: its checks could not run"));
        let failing = failing_under_seeds(&[(1, &first), (3, &ran(&["a"]))]);
        assert_eq!(failing, ["under seed 3: b did not run"]);
    }
}
