// Exercise 54 of the test course: a check that draws its inputs from the run's seed
// (tests/seeds.rs), and a fixed main scenario.

use awaitlings_check::prelude::*;
use std::time::Duration;

pub fn checks() -> Vec<Check> {
    vec![
        check(
            "greets-on-time",
            1,
            "greet(name, ms) waits ms, then returns the name's length (seeded)",
            || async {
                let mut r = rng();
                let name = r.name();
                let ms = r.range(100..=1000);
                let what = format!("greet({name:?}, {ms})");
                let n = exercise::greet(name, ms).await;
                expect_eq(&what, n, name.len())?;
                expect_elapsed(&what, Duration::from_millis(ms))
            },
        ),
        check("greets-ada", 1, "greet(\"ada\", 300)", || async {
            exercise::greet("ada", 300).await;
            expect_elapsed("greet(\"ada\", 300)", Duration::from_millis(300))
        })
        .main(),
    ]
}
