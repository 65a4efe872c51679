//! Hidden checks for exercise 08 timeouts-and-cancellation: the trusted course's own, never
//! shipped to students (the student edition leaves out grader/checks/hidden/).
//!
//! - `deadline-in-the-second-step`: `all_within(1.7 s, steps of 1.2 s, 1 s and 0.3 s)`, a limit
//!   and steps no public check uses, with the deadline falling inside the *second* step (the
//!   public check has it in the third). From the contract: step 1 runs 0 to 1.2 s and finishes;
//!   step 2 starts at 1.2 s and is cancelled (dropped) at exactly the deadline, 1.7 s; step 3 is
//!   never started; the result is `Err(TimedOut)` at 1.700 s. Then virtual time runs on to 3 s:
//!   the cancelled step must stay silent. A fresh limit per step would finish all three (at
//!   2.5 s), a deadline looked at only between steps would give up at 2.2 s, a limit split into
//!   shares would give up during step 1. No step starts or ends at 1.7 s, so no two timers share
//!   the instant the check judges.

use awaitlings::say;
use awaitlings_check::check::secs;
use awaitlings_check::prelude::*;
use exercise::JobError;
use std::time::Duration;

fn ms(millis: u64) -> Duration {
    Duration::from_millis(millis)
}

/// A step of the check's own: says when it starts and when it is done, sleeping in between.
async fn step(name: &'static str, length: Duration, value: u32) -> u32 {
    say!("{name}: started");
    tokio::time::sleep(length).await;
    say!("{name}: finished");
    value
}

pub fn checks() -> Vec<Check> {
    vec![check(
        "deadline-in-the-second-step",
        3,
        "all_within(1.7 s, steps of 1.2 s, 1 s, 0.3 s) is Err(TimedOut) at 1.700 s: step 1 done, \
         step 2 cancelled at the deadline, step 3 never started",
        || async {
            let what = "all_within(1.7 s, steps of 1.2 s, 1 s and 0.3 s)";
            let mut steps = Vec::new();
            let mut stats = Vec::new();
            for (name, length, value) in [("rinse", 1200, 1), ("steam", 1000, 2), ("serve", 300, 3)]
            {
                let (s, watch) = watched(step(name, ms(length), value));
                steps.push(s);
                stats.push(watch);
            }
            let result = exercise::all_within(ms(1700), steps).await;
            let took = elapsed();
            match result {
                Err(JobError::TimedOut) => {}
                Ok(outputs) => {
                    return Err(Fail::new(
                        Kind::WrongValue,
                        format!(
                            "{what} returned Ok({outputs:?}) after {}, expected Err(TimedOut) at \
                             1.700 s. The three steps need 2.5 s, more than the group's 1.7 s: \
                             the deadline is one instant, fixed when all_within is called, and \
                             it counts for every step, not a fresh 1.7 s for each.",
                            secs(took)
                        ),
                    ));
                }
                Err(other) => {
                    return Err(Fail::new(
                        Kind::WrongValue,
                        format!(
                            "{what} returned Err({other:?}), expected Err(TimedOut): the group's \
                             deadline came first, which is a time-out, not a cancellation or a \
                             panic."
                        ),
                    ));
                }
            }
            if took != ms(1700) {
                let why = if took > ms(1700) {
                    " The deadline passed during step 2, and nothing cut step 2 off: the running \
                     step itself must be given only what is left of the time \
                     (`timeout_at(deadline, step)`), not looked at once it is over."
                } else {
                    " It gave up before the group's deadline: every step may run until that one \
                     instant, not for a share of the limit."
                };
                return Err(expect_took(what, took, ms(1700))
                    .err()
                    .map(|fail| fail.then(why))
                    .expect("the times differ"));
            }
            let (rinse, steam, serve) = (&stats[0], &stats[1], &stats[2]);
            expect(
                rinse.finished(),
                Kind::WrongValue,
                format!(
                    "{what}: step 1 (1.2 s) should have finished, at 1.2 s, well before the deadline"
                ),
            )?;
            expect(
                steam.polls() > 0 && !steam.finished() && steam.dropped_at() == Some(ms(1700)),
                Kind::WrongValue,
                format!(
                    "{what}: step 2 should start at 1.2 s and be cancelled (dropped) at the \
                     deadline, 1.7 s; {}",
                    match (steam.finished(), steam.dropped_at()) {
                        (true, _) => "it ran to its end instead".to_string(),
                        (false, Some(at)) => format!("it was dropped at {}", secs(at)),
                        (false, None) => "it was still alive, neither finished nor dropped".into(),
                    }
                ),
            )?;
            expect(
                serve.polls() == 0,
                Kind::WrongValue,
                format!(
                    "{what}: step 3 comes after the deadline and should never start, but it was \
                     polled {} time(s)",
                    serve.polls()
                ),
            )?;
            // Nothing of a cancelled step may happen later.
            tokio::time::sleep(ms(1300)).await;
            expect_lines(&[
                "  0.000s  rinse: started",
                "  1.200s  rinse: finished",
                "  1.200s  steam: started",
            ])
            .map_err(|fail| Fail {
                message: format!(
                    "{what}, then 1.3 s more of virtual time: step 2 should say nothing after it \
                     is cancelled at 1.7 s, and step 3 nothing at all: {}",
                    fail.message
                ),
                ..fail
            })
        },
    )]
}
