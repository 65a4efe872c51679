use awaitlings::say;
use std::time::Duration;

pub async fn answer() -> u32 {
    say!("thinking");
    // 16 MiB at a time, every byte written (vec! fills it), all of it kept, and a millisecond's
    // sleep between two helpings: a task that buffers without end, never blocking the runtime for
    // long. Each helping ends in a real wait (the runtime parks and virtual time moves), so however
    // slowly a loaded machine fills the pages, no stretch of work is long enough to look like a
    // spin: only the memory limit can stop it. (A `yield_now` here made a loaded machine's verdict
    // "spinning": yields alone never let the runtime park.)
    let mut hoard: Vec<Vec<u8>> = Vec::new();
    loop {
        hoard.push(vec![1u8; 16 << 20]);
        tokio::time::sleep(Duration::from_millis(1)).await;
        if std::hint::black_box(hoard.len()) == usize::MAX {
            break;
        }
    }
    tokio::time::sleep(Duration::from_secs(1)).await;
    say!("done");
    hoard.len() as u32
}
