//! A status goes by content: a result counts for the exact files it judged, so files that come
//! back to a version already checked (a backup restored, an edit undone, a branch switched back)
//! bring that version's result back in `list`, with its points.

use crate::common::*;
use crate::e2e::{backup_named_in, git_commit_all, progress_of};
use predicates::prelude::*;
use std::path::Path;

/// `list`'s line for exercise 02 (its first word) shows `words` (see `row`) after the name.
fn list_shows(root: &Path, words: &str) {
    let out = grader(root).arg("list").output().unwrap();
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert_eq!(out.status.code(), Some(0), "{stdout}");
    let words = format!("^ 02-wrong-value {words}");
    assert!(
        row(&words).eval(&stdout),
        "list has no line with {words:?}:\n{stdout}"
    );
}

/// The case found in use: a passing version reset to the stub, then restored from the backup
/// reset made. The restored files are the ones that passed, so they show as passed again, with
/// the points, and without a new check.
#[test]
fn reset_then_restore_brings_the_score_back() {
    let course = course();
    let root = course.path();
    git_commit_all(root);
    let lib = root.join("exercises/02-wrong-value/src/lib.rs");
    let stub = std::fs::read_to_string(&lib).unwrap();
    std::fs::write(&lib, stub.replace("    41\n", "    42\n")).unwrap();
    grader(root).args(["check", "2"]).assert().code(0);
    list_shows(root, "passed 3/3");

    let out = grader(root).args(["reset", "2"]).output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    let backup = backup_named_in(&String::from_utf8(out.stdout).unwrap());
    list_shows(root, "not started");

    grader(root)
        .args(["reset", "2", "--restore"])
        .assert()
        .code(0)
        .stdout(predicate::str::contains(
            "These files were checked before: passed, 3/3.",
        ));
    list_shows(root, "passed 3/3 $");
    // The same by name, after going back to the stub once more.
    grader(root).args(["reset", "2"]).assert().code(0);
    grader(root)
        .args(["reset", "2", "--restore", &backup])
        .assert()
        .code(0);
    list_shows(root, "passed 3/3 $");
}

/// Edits checked one after another, then undone back to an older version: each version shows the
/// result it had, not the latest check's.
#[test]
fn undoing_edits_to_an_older_checked_version_brings_its_result_back() {
    let course = course();
    let root = course.path();
    let lib = root.join("exercises/02-wrong-value/src/lib.rs");
    let stub = std::fs::read_to_string(&lib).unwrap();
    let passing = stub.replace("    41\n", "    42\n");
    let failing = stub.replace("    41\n", "    43\n");

    std::fs::write(&lib, &passing).unwrap();
    grader(root).args(["check", "2"]).assert().code(0);
    std::fs::write(&lib, &failing).unwrap();
    grader(root).args(["check", "2"]).assert().code(1);
    list_shows(root, "failing 1/3");

    // Back to the passing version (an editor's undo): passed, with its points, unchecked since.
    std::fs::write(&lib, &passing).unwrap();
    list_shows(root, "passed 3/3 $");
    // An edit never checked: edited, and the score shown is the latest check's, marked as older.
    std::fs::write(&lib, format!("// notes\n{failing}")).unwrap();
    list_shows(root, "edited - (1/3 before your edits)");
    // And forward again to the failing version.
    std::fs::write(&lib, &failing).unwrap();
    list_shows(root, "failing 1/3");

    // Two results kept, one per version, the latest last.
    let results = &progress_of(root)["exercises"]["wrong-value"]["results"];
    assert_eq!(results.as_array().map(Vec::len), Some(2), "{results}");
    assert_eq!(results[1]["passed"], false, "{results}");
}

/// Hints follow the check of the files as they are now: back on a version checked before, its
/// failing check leads the hints again, with no note that the files were edited.
#[test]
fn hints_follow_the_result_of_the_files_as_they_are() {
    let course = course();
    let root = course.path();
    let lib = root.join("exercises/02-wrong-value/src/lib.rs");
    let stub = std::fs::read_to_string(&lib).unwrap();
    let failing = stub.replace("    41\n", "    43\n");
    std::fs::write(&lib, &failing).unwrap();
    grader(root).args(["check", "2"]).assert().code(1);
    std::fs::write(&lib, format!("// notes\n{failing}")).unwrap();
    grader(root)
        .args(["hint", "2"])
        .assert()
        .code(0)
        .stdout(predicate::str::contains("You have edited the exercise"))
        .stdout(predicate::str::contains("Hint 1 of 2 for `answer-is-42`"));
    std::fs::write(&lib, &failing).unwrap();
    grader(root)
        .args(["hint", "2"])
        .assert()
        .code(0)
        .stdout(predicate::str::contains("You have edited").not())
        .stdout(predicate::str::contains("Hint 2 of 2 for `answer-is-42`"));
}
