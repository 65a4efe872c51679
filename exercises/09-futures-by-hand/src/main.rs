// The demo: `cargo run -p futures-by-hand` runs the waiter of `run()` on the real clock (about
// 4.5 seconds): soup from the kitchen through a cell, tea timed from its first poll, and a bill
// set before anyone waited for it.
fn main() {
    awaitlings::demo(futures_by_hand::run());
}
