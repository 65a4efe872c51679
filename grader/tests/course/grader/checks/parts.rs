// The checks exercises 56 and 57 of the test course share (tests/suite/hints.rs): `parts()`
// returns [1, 2, 3, 4], and each part is a check of its own, so a submission fails as many
// checks as it gets parts wrong. A part left at 0 fails with a message naming that mistake, which
// the course's cause hints look for.

use awaitlings_check::prelude::*;

async fn part(index: usize) -> Result<(), Fail> {
    let parts = exercise::parts().await;
    let name = ["a", "b", "c", "d"][index];
    let expected = index as u32 + 1;
    expect_eq(&format!("part {name}"), parts[index], expected).map_err(|fail| {
        if parts[index] == 0 {
            fail.then("A 0 means the part was never filled in")
        } else {
            fail
        }
    })
}

pub fn checks() -> Vec<Check> {
    vec![
        check("part-a", 1, "the first part is 1", || part(0)),
        check("part-b", 1, "the second part is 2", || part(1)),
        check("part-c", 1, "the third part is 3", || part(2)),
        check("part-d", 1, "the fourth part is 4", || part(3)).main(),
    ]
}
