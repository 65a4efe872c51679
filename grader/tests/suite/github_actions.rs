//! The GitHub Actions autograding workflow (classroom/github/autograding.yml), run as GitHub runs
//! it: its own `run:` steps, read from the YAML, in bash (`bash --noprofile --norc -eo pipefail`,
//! GitHub's default shell on Linux), with a local stand-in for what the runner provides
//! (`GITHUB_WORKSPACE`, a fresh `GITHUB_OUTPUT` and `GITHUB_STEP_SUMMARY` file per step, step
//! outputs fed to later steps' `${{ steps.ID.outputs.NAME }}`, `if:` conditions), and its `uses:`
//! steps played by the test: the two checkouts are git repositories of the small test course, and
//! the cache restore is a hit that holds the grader binary.
//!
//! What comes out is checked against the contract of classroom-resources/autograding-grading-reporter
//! (its src/main.js, src/notify-classroom.js, src/console-results.js, src/helpers/test-helpers.js):
//! the `result` output is base64 of JSON with `status` (`fail`/`error` fail the job),
//! `max_score` and `tests[]` of `name`, `status`, `score`, `line_no`, `test_code`, `message`; the
//! points it would post (`Points <sum of scores>/<max_score>`, notices titled `Autograding
//! complete` and `Autograding report`) are the ones the grader prints, the step summary shows,
//! and the gradebook gives.

use crate::common::*;
use serde_json::Value;
use std::collections::BTreeMap;
use std::path::Path;

const WORKFLOW: &str = "classroom/github/autograding.yml";

#[derive(Debug, Default)]
struct Step {
    name: String,
    id: Option<String>,
    uses: Option<String>,
    condition: Option<String>,
    working_directory: Option<String>,
    env: Vec<(String, String)>,
    with: Vec<(String, String)>,
    run: Option<String>,
}

#[derive(Debug, Default)]
struct Workflow {
    name: String,
    on: Vec<String>,
    env: Vec<(String, String)>,
    jobs: Vec<String>,
    job_if: Option<String>,
    steps: Vec<Step>,
}

fn indent(line: &str) -> usize {
    line.len() - line.trim_start().len()
}

fn key_value(line: &str) -> (String, String) {
    let (k, v) = line.trim().split_once(':').unwrap_or((line.trim(), ""));
    (k.trim().to_string(), v.trim().to_string())
}

/// Reads the subset of YAML our workflow is written in (block maps and a list of steps, `|`
/// blocks for scripts). Anything else is a panic that names the line, so a change of style
/// shows up here rather than as a silently skipped step.
fn parse(text: &str) -> Workflow {
    let mut wf = Workflow::default();
    let lines: Vec<&str> = text.lines().collect();
    let mut section = String::new();
    let mut sub = String::new();
    let mut i = 0;
    while i < lines.len() {
        let line = lines[i];
        i += 1;
        if line.trim().is_empty() || line.trim_start().starts_with('#') {
            continue;
        }
        let (key, value) = key_value(line);
        match indent(line) {
            0 => {
                section = key.clone();
                if key == "name" {
                    wf.name = value;
                }
            }
            2 if section == "on" => wf.on.push(key),
            2 if section == "env" => wf.env.push((key, value)),
            2 if section == "jobs" => wf.jobs.push(key),
            2 => {}
            4 if section == "jobs" => {
                sub = key.clone();
                if key == "if" {
                    wf.job_if = Some(value);
                }
            }
            4 => {}
            6 if sub == "steps" || sub.starts_with("step.") => {
                let item = line
                    .trim()
                    .strip_prefix("- ")
                    .unwrap_or_else(|| panic!("{WORKFLOW}: a step must start with `- `: {line}"));
                wf.steps.push(Step::default());
                sub = "steps".into();
                let (k, v) = key_value(item);
                set(
                    wf.steps.last_mut().unwrap(),
                    &k,
                    v,
                    &lines,
                    &mut i,
                    &mut sub,
                );
            }
            8 if sub == "steps" || sub.starts_with("step.") => {
                sub = "steps".into();
                let step = wf.steps.last_mut().expect("a step");
                set(step, &key, value, &lines, &mut i, &mut sub);
            }
            10 if sub == "step.env" => wf.steps.last_mut().unwrap().env.push((key, value)),
            10 if sub == "step.with" => {
                let step = wf.steps.last_mut().unwrap();
                if value == "|" {
                    let block = block(&lines, &mut i, 12);
                    step.with.push((key, block));
                } else {
                    step.with.push((key, value));
                }
            }
            n => panic!("{WORKFLOW}: unexpected line (indent {n}, in {section}/{sub}): {line}"),
        }
    }
    wf
}

fn set(step: &mut Step, key: &str, value: String, lines: &[&str], i: &mut usize, sub: &mut String) {
    match key {
        "name" => step.name = value,
        "id" => step.id = Some(value),
        "uses" => step.uses = Some(value),
        "if" => step.condition = Some(value),
        "working-directory" => step.working_directory = Some(value),
        "env" => *sub = "step.env".into(),
        "with" => *sub = "step.with".into(),
        "run" if value == "|" => step.run = Some(block(lines, i, 10)),
        "run" => step.run = Some(value),
        _ => panic!("{WORKFLOW}: a step key this test does not know: {key}"),
    }
}

/// A `|` block scalar: the following lines indented at least `at`, less that indent.
fn block(lines: &[&str], i: &mut usize, at: usize) -> String {
    let mut out = String::new();
    while *i < lines.len() && (lines[*i].trim().is_empty() || indent(lines[*i]) >= at) {
        out.push_str(lines[*i].get(at..).unwrap_or(""));
        out.push('\n');
        *i += 1;
    }
    out
}

/// What the runner knows while the job runs: the workflow's env, `github.actor`, `runner.os` and
/// each step's outputs.
struct Context {
    env: BTreeMap<String, String>,
    actor: String,
    outputs: BTreeMap<String, BTreeMap<String, String>>,
    failed: bool,
}

impl Context {
    fn value(&self, expr: &str) -> String {
        let expr = expr.trim();
        if let Some((a, b)) = expr.split_once("||") {
            let a = self.value(a);
            return if a.is_empty() { self.value(b) } else { a };
        }
        if expr.starts_with("secrets.") {
            return String::new();
        }
        if let Some(v) = expr.strip_prefix('\'').and_then(|e| e.strip_suffix('\'')) {
            return v.to_string();
        }
        if let Some(name) = expr.strip_prefix("env.") {
            return self.env.get(name).cloned().unwrap_or_default();
        }
        if let Some(rest) = expr.strip_prefix("steps.") {
            let (id, name) = rest.split_once(".outputs.").expect("steps.ID.outputs.NAME");
            return self
                .outputs
                .get(id)
                .and_then(|o| o.get(name))
                .cloned()
                .unwrap_or_default();
        }
        match expr {
            "github.actor" => self.actor.clone(),
            "runner.os" => "Linux".into(),
            "github.ref" => "refs/heads/main".into(),
            "github.token" => "a-job-token".into(),
            _ => panic!("{WORKFLOW}: an expression this stand-in does not know: {expr}"),
        }
    }

    /// `${{ ... }}` replaced by its value (`hashFiles(...)` by a fixed hash).
    fn interpolate(&self, text: &str) -> String {
        let mut out = String::new();
        let mut rest = text;
        while let Some(start) = rest.find("${{") {
            out.push_str(&rest[..start]);
            let end = rest[start..].find("}}").expect("closing }}") + start;
            let expr = rest[start + 3..end].trim();
            out.push_str(&if expr.starts_with("hashFiles(") {
                "lockhash".to_string()
            } else {
                self.value(expr)
            });
            rest = &rest[end + 2..];
        }
        out.push_str(rest);
        out
    }

    /// An `if:` of the forms the workflow uses: terms joined by `&&`, each `always()`,
    /// `A != 'v'` or `A == 'v'`. Without `always()`, a step runs only while nothing failed.
    fn condition(&self, condition: Option<&str>) -> bool {
        let Some(condition) = condition else {
            return !self.failed;
        };
        let mut always = false;
        let mut holds = true;
        for term in condition.split("&&").map(str::trim) {
            if term == "always()" {
                always = true;
            } else if let Some((a, b)) = term.split_once("!=") {
                holds &= self.value(a) != self.value(b);
            } else if let Some((a, b)) = term.split_once("==") {
                holds &= self.value(a) == self.value(b);
            } else {
                panic!("{WORKFLOW}: a condition this stand-in does not know: {term}");
            }
        }
        holds && (always || !self.failed)
    }
}

fn git(dir: &Path, args: &[&str]) {
    let out = std::process::Command::new("git")
        .current_dir(dir)
        .args(["-c", "user.name=t", "-c", "user.email=t@example.com"])
        .args(args)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// A git repository of the test course cut to its first two exercises (01 passes, 02 returns
/// 41): the workflow grades every exercise, and the others are the grader's attack tests.
fn repository(dir: &Path) {
    copy_course(dir);
    let manifest = std::fs::read_to_string(dir.join("course.toml")).unwrap();
    let third = manifest.match_indices("[[exercise]]").nth(2).unwrap().0;
    std::fs::write(dir.join("course.toml"), &manifest[..third]).unwrap();
    for entry in std::fs::read_dir(dir.join("exercises")).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        if !name.starts_with("01-") && !name.starts_with("02-") {
            std::fs::remove_dir_all(&path).unwrap();
        }
    }
    git(dir, &["init", "-q"]);
    git(dir, &["add", "-A"]);
    git(dir, &["commit", "-q", "-m", "course"]);
}

fn decode_base64(text: &str) -> Vec<u8> {
    const ABC: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let digits: Vec<u32> = text
        .bytes()
        .filter(|b| *b != b'=')
        .map(|b| ABC.iter().position(|c| *c == b).expect("a base64 digit") as u32)
        .collect();
    let mut out = Vec::new();
    for chunk in digits.chunks(4) {
        let n = chunk
            .iter()
            .enumerate()
            .fold(0u32, |n, (i, d)| n | d << (18 - 6 * i));
        for i in 0..chunk.len() - 1 {
            out.push((n >> (16 - 8 * i)) as u8);
        }
    }
    out
}

/// What the job left: each step that ran (by name) with its exit status, the grade step's
/// standard output, the outputs, and the step summary.
struct Job {
    ran: Vec<(String, bool)>,
    stdout: String,
    outputs: BTreeMap<String, BTreeMap<String, String>>,
    summary: String,
    failed: bool,
}

/// Runs the workflow's job for `submission` (prepared by the caller in `ws/submission`).
fn run_job(wf: &Workflow, ws: &Path, actor: &str) -> Option<Job> {
    let mut cx = Context {
        env: wf.env.iter().cloned().collect(),
        actor: actor.into(),
        outputs: BTreeMap::new(),
        failed: false,
    };
    if let Some(condition) = &wf.job_if
        && !cx.condition(Some(condition))
    {
        return None;
    }
    let mut job = Job {
        ran: Vec::new(),
        stdout: String::new(),
        outputs: BTreeMap::new(),
        summary: String::new(),
        failed: false,
    };
    for (n, step) in wf.steps.iter().enumerate() {
        if !cx.condition(step.condition.as_deref()) {
            continue;
        }
        let with: BTreeMap<_, _> = step
            .with
            .iter()
            .map(|(k, v)| (k.as_str(), cx.interpolate(v)))
            .collect();
        let mut outputs = BTreeMap::new();
        let ok = if let Some(uses) = &step.uses {
            let action = uses.split('@').next().unwrap();
            match action {
                "actions/checkout" => {
                    // Played by the test: both repositories are already in the workspace.
                    let path = &with["path"];
                    assert!(ws.join(path).join(".git").is_dir(), "checkout of {path}");
                    assert_eq!(
                        with.get("persist-credentials").map(String::as_str),
                        Some("false")
                    );
                }
                "dtolnay/rust-toolchain" => {
                    outputs.insert("cachekey".to_string(), "20261201abcdef".to_string());
                }
                "actions/cache/restore" => {
                    assert_eq!(with["path"], "course/target");
                    // A hit: the grader built from this very course commit is in the cache.
                    let commit = &cx.outputs["course"]["commit"];
                    assert!(with["key"].contains(commit.as_str()), "{with:?}");
                    let bin = ws.join("course/target/debug/grader");
                    std::fs::create_dir_all(bin.parent().unwrap()).unwrap();
                    std::fs::copy(env!("CARGO_BIN_EXE_grader"), &bin).unwrap();
                    outputs.insert("cache-hit".into(), "true".into());
                    outputs.insert("cache-primary-key".into(), with["key"].clone());
                }
                "actions/cache/save" => assert_eq!(with["path"], "course/target"),
                _ => panic!("{WORKFLOW}: an action this stand-in does not play: {uses}"),
            }
            true
        } else {
            let script = step.run.as_ref().expect("a step runs or uses");
            assert!(
                !script.contains("${{"),
                "step {:?} puts an expression in its script (pass it through env:)",
                step.name
            );
            let dir = ws.join(step.working_directory.as_deref().unwrap_or("."));
            let output_file = ws.join(format!("output-{n}"));
            let summary_file = ws.join(format!("summary-{n}"));
            let script_file = ws.join(format!("step-{n}.sh"));
            std::fs::write(&output_file, "").unwrap();
            std::fs::write(&script_file, script).unwrap();
            let mut cmd = std::process::Command::new("bash");
            cmd.args(["--noprofile", "--norc", "-eo", "pipefail"])
                .arg(&script_file)
                .current_dir(&dir)
                .stdin(std::process::Stdio::null())
                .envs(cx.env.clone())
                .envs(step.env.iter().map(|(k, v)| (k.clone(), cx.interpolate(v))))
                .env("GITHUB_WORKSPACE", ws)
                .env("GITHUB_OUTPUT", &output_file)
                .env("GITHUB_STEP_SUMMARY", &summary_file)
                .env("GITHUB_ACTIONS", "true")
                // The grader's state as the test suite shares it (tokio built once), and the
                // suite's one seed.
                .env("AWAITLINGS_TARGET_DIR", state_dir())
                .env("AWAITLINGS_SEED", "1")
                .env_remove("AWAITLINGS_COURSE")
                .env_remove("CARGO_TARGET_DIR");
            let out = cmd.output().unwrap();
            job.stdout.push_str(&String::from_utf8_lossy(&out.stdout));
            for line in std::fs::read_to_string(&output_file).unwrap().lines() {
                let (k, v) = line.split_once('=').expect("name=value");
                assert!(!k.contains("<<"), "multiline outputs are not played here");
                outputs.insert(k.to_string(), v.to_string());
            }
            if let Ok(s) = std::fs::read_to_string(&summary_file) {
                job.summary.push_str(&s);
            }
            if !out.status.success() {
                eprintln!(
                    "step {:?} failed:\n{}\n{}",
                    step.name,
                    String::from_utf8_lossy(&out.stdout),
                    String::from_utf8_lossy(&out.stderr)
                );
            }
            out.status.success()
        };
        job.ran.push((step.name.clone(), ok));
        cx.failed |= !ok;
        if let Some(id) = &step.id {
            cx.outputs.insert(id.clone(), outputs);
        }
    }
    job.outputs = cx.outputs;
    job.failed = cx.failed;
    Some(job)
}

/// The reporter's reading of a `result`: it parses, it has what the reporter reads, and the
/// points it would post (`totalPoints`, `maxPoints`).
fn reporter_reads(result: &str) -> (Value, u64, u64) {
    let doc: Value = serde_json::from_slice(&decode_base64(result)).expect("base64 of JSON");
    assert!(
        ["pass", "fail", "error"].contains(&doc["status"].as_str().unwrap()),
        "{doc}"
    );
    let max = doc["max_score"].as_u64().expect("max_score, a number");
    let mut total = 0;
    for t in doc["tests"].as_array().expect("tests, an array") {
        assert!(t["name"].is_string(), "{t}");
        assert!(
            ["pass", "fail", "error"].contains(&t["status"].as_str().unwrap()),
            "{t}"
        );
        assert!(t["line_no"].is_number(), "{t}");
        assert!(
            t["test_code"].is_string() && t["message"].is_string(),
            "{t}"
        );
        total += t["score"].as_u64().expect("score, a number");
    }
    (doc, total, max)
}

fn workspace(change: impl FnOnce(&Path)) -> tempfile::TempDir {
    let ws = tempfile::tempdir().unwrap();
    repository(&ws.path().join("course"));
    let submission = ws.path().join("submission");
    repository(&submission);
    change(&submission);
    git(&submission, &["commit", "-q", "-a", "-m", "work"]);
    ws
}

#[test]
fn the_workflow_follows_github_classrooms_names_and_guards() {
    let wf = parse(&std::fs::read_to_string(repo().join(WORKFLOW)).unwrap());
    assert_eq!(wf.name, "Autograding Tests");
    assert_eq!(wf.jobs, ["run-autograding-tests"]);
    for trigger in ["push", "workflow_dispatch", "repository_dispatch"] {
        assert!(wf.on.iter().any(|t| t == trigger), "on: {:?}", wf.on);
    }
    // Not the deprecated reporter (node20), and the cache is saved after a failed run too.
    assert!(wf.steps.iter().all(|s| {
        !s.uses
            .as_deref()
            .unwrap_or("")
            .contains("autograding-grading-reporter")
    }));
    let save = wf
        .steps
        .iter()
        .find(|s| {
            s.uses
                .as_deref()
                .is_some_and(|u| u.starts_with("actions/cache/save@"))
        })
        .expect("a cache save step");
    // Saved after a miss even when a step failed (any failing check fails the run); not after
    // an exact hit, which holds it already.
    let after = |failed: bool, hit: &str| {
        let cx = Context {
            env: BTreeMap::new(),
            actor: "a-student".into(),
            outputs: [(
                "cache".to_string(),
                [("cache-hit".to_string(), hit.to_string())].into(),
            )]
            .into(),
            failed,
        };
        cx.condition(save.condition.as_deref())
    };
    assert!(after(true, "") && after(true, "false") && after(false, ""));
    assert!(!after(true, "true") && !after(false, "true"));
    // The commit GitHub Classroom makes for a new repository is not graded.
    let ws = tempfile::tempdir().unwrap();
    assert!(run_job(&wf, ws.path(), "github-classroom[bot]").is_none());
}

#[test]
fn a_flagged_full_score_passes_and_posts_its_points() {
    let wf = parse(&std::fs::read_to_string(repo().join(WORKFLOW)).unwrap());
    // The student solves exercise 02 (6/6) and also edits a checks file: a flag, not a failure.
    let ws = workspace(|s| {
        let lib = s.join("exercises/02-wrong-value/src/lib.rs");
        let text = std::fs::read_to_string(&lib).unwrap();
        std::fs::write(&lib, text.replace("    41\n", "    42\n")).unwrap();
        let checks = s.join("grader/checks/answer.rs");
        let text = std::fs::read_to_string(&checks).unwrap();
        std::fs::write(&checks, format!("{text}// mine\n")).unwrap();
    });
    let job = run_job(&wf, ws.path(), "a-student").unwrap();
    assert!(!job.failed, "{:?}\n{}", job.ran, job.stdout);
    let grade = &job.outputs["grade"];
    let (doc, total, max) = reporter_reads(&grade["result"]);
    assert_eq!((total, max), (6, 6), "{doc}");
    assert_eq!(doc["status"], "pass", "{doc}");
    assert_eq!(
        (grade["points"].as_str(), grade["status"].as_str()),
        ("6", "pass")
    );
    // The flag travels: in the result (the reporter prints every test's test_code) and the summary.
    let integrity = doc["tests"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["name"].as_str().unwrap().starts_with("integrity:"))
        .expect("the flags, as a test worth nothing");
    assert_eq!(
        (integrity["status"].as_str(), integrity["score"].as_u64()),
        (Some("pass"), Some(0))
    );
    assert!(
        integrity["test_code"]
            .as_str()
            .unwrap()
            .contains("grader/checks/answer.rs")
    );
    assert!(
        job.summary
            .starts_with("## awaitlings for submission: 6/6 points"),
        "{}",
        job.summary
    );
    assert!(
        job.summary.contains("### Integrity") && job.summary.contains("grader/checks/answer.rs")
    );
    // The points the reporter would have posted, posted by the grader itself.
    assert!(
        job.stdout
            .contains("::notice title=Autograding complete::Points 6/6\n"),
        "{}",
        job.stdout
    );
    assert!(
        job.stdout
            .contains("::notice title=Autograding report::{\"totalPoints\":6,\"maxPoints\":6}\n")
    );
}

#[test]
fn a_failing_check_fails_the_run_after_the_points_are_posted() {
    let wf = parse(&std::fs::read_to_string(repo().join(WORKFLOW)).unwrap());
    // Exercise 02 as handed out: one check fails (4 of 6 points).
    let ws = workspace(|s| {
        std::fs::write(s.join("NOTES.md"), "mine\n").unwrap();
        git(s, &["add", "NOTES.md"]);
    });
    let job = run_job(&wf, ws.path(), "a-student").unwrap();
    assert!(job.failed);
    let (doc, total, max) = reporter_reads(&job.outputs["grade"]["result"]);
    assert_eq!(
        (total, max, doc["status"].as_str()),
        (4, 6, Some("fail")),
        "{doc}"
    );
    assert!(
        job.stdout
            .contains("::notice title=Autograding complete::Points 4/6\n"),
        "{}",
        job.stdout
    );
    assert!(
        job.stdout.contains("::error title=Autograding::4/6 points"),
        "{}",
        job.stdout
    );
    assert!(
        job.summary
            .starts_with("## awaitlings for submission: 4/6 points")
    );
    let (last, ok) = job.ran.last().unwrap();
    assert!(!ok && last == "Every check passed", "{:?}", job.ran);
    // The grade itself worked; only the last step fails the run.
    assert!(
        job.ran.iter().any(|(n, ok)| n == "Grade" && *ok),
        "{:?}",
        job.ran
    );
}
