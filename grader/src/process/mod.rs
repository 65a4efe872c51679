//! Child processes, owned: every one in its own process group, with limits and a timeout,
//! stopped with SIGTERM, a grace period and SIGKILL, and none left running when the grader is
//! interrupted.
//!
//! - [`supervise`]: groups, limits, draining output, shutdown;
//! - [`signals`]: Ctrl-C and SIGTERM stop every child.

pub mod signals;
pub mod supervise;
