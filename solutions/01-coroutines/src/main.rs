use coroutines_solution as coroutines;

// The demo: `cargo run -p coroutines` runs your three functions on the real clock, so you can watch
// (and time) what the grader checks under paused time. Each part is a demo of its own, so its
// clock (and every `say!` timestamp) starts at 0.

use coroutines::{breakfast_in_sequence, breakfast_together, step};
use std::time::Duration;
use tokio::time::Instant;

fn main() {
    awaitlings::demo(async {
        let started = Instant::now();
        println!("1. calling step(\"tea\", 1) only builds a future; we await it 1 s later");
        let tea = step("tea", 1);
        tokio::time::sleep(Duration::from_secs(1)).await;
        let tea = tea.await;
        println!("   `start tea` came when it was awaited, not when it was called");
        report(&[tea], started);
    });

    awaitlings::demo(async {
        let started = Instant::now();
        println!("2. breakfast_in_sequence(): each step awaited before the next one starts");
        report(&breakfast_in_sequence().await, started);
    });

    awaitlings::demo(async {
        let started = Instant::now();
        println!("3. breakfast_together(): the three steps joined with tokio::join!");
        report(&breakfast_together().await, started);
    });
}

fn report(names: &[String], started: Instant) {
    let took = started.elapsed().as_secs_f64();
    println!("   returned {names:?}, {took:.1} s after the clock started\n");
}
