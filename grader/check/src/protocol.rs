//! The contract between the grader and a harness process, defined once and used by both sides.
//!
//! - [`Kind`]: every way a check can fail, whether the check itself says so (a wrong value) or the
//!   grader sees it from outside (a timeout, a crash). One enum: a new kind is a compile error in
//!   every `match` that must handle it.
//! - [`Verdict`]: passed, or failed with a kind and a message. Nothing in between.
//! - [`CheckInfo`]: one line of `harness list`.
//! - [`Job`]: what the grader hands a check process on its standard input before any student code
//!   runs: the report path, the nonce, the expected transcripts and the limits. Nothing of it is in
//!   the environment, so student code cannot find the report channel there or in
//!   `/proc/self/environ`, and a fixture changed on disk while a check runs changes nothing.
//!   The job also names the check's own directory and whether to sandbox it (see the harness's
//!   `sandbox` module): the grader decides, not the harness's environment.
//! - [`Report`]: what the harness writes at the end, to the path of its job. It carries no secret:
//!   it ends with a MAC (SipHash-2-4 keyed with the job's nonce) over everything before it, so
//!   code that reads a report (or the file it lies in) cannot make a different one that verifies.
//!
//! All of them travel in one small text encoding ([`Fields`]): `key length\nvalue\n`, repeated.
//! Length-prefixed values carry any text (newlines, quotes, tabs) without escaping, and a decoder
//! that meets anything else rejects the whole message. It keeps the harness free of serde, which
//! every harness would otherwise compile.

use std::fmt;
use std::path::PathBuf;

/// Every way a check can fail, named the way a student would want it named.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Kind {
    // Said by the check (or the harness around it).
    /// A value was wrong (a return value, a count, a line's text).
    WrongValue,
    /// The right lines, in an order tokio would not produce from a correct solution.
    WrongOrder,
    /// The right lines at the wrong virtual times, or the wrong total duration.
    WrongTiming,
    /// Work that should overlap ran one piece after another.
    Sequential,
    /// Neither clock moved: a future was created but never awaited (a missing `.await`).
    NeverWaited,
    /// Never finished: waited on something that never happens.
    Deadlock,
    /// The runtime thread was stuck in a blocking call (real time passed, virtual time did not).
    Blocked,
    /// The runtime thread computed without ever awaiting.
    Spinning,
    /// The student's code panicked.
    Panicked,
    /// A `todo!()` or `unimplemented!()` was reached.
    NotImplemented,
    /// An expected transcript under fixtures/ is missing.
    MissingFixture,
    /// The check process used more memory than its limit.
    OutOfMemory,
    // Seen by the grader from outside the check process.
    /// The check was killed after its wall-clock limit.
    TimedOut,
    /// The check printed more than the output limit and was stopped.
    OutputFlood,
    /// The process exited before the check finished (`std::process::exit`).
    ExitedEarly,
    /// The process died (a signal, an abort, a stack overflow).
    Crashed,
    /// A report that did not come from the grader's harness.
    Forged,
    // Seen while building.
    /// The student's crate does not compile.
    DoesNotCompile,
    /// The student's crate compiles, but the checks cannot call it.
    ChecksDoNotCompile,
    /// The harness could not be built for another reason (a missing file, cargo's own error).
    BuildBroken,
    /// Building took longer than the build limit and was stopped.
    BuildTimedOut,
}

impl Kind {
    /// Every kind, in declaration order.
    pub const ALL: [Kind; 21] = [
        Kind::WrongValue,
        Kind::WrongOrder,
        Kind::WrongTiming,
        Kind::Sequential,
        Kind::NeverWaited,
        Kind::Deadlock,
        Kind::Blocked,
        Kind::Spinning,
        Kind::Panicked,
        Kind::NotImplemented,
        Kind::MissingFixture,
        Kind::OutOfMemory,
        Kind::TimedOut,
        Kind::OutputFlood,
        Kind::ExitedEarly,
        Kind::Crashed,
        Kind::Forged,
        Kind::DoesNotCompile,
        Kind::ChecksDoNotCompile,
        Kind::BuildBroken,
        Kind::BuildTimedOut,
    ];

    /// The stable name used in reports, JSON and expect.toml files.
    pub fn name(self) -> &'static str {
        match self {
            Kind::WrongValue => "wrong_value",
            Kind::WrongOrder => "wrong_order",
            Kind::WrongTiming => "wrong_timing",
            Kind::Sequential => "sequential",
            Kind::NeverWaited => "never_waited",
            Kind::Deadlock => "deadlock",
            Kind::Blocked => "blocked",
            Kind::Spinning => "spinning",
            Kind::Panicked => "panicked",
            Kind::NotImplemented => "not_implemented",
            Kind::MissingFixture => "missing_fixture",
            Kind::OutOfMemory => "out_of_memory",
            Kind::TimedOut => "timed_out",
            Kind::OutputFlood => "output_flood",
            Kind::ExitedEarly => "exited_early",
            Kind::Crashed => "crashed",
            Kind::Forged => "forged",
            Kind::DoesNotCompile => "does_not_compile",
            Kind::ChecksDoNotCompile => "checks_do_not_compile",
            Kind::BuildBroken => "build_broken",
            Kind::BuildTimedOut => "build_timed_out",
        }
    }

    /// The kind with this [`name`](Kind::name), if any.
    pub fn from_name(name: &str) -> Option<Kind> {
        Kind::ALL.into_iter().find(|k| k.name() == name)
    }

    /// The heading a report shows.
    pub fn heading(self) -> &'static str {
        match self {
            Kind::WrongValue => "wrong value",
            Kind::WrongOrder => "wrong order",
            Kind::WrongTiming => "wrong timing",
            Kind::Sequential => "ran sequentially",
            Kind::NeverWaited => "never waited",
            Kind::Deadlock => "never finished (deadlock)",
            Kind::Blocked => "blocked the runtime",
            Kind::Spinning => "never yielded (busy loop)",
            Kind::Panicked => "panicked",
            Kind::NotImplemented => "not implemented yet",
            Kind::MissingFixture => "expected transcript missing",
            Kind::OutOfMemory => "used too much memory",
            Kind::TimedOut => "timed out",
            Kind::OutputFlood => "printed too much",
            Kind::ExitedEarly => "exited the process",
            Kind::Crashed => "crashed",
            Kind::Forged => "forged report",
            Kind::DoesNotCompile => "does not compile",
            Kind::ChecksDoNotCompile => "checks cannot call your code",
            Kind::BuildBroken => "could not build",
            Kind::BuildTimedOut => "build timed out",
        }
    }
}

impl Kind {
    /// The heading for a check whose code has no tokio and no clock ([`CheckInfo::untimed`]):
    /// there is no runtime to block there, only the student's own executor.
    pub fn heading_for(self, untimed: bool) -> &'static str {
        match (self, untimed) {
            (Kind::Blocked, true) => "stuck (a lock waiting for itself?)",
            (Kind::Spinning, true) => "never finished (busy loop)",
            (kind, _) => kind.heading(),
        }
    }
}

impl fmt::Display for Kind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// The verdict of one check: passed, or failed with a kind and a message for the student.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Verdict {
    Passed,
    Failed { kind: Kind, message: String },
}

impl Verdict {
    pub fn failed(kind: Kind, message: impl Into<String>) -> Verdict {
        Verdict::Failed {
            kind,
            message: message.into(),
        }
    }

    pub fn passed(&self) -> bool {
        matches!(self, Verdict::Passed)
    }

    /// The kind of failure; `None` for a pass.
    pub fn kind(&self) -> Option<Kind> {
        match self {
            Verdict::Passed => None,
            Verdict::Failed { kind, .. } => Some(*kind),
        }
    }

    /// The message for the student; empty for a pass.
    pub fn message(&self) -> &str {
        match self {
            Verdict::Passed => "",
            Verdict::Failed { message, .. } => message,
        }
    }
}

/// One check, as `harness list` describes it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CheckInfo {
    /// Stable: results and wrong solutions' headers are keyed by it.
    pub name: String,
    pub points: u32,
    /// The exercise's main scenario (what `grader run` prints).
    pub main: bool,
    /// The code under test has no tokio and no clock (exercise 02's hand-made executor): reports
    /// speak of the executor and never of virtual time.
    pub untimed: bool,
    /// One line for the student: what the check verifies.
    pub about: String,
    /// From the course's `grader/checks/hidden/<slug>.rs`, which the student edition leaves out:
    /// reports mark it, and formats with a visibility setting keep it from the student.
    pub hidden: bool,
    /// The check spends most of its time waiting on the real clock (threads asleep on purpose,
    /// real sockets), not computing: the grader runs it beside the others rather than giving it
    /// a CPU's turn (see `Check::waits`).
    pub waits: bool,
}

impl CheckInfo {
    /// The whole list, encoded.
    pub fn encode_list(list: &[CheckInfo]) -> String {
        let mut f = Fields::new("awaitlings-list 1");
        for c in list {
            f.put("check", &c.name);
            f.put("points", &c.points.to_string());
            f.put("main", flag(c.main));
            f.put("untimed", flag(c.untimed));
            f.put("about", &c.about);
            // Only when set: a list of public checks reads as it always did, and a list
            // written before the field existed decodes as public.
            if c.hidden {
                f.put("hidden", "1");
            }
            if c.waits {
                f.put("waits", "1");
            }
        }
        f.finish()
    }

    pub fn decode_list(text: &str) -> Result<Vec<CheckInfo>, DecodeError> {
        let mut out: Vec<CheckInfo> = Vec::new();
        for (key, value) in Fields::decode(text, "awaitlings-list 1")? {
            if key == "check" {
                out.push(CheckInfo {
                    name: value,
                    points: 0,
                    main: false,
                    untimed: false,
                    about: String::new(),
                    hidden: false,
                    waits: false,
                });
                continue;
            }
            let Some(c) = out.last_mut() else {
                return Err(DecodeError(format!("`{key}` before any `check`")));
            };
            match key.as_str() {
                "points" => c.points = number(&key, &value)?,
                "main" => c.main = value == "1",
                "untimed" => c.untimed = value == "1",
                "about" => c.about = value,
                "hidden" => c.hidden = value == "1",
                "waits" => c.waits = value == "1",
                _ => return Err(DecodeError(format!("unknown field `{key}`"))),
            }
        }
        Ok(out)
    }
}

/// What the grader tells a check process before it runs anything (on its standard input).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Job {
    /// Where to write the [`Report`].
    pub report: PathBuf,
    /// Echoed in the report: a report without it is not the harness's.
    pub nonce: String,
    /// The exercise's expected transcripts, by name (`run_all` for fixtures/<slug>/run_all.txt).
    pub fixtures: Vec<(String, String)>,
    /// One busy stretch of the runtime thread longer than this ends the check (blocked/spinning).
    pub blocked_ms: u64,
    /// The most memory the check process may use (bytes); 0 = no limit.
    pub memory_bytes: u64,
    /// Transcript lines kept (the rest are counted).
    pub transcript_cap: usize,
    /// The check process's own directory: its report, its working directory and its `TMPDIR`
    /// lie beneath it, and the sandbox lets it write nowhere else.
    pub dir: PathBuf,
    /// Whether the harness puts itself in the sandbox (see `sandbox`) before student code runs.
    /// Decided by the grader (`AWAITLINGS_SANDBOX=off` turns it off), never by the harness's
    /// environment, which student code could have set for a process it starts.
    pub sandbox: bool,
    /// The run's seed: every seeded check draws its inputs from it (see `crate::seed`), so the
    /// same seed gives the same inputs, and the same order of tokio's random choices.
    pub seed: u64,
}

impl Job {
    pub fn encode(&self) -> String {
        let mut f = Fields::new("awaitlings-job 1");
        f.put("report", &self.report.to_string_lossy());
        f.put("nonce", &self.nonce);
        f.put("blocked_ms", &self.blocked_ms.to_string());
        f.put("memory_bytes", &self.memory_bytes.to_string());
        f.put("transcript_cap", &self.transcript_cap.to_string());
        f.put("dir", &self.dir.to_string_lossy());
        f.put("sandbox", flag(self.sandbox));
        f.put("seed", &self.seed.to_string());
        for (name, text) in &self.fixtures {
            f.put("fixture", name);
            f.put("text", text);
        }
        f.finish()
    }

    pub fn decode(text: &str) -> Result<Job, DecodeError> {
        let mut job = Job::default();
        for (key, value) in Fields::decode(text, "awaitlings-job 1")? {
            match key.as_str() {
                "report" => job.report = PathBuf::from(value),
                "nonce" => job.nonce = value,
                "blocked_ms" => job.blocked_ms = number(&key, &value)?,
                "memory_bytes" => job.memory_bytes = number(&key, &value)?,
                "transcript_cap" => job.transcript_cap = number(&key, &value)?,
                "dir" => job.dir = PathBuf::from(value),
                "sandbox" => job.sandbox = value == "1",
                "seed" => job.seed = number(&key, &value)?,
                "fixture" => job.fixtures.push((value, String::new())),
                "text" => match job.fixtures.last_mut() {
                    Some((_, text)) => *text = value,
                    None => return Err(DecodeError("`text` before any `fixture`".into())),
                },
                _ => return Err(DecodeError(format!("unknown field `{key}`"))),
            }
        }
        Ok(job)
    }
}

/// The clock a duration was read on: tokio's paused one, or the real one (`.real_time()` checks).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Clock {
    Virtual,
    Real,
}

impl Clock {
    /// The stable name, as reports write it: `virtual` or `real`.
    pub fn name(self) -> &'static str {
        match self {
            Clock::Virtual => "virtual",
            Clock::Real => "real",
        }
    }

    pub fn from_name(name: &str) -> Option<Clock> {
        match name {
            "virtual" => Some(Clock::Virtual),
            "real" => Some(Clock::Real),
            _ => None,
        }
    }
}

/// The duration a check judged, on the clock it judged it by: what reports show beside the check
/// ("1.500 s virtual", "3.001 s real"). The last duration an `expect_took` (or `expect_elapsed`,
/// `expect_concurrent`) judged, or one the check stated with `judged`; else the time its last
/// scenario took, on the check's own clock.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Judged {
    pub ms: f64,
    pub clock: Clock,
}

/// What a check process reports at its end: the one channel through which a check passes.
#[derive(Clone, Debug, PartialEq)]
pub struct Report {
    pub verdict: Verdict,
    /// Did the check body run to its end? (No when the blocking monitor or the memory watch
    /// stopped it: then nothing may say it "finished".)
    pub finished: bool,
    /// For a transcript mismatch: the expected and actual transcripts, for a diff.
    pub expected: Option<String>,
    pub actual: Option<String>,
    /// The lines said during the check (the first `transcript_cap` of them).
    pub transcript: Vec<String>,
    /// For each line of `transcript`, the tokio task that said it: `Some(n)` for the n-th task to
    /// say a kept line, `None` outside any spawned task. Empty when unknown (then every line
    /// counts as said outside a task). Encoded as one field, `tasks`: a number or `-` per line.
    pub transcript_tasks: Vec<Option<u32>>,
    /// Lines said beyond the cap, counted but not kept.
    pub transcript_dropped: u64,
    /// Each expected transcript the check compared against, with the actual lines: what
    /// `grader bless` writes. (The check never writes fixtures itself.)
    pub compared: Vec<(String, Vec<String>)>,
    /// Every panic seen during the check, as "message (at file:line:col)".
    pub panics: Vec<String>,
    /// Virtual time from the check's start to its end (or to where it was stopped).
    pub virtual_ms: f64,
    /// Real time the check took inside its process.
    pub wall_ms: f64,
    /// The protection the check ran under, as the harness found it: `landlock v7` (and, as
    /// root, `; root without capabilities`), or `none: <why>`. Empty in a report from before the
    /// field existed.
    pub sandbox: String,
    /// The duration the check judged, and its clock (absent from a report that did not say).
    pub judged: Option<Judged>,
    /// Whether the check drew inputs from the run's seed (`crate::seed::rng`): then the seed is
    /// what it takes to see the same failure again.
    pub seeded: bool,
}

impl Report {
    pub fn new(verdict: Verdict) -> Report {
        Report {
            verdict,
            finished: false,
            expected: None,
            actual: None,
            transcript: Vec::new(),
            transcript_tasks: Vec::new(),
            transcript_dropped: 0,
            compared: Vec::new(),
            panics: Vec::new(),
            virtual_ms: 0.0,
            wall_ms: 0.0,
            sandbox: String::new(),
            judged: None,
            seeded: false,
        }
    }

    /// The report, encoded and signed with the job's `nonce`.
    pub fn encode(&self, nonce: &str) -> String {
        let mut f = Fields::new("awaitlings-report 2");
        match &self.verdict {
            Verdict::Passed => f.put("verdict", "pass"),
            Verdict::Failed { kind, message } => {
                f.put("verdict", kind.name());
                f.put("message", message);
            }
        }
        f.put("finished", flag(self.finished));
        if let Some(e) = &self.expected {
            f.put("expected", e);
        }
        if let Some(a) = &self.actual {
            f.put("actual", a);
        }
        for line in &self.transcript {
            f.put("line", line);
        }
        // One field for all the lines' tasks, not one per line: it stays small (a few bytes a
        // line) and a report without it (no task known) decodes as before.
        if self.transcript_tasks.iter().any(Option::is_some) {
            let tasks: Vec<String> = self
                .transcript_tasks
                .iter()
                .map(|t| t.map_or_else(|| "-".to_string(), |n| n.to_string()))
                .collect();
            f.put("tasks", &tasks.join(" "));
        }
        f.put("dropped", &self.transcript_dropped.to_string());
        for (name, lines) in &self.compared {
            f.put("compared", name);
            for line in lines {
                f.put("compared_line", line);
            }
        }
        for p in &self.panics {
            f.put("panic", p);
        }
        f.put("virtual_ms", &format!("{:.3}", self.virtual_ms));
        f.put("wall_ms", &format!("{:.3}", self.wall_ms));
        f.put("sandbox", &self.sandbox);
        if let Some(j) = self.judged {
            f.put("judged", &format!("{:.3} {}", j.ms, j.clock.name()));
        }
        f.put("seeded", flag(self.seeded));
        let body = f.finish();
        let tag = mac(nonce, body.as_bytes());
        format!("{body}mac 16\n{tag:016x}\n")
    }

    /// Decodes a report, accepting it only if its MAC verifies with the job's `nonce`.
    pub fn decode(text: &str, nonce: &str) -> Result<Report, DecodeError> {
        const MAC_FIELD: usize = "mac 16\n".len() + 16 + 1;
        let cut = text
            .len()
            .checked_sub(MAC_FIELD)
            .filter(|&c| text.is_char_boundary(c))
            .ok_or_else(|| DecodeError("no MAC".into()))?;
        let (body, tail) = text.split_at(cut);
        let tag = tail
            .strip_prefix("mac 16\n")
            .and_then(|t| t.strip_suffix('\n'))
            .and_then(|t| u64::from_str_radix(t, 16).ok())
            .ok_or_else(|| DecodeError("no MAC".into()))?;
        if tag != mac(nonce, body.as_bytes()) {
            return Err(DecodeError(
                "its MAC does not verify: it was not written by the harness for this job".into(),
            ));
        }
        let mut r = Report::new(Verdict::Passed);
        let mut verdict: Option<String> = None;
        let mut message = String::new();
        for (key, value) in Fields::decode(body, "awaitlings-report 2")? {
            match key.as_str() {
                "verdict" => verdict = Some(value),
                "message" => message = value,
                "finished" => r.finished = value == "1",
                "expected" => r.expected = Some(value),
                "actual" => r.actual = Some(value),
                "line" => r.transcript.push(value),
                "tasks" => {
                    r.transcript_tasks = value
                        .split(' ')
                        .map(|t| match t {
                            "-" => Ok(None),
                            n => number(&key, n).map(Some),
                        })
                        .collect::<Result<_, _>>()?;
                }
                "dropped" => r.transcript_dropped = number(&key, &value)?,
                "compared" => r.compared.push((value, Vec::new())),
                "compared_line" => match r.compared.last_mut() {
                    Some((_, lines)) => lines.push(value),
                    None => return Err(DecodeError("`compared_line` before `compared`".into())),
                },
                "panic" => r.panics.push(value),
                "virtual_ms" => r.virtual_ms = number(&key, &value)?,
                "wall_ms" => r.wall_ms = number(&key, &value)?,
                "sandbox" => r.sandbox = value,
                "seeded" => r.seeded = value == "1",
                "judged" => {
                    let (ms, clock) = value
                        .split_once(' ')
                        .ok_or_else(|| DecodeError(format!("`judged` is `{value}`")))?;
                    let clock = Clock::from_name(clock)
                        .ok_or_else(|| DecodeError(format!("unknown clock `{clock}`")))?;
                    r.judged = Some(Judged {
                        ms: number(&key, ms)?,
                        clock,
                    });
                }
                _ => return Err(DecodeError(format!("unknown field `{key}`"))),
            }
        }
        if !r.transcript_tasks.is_empty() && r.transcript_tasks.len() != r.transcript.len() {
            return Err(DecodeError(format!(
                "`tasks` names {} tasks for {} lines",
                r.transcript_tasks.len(),
                r.transcript.len()
            )));
        }
        r.verdict = match verdict.as_deref() {
            Some("pass") => Verdict::Passed,
            Some(name) => match Kind::from_name(name) {
                Some(kind) => Verdict::Failed { kind, message },
                None => return Err(DecodeError(format!("unknown verdict kind `{name}`"))),
            },
            None => return Err(DecodeError("no verdict".into())),
        };
        Ok(r)
    }
}

/// A message that is not a well-formed protocol message.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DecodeError(pub String);

impl fmt::Display for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "malformed message: {}", self.0)
    }
}

impl std::error::Error for DecodeError {}

/// SipHash-2-4 of `bytes`, keyed with the 128 bits of a 32-hex-digit nonce (any other nonce, such
/// as the empty one of a check run by hand, is hashed into a key first).
fn mac(nonce: &str, bytes: &[u8]) -> u64 {
    use std::hash::Hasher;
    let half = |s: Option<&str>| s.and_then(|h| u64::from_str_radix(h, 16).ok());
    let (k0, k1) = match (half(nonce.get(..16)), half(nonce.get(16..32))) {
        (Some(a), Some(b)) if nonce.len() == 32 => (a, b),
        _ => {
            #[allow(deprecated)] // SipHasher is the keyed SipHash-2-4 std still ships: what we need
            let mut h = std::hash::SipHasher::new_with_keys(0x6177_6169_746c_696e, 0x6773);
            h.write(nonce.as_bytes());
            (h.finish(), !h.finish())
        }
    };
    #[allow(deprecated)]
    let mut h = std::hash::SipHasher::new_with_keys(k0, k1);
    h.write(bytes);
    h.finish()
}

fn flag(b: bool) -> &'static str {
    if b { "1" } else { "0" }
}

fn number<T: std::str::FromStr>(key: &str, value: &str) -> Result<T, DecodeError> {
    value
        .parse()
        .map_err(|_| DecodeError(format!("`{key}` is not a number: {value:?}")))
}

/// The encoding: a header line, then `key length\nvalue\n` for each field, in order.
pub struct Fields(String);

impl Fields {
    pub fn new(header: &str) -> Fields {
        Fields(format!("{header}\n"))
    }

    pub fn put(&mut self, key: &str, value: &str) {
        debug_assert!(!key.contains([' ', '\n']));
        self.0
            .push_str(&format!("{key} {}\n{value}\n", value.len()));
    }

    pub fn finish(self) -> String {
        self.0
    }

    /// The fields of `text`, which must start with `header` and be well-formed to the end.
    pub fn decode(text: &str, header: &str) -> Result<Vec<(String, String)>, DecodeError> {
        let rest = text
            .strip_prefix(header)
            .and_then(|r| r.strip_prefix('\n'))
            .ok_or_else(|| DecodeError(format!("does not start with `{header}`")))?;
        let mut fields = Vec::new();
        let mut at = rest;
        while !at.is_empty() {
            let (head, tail) = at
                .split_once('\n')
                .ok_or_else(|| DecodeError("a field head without a newline".into()))?;
            let (key, len) = head
                .split_once(' ')
                .ok_or_else(|| DecodeError(format!("a field head without a length: {head:?}")))?;
            let len: usize = number(key, len)?;
            let value = tail
                .get(..len)
                .ok_or_else(|| DecodeError(format!("`{key}` is cut short")))?;
            at = tail[len..].strip_prefix('\n').ok_or_else(|| {
                DecodeError(format!("`{key}` does not end where its length says"))
            })?;
            fields.push((key.to_string(), value.to_string()));
        }
        Ok(fields)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_kind_has_a_unique_name_that_round_trips() {
        let mut names: Vec<&str> = Kind::ALL.iter().map(|k| k.name()).collect();
        for k in Kind::ALL {
            assert_eq!(Kind::from_name(k.name()), Some(k));
            assert!(!k.heading().is_empty());
        }
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), Kind::ALL.len());
        assert_eq!(Kind::from_name("no-such-kind"), None);
    }

    #[test]
    fn reports_round_trip_with_any_text() {
        let mut r = Report::new(Verdict::failed(
            Kind::WrongOrder,
            "line 2 is `b\nc`\t\"q\" ünï",
        ));
        r.finished = true;
        r.expected = Some("  0.000s  a\n".into());
        r.actual = Some(String::new());
        r.transcript = vec!["  0.000s  a".into(), "x 12\nfake 3".into(), String::new()];
        r.transcript_tasks = vec![Some(1), None, Some(12)];
        r.transcript_dropped = 299_000;
        r.compared = vec![("run_all".into(), vec!["l1".into()]), ("b".into(), vec![])];
        r.panics = vec!["boom (at src/lib.rs:1:2)".into()];
        r.virtual_ms = 4900.0;
        r.wall_ms = 1.5;
        r.sandbox = "landlock v7".into();
        r.judged = Some(Judged {
            ms: 3001.25,
            clock: Clock::Real,
        });
        let nonce = "0123456789abcdef0123456789abcdef";
        assert_eq!(Report::decode(&r.encode(nonce), nonce), Ok(r));
        let pass = Report::new(Verdict::Passed);
        assert_eq!(Report::decode(&pass.encode(nonce), nonce), Ok(pass));
    }

    #[test]
    fn the_tasks_of_the_lines_are_optional_and_must_match_the_lines() {
        let nonce = "n";
        let mut r = Report::new(Verdict::Passed);
        r.transcript = vec!["  0.000s  a".into(), "  0.000s  b".into()];
        // No task known: no field, and the decoder gives back no tasks.
        r.transcript_tasks = vec![None, None];
        let text = r.encode(nonce);
        assert!(!text.contains("\ntasks "));
        assert_eq!(Report::decode(&text, nonce).unwrap().transcript_tasks, []);
        r.transcript_tasks = vec![None, Some(2)];
        let text = r.encode(nonce);
        assert!(text.contains("tasks 3\n- 2\n"), "{text}");
        assert_eq!(Report::decode(&text, nonce), Ok(r.clone()));
        // A count that does not match the lines, or a task that is not a number, is malformed
        // (encoded with the right MAC: the harness's own mistake, not a forgery).
        r.transcript_tasks = vec![Some(1)];
        assert!(Report::decode(&r.encode(nonce), nonce).is_err());
        let mut f = Fields::new("awaitlings-report 2");
        f.put("verdict", "pass");
        f.put("line", "x");
        f.put("tasks", "one");
        let body = f.finish();
        let signed = format!("{body}mac 16\n{:016x}\n", mac(nonce, body.as_bytes()));
        assert!(Report::decode(&signed, nonce).is_err());
    }

    #[test]
    fn only_the_nonce_holder_can_make_a_report_that_verifies() {
        let nonce = "0123456789abcdef0123456789abcdef";
        let failed = Report::new(Verdict::failed(Kind::WrongValue, "was 41")).encode(nonce);
        // The report holds no secret, so the nonce cannot be read out of it...
        assert!(!failed.contains(nonce) && !failed.contains("0123456789abcdef"));
        // ...and editing it into a pass (keeping its MAC) does not verify,
        let forged = failed.replace(
            "verdict 11\nwrong_value\nmessage 6\nwas 41\n",
            "verdict 4\npass\n",
        );
        assert_ne!(forged, failed);
        assert!(Report::decode(&forged, nonce).is_err());
        // nor does a pass signed with another nonce.
        let other = Report::new(Verdict::Passed).encode("ffffffffffffffffffffffffffffffff");
        assert!(Report::decode(&other, nonce).is_err());
    }

    #[test]
    fn malformed_messages_are_rejected() {
        let n = "n";
        let good = Report::new(Verdict::Passed).encode(n);
        assert!(Report::decode(&good, n).is_ok());
        assert!(Report::decode(&good[..good.len() - 3], n).is_err());
        assert!(Report::decode("test ... ok\n", n).is_err());
        assert!(Report::decode(&good.replace("pass", "pazz"), n).is_err());
        assert!(Report::decode("", n).is_err());
        assert!(Report::decode("ü", n).is_err());
    }

    #[test]
    fn jobs_and_lists_round_trip() {
        let job = Job {
            report: "/tmp/r".into(),
            nonce: "abc".into(),
            fixtures: vec![("run_all".into(), "  0.000s  up 0\n".into())],
            blocked_ms: 300,
            memory_bytes: 1 << 30,
            transcript_cap: 10_000,
            dir: "/tmp/check-1".into(),
            sandbox: true,
            seed: 48_213,
        };
        assert_eq!(Job::decode(&job.encode()), Ok(job));
        let list = vec![
            CheckInfo {
                name: "a".into(),
                points: 3,
                main: true,
                untimed: false,
                about: "says\ttabs".into(),
                hidden: false,
                waits: false,
            },
            CheckInfo {
                name: "b".into(),
                points: 2,
                main: false,
                untimed: false,
                about: "other parameters".into(),
                hidden: true,
                waits: true,
            },
        ];
        assert_eq!(
            CheckInfo::decode_list(&CheckInfo::encode_list(&list)),
            Ok(list)
        );
    }

    #[test]
    fn a_list_without_the_hidden_field_is_public() {
        // What a harness built before hidden checks existed wrote (and a cached list keeps).
        let mut f = Fields::new("awaitlings-list 1");
        f.put("check", "a");
        f.put("points", "3");
        f.put("main", "1");
        f.put("untimed", "0");
        f.put("about", "x");
        let list = CheckInfo::decode_list(&f.finish()).unwrap();
        assert!(!list[0].hidden);
        // And a public check is written as before: no field at all.
        assert_eq!(CheckInfo::encode_list(&list), {
            let mut f = Fields::new("awaitlings-list 1");
            for (k, v) in [
                ("check", "a"),
                ("points", "3"),
                ("main", "1"),
                ("untimed", "0"),
                ("about", "x"),
            ] {
                f.put(k, v);
            }
            f.finish()
        });
    }
}
