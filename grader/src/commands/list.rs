//! `grader list` (and `grader` alone): every exercise, its status and score, what to do next.
//!
//! A status is told from the files as they are now (see [`crate::student::standing`]): an
//! exercise whose files are the stub as shipped is "not started", whatever an old result says, and
//! a result counts for the files it judged: after an edit it shows as "edited", with the old score
//! marked as older than the edits, and files that come back to a version already checked (an edit
//! undone, a backup restored) show that version's result again.

use crate::commands::cli::{Ctx, PASSED};
use crate::commands::how::Action;
use crate::outln;
use crate::student::progress::Progress;
use crate::student::standing::{self, Standing};
use anyhow::Result;

pub fn run(ctx: &Ctx) -> Result<u8> {
    let p = ctx.paint();
    let progress = Progress::load(&ctx.course.root);
    outln!(
        "{}",
        p.bold(&format!(
            "  {:<28} {:<12} {:>7}",
            "exercise", "status", "score"
        ))
    );
    let mut next = None;
    for ex in &ctx.course.exercises {
        let standing = standing::standing(&ctx.course, ex, progress.exercises.get(&ex.slug));
        let score = |points: u32, max: Option<u32>| match max {
            Some(max) => format!("{points}/{max}"),
            None => "-".into(),
        };
        let (status, painted, score, note) = match &standing {
            Standing::Passed { points, max_points } => (
                "passed",
                p.green("passed"),
                score(*points, *max_points),
                String::new(),
            ),
            Standing::Failing { points, max_points } => (
                "failing",
                p.red("failing"),
                score(*points, *max_points),
                String::new(),
            ),
            Standing::Edited { before } => (
                "edited",
                p.yellow("edited"),
                "-".to_string(),
                match before {
                    Some((points, max, _)) => {
                        p.dim(&format!("  ({} before your edits)", score(*points, *max)))
                    }
                    None => p.dim("  (not checked yet)"),
                },
            ),
            Standing::NotStarted => (
                "not started",
                p.dim("not started"),
                "-".into(),
                String::new(),
            ),
        };
        if !standing.passed() && next.is_none() {
            next = Some((ex, standing.clone()));
        }
        // Pad before painting: escape codes would upset the column widths.
        let pad = " ".repeat(12usize.saturating_sub(status.len()));
        outln!("  {:<28} {painted}{pad} {score:>7}{note}", ex.dir_name());
    }
    outln!();
    // Inside watch, the watched exercise is checked with a key.
    let check = |n: u32| ctx.place.how(Action::Check(n)).show(p);
    match next {
        Some((ex, Standing::Edited { before: Some(_) })) => outln!(
            "Next: {}. You edited it since its last check; check it again: {}",
            ex.label(),
            check(ex.number)
        ),
        Some((ex, Standing::Edited { before: None })) => outln!(
            "Next: {}. You have started it; check your edits: {}",
            ex.label(),
            check(ex.number)
        ),
        Some((ex, _)) => outln!(
            "Next: {}. Read exercises/{}/README.md, then check it: {}",
            ex.label(),
            ex.dir_name(),
            check(ex.number)
        ),
        None => outln!("{}", p.green("Every exercise passed. Well done!")),
    }
    Ok(PASSED)
}
