// The public check of exercise 48: only the value. The hidden one
// (grader/checks/hidden/hidden-checks.rs) also times it.

use awaitlings_check::prelude::*;

pub fn checks() -> Vec<Check> {
    vec![
        check("answer-is-42", 2, "answer() returns 42", || async {
            let value = exercise::answer().await;
            expect_eq("answer()", value, 42)
        })
        .main(),
    ]
}
