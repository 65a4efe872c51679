//! Hidden checks for exercise 07 task-pools: the trusted course's own, never shipped to students
//! (the student edition leaves out grader/checks/hidden/).
//!
//! Clauses only this file judges with its own inputs: `run_jobs` through a pool of more slots
//! (2 to 4) and more jobs (k + 3 to k + 6, of 1 to 4 s, one or two of them 0 s) than the public
//! `run-jobs-builds-the-jobs` draws, so a `run_jobs` or a pool written to reproduce the public
//! scenarios rather than to the contract fails here.
//!
//! - `run-jobs-other-durations`: the seeded scenario above. What the contract makes of it is
//!   worked out by the public file's `expect_run_jobs` (each job takes the first free slot, in the
//!   order given; a 0 s job says `fails` and frees its slot at that instant): every line at its
//!   time, the time the pool takes, and every result in its job's place, the 0 s jobs' `Err`s too.
//!
//! When the transcript differs, the public file's `explain_pool` reads the pool's behaviour back
//! from the lines and names the mistake (too many at once, an idle slot, out of order, a pool
//! that stopped taking jobs).

use awaitlings_check::prelude::*;

pub fn checks() -> Vec<Check> {
    vec![check(
        "run-jobs-other-durations",
        2,
        "run_jobs with more slots and jobs than the public checks use: each job starts the moment \
         a slot frees (a failing job frees its slot at once), and every result in order",
        || async {
            let mut r = rng();
            let k = r.count(2..=4);
            let durations = super::checks::run_jobs_scenario(&mut r, k, 3, 4);
            super::checks::expect_run_jobs(&durations, k).await
        },
    )]
}
