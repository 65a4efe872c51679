use awaitlings::say;
use std::time::Duration;

/// Leaves behind a process in a session of its own, which starts a child in yet another session
/// and waits: once the grader kills the first, the second is an orphan of the next generation.
/// Both pids go to $ESCAPED_PID_FILE.
pub async fn answer() -> u32 {
    say!("thinking");
    let file = std::env::var("ESCAPED_PID_FILE").expect("ESCAPED_PID_FILE");
    let script = format!(
        "setsid sh -c 'echo $$ >> {file}; exec sleep 31337' & echo $$ >> {file}; wait"
    );
    let _first = std::process::Command::new("setsid")
        .args(["sh", "-c", &script])
        .stdout(std::process::Stdio::null())
        .spawn()
        .expect("setsid starts");
    // Until both have written their pid. On a thread of the blocking pool: the runtime's thread,
    // asleep in this loop while a loaded machine starts the processes, would be judged blocked.
    tokio::task::spawn_blocking(move || {
        for _ in 0..500 {
            let written = std::fs::read_to_string(&file).unwrap_or_default();
            if written.lines().count() >= 2 {
                break;
            }
            std::thread::sleep(Duration::from_millis(5));
        }
    })
    .await
    .unwrap_or(());
    tokio::time::sleep(Duration::from_secs(1)).await;
    say!("done");
    42
}
