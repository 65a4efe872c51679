//! # awaitlings: the support API your exercise code prints through
//!
//! Every exercise that prints uses [`say!`] instead of `println!`. It stamps each line with the
//! *virtual* time since the runtime started, so the same program prints the same transcript every
//! time:
//!
//! ```text
//!   0.000s  up 0
//!   0.300s  up 1
//! ```
//!
//! - In the demo binaries (`cargo run -p interleaved-tasks`), time is real: [`demo`] starts a tokio
//!   runtime on the wall clock and `say!` prints as the lines happen.
//! - Under the grader, time is paused and the checks also *record* each line (see [`transcript`]),
//!   so they can compare your transcript with the expected one, timestamps included.
//! - The recording also notes which tokio task said each line (`tokio::task::try_id()`), so
//!   `grader run` can show one column per task. Nothing to do for that in your code: `say!` from
//!   inside a spawned task and the line lands in that task's column; a line said outside any
//!   spawned task goes in the column `main`.
//!
//! Layout: [`clock`] knows when the run started; [`transcript`] formats, prints and records lines;
//! [`demo`] runs a future the way the demo binaries do.

pub mod clock;
pub mod transcript;

pub use transcript::format_line;

/// Prints one transcript line, stamped with the virtual time since the run started.
///
/// Takes the same arguments as `println!`:
///
/// ```
/// awaitlings::say!("up {}", 3);
/// ```
#[macro_export]
macro_rules! say {
    ($($arg:tt)*) => {
        $crate::transcript::say(::std::format!($($arg)*))
    };
}

/// Runs `future` to completion on a single-threaded tokio runtime in real time, the way every demo
/// binary does. The clock (and so every `say!` timestamp) starts at zero here.
///
/// ```no_run
/// awaitlings::demo(async {
///     awaitlings::say!("hello");
/// });
/// ```
pub fn demo<F: std::future::Future>(future: F) -> F::Output {
    // Time and I/O: a demo may serve and fetch on loopback (exercises 11 and 12).
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("could not start a tokio runtime");
    runtime.block_on(async {
        clock::start();
        future.await
    })
}
