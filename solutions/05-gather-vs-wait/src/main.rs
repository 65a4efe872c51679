use gather_vs_wait_solution as gather_vs_wait;

// The demo: `cargo run -p gather-vs-wait` runs `run()` in real time (about 16 seconds): the same
// jobs waited for with gather, as_completed, first_completed and wait_with_timeout. Each line
// shows the time since the start, the way the grader's transcripts do.
fn main() {
    awaitlings::demo(gather_vs_wait::run());
}
