//! Cargo's JSON messages, turned into what a student needs: the binary, rustc's rendered errors
//! for *their* file (not cargo's noise), and their crate's warnings.

use super::{BuildError, Built, Target, Warning, forbidden, reads};
use serde_json::Value;
use std::path::{Path, PathBuf};

/// Parses cargo's stdout (one JSON message per line).
pub fn parse(stdout: &str) -> Vec<Value> {
    stdout
        .lines()
        .filter_map(|l| serde_json::from_str(l).ok())
        .collect()
}

/// True when cargo got as far as building (it could load the workspace).
pub fn finished(messages: &[Value]) -> bool {
    messages.iter().any(|m| m["reason"] == "build-finished")
}

/// True when the harness binary of `t` was produced.
pub fn built(t: &Target, dir: &Path, messages: &[Value]) -> bool {
    executable(t, dir, messages).is_some()
}

fn executable(t: &Target, dir: &Path, messages: &[Value]) -> Option<PathBuf> {
    executable_of(&dir.join(&t.member), messages)
}

/// The binary cargo built for the workspace member at `member_dir`, if it did.
pub fn executable_of(member_dir: &Path, messages: &[Value]) -> Option<PathBuf> {
    messages.iter().find_map(|m| {
        (m["reason"] == "compiler-artifact" && from(m, member_dir))
            .then(|| m["executable"].as_str().map(PathBuf::from))
            .flatten()
    })
}

/// The result for `t` from one cargo run over the workspace at `dir`, whose libraries (and
/// their dep-info files) are in `deps`.
pub fn outcome(
    t: &Target,
    dir: &Path,
    deps: &Path,
    messages: &[Value],
    stderr: &str,
    shown: &dyn Fn(&str) -> String,
) -> Result<Built, BuildError> {
    let exe = executable(t, dir, messages);
    outcome_with(t, exe, dir, deps, messages, stderr, shown)
}

/// [`outcome`], where the binary that holds `t`'s checks is `exe` when one was built: its own
/// harness, or the bundle of its exercise's designs (see [`super::bundle`]).
pub fn outcome_with(
    t: &Target,
    exe: Option<PathBuf>,
    dir: &Path,
    deps: &Path,
    messages: &[Value],
    stderr: &str,
    shown: &dyn Fn(&str) -> String,
) -> Result<Built, BuildError> {
    // First what rustc read, built or not: a crate that read a file outside itself gets no
    // compile error, warning or check of its own shown, any of which could show that file.
    let read = match library(t, messages).and_then(|lib| reads::of_library(&lib)) {
        Some(info) => info,
        None => reads::of_package(deps, &t.package()),
    };
    let outside = reads::outside(&read, &t.stage_dir);
    if !outside.is_empty() {
        return Err(BuildError::DoesNotCompile(reads::message(&outside, shown)));
    }
    let warnings = warnings(t, messages, shown);
    if let Some(bin) = exe {
        let Some(sources) = library(t, messages).and_then(|lib| forbidden::sources(&lib)) else {
            // Never run a harness whose crate was not searched for what the lint misses.
            return Err(BuildError::Broken(format!(
                "cargo built the checks, but the grader cannot tell which files rustc read for {} \
                 (no dep-info beside its library), so it will not run them. Run the command again; \
                 if this persists, delete the grader's state directory.",
                t.shown
            )));
        };
        let found = forbidden::scan(&sources);
        if !found.is_empty() {
            return Err(BuildError::DoesNotCompile(forbidden::message(
                &found, shown,
            )));
        }
        return Ok(Built { bin, warnings });
    }
    let errors_of = |krate: &Path| -> Vec<String> {
        messages
            .iter()
            .filter(|m| m["reason"] == "compiler-message" && from(m, krate))
            .filter(|m| m["message"]["level"] == "error")
            .filter_map(|m| m["message"]["rendered"].as_str())
            .map(shown)
            .collect()
    };
    let own = errors_of(&t.stage_dir);
    if !own.is_empty() {
        let intro = if needs_unsafe(t, messages) {
            format!("{}\n\n", forbidden::UNSAFE_FORBIDDEN)
        } else {
            String::new()
        };
        return Err(BuildError::DoesNotCompile(intro + &own.join("")));
    }
    // The checks themselves, and with a facade, the facade and the checks library, built
    // apart: a changed signature shows where the facade's `bind!` calls the crate.
    let mut checks = errors_of(&dir.join(&t.member));
    if let Some(f) = &t.facade {
        checks.extend(errors_of(&f.dir));
        checks.extend(errors_of(&f.checks_dir));
    }
    if !checks.is_empty() {
        // rustc points at the generated `bind!(code)`, which the student never wrote: after its
        // words, say where the functions and types the checks expect are written out.
        let mut text = checks.join("");
        if t.facade.is_some() {
            text.push_str(&format!(
                "The checks reach your crate through grader/checks/facade/{}.rs,\nwhich writes out \
                 each function and type they use, as the stub gives it: compare yours with it.\n",
                t.exercise.slug
            ));
        }
        return Err(BuildError::ChecksDoNotCompile(text));
    }
    Err(BuildError::Broken(shown(&tail(stderr, 40))))
}

/// Whether the build script of `t`'s crate under test (always the course's: see
/// [`crate::build::stage`]) was built but never reported as finished: it was running, or next in line to
/// run, when cargo was stopped.
pub fn build_script_unfinished(t: &Target, messages: &[Value]) -> bool {
    let compiled = messages.iter().any(|m| {
        m["reason"] == "compiler-artifact"
            && from(m, &t.stage_dir)
            && m["target"]["kind"]
                .as_array()
                .is_some_and(|kinds| kinds.iter().any(|k| k == "custom-build"))
    });
    compiled
        && !messages
            .iter()
            .any(|m| m["reason"] == "build-script-executed" && from(m, &t.stage_dir))
}

/// The library cargo built for the crate under test (its `.rlib` or `.rmeta`).
fn library(t: &Target, messages: &[Value]) -> Option<PathBuf> {
    library_of(&t.stage_dir, messages)
}

/// The library cargo built for the package at `krate` (its `.rlib` or `.rmeta`), if it did.
pub fn library_of(krate: &Path, messages: &[Value]) -> Option<PathBuf> {
    messages
        .iter()
        .filter(|m| m["reason"] == "compiler-artifact" && from(m, krate))
        .filter_map(|m| m["filenames"].as_array())
        .flatten()
        .filter_map(Value::as_str)
        .find(|f| f.ends_with(".rlib") || f.ends_with(".rmeta"))
        .map(PathBuf::from)
}

/// Whether rustc rejected the crate under test for unsafe code: the `unsafe_code` lint, or an
/// `allow` of it against the grader's `forbid` (E0453).
fn needs_unsafe(t: &Target, messages: &[Value]) -> bool {
    messages
        .iter()
        .filter(|m| m["reason"] == "compiler-message" && from(m, &t.stage_dir))
        .filter(|m| m["message"]["level"] == "error")
        .any(|m| {
            matches!(
                m["message"]["code"]["code"].as_str(),
                Some("unsafe_code" | "E0453")
            )
        })
}

/// The crate under test's own warnings.
fn warnings(t: &Target, messages: &[Value], shown: &dyn Fn(&str) -> String) -> Vec<Warning> {
    warnings_of(&t.stage_dir, messages, shown)
}

/// The warnings of the package at `krate`.
pub fn warnings_of(
    krate: &Path,
    messages: &[Value],
    shown: &dyn Fn(&str) -> String,
) -> Vec<Warning> {
    messages
        .iter()
        .filter(|m| m["reason"] == "compiler-message" && from(m, krate))
        .filter(|m| m["message"]["level"] == "warning")
        .filter_map(|m| {
            let rendered = m["message"]["rendered"].as_str()?;
            // "N warnings emitted" summaries have no code and no span.
            if m["message"]["spans"]
                .as_array()
                .is_none_or(std::vec::Vec::is_empty)
            {
                return None;
            }
            Some(Warning {
                lint: m["message"]["code"]["code"].as_str().map(str::to_owned),
                rendered: shown(rendered),
            })
        })
        .collect()
}

fn from(m: &Value, krate: &Path) -> bool {
    m["package_id"]
        .as_str()
        .and_then(package_dir)
        .is_some_and(|d| same_dir(&d, krate))
}

/// The last `lines` lines of cargo's stderr, without its progress lines.
pub fn tail(text: &str, lines: usize) -> String {
    let all: Vec<&str> = text
        .lines()
        .filter(|l| !l.trim_start().starts_with("Compiling"))
        .collect();
    all[all.len().saturating_sub(lines)..].join("\n")
}

/// The directory of a path package, from a cargo package id: `path+file:///a/b#name@0.1.0`
/// (cargo 1.77+) or `name 0.1.0 (path+file:///a/b)` (older).
fn package_dir(id: &str) -> Option<PathBuf> {
    let start = id.find("path+file://")? + "path+file://".len();
    let rest = &id[start..];
    let end = rest.find(['#', ')']).unwrap_or(rest.len());
    Some(PathBuf::from(percent_decode(&rest[..end])))
}

fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%'
            && let Some(b) = s
                .get(i + 1..i + 3)
                .and_then(|h| u8::from_str_radix(h, 16).ok())
        {
            out.push(b);
            i += 3;
            continue;
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn same_dir(a: &Path, b: &Path) -> bool {
    a == b
        || a.canonicalize()
            .ok()
            .is_some_and(|a| b.canonicalize().ok() == Some(a))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn target(stage_dir: &str) -> Target {
        super::super::sample_target(
            "check-loops-student-abc",
            super::super::Variant::Student,
            stage_dir,
        )
    }

    #[test]
    fn a_build_script_built_but_not_reported_finished_is_unfinished() {
        let t = target("/s/code");
        let script = serde_json::json!({
            "reason": "compiler-artifact",
            "package_id": "path+file:///s/code#code@0.1.0",
            "target": {"kind": ["custom-build"]},
        });
        let ran = serde_json::json!({
            "reason": "build-script-executed",
            "package_id": "path+file:///s/code#code@0.1.0",
        });
        let other = serde_json::json!({
            "reason": "compiler-artifact",
            "package_id": "path+file:///s/other#other@0.1.0",
            "target": {"kind": ["custom-build"]},
        });
        assert!(build_script_unfinished(&t, std::slice::from_ref(&script)));
        assert!(!build_script_unfinished(&t, &[script, ran]));
        // Another crate's build script, or none at all, says nothing about this one.
        assert!(!build_script_unfinished(&t, &[other]));
        assert!(!build_script_unfinished(&t, &[]));
    }

    #[test]
    fn package_ids_of_both_cargo_formats_give_the_directory() {
        assert_eq!(
            package_dir("path+file:///a/my%20dir/x#x@0.1.0"),
            Some(PathBuf::from("/a/my dir/x"))
        );
        assert_eq!(
            package_dir("x 0.1.0 (path+file:///a/b/x)"),
            Some(PathBuf::from("/a/b/x"))
        );
        assert_eq!(
            package_dir("registry+https://github.com/rust-lang/crates.io-index#tokio@1.0.0"),
            None
        );
    }
}
