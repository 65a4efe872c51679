//! Which check process starts next, and how many run at once.
//!
//! Most checks compute (under paused time a check takes milliseconds of CPU), so they start one
//! per CPU (`--jobs`). A few spend seconds waiting on the real clock on purpose: exercise 10's jobs
//! hold their threads with `std::thread::sleep`, the slow disk sleeps a second, real sockets wait
//! for each other (`Check::waits`). Given a CPU's turn, such a check would keep that CPU idle for
//! seconds. So extra workers take only waiting checks, beside the computing ones, and a CPU's
//! worker takes waiting checks only when no computing check is left. With `--jobs 1`, checks run
//! one at a time, as asked.
//!
//! Which check waits is not always known beforehand: a wrong solution that calls
//! `std::thread::sleep` holds its check for the monitor's whole patience (300 ms) using no CPU,
//! and verify runs dozens of them. So a computing check holds its CPU's turn only while it is
//! young ([`YOUNG`]): most end within a few milliseconds, and one that runs longer lets a second
//! worker of its CPU start the next check (the [`Gate`]). At most two computing checks per CPU
//! then run at once (beside the waiting ones); a long one that computes meanwhile shares its core
//! with one other, which the monitor tells from stalling (it counts the time the thread waited
//! for a core). The gate keeps no queue: a worker that loses the race for a turn tries again at
//! the next ending or coming of age, a few milliseconds later.

use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Condvar, Mutex, PoisonError};
use std::time::{Duration, Instant};

/// Workers for waiting checks, per CPU worker, on a machine with cores to spare: a waiting
/// check uses about 1% of a CPU, and exercise 10's verify alone has over a hundred of them per
/// seed (its 28 variants' sleeping jobs and slow disk). At 3 per CPU they queued behind each
/// other: `verify 10` took 63 s, and 13 s at 20.
const WAITING_PER_CPU: usize = 20;

/// The same on a machine already busier than its cores ([`crowded`]). Some waiting checks compute
/// first (04's named pipe: milliseconds, then seconds of patience for wrong code), and forty of
/// them at once beside 8 busy loops on 2 cores starved a runtime thread before its watch saw the
/// stretch begin: `bench/verify_under_load.py` then called 04's `forgot-to-await-sleep` blocked,
/// not never-waited, in 1 run of 2. This is the number every earlier run under load was proved
/// with.
const WAITING_PER_CPU_CROWDED: usize = 3;
/// At most this many waiting workers, whatever the CPUs: each is a check process with its own
/// runtime and memory, and a class's 200 copies of exercise 10 must not start hundreds at once.
const WAITING_MAX: usize = 64;

/// How long a computing check holds its CPU's turn before the next may start beside it. Under
/// paused time a check takes milliseconds (the median of a whole verify: 4 ms); what runs longer
/// mostly waits: a wrong solution asleep until the monitor calls it blocked, a check that gives
/// another thread a moment of the real clock. `verify 01` took 3.6 s with each CPU's turn held
/// to the end, and 1.1 s with checks four per CPU.
pub const YOUNG: Duration = Duration::from_millis(50);

/// One check process to start: check `check` of target `target`, with the harness `bin`.
#[derive(Clone, Debug)]
pub struct Job {
    pub target: usize,
    pub check: usize,
    pub bin: PathBuf,
    /// The check mostly waits on the real clock (see the module's doc).
    pub waits: bool,
}

/// Hands out `jobs` to workers, in their order within each kind.
pub struct Scheduler<'a> {
    jobs: &'a [Job],
    computing: Vec<usize>,
    waiting: Vec<usize>,
    next_computing: AtomicUsize,
    next_waiting: AtomicUsize,
}

impl<'a> Scheduler<'a> {
    pub fn new(jobs: &'a [Job]) -> Scheduler<'a> {
        let (waiting, computing) = (0..jobs.len()).partition(|&i| jobs[i].waits);
        Scheduler {
            jobs,
            computing,
            waiting,
            next_computing: AtomicUsize::new(0),
            next_waiting: AtomicUsize::new(0),
        }
    }

    /// The workers to start for `cpus` CPUs (at least one, never more than jobs) on a machine that
    /// is `crowded` or not (see [`crowded`]): how many take computing checks, and how many in all.
    /// Two per CPU take computing checks (see [`Gate`]), one on a crowded machine, where the
    /// machine's own load already keeps every core busy.
    pub fn workers(&self, cpus: usize, crowded: bool) -> Workers {
        let (per_cpu, computing) = if crowded {
            (WAITING_PER_CPU_CROWDED, cpus)
        } else {
            (WAITING_PER_CPU, 2 * cpus)
        };
        let (extra, computing) = if cpus > 1 {
            (
                (per_cpu * cpus).min(WAITING_MAX).min(self.waiting.len()),
                computing.min(self.computing.len()).max(cpus),
            )
        } else {
            (0, 1)
        };
        Workers {
            computing,
            all: (computing + extra).min(self.jobs.len()).max(1),
        }
    }

    /// The next job for worker `worker` (workers `0..computing` take computing checks first), or
    /// `None` when none is left for it.
    pub fn next(&self, worker: usize, computing: usize) -> Option<&'a Job> {
        if worker < computing
            && let Some(job) = self.take(&self.computing, &self.next_computing)
        {
            return Some(job);
        }
        self.take(&self.waiting, &self.next_waiting)
    }

    fn take(&self, kind: &[usize], cursor: &AtomicUsize) -> Option<&'a Job> {
        let jobs = self.jobs;
        kind.get(cursor.fetch_add(1, Ordering::SeqCst))
            .map(|&i| &jobs[i])
    }
}

/// How many workers a run starts (see [`Scheduler::workers`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Workers {
    /// Workers `0..computing` take computing checks while any is left.
    pub computing: usize,
    /// Workers in all: the rest take only waiting checks.
    pub all: usize,
}

/// Lets a computing check start only while fewer than `cpus` others are [`YOUNG`]: each CPU runs
/// one check at a time, except beside a check that has already run for longer than most take.
pub struct Gate {
    cpus: usize,
    /// [`YOUNG`], but for tests.
    young: Duration,
    /// When each running computing check started.
    started: Mutex<Vec<Instant>>,
    ended: Condvar,
}

/// A running computing check's place at the [`Gate`], given back when dropped.
pub struct Admitted<'a> {
    gate: &'a Gate,
    at: Instant,
}

impl Gate {
    pub fn new(cpus: usize) -> Gate {
        Gate::aging(cpus, YOUNG)
    }

    fn aging(cpus: usize, young: Duration) -> Gate {
        Gate {
            cpus: cpus.max(1),
            young,
            started: Mutex::new(Vec::new()),
            ended: Condvar::new(),
        }
    }

    /// Waits until fewer than `cpus` running checks are young, and counts this one in.
    pub fn enter(&self) -> Admitted<'_> {
        let mut started = self.started.lock().unwrap_or_else(PoisonError::into_inner);
        loop {
            let now = Instant::now();
            // How long each running check has left to be young (none: it has come of age).
            let left = started
                .iter()
                .map(|&at| (at + self.young).saturating_duration_since(now))
                .filter(|left| !left.is_zero());
            let (young, wait) = left.fold((0, self.young), |(n, soonest), left| {
                (n + 1, soonest.min(left))
            });
            if young < self.cpus {
                started.push(now);
                return Admitted {
                    gate: self,
                    at: now,
                };
            }
            // Until the oldest young check comes of age, or any check ends.
            started = self
                .ended
                .wait_timeout(started, wait.max(Duration::from_millis(1)))
                .unwrap_or_else(PoisonError::into_inner)
                .0;
        }
    }
}

impl Drop for Admitted<'_> {
    fn drop(&mut self) {
        let mut started = self
            .gate
            .started
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        if let Some(i) = started.iter().position(|&at| at == self.at) {
            started.swap_remove(i);
        }
        drop(started);
        self.gate.ended.notify_all();
    }
}

/// Whether the machine is already busier than `cpus` CPU workers (`--jobs`, by default the
/// cores) can be given: more than twice as many other threads ready to run, now, as there are
/// workers. Where that is not known (no `/proc/loadavg`), it is taken as crowded: the cautious
/// number of waiting checks.
///
/// Now, not the load average: the average of the last minute counts the grader's own earlier
/// runs. After one `verify 10` (64 checks waiting at once, some of them computing) the next found
/// the load over 4 on 2 cores, ran 8 checks at once instead of 68, and took 60 s instead of 11.
/// The count is the median of a few looks, 2 ms apart, so that a thread that happens to wake
/// as the grader looks does not make the machine crowded; burners are there at every look.
pub fn crowded(cpus: usize) -> bool {
    let mut looks = Vec::new();
    for i in 0..LOOKS {
        if i > 0 {
            std::thread::sleep(Duration::from_millis(2));
        }
        match std::fs::read_to_string("/proc/loadavg")
            .ok()
            .and_then(|text| ready_of(&text))
        {
            Some(ready) => looks.push(ready),
            None => return true,
        }
    }
    busier_than(&mut looks, cpus)
}

/// Whether the median of `looks` (threads ready to run, the looking thread among them) is more
/// than twice `cpus`, once the looking thread is left out.
fn busier_than(looks: &mut [usize], cpus: usize) -> bool {
    looks.sort_unstable();
    looks[looks.len() / 2].saturating_sub(1) > 2 * cpus
}

/// How many times [`crowded`] looks.
const LOOKS: usize = 5;

/// How many threads are ready to run (running or waiting for a core), from `/proc/loadavg`'s
/// text: the first figure of its fourth field, `ready/all`.
fn ready_of(text: &str) -> Option<usize> {
    text.split_whitespace()
        .nth(3)?
        .split('/')
        .next()?
        .parse()
        .ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn jobs(waits: &[bool]) -> Vec<Job> {
        waits
            .iter()
            .enumerate()
            .map(|(i, &waits)| Job {
                target: 0,
                check: i,
                bin: PathBuf::from("bin"),
                waits,
            })
            .collect()
    }

    #[test]
    fn waiting_checks_get_workers_of_their_own_and_computing_ones_one_per_cpu() {
        let all = jobs(&[false, true, false, true, true]);
        let s = Scheduler::new(&all);
        assert_eq!(
            s.workers(2, false),
            Workers {
                computing: 2,
                all: 5
            },
            "2 CPU workers (no more than the 2 computing checks) and one per waiting check (3)"
        );
        // An extra worker never takes a computing check.
        assert_eq!(s.next(4, 2).map(|j| j.check), Some(1));
        assert_eq!(s.next(0, 2).map(|j| j.check), Some(0));
        assert_eq!(s.next(1, 2).map(|j| j.check), Some(2));
        // A CPU worker with no computing check left takes a waiting one.
        assert_eq!(s.next(0, 2).map(|j| j.check), Some(3));
        assert_eq!(s.next(3, 2).map(|j| j.check), Some(4));
        assert!(s.next(0, 2).is_none() && s.next(3, 2).is_none());
    }

    #[test]
    fn one_cpu_worker_means_one_check_at_a_time_and_no_jobs_still_one_worker() {
        let all = jobs(&[true, true, false]);
        let one = Workers {
            computing: 1,
            all: 1,
        };
        assert_eq!(Scheduler::new(&all).workers(1, false), one);
        assert_eq!(
            Scheduler::new(&all).workers(8, false).all,
            3,
            "never more workers than jobs"
        );
        assert_eq!(Scheduler::new(&[]).workers(2, false).all, 1);
        let many = jobs(&[true; 500]);
        assert_eq!(
            Scheduler::new(&many).workers(2, false).all,
            2 + 2 * WAITING_PER_CPU,
            "waiting workers by the CPU"
        );
        assert_eq!(
            Scheduler::new(&many).workers(2, true).all,
            2 + 2 * WAITING_PER_CPU_CROWDED,
            "fewer on a crowded machine"
        );
        assert_eq!(
            Scheduler::new(&many).workers(16, false).all,
            16 + WAITING_MAX,
            "and never more than WAITING_MAX of them"
        );
    }

    #[test]
    fn the_threads_ready_now_are_the_fourth_field_of_proc_loadavg() {
        assert_eq!(ready_of("10.52 6.01 2.40 12/345 6789\n"), Some(12));
        assert_eq!(ready_of(""), None);
        assert_eq!(ready_of("0.1 0.2 0.3 busy 1"), None);
        let computing = jobs(&[false; 6]);
        assert_eq!(
            Scheduler::new(&computing).workers(2, false),
            Workers {
                computing: 4,
                all: 4
            },
            "two computing workers per CPU"
        );
        assert_eq!(
            Scheduler::new(&computing).workers(2, true),
            Workers {
                computing: 2,
                all: 2
            },
            "one per CPU on a crowded machine"
        );
        assert_eq!(
            Scheduler::new(&computing).workers(1, false).all,
            1,
            "--jobs 1: one at a time, as asked"
        );
    }

    #[test]
    fn a_check_holds_its_cpu_while_young_and_the_next_starts_beside_an_old_one() {
        let young = Duration::from_millis(30);
        let gate = Gate::aging(1, young);
        let first = gate.enter();
        let second = gate.enter();
        assert!(
            second.at.duration_since(first.at) >= young,
            "the second started while the first was young"
        );
        // Two run now (the first old, the second young): a third waits for the second to age.
        let third = gate.enter();
        assert!(third.at.duration_since(second.at) >= young);
        assert_eq!(gate.started.lock().unwrap().len(), 3);
        drop((first, second, third));
        assert!(gate.started.lock().unwrap().is_empty());
    }

    #[test]
    fn a_check_that_ends_lets_the_next_start_at_once() {
        // Checks never age here: only an ending can let the next one in.
        let gate = Gate::aging(2, Duration::from_secs(3600));
        let (a, b) = (gate.enter(), gate.enter());
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::scope(|scope| {
            scope.spawn(|| {
                let _c = gate.enter();
                tx.send(()).unwrap();
            });
            assert!(
                rx.recv_timeout(Duration::from_millis(100)).is_err(),
                "a third check started beside two young ones on two CPUs"
            );
            drop(a);
            let started = rx.recv_timeout(Duration::from_secs(60));
            // Let the third in whatever happened, so that a failure fails rather than hangs.
            drop(b);
            started.expect("the third check never started after the first ended");
        });
    }

    #[test]
    fn a_check_that_ends_gives_back_its_own_place_and_no_other() {
        let young = Duration::from_millis(30);
        let gate = Gate::aging(1, young);
        let old = gate.enter();
        let new = gate.enter();
        // The old one ends: the young one still holds the only CPU until it comes of age.
        drop(old);
        let next = gate.enter();
        assert!(
            next.at.duration_since(new.at) >= young,
            "the check that ended took the young one's place with it"
        );
        assert_eq!(gate.started.lock().unwrap().len(), 2);
    }

    #[test]
    fn crowded_is_the_median_look_without_the_looking_thread_over_twice_the_cpus() {
        assert!(!busier_than(&mut [1, 1, 1, 1, 1], 2), "an idle machine");
        assert!(!busier_than(&mut [5, 5, 5, 5, 5], 2), "4 others on 2 CPUs");
        assert!(busier_than(&mut [6, 6, 6, 6, 6], 2), "5 others on 2 CPUs");
        assert!(
            !busier_than(&mut [30, 1, 2, 1, 1], 2),
            "one look at a burst of waking threads"
        );
        assert!(
            busier_than(&mut [9, 10, 1, 9, 9], 2),
            "8 burners, and one look between their time slices"
        );
    }
}
