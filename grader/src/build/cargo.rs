//! The one place the grader runs cargo: supervised like every child (its own process group, a
//! wall-clock limit, stopped on Ctrl-C), so a build script or a macro that never finishes cannot
//! hang the grader.

use crate::process::supervise::{self, Limits};
use anyhow::{Context, Result};
use std::process::Command;
use std::time::Duration;

/// What a cargo command printed.
pub struct Output {
    pub success: bool,
    pub timed_out: bool,
    pub stdout: String,
    pub stderr: String,
}

/// Runs `cargo ARGS` (the cargo that runs us, when there is one) with stdin closed, for at most
/// `timeout`.
pub fn run(args: &[String], timeout: Duration) -> Result<Output> {
    run_with(args, timeout, |_| {})
}

/// [`run`], with the command set up further by `setup` (its directory, its environment).
pub fn run_with(
    args: &[String],
    timeout: Duration,
    setup: impl FnOnce(&mut Command),
) -> Result<Output> {
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let mut cmd = Command::new(&cargo);
    cmd.args(args);
    setup(&mut cmd);
    let limits = Limits {
        timeout,
        // Cargo stops its rustc and build-script children itself on SIGTERM; give it a moment.
        grace: Duration::from_secs(1),
        // Cargo's JSON messages for a whole course are a few MB at most.
        cap: 64 << 20,
        flood: 0,
    };
    let out = supervise::run(cmd, None, &limits).with_context(|| {
        format!(
            "could not run {}: is Rust installed (https://rustup.rs) and cargo on your PATH?",
            cargo.to_string_lossy()
        )
    })?;
    Ok(Output {
        success: out.status.is_some_and(|s| s.success()),
        timed_out: out.timed_out,
        stdout: out.stdout.text(),
        stderr: out.stderr.text(),
    })
}
