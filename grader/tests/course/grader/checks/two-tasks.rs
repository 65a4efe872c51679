// The timeline pictures' tests: run() spawns `tick` and `tock` and says `start` and `end` itself.
// The main scenario runs it once, against fixtures/two-tasks/run.txt; `run-twice` is another
// scenario (run() twice, half a second apart, its lines inline), the one `run 35 run-twice` must
// draw instead of the main one; `run-takes-a-second` judges a duration and records no line.

use awaitlings_check::prelude::*;
use std::time::Duration;

/// One round of run(), starting at `at` milliseconds: what the solution says.
fn round(at: u64) -> Vec<String> {
    [
        (0, "start"),
        (0, "tick 0"),
        (0, "tock 0"),
        (300, "tick 1"),
        (500, "tock 1"),
        (600, "tick 2"),
        (900, "tick 3"),
        (1000, "tock 2"),
        (1000, "end"),
    ]
    .into_iter()
    .map(|(ms, text)| {
        let ms = at + ms;
        format!("{:>3}.{:03}s  {text}", ms / 1000, ms % 1000)
    })
    .collect()
}

pub fn checks() -> Vec<Check> {
    vec![
        check(
            "run-transcript",
            1,
            "run() spawns tick and tock side by side",
            || async {
                exercise::run().await;
                expect_transcript("run")
            },
        )
        .main(),
        check(
            "run-twice",
            1,
            "run() twice, half a second apart",
            || async {
                exercise::run().await;
                tokio::time::sleep(Duration::from_millis(500)).await;
                exercise::run().await;
                let lines: Vec<String> = round(0).into_iter().chain(round(1500)).collect();
                let lines: Vec<&str> = lines.iter().map(String::as_str).collect();
                expect_lines(&lines)
            },
        ),
        check(
            "run-takes-a-second",
            1,
            "run() returns after 1 s of virtual time",
            || async {
                exercise::run().await;
                let took = elapsed();
                // A duration is judged here, not lines: the transcript is left empty.
                restart();
                expect_took("run()", took, Duration::from_secs(1))
            },
        ),
    ]
}
