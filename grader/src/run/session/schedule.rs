//! Which check process starts next, and how many run at once.
//!
//! Most checks compute (under paused time a check takes milliseconds of CPU), so they run one per
//! CPU (`--jobs`). A few spend seconds waiting on the real clock on purpose: exercise 10's jobs
//! hold their threads with `std::thread::sleep`, the slow disk sleeps a second, real sockets wait
//! for each other (`Check::waits`). Given a CPU's turn, such a check would keep that CPU idle for
//! seconds. So extra workers take only waiting checks, beside the computing ones, and a CPU's
//! worker takes waiting checks only when no computing check is left. With `--jobs 1`, checks run
//! one at a time, as asked.

use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};

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

    /// How many workers to start for `cpus` CPU workers (at least one, never more than jobs), on
    /// a machine that is `crowded` or not (see [`crowded`]).
    pub fn workers(&self, cpus: usize, crowded: bool) -> usize {
        let per_cpu = if crowded {
            WAITING_PER_CPU_CROWDED
        } else {
            WAITING_PER_CPU
        };
        let extra = if cpus > 1 {
            (per_cpu * cpus).min(WAITING_MAX).min(self.waiting.len())
        } else {
            0
        };
        (cpus + extra).min(self.jobs.len()).max(1)
    }

    /// The next job for worker `worker` (workers `0..cpus` are the CPU workers), or `None` when
    /// none is left for it.
    pub fn next(&self, worker: usize, cpus: usize) -> Option<&'a Job> {
        if worker < cpus
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

/// Whether the machine is already busier than `cpus` cores can serve: more than twice as many
/// threads ready to run, on average over the last minute, as there are cores. Where the load is
/// not known (no `/proc/loadavg`), it is taken as crowded: the cautious number of waiting checks.
pub fn crowded(cpus: usize) -> bool {
    std::fs::read_to_string("/proc/loadavg")
        .ok()
        .and_then(|text| load_of(&text))
        .is_none_or(|load| load > 2.0 * cpus as f64)
}

/// The one-minute load average of `/proc/loadavg`'s text.
fn load_of(text: &str) -> Option<f64> {
    text.split_whitespace().next()?.parse().ok()
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
            5,
            "2 CPU workers and one per waiting check (3)"
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
        assert_eq!(Scheduler::new(&all).workers(1, false), 1);
        assert_eq!(
            Scheduler::new(&all).workers(8, false),
            3,
            "never more workers than jobs"
        );
        assert_eq!(Scheduler::new(&[]).workers(2, false), 1);
        let many = jobs(&[true; 500]);
        assert_eq!(
            Scheduler::new(&many).workers(2, false),
            2 + 2 * WAITING_PER_CPU,
            "waiting workers by the CPU"
        );
        assert_eq!(
            Scheduler::new(&many).workers(2, true),
            2 + 2 * WAITING_PER_CPU_CROWDED,
            "fewer on a crowded machine"
        );
        assert_eq!(
            Scheduler::new(&many).workers(16, false),
            16 + WAITING_MAX,
            "and never more than WAITING_MAX of them"
        );
    }

    #[test]
    fn the_load_is_the_first_figure_of_proc_loadavg() {
        assert_eq!(load_of("10.52 6.01 2.40 12/345 6789\n"), Some(10.52));
        assert_eq!(load_of(""), None);
        assert_eq!(load_of("busy"), None);
        let computing = jobs(&[false; 6]);
        assert_eq!(Scheduler::new(&computing).workers(2, false), 2);
    }
}
