//! The course: where it is, what exercises it has, and what a name like `3`, `03`,
//! `interleaved-tasks` or `03-interleaved-tasks` refers to.
//!
//! `course.toml` at the course root is the one source of truth for order, slugs, titles and hints.
//! Everything else about an exercise is found by convention from its number and slug.
//!
//! - [`mistakes`]: known-wrong solutions and alternative correct designs, kept as patches against
//!   the solution;
//! - [`offered`]: what each exercise is worth when a class is graded, from the trusted course.

pub mod mistakes;
pub mod offered;

use anyhow::{Context, Result, bail};
use serde::Deserialize;
use std::path::{Path, PathBuf};

#[derive(Debug, Deserialize)]
struct Manifest {
    /// `"student"` in the edition `grader publish` writes (see [`crate::edition`]); absent in
    /// the instructor's course.
    #[serde(default)]
    edition: Option<String>,
    #[serde(default, rename = "exercise")]
    exercises: Vec<Exercise>,
}

/// The value of `edition` that marks the student edition.
pub const STUDENT_EDITION: &str = "student";

/// The longest wall-clock limit an exercise may ask for: a day.
pub const MAX_TIMEOUT_SECS: u64 = 86_400;

/// One exercise, as `course.toml` declares it.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Exercise {
    pub number: u32,
    pub slug: String,
    pub title: String,
    #[serde(default)]
    pub hints: Vec<String>,
    /// Hints for one check, by the check's name (`[exercise.check_hints]` in course.toml):
    /// `grader hint EX` gives the failing checks' hints, in the report's order, before the
    /// exercise's own (see [`crate::student::hints`]).
    #[serde(default)]
    pub check_hints: std::collections::BTreeMap<String, Vec<String>>,
    /// Hints for one mistake, by an id of the maintainer's choosing
    /// (`[exercise.cause_hints.ID]` in course.toml): shown first when failing checks' messages
    /// name that mistake, however many checks it fails.
    #[serde(default)]
    pub cause_hints: std::collections::BTreeMap<String, CauseHints>,
    /// Wall-clock limit per check, in seconds (default: the grader's `--timeout`).
    #[serde(default)]
    pub timeout_secs: Option<u64>,
    /// Written by `grader publish` into the student edition: whether the instructor grades this
    /// exercise with hidden checks besides the public ones the edition has (so passing every
    /// check of the edition is not a guarantee of full marks).
    #[serde(default)]
    pub hidden_checks: bool,
}

#[cfg(test)]
impl Exercise {
    /// An exercise as unit tests need one: its number and slug, nothing else declared.
    pub fn sample(number: u32, slug: &str) -> Exercise {
        Exercise {
            number,
            slug: slug.into(),
            title: String::new(),
            hints: Vec::new(),
            check_hints: Default::default(),
            cause_hints: Default::default(),
            timeout_secs: None,
            hidden_checks: false,
        }
    }
}

/// Hints about one mistake that may fail several checks at once (exercise 11's fetcher reading
/// to the end of a stream that stays open fails eight), found by what the failures say.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CauseHints {
    /// Phrases of the checks' failure messages that name this mistake: a message holding any one
    /// of them (blanks aside) was failed by it. A phrase is copied from a checks file or the
    /// check API (`grader verify` says when no check can say it any more).
    #[serde(deserialize_with = "one_or_many")]
    pub when: Vec<String>,
    pub hints: Vec<String>,
}

impl CauseHints {
    /// Whether a failure's `message` names this cause. Blanks are compared as one space, so a
    /// message wrapped or indented differently from the phrase still matches it.
    pub fn named_by(&self, message: &str) -> bool {
        let message = squeeze(message);
        self.when
            .iter()
            .map(|phrase| squeeze(phrase))
            .any(|phrase| !phrase.is_empty() && message.contains(&phrase))
    }
}

/// `text` with every run of blanks made one space, and none at either end.
pub fn squeeze(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// `when = "one phrase"` or `when = ["one", "another"]`.
fn one_or_many<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Vec<String>, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Phrases {
        One(String),
        Many(Vec<String>),
    }
    Ok(match Phrases::deserialize(d)? {
        Phrases::One(phrase) => vec![phrase],
        Phrases::Many(phrases) => phrases,
    })
}

impl Exercise {
    /// `03-interleaved-tasks`: the directory name under exercises/ and solutions/.
    pub fn dir_name(&self) -> String {
        format!("{:02}-{}", self.number, self.slug)
    }

    /// `03 interleaved-tasks`, as the grader prints it.
    pub fn label(&self) -> String {
        format!("{:02} {}", self.number, self.slug)
    }
}

/// A course on disk.
#[derive(Clone, Debug)]
pub struct Course {
    pub root: PathBuf,
    pub exercises: Vec<Exercise>,
    /// This is the student edition (`edition = "student"` in course.toml), not the
    /// instructor's course: it has no solutions, hidden checks or wrong solutions.
    pub student_edition: bool,
    /// The key this course's checks are staged under, once worked out: see
    /// [`crate::build::stage::checks_key`], the only reader and writer.
    pub checks_key: std::sync::OnceLock<u64>,
}

impl Course {
    /// Finds the course: `explicit` if given, else the nearest directory at or above the current
    /// one holding a `course.toml`. (Never the directory the grader was compiled in: a grader
    /// built in one clone grades whichever course it is pointed at.)
    pub fn find(explicit: Option<&Path>) -> Result<Course> {
        let root = match explicit {
            Some(dir) => {
                if !dir.join("course.toml").is_file() {
                    bail!(
                        "{} has no course.toml: --course must point at the root of an awaitlings course",
                        dir.display()
                    );
                }
                dir.to_path_buf()
            }
            None => {
                let cwd = std::env::current_dir().context("cannot read the current directory")?;
                cwd.ancestors()
                    .find(|d| d.join("course.toml").is_file())
                    .map(Path::to_path_buf)
                    .context(
                        "no course.toml here or in any parent directory: run the grader from inside \
                         your awaitlings clone, or pass --course DIR",
                    )?
            }
        };
        let root = root
            .canonicalize()
            .with_context(|| format!("cannot open {}", root.display()))?;
        Self::load(root)
    }

    fn load(root: PathBuf) -> Result<Course> {
        let path = root.join("course.toml");
        let text = std::fs::read_to_string(&path)
            .with_context(|| format!("cannot read {}", path.display()))?;
        let manifest: Manifest = toml::from_str(&text).with_context(|| {
            format!(
                "{} is not a valid course manifest (restore it with `git checkout -- course.toml`)",
                path.display()
            )
        })?;
        let student_edition = match manifest.edition.as_deref() {
            None => false,
            Some(STUDENT_EDITION) => true,
            Some(other) => bail!(
                "{}: `edition = {other:?}` is not one the grader knows: the student edition says \
                 `edition = \"{STUDENT_EDITION}\"`, and the instructor's course has no `edition` line",
                path.display()
            ),
        };
        let mut exercises = manifest.exercises;
        exercises.sort_by_key(|e| e.number);
        let mut numbers = std::collections::HashSet::new();
        let mut slugs = std::collections::HashSet::new();
        for e in &exercises {
            if !numbers.insert(e.number) {
                bail!("course.toml declares exercise number {} twice", e.number);
            }
            if !slugs.insert(e.slug.as_str()) {
                bail!("course.toml declares the slug `{}` twice", e.slug);
            }
            if e.timeout_secs
                .is_some_and(|t| t == 0 || t > MAX_TIMEOUT_SECS)
            {
                bail!(
                    "course.toml: exercise {} has timeout_secs = {}; give a number of seconds from \
                     1 to {MAX_TIMEOUT_SECS}",
                    e.label(),
                    e.timeout_secs.unwrap_or_default()
                );
            }
        }
        Ok(Course {
            root,
            exercises,
            student_edition,
            checks_key: std::sync::OnceLock::new(),
        })
    }

    /// Stops a command that needs the instructor's course (solutions, hidden checks, wrong
    /// solutions) when this is the student edition.
    pub fn require_instructors(&self, command: &str) -> Result<()> {
        if self.student_edition {
            bail!(
                "`{command}` needs the instructor's course, and this is the student edition (its \
                 course.toml says `edition = \"{STUDENT_EDITION}\"`): it has no solutions, hidden \
                 checks or known-wrong solutions. Run `{command}` in the instructor's course."
            );
        }
        Ok(())
    }

    /// The hidden checks of `ex`, which only the instructor's course has and the student edition
    /// never ships (see [`crate::edition`]).
    pub fn hidden_checks_file(&self, ex: &Exercise) -> PathBuf {
        self.root
            .join("grader")
            .join("checks")
            .join("hidden")
            .join(format!("{}.rs", ex.slug))
    }

    /// Resolves a name the way students type it: `3`, `03`, `interleaved-tasks`,
    /// `03-interleaved-tasks`. An unknown name lists the valid ones.
    pub fn resolve(&self, name: &str) -> Result<&Exercise> {
        let name = name.trim().trim_end_matches('/');
        // Also accept a path such as exercises/03-interleaved-tasks (tab completion gives that).
        let name = name.rsplit('/').next().unwrap_or(name);
        let found = self.exercises.iter().find(|e| {
            name == e.slug
                || name == e.dir_name()
                || name.parse::<u32>().is_ok_and(|n| n == e.number)
        });
        found.with_context(|| {
            let valid: Vec<String> = self.exercises.iter().map(|e| format!("  {}", e.dir_name())).collect();
            format!(
                "there is no exercise {name:?}. Name one by number (3), by slug (interleaved-tasks) or both \
                 (03-interleaved-tasks). The exercises are:\n{}",
                valid.join("\n")
            )
        })
    }

    /// The exercises named, in course order, each once; all of them when `names` is empty.
    pub fn select(&self, names: &[String]) -> Result<Vec<&Exercise>> {
        if names.is_empty() {
            return Ok(self.exercises.iter().collect());
        }
        let mut chosen = Vec::new();
        for name in names {
            let ex = self.resolve(name)?;
            if !chosen.iter().any(|c: &&Exercise| c.slug == ex.slug) {
                chosen.push(ex);
            }
        }
        chosen.sort_by_key(|e| e.number);
        Ok(chosen)
    }

    /// Where the student's crate for `ex` lives.
    pub fn exercise_dir(&self, ex: &Exercise) -> PathBuf {
        self.root.join("exercises").join(ex.dir_name())
    }

    /// Where the reference solution for `ex` lives.
    pub fn solution_dir(&self, ex: &Exercise) -> PathBuf {
        self.root.join("solutions").join(ex.dir_name())
    }

    /// The facade of `ex`'s public API (`grader/checks/facade/<slug>.rs`), which lets its checks
    /// compile once for every crate they check (see `awaitlings_check::facade`). A course may
    /// have none for an exercise: then the checks compile against each crate under test.
    pub fn facade_file(&self, ex: &Exercise) -> PathBuf {
        self.root
            .join("grader")
            .join("checks")
            .join("facade")
            .join(format!("{}.rs", ex.slug))
    }

    /// The hidden checks for `ex`.
    pub fn checks_file(&self, ex: &Exercise) -> PathBuf {
        self.root
            .join("grader")
            .join("checks")
            .join(format!("{}.rs", ex.slug))
    }

    /// Expected transcripts for `ex`.
    pub fn fixtures_dir(&self, ex: &Exercise) -> PathBuf {
        self.root.join("fixtures").join(&ex.slug)
    }

    /// `path` as a maintainer reads it: relative to the course root when inside it.
    pub fn relative(&self, path: &Path) -> String {
        path.strip_prefix(&self.root)
            .unwrap_or(path)
            .display()
            .to_string()
    }

    /// Known-wrong solutions for `ex`, each a `<mistake>.patch` (see [`crate::course::mistakes`]).
    pub fn wrong_dir(&self, ex: &Exercise) -> PathBuf {
        self.shelf_dir(ex, crate::course::mistakes::Shelf::Wrong)
    }

    /// Where the patches of one shelf live: `fixtures/wrong/<slug>` or `fixtures/right/<slug>`.
    pub fn shelf_dir(&self, ex: &Exercise, shelf: crate::course::mistakes::Shelf) -> PathBuf {
        self.root.join("fixtures").join(shelf.dir()).join(&ex.slug)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn course() -> Course {
        let ex = Exercise::sample;
        Course {
            root: PathBuf::from("/c"),
            exercises: vec![ex(1, "coroutines"), ex(3, "interleaved-tasks")],
            student_edition: false,
            checks_key: std::sync::OnceLock::new(),
        }
    }

    #[test]
    fn every_spelling_of_a_name_resolves() {
        let c = course();
        for name in [
            "3",
            "03",
            "interleaved-tasks",
            "03-interleaved-tasks",
            "exercises/03-interleaved-tasks/",
        ] {
            assert_eq!(c.resolve(name).unwrap().slug, "interleaved-tasks", "{name}");
        }
    }

    #[test]
    fn a_cause_waits_for_one_phrase_or_several() {
        let manifest: Manifest = toml::from_str(
            r#"
            [[exercise]]
            number = 1
            slug = "a"
            title = "A"
            [exercise.cause_hints.one]
            when = "reads  to the\nend"
            hints = ["h"]
            [exercise.cause_hints.many]
            when = ["first phrase", "second phrase"]
            hints = []
            "#,
        )
        .unwrap();
        let causes = &manifest.exercises[0].cause_hints;
        assert_eq!(causes["one"].when, ["reads  to the\nend"]);
        assert!(causes["one"].named_by("it reads to the end of the stream"));
        assert!(!causes["one"].named_by("it reads to the"));
        assert_eq!(causes["many"].when, ["first phrase", "second phrase"]);
        assert!(causes["many"].named_by("a second\n  phrase."));
        // A table with a misspelt key is an error, not a cause that never matches.
        let typo = "[[exercise]]\nnumber = 1\nslug = \"a\"\ntitle = \"A\"\n\
                    [exercise.cause_hints.x]\nwehn = \"p\"\nhints = []\n";
        assert!(toml::from_str::<Manifest>(typo).is_err());
    }

    #[test]
    fn unknown_names_list_the_valid_ones() {
        let err = course().resolve("7").unwrap_err().to_string();
        assert!(
            err.contains("01-coroutines") && err.contains("03-interleaved-tasks"),
            "{err}"
        );
    }

    #[test]
    fn selection_is_in_course_order_without_repeats() {
        let c = course();
        let names = ["3".to_string(), "1".into(), "interleaved-tasks".into()];
        let picked: Vec<u32> = c.select(&names).unwrap().iter().map(|e| e.number).collect();
        assert_eq!(picked, vec![1, 3]);
    }
}
