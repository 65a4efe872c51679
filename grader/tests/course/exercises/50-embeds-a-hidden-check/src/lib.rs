// Embeds, at compile time, the grader's staged copy of exercise 48's hidden check, then says it
// and panics with it: either puts the hidden check in the student's own report. The staged copy
// lies in the grader's state directory under a hash of the course's checks, so the test that
// grades this names it outright in place of the relative path below.
use awaitlings::say;

const HIDDEN: &str = include_str!("../../checks/hidden/hidden-checks.rs");

pub async fn answer() -> u32 {
    for line in HIDDEN.lines() {
        say!("{line}");
    }
    panic!("{HIDDEN}");
}
