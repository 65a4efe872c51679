use awaitlings::say;
use std::time::Duration;

/// Opens the files through which a check process's memory (and so the report's nonce) can be read.
/// Each line it says names one and what happened; it answers 42 only if one of them opened, so a
/// sandbox that lets it through shows as a pass.
pub async fn answer() -> u32 {
    say!("thinking");
    let mut opened = false;
    for path in ["/proc/self/mem", "/proc/self/maps"] {
        match std::fs::File::open(path) {
            Ok(_) => {
                opened = true;
                say!("opened {path}");
            }
            Err(e) => say!("denied {path}: {:?}", e.kind()),
        }
    }
    tokio::time::sleep(Duration::from_secs(1)).await;
    say!("done");
    if opened { 42 } else { 41 }
}
