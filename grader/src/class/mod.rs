//! A graded class: the students of one `grade` run and what is made of them as a whole.
//!
//! - [`Student`]: one submission, its integrity flags and its results;
//! - [`integrity`]: what a submission changed outside its exercise crates (its flags);
//! - [`gradebook`]: the CSV, one row per student;
//! - [`table`]: the table of the class printed on standard output;
//! - [`shard`]: a class graded in shares (`grade --shard K/N`) and merged (`grader merge`);
//! - [`summary`]: per exercise, the students grouped by what their main scenario printed,
//!   the most common wrong group first (`--summary`, and any report of the class as a whole);
//! - [`html`]: the class as a static site (`--html DIR`).

pub mod gradebook;
pub mod html;
pub mod integrity;
pub mod shard;
pub mod summary;
pub mod table;

use crate::report::Subject;
use crate::run::outcome::ExerciseResult;
use std::path::PathBuf;

/// One student's submission.
pub struct Student {
    pub name: String,
    pub dir: PathBuf,
    pub subject: Subject,
    pub results: Vec<ExerciseResult>,
    /// Why this is no submission the grader can read (a file the glob caught, a folder it may
    /// not read): it gets a row of zeros with this as its flag, and is not built.
    pub unusable: Option<String>,
}
