use awaitlings::say;
use std::io::Write;
use std::time::Duration;

pub async fn answer() -> u32 {
    say!("thinking");
    // A grandchild in the check's process group, which the check never waits for.
    let grandchild = std::process::Command::new("sleep")
        .arg("1000")
        .spawn()
        .expect("sleep starts");
    // Tell the test who we are: "<our pid> <the grandchild's pid>", appended in one write.
    if let Some(path) = std::env::var_os("HANG_PID_FILE") {
        let line = format!("{} {}\n", std::process::id(), grandchild.id());
        let mut file = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(path)
            .expect("the pid file opens");
        file.write_all(line.as_bytes()).expect("the pid is written");
    }
    std::mem::forget(grandchild);
    // A blocking task that never ends: the runtime thread just waits for it (parked, so the
    // monitor sees nothing wrong), and only a timeout or a signal ends the check.
    tokio::task::spawn_blocking(|| {
        loop {
            std::thread::sleep(Duration::from_millis(50));
        }
    })
    .await
    .unwrap_or(());
    42
}
