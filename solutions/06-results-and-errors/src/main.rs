use results_and_errors_solution as results_and_errors;

// The demo: `cargo run -p results-and-errors` runs four downloads (one refused, one panicking)
// through collect_all, then through fail_fast, in real time (about 2.5 seconds). The panicking
// download prints tokio's panic message on stderr: that is the panic being *caught*, not a crash.
fn main() {
    awaitlings::demo(results_and_errors::run());
}
