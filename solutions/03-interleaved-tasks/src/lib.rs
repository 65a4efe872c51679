//! Exercise 03, solved: three counters spawned as tasks, so their lines interleave.
//!
//! Each counter is an ordinary `async fn` that says a line, sleeps, says the next line, and so on.
//! Awaited alone, it runs start to finish. Handed to `tokio::spawn`, it becomes a *task*: the
//! runtime runs it on its own, and whenever one task sleeps, another gets its turn. Three tasks
//! with three different steps weave their lines together, and the whole run lasts as long as the
//! slowest of them (4.9 s for `run_all(5, 2)`), not the sum of all three (8.9 s).

use awaitlings::say;
use std::time::Duration;
use tokio::task::JoinHandle;
use tokio::time::sleep;

/// The pause between two lines of [`up`].
pub const UP_STEP: Duration = Duration::from_millis(300);
/// The pause between two lines of [`down`].
pub const DOWN_STEP: Duration = Duration::from_millis(500);
/// The pause between two lines of [`powers`].
pub const POWERS_STEP: Duration = Duration::from_millis(700);

/// Says `up 0`, `up 1`, ..., `up {maximum}`, sleeping [`UP_STEP`] between two lines.
pub async fn up(maximum: u32) {
    for i in 0..=maximum {
        // Sleep *before* every line but the first: that puts the pauses between the lines, and
        // none after the last one (which would make the caller wait for nothing).
        if i > 0 {
            // `tokio::time::sleep` hands the thread back to the runtime while it waits: this is
            // the moment the other tasks run. `std::thread::sleep` would freeze all of them.
            sleep(UP_STEP).await;
        }
        say!("up {i}");
    }
}

/// Says `down {maximum}`, ..., `down 1`, `down 0`, sleeping [`DOWN_STEP`] between two lines.
pub async fn down(maximum: u32) {
    for i in (0..=maximum).rev() {
        if i < maximum {
            sleep(DOWN_STEP).await;
        }
        say!("down {i}");
    }
}

/// Says `{n}^{k} = {n to the power k}` for k = 0, 1, ..., 7, sleeping [`POWERS_STEP`] between two
/// lines.
pub async fn powers(n: u64) {
    for k in 0..=7 {
        if k > 0 {
            sleep(POWERS_STEP).await;
        }
        say!("{n}^{k} = {}", n.pow(k));
    }
}

/// Spawns `up(maximum)`, `down(maximum)` and `powers(n)` as three tasks and returns their handles,
/// without waiting for them.
///
/// Must be called inside a tokio runtime (`tokio::spawn` needs one to hand the tasks to).
pub fn spawn_all(maximum: u32, n: u64) -> Vec<JoinHandle<()>> {
    // Calling `up(maximum)` only builds a future: nothing runs yet. `tokio::spawn` gives that
    // future to the runtime, which from now on polls it whether or not anyone awaits the handle.
    // (This is `asyncio.create_task`.) The tasks get their first turn as soon as the code that
    // spawned them reaches an `.await` that waits.
    vec![
        tokio::spawn(up(maximum)),
        tokio::spawn(down(maximum)),
        tokio::spawn(powers(n)),
    ]
}

/// Runs `up(maximum)`, `down(maximum)` and `powers(n)` side by side as tasks and returns when all
/// three have finished. A panic in any of them panics here too.
pub async fn run_all(maximum: u32, n: u64) {
    let handles = spawn_all(maximum, n);
    // Awaiting the handles one by one is fine: the tasks are already running, all three at once.
    // While we wait for the first handle, the other two tasks keep going; by the time it is done,
    // they have made progress of their own. So this loop takes as long as the slowest task, like
    // `asyncio.gather(*tasks)`.
    for handle in handles {
        // A task that panics does not take the caller down with it: tokio catches the panic and
        // returns it as a `JoinError` from the handle. Surface it, rather than hide it.
        handle
            .await
            .expect("a task spawned by run_all panicked (its own message is printed above)");
    }
}
