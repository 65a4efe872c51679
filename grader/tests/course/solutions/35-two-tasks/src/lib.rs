//! Two tasks, `tick` and `tock`, spawned side by side: their lines interleave, and `run()` says
//! `start` and `end` outside them (the picture's `main` lane).

use awaitlings::say;
use std::time::Duration;

async fn count(name: &'static str, step_ms: u64, times: u32) {
    for i in 0..times {
        if i > 0 {
            tokio::time::sleep(Duration::from_millis(step_ms)).await;
        }
        say!("{name} {i}");
    }
}

pub async fn run() {
    say!("start");
    let tick = tokio::spawn(count("tick", 300, 4));
    let tock = tokio::spawn(count("tock", 500, 3));
    tick.await.unwrap();
    tock.await.unwrap();
    say!("end");
}
