// The student's build script, which does no harm: the course's crate has a build script of its
// own, and the grader runs that one, never this. It leaves a marker at $STUDENT_BUILD_MARKER if it
// ever runs.
fn main() {
    if let Some(path) = std::env::var_os("STUDENT_BUILD_MARKER") {
        let _ = std::fs::write(path, "the student's build script ran");
    }
}
