//! The notice that building the checks takes a while, on stderr: said only when a build really is
//! long, never on an ordinary re-check (a build after an edit takes a second or two, and a line
//! about "a minute" under every check only teaches a learner to stop reading).
//!
//! A build is long when it is the first one (nothing compiled yet: see [`Event::Building`]'s
//! `first`), said at once; or when it has already taken [`SLOW`] (a dependency changed, the
//! target folder was cleaned), said once, by a timer that the next event stops.
//! `AWAITLINGS_SLOW_BUILD_SECS` sets that time (the end-to-end tests set it high: on a loaded
//! machine an ordinary build can take longer than a few seconds, and no test may depend on it).

use crate::run::outcome::Event;
use std::sync::Arc;
use std::sync::mpsc::{self, RecvTimeoutError};
use std::thread::JoinHandle;
use std::time::Duration;

/// How long a build runs before it is said to be slow.
pub const SLOW: Duration = Duration::from_secs(5);

/// What the first build says.
pub const FIRST: &str =
    "Building the checks for the first time (this compiles tokio once: under a minute)...";

/// What a build that has taken `after` says.
pub fn slow(after: Duration) -> String {
    format!(
        "Still building the checks ({} s so far)...",
        after.as_secs_f64().round()
    )
}

/// Where the notice goes.
pub type Say = Arc<dyn Fn(&str) + Send + Sync>;

/// Watches the events of a run and says, when it must, that the build takes a while.
pub struct BuildNotice {
    /// Whether to say anything (a terminal, where someone waits).
    enabled: bool,
    after: Duration,
    say: Say,
    timer: Option<Timer>,
}

struct Timer {
    stop: mpsc::Sender<()>,
    thread: JoinHandle<()>,
}

impl BuildNotice {
    /// Says the notice on stderr when `enabled`, after [`slow_after`].
    pub fn new(enabled: bool) -> BuildNotice {
        BuildNotice::with(
            enabled,
            slow_after(),
            Arc::new(|text: &str| crate::errln!("{text}")),
        )
    }

    pub fn with(enabled: bool, after: Duration, say: Say) -> BuildNotice {
        BuildNotice {
            enabled,
            after,
            say,
            timer: None,
        }
    }

    /// Follows the run: `Building` starts the build, any other event means it is over.
    pub fn on(&mut self, event: &Event) {
        self.stop();
        let Event::Building { first, .. } = event else {
            return;
        };
        if !self.enabled {
            return;
        }
        if *first {
            (self.say)(FIRST);
            return;
        }
        let (stop, stopped) = mpsc::channel::<()>();
        let (after, say) = (self.after, self.say.clone());
        let thread = std::thread::spawn(move || {
            // Nothing is ever sent: the sender's drop is the build ending.
            if stopped.recv_timeout(after) == Err(RecvTimeoutError::Timeout) {
                say(&slow(after));
            }
        });
        self.timer = Some(Timer { stop, thread });
    }

    /// Stops the timer; once this returns, it says nothing more.
    fn stop(&mut self) {
        if let Some(Timer { stop, thread }) = self.timer.take() {
            drop(stop);
            let _ = thread.join();
        }
    }
}

impl Drop for BuildNotice {
    fn drop(&mut self) {
        self.stop();
    }
}

/// [`SLOW`], or `AWAITLINGS_SLOW_BUILD_SECS` when it is a number of seconds.
pub fn slow_after() -> Duration {
    std::env::var("AWAITLINGS_SLOW_BUILD_SECS")
        .ok()
        .and_then(|s| s.trim().parse::<f64>().ok())
        .and_then(|s| Duration::try_from_secs_f64(s).ok())
        .unwrap_or(SLOW)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Mutex;

    fn notice(enabled: bool, after: Duration) -> (BuildNotice, Arc<Mutex<Vec<String>>>) {
        let said = Arc::new(Mutex::new(Vec::new()));
        let to = said.clone();
        let say: Say = Arc::new(move |text: &str| to.lock().unwrap().push(text.to_string()));
        (BuildNotice::with(enabled, after, say), said)
    }

    fn building(first: bool) -> Event {
        Event::Building { count: 1, first }
    }

    fn finished() -> Event {
        Event::Finished {
            results: Vec::new(),
            wall: Duration::ZERO,
        }
    }

    #[test]
    fn the_first_build_is_announced_at_once_and_an_ordinary_one_not_at_all() {
        let (mut n, said) = notice(true, Duration::from_secs(3600));
        n.on(&building(true));
        n.on(&finished());
        assert_eq!(*said.lock().unwrap(), vec![FIRST.to_string()]);
        // A re-check: its build ends long before the timer.
        n.on(&building(false));
        n.on(&finished());
        n.on(&building(false));
        drop(n);
        assert_eq!(said.lock().unwrap().len(), 1, "{:?}", said.lock().unwrap());
    }

    #[test]
    fn a_build_that_takes_long_is_said_once_and_nothing_after_it_ends() {
        let (mut n, said) = notice(true, Duration::ZERO);
        n.on(&building(false));
        // The timer fires at once; wait for it (however loaded the machine) rather than time it.
        while said.lock().unwrap().is_empty() {
            std::thread::sleep(Duration::from_millis(1));
        }
        n.on(&finished());
        n.on(&finished());
        assert_eq!(*said.lock().unwrap(), vec![slow(Duration::ZERO)]);
    }

    #[test]
    fn off_a_terminal_nothing_is_said() {
        let (mut n, said) = notice(false, Duration::ZERO);
        n.on(&building(true));
        n.on(&building(false));
        drop(n);
        assert!(said.lock().unwrap().is_empty());
    }
}
