//! Process supervision: every child the grader starts (cargo, a harness listing its checks, a
//! check) runs through here, and so is owned.
//!
//! - Each child runs in a process group of its own (Unix), so whatever it starts goes with it.
//! - Its standard input is a job (written by a thread, then closed) or nothing.
//! - Its output is drained by threads of their own, keeping the first `cap` bytes of each stream
//!   and counting the rest; past `flood` bytes in all, the child is stopped.
//! - A wall-clock limit: past it the group gets SIGTERM, a short grace, then SIGKILL.
//! - After the child exits, the group is killed (a grandchild it left behind), and its pipes are
//!   drained for a short grace only: a process that escaped the group but still holds the pipe
//!   never makes the grader wait.
//! - Every live group is in a registry: on SIGINT or SIGTERM the grader stops them all (see
//!   [`crate::process::signals`]), so no child outlives the grader, and no child stopped that way is
//!   mistaken for one that crashed.
//! - On Linux, while checks run, the grader is a child subreaper ([`adopting`]): a process that
//!   left its check's group (`setsid`) and outlived the check is handed to the grader instead of
//!   to init, and is killed (with anything it started in turn) when the check ends.

use std::collections::HashSet;
use std::io::{Read, Write};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::mpsc;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// How long the pipes are drained after the child has exited.
const DRAIN_GRACE: Duration = Duration::from_millis(300);

/// What a supervised run may use.
#[derive(Clone, Debug)]
pub struct Limits {
    /// Wall-clock limit.
    pub timeout: Duration,
    /// Between SIGTERM and SIGKILL.
    pub grace: Duration,
    /// Bytes kept of each of stdout and stderr.
    pub cap: usize,
    /// Bytes of output in all (stdout and stderr) after which the child is stopped; 0 = none.
    pub flood: u64,
}

/// Output read from a pipe: the first `cap` bytes, and how many there were in all.
#[derive(Clone, Debug, Default)]
pub struct Captured {
    pub bytes: Vec<u8>,
    pub total: u64,
}

impl Captured {
    /// The kept bytes as text (invalid UTF-8 replaced, never an error).
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.bytes).into_owned()
    }

    /// The kept text, with a note when some of it was not kept.
    pub fn summary(&self) -> String {
        let kept = self.bytes.len() as u64;
        if self.total > kept {
            format!(
                "{}\n[... {} bytes in all; only the first {} were kept]",
                self.text(),
                self.total,
                kept
            )
        } else {
            self.text()
        }
    }
}

/// How a supervised child ended.
#[derive(Debug)]
pub struct Finished {
    /// `None` when it was stopped (timeout, flood, shutdown) rather than exiting by itself.
    pub status: Option<ExitStatus>,
    pub timed_out: bool,
    pub flooded: bool,
    pub stdout: Captured,
    pub stderr: Captured,
    pub wall: Duration,
}

/// Runs `cmd` under `limits`, with `stdin` as its input (or none). Errors only when it cannot be
/// started at all.
pub fn run(mut cmd: Command, stdin: Option<String>, limits: &Limits) -> std::io::Result<Finished> {
    let started = Instant::now();
    let mut child = spawn(&mut cmd, stdin.is_some())?;
    let pid = child.id();

    if let (Some(mut pipe), Some(text)) = (child.stdin.take(), stdin) {
        std::thread::spawn(move || {
            let _ = pipe.write_all(text.as_bytes());
        });
    }
    let (events, rx) = mpsc::channel::<Event>();
    let total = Arc::new(AtomicU64::new(0));
    let out = drain(child.stdout.take(), limits, &total, events.clone());
    let err = drain(child.stderr.take(), limits, &total, events.clone());
    wait_in_thread(child, events);

    // A limit too far to add is no limit the grader could ever wait out: a day at most.
    let deadline = started
        .checked_add(limits.timeout)
        .unwrap_or(started + Duration::from_secs(86_400));
    let (status, timed_out, flooded) = wait_for_end(pid, &rx, deadline, limits.grace);
    // Whatever the child left behind in its group goes with it, and so does anything it started
    // that left the group (adopted by us, see `adopting`).
    kill_group(pid, Signal::Kill);
    {
        let mut live = registry();
        live.remove(&pid);
        sweep_orphans(&live);
    }
    if SHUTTING_DOWN.load(Ordering::SeqCst) {
        halt();
    }
    let until = Instant::now() + DRAIN_GRACE;
    let stdout = out.collect(until);
    let stderr = err.collect(until);
    Ok(Finished {
        status: if timed_out || flooded { None } else { status },
        timed_out,
        flooded,
        stdout,
        stderr,
        wall: started.elapsed(),
    })
}

/// Starts `cmd` in a process group of its own, its output piped (and its input, when
/// `stdin`), and registers it for the shutdown to stop.
fn spawn(cmd: &mut Command, stdin: bool) -> std::io::Result<Child> {
    cmd.stdin(if stdin { Stdio::piped() } else { Stdio::null() })
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    #[cfg(unix)]
    {
        use std::os::unix::process::CommandExt;
        cmd.process_group(0);
        // No signal mask to clear: the grader never blocks a signal (see `crate::process::signals`), so
        // children start with an empty mask, SIGTERM reaches them, and std can spawn them with
        // posix_spawn (a `pre_exec` hook would force a slower fork for every check).
    }
    // Registering under the lock that shutdown takes means a child is either seen by the
    // shutdown or never started after it.
    let mut live = registry();
    if SHUTTING_DOWN.load(Ordering::SeqCst) {
        drop(live);
        halt();
    }
    let child = cmd.spawn()?;
    live.insert(child.id());
    Ok(child)
}

/// Waits until the child `pid` exits, floods its pipes or reaches `deadline` (then it is stopped,
/// with `grace` to go). Its exit status if any, and whether it timed out or flooded.
fn wait_for_end(
    pid: u32,
    rx: &mpsc::Receiver<Event>,
    deadline: Instant,
    grace: Duration,
) -> (Option<ExitStatus>, bool, bool) {
    loop {
        match rx.recv_timeout(deadline.saturating_duration_since(Instant::now())) {
            Ok(Event::Exited(s)) => return (s, false, false),
            Ok(Event::Flood) => return (stop(pid, rx, grace), false, true),
            Ok(Event::Drained) => {}
            Err(_) => return (stop(pid, rx, grace), true, false),
        }
    }
}

enum Event {
    Exited(Option<ExitStatus>),
    Flood,
    Drained,
}

/// SIGTERM to the group, up to `grace` for the child to go, then SIGKILL. The exit status, if the
/// child went.
fn stop(pid: u32, rx: &mpsc::Receiver<Event>, grace: Duration) -> Option<ExitStatus> {
    kill_group(pid, Signal::Term);
    let until = Instant::now() + grace;
    loop {
        match rx.recv_timeout(until.saturating_duration_since(Instant::now())) {
            Ok(Event::Exited(status)) => return status,
            Ok(_) => continue,
            Err(_) => break,
        }
    }
    kill_group(pid, Signal::Kill);
    // SIGKILL cannot be ignored: the waiting thread reports the exit promptly.
    loop {
        match rx.recv_timeout(Duration::from_secs(5)) {
            Ok(Event::Exited(status)) => return status,
            Ok(_) => continue,
            Err(_) => return None,
        }
    }
}

fn wait_in_thread(mut child: Child, events: mpsc::Sender<Event>) {
    // A thread blocks in wait(): the verdict is known the moment the child exits, with no polling
    // delay (checks take about a millisecond, so polling would dominate).
    std::thread::spawn(move || {
        let status = child.wait().ok();
        let _ = events.send(Event::Exited(status));
    });
}

/// A pipe being drained by a thread of its own.
struct Drain {
    kept: Arc<Mutex<Captured>>,
    done: mpsc::Receiver<()>,
}

impl Drain {
    /// What was read, once the pipe closed or `until` passed, whichever comes first. A pipe still
    /// held open by an escaped process is abandoned (its thread ends when that process does).
    fn collect(self, until: Instant) -> Captured {
        let _ = self
            .done
            .recv_timeout(until.saturating_duration_since(Instant::now()));
        self.kept
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .clone()
    }
}

fn drain<R: Read + Send + 'static>(
    pipe: Option<R>,
    limits: &Limits,
    total: &Arc<AtomicU64>,
    events: mpsc::Sender<Event>,
) -> Drain {
    let kept = Arc::new(Mutex::new(Captured::default()));
    let (done_tx, done) = mpsc::channel();
    let (cap, flood) = (limits.cap, limits.flood);
    let (shared, total) = (kept.clone(), total.clone());
    std::thread::spawn(move || {
        if let Some(mut pipe) = pipe {
            let mut buf = vec![0u8; 64 * 1024];
            let mut flagged = false;
            while let Ok(n) = pipe.read(&mut buf) {
                if n == 0 {
                    break;
                }
                {
                    let mut k = shared
                        .lock()
                        .unwrap_or_else(std::sync::PoisonError::into_inner);
                    k.total += n as u64;
                    let room = cap.saturating_sub(k.bytes.len());
                    k.bytes.extend_from_slice(&buf[..n.min(room)]);
                }
                let all = total.fetch_add(n as u64, Ordering::Relaxed) + n as u64;
                if flood > 0 && all > flood && !flagged {
                    flagged = true;
                    let _ = events.send(Event::Flood);
                }
            }
        }
        let _ = events.send(Event::Drained);
        let _ = done_tx.send(());
    });
    Drain { kept, done }
}

// ---------------------------------------------------------------------------------------------
// Orphans: processes our children started that left their group and outlived them.

static ADOPTING: AtomicBool = AtomicBool::new(false);

/// Turns the adoption of orphans on or off (Linux). It is on only while checks run: a build tool's
/// daemon that cargo leaves behind (a compiler cache server) is none of the grader's business.
pub fn adopting(on: bool) {
    #[cfg(target_os = "linux")]
    {
        // SAFETY: prctl(PR_SET_CHILD_SUBREAPER, n) takes plain integers and only sets a flag on
        // this process.
        #[allow(unsafe_code)]
        let ok = unsafe {
            libc::prctl(
                libc::PR_SET_CHILD_SUBREAPER,
                libc::c_ulong::from(on),
                0,
                0,
                0,
            )
        } == 0;
        ADOPTING.store(ok && on, Ordering::SeqCst);
    }
    #[cfg(not(target_os = "linux"))]
    let _ = on;
}

/// Kills and reaps every child of ours that we did not start (adopted orphans), again and again
/// until none is left: killing one orphan hands its own children to us in turn. Called with the
/// registry locked, so no child of ours can start meanwhile and be mistaken for one.
fn sweep_orphans(live: &Registry) {
    #[cfg(target_os = "linux")]
    {
        if !ADOPTING.load(Ordering::SeqCst) {
            return;
        }
        let me = std::process::id();
        let known = live.0.as_ref();
        // Bounded: a process tree cannot be deeper than this in practice, and the grader must
        // never spin here.
        for _ in 0..64 {
            // Adopted processes are attached to the main thread; its children list is one small
            // file (and the cheap way to ask, so it is read after every check).
            let Ok(text) = std::fs::read_to_string(format!("/proc/{me}/task/{me}/children")) else {
                return;
            };
            let orphans: Vec<i32> = text
                .split_whitespace()
                .filter_map(|p| p.parse::<u32>().ok())
                .filter(|pid| !known.is_some_and(|k| k.contains(pid)))
                .filter_map(|pid| i32::try_from(pid).ok())
                .collect();
            if orphans.is_empty() {
                return;
            }
            for pid in orphans {
                kill_group(pid as u32, Signal::Kill);
                // SAFETY: kill and waitpid take plain integers; waitpid writes nothing when the
                // status pointer is null. The orphan is our child, so waitpid reaps exactly it,
                // and SIGKILL cannot be ignored, so the wait is short.
                #[allow(unsafe_code)]
                unsafe {
                    libc::kill(pid, libc::SIGKILL);
                    libc::waitpid(pid, std::ptr::null_mut(), 0);
                }
            }
        }
    }
    #[cfg(not(target_os = "linux"))]
    let _ = live;
}

// ---------------------------------------------------------------------------------------------
// The registry of live process groups, and shutdown.

static LIVE: Mutex<Option<HashSet<u32>>> = Mutex::new(None);
static SHUTTING_DOWN: AtomicBool = AtomicBool::new(false);

struct Registry(std::sync::MutexGuard<'static, Option<HashSet<u32>>>);

impl Registry {
    fn insert(&mut self, pid: u32) {
        self.0.get_or_insert_with(HashSet::new).insert(pid);
    }
    fn remove(&mut self, pid: &u32) {
        if let Some(set) = self.0.as_mut() {
            set.remove(pid);
        }
    }
}

fn registry() -> Registry {
    Registry(
        LIVE.lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner),
    )
}

/// Once the grader is shutting down, a thread that starts or waits on a child never hears back:
/// the child was stopped by the shutdown (or never started), so nothing may be concluded from it,
/// no verdict reported or saved; the signal thread ends the process.
fn halt() -> ! {
    loop {
        std::thread::park();
    }
}

/// Stops every live child group: SIGTERM, up to `grace` for them to go, then SIGKILL. No new child
/// starts afterwards, and no thread waiting on a child returns (see [`halt`]). Returns how many
/// groups were running.
pub fn shutdown(grace: Duration) -> usize {
    let pids: Vec<u32> = {
        let mut live = registry();
        SHUTTING_DOWN.store(true, Ordering::SeqCst);
        live.0.take().unwrap_or_default().into_iter().collect()
    };
    for &pid in &pids {
        kill_group(pid, Signal::Term);
    }
    let until = Instant::now() + grace;
    while Instant::now() < until && pids.iter().any(|&p| group_alive(p)) {
        std::thread::sleep(Duration::from_millis(10));
    }
    for &pid in &pids {
        kill_group(pid, Signal::Kill);
    }
    sweep_orphans(&registry());
    pids.len()
}

#[derive(Clone, Copy)]
enum Signal {
    Term,
    Kill,
}

/// Signals the process group whose leader is `pid` (its id is the group's: we spawned it with
/// `process_group(0)`).
#[cfg(unix)]
fn kill_group(pid: u32, signal: Signal) {
    let sig = match signal {
        Signal::Term => libc::SIGTERM,
        Signal::Kill => libc::SIGKILL,
    };
    if let Ok(pid) = i32::try_from(pid) {
        // SAFETY: kill(2) takes plain integers and touches no memory of ours. Once the leader is
        // reaped its group id could in principle be reused, but a new process would also have to
        // make itself a group leader under that id in the microseconds before this call; then it
        // would get a signal meant for a check. An acceptable risk for a grader, not a
        // memory-safety one.
        #[allow(unsafe_code)]
        unsafe {
            libc::kill(-pid, sig);
        }
    }
}

#[cfg(unix)]
#[allow(unsafe_code)]
fn group_alive(pid: u32) -> bool {
    // SAFETY: as in kill_group; signal 0 only asks whether the group exists.
    i32::try_from(pid).is_ok_and(|pid| unsafe { libc::kill(-pid, 0) } == 0)
}

#[cfg(not(unix))]
fn kill_group(pid: u32, _signal: Signal) {
    // No process groups: the child itself is killed through its handle by the waiting side when
    // possible; here, ask the system to end the process tree.
    let _ = Command::new("taskkill")
        .args(["/T", "/F", "/PID", &pid.to_string()])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status();
}

#[cfg(not(unix))]
fn group_alive(_pid: u32) -> bool {
    false
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;

    fn limits(timeout_ms: u64) -> Limits {
        Limits {
            timeout: Duration::from_millis(timeout_ms),
            grace: Duration::from_millis(100),
            cap: 10,
            flood: 1 << 20,
        }
    }

    fn sh(script: &str) -> Command {
        let mut c = Command::new("sh");
        c.args(["-c", script]);
        c
    }

    #[test]
    fn output_is_capped_and_counted() {
        let f = run(sh("printf 0123456789abcdef"), None, &limits(5000)).unwrap();
        assert_eq!(f.stdout.bytes, b"0123456789");
        assert_eq!(f.stdout.total, 16);
        assert!(f.status.unwrap().success());
    }

    #[test]
    fn stdin_carries_the_job() {
        let f = run(sh("cat"), Some("job".into()), &limits(5000)).unwrap();
        assert_eq!(f.stdout.text(), "job");
    }

    #[test]
    fn a_hang_is_stopped_with_its_whole_group() {
        let f = run(sh("sleep 30 & sleep 30"), None, &limits(200)).unwrap();
        assert!(f.timed_out && f.status.is_none());
        assert!(f.wall < Duration::from_secs(5), "{:?}", f.wall);
    }

    #[cfg(target_os = "linux")] // setsid(1) is util-linux's
    #[test]
    fn an_escaped_process_holding_the_pipe_is_not_waited_for() {
        // The grandchild leaves the group (a session of its own) but keeps stdout open. It
        // sleeps 10 s: waiting for it is then told from not waiting by a wide margin, which a
        // loaded machine's slow process starts cannot close.
        let started = Instant::now();
        let f = run(
            sh("setsid sh -c 'sleep 10' & echo done"),
            None,
            &limits(5000),
        )
        .unwrap();
        assert!(f.status.unwrap().success());
        assert!(f.stdout.text().contains("done"));
        assert!(
            started.elapsed() < Duration::from_secs(6),
            "{:?}",
            started.elapsed()
        );
    }

    #[test]
    fn a_flood_is_stopped() {
        let f = run(sh("yes"), None, &limits(10_000)).unwrap();
        assert!(f.flooded && f.status.is_none());
        assert!(f.wall < Duration::from_secs(5), "{:?}", f.wall);
    }
}
