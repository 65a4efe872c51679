use awaitlings::say;
use std::time::Duration;

/// Signals the process that started the check (the grader) through `kill`, a program of the
/// system, as a child inherits whatever confines its parent: signal 0 (which only asks whether
/// signalling is allowed) and SIGCONT (harmless to a running grader). It answers 42 only if one
/// of them was allowed.
pub async fn answer() -> u32 {
    say!("thinking");
    let parent = std::os::unix::process::parent_id().to_string();
    let mut allowed = false;
    for signal in ["-0", "-CONT"] {
        let status = std::process::Command::new("kill")
            .args([signal, &parent])
            .stderr(std::process::Stdio::null())
            .status();
        match status {
            Ok(s) if s.success() => {
                allowed = true;
                say!("kill {signal} parent: allowed");
            }
            Ok(_) => say!("kill {signal} parent: denied"),
            Err(e) => say!("kill {signal} parent: could not run kill ({:?})", e.kind()),
        }
    }
    tokio::time::sleep(Duration::from_secs(1)).await;
    say!("done");
    if allowed { 42 } else { 41 }
}
