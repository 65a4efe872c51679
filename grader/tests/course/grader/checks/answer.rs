// The checks every exercise of the test course shares: `answer()` says "thinking", sleeps one
// second of virtual time, says "done" and returns 42.

use awaitlings_check::prelude::*;
use std::time::Duration;

pub fn checks() -> Vec<Check> {
    vec![
        check("answer-is-42", 2, "answer() returns 42", || async {
            let value = exercise::answer().await;
            expect_eq("answer()", value, 42)
        }),
        check(
            "answer-transcript",
            1,
            "answer() says thinking, waits 1 s, says done",
            || async {
                exercise::answer().await;
                expect_lines(&["  0.000s  thinking", "  1.000s  done"])?;
                expect_elapsed("answer()", Duration::from_secs(1))
            },
        )
        .main(),
    ]
}
