use awaitlings::say;
use std::time::Duration;

/// Makes a file in its working directory and gives it to user 1: only a process with the
/// CAP_CHOWN capability can (root, unless the check process dropped its capabilities). It answers
/// 42 only if it could.
pub async fn answer() -> u32 {
    say!("thinking");
    let mine = std::path::Path::new("mine");
    let _ = std::fs::write(mine, "x");
    let given = std::os::unix::fs::chown(mine, Some(1), Some(1));
    match &given {
        Ok(()) => say!("chown: allowed"),
        Err(e) => say!("chown: denied ({:?})", e.kind()),
    }
    tokio::time::sleep(Duration::from_secs(1)).await;
    say!("done");
    if given.is_ok() { 42 } else { 41 }
}
