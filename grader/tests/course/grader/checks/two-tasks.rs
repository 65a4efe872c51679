// The main scenario of the timeline pictures' tests: run() spawns `tick` and `tock` and says
// `start` and `end` itself, against fixtures/two-tasks/run.txt.

use awaitlings_check::prelude::*;

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
    ]
}
