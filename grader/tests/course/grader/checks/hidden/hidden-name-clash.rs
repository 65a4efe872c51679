// Exercise 49: the same name as a public check, which the harness refuses.

use awaitlings_check::prelude::*;

pub fn checks() -> Vec<Check> {
    vec![check(
        "answer-is-42",
        1,
        "answer() returns 42, again",
        || async { expect_eq("answer()", exercise::answer().await, 42) },
    )]
}
