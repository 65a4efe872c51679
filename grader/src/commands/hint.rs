//! `grader hint EX`: hints one at a time, nudge first; each call reveals one more.

use crate::cli::{Ctx, PASSED};
use crate::outln;
use crate::progress::Progress;
use crate::report::human::wrap;
use anyhow::Result;

pub fn run(ctx: &Ctx, name: &str) -> Result<u8> {
    let ex = ctx.course.resolve(name)?;
    let p = ctx.paint();
    if ex.hints.is_empty() {
        outln!(
            "{} has no hints. Its lesson is exercises/{}/README.md.",
            ex.label(),
            ex.dir_name()
        );
        return Ok(PASSED);
    }
    let mut progress = Progress::load(&ctx.course.root);
    let entry = progress.entry(&ex.slug);
    entry.hints_shown = (entry.hints_shown + 1).min(ex.hints.len());
    let shown = entry.hints_shown;
    progress.save(&ctx.course.root);

    outln!("{}", p.bold(&format!("{}: {}", ex.label(), ex.title)));
    for (i, hint) in ex.hints.iter().take(shown).enumerate() {
        let head = format!("Hint {} of {}: ", i + 1, ex.hints.len());
        for (j, line) in wrap(hint, 88).iter().enumerate() {
            if j == 0 {
                outln!("{}{line}", p.bold(&head));
            } else {
                outln!("{}{line}", " ".repeat(head.len()));
            }
        }
    }
    if shown < ex.hints.len() {
        outln!(
            "{}",
            p.dim(&format!(
                "Run the same command again for hint {}.",
                shown + 1
            ))
        );
    } else {
        outln!(
            "{}",
            p.dim("That was the last hint. The lesson is in the exercise's README.md; the reference solution is in solutions/, for when you are truly stuck.")
        );
    }
    Ok(PASSED)
}
