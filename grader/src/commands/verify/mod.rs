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
//! - nothing that ships to students gives a hidden check away (see [`hidden`]).
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

use crate::build::harness::Variant;
use crate::commands::cli::{Ctx, FAILED, PASSED};
use crate::course::mistakes::{self, Shelf};
use crate::outln;
use crate::run::outcome::{ExerciseResult, Kind};
use crate::student::files as student_files;
use anyhow::{Context, Result};
use std::collections::BTreeMap;
use std::time::Instant;

mod hidden;

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
    let mut targets = Vec::new();
    let mut expectations = Vec::new();
    let mut designs = Vec::new();
    let mut session = ctx.session();
    for ex in &exercises {
        targets.push(session.target(ex, Variant::Solution));
        targets.push(session.target(ex, Variant::Student));
        for name in mistakes::list(&ctx.course, ex, Shelf::Right) {
            let loaded = mistakes::load(&ctx.course, ex, Shelf::Right, &name).map(|m| m.expect);
            if loaded.is_ok() {
                targets.push(session.target(ex, Variant::Right(name.clone())));
            }
            designs.push((ex.slug.clone(), name, loaded));
        }
        for name in mistakes::list(&ctx.course, ex, Shelf::Wrong) {
            let expect = mistakes::load(&ctx.course, ex, Shelf::Wrong, &name).map(|m| m.expect);
            if expect.is_ok() {
                targets.push(session.target(ex, Variant::Wrong(name.clone())));
            }
            expectations.push((ex.slug.clone(), name, expect));
        }
    }
    let started = Instant::now();
    // One run per seed: the first builds, the others only run the checks again. The stub is
    // left out after the first.
    let mut runs: Vec<(u64, Vec<crate::run::outcome::ExerciseResult>)> = Vec::new();
    for (i, &seed) in seeds.iter().enumerate() {
        session.limits.seed = seed;
        session.limits.seed_chosen = true;
        let these: Vec<_> = targets
            .iter()
            .filter(|t| i == 0 || t.variant != Variant::Student)
            .cloned()
            .collect();
        let mut results = session.run(&these, false, |_| {})?;
        // Verify judges kinds and messages: the transcripts and output of every check of every
        // variant under every seed would otherwise all stay in memory to the end (a gigabyte for
        // the course), and every check process started meanwhile would begin life that big.
        for r in &mut results {
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
        runs.push((seed, results));
    }
    let real = started.elapsed();
    let results = &runs[0].1;
    // The result of `variant` of `slug` under each seed, in seed order.
    let under_seeds =
        |slug: &str, variant: &Variant| -> Vec<(u64, &crate::run::outcome::ExerciseResult)> {
            runs.iter()
                .filter_map(|(seed, rs)| {
                    rs.iter()
                        .find(|r| r.exercise.slug == slug && &r.variant == variant)
                        .map(|r| (*seed, r))
                })
                .collect()
        };
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

    let mut problems = 0usize;
    let mut unsound: Vec<&str> = Vec::new();
    let mut virtual_ms = 0.0;
    for ex in &exercises {
        let problems_before = problems;
        outln!("{}", p.bold(&ex.label()));
        let of = |variant: &Variant| {
            results
                .iter()
                .find(|r| r.exercise.slug == ex.slug && &r.variant == variant)
        };
        let mut report = |ok: bool, text: String| {
            if ok {
                outln!("  {} {text}", p.green("ok"));
            } else {
                problems += 1;
                outln!("  {} {text}", p.red("PROBLEM"));
            }
        };

        // The stub as shipped is what `reset` puts back and what `list` calls untouched: a stub
        // changed without its record would reset students to an old stub.
        let (ok, text) = shipped_record(ctx, ex);
        report(ok, text);

        let solution = of(&Variant::Solution).expect("solution target");
        virtual_ms += solution
            .checks
            .iter()
            .filter_map(|c| c.outcome.virtual_ms)
            .sum::<f64>();
        match build_problem(solution) {
            Some(why) => report(false, format!("the solution does not build: {why}")),
            None => {
                let failing = failing_under_seeds(&under_seeds(&ex.slug, &Variant::Solution));
                report(
                    failing.is_empty() && !solution.checks.is_empty(),
                    if failing.is_empty() {
                        format!(
                            "solution passes all {} checks ({} points)",
                            solution.checks.len(),
                            solution.points()
                        )
                    } else {
                        format!("solution fails {}", failing.join("; "))
                    },
                );
                let mains = solution.checks.iter().filter(|c| c.info.main).count();
                report(
                    mains == 1,
                    format!("{mains} check(s) marked as the main scenario (need exactly 1)"),
                );
                // A hint under a name no check has would never be shown: a renamed check
                // must take its hints along.
                let unknown: Vec<&str> = ex
                    .check_hints
                    .keys()
                    .filter(|name| !solution.checks.iter().any(|c| &&c.info.name == name))
                    .map(String::as_str)
                    .collect();
                if !unknown.is_empty() {
                    report(
                        false,
                        format!(
                            "course.toml has check_hints for checks that do not exist: {}",
                            unknown.join(", ")
                        ),
                    );
                }
                for problem in hidden::problems(ex, solution) {
                    report(false, problem);
                }
            }
        }

        let stub = of(&Variant::Student).expect("stub target");
        match build_problem(stub) {
            Some(why) => report(false, format!("the stub does not build: {why}")),
            None => {
                let passing: Vec<&str> = stub
                    .checks
                    .iter()
                    .filter(|c| c.outcome.passed())
                    .map(|c| c.info.name.as_str())
                    .collect();
                // A stub should fail by reaching its todo!(), so the student reads "not
                // implemented yet" rather than a verdict that blames code they never wrote.
                let other: Vec<String> = stub
                    .checks
                    .iter()
                    .filter(|c| {
                        !c.outcome.passed() && c.outcome.kind() != Some(Kind::NotImplemented)
                    })
                    .map(|c| {
                        format!(
                            "{} ({})",
                            c.info.name,
                            c.outcome.kind().map_or("?", Kind::name)
                        )
                    })
                    .collect();
                report(
                    passing.is_empty() && other.is_empty(),
                    if !passing.is_empty() {
                        format!(
                            "these checks pass on the untouched stub: {}",
                            passing.join(", ")
                        )
                    } else if !other.is_empty() {
                        format!(
                            "on the untouched stub these fail without reaching a todo!(): {}",
                            other.join(", ")
                        )
                    } else {
                        format!(
                            "stub fails all {} checks as not implemented yet",
                            stub.checks.len()
                        )
                    },
                );
            }
        }

        for (slug, name, loaded) in &designs {
            if slug != &ex.slug {
                continue;
            }
            if let Err(e) = loaded {
                report(false, format!("right/{name}: {e:#}"));
                continue;
            }
            let variant = Variant::Right(name.clone());
            let design = of(&variant).expect("design target");
            if let Some(why) = build_problem(design) {
                report(false, format!("right/{name} does not build: {why}"));
                continue;
            }
            let failing = failing_under_seeds(&under_seeds(&ex.slug, &variant));
            report(
                failing.is_empty(),
                if failing.is_empty() {
                    format!("right/{name} passes all {} checks", design.checks.len())
                } else {
                    format!(
                        "right/{name}, a correct design, fails {}",
                        failing.join("; ")
                    )
                },
            );
        }

        let mut caught: BTreeMap<&str, usize> = solution
            .checks
            .iter()
            .map(|c| (c.info.name.as_str(), 0))
            .collect();
        for (slug, name, expect) in &expectations {
            if slug != &ex.slug {
                continue;
            }
            let expect = match expect {
                Ok(expect) => expect,
                Err(e) => {
                    report(false, format!("wrong/{name}: {e:#}"));
                    continue;
                }
            };
            if expect.checks.is_empty() {
                report(
                    false,
                    format!(
                        "wrong/{name} lists no checks under [checks]: which must it fail, and how?"
                    ),
                );
            }
            let wrong = of(&Variant::Wrong(name.clone())).expect("wrong target");
            if let Some(why) = build_problem(wrong) {
                report(false, format!("wrong/{name} does not build: {why}"));
                continue;
            }
            let mut confirmed = Vec::new();
            let seeded = under_seeds(&ex.slug, &Variant::Wrong(name.clone()));
            for (check, kind) in &expect.checks {
                if !wrong.checks.iter().any(|c| &c.info.name == check) {
                    report(
                        false,
                        format!("wrong/{name} names a check that does not exist: {check}"),
                    );
                    continue;
                }
                // It must fail as listed under every seed.
                let mut all = true;
                for (seed, r) in &seeded {
                    let Some(c) = r.checks.iter().find(|c| &c.info.name == check) else {
                        continue;
                    };
                    let got = c.outcome.kind().map(Kind::name);
                    if !c.outcome.passed() && got == Some(kind.as_str()) {
                        continue;
                    }
                    all = false;
                    if c.outcome.passed() {
                        report(
                            false,
                            format!(
                                "wrong/{name} ({}) PASSES {check}; expected it to fail with {kind} (seed {seed})",
                                expect.about
                            ),
                        );
                    } else {
                        report(
                            false,
                            format!(
                                "wrong/{name} fails {check} with {}, expected {kind} (seed {seed}): {}",
                                got.unwrap_or_default(),
                                c.outcome.message()
                            ),
                        );
                    }
                    break;
                }
                if all {
                    let c = wrong.checks.iter().find(|c| &c.info.name == check);
                    if let Some(c) = c {
                        *caught.entry(c.info.name.as_str()).or_default() += 1;
                    }
                    confirmed.push(format!("{check} ({kind})"));
                }
            }
            if !confirmed.is_empty() {
                report(true, format!("wrong/{name} fails {}", confirmed.join(", ")));
            }
        }
        for (check, n) in caught {
            if n < WRONG_PER_CHECK {
                report(
                    false,
                    format!(
                        "check {check} is shown failing by only {n} wrong solution(s); need {WRONG_PER_CHECK}"
                    ),
                );
            }
        }
        if problems > problems_before {
            unsound.push(&ex.slug);
        }
        outln!();
    }
    // The student edition: built from the whole course, so proved when the whole course is.
    outln!("{}", p.bold("the student edition (grader publish)"));
    if names.is_empty() {
        let mut found = 0usize;
        crate::commands::edition_proof::prove(ctx, &exercises, &mut |ok, text| {
            if ok {
                outln!("  {} {text}", p.green("ok"));
            } else {
                found += 1;
                outln!("  {} {text}", p.red("PROBLEM"));
            }
        });
        problems += found;
    } else {
        outln!("  (proved by `verify` with no exercise named: it builds the whole edition)");
    }
    outln!();
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
    if problems == 0 {
        outln!("{}", p.green("The course is sound."));
        Ok(PASSED)
    } else {
        outln!("{}", p.red(&format!("{problems} problem(s).")));
        Ok(FAILED)
    }
}

/// The checks that failed under some seed, each with the first seed and what it said.
fn failing_under_seeds(seeded: &[(u64, &crate::run::outcome::ExerciseResult)]) -> Vec<String> {
    let mut failing: Vec<String> = Vec::new();
    let mut named: Vec<&str> = Vec::new();
    for (seed, r) in seeded {
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
    let results = session.run(&targets, false, |_| {})?;
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
    let again = session.run(&targets, false, |_| {})?;
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
