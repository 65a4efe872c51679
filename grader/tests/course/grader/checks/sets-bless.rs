// The shared checks, plus one against an expected transcript on disk (fixtures/sets-bless/),
// which student code must not be able to rewrite or switch into "bless" mode.

mod answer {
    include!("answer.rs");
}

use awaitlings_check::prelude::*;

pub fn checks() -> Vec<Check> {
    let mut checks = answer::checks();
    checks.push(check(
        "answer-fixture",
        1,
        "answer() says what fixtures/sets-bless/answer.txt says",
        || async {
            exercise::answer().await;
            expect_transcript("answer")
        },
    ));
    checks
}
