//! The `grader` binary: see the library's crate documentation for how it is laid out.

fn main() -> std::process::ExitCode {
    grader::commands::cli::main()
}
