// A build script that tries to replace the hidden checks with none at all. The reference crate
// has no build script, so the grader must never run this one. It only touches the files the test
// names (never a guessed path), and leaves a marker when it runs.
fn main() {
    if let Some(path) = std::env::var_os("BUILD_RAN_MARKER") {
        let _ = std::fs::write(path, "the student's build script ran");
    }
    if let Some(path) = std::env::var_os("CHECKS_FILE_TO_OVERWRITE") {
        let _ = std::fs::write(
            path,
            "pub fn checks() -> Vec<awaitlings_check::Check> { Vec::new() }\n",
        );
    }
}
