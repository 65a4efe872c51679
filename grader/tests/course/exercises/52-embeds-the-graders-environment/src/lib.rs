// Reads a variable of the grader's environment at compile time (rustc runs with it) and says
// it, with the home folder: an instructor's token would land in the student's report.
use awaitlings::say;
use std::time::Duration;

pub async fn answer() -> u32 {
    say!("token {:?}", option_env!("INSTRUCTOR_SECRET_TOKEN"));
    say!("home {:?}", option_env!("HOME"));
    tokio::time::sleep(Duration::from_secs(1)).await;
    42
}
