//! The edition's Cargo.lock: the course's, without the packages of the members the edition drops
//! and whatever only they used, written as cargo writes it, so that `cargo ... --locked` works in
//! the edition (cargo refuses a lock file it would write differently).
//!
//! Deterministic and offline: no cargo run, no registry. The course's lock file was written by
//! cargo for a workspace that is the edition's plus the dropped members, so the edition's is that
//! resolve with those members and what only they reach taken out. The rest is kept line for line;
//! a dependency is respelled only where cargo would now spell it shorter (`name` once a name has
//! one version left, `name version` once a version has one source).

use anyhow::{Context, Result, bail};
use std::collections::BTreeSet;

/// One `[[package]]` entry: its text, and what it says.
struct Package {
    lines: Vec<String>,
    name: String,
    version: String,
    source: Option<String>,
    dependencies: Vec<String>,
}

/// `lock` without the packages named in `removed` and those nothing else reaches.
pub fn prune(lock: &str, removed: &[String]) -> Result<String> {
    let (header, packages, tail) = parse(lock)?;
    // What is left to resolve: every path package (the workspace's own crates) that stays.
    let mut keep: BTreeSet<usize> = BTreeSet::new();
    let mut todo: Vec<usize> = packages
        .iter()
        .enumerate()
        .filter(|(_, p)| p.source.is_none() && !removed.contains(&p.name))
        .map(|(i, _)| i)
        .collect();
    while let Some(i) = todo.pop() {
        if !keep.insert(i) {
            continue;
        }
        for dep in &packages[i].dependencies {
            let j = find(&packages, dep)
                .with_context(|| format!("Cargo.lock: `{dep}` is no package it lists"))?;
            todo.push(j);
        }
    }
    let kept: Vec<&Package> = keep.iter().map(|&i| &packages[i]).collect();
    let mut out = header;
    for (n, p) in kept.iter().enumerate() {
        for line in &p.lines {
            match dependency_line(line) {
                Some(dep) => {
                    let target = &packages[find(&packages, dep).expect("checked above")];
                    out.push_str(&format!(" \"{}\",\n", spelled(&kept, target)));
                }
                None => {
                    out.push_str(line);
                    out.push('\n');
                }
            }
        }
        if n + 1 < kept.len() || !tail.is_empty() {
            out.push('\n');
        }
    }
    out.push_str(&tail);
    Ok(out)
}

/// The header (up to the first package), the packages, and whatever follows them.
fn parse(lock: &str) -> Result<(String, Vec<Package>, String)> {
    let mut header = String::new();
    let mut blocks: Vec<Vec<String>> = Vec::new();
    let mut tail = String::new();
    for line in lock.lines() {
        if line == "[[package]]" {
            blocks.push(vec![line.to_string()]);
        } else if line.starts_with('[') || !tail.is_empty() {
            tail.push_str(line);
            tail.push('\n');
        } else if let Some(block) = blocks.last_mut() {
            if !line.is_empty() {
                block.push(line.to_string());
            }
        } else {
            header.push_str(line);
            header.push('\n');
        }
    }
    let mut packages = Vec::new();
    for lines in blocks {
        let table: toml::Table = toml::from_str(&lines[1..].join("\n"))
            .with_context(|| format!("Cargo.lock: cannot read the entry `{}`", lines.join(" ")))?;
        let get = |key: &str| table.get(key).and_then(|v| v.as_str()).map(str::to_string);
        let Some(name) = get("name") else {
            bail!("Cargo.lock: an entry has no name: {}", lines.join(" "));
        };
        packages.push(Package {
            version: get("version").unwrap_or_default(),
            source: get("source"),
            dependencies: table
                .get("dependencies")
                .and_then(|d| d.as_array())
                .map(|a| {
                    a.iter()
                        .filter_map(|v| v.as_str().map(str::to_string))
                        .collect()
                })
                .unwrap_or_default(),
            name,
            lines,
        });
    }
    Ok((header, packages, tail))
}

/// The dependency a line of a `dependencies = [...]` list names.
fn dependency_line(line: &str) -> Option<&str> {
    line.strip_prefix(" \"")?.strip_suffix("\",")
}

/// The package a dependency names: `name`, `name version` or `name version (source)`.
fn find(packages: &[Package], dep: &str) -> Option<usize> {
    let mut parts = dep.splitn(3, ' ');
    let name = parts.next()?;
    let version = parts.next();
    let source = parts
        .next()
        .map(|s| s.trim_start_matches('(').trim_end_matches(')'));
    let matching: Vec<usize> = packages
        .iter()
        .enumerate()
        .filter(|(_, p)| {
            p.name == name
                && version.is_none_or(|v| p.version == v)
                && source.is_none_or(|s| p.source.as_deref() == Some(s))
        })
        .map(|(i, _)| i)
        .collect();
    (matching.len() == 1).then(|| matching[0])
}

/// How cargo names `p` in a dependency list of `packages`: as briefly as is unambiguous.
fn spelled(packages: &[&Package], p: &Package) -> String {
    let same_name = packages.iter().filter(|q| q.name == p.name).count();
    if same_name <= 1 {
        return p.name.clone();
    }
    let same_version = packages
        .iter()
        .filter(|q| q.name == p.name && q.version == p.version)
        .count();
    match (&p.source, same_version) {
        (Some(source), n) if n > 1 => format!("{} {} ({source})", p.name, p.version),
        _ => format!("{} {}", p.name, p.version),
    }
}

#[cfg(test)]
mod tests {
    use super::prune;

    const LOCK: &str = r#"# This file is automatically @generated by Cargo.
# It is not intended for manual editing.
version = 4

[[package]]
name = "app"
version = "0.1.0"
dependencies = [
 "tokio",
]

[[package]]
name = "app-solution"
version = "0.1.0"
dependencies = [
 "rand",
 "tokio",
]

[[package]]
name = "rand"
version = "0.8.5"
source = "registry+https://github.com/rust-lang/crates.io-index"
checksum = "aaaa"

[[package]]
name = "tokio"
version = "1.47.0"
source = "registry+https://github.com/rust-lang/crates.io-index"
checksum = "bbbb"
"#;

    #[test]
    fn drops_the_removed_members_and_what_only_they_use() {
        let pruned = prune(LOCK, &["app-solution".into()]).unwrap();
        assert!(!pruned.contains("app-solution"), "{pruned}");
        assert!(
            !pruned.contains("rand"),
            "only the solution used it:\n{pruned}"
        );
        assert!(pruned.contains("name = \"tokio\"") && pruned.contains(" \"tokio\",\n"));
        // The rest is as cargo wrote it: blocks apart by one blank line, one newline at the end.
        assert!(pruned.starts_with("# This file is automatically @generated by Cargo."));
        assert!(!pruned.contains("\n\n\n") && pruned.ends_with("checksum = \"bbbb\"\n"));
        assert_eq!(
            prune(LOCK, &[]).unwrap(),
            LOCK,
            "nothing removed, nothing changed"
        );
    }

    #[test]
    fn a_name_left_with_one_version_is_spelled_by_name_alone() {
        let lock = LOCK
            .replace(" \"rand\",\n", " \"rand 0.8.5\",\n")
            .replace(" \"tokio\",\n", " \"tokio\",\n \"rand 0.9.0\",\n")
            + "\n[[package]]\nname = \"rand\"\nversion = \"0.9.0\"\nsource = \"registry+https://github.com/rust-lang/crates.io-index\"\nchecksum = \"cccc\"\n";
        let pruned = prune(&lock, &["app-solution".into()]).unwrap();
        assert!(pruned.contains(" \"rand\",\n"), "{pruned}");
        assert!(!pruned.contains("0.8.5"), "{pruned}");
    }
}
