use timeouts_and_cancellation_solution as timeouts_and_cancellation;

// The demo: `cargo run -p timeouts-and-cancellation` runs the kitchen of `run()` on the real clock
// (about 8 seconds): a kettle in time, an oven timed out, a mixer aborted (and cleaned up), bread
// left rising while three prep steps race one deadline, then collected.
fn main() {
    awaitlings::demo(timeouts_and_cancellation::run());
}
