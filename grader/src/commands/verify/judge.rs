//! Verify's verdicts on one exercise, from the results of every variant under every seed: each
//! claim printed as `ok` or `PROBLEM`, and the problems counted.

use super::{Plan, WRONG_PER_CHECK, build_problem, failing_under_seeds, hidden, not_run};
use crate::build::harness::Variant;
use crate::commands::cli::Ctx;
use crate::course::Exercise;
use crate::outln;
use crate::run::outcome::{ExerciseResult, Kind};
use crate::terminal::color::Paint;
use std::collections::BTreeMap;

/// The results of every target under each seed, in seed order.
pub type Runs = [(u64, Vec<ExerciseResult>)];

pub struct Judge<'a> {
    pub runs: &'a Runs,
    pub paint: Paint,
    pub problems: usize,
}

impl<'a> Judge<'a> {
    /// Prints one claim: `ok`, or `PROBLEM` (counted).
    pub fn report(&mut self, ok: bool, text: String) {
        if ok {
            outln!("  {} {text}", self.paint.green("ok"));
        } else {
            self.problems += 1;
            outln!("  {} {text}", self.paint.red("PROBLEM"));
        }
    }

    /// The result of `variant` of `slug` under the first seed (the stub runs under no other).
    pub fn first(&self, slug: &str, variant: &Variant) -> &'a ExerciseResult {
        self.runs[0]
            .1
            .iter()
            .find(|r| r.exercise.slug == slug && &r.variant == variant)
            .expect("every planned target has a result under the first seed")
    }

    /// The result of `variant` of `slug` under each seed, in seed order.
    fn under_seeds(&self, slug: &str, variant: &Variant) -> Vec<(u64, &'a ExerciseResult)> {
        self.runs
            .iter()
            .filter_map(|(seed, rs)| {
                rs.iter()
                    .find(|r| r.exercise.slug == slug && &r.variant == variant)
                    .map(|r| (*seed, r))
            })
            .collect()
    }

    /// The solution passes every check under every seed, one check is the main scenario, every
    /// hint belongs to a check, and the hidden checks are hidden.
    pub fn solution(&mut self, ex: &Exercise) {
        let solution = self.first(&ex.slug, &Variant::Solution);
        if let Some(why) = build_problem(solution) {
            self.report(false, format!("the solution does not build: {why}"));
            return;
        }
        let failing = failing_under_seeds(&self.under_seeds(&ex.slug, &Variant::Solution));
        self.report(
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
        self.report(
            mains == 1,
            format!("{mains} check(s) marked as the main scenario (need exactly 1)"),
        );
        // A hint under a name no check has would never be shown: a renamed check must take its
        // hints along.
        let unknown: Vec<&str> = ex
            .check_hints
            .keys()
            .filter(|name| !solution.checks.iter().any(|c| &&c.info.name == name))
            .map(String::as_str)
            .collect();
        if !unknown.is_empty() {
            self.report(
                false,
                format!(
                    "course.toml has check_hints for checks that do not exist: {}",
                    unknown.join(", ")
                ),
            );
        }
        for problem in hidden::problems(ex, solution) {
            self.report(false, problem);
        }
    }

    /// The untouched stub builds and fails every check by reaching a `todo!()`.
    pub fn stub(&mut self, ex: &Exercise) {
        let stub = self.first(&ex.slug, &Variant::Student);
        if let Some(why) = build_problem(stub) {
            self.report(false, format!("the stub does not build: {why}"));
            return;
        }
        let passing: Vec<&str> = stub
            .checks
            .iter()
            .filter(|c| c.outcome.passed())
            .map(|c| c.info.name.as_str())
            .collect();
        // A stub should fail by reaching its todo!(), so the student reads "not implemented yet"
        // rather than a verdict that blames code they never wrote.
        let other: Vec<String> = stub
            .checks
            .iter()
            .filter(|c| !c.outcome.passed() && c.outcome.kind() != Some(Kind::NotImplemented))
            .map(|c| {
                format!(
                    "{} ({})",
                    c.info.name,
                    c.outcome.kind().map_or("?", Kind::name)
                )
            })
            .collect();
        self.report(
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

    /// Every alternative correct design passes every check under every seed.
    pub fn designs(&mut self, ex: &Exercise, plan: &Plan) {
        for (name, loaded) in &plan.designs {
            if let Err(e) = loaded {
                self.report(false, format!("right/{name}: {e:#}"));
                continue;
            }
            let variant = Variant::Right(name.clone());
            let design = self.first(&ex.slug, &variant);
            if let Some(why) = build_problem(design) {
                self.report(false, format!("right/{name} does not build: {why}"));
                continue;
            }
            let failing = failing_under_seeds(&self.under_seeds(&ex.slug, &variant));
            self.report(
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
    }

    /// Every wrong solution fails the checks its header lists, as listed, under every seed; and
    /// every check is failed so by at least [`WRONG_PER_CHECK`] of them.
    pub fn wrongs(&mut self, ex: &Exercise, plan: &Plan) {
        let solution = self.first(&ex.slug, &Variant::Solution);
        let mut caught: BTreeMap<&str, usize> = solution
            .checks
            .iter()
            .map(|c| (c.info.name.as_str(), 0))
            .collect();
        for (name, expect) in &plan.expectations {
            let expect = match expect {
                Ok(expect) => expect,
                Err(e) => {
                    self.report(false, format!("wrong/{name}: {e:#}"));
                    continue;
                }
            };
            if expect.checks.is_empty() {
                self.report(
                    false,
                    format!(
                        "wrong/{name} lists no checks under [checks]: which must it fail, and how?"
                    ),
                );
            }
            let wrong = self.first(&ex.slug, &Variant::Wrong(name.clone()));
            if let Some(why) = build_problem(wrong) {
                self.report(false, format!("wrong/{name} does not build: {why}"));
                continue;
            }
            let mut confirmed = Vec::new();
            for (check, kind) in &expect.checks {
                if !wrong.checks.iter().any(|c| &c.info.name == check) {
                    self.report(
                        false,
                        format!("wrong/{name} names a check that does not exist: {check}"),
                    );
                    continue;
                }
                if self.fails_as_listed(ex, name, &expect.about, check, kind) {
                    if let Some(c) = wrong.checks.iter().find(|c| &c.info.name == check) {
                        *caught.entry(c.info.name.as_str()).or_default() += 1;
                    }
                    confirmed.push(format!("{check} ({kind})"));
                }
            }
            if !confirmed.is_empty() {
                self.report(true, format!("wrong/{name} fails {}", confirmed.join(", ")));
            }
        }
        for (check, n) in caught {
            if n < WRONG_PER_CHECK {
                self.report(
                    false,
                    format!(
                        "check {check} is shown failing by only {n} wrong solution(s); need {WRONG_PER_CHECK}"
                    ),
                );
            }
        }
    }

    /// Whether wrong solution `name` fails `check` with `kind` under every seed; the first seed
    /// where it does not is reported.
    fn fails_as_listed(
        &mut self,
        ex: &Exercise,
        name: &str,
        about: &str,
        check: &str,
        kind: &str,
    ) -> bool {
        let seeded = self.under_seeds(&ex.slug, &Variant::Wrong(name.to_string()));
        let first = seeded.first().map(|(_, r)| *r);
        for &(seed, r) in &seeded {
            let Some(c) = r.checks.iter().find(|c| c.info.name == check) else {
                // Under the first seed, [`Self::wrongs`] said the check does not exist.
                if let Some(why) = first.and_then(|first| not_run(first, r)) {
                    self.report(false, format!("wrong/{name} under seed {seed}: {why}"));
                    return false;
                }
                continue;
            };
            let got = c.outcome.kind().map(Kind::name);
            if !c.outcome.passed() && got == Some(kind) {
                continue;
            }
            let text = if c.outcome.passed() {
                format!(
                    "wrong/{name} ({about}) PASSES {check}; expected it to fail with {kind} (seed {seed})"
                )
            } else {
                format!(
                    "wrong/{name} fails {check} with {}, expected {kind} (seed {seed}): {}",
                    got.unwrap_or_default(),
                    c.outcome.message()
                )
            };
            self.report(false, text);
            return false;
        }
        true
    }

    /// The student edition: built from the whole course, so proved when the whole course is.
    pub fn edition(&mut self, ctx: &Ctx, exercises: &[&Exercise], whole_course: bool) {
        outln!(
            "{}",
            self.paint.bold("the student edition (grader publish)")
        );
        if whole_course {
            crate::commands::edition_proof::prove(ctx, exercises, &mut |ok, text| {
                self.report(ok, text);
            });
        } else {
            outln!("  (proved by `verify` with no exercise named: it builds the whole edition)");
        }
        outln!();
    }
}
