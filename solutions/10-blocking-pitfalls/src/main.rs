use blocking_pitfalls_solution as blocking_pitfalls;

// The demo: `cargo run -p blocking-pitfalls` counts the primes below 1,000,000 and the lines of a
// small report on a slow disk (1 s), while a heartbeat ticks every 100 ms, in real time (about
// 1.5 s). Watch the ticks keep coming while both jobs work; then move a job back onto the
// runtime (call `(job.work)()` directly in run_jobs) and watch the heartbeat freeze.
fn main() {
    let dir = std::env::temp_dir().join("awaitlings-blocking-pitfalls");
    let path = dir.join("report.txt");
    if let Err(error) = std::fs::create_dir_all(&dir).and_then(|()| std::fs::write(&path, REPORT)) {
        eprintln!("could not write {}: {error}", path.display());
        return;
    }
    awaitlings::demo(blocking_pitfalls::run(1_000_000, &path, 15));
}

/// The report the demo counts the lines of.
const REPORT: &str = "disk: slow\nnetwork: fine\ncpu: busy\nheartbeat: steady";
