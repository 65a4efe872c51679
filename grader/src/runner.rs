//! Running one check in a child process, and reading its verdict.
//!
//! Every check runs in a process of its own (on Unix, in a process group of its own), with stdin
//! closed, its output captured up to a cap, and a wall-clock limit after which the whole group is
//! killed. The verdict comes only from the report file the harness writes at the end (with a nonce
//! the grader chose): an exit status of 0, or "test ... ok" on stdout, is never a pass by itself.

use crate::outcome::{Kind, Outcome};
use serde::Deserialize;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::atomic::{AtomicU64, Ordering};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

/// One check, as the harness lists it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CheckInfo {
    pub name: String,
    pub points: u32,
    pub main: bool,
    pub about: String,
}

/// How to run checks.
#[derive(Clone, Debug)]
pub struct Limits {
    /// Wall-clock limit per check process.
    pub timeout: Duration,
    /// Bytes of stdout and of stderr kept per check.
    pub output_cap: usize,
    /// Limit on one busy stretch of the runtime thread (the harness's default when `None`).
    pub blocked_ms: Option<u64>,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            timeout: Duration::from_secs(10),
            output_cap: 64 * 1024,
            blocked_ms: None,
        }
    }
}

/// Asks a harness binary for its checks.
pub fn list(bin: &Path) -> Result<Vec<CheckInfo>, String> {
    let out = Command::new(bin)
        .arg("list")
        .stdin(Stdio::null())
        .output()
        .map_err(|e| format!("could not start {}: {e}", bin.display()))?;
    if !out.status.success() {
        return Err(format!(
            "{} list failed: {}",
            bin.display(),
            String::from_utf8_lossy(&out.stderr)
        ));
    }
    let text = String::from_utf8_lossy(&out.stdout);
    let mut checks = Vec::new();
    for line in text.lines() {
        let parts: Vec<&str> = line.splitn(4, '\t').collect();
        let [name, points, main, about] = parts[..] else {
            return Err(format!(
                "unexpected line from {} list: {line:?}",
                bin.display()
            ));
        };
        checks.push(CheckInfo {
            name: name.into(),
            points: points
                .parse()
                .map_err(|_| format!("bad points in {line:?}"))?,
            main: main == "main",
            about: about.into(),
        });
    }
    Ok(checks)
}

/// Like [`list`], but remembers the answer beside the grader's state, keyed by the binary's size
/// and modification time: a warm `check` then starts no process but the checks themselves.
pub fn list_cached(bin: &Path, state: &Path) -> Result<Vec<CheckInfo>, String> {
    let key = std::fs::metadata(bin)
        .ok()
        .and_then(|m| Some(format!("{} {:?}", m.len(), m.modified().ok()?)))
        .unwrap_or_default();
    let name = bin
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let cache = state.join("lists").join(format!("{name}.tsv"));
    if let Ok(text) = std::fs::read_to_string(&cache)
        && let Some((first, rest)) = text.split_once('\n')
        && first == key
        && let Some(list) = parse_list(rest)
    {
        return Ok(list);
    }
    let list = list(bin)?;
    let _ = std::fs::create_dir_all(state.join("lists"));
    let _ = std::fs::write(&cache, format!("{key}\n{}", format_list(&list)));
    Ok(list)
}

/// Check lists as the harness prints them: name, points, "main" or "-", about; tab-separated.
pub fn parse_list(text: &str) -> Option<Vec<CheckInfo>> {
    text.lines()
        .map(|line| {
            let parts: Vec<&str> = line.splitn(4, '\t').collect();
            let [name, points, main, about] = parts[..] else {
                return None;
            };
            Some(CheckInfo {
                name: name.into(),
                points: points.parse().ok()?,
                main: main == "main",
                about: about.into(),
            })
        })
        .collect()
}

pub fn format_list(list: &[CheckInfo]) -> String {
    list.iter()
        .map(|c| {
            format!(
                "{}\t{}\t{}\t{}\n",
                c.name,
                c.points,
                if c.main { "main" } else { "-" },
                c.about
            )
        })
        .collect()
}

/// The report file's contents (see awaitlings-check's `report` module).
#[derive(Deserialize)]
struct Report {
    nonce: String,
    outcome: String,
    kind: Option<String>,
    message: String,
    expected: Option<String>,
    actual: Option<String>,
    transcript: Vec<String>,
    #[serde(default)]
    panics: Vec<String>,
    virtual_ms: f64,
}

/// A check run: the harness `bin`, the check's name, where its expected transcripts live.
pub struct Run<'a> {
    pub bin: &'a Path,
    pub check: &'a str,
    pub fixtures: &'a Path,
    pub bless: bool,
    /// A private directory for the report file.
    pub scratch: &'a Path,
    pub limits: &'a Limits,
}

impl Run<'_> {
    /// Runs the check and returns its outcome. Never panics, never hangs past the limit.
    pub fn go(&self) -> Outcome {
        static COUNTER: AtomicU64 = AtomicU64::new(0);
        let n = COUNTER.fetch_add(1, Ordering::Relaxed);
        let report_path = self.scratch.join(format!("report-{n}.json"));
        let nonce = nonce(n);
        let started = Instant::now();

        let mut cmd = Command::new(self.bin);
        cmd.args(["run", self.check])
            .env("AWAITLINGS_REPORT", &report_path)
            .env("AWAITLINGS_NONCE", &nonce)
            .env("AWAITLINGS_FIXTURES", self.fixtures)
            .env_remove("AWAITLINGS_BLESS")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        if self.bless {
            cmd.env("AWAITLINGS_BLESS", "1");
        }
        if let Some(ms) = self.limits.blocked_ms {
            cmd.env("AWAITLINGS_BLOCKED_MS", ms.to_string());
        }
        #[cfg(unix)]
        {
            use std::os::unix::process::CommandExt;
            // A group of its own, so a timeout kills whatever the student's code started too.
            cmd.process_group(0);
        }
        let mut child: Child = match cmd.spawn() {
            Ok(child) => child,
            Err(e) => {
                return Outcome::failed(Kind::Crashed, format!("could not start the check: {e}"));
            }
        };
        let stdout = capture(child.stdout.take(), self.limits.output_cap);
        let stderr = capture(child.stderr.take(), self.limits.output_cap);
        let status = wait_with_limit(child, self.limits.timeout);
        let stdout = stdout.join().unwrap_or_default();
        let stderr = stderr.join().unwrap_or_default();
        let wall = started.elapsed();

        let report = std::fs::read_to_string(&report_path).ok();
        let _ = std::fs::remove_file(&report_path);
        let mut outcome = interpret(
            status,
            report.as_deref(),
            &nonce,
            self.limits.timeout,
            &stderr.text,
        );
        outcome.wall_ms = wall.as_secs_f64() * 1000.0;
        outcome.stdout = stdout.summary();
        outcome.stderr = stderr.summary();
        outcome
    }
}

/// The verdict, from how the process ended and what (if anything) it reported.
fn interpret(
    status: Option<ExitStatus>,
    report: Option<&str>,
    nonce: &str,
    timeout: Duration,
    stderr: &str,
) -> Outcome {
    let parsed = report.and_then(|r| serde_json::from_str::<Report>(r).ok());
    match (status, parsed) {
        (_, Some(r)) if r.nonce != nonce => Outcome::failed(
            Kind::Forged,
            "the check's report did not come from the grader's harness (wrong nonce), so it does not count",
        ),
        (Some(status), Some(r)) => {
            let passed = r.outcome == "pass" && status.success();
            let kind = match (passed, r.kind.as_deref()) {
                (true, _) => None,
                (false, Some(k)) => Some(Kind::from_name(k)),
                (false, None) => Some(Kind::Crashed),
            };
            let message = if r.outcome == "pass" && !passed {
                format!(
                    "the check passed, but then the process ended badly ({})",
                    describe_status(status)
                )
            } else {
                r.message
            };
            Outcome {
                passed,
                kind,
                message,
                expected: r.expected,
                actual: r.actual,
                transcript: r.transcript,
                panics: r.panics,
                virtual_ms: Some(r.virtual_ms),
                ..Outcome::default()
            }
        }
        (None, _) => Outcome::failed(
            Kind::TimedOut,
            format!(
                "timed out after {} s of real time and was stopped. Something kept it from ever \
                 finishing: a loop that never awaits, a blocking call, or a spawn_blocking task that \
                 never returns (which also freezes tokio's paused clock).",
                timeout.as_secs_f64()
            ),
        ),
        (Some(status), None) => {
            if status.success() || status.code().is_some() {
                Outcome::failed(
                    Kind::ExitedEarly,
                    format!(
                        "the process exited ({}) before the check finished, so the check cannot \
                         pass. Does your code call std::process::exit? Return from the function \
                         instead.",
                        describe_status(status)
                    ),
                )
            } else {
                let overflow = stderr.contains("overflowed its stack");
                let extra = if overflow {
                    " It overflowed its stack: unbounded recursion? (An async fn that awaits itself needs Box::pin.)"
                } else {
                    ""
                };
                Outcome::failed(
                    Kind::Crashed,
                    format!("the process crashed ({}).{extra}", describe_status(status)),
                )
            }
        }
    }
}

fn describe_status(status: ExitStatus) -> String {
    #[cfg(unix)]
    {
        use std::os::unix::process::ExitStatusExt;
        if let Some(signal) = status.signal() {
            let name = match signal {
                6 => " (SIGABRT: an abort, such as std::process::abort or a panic during a panic)",
                9 => " (SIGKILL)",
                11 => " (SIGSEGV)",
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

/// Waits for the child, at most `limit`, then makes sure nothing of its process group is left.
/// `None` if it was still running at the limit (it is then killed).
#[cfg(unix)]
fn wait_with_limit(mut child: Child, limit: Duration) -> Option<ExitStatus> {
    // A thread blocks in wait(): the verdict is known the moment the child exits, with no
    // polling delay (checks take about a millisecond, so polling would dominate).
    let pid = child.id();
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let _ = tx.send(child.wait());
    });
    let status = match rx.recv_timeout(limit) {
        Ok(status) => status.ok(),
        Err(_) => {
            kill_group(pid);
            let _ = rx.recv();
            None
        }
    };
    // Whatever the check left behind (a grandchild process) goes with it.
    kill_group(pid);
    status
}

#[cfg(not(unix))]
fn wait_with_limit(mut child: Child, limit: Duration) -> Option<ExitStatus> {
    let deadline = Instant::now() + limit;
    let mut nap = Duration::from_micros(100);
    loop {
        match child.try_wait() {
            Ok(Some(status)) => return Some(status),
            Ok(None) if Instant::now() >= deadline => {
                let _ = child.kill();
                let _ = child.wait();
                return None;
            }
            Ok(None) => {
                std::thread::sleep(nap);
                nap = (nap * 2).min(Duration::from_millis(5));
            }
            Err(_) => return None,
        }
    }
}

/// Kills the process group the check ran in (its leader's pid is the group id).
#[cfg(unix)]
fn kill_group(pid: u32) {
    if let Ok(pid) = i32::try_from(pid) {
        // SAFETY: kill(2) takes plain integers and touches no memory of ours. The group id is
        // the child's pid because we spawned it with process_group(0). Once the child is reaped
        // its pid could in principle be reused, but a new process would also have to make itself
        // a group leader under that id in the microseconds before this call; then it would get
        // a SIGKILL meant for a check. An acceptable risk for a grader, not a memory-safety one.
        unsafe {
            libc::kill(-pid, libc::SIGKILL);
        }
    }
}

/// Output read from a pipe: the first `cap` bytes, and how many there were in all.
#[derive(Default)]
struct Captured {
    text: String,
    total: u64,
    cap: usize,
}

impl Captured {
    fn summary(&self) -> String {
        if self.total as usize > self.cap {
            format!(
                "{}\n[... {} bytes in all; only the first {} were kept]",
                self.text, self.total, self.cap
            )
        } else {
            self.text.clone()
        }
    }
}

/// Drains a pipe on a thread of its own (so a chatty child never blocks on a full pipe), keeping
/// only the first `cap` bytes.
fn capture<R: Read + Send + 'static>(pipe: Option<R>, cap: usize) -> JoinHandle<Captured> {
    std::thread::spawn(move || {
        let mut kept = Vec::new();
        let mut total = 0u64;
        if let Some(mut pipe) = pipe {
            let mut buf = [0u8; 16 * 1024];
            while let Ok(n) = pipe.read(&mut buf) {
                if n == 0 {
                    break;
                }
                total += n as u64;
                let room = cap.saturating_sub(kept.len());
                kept.extend_from_slice(&buf[..n.min(room)]);
            }
        }
        Captured {
            text: String::from_utf8_lossy(&kept).into_owned(),
            total,
            cap,
        }
    })
}

/// A value a student's code cannot predict or write by accident.
fn nonce(n: u64) -> String {
    use std::hash::{BuildHasher, Hasher};
    let mut h = std::collections::hash_map::RandomState::new().build_hasher();
    h.write_u64(n);
    h.write_u128(
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap_or_default()
            .as_nanos(),
    );
    h.write_u32(std::process::id());
    format!("{:016x}", h.finish())
}

/// A scratch directory for one grader run's report files.
pub fn scratch_dir(state: &Path) -> std::io::Result<tempfile::TempDir> {
    std::fs::create_dir_all(state)?;
    tempfile::Builder::new().prefix("run-").tempdir_in(state)
}

/// Where the last check list seen for an exercise is kept, whatever crate it was built against:
/// when a later build fails, it still tells how many points were on offer.
pub fn last_known_checks(state: &Path, slug: &str) -> PathBuf {
    state
        .join("lists")
        .join("last-known")
        .join(format!("{slug}.tsv"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[cfg(unix)]
    fn exit(code: i32) -> ExitStatus {
        use std::os::unix::process::ExitStatusExt;
        ExitStatus::from_raw(code << 8)
    }

    #[cfg(unix)]
    #[test]
    fn exiting_zero_without_a_report_is_not_a_pass() {
        let o = interpret(Some(exit(0)), None, "n", Duration::from_secs(1), "");
        assert!(!o.passed);
        assert_eq!(o.kind, Some(Kind::ExitedEarly));
    }

    #[cfg(unix)]
    #[test]
    fn a_report_with_the_wrong_nonce_is_forged() {
        let r = r#"{"nonce":"x","outcome":"pass","kind":null,"message":"","expected":null,"actual":null,"transcript":[],"panics":[],"virtual_ms":0,"wall_ms":0}"#;
        let o = interpret(Some(exit(0)), Some(r), "n", Duration::from_secs(1), "");
        assert_eq!(o.kind, Some(Kind::Forged));
        let o = interpret(
            Some(exit(0)),
            Some(&r.replace("\"x\"", "\"n\"")),
            "n",
            Duration::from_secs(1),
            "",
        );
        assert!(o.passed);
    }

    #[test]
    fn no_status_means_timed_out() {
        let o = interpret(None, None, "n", Duration::from_secs(3), "");
        assert_eq!(o.kind, Some(Kind::TimedOut));
        assert!(o.message.contains("3 s"), "{}", o.message);
    }
}
