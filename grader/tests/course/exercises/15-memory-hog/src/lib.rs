use awaitlings::say;
use std::time::Duration;

pub async fn answer() -> u32 {
    say!("thinking");
    // 16 MiB at a time, every byte written (vec! fills it), all of it kept, and a yield between
    // two helpings: a task that buffers without end, never blocking the runtime for long (each
    // helping is a short step, so only the memory limit can stop it).
    let mut hoard: Vec<Vec<u8>> = Vec::new();
    loop {
        hoard.push(vec![1u8; 16 << 20]);
        tokio::task::yield_now().await;
        if std::hint::black_box(hoard.len()) == usize::MAX {
            break;
        }
    }
    tokio::time::sleep(Duration::from_secs(1)).await;
    say!("done");
    hoard.len() as u32
}
