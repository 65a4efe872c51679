//! The student edition, end to end: `grader publish` writes it from the repository's own course,
//! and a student's clone of it works with the grader as built here: every command a student
//! runs, and none of the instructor's.
//!
//! Every grader run shares the suite's state directory (AWAITLINGS_TARGET_DIR), so harness
//! builds reuse the suite's build of tokio; the edition itself is never built here, except by
//! the `#[ignore]`d test of the README's two commands.

use crate::common::*;
use predicates::prelude::*;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::Duration;

/// `grader publish DIR`, run in the repository's course.
fn publish(dir: &Path) -> assert_cmd::assert::Assert {
    grader_in(&repo()).arg("publish").arg(dir).assert()
}

/// Every file under `dir` (but `.git`), by relative path, with its bytes.
fn files(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    fn walk(root: &Path, dir: &Path, out: &mut BTreeMap<String, Vec<u8>>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let entry = entry.unwrap();
            let path = entry.path();
            if entry.file_name() == ".git" {
                continue;
            }
            if entry.file_type().unwrap().is_dir() {
                walk(root, &path, out);
            } else {
                let rel = path.strip_prefix(root).unwrap().to_string_lossy().into();
                out.insert(rel, std::fs::read(&path).unwrap());
            }
        }
    }
    let mut out = BTreeMap::new();
    walk(dir, dir, &mut out);
    out
}

fn git(dir: &Path, args: &[&str]) {
    let out = std::process::Command::new("git")
        .stdin(std::process::Stdio::null())
        .current_dir(dir)
        .args([
            "-c",
            "user.name=student",
            "-c",
            "user.email=student@example.invalid",
        ])
        .args([
            "-c",
            "init.defaultBranch=main",
            "-c",
            "commit.gpgsign=false",
        ])
        .args(args)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// The edition published from the repository, made a git repository, and a student's clone of
/// it: (the temporary folder holding both, the clone).
fn published_and_cloned() -> (tempfile::TempDir, PathBuf) {
    let tmp = tempfile::tempdir().unwrap();
    let edition = tmp.path().join("edition");
    publish(&edition)
        .success()
        .stdout(predicate::str::contains("Wrote the student edition"));
    git(&edition, &["init", "-q"]);
    git(&edition, &["add", "-A"]);
    git(&edition, &["commit", "-q", "-m", "The course"]);
    let clone = tmp.path().join("ana");
    git(
        tmp.path(),
        &[
            "clone",
            "-q",
            edition.to_str().unwrap(),
            clone.to_str().unwrap(),
        ],
    );
    (tmp, clone)
}

/// Whether the repository's course grades `slug` with hidden checks.
fn has_hidden_checks(slug: &str) -> bool {
    repo()
        .join("grader/checks/hidden")
        .join(format!("{slug}.rs"))
        .is_file()
}

#[test]
fn the_edition_holds_no_instructors_material_and_is_the_same_every_time() {
    let tmp = tempfile::tempdir().unwrap();
    let (one, two) = (tmp.path().join("one"), tmp.path().join("two"));
    publish(&one).success();
    publish(&two).success();
    let published = files(&one);
    assert!(
        published == files(&two),
        "two publishes of one course differ"
    );

    for never in [
        "solutions",
        "fixtures/wrong",
        "grader/tests",
        "grader/checks/hidden",
        "bench",
        ".ci",
        "classroom",
        "MAINTAINING.md",
        "INSTRUCTORS.md",
    ] {
        assert!(!one.join(never).exists(), "the edition has {never}");
        assert!(
            !published
                .keys()
                .any(|p| p.starts_with(&format!("{never}/"))),
            "the edition has something under {never}/"
        );
    }
    for needed in [
        "exercises/01-coroutines/src/lib.rs",
        "exercises/01-coroutines/README.md",
        "grader/Cargo.toml",
        "grader/src/main.rs",
        "grader/check/src/lib.rs",
        "grader/checks/coroutines.rs",
        "support/Cargo.toml",
        "fixtures/coroutines/together.txt",
        "fixtures/coroutines/shipped.toml",
        ".github/workflows/feedback.yml",
        ".gitignore",
    ] {
        assert!(one.join(needed).is_file(), "the edition lacks {needed}");
    }

    // The README starts with the two commands.
    let readme = std::fs::read_to_string(one.join("README.md")).unwrap();
    let commands: Vec<&str> = readme
        .lines()
        .skip_while(|l| !l.starts_with("```"))
        .skip(1)
        .take(2)
        .collect();
    assert!(
        commands[0].starts_with("cargo run -p grader -- check 03")
            && commands[1].starts_with("cargo test --workspace"),
        "{readme}"
    );
    let ignored = std::fs::read_to_string(one.join(".gitignore")).unwrap();
    assert!(ignored.contains("target/") && ignored.contains(".awaitlings/"));

    // Marked as the student edition, with the hidden checks of each exercise.
    let manifest = std::fs::read_to_string(one.join("course.toml")).unwrap();
    assert!(manifest.contains("\nedition = \"student\"\n"), "{manifest}");
    assert!(
        manifest.contains(&format!(
            "slug = \"coroutines\"\nhidden_checks = {}\n",
            has_hidden_checks("coroutines")
        )),
        "{manifest}"
    );
    let cargo = std::fs::read_to_string(one.join("Cargo.toml")).unwrap();
    assert!(
        !cargo.contains("solutions") && !cargo.contains("grader/tests"),
        "{cargo}"
    );

    // Cargo.lock is the one cargo would write for this workspace: resolving the workspace's own
    // packages again changes nothing (cargo rewrites a lock file it disagrees with). `cargo
    // update --workspace` resolves from the index alone: it neither builds, nor downloads, nor
    // asks rustc about the target.
    let lock = std::fs::read(one.join("Cargo.lock")).unwrap();
    let tree = std::process::Command::new(env!("CARGO"))
        .stdin(std::process::Stdio::null())
        .current_dir(&one)
        .args(["update", "--workspace", "--offline", "--quiet"])
        .output()
        .unwrap();
    assert!(
        tree.status.success(),
        "{}",
        String::from_utf8_lossy(&tree.stderr)
    );
    assert!(
        std::fs::read(one.join("Cargo.lock")).unwrap() == lock,
        "cargo rewrote the edition's Cargo.lock"
    );
    assert!(!String::from_utf8_lossy(&lock).contains("-solution\""));
}

#[test]
fn publish_refuses_a_folder_in_use_and_the_course_itself() {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::write(tmp.path().join("notes.txt"), "mine").unwrap();
    publish(tmp.path())
        .code(2)
        .stderr(predicate::str::contains("is not empty"))
        .stderr(predicate::str::contains("name a new folder"));
    assert_eq!(files(tmp.path()).len(), 1, "nothing written");
    let inside = repo().join("target").join("an-edition-never-written");
    publish(&inside)
        .code(2)
        .stderr(predicate::str::contains("inside the course"));
    assert!(!inside.exists());
}

/// A student's clone of the edition: everything a student runs works, and the instructor's
/// commands say they need the instructor's course.
#[test]
fn a_clone_of_the_edition_works_for_a_student() {
    let (_tmp, clone) = published_and_cloned();
    let run = |args: &[&str]| grader_in(&clone).args(args).assert();

    run(&["list"])
        .success()
        .stdout(predicate::str::contains("01 coroutines"))
        .stdout(predicate::str::contains("not started"));

    // The stub fails; the report says whether the instructor grades with more checks.
    let check = run(&["check", "01"]).code(1);
    let out = String::from_utf8(check.get_output().stdout.clone()).unwrap();
    assert!(out.contains("not implemented yet"), "{out}");
    assert_eq!(
        out.contains("more checks than these"),
        has_hidden_checks("coroutines"),
        "{out}"
    );

    run(&["run", "01"])
        .code(1)
        .stdout(predicate::str::contains("not implemented yet"));
    // No solution to run: the diff is against the expected transcript.
    run(&["diff", "01", "--plain"])
        .code(1)
        .stdout(predicate::str::contains(
            "--- fixtures/coroutines/together.txt",
        ))
        .stdout(predicate::str::contains("-   1.000s  finish coffee"));
    run(&["hint", "01"])
        .success()
        .stdout(predicate::str::contains("Hint 1"));

    // reset puts the stub back, from the clone's own git objects.
    let lib = clone.join("exercises/01-coroutines/src/lib.rs");
    let stub = std::fs::read_to_string(&lib).unwrap();
    std::fs::write(&lib, "pub fn mine() {}\n").unwrap();
    run(&["reset", "01"]).success();
    assert_eq!(std::fs::read_to_string(&lib).unwrap(), stub);

    // watch checks, then quits on `q`.
    let mut watch = std_grader(&clone)
        .args(["watch", "01"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let seen = std::sync::Arc::new(std::sync::Mutex::new(String::new()));
    let reader = crate::learner::collect(Box::new(watch.stdout.take().unwrap()), &seen);
    // Generously: the check builds first, after waiting for the state's lock while another
    // test's build holds it.
    let watching = wait_until(Duration::from_secs(300), || {
        seen.lock().unwrap().contains("not implemented yet")
    });
    assert!(watching, "watch never checked: {}", seen.lock().unwrap());
    {
        use std::io::Write;
        let mut keys = watch.stdin.take().unwrap();
        keys.write_all(b"q").unwrap();
        keys.flush().unwrap();
    }
    let quit = wait_until(Duration::from_secs(30), || {
        matches!(watch.try_wait(), Ok(Some(_)))
    });
    if !quit {
        let _ = watch.kill();
    }
    assert!(quit, "q did not stop watch: {}", seen.lock().unwrap());
    assert_eq!(watch.wait().unwrap().code(), Some(0));
    reader.join().unwrap();

    // The instructor's commands.
    for args in [
        &["verify"][..],
        &["bless", "01"],
        &["mistake", "01", "x"],
        &["publish", "../elsewhere"],
        &["grade", "."],
    ] {
        run(args)
            .code(2)
            .stderr(predicate::str::contains("this is the student edition"))
            .stderr(predicate::str::contains("instructor's course"));
    }
}

/// `grade`, in the trusted course, compares a clone of the edition with the edition: as handed
/// out it gets no flag (no solutions, no hidden checks, the edition's own manifests), and an
/// edit outside its exercise crates still gets its flag.
#[test]
fn grade_flags_nothing_in_a_clone_of_the_edition_as_handed_out() {
    let (tmp, clone) = published_and_cloned();
    let tampered = tmp.path().join("ben");
    git(
        tmp.path(),
        &[
            "clone",
            "-q",
            clone.to_str().unwrap(),
            tampered.to_str().unwrap(),
        ],
    );
    let checks = tampered.join("grader/checks/coroutines.rs");
    let text = std::fs::read_to_string(&checks).unwrap();
    std::fs::write(&checks, text + "\n// pass everything\n").unwrap();
    let book = tmp.path().join("book.csv");
    grader_in(&repo())
        .arg("grade")
        .args([&clone, &tampered])
        .args(["-e", "1", "--gradebook"])
        .arg(&book)
        .assert()
        .success();
    let csv = std::fs::read_to_string(&book).unwrap();
    let row = |who: &str| {
        csv.lines()
            .find(|l| l.starts_with(&format!("{who},")))
            .unwrap_or_else(|| panic!("no row for {who}:\n{csv}"))
            .to_string()
    };
    assert!(row("ana").ends_with(','), "no flags for ana:\n{csv}");
    assert!(
        row("ben").ends_with(",changed grader/checks/coroutines.rs"),
        "{csv}"
    );
}

/// The README's two commands, in the edition, with cargo's target directory shared with the
/// course's (so tokio is not built again); and the students' workflow's own step, which must
/// not fail on the stubs as handed out. Heavy: the edition's grader and every exercise build.
#[test]
#[ignore = "builds the whole edition: run with --ignored"]
fn edition_readme_commands_work() {
    let tmp = tempfile::tempdir().unwrap();
    let edition = tmp.path().join("edition");
    publish(&edition).success();
    let target = repo().join("target");
    let cargo = |args: &[&str]| {
        std::process::Command::new(env!("CARGO"))
            .stdin(std::process::Stdio::null())
            .current_dir(&edition)
            .env("CARGO_TARGET_DIR", &target)
            .env("AWAITLINGS_TARGET_DIR", state_dir())
            .env_remove("AWAITLINGS_COURSE")
            .args(args)
            .output()
            .unwrap()
    };
    // `check 03` on the stub: a report that it fails (1), not an error (2).
    let check = cargo(&[
        "run", "-p", "grader", "--", "--color", "never", "check", "03",
    ]);
    let report = String::from_utf8_lossy(&check.stdout);
    assert_eq!(
        check.status.code(),
        Some(1),
        "{report}\n{}",
        String::from_utf8_lossy(&check.stderr)
    );
    assert!(report.contains("03 interleaved-tasks"), "{report}");
    let test = cargo(&["test", "--workspace", "--locked"]);
    assert!(
        test.status.success(),
        "cargo test --workspace failed in the edition:\n{}",
        String::from_utf8_lossy(&test.stderr)
    );

    // The feedback workflow's step, as GitHub runs it (bash, with a step summary file).
    let workflow = std::fs::read_to_string(edition.join(".github/workflows/feedback.yml")).unwrap();
    let script: Vec<&str> = workflow
        .lines()
        .skip_while(|l| !l.trim_start().starts_with("run: |"))
        .skip(1)
        .take_while(|l| l.starts_with("          ") || l.trim().is_empty())
        .map(str::trim_start)
        .collect();
    assert!(!script.is_empty(), "no run step in:\n{workflow}");
    let summary = tmp.path().join("summary.md");
    let step = std::process::Command::new("bash")
        .stdin(std::process::Stdio::null())
        .current_dir(&edition)
        .args(["-e", "-c", &script.join("\n")])
        .env("GITHUB_STEP_SUMMARY", &summary)
        .env("CARGO_TARGET_DIR", &target)
        .env("AWAITLINGS_TARGET_DIR", state_dir())
        .env_remove("AWAITLINGS_COURSE")
        .output()
        .unwrap();
    assert!(
        step.status.success(),
        "the workflow failed a student for the stubs as handed out:\n{}\n{}",
        String::from_utf8_lossy(&step.stdout),
        String::from_utf8_lossy(&step.stderr)
    );
    let summary = std::fs::read_to_string(&summary).unwrap();
    assert!(
        summary.contains("| Exercise | Points | Result |"),
        "{summary}"
    );
}
