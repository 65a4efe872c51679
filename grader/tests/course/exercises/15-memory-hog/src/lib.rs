use awaitlings::say;
use std::time::Duration;

pub async fn answer() -> u32 {
    say!("thinking");
    // A collection that is never emptied, filled in a loop that never awaits: 1 MiB at a time,
    // a byte in every four computed and written (so every page is touched, and filling takes
    // about half a second of CPU in a debug build, more than the monitor's 300 ms limit even on
    // an idle machine). Both "spinning" and "out of memory" describe it; the grader must say out
    // of memory, which names the cause, however slowly a loaded machine fills the pages: the
    // monitor leaves a stretch that keeps taking memory to the memory limit.
    let mut hoard: Vec<Vec<u8>> = Vec::new();
    loop {
        let mut helping = vec![0u8; 1 << 20];
        let mut at = 0;
        while at < helping.len() {
            helping[at] = std::hint::black_box(at as u8);
            at += 4;
        }
        hoard.push(helping);
        if std::hint::black_box(hoard.len()) == usize::MAX {
            break;
        }
    }
    tokio::time::sleep(Duration::from_secs(1)).await;
    say!("done");
    hoard.len() as u32
}
