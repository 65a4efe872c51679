// The demo: `cargo run -p results-and-errors` runs your `run()` in real time (about 2.5 seconds):
// four downloads, one refused and one panicking, through collect_all, then through fail_fast.
// The panicking download prints its panic message on stderr: that is the panic happening inside
// its task, where tokio catches it. Your code decides what becomes of it.
fn main() {
    awaitlings::demo(results_and_errors::run());
}
