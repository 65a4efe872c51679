//! Pinning a change of the grader's files on the check process that made it.
//!
//! Every check process runs inside [`Guard::run`], which looks at the watched files as soon as
//! the process has ended. A process can only change files while it runs (its process group, and
//! any process that left it, is killed when it ends), so a change seen at the end of process P was
//! made by one of the processes that ran since the last look that found nothing: those still
//! running then, and those started since. They are the suspects. The change is put back at once.
//!
//! - All suspects belong to one exercise of one submission (always so with `--jobs 1`): that one
//!   is charged.
//! - Otherwise nobody is charged yet, and the suspects' results are held back. Once every running
//!   process has ended (no new one starts meanwhile), each suspect is run again alone, looking at
//!   the files after each: one that changes them running alone is charged. One that does not is
//!   never charged: an honest student never is, and a cheat who tampers only sometimes keeps what
//!   their code earned (the output says the grader could not tell who it was).

use super::trusted::Trusted;
use super::{Snapshot, Watched};
use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;
use std::sync::{Mutex, MutexGuard, RwLock};

/// A check process: which target (an exercise of a submission) and which of its checks.
pub type Who = (usize, usize);

/// What a look after a process found.
#[derive(Debug, PartialEq, Eq)]
pub enum After {
    /// Nothing changed.
    Clean,
    /// Something changed, and the suspects were all of one target, now charged.
    Charged(usize),
    /// Something changed while several targets' checks ran: [`Guard::investigate`] must run.
    Unclear,
}

/// One change whose maker is not known yet.
struct Incident {
    changed: Vec<PathBuf>,
    suspects: Vec<Who>,
}

#[derive(Default)]
struct Ledger {
    baseline: Snapshot,
    next: u64,
    running: BTreeMap<u64, Who>,
    /// Processes that ran since the last look that found nothing.
    since_clean: BTreeMap<u64, Who>,
    /// Targets charged, with what their checks changed.
    charged: BTreeMap<usize, Vec<PathBuf>>,
    /// Targets whose results wait for an investigation (how many incidents name them).
    held: BTreeMap<usize, usize>,
    pending: Vec<Incident>,
    /// Whether any change was seen in this run at all.
    tampered: bool,
}

/// Watches the grader's files around every check process of a run.
pub struct Guard {
    watched: Watched,
    trusted: Trusted,
    ledger: Mutex<Ledger>,
    /// Held shared by every running check process, exclusively by an investigation: re-running
    /// suspects one at a time needs nothing else running.
    gate: RwLock<()>,
}

impl Guard {
    /// Notes the watched files as they are now, and keeps their contents (large files as hard
    /// links in `links`, a directory of the state that every run shares: see `trusted`).
    pub fn new(watched: Watched, links: &std::path::Path) -> Guard {
        Guard::keeping(watched, links, None)
    }

    /// [`Guard::new`], keeping the changed content of every file it puts back beneath `aside`.
    pub fn keeping(
        watched: Watched,
        links: &std::path::Path,
        aside: Option<std::path::PathBuf>,
    ) -> Guard {
        let mut trusted = Trusted::keep(&watched.snapshot(), links);
        if let Some(dir) = aside {
            trusted = trusted.set_aside(dir);
        }
        // Noted after the keeping: a hard link made to keep a binary moves the binary's change
        // time, which a baseline noted before it would take for a check's doing.
        let baseline = watched.snapshot();
        Guard {
            watched,
            trusted,
            ledger: Mutex::new(Ledger {
                baseline,
                ..Ledger::default()
            }),
            gate: RwLock::new(()),
        }
    }

    fn ledger(&self) -> MutexGuard<'_, Ledger> {
        // A panic elsewhere while holding the lock leaves the ledger as it was: still usable.
        self.ledger
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Runs `process` (one check process of `who`), then looks at the watched files.
    pub fn run<T>(&self, who: Who, process: impl FnOnce() -> T) -> (T, After) {
        let _shared = self
            .gate
            .read()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let id = {
            let mut l = self.ledger();
            let id = l.next;
            l.next += 1;
            l.running.insert(id, who);
            l.since_clean.insert(id, who);
            id
        };
        let out = process();
        (out, self.look(id))
    }

    /// The look after process `id` ended.
    fn look(&self, id: u64) -> After {
        let mut l = self.ledger();
        l.running.remove(&id);
        let changed = l.baseline.changed(&self.watched.snapshot());
        let suspects: Vec<Who> = l.since_clean.values().copied().collect();
        l.since_clean = l.running.clone();
        if changed.is_empty() {
            return After::Clean;
        }
        l.tampered = true;
        let _ = self.trusted.restore(&changed, &mut l.baseline);
        let targets: BTreeSet<usize> = suspects.iter().map(|&(t, _)| t).collect();
        if targets.len() == 1 {
            let target = suspects[0].0;
            l.charged.entry(target).or_default().extend(changed);
            return After::Charged(target);
        }
        for &t in &targets {
            *l.held.entry(t).or_default() += 1;
        }
        l.pending.push(Incident { changed, suspects });
        After::Unclear
    }

    /// Re-runs the suspects of every pending incident one at a time (`rerun` starts a check
    /// process and waits for it), once nothing else runs, and charges those that change the files
    /// alone. `say` gets a line for the person grading about each step.
    /// `rerun` returns what the run ended as, for the person grading.
    pub fn investigate(&self, rerun: impl Fn(Who) -> String, mut say: impl FnMut(Investigation)) {
        let _alone = self
            .gate
            .write()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let incidents = std::mem::take(&mut self.ledger().pending);
        for incident in incidents {
            let targets: BTreeSet<usize> = incident.suspects.iter().map(|&(t, _)| t).collect();
            say(Investigation::Started {
                changed: incident.changed.clone(),
                suspects: targets.iter().copied().collect(),
            });
            let mut found = Vec::new();
            let mut tried = BTreeSet::new();
            let mut ran = Vec::new();
            let already: Vec<usize> = {
                let l = self.ledger();
                targets
                    .iter()
                    .copied()
                    .filter(|t| l.charged.contains_key(t))
                    .collect()
            };
            for who in incident.suspects.iter().copied() {
                if already.contains(&who.0) || found.contains(&who.0) || !tried.insert(who) {
                    continue;
                }
                ran.push((who, rerun(who)));
                let mut l = self.ledger();
                let changed = l.baseline.changed(&self.watched.snapshot());
                if !changed.is_empty() {
                    let _ = self.trusted.restore(&changed, &mut l.baseline);
                    l.charged.entry(who.0).or_default().extend(changed);
                    found.push(who.0);
                }
            }
            let mut l = self.ledger();
            for t in &targets {
                if let Some(n) = l.held.get_mut(t) {
                    *n -= 1;
                    if *n == 0 {
                        l.held.remove(t);
                    }
                }
            }
            drop(l);
            say(Investigation::Done {
                charged: found,
                already,
                ran,
            });
        }
    }

    /// Whether `target`'s results must wait for an investigation.
    pub fn held(&self, target: usize) -> bool {
        self.ledger().held.contains_key(&target)
    }

    /// What `target`'s checks changed, if it was charged.
    pub fn charged(&self, target: usize) -> Option<Vec<PathBuf>> {
        let mut paths = self.ledger().charged.get(&target)?.clone();
        paths.sort();
        paths.dedup();
        Some(paths)
    }

    /// Whether the watched files changed at all during the run.
    /// Where the changed contents of the files put back were kept, if any were.
    pub fn set_aside(&self) -> Option<&std::path::Path> {
        self.trusted.aside()
    }

    pub fn tampered(&self) -> bool {
        self.ledger().tampered
    }
}

/// What an investigation tells the person grading.
pub enum Investigation {
    /// The files in `changed` changed while checks of these targets ran at once.
    Started {
        changed: Vec<PathBuf>,
        suspects: Vec<usize>,
    },
    /// Run again one at a time, these targets changed the files (none: nobody is charged).
    /// `already`: suspects charged before (for an earlier change), not run again; `ran`: each
    /// check run again, and how it ended.
    Done {
        charged: Vec<usize>,
        already: Vec<usize>,
        ran: Vec<(Who, String)>,
    },
}

#[cfg(test)]
mod tests {
    use super::*;

    fn course() -> (tempfile::TempDir, PathBuf, Guard) {
        let dir = tempfile::tempdir().unwrap();
        let course = dir.path().join("course");
        std::fs::create_dir_all(course.join("grader/checks")).unwrap();
        std::fs::write(course.join("grader/checks/a.rs"), "trusted").unwrap();
        let guard = Guard::new(Watched::new(&course, &[]), &dir.path().join("links"));
        (dir, course.join("grader/checks/a.rs"), guard)
    }

    #[test]
    fn a_change_made_by_the_only_target_running_is_charged_to_it_and_put_back() {
        let (_dir, checks, guard) = course();
        assert_eq!(guard.run((0, 0), || ()).1, After::Clean);
        let ((), after) = guard.run((1, 2), || std::fs::write(&checks, "lenient").unwrap());
        assert_eq!(after, After::Charged(1));
        assert_eq!(std::fs::read_to_string(&checks).unwrap(), "trusted");
        assert_eq!(guard.charged(1), Some(vec![checks.clone()]));
        assert_eq!(guard.charged(0), None);
        assert_eq!(guard.run((2, 0), || ()).1, After::Clean);
    }

    #[test]
    fn keeping_a_large_file_by_a_hard_link_is_not_taken_for_a_change() {
        // A harness binary over the in-memory size is kept by a hard link, which moves its
        // change time: a guard that noted the binary before linking it saw every honest check
        // of exercise 11 change it, re-ran them one at a time and threw the binaries away.
        let (dir, course, bin) = big_binary();
        let guard = Guard::new(Watched::new(&course, &[bin]), &dir.path().join("kept"));
        assert_eq!(guard.run((0, 0), || ()).1, After::Clean);
        assert!(!guard.tampered());
    }

    /// A course, and a harness binary too large to keep in memory, built a moment ago.
    fn big_binary() -> (tempfile::TempDir, PathBuf, PathBuf) {
        let dir = tempfile::tempdir().unwrap();
        let course = dir.path().join("course");
        std::fs::create_dir_all(&course).unwrap();
        let bin = dir.path().join("check-big");
        let size = super::super::trusted::IN_MEMORY + 1;
        std::fs::write(&bin, vec![0u8; usize::try_from(size).unwrap()]).unwrap();
        // The change time must be able to move between the build and a guard's look.
        std::thread::sleep(std::time::Duration::from_millis(20));
        (dir, course, bin)
    }

    #[test]
    fn a_run_that_starts_beside_another_moves_nothing_the_other_watches() {
        // A `watch` and a `check` on one exercise: the second keeps the binary by the link the
        // first made, and the first's checks are not charged with the second's doing.
        let (dir, course, bin) = big_binary();
        let kept = dir.path().join("kept");
        let first = Guard::new(Watched::new(&course, std::slice::from_ref(&bin)), &kept);
        std::thread::sleep(std::time::Duration::from_millis(20));
        let second = Guard::new(Watched::new(&course, std::slice::from_ref(&bin)), &kept);
        assert_eq!(first.run((0, 0), || ()).1, After::Clean);
        assert_eq!(second.run((0, 0), || ()).1, After::Clean);
        assert_eq!(
            std::fs::read_dir(&kept).unwrap().count(),
            1,
            "one link, shared"
        );
        // The shared link keeps the binary for the second run too: replaced, it comes back.
        let ((), after) = second.run((1, 0), || {
            let tmp = dir.path().join("lenient");
            std::fs::write(&tmp, "lenient").unwrap();
            std::fs::rename(&tmp, &bin).unwrap();
        });
        assert_eq!(after, After::Charged(1));
        assert_eq!(
            std::fs::metadata(&bin).unwrap().len(),
            super::super::trusted::IN_MEMORY + 1
        );
        // Once the binary is gone (rebuilt, cleaned), the next keep lets its space go.
        std::fs::remove_file(&bin).unwrap();
        let _third = Guard::new(Watched::new(&course, &[]), &kept);
        assert_eq!(std::fs::read_dir(&kept).unwrap().count(), 0);
    }

    #[test]
    fn with_several_running_only_the_one_that_changes_files_alone_is_charged() {
        let (_dir, checks, guard) = course();
        // Target 1 tampers while target 0 runs beside it.
        let after = std::thread::scope(|s| {
            let (started_tx, started_rx) = std::sync::mpsc::channel();
            let (end_tx, end_rx) = std::sync::mpsc::channel::<()>();
            let honest = s.spawn(|| {
                guard.run((0, 0), move || {
                    started_tx.send(()).unwrap();
                    end_rx.recv().unwrap();
                })
            });
            started_rx.recv().unwrap();
            let ((), after) = guard.run((1, 0), || std::fs::write(&checks, "x").unwrap());
            end_tx.send(()).unwrap();
            honest.join().unwrap();
            after
        });
        assert_eq!(after, After::Unclear);
        assert!(guard.held(0) && guard.held(1));
        let mut said = Vec::new();
        guard.investigate(
            |(t, _)| {
                if t == 1 {
                    std::fs::write(&checks, "again").unwrap();
                }
                String::new()
            },
            |i| {
                if let Investigation::Done { charged, .. } = i {
                    said.push(charged);
                }
            },
        );
        assert_eq!(said, vec![vec![1]]);
        assert_eq!(guard.charged(0), None);
        assert!(guard.charged(1).is_some());
        assert!(!guard.held(0) && !guard.held(1));
        assert_eq!(std::fs::read_to_string(&checks).unwrap(), "trusted");
    }
}
