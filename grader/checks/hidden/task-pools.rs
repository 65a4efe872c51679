//! Hidden checks for exercise 07 task-pools: the trusted course's own, never shipped to students
//! (the student edition leaves out grader/checks/hidden/).
//!
//! - `run-jobs-other-durations`: `run_jobs(&[4, 1, 0, 3, 1, 2, 1], 2)`, durations and a `k` no
//!   public check uses, so a pool written to reproduce the public transcripts fails here. What
//!   the contract makes of them, slot by slot: jobs 0 (4 s) and 1 (1 s) start at once; job 1 ends
//!   at 1 s and job 2 takes its slot and fails at that same instant, so job 3 (3 s) starts at 1 s
//!   too; jobs 0 and 3 both end at 4 s, and jobs 4 (1 s) and 5 (2 s) start then; job 4 ends at
//!   5 s and job 6 (1 s) starts; jobs 5 and 6 end at 6 s. A pool in batches of two would take
//!   10 s. The seven results come back in the order of the jobs, job 2's as its `Err`.
//!
//! When the transcript differs, the public file's `explain_pool` reads the pool's behaviour back
//! from the lines and names the mistake (too many at once, an idle slot, out of order).

use awaitlings_check::prelude::*;
use std::time::Duration;

const DURATIONS: [u64; 7] = [4, 1, 0, 3, 1, 2, 1];
const SLOTS: usize = 2;

pub fn checks() -> Vec<Check> {
    vec![check(
        "run-jobs-other-durations",
        2,
        "run_jobs(&[4, 1, 0, 3, 1, 2, 1], 2): each job starts the moment a slot frees (a failing \
         job frees its slot at once), all done at 6 s, and the seven results in order",
        || async {
            let what = "run_jobs(&[4, 1, 0, 3, 1, 2, 1], 2)";
            let results = exercise::run_jobs(&DURATIONS, SLOTS).await;
            let took = elapsed();
            expect_lines(&[
                "  0.000s  job 0 starts (4 s)",
                "  0.000s  job 1 starts (1 s)",
                "  1.000s  job 1 done",
                "  1.000s  job 2 fails",
                "  1.000s  job 3 starts (3 s)",
                "  4.000s  job 0 done",
                "  4.000s  job 3 done",
                "  4.000s  job 4 starts (1 s)",
                "  4.000s  job 5 starts (2 s)",
                "  5.000s  job 4 done",
                "  5.000s  job 6 starts (1 s)",
                "  6.000s  job 5 done",
                "  6.000s  job 6 done",
            ])
            .map_err(|fail| super::checks::explain_pool(fail, &DURATIONS, SLOTS))?;
            expect_took(what, took, Duration::from_secs(6))?;
            let expected: Vec<Result<String, String>> = DURATIONS
                .iter()
                .enumerate()
                .map(|(id, &secs)| match secs {
                    0 => Err(format!("job {id}: nothing to do")),
                    _ => Ok(format!("job {id}: {secs} s of work")),
                })
                .collect();
            expect_eq(what, results, Ok(expected)).map_err(|fail| Fail {
                message: format!(
                    "{}: one result per job, each in the place of its job (job 2's Err too), \
                     whatever order they finished in.",
                    fail.message
                ),
                ..fail
            })
        },
    )]
}
