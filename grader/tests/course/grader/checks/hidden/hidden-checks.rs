// The hidden check of exercise 48: answer() takes its second of virtual time, which the public
// check never looks at.

use awaitlings_check::prelude::*;
use std::time::Duration;

pub fn checks() -> Vec<Check> {
    vec![check(
        "answer-takes-a-second",
        3,
        "answer() waits 1 s before it answers",
        || async {
            exercise::answer().await;
            expect_elapsed("answer()", Duration::from_secs(1))
        },
    )]
}
