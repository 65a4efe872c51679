//! What each exercise offers when a class is graded: its check list, and so its points, from the
//! trusted course alone.
//!
//! The list comes from a harness built against the course's own crate for the exercise: its
//! solution, or, when the course has none, its exercise crate (the stub as the instructor keeps
//! it). It never comes from a student's harness: whether a student's crate compiles must not
//! change what the exercise is worth, nor may anything a student's code prints when listed. Nor
//! does it come from an earlier run's state (a fresh state directory, as on every CI run, must
//! give the same maximum). The usual caches still apply: the harness is rebuilt only when its
//! inputs changed, and its list is asked again only when the checks did.
//!
//! Students' harnesses are then run with exactly these checks, by name.

use crate::build::harness::{BuildError, Variant};
use crate::course::Exercise;
use crate::run::outcome::CheckInfo;
use crate::run::session::Session;
use anyhow::Result;
use std::collections::BTreeMap;

/// The trusted check list of each exercise graded, or why there is none.
#[derive(Clone, Debug, Default)]
pub struct Offered {
    lists: BTreeMap<String, std::result::Result<Vec<CheckInfo>, String>>,
}

impl Offered {
    /// Builds the course's own harness for each of `exercises` and asks it for its checks.
    pub fn of(session: &Session, exercises: &[&Exercise]) -> Result<Offered> {
        let targets: Vec<_> = exercises
            .iter()
            .map(|ex| session.target(ex, reference(session, ex)))
            .collect();
        let built = {
            let _turn = session.state.lock()?;
            session.builder().build(&targets)?
        };
        let mut lists = BTreeMap::new();
        for ((ex, target), built) in exercises.iter().zip(&targets).zip(built) {
            let has_solution = target.variant == Variant::Solution;
            let list = built
                .result
                .map_err(|e| unbuilt(ex, has_solution, &e))
                .and_then(|b| {
                    crate::run::runner::list_cached(&b.bin, built.list_print, &session.state)
                        .map_err(|e| {
                            format!(
                                "the course's harness for it was built but would not list its \
                                 checks ({e}). Run `grader verify {:02}` in the course.",
                                ex.number
                            )
                        })
                });
            lists.insert(ex.slug.clone(), list);
        }
        Ok(Offered { lists })
    }

    /// The checks of exercise `slug`, or why they are not known. `None` for an exercise that was
    /// not asked about.
    pub fn list(&self, slug: &str) -> Option<std::result::Result<&[CheckInfo], &str>> {
        self.lists
            .get(slug)
            .map(|l| l.as_deref().map_err(String::as_str))
    }

    /// The points exercise `slug` offers, when its checks are known.
    pub fn max(&self, slug: &str) -> Option<u32> {
        match self.list(slug)? {
            Ok(list) => Some(list.iter().map(|c| c.points).sum()),
            Err(_) => None,
        }
    }
}

/// The course's own crate for `ex`: its solution, else its exercise crate.
fn reference(session: &Session, ex: &Exercise) -> Variant {
    if session.course.solution_dir(ex).join("Cargo.toml").is_file() {
        Variant::Solution
    } else {
        Variant::Student
    }
}

/// Why the course's own harness for `ex` gives no list, and what to do.
fn unbuilt(ex: &Exercise, has_solution: bool, e: &BuildError) -> String {
    let dir = ex.dir_name();
    let what = if has_solution {
        format!("the course's solution (solutions/{dir})")
    } else {
        format!(
            "the course has no solution for it (no solutions/{dir}), and its exercise crate \
             (exercises/{dir})"
        )
    };
    let problem = match e {
        BuildError::DoesNotCompile(_) => "does not compile",
        BuildError::ChecksDoNotCompile(_) => {
            "does not fit the checks (they do not compile with it)"
        }
        BuildError::Broken(_) => "could not be built",
        BuildError::TimedOut(_) => "took longer to build than --build-timeout allows",
    };
    let fix = match (e, has_solution) {
        (BuildError::TimedOut(_), _) => {
            "Grade again with a longer --build-timeout (in seconds).".to_string()
        }
        (_, true) => format!(
            "Run `grader verify {:02}` in the course to see why, fix it, and grade again.",
            ex.number
        ),
        (_, false) => format!(
            "Add its solution (solutions/{dir}), or make exercises/{dir} compile, and grade again."
        ),
    };
    format!("its checks could not be listed: {what} {problem}. {fix}")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn exercise() -> Exercise {
        Exercise::sample(3, "does-not-compile")
    }

    #[test]
    fn without_a_solution_the_reason_says_what_to_add() {
        let why = unbuilt(
            &exercise(),
            false,
            &BuildError::DoesNotCompile("E0308".into()),
        );
        assert!(why.contains("no solution"), "{why}");
        assert!(why.contains("Add its solution (solutions/03-does-not-compile)"));
    }

    #[test]
    fn a_solution_that_does_not_build_points_at_verify_and_a_timeout_at_the_limit() {
        let why = unbuilt(&exercise(), true, &BuildError::Broken("x".into()));
        assert!(why.contains("grader verify 03"), "{why}");
        let why = unbuilt(&exercise(), true, &BuildError::TimedOut("x".into()));
        assert!(why.contains("--build-timeout"), "{why}");
    }
}
