//! What rustc read to compile a crate under test: only the crate's own files, and only the
//! environment variables cargo sets for it.
//!
//! The compiler runs as the grader's user, outside any sandbox, so at compile time a crate can
//! read any file the grader can: `include_str!`, `include_bytes!`, `include!` and `#[path]`
//! accept any path, absolute or `../`-relative from the staged copy, which lies in the grader's
//! state directory beside the staged hidden checks (and, by default, inside the trusted
//! course). Whatever it read could then reach the student's own report: said in a transcript,
//! put in a panic message, or shown by rustc in a compile error. `env!` and `option_env!` read
//! the grader's environment the same way (an instructor's tokens, a CI secret).
//!
//! rustc lists every file and environment variable it read in its dep-info file, even when the
//! build fails. So before a harness may run, and before any compile error is shown, the grader
//! reads that list and refuses a crate that read a file outside its own staged crate (its
//! `src/` and the student's other files beside it, never the grader's manifest, the course's
//! build script or build output), or an environment variable cargo did not set for it. The
//! refusal names what was read, never what it holds.

use std::path::{Component, Path, PathBuf};

/// The first words of the report for such a crate: the rule, so the student learns it.
pub const READS_OUTSIDE: &str = "Your code reads something outside its own crate while it \
     compiles, which the grader forbids: `include_str!`, `include_bytes!`, `include!` and \
     `#[path]` may only name files of your exercise's crate (its `src/` folder), and `env!` or \
     `option_env!` only the variables cargo sets for it (`CARGO_PKG_NAME`...). Put what you need \
     in your crate's `src/`, or write it in your code.";

/// What a dep-info file lists: the files read, and the environment variables looked up.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct DepInfo {
    pub files: Vec<PathBuf>,
    pub env: Vec<String>,
}

/// The dep-info file beside a library cargo reports (`deps/lib<crate>-<hash>.rlib` has
/// `deps/<crate>-<hash>.d`). `None` when there is no such file.
pub fn of_library(artifact: &Path) -> Option<DepInfo> {
    let stem = artifact.file_stem()?.to_str()?;
    let name = stem.strip_prefix("lib").unwrap_or(stem);
    let text = std::fs::read_to_string(artifact.with_file_name(format!("{name}.d"))).ok()?;
    Some(parse(&text))
}

/// Every dep-info file of the library crate `package` in `deps` (one per build configuration,
/// `deps/<crate>-<hash>.d`), merged: for a build that failed, where cargo names no artifact.
/// rustc writes it once macros are expanded, before type checking, so a crate that failed to
/// compile still says what it read.
pub fn of_package(deps: &Path, package: &str) -> DepInfo {
    let prefix = format!("{}-", package.replace('-', "_"));
    let mut all = DepInfo::default();
    let Ok(entries) = std::fs::read_dir(deps) else {
        return all;
    };
    for entry in entries.filter_map(std::result::Result::ok) {
        let name = entry.file_name();
        let name = name.to_string_lossy();
        let Some(hash) = name
            .strip_prefix(&prefix)
            .and_then(|rest| rest.strip_suffix(".d"))
        else {
            continue;
        };
        // `<crate>-<hash>.d` only: the hash is hex, so a longer package name never matches.
        if hash.is_empty() || !hash.chars().all(|c| c.is_ascii_hexdigit()) {
            continue;
        }
        if let Ok(text) = std::fs::read_to_string(entry.path()) {
            let one = parse(&text);
            all.files.extend(one.files);
            all.env.extend(one.env);
        }
    }
    all
}

/// A Makefile-style dep-info: each input has a rule of its own with no prerequisites
/// (`path:`), after the rules for the outputs; spaces in paths are escaped (`\ `). Environment
/// variables are notes: `# env-dep:NAME=value`, or `# env-dep:NAME` when it was not set.
pub fn parse(text: &str) -> DepInfo {
    let mut info = DepInfo::default();
    for line in text.lines() {
        if let Some(var) = line.strip_prefix("# env-dep:") {
            let name = var.split_once('=').map_or(var, |(name, _)| name);
            info.env.push(name.to_string());
        } else if line.starts_with('#') {
            continue;
        } else if let Some(path) = line.strip_suffix(':') {
            info.files.push(PathBuf::from(path.replace("\\ ", " ")));
        }
    }
    info
}

/// What of `info` a crate staged at `stage_dir` may not read: files outside the student's own
/// files there (as paths without `..` detours), then environment variables cargo does not set.
pub fn outside(info: &DepInfo, stage_dir: &Path) -> Vec<String> {
    outside_all(info, &[stage_dir])
}

/// [`outside`], for a crate whose files may lie in any of `stage_dirs` (a bundle's merged
/// designs, see `super::merge`).
pub fn outside_all(info: &DepInfo, stage_dirs: &[&Path]) -> Vec<String> {
    let dirs: Vec<PathBuf> = stage_dirs.iter().map(|d| tidy(d)).collect();
    let mut found: Vec<String> = Vec::new();
    for file in &info.files {
        if !dirs.iter().any(|d| own_file(&tidy(file), d)) {
            found.push(format!("the file {}", tidy(file).display()));
        }
    }
    for name in &info.env {
        if !set_by_cargo(name) {
            found.push(format!("the environment variable {name}"));
        }
    }
    found.sort();
    found.dedup();
    found
}

/// The report for a crate that read what it may not: the rule, then what it read, and none
/// of rustc's own messages, which could show what the files hold.
pub fn message(found: &[String], shown: &dyn Fn(&str) -> String) -> String {
    let mut text = format!("{READS_OUTSIDE}\n\n");
    for what in found {
        text.push_str(&format!("error: your code reads {}\n", shown(what)));
    }
    text
}

/// Whether `file` is one the student's crate brought: below the staged crate, and not what the
/// grader put there itself (the manifest it wrote, the course's build script) nor build output.
/// Staging copies regular files only, never a link, so a path below the staged crate is a file
/// of the crate.
fn own_file(file: &Path, stage_dir: &Path) -> bool {
    let Ok(rel) = file.strip_prefix(stage_dir) else {
        return false;
    };
    let Some(Component::Normal(first)) = rel.components().next() else {
        return false;
    };
    let first = first.to_string_lossy();
    !(first.starts_with('.')
        || ["Cargo.toml", "Cargo.lock", "build.rs", "target"].contains(&first.as_ref()))
}

/// The variables cargo sets when it compiles a crate (the Cargo book's "Environment variables
/// Cargo sets for crates"), which say nothing of the grader's environment. `OUT_DIR` is the
/// course's build script's, when it has one.
fn set_by_cargo(name: &str) -> bool {
    name.starts_with("CARGO_PKG_")
        || matches!(
            name,
            "CARGO"
                | "CARGO_MANIFEST_DIR"
                | "CARGO_MANIFEST_PATH"
                | "CARGO_CRATE_NAME"
                | "CARGO_BIN_NAME"
                | "CARGO_PRIMARY_PACKAGE"
                | "CARGO_TARGET_TMPDIR"
                | "CARGO_RUSTC_CURRENT_DIR"
                | "OUT_DIR"
        )
}

/// `src/../x` as `x`, lexically: rustc names an included file through the includer's folder.
/// (Lexical is right below a staged crate, which holds no links.)
pub fn tidy(path: &Path) -> PathBuf {
    let mut tidy = PathBuf::new();
    for part in path.components() {
        match part {
            Component::CurDir => {}
            Component::ParentDir
                if matches!(tidy.components().next_back(), Some(Component::Normal(_))) =>
            {
                tidy.pop();
            }
            other => tidy.push(other),
        }
    }
    tidy
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dep_info_gives_files_and_variables_without_values() {
        let text = "/t/deps/x-1.d: /s/src/lib.rs /s/src/my\\ mod.rs\n\n\
                    /s/src/lib.rs:\n/s/src/my\\ mod.rs:\n\n\
                    # env-dep:HOME=/h\n# env-dep:UNSET\n";
        assert_eq!(
            parse(text),
            DepInfo {
                files: vec![
                    PathBuf::from("/s/src/lib.rs"),
                    PathBuf::from("/s/src/my mod.rs")
                ],
                env: vec!["HOME".into(), "UNSET".into()],
            }
        );
    }

    #[test]
    fn only_the_crates_own_files_and_cargos_variables_may_be_read() {
        let stage = Path::new("/state/stage/t/check-x-student-t");
        let info = DepInfo {
            files: vec![
                stage.join("src/lib.rs"),
                stage.join("src/../early.in"),
                stage.join("src/../../checks/hidden/x.rs"),
                stage.join("src/../build.rs"),
                stage.join("src/../Cargo.toml"),
                PathBuf::from("/course/solutions/01-x/src/lib.rs"),
            ],
            env: vec![
                "CARGO_PKG_NAME".into(),
                "CARGO_MANIFEST_DIR".into(),
                "GITHUB_TOKEN".into(),
            ],
        };
        assert_eq!(
            outside(&info, stage),
            vec![
                "the environment variable GITHUB_TOKEN".to_string(),
                "the file /course/solutions/01-x/src/lib.rs".to_string(),
                "the file /state/stage/t/check-x-student-t/Cargo.toml".to_string(),
                "the file /state/stage/t/check-x-student-t/build.rs".to_string(),
                "the file /state/stage/t/checks/hidden/x.rs".to_string(),
            ]
        );
    }

    #[test]
    fn paths_are_shown_without_detours() {
        assert_eq!(
            tidy(Path::new("/s/x/src/./../early.in")),
            PathBuf::from("/s/x/early.in")
        );
        assert_eq!(tidy(Path::new("../a/b")), PathBuf::from("../a/b"));
    }

    #[test]
    fn every_dep_info_of_a_package_is_read_and_no_other() {
        let deps = tempfile::tempdir().unwrap();
        let d = deps.path();
        std::fs::write(d.join("code_check_x_student_t-0a1b.d"), "/a.rs:\n").unwrap();
        std::fs::write(
            d.join("code_check_x_student_t-ff00.d"),
            "/b.rs:\n# env-dep:K=v\n",
        )
        .unwrap();
        std::fs::write(d.join("code_check_x_student_t_more-0a1b.d"), "/c.rs:\n").unwrap();
        std::fs::write(d.join("code_check_x_student_t-0a1b.rmeta"), "").unwrap();
        let mut info = of_package(d, "code-check-x-student-t");
        info.files.sort();
        assert_eq!(
            info.files,
            vec![PathBuf::from("/a.rs"), PathBuf::from("/b.rs")]
        );
        assert_eq!(info.env, vec!["K".to_string()]);
    }
}
