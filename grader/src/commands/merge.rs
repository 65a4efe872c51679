//! `grader merge SHARD_DIR...`: the shards of `grade --shard K/N` put back together.
//!
//! Reads every shard's record (see [`crate::class::shard`]) into the whole class, in the order of
//! the list the shards were given, and writes and prints it with `grade`'s own code
//! ([`grade::write_class`]): the same table, gradebook, summary and reports as one `grade` of the
//! whole class, but for the line with the wall time (here the longest shard's).

use super::grade::{self, Class, Outputs};
use crate::commands::cli::{Ctx, PASSED};
use anyhow::Result;
use std::path::PathBuf;

pub fn run(ctx: &Ctx, shards: &[PathBuf], outputs: &Outputs) -> Result<u8> {
    ctx.course.require_instructors("merge")?;
    if let Some(dir) = outputs.html {
        crate::class::html::check_dir(dir)?;
    }
    let merged = crate::class::shard::merge(&ctx.course, shards)?;
    if !merged.seeds.is_empty() {
        let seeds: Vec<String> = merged.seeds.iter().map(u64::to_string).collect();
        crate::errln!(
            "note: the shards drew different seeds ({}): each share is graded right, but not \
             with the inputs of one run. Give every shard the same `--seed N` for that.",
            seeds.join(", ")
        );
    }
    grade::write_class(
        ctx,
        &Class {
            exercises: &merged.exercises,
            students: &merged.students,
            not_graded: &merged.not_graded,
            wall: merged.wall,
            kept: merged.kept,
        },
        outputs,
    )?;
    Ok(PASSED)
}
