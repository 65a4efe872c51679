//! `grader list` (and `grader` alone): every exercise, its status and score, what to do next.

use crate::cli::{Ctx, PASSED};
use crate::outln;
use crate::progress::Progress;
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
        let entry = progress
            .exercises
            .get(&ex.slug)
            .cloned()
            .unwrap_or_default();
        let (status, painted) = match entry.status.as_deref() {
            Some("passed") => ("passed", p.green("passed")),
            Some(_) => ("failing", p.red("failing")),
            None => ("not started", p.dim("not started")),
        };
        if status != "passed" && next.is_none() {
            next = Some(ex);
        }
        let score = match (entry.status.is_some(), entry.max_points) {
            (true, Some(max)) => format!("{}/{max}", entry.points),
            _ => "-".into(),
        };
        // Pad before painting: escape codes would upset the column widths.
        let pad = " ".repeat(12usize.saturating_sub(status.len()));
        outln!("  {:<28} {painted}{pad} {score:>7}", ex.dir_name());
    }
    outln!();
    match next {
        Some(ex) => outln!(
            "Next: {}. Read exercises/{}/README.md, then {}",
            ex.label(),
            ex.dir_name(),
            p.bold(&format!("cargo run -p grader -- check {:02}", ex.number))
        ),
        None => outln!("{}", p.green("Every exercise passed. Well done!")),
    }
    Ok(PASSED)
}
