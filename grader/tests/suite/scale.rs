//! Grading at any scale: a class graded in shards (`grade --shard K/N`) and merged (`grader
//! merge`) gives what one run gives, byte for byte; kept results survive a move of everything to
//! other paths (another runner restoring a cache); old harness builds are cleaned up.
//!
//! Each shard grades on its own new state directory, as a CI runner of a matrix does (only
//! cargo's build directory is shared with the suite's, so tokio is not compiled again).

use crate::common::*;
use predicates::prelude::*;
use std::path::{Path, PathBuf};

/// `grader SUBCOMMAND` in `instructor`'s course, on the state directory `state`.
fn grader_on(instructor: &Path, state: &Path) -> assert_cmd::Command {
    let mut cmd = grader(instructor);
    cmd.env("AWAITLINGS_TARGET_DIR", state);
    cmd
}

/// Everything printed but the last line (the one with the wall time).
fn but_the_wall_time(stdout: &[u8]) -> String {
    let text = String::from_utf8(stdout.to_vec()).unwrap();
    let mut lines: Vec<&str> = text.lines().collect();
    let last = lines.pop().unwrap_or_default();
    assert!(
        last.starts_with("Graded "),
        "the last line is the wall time's: {text}"
    );
    lines.join("\n")
}

/// A class of eight with different mistakes, in `class`: the submissions in the order given.
///
/// - `ana` leaves everything as shipped (02 gives the wrong value);
/// - `ben` solves 02;
/// - `cy` solves 02 by changing the trusted checks: flagged, and graded like `ana`;
/// - `dan`'s 01 does not compile;
/// - `eve` and `fay` make the same mistake in 01 (no sleep);
/// - `notes.txt` is a file the glob caught;
/// - a second `ana` (another section's folder) is named `ana-2`.
fn a_class(class: &Path) -> Vec<PathBuf> {
    let dir = |n: &str| class.join(n);
    let subs = [
        dir("ana"),
        dir("ben"),
        dir("cy"),
        dir("dan"),
        dir("eve"),
        dir("fay"),
        dir("notes.txt"),
        class.join("b").join("ana"),
    ];
    for s in subs.iter().filter(|s| !s.ends_with("notes.txt")) {
        copy_course(s);
    }
    std::fs::write(&subs[6], "not a clone\n").unwrap();
    let lib2 = "exercises/02-wrong-value/src/lib.rs";
    let text = std::fs::read_to_string(subs[1].join(lib2)).unwrap();
    assert!(text.contains("    41\n"));
    std::fs::write(subs[1].join(lib2), text.replace("    41\n", "    42\n")).unwrap();
    let checks = subs[2].join("grader/checks/answer.rs");
    let text = std::fs::read_to_string(&checks).unwrap();
    let tampered = text.replace(
        "expect_eq(\"answer()\", value, 42)",
        "expect_eq(\"answer()\", value, 41)",
    );
    assert_ne!(text, tampered);
    std::fs::write(&checks, tampered).unwrap();
    std::fs::write(
        subs[3].join("exercises/01-passes/src/lib.rs"),
        "pub async fn answer() -> u32 { this does not compile }\n",
    )
    .unwrap();
    for s in &subs[4..6] {
        let lib = s.join("exercises/01-passes/src/lib.rs");
        let text = std::fs::read_to_string(&lib).unwrap();
        let hurried: String = text
            .lines()
            .filter(|l| !l.contains("sleep("))
            .map(|l| format!("{l}\n"))
            .collect();
        assert_ne!(hurried, text);
        std::fs::write(&lib, hurried).unwrap();
    }
    subs.to_vec()
}

#[test]
fn three_shards_merged_give_the_gradebook_summary_and_reports_of_one_run() {
    let instructor = course();
    let class = tempfile::tempdir().unwrap();
    let subs = a_class(class.path());
    let out = class.path().join("out");

    // One run.
    let state = fresh_state();
    let one = grader_on(instructor.path(), state.path())
        .arg("grade")
        .args(&subs)
        .args(["-e", "1", "-e", "2", "--summary", "--format", "json"])
        .arg("--gradebook")
        .arg(out.join("one.csv"))
        .arg("--out")
        .arg(out.join("one"))
        .arg("--html")
        .arg(out.join("one-html"))
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let book = std::fs::read_to_string(out.join("one.csv")).unwrap();
    // The class is what it should be, so the comparison below compares something.
    assert!(book.contains("\nana,,3,1,4,6,\n"), "{book}");
    assert!(book.contains("\nben,,3,3,6,6,\n"), "{book}");
    assert!(book.contains("\ncy,,3,1,4,6,"), "{book}");
    assert!(book.contains("\ndan,,0,1,1,6,\n"), "{book}");
    assert!(book.contains("\nana-2,,3,1,4,6,\n"), "{book}");
    assert!(book.contains("notes.txt is a file"), "{book}");
    let one_stdout = but_the_wall_time(&one);
    assert!(
        one_stdout.contains("2 student(s): never waited: eve, fay"),
        "{one_stdout}"
    );

    // Three shards, each on its own runner (its own checkout of the course, its own state), in
    // any order, then a merge on yet another.
    let mut shard_dirs = Vec::new();
    for k in [3, 1, 2] {
        let (instructor, state) = (course(), fresh_state());
        let dir = out.join(format!("shard{k}"));
        grader_on(instructor.path(), state.path())
            .arg("grade")
            .args(&subs)
            .args(["-e", "1", "-e", "2", "--shard", &format!("{k}/3")])
            .args(["--format", "json"])
            .arg("--out")
            .arg(&dir)
            .assert()
            .success();
        assert!(dir.join(format!("shard-{k}-of-3.json")).is_file());
        shard_dirs.push(dir);
    }
    // Round robin by position: shard 1 has the 1st, 4th and 7th submissions.
    assert!(shard_dirs[1].join("ana.json").is_file());
    assert!(shard_dirs[1].join("dan.json").is_file());
    assert!(shard_dirs[1].join("notes.txt.json").is_file());
    assert!(!shard_dirs[1].join("ben.json").exists());
    // The second `ana` is `ana-2` in its shard too: names are unique over the whole list.
    assert!(
        shard_dirs[2].join("ana-2.json").is_file(),
        "{:?}",
        shard_dirs[2]
    );

    let (instructor, state) = (course(), fresh_state());
    let merged = grader_on(instructor.path(), state.path())
        .arg("merge")
        .args(&shard_dirs)
        .args(["--summary", "--format", "json"])
        .arg("--gradebook")
        .arg(out.join("merged.csv"))
        .arg("--out")
        .arg(out.join("merged"))
        .arg("--html")
        .arg(out.join("merged-html"))
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    assert_eq!(
        std::fs::read_to_string(out.join("merged.csv")).unwrap(),
        book
    );
    assert_eq!(
        but_the_wall_time(&merged).replace("merged-html", "one-html"),
        one_stdout
    );
    // The class report of the merge is one run's: the same pages, and each exercise's page
    // (its groups, pictures and diffs) the same byte for byte.
    fn pages(dir: &Path, under: &Path, found: &mut Vec<String>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                pages(&path, under, found);
            } else {
                found.push(path.strip_prefix(under).unwrap().display().to_string());
            }
        }
    }
    let pages = |dir: PathBuf| -> Vec<String> {
        let mut found = Vec::new();
        pages(&dir, &dir, &mut found);
        found.sort();
        found
    };
    let one_pages = pages(out.join("one-html"));
    assert_eq!(pages(out.join("merged-html")), one_pages);
    assert!(
        one_pages.iter().any(|p| p.starts_with("exercises/")),
        "{one_pages:?}"
    );
    for page in one_pages.iter().filter(|p| p.starts_with("exercises/")) {
        assert_eq!(
            std::fs::read(out.join("merged-html").join(page)).ok(),
            std::fs::read(out.join("one-html").join(page)).ok(),
            "{page}"
        );
    }
    // Each student's report from the merge is the shard's own, byte for byte, and one run's
    // but for the wall time each check took (measured anew in every run).
    let read = |path: PathBuf| std::fs::read_to_string(&path).unwrap();
    let timeless = |text: String| -> serde_json::Value {
        let mut v: serde_json::Value = serde_json::from_str(&text).unwrap();
        for ex in v["exercises"].as_array_mut().unwrap() {
            for c in ex["checks"].as_array_mut().unwrap() {
                c["wall_ms"] = serde_json::Value::Null;
            }
        }
        v
    };
    let names = [
        "ana",
        "ben",
        "cy",
        "dan",
        "eve",
        "fay",
        "notes.txt",
        "ana-2",
    ];
    for (i, s) in names.iter().enumerate() {
        let name = format!("{s}.json");
        let merged = read(out.join("merged").join(&name));
        let shard = [&shard_dirs[1], &shard_dirs[2], &shard_dirs[0]][i % 3];
        assert_eq!(merged, read(shard.join(&name)), "{name}");
        assert_eq!(
            timeless(merged),
            timeless(read(out.join("one").join(&name))),
            "{name}"
        );
    }
}

#[test]
fn a_bad_shard_or_an_incomplete_merge_says_what_to_do() {
    let instructor = course();
    let class = tempfile::tempdir().unwrap();
    let ana = class.path().join("ana");
    copy_course(&ana);
    for bad in ["0/3", "4/3", "2", "x/y"] {
        grader(instructor.path())
            .arg("grade")
            .arg(&ana)
            .args(["--shard", bad, "--out"])
            .arg(class.path().join("out"))
            .assert()
            .code(2)
            .stderr(predicate::str::contains("1 <= K <= N"));
    }
    grader(instructor.path())
        .arg("grade")
        .arg(&ana)
        .args(["--shard", "1/2"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("add --out DIR"));

    // Shard 2 of 2 of a class of one has nobody to grade; its record still counts.
    let state = fresh_state();
    let two = class.path().join("two");
    grader_on(instructor.path(), state.path())
        .arg("grade")
        .arg(&ana)
        .args(["-e", "1", "--shard", "2/2", "--out"])
        .arg(&two)
        .assert()
        .success();
    grader_on(instructor.path(), state.path())
        .arg("merge")
        .arg(&two)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("shard(s) 1/2 missing"));
    grader_on(instructor.path(), state.path())
        .arg("merge")
        .arg(class.path())
        .assert()
        .code(2)
        .stderr(predicate::str::contains("holds no shard record"));
}

#[test]
fn kept_results_are_found_by_content_after_everything_moved_to_other_paths() {
    // A runner grades, and its cache (the state directory) is restored on another runner where
    // the course, the state and the submissions all lie at other paths.
    let here = tempfile::tempdir().unwrap();
    let (course_a, state_a, class_a) = (
        here.path().join("a/course"),
        here.path().join("a/state"),
        here.path().join("a/class"),
    );
    copy_course(&course_a);
    // Only cargo's own build directory is the suite's (a link), as in `fresh_state`.
    std::fs::create_dir_all(&state_a).unwrap();
    #[cfg(unix)]
    std::os::unix::fs::symlink(state_dir().join("cargo"), state_a.join("cargo")).unwrap();
    let subs: Vec<PathBuf> = ["ana", "ben", "dan"]
        .iter()
        .map(|n| class_a.join(n))
        .collect();
    for s in &subs {
        copy_course(s);
    }
    std::fs::write(
        subs[2].join("exercises/01-passes/src/lib.rs"),
        "pub async fn answer() -> u32 { this does not compile }\n",
    )
    .unwrap();
    let lib2 = "exercises/02-wrong-value/src/lib.rs";
    let text = std::fs::read_to_string(subs[1].join(lib2)).unwrap();
    std::fs::write(subs[1].join(lib2), text.replace("    41\n", "    42\n")).unwrap();
    let grade = |course: &Path, state: &Path, class: &Path, kept: usize| {
        let out = grader_on(course, state)
            .arg("grade")
            .args(["ana", "ben", "dan"].map(|n| class.join(n)))
            .args(["-e", "1", "-e", "2", "--format", "json", "--out"])
            .arg(class.join("reports"))
            .assert()
            .success()
            .get_output()
            .clone();
        let stdout = String::from_utf8(out.stdout).unwrap();
        assert!(
            stdout.contains(&format!("({kept} unchanged since the last grade, kept)")),
            "{kept} kept expected: {stdout}"
        );
        std::fs::read_to_string(class.join("reports/dan.json")).unwrap()
    };
    // dan's 01 does not compile, so it is never kept: 5 of the 6 results are.
    let first = grade(&course_a, &state_a, &class_a, 0);
    assert!(
        first.contains("exercises/01-passes/src/lib.rs")
            && !first.contains(&*class_a.to_string_lossy()),
        "a report shows the clone's own paths, not where the instructor keeps it: {first}"
    );
    grade(&course_a, &state_a, &class_a, 5);

    // Everything as it is (a checkout of the course, a cache restore of the state with its build
    // output, the submissions), at other paths.
    let b = here.path().join("elsewhere/b");
    std::fs::create_dir_all(&b).unwrap();
    for (from, to) in [
        (&course_a, "course"),
        (&state_a, "state"),
        (&class_a, "class"),
    ] {
        let status = std::process::Command::new("cp")
            .arg("-a")
            .arg(from)
            .arg(b.join(to))
            .status()
            .unwrap();
        assert!(status.success());
    }
    std::fs::remove_dir_all(here.path().join("a")).unwrap();
    let again = grade(&b.join("course"), &b.join("state"), &b.join("class"), 5);
    assert!(again.contains("does_not_compile"), "{again}");

    // A changed limit is another key: nothing is kept.
    grader_on(&b.join("course"), &b.join("state"))
        .arg("grade")
        .args(["ana", "ben", "dan"].map(|n| b.join("class").join(n)))
        .args(["-e", "1", "-e", "2", "--memory", "900"])
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "(0 unchanged since the last grade, kept)",
        ));
}

/// The entries of `dir` whose names hold `part`.
fn entries_with(dir: &Path, part: &str) -> Vec<String> {
    std::fs::read_dir(dir)
        .map(|e| {
            e.filter_map(std::result::Result::ok)
                .map(|e| e.file_name().to_string_lossy().replace('_', "-"))
                .filter(|n| n.contains(part))
                .collect()
        })
        .unwrap_or_default()
}

#[test]
fn clean_removes_the_submissions_harness_builds_and_keeps_their_results() {
    let instructor = course();
    let state = fresh_state();
    let class = tempfile::tempdir().unwrap();
    let subs: Vec<PathBuf> = ["ana", "ben"]
        .iter()
        .map(|n| class.path().join(n))
        .collect();
    for s in &subs {
        copy_course(s);
    }
    let book = class.path().join("book.csv");
    let grade = |clean: bool, kept: usize| {
        let mut cmd = grader_on(instructor.path(), state.path());
        cmd.arg("grade")
            .args(&subs)
            .args(["-e", "1", "-e", "2", "--gradebook"])
            .arg(&book);
        if clean {
            cmd.arg("--clean");
        }
        let out = cmd
            .assert()
            .success()
            .stdout(predicate::str::contains(format!(
                "({kept} unchanged since the last grade, kept)"
            )))
            .get_output()
            .clone();
        (
            std::fs::read_to_string(&book).unwrap(),
            String::from_utf8(out.stderr).unwrap(),
        )
    };
    let (first, _) = grade(false, 0);
    // The harnesses of submissions are built (`check-<slug>-other-<hash>-<tag>`), in cargo's
    // directories and the grader's own.
    let debug = state.path().join("cargo/debug");
    // The course's own folder of staged crates (its tag), not the ones its shared crates and its
    // checks are staged in (`crates-<key>`, `checks-<key>`).
    let stage = std::fs::read_dir(state.path().join("stage"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| {
            let name = p.file_name().unwrap().to_string_lossy();
            !name.starts_with("crates-") && !name.starts_with("checks-")
        })
        .unwrap();
    let tag = stage.file_name().unwrap().to_string_lossy().into_owned();
    let ours = |dir: &Path| -> Vec<String> {
        entries_with(dir, "-other-")
            .into_iter()
            .filter(|n| n.contains(&tag))
            .collect()
    };
    for dir in [debug.clone(), debug.join("deps"), stage.clone()] {
        assert!(!ours(&dir).is_empty(), "built in {}", dir.display());
    }

    let (again, stderr) = grade(true, 4);
    assert_eq!(again, first);
    assert!(stderr.contains("cleaned: "), "{stderr}");
    for dir in [
        debug.clone(),
        debug.join("deps"),
        debug.join("incremental"),
        debug.join(".fingerprint"),
        stage.clone(),
        state.path().join("stamps"),
    ] {
        assert_eq!(ours(&dir), Vec::<String>::new(), "in {}", dir.display());
    }
    // The course's own harnesses (what each exercise is worth) stay.
    assert!(!entries_with(&debug, "-solution-").is_empty());

    // Nothing changed: everything is kept, nothing is built, the same gradebook.
    let (third, _) = grade(false, 4);
    assert_eq!(third, first);
    assert_eq!(ours(&debug.join("deps")), Vec::<String>::new());
}
