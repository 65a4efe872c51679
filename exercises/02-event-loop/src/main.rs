// The Python round-robin demo, run by your executor: `cargo run -p event-loop`.
// No tokio here: `round_robin` builds an `Executor`, spawns three `count` tasks and runs them.
fn main() {
    for line in event_loop::round_robin() {
        println!("{line}");
    }
}
