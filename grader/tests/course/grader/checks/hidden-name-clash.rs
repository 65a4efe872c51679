// Exercise 49: a public check named like the hidden one beside it.

use awaitlings_check::prelude::*;

pub fn checks() -> Vec<Check> {
    vec![
        check("answer-is-42", 2, "answer() returns 42", || async {
            expect_eq("answer()", exercise::answer().await, 42)
        })
        .main(),
    ]
}
