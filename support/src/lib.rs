//! # awaitlings: the support API your exercise code prints through
//!
//! Every exercise that prints uses [`say!`] instead of `println!`. It stamps each line with the
//! *virtual* time since the run started, so the same program prints the same transcript every
//! time:
//!
//! ```text
//!   0.000s  up 0
//!   0.300s  up 1
//! ```
//!
//! - In the demo binaries (`cargo run -p interleaved-tasks`), time is real: [`demo`] starts a tokio
//!   runtime on the wall clock and `say!` prints as the lines happen.
//! - Under the grader, time is paused and the grader's harness takes each line instead: it stamps
//!   it with its own clock, records it (with the tokio task that said it, so `grader run` can show
//!   one column per task: say a line from inside a spawned task and it lands in that task's
//!   column; a line said outside any spawned task goes in the column `main`) and compares the
//!   transcript with the expected one, timestamps included.
//!
//! The API is append-only on purpose: your code can say lines, and nothing else. There is nothing
//! here that reads, rewrites or clears a transcript, or resets a clock.
//!
//! Layout: [`say!`] and [`format_line`] make lines; [`demo`] runs a future the way the demo
//! binaries do.

mod clock;
mod transcript;

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
        $crate::__private::say(::std::format!($($arg)*))
    };
}

/// What the [`say!`] macro and the grader's harness need: not for exercise code.
#[doc(hidden)]
pub mod __private {
    pub use crate::transcript::{install_sink, say};
}

/// Runs `future` to completion on a single-threaded tokio runtime in real time, the way every demo
/// binary does. The clock (and so every `say!` timestamp) starts at zero here: a demo in parts
/// calls `demo` once per part.
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
