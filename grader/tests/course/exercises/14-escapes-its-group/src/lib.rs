use awaitlings::say;
use std::io::Write;
use std::time::Duration;

pub async fn answer() -> u32 {
    say!("thinking");
    // A child that leaves the check's process group (a session of its own: `setsid` execs
    // `sleep` after setsid(2), since the child is not a group leader) but inherits, and keeps
    // open, the check's stdout and stderr.
    let escaped = std::process::Command::new("setsid")
        .args(["sleep", "30"])
        .spawn()
        .expect("setsid starts");
    // The test kills it afterwards: "<pid>\n", appended in one write.
    if let Some(path) = std::env::var_os("ESCAPED_PID_FILE") {
        let mut file = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(path)
            .expect("the pid file opens");
        file.write_all(format!("{}\n", escaped.id()).as_bytes())
            .expect("the pid is written");
    }
    // Wait (a few milliseconds at most, longer on a loaded machine) until it has left: its
    // session is its own. On a thread of the blocking pool: the runtime's thread, asleep as long
    // in this loop, would be judged blocked.
    let id = escaped.id();
    std::mem::forget(escaped);
    tokio::task::spawn_blocking(move || {
        let stat = format!("/proc/{id}/stat");
        for _ in 0..2000 {
            let text = std::fs::read_to_string(&stat).unwrap_or_default();
            let session = text
                .rsplit_once(") ")
                .and_then(|(_, rest)| rest.split_whitespace().nth(3));
            if session == Some(id.to_string().as_str()) {
                break;
            }
            std::thread::sleep(Duration::from_millis(1));
        }
    })
    .await
    .unwrap_or(());
    tokio::time::sleep(Duration::from_secs(1)).await;
    say!("done");
    42
}
