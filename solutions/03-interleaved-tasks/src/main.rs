use interleaved_tasks_solution as interleaved_tasks;

// The demo: `cargo run -p interleaved-tasks` runs your `run_all(5, 2)` in real time, so you can
// watch the three tasks take turns (it takes about 5 seconds). Each line shows the time since the
// start, the way the grader's transcripts do.
fn main() {
    awaitlings::demo(interleaved_tasks::run_all(5, 2));
}
