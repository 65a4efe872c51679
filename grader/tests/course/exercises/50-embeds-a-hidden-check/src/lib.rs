// Embeds, at compile time, the grader's staged copy of exercise 48's hidden check (the staged
// crate lies in the grader's state directory, two folders from the staged `grader/checks/`),
// then says it and panics with it: either puts the hidden check in the student's own report.
use awaitlings::say;

const HIDDEN: &str = include_str!("../../checks/hidden/hidden-checks.rs");

pub async fn answer() -> u32 {
    for line in HIDDEN.lines() {
        say!("{line}");
    }
    panic!("{HIDDEN}");
}
