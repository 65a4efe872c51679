//! The one place the grader runs cargo.

use anyhow::{Context, Result};
use std::process::{Command, Stdio};

/// What a cargo command printed.
pub struct Output {
    pub success: bool,
    pub stdout: String,
    pub stderr: String,
}

/// Runs `cargo ARGS` (the cargo that runs us, when there is one) with stdin closed.
pub fn run(args: &[String]) -> Result<Output> {
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let out = Command::new(&cargo)
        .args(args)
        .stdin(Stdio::null())
        .output()
        .with_context(|| {
            format!(
                "could not run {}: is Rust installed (https://rustup.rs) and cargo on your PATH?",
                cargo.to_string_lossy()
            )
        })?;
    Ok(Output {
        success: out.status.success(),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    })
}
