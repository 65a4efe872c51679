//! `grader mistake EX NAME [--right] [--save | --fresh]`: the maintainer's way to make a
//! known-wrong solution, or (`--right`) an alternative correct design.
//!
//! Without `--save`, it makes an editable copy of the solution crate (with the mistake's patch
//! applied when it exists already) in the state directory and prints where; the maintainer puts
//! the mistake in. `--save` writes `fixtures/wrong/<slug>/<name>.patch`: the header (kept from the
//! existing patch, or a template to fill in) and the diff from the solution to the copy
//! (`fixtures/right/<slug>/<name>.patch` with `--right`). The copy
//! is never overwritten without `--fresh`, so unsaved edits are not lost.

use crate::commands::cli::{Ctx, PASSED};
use crate::course::Exercise;
use crate::course::mistakes::{self, Shelf};
use crate::outln;
use anyhow::{Context, Result, bail};
use std::path::PathBuf;

const TEMPLATE: &str = "about = \"TODO: the mistake in one sentence, as a student would make it\"\n\n\
     # Every check this mistake must fail, with the verdict kind it must get\n\
     # (wrong_value, wrong_order, wrong_timing, sequential, blocked, never_waited, ...).\n\
     [checks]\n";

const RIGHT_TEMPLATE: &str = "about = \"TODO: the design in one sentence: how it meets the contract \
     another way than the solution\"\n";

pub fn run(
    ctx: &Ctx,
    exercise: &str,
    name: &str,
    right: bool,
    save: bool,
    fresh: bool,
) -> Result<u8> {
    let shelf = if right { Shelf::Right } else { Shelf::Wrong };
    ctx.course.require_instructors("mistake")?;
    let ex = ctx.course.resolve(exercise)?;
    if name.is_empty()
        || !name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
    {
        bail!(
            "a mistake's name is lowercase words joined by `-` (like `sleeps-milliseconds`), not {name:?}"
        );
    }
    let solution = ctx.course.solution_dir(ex);
    if !solution.join("Cargo.toml").is_file() {
        bail!(
            "wrong solutions are patches against the solution crate, and {} has none",
            ctx.course.relative(&solution)
        );
    }
    let copy = ctx
        .state
        .mistake_copy(&ex.slug, &format!("{}-{name}", shelf.dir()));
    let patch = mistakes::patch_path(&ctx.course, ex, shelf, name);
    let mistake = Mistake {
        ctx,
        ex,
        name,
        shelf,
        right,
        flag: if right { " --right" } else { "" },
        shown_patch: ctx.course.relative(&patch),
        solution,
        copy,
        patch,
    };
    if save {
        mistake.save()?;
    } else {
        mistake.copy_to_edit(fresh)?;
    }
    Ok(PASSED)
}

/// One known-wrong solution (or alternative right one) and where its files are.
struct Mistake<'a> {
    ctx: &'a Ctx,
    ex: &'a Exercise,
    name: &'a str,
    shelf: Shelf,
    right: bool,
    /// ` --right` when it is a right one, to repeat in the commands it prints.
    flag: &'static str,
    solution: PathBuf,
    /// The editable copy, in the state directory.
    copy: PathBuf,
    patch: PathBuf,
    shown_patch: String,
}

impl Mistake<'_> {
    /// `--save`: the patch from the solution to the copy written, under its header.
    fn save(&self) -> Result<()> {
        let (ctx, ex, name, patch, shown_patch) =
            (self.ctx, self.ex, self.name, &self.patch, &self.shown_patch);
        if !self.copy.is_dir() {
            bail!(
                "there is no copy to save. Make one first: cargo run -p grader -- mistake {} {name}{}",
                ex.number,
                self.flag
            );
        }
        let diff = mistakes::make_patch(&self.solution, &self.copy)?;
        if diff.is_empty() {
            bail!(
                "the copy at {} is still the solution: make your change in it first",
                self.copy.display()
            );
        }
        let header = if patch.is_file() {
            mistakes::load(&ctx.course, ex, self.shelf, name)?.header
        } else if self.right {
            RIGHT_TEMPLATE.trim_end().to_string()
        } else {
            TEMPLATE.trim_end().to_string()
        };
        let text = format!("{header}\n\n{diff}");
        // What is written must read back as the same change.
        mistakes::parse(&text).context("the patch the grader made does not parse (a bug)")?;
        if let Some(dir) = patch.parent() {
            std::fs::create_dir_all(dir)?;
        }
        std::fs::write(patch, &text).with_context(|| format!("cannot write {shown_patch}"))?;
        outln!(
            "wrote {shown_patch} ({} lines, {} changed).",
            text.lines().count(),
            diff.lines()
                .filter(|l| (l.starts_with('+') && !l.starts_with("+++"))
                    || (l.starts_with('-') && !l.starts_with("---")))
                .count()
        );
        if self.right {
            outln!(
                "Next: say how the design differs in its header, then prove it passes: cargo run -p grader -- verify {}",
                ex.number
            );
        } else {
            outln!(
                "Next: list the checks it must fail in its header, then prove it: cargo run -p grader -- verify {}",
                ex.number
            );
        }
        Ok(())
    }

    /// The editable copy made (the solution, with the saved patch if any), unless one is there
    /// and not `fresh`; and where it is said.
    fn copy_to_edit(&self, fresh: bool) -> Result<()> {
        let (ctx, ex, name, copy) = (self.ctx, self.ex, self.name, &self.copy);
        if copy.is_dir() && !fresh {
            outln!(
                "An editable copy is already there (with your unsaved edits, if any): {}",
                copy.display()
            );
            outln!("(--fresh starts it over from the solution and the saved patch.)");
        } else {
            if copy.is_dir() {
                std::fs::remove_dir_all(copy)
                    .with_context(|| format!("cannot remove {}", copy.display()))?;
            }
            if self.patch.is_file() {
                mistakes::materialize(&ctx.course, ex, self.shelf, name, copy)?;
                outln!(
                    "The solution with {} applied is at:\n  {}",
                    self.shown_patch,
                    copy.display()
                );
            } else {
                let files = mistakes::read_crate(&self.solution)?;
                for (rel, text) in &files {
                    crate::build::state::write_if_changed(&copy.join(rel), text.as_bytes())?;
                }
                outln!(
                    "A copy of {} to change is at:\n  {}",
                    ctx.course.relative(&self.solution),
                    copy.display()
                );
            }
        }
        outln!(
            "Edit it, then write the patch: cargo run -p grader -- mistake {} {name}{} --save",
            ex.number,
            self.flag
        );
        Ok(())
    }
}
