// The course's own build script for this exercise, and one that never finishes: the grader runs
// it (never the student's build.rs) and must stop it when the build runs out of time. It first
// adds its pid to $BUILD_PID_FILE, one line per run, so the test can see that it ran, how many
// times, and that it was stopped.
//
// With $BUILD_SCRIPT_ENDS set it ends at once instead: a test builds the crate so first, and the
// build script is compiled then, so that its limit later goes to the loop alone. Unsetting the
// variable makes cargo run the script again.
fn main() {
    println!("cargo:rerun-if-env-changed=BUILD_SCRIPT_ENDS");
    if std::env::var_os("BUILD_SCRIPT_ENDS").is_some() {
        return;
    }
    if let Some(path) = std::env::var_os("BUILD_PID_FILE") {
        use std::io::Write;
        let mut file = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(path)
            .expect("the pid file opens");
        writeln!(file, "{}", std::process::id()).expect("the pid is written");
    }
    loop {
        std::thread::sleep(std::time::Duration::from_secs(1));
    }
}
