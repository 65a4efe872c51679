//! The public checks of exercise 12 chat-server.
//!
//! The checks are the clients. Almost all of them run your `serve` on paused time with a listener
//! of their own whose connections are `tokio::io::duplex` pipes, so every line's arrival has an
//! exact virtual instant: a line said at 3.000 s must be heard at 3.000 s, not "soon". Each client
//! says what it does and (from a task of its own) every line it hears, and the checks compare that
//! transcript (lines at one instant in any order). Only these lines are judged: anything your
//! server prints is left out, except in the demo's transcript. What is checked, and why:
//!
//! - `others-hear-messages`: three clients join a second apart and each says a line; the other two
//!   hear `nick: text` at that instant, the sender hears nothing. Echoing to the sender (the
//!   broadcast channel hands every receiver every line, the sender's own too), a nickname read with
//!   its line ending, a wrong format: all show here;
//! - `join-and-leave-notices`: `* nick joined` goes to those already there, never to the newcomer
//!   itself; `* nick left` to those still there when a client `/quit`s;
//! - `quit-closes-only-that-client`: `/quit` closes that client's connection at once, is never
//!   relayed as a message, and the others carry on talking; the server still lets new clients in;
//! - `hang-up-is-a-leave`: a client that disconnects without `/quit` leaves all the same (end of
//!   stream is a departure, not an empty line to skip: skipping it forever is a busy loop), and a
//!   client gone before it gave a nickname never joined, so nobody hears of it;
//! - `stalled-client-does-not-hold-up-others`: sam joins through a 64-byte pipe and never reads;
//!   ann then says 2000 lines, one every 10 ms. Bob must hear every one at the instant ann says
//!   it. A lock held while writing to every client, a send that waits for room in sam's queue, or
//!   anything else that lets one client's pace set everybody's, stops bob too;
//! - `backlog-is-bounded`: in the same jam, when sam finally reads he gets at most 200 of ann's
//!   2000 lines (the lesson's queue holds BACKLOG = 32: an unbounded or huge queue keeps all 2000
//!   for him), he is told `* you missed N messages`, his lines and his N add up to exactly 2000
//!   (nothing lost without a word), and he is still served afterwards: falling behind is not a
//!   reason to drop a client;
//! - `many-clients`: sixteen clients join, talk and hang up, a tenth of a second apart; everybody
//!   hears exactly what they should. Serving one client at a time (awaiting `handle_client` in
//!   `serve` instead of spawning it) leaves all but the first unheard;
//! - `tcp-loopback`: the real thing, on the real clock: `serve` on a `TcpListener` bound to
//!   127.0.0.1:0, two real `TcpStream` clients; lines relayed both ways, `/quit` closes the
//!   connection and the other hears the leave. Every wait is bounded (5 s, where a right answer
//!   takes milliseconds), and the server, its listener and every socket are gone when it ends.
//!   The listener is the checks' own `Listener` over `TcpListener`, not the stub's given one;
//! - `demo-transcript`: the demo's scene against fixtures/chat-server/run.txt (the main check).
//!   The stub gives `run()` (demo.rs); the check plays its own copy of it (see [`demo`]), with
//!   only the student's server in it, so a `run()` that merely replays the expected lines earns
//!   nothing.
//!
//! No two things the checks compare happen at one instant unless their order is free (several
//! clients hearing one line): tokio does not promise an order there.

use awaitlings::say;
use awaitlings_check::check::secs;
use awaitlings_check::compare::{compare, parse};
use awaitlings_check::prelude::*;
use exercise::{Hub, Listener};
use std::future::Future;
use std::io;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader, DuplexStream, ReadHalf, WriteHalf};
use tokio::sync::mpsc;
use tokio::task::JoinHandle;
use tokio::time::{sleep, timeout};

fn ms(millis: u64) -> Duration {
    Duration::from_millis(millis)
}

/// Sleeps until `millis` of virtual time since the check began.
async fn at(millis: u64) {
    sleep(ms(millis).saturating_sub(elapsed())).await;
}

/// Bytes a client's pipe holds each way: plenty for every check but the jam.
const PIPE: usize = 4096;

// ---------------------------------------------------------------------------------------------
// The room: the student's `serve`, fed with pipes.

/// The check's listener: each connection is the server's end of a `tokio::io::duplex` pipe.
struct Door(mpsc::UnboundedReceiver<DuplexStream>);

impl Listener for Door {
    type Conn = DuplexStream;

    async fn accept(&mut self) -> io::Result<DuplexStream> {
        self.0
            .recv()
            .await
            .ok_or_else(|| io::Error::new(io::ErrorKind::NotConnected, "the check is over"))
    }
}

/// `serve` running on a fresh `Hub`, and the way in.
struct Room {
    door: mpsc::UnboundedSender<DuplexStream>,
    server: JoinHandle<io::Result<()>>,
}

impl Room {
    fn open() -> Room {
        let (door, incoming) = mpsc::unbounded_channel();
        let server = tokio::spawn(exercise::serve(Door(incoming), Hub::new()));
        Room { door, server }
    }

    /// Connects a client through a pipe of `pipe` bytes; it says nothing yet.
    fn connect(&self, nick: &str, pipe: usize) -> Peer {
        let (client, server_end) = tokio::io::duplex(pipe);
        let _ = self.door.send(server_end);
        let (input, out) = tokio::io::split(client);
        Peer {
            nick: nick.to_string(),
            out: Some(out),
            input: Some(input),
            ears: None,
            log: Log::default(),
        }
    }

    /// Connects, gives the nickname and listens, saying every line heard when `loud`.
    async fn join(&self, nick: &str, loud: bool) -> Peer {
        let mut peer = self.connect(nick, PIPE);
        if loud {
            say!("{nick} joins");
        }
        peer.write(nick).await;
        peer.listen(loud);
        peer
    }
}

impl Drop for Room {
    fn drop(&mut self) {
        self.server.abort();
    }
}

/// What a client heard, with the virtual instant of each line, and when its connection closed.
#[derive(Clone, Default)]
struct Log(Arc<Mutex<Heard>>);

#[derive(Default)]
struct Heard {
    lines: Vec<(Duration, String)>,
    closed_at: Option<Duration>,
}

impl Log {
    fn lines(&self) -> Vec<(Duration, String)> {
        self.0.lock().unwrap().lines.clone()
    }
    fn closed_at(&self) -> Option<Duration> {
        self.0.lock().unwrap().closed_at
    }
}

/// One client, played by the check.
struct Peer {
    nick: String,
    out: Option<WriteHalf<DuplexStream>>,
    input: Option<ReadHalf<DuplexStream>>,
    ears: Option<JoinHandle<()>>,
    log: Log,
}

impl Peer {
    async fn write(&mut self, text: &str) {
        if let Some(out) = self.out.as_mut() {
            let _ = out.write_all(format!("{text}\n").as_bytes()).await;
        }
    }

    /// Sends a line, saying so.
    async fn send(&mut self, text: &str) {
        say!("{} sends `{text}`", self.nick);
        self.write(text).await;
    }

    /// Starts reading, from a task of its own.
    fn listen(&mut self, loud: bool) {
        let Some(input) = self.input.take() else {
            return;
        };
        let (nick, log) = (self.nick.clone(), self.log.clone());
        self.ears = Some(tokio::spawn(async move {
            let mut lines = BufReader::new(input).lines();
            while let Ok(Some(line)) = lines.next_line().await {
                if loud {
                    say!("{nick} hears `{line}`");
                }
                log.0.lock().unwrap().lines.push((elapsed(), line));
            }
            if loud {
                say!("{nick}'s connection is closed");
            }
            log.0.lock().unwrap().closed_at = Some(elapsed());
        }));
    }

    /// Drops the connection without a word.
    fn hang_up(mut self, loud: bool) {
        if loud {
            say!("{} hangs up", self.nick);
        }
        if let Some(ears) = self.ears.take() {
            ears.abort();
        }
        // Dropping both halves closes the pipe.
    }
}

impl Drop for Peer {
    fn drop(&mut self) {
        if let Some(ears) = self.ears.take() {
            ears.abort();
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Judging what the clients heard.

/// The transcript lines that are the clients' own (`ann hears ...`, `bob sends ...`), leaving out
/// anything the server printed.
fn clients_lines(nicks: &[&str]) -> Vec<String> {
    const DOINGS: [&str; 6] = [
        " joins",
        " connects",
        " hangs up",
        "'s connection is closed",
        " sends `",
        " hears `",
    ];
    transcript()
        .into_iter()
        .filter(|line| {
            let text = parse(line).text;
            nicks.iter().any(|n| {
                text.strip_prefix(n).is_some_and(|rest| {
                    DOINGS
                        .iter()
                        .any(|d| rest == *d || (d.ends_with('`') && rest.starts_with(d)))
                })
            })
        })
        .collect()
}

/// `(nick, line)` for every `nick hears `line`` in `lines`.
fn heard_in(lines: &[String]) -> Vec<(String, String)> {
    lines
        .iter()
        .filter_map(|l| {
            let text = parse(l).text;
            let (who, rest) = text.split_once(" hears `")?;
            Some((
                who.to_string(),
                rest.strip_suffix('`').unwrap_or(rest).to_string(),
            ))
        })
        .collect()
}

/// Why a client may hear nothing at all.
const NOTHING_HEARD: &str = "Either the server never served the clients it should have heard \
    (is `serve` awaiting `handle_client` for one client before accepting the next? Spawn a task \
    per client and go straight back to `accept`), or the lines went out without their `\\n`, \
    so no line ever ended.";

/// The usual mistakes, as seen in one line `who` heard: a message for the student, or None.
fn diagnose(who: &str, line: &str, nicks: &[&str]) -> Option<String> {
    if line.starts_with(&format!("{who}: ")) {
        return Some(format!(
            "{who} heard its own line back, `{line}`: a message goes to everybody *else*. A \
             broadcast channel hands every receiver every line, the sender's own too, so each \
             line needs a tag saying who said it, and each client's task skips its own."
        ));
    }
    if line == format!("* {who} joined") {
        return Some(format!(
            "{who} was told `{line}`, of its own arrival: join notices go to the others. Skip \
             the client's own notices as you skip its own messages."
        ));
    }
    if line.ends_with(": /quit") {
        return Some(format!(
            "{who} heard `{line}`: `/quit` was relayed as a message. It is a command: it ends \
             that client's session, and the others hear only `* nick left`."
        ));
    }
    if nicks.contains(&line) || line.starts_with(": ") || line.starts_with(' ') {
        return Some(format!(
            "{who} heard the line `{line}`: a nickname seems to have kept its line ending, so \
             `nick: text` came out as two lines. `read_line` keeps the `\\n`; \
             `lines().next_line()` strips it (or trim the end yourself)."
        ));
    }
    if nicks.iter().any(|n| line == format!("{n}: {n}")) {
        return Some(format!(
            "{who} heard `{line}`: the nickname line was relayed as a message. The first line a \
             client sends is its name, and only the lines after it are messages."
        ));
    }
    None
}

/// Compares what the clients did and heard with `expected`, naming the usual mistakes first.
fn judge(nicks: &[&str], expected: &[String]) -> Result<(), Fail> {
    let actual = clients_lines(nicks);
    let wrong = |message: String| {
        Err(Fail::new(Kind::WrongValue, message)
            .with_transcripts(expected.join("\n"), actual.join("\n")))
    };
    for (who, line) in heard_in(&actual) {
        if let Some(why) = diagnose(&who, &line, nicks) {
            return wrong(why);
        }
    }
    let heard = heard_in(&actual);
    let expected_heard = heard_in(expected);
    // A line that starts with a line it should have heard, and goes on: lines ran together.
    for (who, line) in &heard {
        if let Some((_, want)) = expected_heard.iter().find(|(w, want)| {
            w == who && line.len() > want.len() && line.starts_with(want.as_str())
        }) {
            return wrong(format!(
                "{who} heard `{line}`: `{want}` and what came after it ran together into one \
                 line. Every line written to a client ends with `\\n`."
            ));
        }
    }
    for nick in nicks {
        let owed = expected_heard.iter().filter(|(w, _)| w == nick).count();
        if owed > 0 && !heard.iter().any(|(w, _)| w == nick) {
            return wrong(format!(
                "{nick} heard nothing at all, expected {owed} line(s). {NOTHING_HEARD}"
            ));
        }
    }
    compare(expected, &actual)
}

fn lines(expected: &[&str]) -> Vec<String> {
    expected.iter().map(|s| s.to_string()).collect()
}

// ---------------------------------------------------------------------------------------------
// The jam: a client that never reads, a talker and a listener.

const JAM_LINES: usize = 2000;
const JAM_FROM: u64 = 1000;
const JAM_EVERY: u64 = 10;
/// When sam starts reading, a second after ann's last jam line.
const JAM_READ: u64 = JAM_FROM + JAM_EVERY * JAM_LINES as u64 + 1000;
/// The most jam lines a bounded server may still hand sam: its queue (BACKLOG = 32) plus what a
/// 64-byte pipe and a line half written hold, with room to spare for a second small queue.
const JAM_KEEPS: usize = 200;

fn jam_line(i: usize) -> String {
    format!("line {i:04}")
}

struct Jam {
    bob: Log,
    sam: Log,
}

/// ann (0 s) and bob (0.25 s) join and listen; sam joins at 0.5 s through a 64-byte pipe and
/// reads nothing. From 1 s ann says 2000 lines, one every 10 ms; sam starts reading at 22 s;
/// ann says `after the jam` at 23 s; the logs are read at 24 s.
async fn jam() -> Jam {
    let room = Room::open();
    let mut ann = room.join("ann", false).await;
    at(250).await;
    let bob = room.join("bob", false).await;
    at(500).await;
    let mut sam = room.connect("sam", 64);
    sam.write("sam").await;
    let mut out = ann.out.take().expect("ann's pipe");
    let sent = Arc::new(AtomicUsize::new(0));
    let counter = sent.clone();
    // ann talks from a task of her own: if the server stops reading her, only she waits.
    let talker = tokio::spawn(async move {
        for i in 1..=JAM_LINES {
            at(JAM_FROM + JAM_EVERY * (i as u64 - 1)).await;
            if out
                .write_all(format!("{}\n", jam_line(i)).as_bytes())
                .await
                .is_err()
            {
                return out;
            }
            counter.fetch_add(1, Ordering::Relaxed);
        }
        at(JAM_READ + 1000).await;
        let _ = out.write_all(b"after the jam\n").await;
        out
    });
    at(JAM_READ).await;
    sam.listen(false);
    at(JAM_READ + 2000).await;
    talker.abort();
    let jam = Jam {
        bob: bob.log.clone(),
        sam: sam.log.clone(),
    };
    drop((ann, bob, sam, room));
    jam
}

/// Fails on the first line `who` heard during the jam that is neither one of ann's lines nor in
/// `allowed` (nor, when `may_miss`, a `* you missed N messages`), and when `who` heard nothing.
fn jam_strays(log: &Log, who: &str, allowed: &[&str], may_miss: bool) -> Result<(), Fail> {
    let heard = log.lines();
    if heard.is_empty() && log.closed_at().is_none() {
        return Err(Fail::new(
            Kind::WrongValue,
            format!("{who} heard nothing at all while ann said {JAM_LINES} lines. {NOTHING_HEARD}"),
        ));
    }
    for (t, line) in &heard {
        let ann_said = line
            .strip_prefix("ann: line ")
            .is_some_and(|n| n.parse::<usize>().is_ok())
            || line == "ann: after the jam";
        if ann_said || allowed.contains(&line.as_str()) || (may_miss && missed(line).is_some()) {
            continue;
        }
        let message = diagnose(who, line, &["ann", "bob", "sam"]).unwrap_or_else(|| {
            format!(
                "during the jam {who} heard `{line}` at {}: expected only ann's lines, `ann: \
                 line 0001` to `ann: line {JAM_LINES:04}`{}",
                secs(*t),
                if may_miss {
                    ", and `* you missed N messages` when he fell behind"
                } else {
                    ""
                }
            )
        });
        return Err(Fail::new(Kind::WrongValue, message));
    }
    Ok(())
}

/// `* you missed N messages` as N.
fn missed(line: &str) -> Option<usize> {
    line.strip_prefix("* you missed ")?
        .strip_suffix(" messages")?
        .parse()
        .ok()
}

// ---------------------------------------------------------------------------------------------
// The real thing, on loopback.

/// Runs `scenario`: real sockets on the check's own runtime (which has tokio's I/O driver).
/// Whatever it leaves listening ends with the check's process.
async fn on_loopback<F, Fut>(scenario: F) -> Result<(), Fail>
where
    F: FnOnce() -> Fut,
    Fut: Future<Output = Result<(), Fail>>,
{
    scenario().await
}

/// A real client: its lines, its writer.
struct TcpPeer {
    nick: &'static str,
    lines: tokio::io::Lines<BufReader<tokio::net::tcp::OwnedReadHalf>>,
    out: tokio::net::tcp::OwnedWriteHalf,
}

/// How long any one thing may take on loopback: milliseconds are normal, seconds are a margin
/// for a loaded machine.
const LOOPBACK_WAIT: Duration = Duration::from_secs(5);

impl TcpPeer {
    async fn connect(addr: std::net::SocketAddr, nick: &'static str) -> Result<TcpPeer, Fail> {
        let stream = timeout(LOOPBACK_WAIT, tokio::net::TcpStream::connect(addr))
            .await
            .map_err(|_| loopback_fail(format!("{nick} could not connect within 5 s")))?
            .map_err(|e| loopback_fail(format!("{nick} could not connect: {e}")))?;
        let (input, out) = stream.into_split();
        let mut peer = TcpPeer {
            nick,
            lines: BufReader::new(input).lines(),
            out,
        };
        peer.send(nick).await?;
        Ok(peer)
    }

    async fn send(&mut self, text: &str) -> Result<(), Fail> {
        self.out
            .write_all(format!("{text}\n").as_bytes())
            .await
            .map_err(|e| loopback_fail(format!("{} could not send `{text}`: {e}", self.nick)))
    }

    /// Reads lines until `wanted` (Ok(true)) or the end of the stream (Ok(false)), failing on a
    /// line not in `allowed` and after LOOPBACK_WAIT.
    async fn hear(&mut self, wanted: Option<&str>, allowed: &[&str]) -> Result<bool, Fail> {
        let nick = self.nick;
        let waiting_for = wanted.map_or("the end of its connection".to_string(), |w| {
            format!("`{w}`")
        });
        let deadline = tokio::time::Instant::now() + LOOPBACK_WAIT;
        loop {
            let line = tokio::time::timeout_at(deadline, self.lines.next_line())
                .await
                .map_err(|_| {
                    loopback_fail(format!(
                        "{nick} waited 5 s for {waiting_for} and it never came"
                    ))
                })?;
            match line {
                Ok(Some(line)) if Some(line.as_str()) == wanted => return Ok(true),
                Ok(Some(line)) if allowed.contains(&line.as_str()) => {}
                Ok(Some(line)) => {
                    return Err(loopback_fail(format!(
                        "{nick}, waiting for {waiting_for}, heard `{line}`, which nobody said \
                         to it (heard nothing else than {allowed:?} is fine)"
                    )));
                }
                Ok(None) | Err(_) if wanted.is_none() => return Ok(false),
                Ok(None) | Err(_) => {
                    return Err(loopback_fail(format!(
                        "{nick}'s connection was closed while it waited for {waiting_for}"
                    )));
                }
            }
        }
    }
}

fn loopback_fail(what: String) -> Fail {
    Fail::new(
        Kind::WrongValue,
        format!(
            "over real TCP on 127.0.0.1: {what}. (The paused-time checks above tell more \
             precisely what went wrong, if they failed too.)"
        ),
    )
}

/// A `TcpListener` as a [`Listener`]: the checks' own, not the stub's given implementation (in a
/// file the student may edit), so the connections the server gets are exactly what was accepted.
struct Tcp(tokio::net::TcpListener);

impl Listener for Tcp {
    type Conn = tokio::net::TcpStream;

    async fn accept(&mut self) -> io::Result<tokio::net::TcpStream> {
        let (stream, _address) = self.0.accept().await?;
        Ok(stream)
    }
}

async fn loopback_scene() -> Result<(), Fail> {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .map_err(|e| Fail::new(Kind::Crashed, format!("could not bind 127.0.0.1:0: {e}")))?;
    let addr = listener
        .local_addr()
        .map_err(|e| Fail::new(Kind::Crashed, format!("no local address: {e}")))?;
    let server = tokio::spawn(exercise::serve(Tcp(listener), Hub::new()));
    let outcome = async {
        let mut ann = TcpPeer::connect(addr, "ann").await?;
        let mut bob = TcpPeer::connect(addr, "bob").await?;
        // Both nicknames are on their way, in an order the server may take either way round. Bob
        // pings until ann hears one: then both have joined.
        let deadline = tokio::time::Instant::now() + LOOPBACK_WAIT;
        loop {
            bob.send("ping").await?;
            let heard =
                tokio::time::timeout(ms(250), ann.hear(Some("bob: ping"), &["* bob joined"])).await;
            match heard {
                Ok(Ok(_)) => break,
                Ok(Err(fail)) => return Err(fail),
                Err(_) if tokio::time::Instant::now() >= deadline => {
                    return Err(loopback_fail(
                        "bob said `ping` every 250 ms for 5 s and ann never heard `bob: ping`"
                            .into(),
                    ));
                }
                Err(_) => {}
            }
        }
        ann.send("hi bob").await?;
        bob.hear(Some("ann: hi bob"), &["* ann joined"]).await?;
        ann.send("/quit").await?;
        ann.hear(None, &["bob: ping"]).await?;
        bob.hear(Some("* ann left"), &[]).await?;
        Ok(())
    }
    .await;
    server.abort();
    let _ = server.await;
    outcome
}

// ---------------------------------------------------------------------------------------------

pub fn checks() -> Vec<Check> {
    vec![
        check(
            "others-hear-messages",
            3,
            "ann, bob and cy each say a line: the other two hear `nick: text` at that instant, \
             the sender hears nothing",
            || async {
                let room = Room::open();
                let mut ann = room.join("ann", true).await;
                at(1000).await;
                let mut bob = room.join("bob", true).await;
                at(2000).await;
                let mut cy = room.join("cy", true).await;
                at(3000).await;
                ann.send("is anyone here?").await;
                at(4000).await;
                bob.send("bob here").await;
                at(5000).await;
                cy.send("me too, hello").await;
                at(6000).await;
                judge(
                    &["ann", "bob", "cy"],
                    &lines(&[
                        "  0.000s  ann joins",
                        "  1.000s  bob joins",
                        "  1.000s  ann hears `* bob joined`",
                        "  2.000s  cy joins",
                        "  2.000s  ann hears `* cy joined`",
                        "  2.000s  bob hears `* cy joined`",
                        "  3.000s  ann sends `is anyone here?`",
                        "  3.000s  bob hears `ann: is anyone here?`",
                        "  3.000s  cy hears `ann: is anyone here?`",
                        "  4.000s  bob sends `bob here`",
                        "  4.000s  ann hears `bob: bob here`",
                        "  4.000s  cy hears `bob: bob here`",
                        "  5.000s  cy sends `me too, hello`",
                        "  5.000s  ann hears `cy: me too, hello`",
                        "  5.000s  bob hears `cy: me too, hello`",
                    ]),
                )
            },
        ),
        check(
            "join-and-leave-notices",
            2,
            "`* nick joined` goes to those already there, not the newcomer; `* nick left` to \
             those still there after a /quit",
            || async {
                let room = Room::open();
                let mut dot = room.join("dot", true).await;
                at(1000).await;
                let mut eve = room.join("eve", true).await;
                at(2000).await;
                let _fay = room.join("fay", true).await;
                at(3000).await;
                eve.send("/quit").await;
                at(4000).await;
                dot.send("/quit").await;
                at(5000).await;
                judge(
                    &["dot", "eve", "fay"],
                    &lines(&[
                        "  0.000s  dot joins",
                        "  1.000s  eve joins",
                        "  1.000s  dot hears `* eve joined`",
                        "  2.000s  fay joins",
                        "  2.000s  dot hears `* fay joined`",
                        "  2.000s  eve hears `* fay joined`",
                        "  3.000s  eve sends `/quit`",
                        "  3.000s  eve's connection is closed",
                        "  3.000s  dot hears `* eve left`",
                        "  3.000s  fay hears `* eve left`",
                        "  4.000s  dot sends `/quit`",
                        "  4.000s  dot's connection is closed",
                        "  4.000s  fay hears `* dot left`",
                    ]),
                )
            },
        ),
        check(
            "quit-closes-only-that-client",
            3,
            "/quit closes that client's connection at once and is not relayed; the others talk \
             on, and new clients still get in",
            || async {
                let room = Room::open();
                let mut gus = room.join("gus", true).await;
                at(1000).await;
                let mut hal = room.join("hal", true).await;
                at(2000).await;
                let mut ivy = room.join("ivy", true).await;
                at(3000).await;
                hal.send("/quit").await;
                at(4000).await;
                ivy.send("still here?").await;
                at(5000).await;
                gus.send("yes").await;
                at(6000).await;
                let _jo = room.join("jo", true).await;
                at(7000).await;
                judge(
                    &["gus", "hal", "ivy", "jo"],
                    &lines(&[
                        "  0.000s  gus joins",
                        "  1.000s  hal joins",
                        "  1.000s  gus hears `* hal joined`",
                        "  2.000s  ivy joins",
                        "  2.000s  gus hears `* ivy joined`",
                        "  2.000s  hal hears `* ivy joined`",
                        "  3.000s  hal sends `/quit`",
                        "  3.000s  hal's connection is closed",
                        "  3.000s  gus hears `* hal left`",
                        "  3.000s  ivy hears `* hal left`",
                        "  4.000s  ivy sends `still here?`",
                        "  4.000s  gus hears `ivy: still here?`",
                        "  5.000s  gus sends `yes`",
                        "  5.000s  ivy hears `gus: yes`",
                        "  6.000s  jo joins",
                        "  6.000s  gus hears `* jo joined`",
                        "  6.000s  ivy hears `* jo joined`",
                    ]),
                )
            },
        ),
        check(
            "hang-up-is-a-leave",
            2,
            "a client that disconnects without /quit leaves all the same; one gone before its \
             nickname never joined",
            || async {
                let room = Room::open();
                let mut kim = room.join("kim", true).await;
                at(1000).await;
                let lou = room.join("lou", true).await;
                at(2000).await;
                lou.hang_up(true);
                at(3000).await;
                say!("max connects");
                let max = room.connect("max", PIPE);
                at(4000).await;
                max.hang_up(true);
                at(5000).await;
                let _ned = room.join("ned", true).await;
                at(6000).await;
                kim.send("bye lou").await;
                at(7000).await;
                judge(
                    &["kim", "lou", "max", "ned"],
                    &lines(&[
                        "  0.000s  kim joins",
                        "  1.000s  lou joins",
                        "  1.000s  kim hears `* lou joined`",
                        "  2.000s  lou hangs up",
                        "  2.000s  kim hears `* lou left`",
                        "  3.000s  max connects",
                        "  4.000s  max hangs up",
                        "  5.000s  ned joins",
                        "  5.000s  kim hears `* ned joined`",
                        "  6.000s  kim sends `bye lou`",
                        "  6.000s  ned hears `kim: bye lou`",
                    ]),
                )
            },
        ),
        check(
            "stalled-client-does-not-hold-up-others",
            3,
            "sam never reads; ann says 2000 lines, one every 10 ms: bob hears each one at the \
             instant ann says it",
            || async {
                let jam = jam().await;
                jam_strays(&jam.bob, "bob", &["* sam joined", "* sam left"], false)?;
                let heard: Vec<(Duration, String)> = jam
                    .bob
                    .lines()
                    .into_iter()
                    .filter(|(_, l)| l.starts_with("ann: line "))
                    .collect();
                let end = ms(JAM_FROM + JAM_EVERY * (JAM_LINES as u64 - 1));
                let on_time = heard.iter().filter(|(t, _)| *t <= end).count();
                if on_time < JAM_LINES {
                    let last = heard
                        .iter()
                        .filter(|(t, _)| *t <= end)
                        .last()
                        .map_or("nothing".to_string(), |(t, l)| {
                            format!("the last, `{l}`, at {}", secs(*t))
                        });
                    let later = if heard.len() > on_time {
                        format!(
                            " {} more came only once sam started reading at {}.",
                            heard.len() - on_time,
                            secs(ms(JAM_READ))
                        )
                    } else {
                        String::new()
                    };
                    return Err(Fail::new(
                        if heard.len() > on_time {
                            Kind::WrongTiming
                        } else {
                            Kind::WrongValue
                        },
                        format!(
                            "while sam was connected but not reading, bob heard only {on_time} of \
                             ann's {JAM_LINES} lines ({last}), expected each at the instant ann \
                             said it.{later} One client's slowness held up everybody: something \
                             on the way from ann to bob waits for sam. A lock held across the \
                             writes to every client, or a send that waits for room in sam's \
                             queue, does that. Each client needs its own task writing to it, fed \
                             by a queue that never makes the sender wait (a broadcast channel \
                             drops the oldest line for a receiver that falls behind)."
                        ),
                    ));
                }
                for (i, (t, line)) in heard.iter().take(JAM_LINES).enumerate() {
                    let want = format!("ann: {}", jam_line(i + 1));
                    let said = ms(JAM_FROM + JAM_EVERY * i as u64);
                    if *line != want {
                        return Err(Fail::new(
                            Kind::WrongValue,
                            format!(
                                "bob's line {} was `{line}`, expected `{want}`: ann's lines \
                                 should reach bob all of them, in the order she said them",
                                i + 1
                            ),
                        ));
                    }
                    if *t != said {
                        return Err(Fail::new(
                            Kind::WrongTiming,
                            format!(
                                "bob heard `{line}` at {}, but ann said it at {}: lines must \
                                 go out the moment they come in, whoever else is slow",
                                secs(*t),
                                secs(said)
                            ),
                        ));
                    }
                }
                Ok(())
            },
        ),
        check(
            "backlog-is-bounded",
            3,
            "sam, who read nothing for 21 s, is then sent at most 200 of ann's 2000 lines, is \
             told `* you missed N messages` (adding up to 2000), and is still served",
            || async {
                let jam = jam().await;
                jam_strays(&jam.sam, "sam", &[], true)?;
                let heard = jam.sam.lines();
                let jam_lines = heard
                    .iter()
                    .filter(|(_, l)| l.starts_with("ann: line "))
                    .count();
                let notices: Vec<usize> = heard.iter().filter_map(|(_, l)| missed(l)).collect();
                let told: usize = notices.iter().sum();
                let end = ms(JAM_FROM + JAM_EVERY * (JAM_LINES as u64 - 1));
                let bob_on_time = jam
                    .bob
                    .lines()
                    .iter()
                    .filter(|(t, l)| *t <= end && l.starts_with("ann: line "))
                    .count();
                if jam_lines > JAM_KEEPS && bob_on_time < JAM_LINES {
                    return Err(Fail::new(
                        Kind::WrongValue,
                        format!(
                            "sam read nothing for {} s, and was then sent {jam_lines} of ann's \
                             {JAM_LINES} lines, expected at most {JAM_KEEPS}: rather than drop \
                             lines for sam, the server made ann (and so bob) wait until sam read \
                             (bob heard only {bob_on_time} of her lines on time). A full queue \
                             must not make the sender wait: a broadcast channel drops the oldest \
                             line for the receiver that fell behind, and tells it.",
                            (JAM_READ - 500) / 1000
                        ),
                    ));
                }
                if jam_lines > JAM_KEEPS {
                    return Err(Fail::new(
                        Kind::WrongValue,
                        format!(
                            "sam read nothing for {} s, and was then sent {jam_lines} of ann's \
                             {JAM_LINES} lines: the server kept them all for him, expected at \
                             most {JAM_KEEPS}. A queue with no bound (or a huge one) for a client \
                             that does not read grows as long as others talk: memory without \
                             limit. Bound it (BACKLOG = 32 lines) and let the slow client miss \
                             the oldest.",
                            (JAM_READ - 500) / 1000
                        ),
                    ));
                }
                if let Some(closed) = jam.sam.closed_at() {
                    return Err(Fail::new(
                        Kind::WrongValue,
                        format!(
                            "sam's connection was closed at {} once he started reading, after \
                             {jam_lines} line(s): falling behind ended his session. \
                             `RecvError::Lagged(n)` is not an error to give up on: tell the \
                             client it missed n messages, and carry on.",
                            secs(closed)
                        ),
                    ));
                }
                if notices.is_empty() {
                    return Err(Fail::new(
                        Kind::WrongValue,
                        format!(
                            "sam was sent {jam_lines} of ann's {JAM_LINES} lines and never told \
                             that he missed the other {}: expected a line `* you missed N \
                             messages` (`RecvError::Lagged(n)` gives the n). Lines dropped \
                             without a word look like a chat that went quiet.",
                            JAM_LINES - jam_lines
                        ),
                    ));
                }
                if jam_lines + told != JAM_LINES {
                    return Err(Fail::new(
                        Kind::WrongValue,
                        format!(
                            "sam was sent {jam_lines} of ann's lines and told he missed {told} \
                             ({notices:?}): that makes {}, expected {JAM_LINES}. Every line is \
                             either delivered or counted as missed.",
                            jam_lines + told
                        ),
                    ));
                }
                let after = ms(JAM_READ + 1000);
                match heard.iter().find(|(_, l)| l == "ann: after the jam") {
                    Some((t, _)) if *t == after => Ok(()),
                    Some((t, _)) => Err(Fail::new(
                        Kind::WrongTiming,
                        format!(
                            "sam heard `ann: after the jam` at {}, expected at {}, when ann \
                             said it",
                            secs(*t),
                            secs(after)
                        ),
                    )),
                    None => Err(Fail::new(
                        Kind::WrongValue,
                        format!(
                            "sam caught up, but never heard `ann: after the jam`, said at {}: \
                             once a slow client has been told what it missed, it is served \
                             like everybody else",
                            secs(after)
                        ),
                    )),
                }
            },
        ),
        check(
            "many-clients",
            2,
            "sixteen clients join, talk and hang up a tenth of a second apart: everybody hears \
             exactly what they should, when they should",
            || async {
                const N: usize = 16;
                let names: Vec<String> = (0..N).map(|i| format!("p{i:02}")).collect();
                let stamp = |millis: u64| awaitlings::format_line(ms(millis), "");
                let mut expected = Vec::new();
                let room = Room::open();
                let mut peers = Vec::new();
                for (i, name) in names.iter().enumerate() {
                    let t = 100 * i as u64;
                    at(t).await;
                    peers.push(room.join(name, true).await);
                    expected.push(format!("{}{name} joins", stamp(t)));
                    for earlier in &names[..i] {
                        expected.push(format!("{}{earlier} hears `* {name} joined`", stamp(t)));
                    }
                }
                for (i, name) in names.iter().enumerate() {
                    let t = 2000 + 100 * i as u64;
                    at(t).await;
                    let text = format!("hello from {name}");
                    peers[i].send(&text).await;
                    expected.push(format!("{}{name} sends `{text}`", stamp(t)));
                    for other in names.iter().filter(|o| *o != name) {
                        expected.push(format!("{}{other} hears `{name}: {text}`", stamp(t)));
                    }
                }
                for (i, (peer, name)) in peers.drain(..).zip(&names).enumerate() {
                    let t = 4000 + 100 * i as u64;
                    at(t).await;
                    peer.hang_up(true);
                    expected.push(format!("{}{name} hangs up", stamp(t)));
                    for later in &names[i + 1..] {
                        expected.push(format!("{}{later} hears `* {name} left`", stamp(t)));
                    }
                }
                at(6000).await;
                let nicks: Vec<&str> = names.iter().map(String::as_str).collect();
                judge(&nicks, &expected)
            },
        ),
        check(
            "tcp-loopback",
            2,
            "over real TCP on 127.0.0.1: two clients talk both ways, /quit closes the \
             connection and the other hears the leave",
            || on_loopback(loopback_scene),
        )
        .real_time(),
        check(
            "demo-transcript",
            3,
            "the demo's scene (the checks' own copy of run()): ann, bob and cy join, talk and \
             leave, every line heard at its exact time",
            || async {
                demo::run().await;
                expect_transcript("run")
            },
        )
        .main(),
    ]
}

/// The checks' own copy of the demo's scene the stub gives (`demo.rs`, line for line): the stub's
/// copy is in a file the student may edit, and a check must not take its scenario from there.
/// Only the server (`serve` and `Hub`) comes from `exercise`.
mod demo {
    use awaitlings::say;
    use exercise::{Hub, Listener, serve};
    use std::io;
    use std::time::Duration;
    use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader, DuplexStream, WriteHalf};
    use tokio::sync::mpsc;
    use tokio::task::JoinHandle;
    use tokio::time::sleep;

    /// Bytes a pipe holds in each direction before a writer has to wait for its reader.
    const PIPE_BYTES: usize = 4096;

    /// The server's side of the pipes: a [`Listener`] whose connections are `DuplexStream`s.
    struct Pipes {
        incoming: mpsc::UnboundedReceiver<DuplexStream>,
    }

    /// The clients' side: dials a new connection to the [`Pipes`] it was made with.
    #[derive(Clone)]
    struct Dialer {
        outgoing: mpsc::UnboundedSender<DuplexStream>,
    }

    /// A listener made of in-memory pipes, and the dialer that connects to it.
    fn pipes() -> (Dialer, Pipes) {
        let (outgoing, incoming) = mpsc::unbounded_channel();
        (Dialer { outgoing }, Pipes { incoming })
    }

    impl Dialer {
        /// Opens a connection: the client's end of a new pipe (the server's end waits in `accept`).
        fn dial(&self) -> DuplexStream {
            let (client, server) = tokio::io::duplex(PIPE_BYTES);
            // Nobody listening any more: the client simply finds its connection closed.
            let _ = self.outgoing.send(server);
            client
        }
    }

    impl Listener for Pipes {
        type Conn = DuplexStream;

        async fn accept(&mut self) -> io::Result<DuplexStream> {
            self.incoming
                .recv()
                .await
                .ok_or_else(|| io::Error::new(io::ErrorKind::NotConnected, "every dialer is gone"))
        }
    }

    /// A scripted client: says what it sends, and (from a task of its own) every line it hears.
    struct Bot {
        nick: &'static str,
        out: WriteHalf<DuplexStream>,
        ears: JoinHandle<()>,
    }

    impl Bot {
        async fn join(dialer: &Dialer, nick: &'static str) -> Bot {
            let (input, mut out) = tokio::io::split(dialer.dial());
            say!("{nick} connects");
            let _ = out.write_all(format!("{nick}\n").as_bytes()).await;
            let ears = tokio::spawn(async move {
                let mut lines = BufReader::new(input).lines();
                while let Ok(Some(line)) = lines.next_line().await {
                    say!("{nick} hears `{line}`");
                }
                say!("{nick}'s connection is closed");
            });
            Bot { nick, out, ears }
        }

        async fn send(&mut self, text: &str) {
            say!("{} sends `{text}`", self.nick);
            let _ = self.out.write_all(format!("{text}\n").as_bytes()).await;
        }

        /// Drops the connection without a word, like a closed laptop.
        fn hang_up(self) {
            say!("{} hangs up", self.nick);
            self.ears.abort();
        }
    }

    /// The demo's scene, one step a second: ann, bob and cy join, talk, and leave, bob with `/quit`,
    /// cy by hanging up.
    pub async fn run() {
        let (dialer, listener) = pipes();
        let server = tokio::spawn(serve(listener, Hub::new()));
        let second = || sleep(Duration::from_secs(1));

        let mut ann = Bot::join(&dialer, "ann").await;
        second().await;
        let mut bob = Bot::join(&dialer, "bob").await;
        second().await;
        ann.send("hi bob").await;
        second().await;
        bob.send("hi ann! is cy coming?").await;
        second().await;
        let mut cy = Bot::join(&dialer, "cy").await;
        second().await;
        cy.send("hello, both").await;
        second().await;
        bob.send("/quit").await;
        second().await;
        cy.hang_up();
        second().await;
        ann.send("anyone there?").await;
        second().await;
        ann.send("/quit").await;
        second().await;
        server.abort();
    }
}
