//! The `main` of every generated harness binary.
//!
//! ```text
//! check-<slug> list        one line per check: name, points, "main" or "-", what it checks (tab-separated)
//! check-<slug> run NAME    run one check; the verdict goes to $AWAITLINGS_REPORT (see `report`)
//! ```
//!
//! The grader runs one process per check, so a check that crashes, hangs or calls
//! `std::process::exit` takes nothing else down with it, and global state (the clock, the
//! transcript, the panic list) starts fresh every time.

use crate::check::{Check, Fail, Kind, secs};
use crate::{monitor, panics, report::Report};
use std::time::{Duration, Instant};

/// Default limit on one uninterrupted busy stretch of the runtime thread (real time).
const BLOCKED_AFTER: Duration = Duration::from_millis(300);

/// Entry point: `fn main() { awaitlings_check::harness::main(checks::checks()) }`.
pub fn main(checks: Vec<Check>) {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args
        .iter()
        .map(String::as_str)
        .collect::<Vec<_>>()
        .as_slice()
    {
        ["list"] => {
            for c in &checks {
                let main = if c.main { "main" } else { "-" };
                println!("{}\t{}\t{}\t{}", c.name, c.points, main, c.about);
            }
        }
        ["run", name] => match checks.iter().find(|c| c.name == *name) {
            Some(check) => run(check),
            None => {
                eprintln!("no check named {name:?}; `list` shows them");
                std::process::exit(2);
            }
        },
        _ => {
            eprintln!("usage: check-<exercise> list | run NAME");
            std::process::exit(2);
        }
    }
}

fn run(check: &Check) {
    panics::install();
    let started = Instant::now();
    let blocked_after = std::env::var("AWAITLINGS_BLOCKED_MS")
        .ok()
        .and_then(|ms| ms.parse().ok())
        .map_or(BLOCKED_AFTER, Duration::from_millis);

    let mut builder = tokio::runtime::Builder::new_current_thread();
    builder
        .enable_time()
        .start_paused(check.paused)
        .on_thread_park(monitor::on_park)
        .on_thread_unpark(monitor::on_unpark);
    let runtime = match builder.build() {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("could not start the tokio runtime: {e}");
            std::process::exit(3);
        }
    };

    monitor::watch(blocked_after, move |kind, message| {
        Report {
            passed: false,
            kind: Some(kind.as_str()),
            message,
            transcript: awaitlings::transcript::try_recorded().unwrap_or_default(),
            panics: panics::recorded(),
            wall_ms: ms(started.elapsed()),
            ..Report::default()
        }
        .write();
        std::process::exit(1);
    });

    let (result, virtual_time) = runtime.block_on(async {
        monitor::on_unpark();
        crate::expect::restart();
        let body = panics::CatchUnwind((check.body)());
        let result = tokio::time::timeout(check.watchdog, body).await;
        (result, awaitlings::clock::elapsed())
    });

    let recorded_panics = panics::recorded();
    let verdict = match result {
        Ok(Ok(verdict)) => verdict,
        Ok(Err(())) => Err(Fail::new(Kind::Panicked, String::new())),
        Err(_) => Err(Fail::new(
            Kind::Deadlock,
            format!(
                "never finished: still waiting after {} of virtual time. Under paused time the \
                 clock only jumps this far when nothing else can ever happen, so something awaits \
                 an event that never comes: a channel nobody sends on (or whose sender is still \
                 alive), a task that is never spawned, a lock that is never released.",
                secs(check.watchdog)
            ),
        )),
    };
    let verdict = verdict.map_err(|fail| explain_panics(fail, &recorded_panics));

    let mut report = Report {
        passed: verdict.is_ok(),
        transcript: awaitlings::transcript::recorded(),
        panics: recorded_panics,
        virtual_ms: ms(virtual_time),
        wall_ms: ms(started.elapsed()),
        ..Report::default()
    };
    if let Err(fail) = verdict {
        report.kind = Some(fail.kind.as_str());
        report.message = fail.message;
        report.expected = fail.expected;
        report.actual = fail.actual;
    }
    report.write();
    // Exit now rather than dropping the runtime: a student's task stuck in a blocking call would
    // make the drop wait for it.
    std::process::exit(0);
}

/// A failure while something panicked is usually *because* it panicked: say so. A `todo!()`
/// reached anywhere (even in a spawned task) means "not implemented yet", whatever else went wrong.
fn explain_panics(fail: Fail, panics: &[String]) -> Fail {
    if let Some(todo) = panics.iter().find(|p| panics::is_not_implemented(p)) {
        return Fail {
            kind: Kind::NotImplemented,
            message: format!(
                "not implemented yet: the code reached `{todo}`. Replace the `todo!()` with your code."
            ),
            ..fail
        };
    }
    match (fail.kind, panics.first()) {
        (Kind::Panicked, Some(first)) => Fail {
            message: format!("panicked: {first}"),
            ..fail
        },
        (Kind::Panicked, None) => Fail {
            message: "panicked (no message was recorded)".into(),
            ..fail
        },
        (_, Some(first)) => Fail {
            message: format!("{} (a task panicked on the way: {first})", fail.message),
            ..fail
        },
        (_, None) => fail,
    }
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}
