//! `verify` builds an exercise's known-wrong designs into one binary, a bundle (see
//! grader/src/build/harness/bundle.rs), and still judges each design on its own: a bundle that
//! does not build whole falls back to a harness per design, and the design at fault gets its
//! own compiler error while the others are judged as listed.

use crate::common::*;
use std::collections::BTreeMap;
use std::path::Path;

/// The designs of 01 whose harnesses are links to one binary in `state`, by that binary's inode.
#[cfg(unix)]
fn bundled_01(state: &Path) -> BTreeMap<u64, Vec<String>> {
    use std::os::unix::fs::MetadataExt;
    let mut by_inode: BTreeMap<u64, Vec<String>> = BTreeMap::new();
    let Ok(dir) = std::fs::read_dir(state.join("bundled")) else {
        return by_inode;
    };
    for entry in dir.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        if name.starts_with("check-coroutines-wrong-") {
            let inode = entry.metadata().unwrap().ino();
            by_inode.entry(inode).or_default().push(name);
        }
    }
    by_inode
}

/// The folder of 01's bundle in the harness workspace of `state`.
fn bundle_01(state: &Path) -> std::path::PathBuf {
    let workspaces = std::fs::read_dir(state.join("harness")).unwrap();
    workspaces
        .flatten()
        .map(|w| w.path())
        .flat_map(|w| std::fs::read_dir(w).into_iter().flatten().flatten())
        .map(|e| e.path())
        .find(|p| {
            p.file_name()
                .is_some_and(|n| n.to_string_lossy().starts_with("check-coroutines-bundle-"))
        })
        .expect("01's bundle in the harness workspace")
}

#[cfg(unix)]
#[test]
fn designs_are_bundled_and_one_that_does_not_compile_gets_its_own_error() {
    let course = real_course();
    let state = fresh_state();
    let verify_01 = || {
        let out = grader(course.path())
            .env("AWAITLINGS_TARGET_DIR", state.path())
            .args(["verify", "1"])
            .output()
            .unwrap();
        let text = String::from_utf8_lossy(&out.stdout).into_owned();
        (out.status.code(), text)
    };
    let shelf = course.path().join("fixtures/wrong/coroutines");
    // A copy of eager-step that asks where its code lies (`module_path!`, which a module of
    // another crate answers differently): it cannot be a module of the bundle's merged crate (see
    // grader/src/build/harness/merge.rs), so the bundle holds it as a crate of its own, beside
    // the merged others.
    let eager = std::fs::read_to_string(shelf.join("eager-step.patch")).unwrap();
    let rooted = eager.replace(
        "+    let name = name.to_string();\n",
        "+    let name = name.to_string() + &module_path!()[..0];\n",
    );
    assert_ne!(rooted, eager, "the patch changed: update this test");
    std::fs::write(shelf.join("eager-step-rooted.patch"), rooted).unwrap();
    let designs = std::fs::read_dir(&shelf).unwrap().count();
    assert!(designs >= 3, "01 has {designs} wrong designs");

    // Built as one bundle: every design a link to one binary, and each judged as listed.
    let (code, text) = verify_01();
    assert_eq!(code, Some(0), "{text}");
    for design in [
        "blocking-sleep",
        "eager-step",
        "eager-step-rooted",
        "results-sorted",
    ] {
        assert!(text.contains(&format!("wrong/{design} fails ")), "{text}");
    }
    let bundled = bundled_01(state.path());
    let links: Vec<usize> = bundled.values().map(Vec::len).collect();
    assert_eq!(links, vec![designs], "{bundled:?}");
    // Every design but the rooted one, right designs too, is a module of one crate; that one is
    // a crate.
    let rights = std::fs::read_dir(course.path().join("fixtures/right/coroutines"))
        .map_or(0, Iterator::count);
    let bundle = bundle_01(state.path());
    let merged = std::fs::read_to_string(bundle.join("designs/lib.rs")).unwrap();
    assert_eq!(
        merged.matches("pub mod d").count(),
        designs - 1 + rights,
        "{merged}"
    );
    assert!(!merged.contains("eager-step-rooted"), "{merged}");
    let manifest = std::fs::read_to_string(bundle.join("Cargo.toml")).unwrap();
    let own_crates: Vec<&str> = manifest.lines().filter(|l| l.starts_with("code")).collect();
    assert_eq!(own_crates.len(), 1, "{manifest}");
    assert!(own_crates[0].contains("eager-step-rooted"), "{manifest}");

    // Two more designs: one that does not compile (blocking-sleep's, misspelled), and a copy of
    // blocking-sleep. Their bundle does not build, so each is built on its own: the first gets
    // its compiler error, the second is judged as listed.
    let patch = std::fs::read_to_string(shelf.join("blocking-sleep.patch")).unwrap();
    let misspelled = patch.replace("+    std::thread::sleep(", "+    std::thread::slep(");
    assert_ne!(misspelled, patch, "the patch changed: update this test");
    std::fs::write(shelf.join("misspelled-sleep.patch"), misspelled).unwrap();
    std::fs::write(shelf.join("blocking-sleep-again.patch"), &patch).unwrap();
    let (code, text) = verify_01();
    assert_eq!(code, Some(1), "{text}");
    assert!(
        text.contains("wrong/misspelled-sleep does not build") && text.contains("slep"),
        "{text}"
    );
    for design in ["blocking-sleep-again", "blocking-sleep", "eager-step"] {
        assert!(text.contains(&format!("wrong/{design} fails ")), "{text}");
    }
    let bundled = bundled_01(state.path());
    let links: Vec<usize> = bundled.values().map(Vec::len).collect();
    assert_eq!(links, vec![designs], "the first bundle stays: {bundled:?}");
}
