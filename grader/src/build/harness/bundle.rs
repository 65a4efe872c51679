//! Bundles: an exercise's known-wrong and alternative right designs, built into one binary.
//!
//! `verify` builds a harness for every design the course lists: some 330 for the course. Each
//! design's own harness costs its crate, a `main` and a link, and the `main` and the link were
//! half of that (07's 24 designs: 13 s of CPU one harness each, 7 s as one bundle). A bundle is one
//! binary per exercise holding every design: those that read the same as a module are modules of
//! one crate (see [`super::merge`]), the others crates of their own, and each is still judged
//! on its own (its own warnings, what rustc read for it, and the search for what the
//! `unsafe_code` lint misses). Its `main` binds
//! the design whose harness name it was started under: each design gets a hard link to a copy of
//! the bundle, named as its own harness would be, in the state's `bundled/` folder (see
//! [`State::bundled`]). So the runner and the check lists still see one binary per design,
//! under that design's name; the tamper watch sees one name per design, of one file (putting one
//! name back moves the file's change time for all, which it then notes afresh).
//!
//! Only the course's own designs (wrong and right) are bundled, two or more of an exercise that
//! has a facade: the course's code, which must compile. A student's crate, a solution and another
//! submission always get a harness of their own, so one crate's failure or hostile code touches
//! no other. And a bundle is taken only whole: when it does not build, or any design in it would
//! not be run (it read a file outside itself, or names what the lint misses), every design in it
//! is built again as its own harness, as before bundles, and gets its own verdict.
//!
//! [`State::bundled`]: crate::build::state::State::bundled

use super::merge::Merged;
use super::{Builder, Outcome, Prepared, Target, Variant, fingerprint, generate, messages};
use crate::build::stage::Shared;
use crate::build::state::write_if_changed;
use anyhow::Result;
use std::collections::BTreeMap;
use std::path::Path;

/// Whether `t` may go in a bundle: a course design, of an exercise with a facade.
fn bundled(t: &Target) -> bool {
    matches!(t.variant, Variant::Wrong(_) | Variant::Right(_)) && t.facade.is_some()
}

/// The stamp of a design built in a bundle from inputs of fingerprint `print`: not `print`
/// itself, which would vouch for the design's own harness, an older binary perhaps, were the
/// link to the bundle ever lost.
pub(super) fn stamp(print: u64) -> u64 {
    print.rotate_left(17) ^ 0x6275_6e64_6c65_6421
}

/// The bundle of an exercise's designs: its member, and which targets it holds.
struct Bundle {
    member: String,
    designs: Vec<Prepared>,
}

impl Builder<'_> {
    /// Builds, of `pending`, each exercise's course designs (two or more) as one bundle, and
    /// puts their outcomes in `out`; returns what is left for a harness of its own: every other
    /// target, and every design of a bundle that was not taken whole.
    pub(super) fn build_bundles(
        &self,
        targets: &[Target],
        pending: Vec<Prepared>,
        shared: &Shared,
        out: &mut [Option<Outcome>],
    ) -> Result<Vec<Prepared>> {
        let mut rest = Vec::new();
        let mut by_exercise: BTreeMap<u32, Vec<Prepared>> = BTreeMap::new();
        for p in pending {
            let t = &targets[p.index];
            if bundled(t) {
                by_exercise.entry(t.exercise.number).or_default().push(p);
            } else {
                rest.push(p);
            }
        }
        let mut bundles = Vec::new();
        for designs in by_exercise.into_values() {
            if designs.len() < 2 {
                rest.extend(designs);
                continue;
            }
            let t = &targets[designs[0].index];
            let member = format!("check-{}-bundle-{}", t.exercise.slug, self.state.tag);
            bundles.push(Bundle { member, designs });
        }
        if bundles.is_empty() {
            return Ok(rest);
        }
        let taken = self.build_bundle_run(targets, &bundles, shared, out)?;
        for (bundle, taken) in bundles.into_iter().zip(taken) {
            if !taken {
                rest.extend(bundle.designs);
            }
        }
        rest.sort_by_key(|p| p.index);
        Ok(rest)
    }

    /// One cargo run over `bundles`: whether each was taken (built, and every design in it
    /// fit to run), with its designs' outcomes then in `out`.
    fn build_bundle_run(
        &self,
        targets: &[Target],
        bundles: &[Bundle],
        shared: &Shared,
        out: &mut [Option<Outcome>],
    ) -> Result<Vec<bool>> {
        let dir = self.state.harness_workspace(None);
        let held: Vec<Vec<&Target>> = bundles
            .iter()
            .map(|b| b.designs.iter().map(|p| &targets[p.index]).collect())
            .collect();
        let Some(merged) = write_bundles(&dir, bundles, &held, shared) else {
            // Their own harnesses say what cannot be written, design by design.
            return Ok(vec![false; bundles.len()]);
        };
        let listed: Vec<(&str, &[&Target])> = bundles
            .iter()
            .zip(&held)
            .map(|(b, designs)| (b.member.as_str(), designs.as_slice()))
            .collect();
        let members: Vec<&str> = listed.iter().map(|(m, _)| *m).collect();
        let packages: Vec<&str> = merged
            .iter()
            .flatten()
            .map(|m| m.package.as_str())
            .collect();
        let workspace = generate::bundles_workspace(&listed, &packages);
        let (ran, found) = self.run_cargo(&dir, &workspace, &members)?;
        if ran.timed_out {
            // Said, as `batch` says a second run: the designs get their own runs and limits.
            crate::errln!(
                "Building the known-wrong and right designs as one binary per exercise stopped at \
                 its {} s limit; building them one harness each, with the limit again.",
                self.timeout.as_secs()
            );
        }
        if ran.timed_out || !messages::finished(&found) {
            return Ok(vec![false; bundles.len()]);
        }
        let deps = self.state.cargo_target().join("debug").join("deps");
        let all: Vec<&Target> = held.iter().flatten().copied().collect();
        let shown = |text: &str| self.shown(text, &all);
        let mut taken = Vec::new();
        for ((bundle, designs), m) in bundles.iter().zip(&held).zip(&merged) {
            let Some(exe) = messages::executable_of(&dir.join(&bundle.member), &found) else {
                taken.push(false);
                continue;
            };
            let built = (&found[..], ran.stderr.as_str());
            let results = design_results(designs, m.as_ref(), &exe, (&dir, &deps), built, &shown);
            let Some(results) = results else {
                taken.push(false);
                continue;
            };
            let Some(bins) = self.link_designs(&exe, &bundle.member, designs) else {
                taken.push(false);
                continue;
            };
            let settled = bundle.designs.iter().zip(designs).zip(results).zip(bins);
            for (((p, t), mut built), bin) in settled {
                built.bin = bin;
                fingerprint::write_stamp(self.state, &t.member, stamp(p.print));
                self.write_warnings(&t.member, &built.warnings);
                out[p.index].as_mut().expect("prepared").result = Ok(built);
            }
            taken.push(true);
        }
        Ok(taken)
    }

    /// Links each of `designs` to one copy of the bundle `exe` (see [`Self::own_copy`]): their
    /// binaries, or `None` when a copy or a link could not be made (then none is left).
    fn link_designs(
        &self,
        exe: &Path,
        member: &str,
        designs: &[&Target],
    ) -> Option<Vec<std::path::PathBuf>> {
        let own = self.own_copy(exe, member).ok()?;
        let mut bins = Vec::new();
        for t in designs {
            match self.link_bundled(&own, &t.member) {
                Ok(bin) => bins.push(bin),
                Err(_) => break,
            }
        }
        let _ = std::fs::remove_file(&own);
        if bins.len() < designs.len() {
            for bin in bins {
                let _ = std::fs::remove_file(bin);
            }
            return None;
        }
        Some(bins)
    }

    /// A copy of the bundle `exe` that nothing else writes: cargo's own file is rewritten by
    /// the next build of `member` (holding other designs), and how depends on the linker, which
    /// may write over it where it lies. The designs' links are made to the copy, and the copy's
    /// own name then removed.
    fn own_copy(&self, exe: &Path, member: &str) -> Result<std::path::PathBuf> {
        let copy = self
            .state
            .bundled(&format!(".{member}-{}", std::process::id()));
        if let Some(parent) = copy.parent() {
            std::fs::create_dir_all(parent)?;
        }
        let _ = std::fs::remove_file(&copy);
        if let Err(e) = std::fs::copy(exe, &copy) {
            let _ = std::fs::remove_file(&copy);
            return Err(e.into());
        }
        Ok(copy)
    }

    /// Links the bundle `exe` as `member`'s binary, in the state's `bundled/` folder (a copy
    /// where a hard link cannot be made).
    fn link_bundled(&self, exe: &Path, member: &str) -> Result<std::path::PathBuf> {
        let link = self.state.bundled(member);
        let _ = std::fs::remove_file(&link);
        if std::fs::hard_link(exe, &link).is_err() {
            std::fs::copy(exe, &link)?;
        }
        Ok(link)
    }
}

/// Writes each of `bundles`' files in the harness workspace `dir` (see [`write_bundle`]),
/// `held` their designs: each one's merged crate, if it has one, or `None` when a file could not
/// be written.
fn write_bundles(
    dir: &Path,
    bundles: &[Bundle],
    held: &[Vec<&Target>],
    shared: &Shared,
) -> Option<Vec<Option<Merged>>> {
    let mut merged = Vec::new();
    for (bundle, designs) in bundles.iter().zip(held) {
        let at = dir.join(&bundle.member);
        let package = format!("{}-designs", bundle.member);
        let m = Merged::plan(designs, at.join("designs"), package);
        if m.is_none() {
            // Nothing depends on an earlier run's merged crate: gone, it misleads no reader.
            let _ = std::fs::remove_dir_all(at.join("designs"));
        }
        write_bundle(&at, &bundle.member, designs, shared, m.as_ref()).ok()?;
        merged.push(m);
    }
    Some(merged)
}

/// What each of a built bundle's `designs` built to, from cargo's messages and stderr (`built`)
/// of the workspace `dir` whose libraries are in `deps`, with `exe` the bundle: `None` when any
/// of them would not be run (then none of the bundle is taken).
fn design_results(
    designs: &[&Target],
    merged: Option<&Merged>,
    exe: &Path,
    (dir, deps): (&Path, &Path),
    (found, stderr): (&[serde_json::Value], &str),
    shown: &dyn Fn(&str) -> String,
) -> Option<Vec<super::Built>> {
    let of_merged = match merged {
        Some(m) => m.outcomes(designs, (dir, exe), found, shown)?,
        None => vec![None; designs.len()],
    };
    designs
        .iter()
        .zip(of_merged)
        .map(|(t, merged)| {
            merged
                .unwrap_or_else(|| {
                    let exe = Some(exe.to_path_buf());
                    messages::outcome_with(t, exe, dir, deps, found, stderr, shown)
                })
                .ok()
        })
        .collect()
}

/// Writes the bundle `member`'s files in `at`: its manifest and `main.rs`, and the merged
/// crate of its designs when there is one.
fn write_bundle(
    at: &Path,
    member: &str,
    designs: &[&Target],
    shared: &Shared,
    merged: Option<&Merged>,
) -> Result<()> {
    if let Some(m) = merged {
        write_if_changed(&m.dir.join("Cargo.toml"), m.manifest().as_bytes())?;
        write_if_changed(&m.dir.join("lib.rs"), m.lib_rs(designs).as_bytes())?;
    }
    let manifest = generate::bundle_manifest(member, designs, shared, merged);
    write_if_changed(&at.join("Cargo.toml"), manifest.as_bytes())?;
    write_if_changed(
        &at.join("main.rs"),
        generate::bundle_main(designs, merged).as_bytes(),
    )?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::build::harness::{Facade, sample_target};

    #[test]
    fn a_bundles_stamp_never_vouches_for_a_harness_of_its_own() {
        for print in [0, 1, 42, u64::MAX, 0x6275_6e64_6c65_6421] {
            assert_ne!(stamp(print), print);
        }
        assert_ne!(stamp(1), stamp(2));
    }

    #[test]
    fn only_the_courses_designs_with_a_facade_are_bundled() {
        let facade = Facade {
            dir: "/s/facade-loops".into(),
            package: "facade-loops".into(),
            checks_dir: "/s/checks-loops".into(),
            checks_package: "checks-loops".into(),
        };
        let with = |variant: Variant| {
            let mut t = sample_target("check-loops-x-t", variant, "/s/x");
            t.facade = Some(facade.clone());
            t
        };
        assert!(bundled(&with(Variant::Wrong("w".into()))));
        assert!(bundled(&with(Variant::Right("r".into()))));
        for variant in [
            Variant::Student,
            Variant::Solution,
            Variant::Other("/x".into()),
        ] {
            assert!(!bundled(&with(variant)));
        }
        let alone = sample_target("check-loops-x-t", Variant::Wrong("w".into()), "/s/x");
        assert!(
            !bundled(&alone),
            "no facade: the checks compile into each harness"
        );
    }
}
