//! A class graded in shares (`grade --shard K/N`) and put back together (`grader merge`).
//!
//! Which share a submission belongs to is decided over the whole list of submissions the
//! instructor names, so every shard, given the same list, agrees: the names are made unique over
//! the whole list first (`ana`, `ana-2`...), then the submission at position `i` (0-based, in the
//! order given: a shell glob sorts) goes to shard `i mod N + 1`. Round robin by position keeps
//! the shares within one submission of each other, whatever the order of the names.
//!
//! Each shard writes, beside its reports in `--out DIR`, one record `shard-K-of-N.json`: for each
//! of its students the position in the whole list, the name, folder, commit, flags and every
//! result, written as `--format json` writes an exercise (read back with
//! [`crate::report::json::exercise_from`], as the grade cache does). `merge` reads the records
//! back into the [`Student`]s of the whole class, in the order of one run, and prints and writes
//! them with the same code `grade` uses: one run and a merge of shards give the same bytes.

use super::Student;
use crate::build::harness::Variant;
use crate::course::Exercise;
use crate::report::Subject;
use anyhow::{Context, Result, bail};
use serde_json::{Value, json};
use std::path::{Path, PathBuf};

/// The record's format version.
const VERSION: u64 = 1;

/// One share of a class: the `k`th of `n` (1-based).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Shard {
    pub k: usize,
    pub n: usize,
}

impl std::str::FromStr for Shard {
    type Err = String;

    fn from_str(s: &str) -> Result<Shard, String> {
        let bad = || {
            format!(
                "--shard takes K/N, the Kth of N shares with 1 <= K <= N (for example `--shard \
                 2/4`, or `--shard \"$CI_NODE_INDEX/$CI_NODE_TOTAL\"` on GitLab), not `{s}`"
            )
        };
        let (k, n) = s.split_once('/').ok_or_else(bad)?;
        let k: usize = k.trim().parse().map_err(|_| bad())?;
        let n: usize = n.trim().parse().map_err(|_| bad())?;
        if k == 0 || n == 0 || k > n {
            return Err(bad());
        }
        Ok(Shard { k, n })
    }
}

impl Shard {
    /// Whether the submission at `position` (0-based, in the whole list) is this shard's.
    pub fn takes(&self, position: usize) -> bool {
        position % self.n == self.k - 1
    }

    /// The record's file name in the shard's `--out` folder.
    pub fn file_name(&self) -> String {
        format!("shard-{}-of-{}.json", self.k, self.n)
    }
}

/// A fingerprint of the whole list of (unique) names, so a merge can tell that every shard was
/// given the same submissions in the same order.
pub fn roster(names: &[String]) -> String {
    let mut h = sha1_smol::Sha1::new();
    for n in names {
        h.update(n.as_bytes());
        h.update(b"\n");
    }
    h.digest().to_string()
}

/// What one shard did, besides its students: the run's facts a merge checks and prints.
pub struct Facts<'a> {
    pub shard: Shard,
    pub roster: &'a str,
    pub submissions: usize,
    pub seed: u64,
    pub seed_chosen: bool,
    /// Exercises the course could not list, with why (printed below the table).
    pub not_graded: &'a [(String, String)],
    pub wall: std::time::Duration,
    pub kept: usize,
}

/// Writes the shard's record into `dir`. `positions[i]` is the position of `students[i]` in the
/// whole list.
pub fn write(
    dir: &Path,
    facts: &Facts,
    exercises: &[&Exercise],
    students: &[Student],
    positions: &[usize],
) -> Result<PathBuf> {
    let students: Vec<Value> = students
        .iter()
        .zip(positions)
        .map(|(s, &position)| {
            json!({
                "position": position,
                "name": s.name,
                "dir": s.dir.to_string_lossy(),
                "commit": s.subject.commit,
                "flags": s.subject.flags,
                "unusable": s.unusable,
                "exercises": crate::report::json::document(&s.results)["exercises"],
            })
        })
        .collect();
    let record = json!({
        "awaitlings_shard": VERSION,
        "shard": facts.shard.k,
        "of": facts.shard.n,
        "submissions": facts.submissions,
        "roster": facts.roster,
        "seed": facts.seed,
        "seed_chosen": facts.seed_chosen,
        "exercises": exercises.iter().map(|e| e.dir_name()).collect::<Vec<_>>(),
        "not_graded": facts.not_graded.iter().map(|(e, why)| json!({"exercise": e, "why": why})).collect::<Vec<_>>(),
        "wall_ms": facts.wall.as_secs_f64() * 1000.0,
        "kept": facts.kept,
        "students": students,
    });
    let path = dir.join(facts.shard.file_name());
    std::fs::write(&path, serde_json::to_string(&record)?)
        .with_context(|| format!("cannot write {}", path.display()))?;
    Ok(path)
}

/// The whole class, put back together from the shards' records.
pub struct Merged<'c> {
    pub exercises: Vec<&'c Exercise>,
    /// Every student, in the order of the whole list (as one run gives them).
    pub students: Vec<Student>,
    pub not_graded: Vec<(String, String)>,
    /// The longest shard's wall time (the shards ran side by side).
    pub wall: std::time::Duration,
    pub kept: usize,
    /// The seeds the shards drew, when they differ (then the class was not graded as one run).
    pub seeds: Vec<u64>,
}

/// The records found in `dirs` (each holds one or more `shard-K-of-N.json`: a shard's `--out`
/// folder, or one folder the records of every shard were gathered into).
fn records(dirs: &[PathBuf]) -> Result<Vec<(PathBuf, Value)>> {
    let mut out = Vec::new();
    for dir in dirs {
        let entries = std::fs::read_dir(dir).with_context(|| {
            format!(
                "cannot read {}: give merge the --out folders of `grade --shard K/N`",
                dir.display()
            )
        })?;
        let mut found: Vec<PathBuf> = entries
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| {
                p.file_name()
                    .and_then(|n| n.to_str())
                    .is_some_and(|n| n.starts_with("shard-") && n.ends_with(".json"))
            })
            .collect();
        if found.is_empty() {
            bail!(
                "{} holds no shard record (shard-K-of-N.json): give merge the --out folders of \
                 `grade --shard K/N ... --out DIR`",
                dir.display()
            );
        }
        found.sort();
        for path in found {
            let text = std::fs::read_to_string(&path)
                .with_context(|| format!("cannot read {}", path.display()))?;
            let value: Value = serde_json::from_str(&text)
                .with_context(|| format!("{} is not a shard record (not JSON)", path.display()))?;
            if value["awaitlings_shard"].as_u64() != Some(VERSION) {
                bail!(
                    "{} is not a shard record of this grader (version {VERSION}): grade the \
                     shards again with this grader",
                    path.display()
                );
            }
            out.push((path, value));
        }
    }
    Ok(out)
}

/// Reads the shards' records in `dirs` back into one class, checking that they are the shares of
/// one grading: the same list of submissions, the same exercises, every shard once.
pub fn merge<'c>(course: &'c crate::course::Course, dirs: &[PathBuf]) -> Result<Merged<'c>> {
    let records = records(dirs)?;
    check_shares(&records)?;
    let first = &records[0].1;
    let total = first["submissions"].as_u64().unwrap_or(0) as usize;
    let exercises = course.select(&exercise_names(first)).with_context(|| {
        "the shards graded an exercise this course does not have: merge in the course the shards \
         graded with"
    })?;
    let mut slots: Vec<Option<Student>> = (0..total).map(|_| None).collect();
    let mut seeds: Vec<u64> = Vec::new();
    let mut wall = std::time::Duration::ZERO;
    let mut kept = 0;
    for (path, r) in &records {
        let broken = || {
            anyhow::anyhow!(
                "{} is not a shard record this grader can read (a student's entry is \
                 incomplete): grade that shard again",
                path.display()
            )
        };
        if let Some(seed) = r["seed"].as_u64()
            && !seeds.contains(&seed)
        {
            seeds.push(seed);
        }
        wall = wall.max(std::time::Duration::from_secs_f64(
            r["wall_ms"].as_f64().unwrap_or(0.0) / 1000.0,
        ));
        kept += r["kept"].as_u64().unwrap_or(0) as usize;
        for s in r["students"].as_array().ok_or_else(broken)? {
            let (position, student) = student_from(s, &exercises).ok_or_else(broken)?;
            let slot = slots.get_mut(position).ok_or_else(broken)?;
            if slot.is_some() {
                bail!(
                    "{}: two shards graded submission {} ({}): merge the records of one \
                     grading only",
                    path.display(),
                    position + 1,
                    student.name
                );
            }
            *slot = Some(student);
        }
    }
    let students = slots
        .into_iter()
        .enumerate()
        .map(|(i, s)| {
            s.ok_or_else(|| {
                anyhow::anyhow!(
                    "no shard graded submission {} of {total}: its shard's record is incomplete; \
                     grade that shard again",
                    i + 1
                )
            })
        })
        .collect::<Result<Vec<_>>>()?;
    let not_graded = first["not_graded"]
        .as_array()
        .map(|a| {
            a.iter()
                .filter_map(|e| Some((e["exercise"].as_str()?.into(), e["why"].as_str()?.into())))
                .collect()
        })
        .unwrap_or_default();
    Ok(Merged {
        exercises,
        students,
        not_graded,
        wall,
        kept,
        seeds: if seeds.len() > 1 { seeds } else { Vec::new() },
    })
}

/// The exercises a shard's record says it graded.
fn exercise_names(record: &Value) -> Vec<String> {
    record["exercises"]
        .as_array()
        .map(|a| {
            a.iter()
                .filter_map(|e| e.as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default()
}

/// Whether the records are the shares of one grading (the same number of shares, submissions
/// and exercises as the first), each shard's once and none missing.
fn check_shares(records: &[(PathBuf, Value)]) -> Result<()> {
    let (first_path, first) = &records[0];
    let n = first["of"].as_u64().unwrap_or(0) as usize;
    let total = first["submissions"].as_u64().unwrap_or(0) as usize;
    let names = exercise_names(first);
    let mut seen: Vec<Option<&Path>> = vec![None; n];
    for (path, r) in records {
        let differs = |what: &str| {
            anyhow::anyhow!(
                "{} and {} are not shares of one grading: {what} differ. Grade every shard with \
                 the same submissions (in the same order), the same -e options and the same \
                 number of shares, and merge the records of that grading only.",
                first_path.display(),
                path.display()
            )
        };
        if r["of"].as_u64() != Some(n as u64) {
            return Err(differs("their numbers of shares (--shard K/N)"));
        }
        if r["submissions"].as_u64() != Some(total as u64) || r["roster"] != first["roster"] {
            return Err(differs("the submissions they were given"));
        }
        if exercise_names(r) != names {
            return Err(differs("the exercises they graded"));
        }
        let k = r["shard"].as_u64().unwrap_or(0) as usize;
        if k == 0 || k > n {
            bail!("{} names shard {k} of {n}", path.display());
        }
        if let Some(other) = seen[k - 1] {
            bail!(
                "shard {k}/{n} is given twice ({} and {}): merge each shard's record once",
                other.display(),
                path.display()
            );
        }
        seen[k - 1] = Some(path);
    }
    let missing: Vec<String> = (1..=n)
        .filter(|k| seen[k - 1].is_none())
        .map(|k| format!("{k}/{n}"))
        .collect();
    if !missing.is_empty() {
        bail!(
            "shard(s) {} missing: merge needs the record of every shard (shard-K-of-N.json in \
             each shard's --out folder); grade the missing ones, or name their folders too",
            missing.join(", ")
        );
    }
    Ok(())
}

/// One student's entry of a shard record, and their position in the whole list; `None` when the
/// entry is incomplete.
fn student_from(s: &Value, exercises: &[&Exercise]) -> Option<(usize, Student)> {
    let position = s["position"].as_u64()? as usize;
    let name = s["name"].as_str()?.to_string();
    let dir = PathBuf::from(s["dir"].as_str()?);
    let flags: Vec<String> = s["flags"]
        .as_array()?
        .iter()
        .map(|f| f.as_str().map(str::to_string))
        .collect::<Option<_>>()?;
    let docs = s["exercises"].as_array()?;
    if docs.len() != exercises.len() {
        return None;
    }
    let results = exercises
        .iter()
        .zip(docs)
        .map(|(ex, doc)| {
            let mut r = crate::report::json::exercise_from(
                doc,
                ex,
                Variant::Other(dir.join("exercises").join(ex.dir_name())),
            )?;
            // `exercise_from` reads a kept result; this one is the shard's own.
            r.reused = false;
            Some(r)
        })
        .collect::<Option<Vec<_>>>()?;
    let student = Student {
        subject: Subject {
            name: Some(name.clone()),
            commit: s["commit"].as_str().map(str::to_string),
            flags,
        },
        name,
        dir,
        results,
        unusable: s["unusable"].as_str().map(str::to_string),
    };
    Some((position, student))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn k_of_n_is_parsed_and_anything_else_says_what_to_give() {
        assert_eq!("2/4".parse::<Shard>(), Ok(Shard { k: 2, n: 4 }));
        assert_eq!("1/1".parse::<Shard>(), Ok(Shard { k: 1, n: 1 }));
        for bad in ["0/3", "4/3", "3", "a/b", "1/0", "", "/2", "2/"] {
            let e = bad.parse::<Shard>().unwrap_err();
            assert!(e.contains("1 <= K <= N") && e.contains(bad), "{e}");
        }
    }

    #[test]
    fn every_position_goes_to_exactly_one_shard_round_robin() {
        for n in 1..6 {
            let shards: Vec<Shard> = (1..=n).map(|k| Shard { k, n }).collect();
            for position in 0..20 {
                let takers: Vec<usize> = shards
                    .iter()
                    .filter(|s| s.takes(position))
                    .map(|s| s.k)
                    .collect();
                assert_eq!(takers, [position % n + 1]);
            }
        }
    }

    #[test]
    fn the_roster_depends_on_every_name_and_their_order() {
        let a = roster(&["ana".into(), "ben".into()]);
        assert_eq!(a, roster(&["ana".into(), "ben".into()]));
        assert_ne!(a, roster(&["ben".into(), "ana".into()]));
        assert_ne!(a, roster(&["ana".into(), "ben".into(), "cy".into()]));
        assert_ne!(a, roster(&["anab".into(), "en".into()]));
    }
}
