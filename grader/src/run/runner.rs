//! Running the checks of a built harness: listing them, and running one in a child process.
//!
//! Each check process gets, on its standard input, a job ([`Job`]): a directory of its own in this
//! run's private directory (`check-N/`, holding its `report`, its working directory `work/` and
//! its `TMPDIR`, `tmp/`), a nonce nobody else knows, the exercise's expected transcripts, the
//! limits and whether to sandbox itself. Its working directory is empty (never the course), and
//! no `AWAITLINGS_*` variable of the grader's reaches it.

use crate::build::state::State;
use crate::process::supervise;
use crate::run::outcome::{CheckInfo, Kind, Outcome};
use crate::run::verdict::{self, Context};
use awaitlings_check::protocol::Job;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

/// How to run checks.
#[derive(Clone, Debug)]
pub struct Limits {
    /// Wall-clock limit per check process.
    pub timeout: Duration,
    /// Bytes of stdout and of stderr kept per check.
    pub output_cap: usize,
    /// Bytes of output after which a check is stopped.
    pub flood_bytes: u64,
    /// Memory a check process may use (bytes).
    pub memory_bytes: u64,
    /// Limit on one busy stretch of the runtime thread.
    pub blocked_ms: u64,
    /// Transcript lines kept per check.
    pub transcript_cap: usize,
    /// Whether each check process puts itself in the sandbox (`AWAITLINGS_SANDBOX=off` turns it
    /// off, for debugging and for tests of what the grader notices without one).
    pub sandbox: bool,
    /// The seed every check draws its inputs from (see `awaitlings_check::seed`).
    pub seed: u64,
    /// Whether the seed was asked for (`--seed`, `AWAITLINGS_SEED`) rather than drawn: only then
    /// does a result kept from an earlier run have to share it to be reused.
    pub seed_chosen: bool,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            timeout: Duration::from_secs(10),
            output_cap: 64 * 1024,
            flood_bytes: 32 << 20,
            memory_bytes: 1 << 30,
            blocked_ms: 300,
            transcript_cap: 10_000,
            sandbox: true,
            seed: DEFAULT_SEED,
            seed_chosen: false,
        }
    }
}

/// The seed of a run nobody chose one for, in code that builds `Limits` by hand (tests); the
/// command line draws a fresh one (see [`draw_seed`]).
pub const DEFAULT_SEED: u64 = 1;

/// A fresh seed for a run: five digits at most, easy to read out and type back (`--seed 48213`).
/// Not secret, only unforeseeable: a submission cannot know it before the run.
pub fn draw_seed() -> u64 {
    use std::hash::{BuildHasher, Hasher};
    let mut h = std::collections::hash_map::RandomState::new().build_hasher();
    h.write_u128(
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos()),
    );
    h.write_u32(std::process::id());
    1 + h.finish() % 99_999
}

/// Whether `AWAITLINGS_SANDBOX` (the grader's environment, never a check's) leaves the sandbox on:
/// unset or `on` is on, `off` is off; anything else is a mistake worth stopping for.
pub fn sandbox_from_env() -> Result<bool, String> {
    match std::env::var("AWAITLINGS_SANDBOX").as_deref() {
        Err(_) | Ok("on" | "1" | "") => Ok(true),
        Ok("off" | "0") => Ok(false),
        Ok(other) => Err(format!(
            "AWAITLINGS_SANDBOX is {other:?}: set it to `off` to run checks without the sandbox \
             (for debugging), or `on` (the default)"
        )),
    }
}

/// Asks a harness binary for its checks.
pub fn list(bin: &Path) -> Result<Vec<CheckInfo>, String> {
    let mut cmd = Command::new(bin);
    cmd.arg("list");
    scrub(&mut cmd);
    let limits = supervise::Limits {
        timeout: Duration::from_secs(30),
        grace: Duration::from_millis(200),
        cap: 4 << 20,
        flood: 0,
    };
    let out = supervise::run(cmd, None, &limits)
        .map_err(|e| format!("could not start {}: {e}", bin.display()))?;
    if !out.status.is_some_and(|s| s.success()) {
        // The harness says why itself (two checks under one name...): its words, not its path.
        return Err(format!(
            "the harness could not list its checks: {}",
            out.stderr.text().trim_end()
        ));
    }
    CheckInfo::decode_list(&out.stdout.text()).map_err(|e| format!("{} list: {e}", bin.display()))
}

/// Like [`list`], but remembers the answer in the state directory, keyed by `list_print` (the
/// fingerprint of what the list comes from: see `harness::Outcome`) when there is one, else by
/// the binary's size and modification time: a warm `check`, or one after an edit of the student's
/// code, then starts no process but the checks themselves.
pub fn list_cached(
    bin: &Path,
    list_print: Option<u64>,
    state: &State,
) -> Result<Vec<CheckInfo>, String> {
    let key = match list_print {
        Some(print) => format!("checks {print:016x}"),
        None => std::fs::metadata(bin)
            .ok()
            .and_then(|m| Some(format!("{} {:?}", m.len(), m.modified().ok()?)))
            .unwrap_or_default(),
    };
    let name = bin
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let cache = state.list_cache(&name);
    if let Ok(text) = std::fs::read_to_string(&cache)
        && let Some((first, rest)) = text.split_once('\n')
        && first == key
        && let Ok(list) = CheckInfo::decode_list(rest)
    {
        return Ok(list);
    }
    let list = list(bin)?;
    let _ = crate::build::state::write_if_changed(
        &cache,
        format!("{key}\n{}", CheckInfo::encode_list(&list)).as_bytes(),
    );
    Ok(list)
}

/// The last check list seen for an exercise, whatever crate it was built against: when a later
/// build fails, it still tells how many points were on offer.
pub fn last_known(state: &State, slug: &str) -> Option<Vec<CheckInfo>> {
    CheckInfo::decode_list(&std::fs::read_to_string(state.last_known(slug)).ok()?).ok()
}

pub fn remember(state: &State, slug: &str, list: &[CheckInfo]) {
    let _ = crate::build::state::write_if_changed(
        &state.last_known(slug),
        CheckInfo::encode_list(list).as_bytes(),
    );
}

/// The expected transcripts of an exercise: every `*.txt` in its fixtures directory, by name.
pub fn load_fixtures(dir: &Path) -> Vec<(String, String)> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut out: Vec<(String, String)> = entries
        .filter_map(std::result::Result::ok)
        .filter_map(|e| {
            let path = e.path();
            let name = path
                .file_name()?
                .to_str()?
                .strip_suffix(".txt")?
                .to_string();
            Some((name, std::fs::read_to_string(&path).ok()?))
        })
        .collect();
    out.sort();
    out
}

/// One check run.
#[derive(Clone, Copy)]
pub struct Run<'a> {
    pub bin: &'a Path,
    pub check: &'a str,
    pub fixtures: &'a [(String, String)],
    /// This grader run's private directory: each check process gets a directory of its own in it.
    pub scratch: &'a Path,
    pub limits: &'a Limits,
}

impl Run<'_> {
    /// Runs the check and returns its outcome. Never panics, never hangs past the limits.
    pub fn go(&self) -> Outcome {
        static COUNTER: AtomicU64 = AtomicU64::new(0);
        let n = COUNTER.fetch_add(1, Ordering::Relaxed);
        // One directory per check process, holding everything it may write: its report, its
        // working directory and its TMPDIR. The sandbox confines the process to it, so no check
        // can touch another's report.
        let dir = self.scratch.join(format!("check-{n}"));
        let report_path = dir.join("report");
        let work: PathBuf = dir.join("work");
        let tmp: PathBuf = dir.join("tmp");
        let nonce = nonce(n);
        let job = Job {
            report: report_path.clone(),
            nonce: nonce.clone(),
            fixtures: self.fixtures.to_vec(),
            blocked_ms: self.limits.blocked_ms,
            memory_bytes: self.limits.memory_bytes,
            transcript_cap: self.limits.transcript_cap,
            dir: dir.clone(),
            sandbox: self.limits.sandbox,
            seed: self.limits.seed,
        };
        let made = std::fs::create_dir_all(&work).and_then(|()| std::fs::create_dir_all(&tmp));
        if let Err(e) = made {
            let _ = std::fs::remove_dir_all(&dir);
            return Outcome::failed(
                Kind::Crashed,
                format!(
                    "could not make the check's directory {}: {e}",
                    dir.display()
                ),
            );
        }
        let mut cmd = Command::new(self.bin);
        cmd.args(["run", self.check])
            .current_dir(&work)
            .env("TMPDIR", &tmp);
        scrub(&mut cmd);
        let limits = supervise::Limits {
            timeout: self.limits.timeout,
            grace: Duration::from_millis(250),
            cap: self.limits.output_cap,
            flood: self.limits.flood_bytes,
        };
        let finished = match supervise::run(cmd, Some(job.encode()), &limits) {
            Ok(f) => f,
            Err(e) => {
                let _ = std::fs::remove_dir_all(&dir);
                return Outcome::failed(Kind::Crashed, format!("could not start the check: {e}"));
            }
        };
        let report = read_report(&report_path);
        let _ = std::fs::remove_dir_all(&dir);
        let cx = Context {
            timeout: self.limits.timeout,
            flood_bytes: self.limits.flood_bytes,
            memory_bytes: self.limits.memory_bytes,
        };
        verdict::interpret(&finished, report.as_deref(), &nonce, &cx)
    }
}

/// The largest report the grader reads (10,000 transcript lines and their comparisons fit many
/// times over).
const REPORT_CAP: u64 = 64 << 20;

/// Reads the report file, if it is one: a regular file, opened without following a link and
/// without waiting (student code may have put a FIFO, a link to /dev/zero or a huge file where
/// the report goes), and at most [`REPORT_CAP`] bytes. Anything else reads as a report that
/// does not verify.
fn read_report(path: &Path) -> Option<String> {
    use std::io::Read;
    let mut options = std::fs::OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.custom_flags(libc::O_NOFOLLOW | libc::O_NONBLOCK);
    }
    let file = match options.open(path) {
        Ok(file) => file,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return None,
        Err(_) => return Some(String::new()),
    };
    if !file.metadata().is_ok_and(|m| m.is_file()) {
        return Some(String::new());
    }
    let mut bytes = Vec::new();
    if file.take(REPORT_CAP + 1).read_to_end(&mut bytes).is_err() || bytes.len() as u64 > REPORT_CAP
    {
        return Some(String::new());
    }
    Some(String::from_utf8_lossy(&bytes).into_owned())
}

/// A check (or a listing) starts with an empty environment and gets back only what a program
/// needs to run: the grader's environment may hold secrets (a CI token, a platform's keys), and
/// student code that printed `std::env::vars()` would put them in its report. `TMPDIR` is set by
/// the runner itself, after this.
fn scrub(cmd: &mut Command) {
    cmd.env_clear();
    for (key, value) in std::env::vars_os() {
        let name = key.to_string_lossy();
        if passed(&name, std::env::var("AWAITLINGS_PASS_ENV").ok().as_deref()) {
            cmd.env(&key, value);
        }
    }
}

/// Whether the variable `name` reaches a check process: the few a program needs (where to find
/// programs, the home folder, language and time zone, Rust's backtrace switch), and those named
/// in `AWAITLINGS_PASS_ENV` (comma-separated: for tests and fixtures that need a value; never a
/// secret). None of the grader's own `AWAITLINGS_` variables.
fn passed(name: &str, pass_env: Option<&str>) -> bool {
    const KEPT: &[&str] = &[
        "PATH",
        "HOME",
        "LANG",
        "LANGUAGE",
        "TZ",
        "RUST_BACKTRACE",
        "SYSTEMROOT",
        "SystemRoot",
    ];
    if name.starts_with("AWAITLINGS_") {
        return false;
    }
    KEPT.contains(&name)
        || name.starts_with("LC_")
        || pass_env.is_some_and(|list| list.split(',').any(|n| n.trim() == name))
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
    let a = h.finish();
    h.write_u64(a);
    format!("{a:016x}{:016x}", h.finish())
}

#[cfg(test)]
mod tests {
    use super::passed;

    #[test]
    fn a_check_gets_only_what_a_program_needs_and_what_is_passed_by_name() {
        for kept in [
            "PATH",
            "HOME",
            "LANG",
            "LC_ALL",
            "LC_CTYPE",
            "TZ",
            "RUST_BACKTRACE",
        ] {
            assert!(passed(kept, None), "{kept}");
        }
        for secret in [
            "GITHUB_TOKEN",
            "AWS_SECRET_ACCESS_KEY",
            "COURSE_TOKEN",
            "USER",
        ] {
            assert!(!passed(secret, None), "{secret}");
        }
        assert!(passed("HANG_PID_FILE", Some("X, HANG_PID_FILE")));
        assert!(!passed("HANG_PID_FILE_2", Some("HANG_PID_FILE")));
        // The grader's own variables never, even when named.
        assert!(!passed("AWAITLINGS_SANDBOX", Some("AWAITLINGS_SANDBOX")));
    }
}
