//! Hidden checks for exercise 08 timeouts-and-cancellation: the trusted course's own, never
//! shipped to students (the student edition leaves out grader/checks/hidden/).
//!
//! No clause is covered by this file alone: it judges the clauses of `all_within` that the public
//! `one-deadline-for-the-group` judges (the running step cut off at the deadline, the steps after
//! it never started, silence afterwards), with inputs no public check draws (0.5 s to 2.5 s per
//! step, the deadline always in step 2, one to three steps after it), so that code written to
//! pass the public checks' ranges still meets the contract.
//!
//! - `deadline-in-the-second-step`: `all_within(deadline, steps)` where step 1 finishes before the
//!   deadline and step 2 would end after it. From the contract: step 1 runs from 0 to its length
//!   and finishes; step 2 starts then and is cancelled (dropped) at exactly the deadline; the steps
//!   after it are never started; the result is `Err(TimedOut)` at the deadline. Then virtual time
//!   runs on: the cancelled step must stay silent. The draw keeps every step shorter than the
//!   deadline (a fresh limit per step would finish them all), the deadline strictly inside step 2
//!   (a deadline looked at only between steps gives up when step 2 ends) and step 1 longer than
//!   an even share of the limit (a limit split into shares gives up during step 1). All instants
//!   are different multiples of 0.1 s: no two timers share the instant the check judges.

use awaitlings::{format_line, say};
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

/// Step lengths (ms) and a deadline inside step 2, drawn as the header says.
fn draw(r: &mut Rng) -> (Vec<u64>, u64) {
    loop {
        let n = r.count(3..=5);
        let lengths = r.distinct(n, 500..=2500, 100);
        let deadline = lengths[0] + r.range(1..=lengths[1] / 100 - 1) * 100;
        if lengths.iter().all(|&l| l < deadline) && lengths[0] * n as u64 > deadline {
            return (lengths, deadline);
        }
    }
}

pub fn checks() -> Vec<Check> {
    vec![check(
        "deadline-in-the-second-step",
        3,
        "all_within(deadline, steps) with the deadline inside step 2 is Err(TimedOut) at the \
         deadline: step 1 done, step 2 cancelled then, the rest never started",
        || async {
            let mut r = rng();
            let (lengths, deadline) = draw(&mut r);
            let names = r.names(lengths.len());
            let values: Vec<u32> = r
                .distinct(lengths.len(), 100..=999, 1)
                .into_iter()
                .map(|v| v as u32)
                .collect();
            let listed: Vec<String> = lengths.iter().map(|&l| secs(ms(l))).collect();
            let what = format!(
                "all_within({}, steps of {})",
                secs(ms(deadline)),
                listed.join(", ")
            );
            let total: u64 = lengths.iter().sum();
            let mut steps = Vec::new();
            let mut stats = Vec::new();
            for ((&length, &name), &value) in lengths.iter().zip(&names).zip(&values) {
                let (s, watch) = watched(step(name, ms(length), value));
                steps.push(s);
                stats.push(watch);
            }
            let result = exercise::all_within(ms(deadline), steps).await;
            let took = elapsed();
            match result {
                Err(JobError::TimedOut) => {}
                Ok(outputs) => {
                    return Err(Fail::new(
                        Kind::WrongValue,
                        format!(
                            "{what} returned Ok({outputs:?}) after {}, expected Err(TimedOut) at \
                             {}. The steps need {}, more than the group's {}: the deadline is \
                             one instant, fixed when all_within is called, and it counts for \
                             every step, not a fresh {} for each.",
                            secs(took),
                            secs(ms(deadline)),
                            secs(ms(total)),
                            secs(ms(deadline)),
                            secs(ms(deadline))
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
            if took != ms(deadline) {
                let why = if took > ms(deadline) {
                    " The deadline passed during step 2, and nothing cut step 2 off: the running \
                     step itself must be given only what is left of the time \
                     (`timeout_at(deadline, step)`), not looked at once it is over."
                } else {
                    " It gave up before the group's deadline: every step may run until that one \
                     instant, not for a share of the limit."
                };
                return Err(expect_took(&what, took, ms(deadline))
                    .err()
                    .map(|fail| fail.then(why))
                    .expect("the times differ"));
            }
            judged(took);
            let (first, second) = (&stats[0], &stats[1]);
            expect(
                first.finished(),
                Kind::WrongValue,
                format!(
                    "{what}: step 1 ({}) should have finished, at {}, before the deadline",
                    secs(ms(lengths[0])),
                    secs(ms(lengths[0]))
                ),
            )?;
            expect(
                second.polls() > 0
                    && !second.finished()
                    && second.dropped_at() == Some(ms(deadline)),
                Kind::WrongValue,
                format!(
                    "{what}: step 2 should start at {} and be cancelled (dropped) at the \
                     deadline, {}; {}",
                    secs(ms(lengths[0])),
                    secs(ms(deadline)),
                    match (second.finished(), second.dropped_at()) {
                        (true, _) => "it ran to its end instead".to_string(),
                        (false, Some(at)) => format!("it was dropped at {}", secs(at)),
                        (false, None) => "it was still alive, neither finished nor dropped".into(),
                    }
                ),
            )?;
            for (i, later) in stats.iter().enumerate().skip(2) {
                expect(
                    later.polls() == 0,
                    Kind::WrongValue,
                    format!(
                        "{what}: step {} comes after the deadline and should never start, but \
                         it was polled {} time(s)",
                        i + 1,
                        later.polls()
                    ),
                )?;
            }
            // Nothing of a cancelled step may happen later.
            tokio::time::sleep(ms(lengths[1] + 500)).await;
            let lines = [
                format_line(ms(0), &format!("{}: started", names[0])),
                format_line(ms(lengths[0]), &format!("{}: finished", names[0])),
                format_line(ms(lengths[0]), &format!("{}: started", names[1])),
            ];
            let lines: Vec<&str> = lines.iter().map(String::as_str).collect();
            expect_lines(&lines).map_err(|fail| Fail {
                message: format!(
                    "{what}, then time let run on: step 2 should say nothing after it is \
                     cancelled at {}, and the steps after it nothing at all: {}",
                    secs(ms(deadline)),
                    fail.message
                ),
                ..fail
            })
        },
    )]
}
