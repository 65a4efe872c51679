//! Hidden checks for exercise 03 interleaved-tasks: the trusted course's own, never shipped to
//! students (the student edition leaves out grader/checks/hidden/).
//!
//! Clauses only this file covers (the public map says "also a check you do not have"):
//!
//! | clause | check |
//! |---|---|
//! | `run_all` takes as long as its slowest task, *whichever* it is: here `down(maximum)`, not the demo's `powers` | `run-all-other-arguments` |
//! | `run_all(maximum, n)` runs its three counters with its own arguments, arguments no public check uses | `run-all-other-arguments` |
//!
//! - `run-all-other-arguments`: `run_all(maximum, n)` with `maximum` from 10 to 14, so that
//!   `down(maximum)` (5 to 7 s) outlasts `powers(n)` (4.9 s), and `n` from 3 to 99, both drawn from
//!   the run's seed. A `run_all` that waits only for `powers` (the slowest in every public check)
//!   returns early; one written to reproduce the public checks' transcripts says the wrong lines.
//!   The expected lines follow from the contract alone (the public file's helpers compute them).

use super::checks::{all_lines, expect_said, in_context, run_all_times};
use awaitlings_check::check::secs;
use awaitlings_check::prelude::*;
use std::time::Duration;

pub fn checks() -> Vec<Check> {
    vec![check(
        "run-all-other-arguments",
        2,
        "run_all(maximum, n) with a long down(maximum), the slowest task: each line at its virtual \
         time, and run_all returns when down is done",
        || async {
            let mut r = rng();
            let (maximum, n) = (r.range(10..=14) as u32, r.range(3..=99));
            let (concurrent, sequential) = run_all_times(maximum, n);
            exercise::run_all(maximum, n).await;
            let took = elapsed();
            if took >= sequential {
                return Err(Fail::new(
                    Kind::Sequential,
                    format!(
                        "run_all({maximum}, {n}) ran its counters one after another: {} of \
                         virtual time, expected {}, the time of its slowest task, down({maximum}). \
                         Spawn all three tasks first, then await their handles.",
                        secs(took),
                        secs(concurrent)
                    ),
                ));
            }
            // Let any task run_all left behind finish, so that a transcript that is only cut
            // short shows as such.
            tokio::time::sleep(sequential + Duration::from_millis(100) - took).await;
            in_context(
                &format!(
                    "run_all({maximum}, {n}) should run up({maximum}), down({maximum}) and \
                     powers({n}) as three tasks side by side, each saying its lines at its own \
                     pace"
                ),
                expect_said(&all_lines(maximum, n)),
            )?;
            expect_took(&format!("run_all({maximum}, {n})"), took, concurrent).map_err(|fail| {
                Fail {
                    message: format!(
                        "{}: all three tasks' lines are right, but run_all({maximum}, {n}) should \
                         return once its slowest task, down({maximum}), is done ({}): await every \
                         handle, not only the one that is slowest in the demo.",
                        fail.message,
                        secs(concurrent)
                    ),
                    ..fail
                }
            })
        },
    )]
}
