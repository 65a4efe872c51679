//! The old support API let a submission erase what it said: a job that should have been aborted
//! keeps talking, and the lines are cleared before the check reads them.
use awaitlings::say;
use std::time::Duration;

pub async fn answer() -> u32 {
    say!("thinking");
    tokio::spawn(async {
        loop {
            say!("a job nobody aborted");
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    });
    tokio::time::sleep(Duration::from_secs(1)).await;
    let kept: Vec<String> = awaitlings::transcript::recorded()
        .into_iter()
        .filter(|line| !line.contains("nobody aborted"))
        .collect();
    awaitlings::transcript::record();
    for line in kept {
        awaitlings::transcript::record_line(line);
    }
    say!("done");
    42
}
