//! The old support API let a submission rewrite what it said: no wait at all, and a transcript
//! that looks like a one-second wait.
use awaitlings::say;

pub async fn answer() -> u32 {
    say!("thinking");
    awaitlings::transcript::record();
    awaitlings::clock::start();
    awaitlings::transcript::record_line("  0.000s  thinking");
    awaitlings::transcript::record_line("  1.000s  done");
    42
}
