//! Turning a finished check process into an outcome. The only pass is a well-formed report signed
//! with the job's nonce, from a process that then exited cleanly: an exit status of 0, or
//! "test ... ok" on stdout, is never a pass by itself.

use crate::process::supervise::Finished;
use crate::run::outcome::{Kind, Outcome, Verdict};
use awaitlings_check::protocol::Report;
use std::process::ExitStatus;
use std::time::Duration;

/// The limits a check ran under, for the messages.
pub struct Context {
    pub timeout: Duration,
    pub flood_bytes: u64,
    pub memory_bytes: u64,
}

/// The outcome of a check process that ended as `f`, having written `report` (if anything).
pub fn interpret(f: &Finished, report: Option<&str>, nonce: &str, cx: &Context) -> Outcome {
    let stderr = f.stderr.text();
    let mut outcome = match report.map(|r| Report::decode(r, nonce)) {
        // The flood was seen from outside and the check stopped for it: whatever report there
        // is came from a process that was still printing past the limit.
        _ if f.flooded => Outcome::failed(
            Kind::OutputFlood,
            format!(
                "printed more than {} of output, so the check was stopped. A print inside a loop \
                 that never ends? The first lines are kept below.",
                mib(cx.flood_bytes)
            ),
        ),
        Some(Err(e)) => Outcome::failed(
            Kind::Forged,
            format!(
                "the check's report is not one the grader's harness wrote for this check ({e}), so \
                 it does not count. Did your code write into the grader's files?"
            ),
        ),
        Some(Ok(r)) => from_report(r, f),
        None if f.timed_out => Outcome::failed(
            Kind::TimedOut,
            format!(
                "timed out after {} s of real time and was stopped. Something kept it from ever \
                 finishing: a loop that never awaits, a blocking call, or a spawn_blocking task \
                 that never returns (which also freezes tokio's paused clock).",
                cx.timeout.as_secs_f64()
            ),
        ),
        None => match f.status {
            Some(status) if out_of_memory(status, &stderr) => Outcome::failed(
                Kind::OutOfMemory,
                format!(
                    "used more than {} of memory: an allocation failed and the process was \
                     stopped. Something keeps growing: a collection that is never emptied, a task \
                     spawned in a loop without end, a recursion that allocates.",
                    mib(cx.memory_bytes)
                ),
            ),
            Some(status) if status.code().is_some() => Outcome::failed(
                Kind::ExitedEarly,
                format!(
                    "the process exited ({}) before the check finished, so the check cannot pass. \
                     Does your code call std::process::exit? Return from the function instead.",
                    describe(status)
                ),
            ),
            Some(status) => {
                let extra = if stderr.contains("overflowed its stack") {
                    " It overflowed its stack: unbounded recursion? (An async fn that awaits itself needs Box::pin.)"
                } else {
                    ""
                };
                Outcome::failed(
                    Kind::Crashed,
                    format!("the process crashed ({}).{extra}", describe(status)),
                )
            }
            None => Outcome::failed(Kind::Crashed, "the process could not be waited for"),
        },
    };
    outcome.wall_ms = f.wall.as_secs_f64() * 1000.0;
    outcome.stdout = f.stdout.summary();
    outcome.stderr = f.stderr.summary();
    outcome
}

fn from_report(r: Report, f: &Finished) -> Outcome {
    let clean = f.status.is_some_and(|s| s.success());
    let verdict = match r.verdict {
        Verdict::Passed if !clean => Verdict::failed(
            Kind::Crashed,
            format!(
                "the check passed, but then the process did not end cleanly ({})",
                f.status.map_or("it was stopped".into(), describe)
            ),
        ),
        v => v,
    };
    Outcome {
        verdict,
        finished: r.finished,
        expected: r.expected,
        actual: r.actual,
        transcript: r.transcript,
        transcript_tasks: r.transcript_tasks,
        transcript_dropped: r.transcript_dropped,
        compared: r.compared,
        panics: r.panics,
        virtual_ms: Some(r.virtual_ms),
        sandbox: r.sandbox,
        judged: r.judged,
        seeded: r.seeded,
        ..Outcome::failed(Kind::Crashed, "")
    }
}

/// Rust aborts with "memory allocation of N bytes failed" when an allocation fails.
fn out_of_memory(status: ExitStatus, stderr: &str) -> bool {
    status.code().is_none() && stderr.contains("memory allocation of")
}

fn mib(bytes: u64) -> String {
    if bytes >= 1 << 30 && bytes.is_multiple_of(1 << 30) {
        format!("{} GiB", bytes >> 30)
    } else {
        format!("{} MiB", bytes >> 20)
    }
}

pub fn describe(status: ExitStatus) -> String {
    #[cfg(unix)]
    {
        use std::os::unix::process::ExitStatusExt;
        if let Some(signal) = status.signal() {
            let name = match signal {
                6 => " (SIGABRT: an abort, such as std::process::abort or a panic during a panic)",
                9 => " (SIGKILL)",
                11 => " (SIGSEGV)",
                15 => " (SIGTERM)",
                _ => "",
            };
            return format!("killed by signal {signal}{name}");
        }
    }
    match status.code() {
        Some(code) => format!("exit status {code}"),
        None => "no exit status".into(),
    }
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;
    use crate::process::supervise::Captured;
    use std::os::unix::process::ExitStatusExt;

    fn finished(status: Option<i32>) -> Finished {
        Finished {
            status: status.map(|c| ExitStatus::from_raw(c << 8)),
            timed_out: status.is_none(),
            flooded: false,
            stdout: Captured::default(),
            stderr: Captured::default(),
            wall: Duration::ZERO,
        }
    }

    fn cx() -> Context {
        Context {
            timeout: Duration::from_secs(3),
            flood_bytes: 1 << 20,
            memory_bytes: 1 << 30,
        }
    }

    #[test]
    fn exiting_zero_without_a_report_is_not_a_pass() {
        let o = interpret(&finished(Some(0)), None, "n", &cx());
        assert_eq!(o.kind(), Some(Kind::ExitedEarly));
    }

    #[test]
    fn only_a_report_signed_with_the_nonce_passes() {
        let pass = Report::new(Verdict::Passed).encode("n");
        assert!(interpret(&finished(Some(0)), Some(&pass), "n", &cx()).passed());
        let o = interpret(&finished(Some(0)), Some(&pass), "other", &cx());
        assert_eq!(o.kind(), Some(Kind::Forged));
        let o = interpret(&finished(Some(0)), Some("test ... ok"), "n", &cx());
        assert_eq!(o.kind(), Some(Kind::Forged));
    }

    #[test]
    fn no_status_means_timed_out() {
        let o = interpret(&finished(None), None, "n", &cx());
        assert_eq!(o.kind(), Some(Kind::TimedOut));
        assert!(o.message().contains("3 s"), "{}", o.message());
    }
}
