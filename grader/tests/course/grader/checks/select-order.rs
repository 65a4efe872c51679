// Exercise 55 of the test course (tests/seeds.rs): a check's body runs as a task, and tokio's
// random choices follow the run's seed. `shows-the-choices` always fails, to show them.

use awaitlings_check::prelude::*;

pub fn checks() -> Vec<Check> {
    vec![
        check(
            "runs-in-a-task",
            1,
            "the check's body is a task of its own, not block_on's future",
            || async {
                expect(
                    exercise::in_a_task(),
                    Kind::WrongValue,
                    "the check's body ran outside any task",
                )
            },
        ),
        check(
            "shows-the-choices",
            1,
            "says which branch 40 unbiased select!s took",
            || async {
                let won = exercise::choices(40).await;
                Err(Fail::new(Kind::WrongValue, format!("choices: {won}")))
            },
        )
        .main(),
    ]
}
