// The course's own build script for this exercise, and one that never finishes: the grader runs
// it (never the student's build.rs) and must stop it when the build runs out of time. It first
// writes its pid to $BUILD_PID_FILE, so the test can see that it ran and that it was stopped.
fn main() {
    if let Some(path) = std::env::var_os("BUILD_PID_FILE") {
        std::fs::write(path, std::process::id().to_string()).expect("the pid is written");
    }
    loop {
        std::thread::sleep(std::time::Duration::from_secs(1));
    }
}
