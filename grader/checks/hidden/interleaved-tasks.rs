//! Hidden checks for exercise 03 interleaved-tasks: the trusted course's own, never shipped to
//! students (the student edition leaves out grader/checks/hidden/).
//!
//! - `run-all-other-arguments`: `run_all(2, 5)`, arguments no public check uses. A `run_all`
//!   written to reproduce the public checks' transcripts rather than to run the three counters
//!   fails here. The expected lines follow from the contract alone: up(2) says `up 0` to `up 2`
//!   0.3 s apart, down(2) `down 2` to `down 0` 0.5 s apart, powers(5) `5^0 = 1` to `5^7 = 78125`
//!   0.7 s apart, all three at once, so run_all takes 4.9 s (powers(5) alone), not the 6.5 s of
//!   the three one after another. Apart from 0.000 s, no two lines share an instant.

use awaitlings_check::prelude::*;
use std::time::Duration;

/// `run_all(2, 5)` lasts as long as `powers(5)`: 7 steps of 0.7 s...
const CONCURRENT: Duration = Duration::from_millis(4900);
/// ... and up(2) 0.6 s + down(2) 1.0 s + powers(5) 4.9 s when the three run one after another.
const SEQUENTIAL: Duration = Duration::from_millis(6500);

pub fn checks() -> Vec<Check> {
    vec![check(
        "run-all-other-arguments",
        2,
        "run_all(2, 5) interleaves up(2), down(2) and powers(5), each line at its virtual time, \
         and takes 4.9 s",
        || async {
            exercise::run_all(2, 5).await;
            let took = elapsed();
            if took >= SEQUENTIAL {
                return Err(Fail::new(
                    Kind::Sequential,
                    format!(
                        "run_all(2, 5) ran its counters one after another: {} of virtual time, \
                         expected 4.900 s, the time of its slowest task. Spawn all three tasks \
                         first, then await their handles.",
                        awaitlings_check::check::secs(took)
                    ),
                ));
            }
            // Let any task run_all left behind finish, so that a transcript that is only cut
            // short shows as such.
            if took < SEQUENTIAL {
                tokio::time::sleep(SEQUENTIAL + Duration::from_millis(100) - took).await;
            }
            expect_lines(&[
                "  0.000s  up 0",
                "  0.000s  down 2",
                "  0.000s  5^0 = 1",
                "  0.300s  up 1",
                "  0.500s  down 1",
                "  0.600s  up 2",
                "  0.700s  5^1 = 5",
                "  1.000s  down 0",
                "  1.400s  5^2 = 25",
                "  2.100s  5^3 = 125",
                "  2.800s  5^4 = 625",
                "  3.500s  5^5 = 3125",
                "  4.200s  5^6 = 15625",
                "  4.900s  5^7 = 78125",
            ])
            .map_err(|fail| Fail {
                message: format!(
                    "run_all(2, 5) should run up(2), down(2) and powers(5) as three tasks side by \
                     side, each saying its lines at its own pace: {}",
                    fail.message
                ),
                ..fail
            })?;
            expect_took("run_all(2, 5)", took, CONCURRENT).map_err(|fail| Fail {
                message: format!(
                    "{}: all three tasks' lines are right, but run_all(2, 5) should return once \
                     its slowest task, powers(5), is done (4.9 s): await every handle, and \
                     nothing more.",
                    fail.message
                ),
                ..fail
            })
        },
    )]
}
