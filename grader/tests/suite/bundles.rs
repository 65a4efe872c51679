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
    let designs = std::fs::read_dir(&shelf).unwrap().count();
    assert!(designs >= 2, "01 has {designs} wrong designs");

    // Built as one bundle: every design a link to one binary, and each judged as listed.
    let (code, text) = verify_01();
    assert_eq!(code, Some(0), "{text}");
    for design in ["blocking-sleep", "eager-step", "results-sorted"] {
        assert!(text.contains(&format!("wrong/{design} fails ")), "{text}");
    }
    let bundled = bundled_01(state.path());
    let links: Vec<usize> = bundled.values().map(Vec::len).collect();
    assert_eq!(links, vec![designs], "{bundled:?}");

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
