//! The public checks of exercise 12 chat-server.
//!
//! The checks are the clients. Almost all of them run your `serve` on paused time with a listener
//! of their own whose connections are `tokio::io::duplex` pipes, so every line's arrival has an
//! exact virtual instant: a line said at 3.000 s must be heard at 3.000 s, not "soon". What a
//! client hears is what it reads from its own end of its pipe, byte for byte: lines your server
//! prints (`say!`) are never taken for lines a client heard. Names, messages, how many clients,
//! who stalls, who leaves how and when are drawn from the run's seed (the grader prints it; `grader
//! check 12 --seed N` replays a run), and what each client must hear is worked out from the
//! protocol as the check goes. Lines at one instant may come in any order across clients; each
//! client must hear its own lines in the order they were said.
//!
//! The contract, clause by clause, and the checks that fail when only that clause is broken:
//!
//! - a line ends with `\n` (lines may arrive in pieces, several in one write): `lines-in-pieces`
//!   (a line written in pieces with pauses between them, while the room talks to the writer;
//!   several lines, and the end of one line with the start of the next, in one write);
//! - a `\r` before the `\n` is dropped too: `lines-in-pieces` (messages and nicknames sent with
//!   `\r\n`);
//! - the first line is the nickname; the others hear `* {nick} joined`, the newcomer does not:
//!   `join-and-leave-notices`, `others-hear-messages`, and every scene below;
//! - a message reaches the others as `{nick}: {text}`, at once, and the sender hears nothing:
//!   `others-hear-messages`, `many-clients`;
//! - `/quit` ends the session: the server closes that connection at once, `/quit` is not relayed,
//!   the others hear `* {nick} left`, and the others go on: `quit-closes-only-that-client`,
//!   `join-and-leave-notices`;
//! - a client that disconnects leaves the same way, and so does one whose connection fails (a read
//!   error): `hang-up-is-a-leave`, `many-clients`;
//! - a client gone before its nickname never joined, nobody hears of it: `hang-up-is-a-leave`;
//! - a client that does not read falls behind, and nobody else waits for it:
//!   `stalled-client-does-not-hold-up-others`;
//! - once it is more than `BACKLOG` (32) lines behind, the oldest lines it has not been sent are
//!   dropped; when it catches up it hears `* you missed {n} messages` first, then the newest
//!   `BACKLOG` lines, and it is served on: `backlog-is-bounded`. Exactly: a client that falls
//!   exactly `BACKLOG` lines behind misses nothing, one that falls `BACKLOG + k` behind misses
//!   exactly `k`;
//! - `serve` serves each client in a task of its own and keeps accepting: `many-clients`,
//!   `quit-closes-only-that-client` (a newcomer after a `/quit`), and every scene with two clients;
//! - `handle_client` works on any byte stream, a `TcpStream` too: `tcp-loopback`;
//! - the server prints nothing itself (what counts is what the clients receive): every check
//!   judges bytes read by its clients, and `demo-transcript` fails a transcript whose `hears`
//!   lines no client read;
//! - `Hub` is a room, cheap to clone, every clone the same room: every scene (all clients share
//!   the one `Hub` given to `serve`); `Hub::new()` makes a new, empty room: `others-hear-messages`
//!   (a second room with one client of its own, which hears nothing of the first, and the other
//!   way round);
//! - `serve` returns `accept`'s error when it fails: not checked (a listener that fails is not
//!   part of any scene; the checks end `serve` by aborting it).
//!
//! What each check does:
//!
//! - `others-hear-messages`: three to five clients join and each says a line or two; the others
//!   hear `nick: text` at that instant, the sender nothing; meanwhile a client alone in a second
//!   room talks too, and nobody hears it;
//! - `join-and-leave-notices`: clients join one by one, then several `/quit` in a drawn order;
//! - `quit-closes-only-that-client`: one client `/quit`s, the others talk on, a newcomer gets in;
//! - `hang-up-is-a-leave`: one client hangs up, one's connection fails, one goes before giving a
//!   nickname (in a drawn order); end of stream is a departure, not an empty line to skip (skipping
//!   it forever is a busy loop);
//! - `lines-in-pieces`: the byte-level protocol, as above;
//! - `stalled-client-does-not-hold-up-others`: two clients join through small pipes and never
//!   read; the talker says a few hundred lines; every listener hears each at the instant it is
//!   said. A lock held while writing to every client, a send that waits for room in a slow
//!   client's queue, or anything else that lets one client's pace set everybody's, fails here;
//! - `backlog-is-bounded`: in the same jam, the two who stalled start reading. The pipe of one
//!   holds exactly the lines that make him fall `BACKLOG + k` lines behind, the other's exactly
//!   `BACKLOG`: the first must get what was already on its way, `* you missed k messages`, the
//!   newest `BACKLOG` lines, then be served like everybody; the second, every line;
//! - `many-clients`: ten to twenty clients join, talk and leave (`/quit` or hanging up) in drawn
//!   orders; serving one client at a time leaves all but the first unheard;
//! - `tcp-loopback`: the real thing, on the real clock: `serve` on a `TcpListener` bound to
//!   127.0.0.1:0, two real `TcpStream` clients; lines relayed both ways, `/quit` closes the
//!   connection and the other hears the leave. Every wait is bounded (5 s, where a right answer
//!   takes milliseconds). The listener is the checks' own `Listener` over `TcpListener`;
//! - `demo-transcript`: the demo's scene against fixtures/chat-server/run.txt (the main check).
//!   The stub gives `run()` (demo.rs); the check plays its own copy of it (see [`demo`]), with
//!   only the student's server in it, and the lines its clients say they hear must be lines they
//!   read from their pipes.

use awaitlings::say;
use awaitlings_check::check::secs;
use awaitlings_check::compare::compare;
use awaitlings_check::prelude::*;
use exercise::{Hub, Listener};
use std::future::Future;
use std::io;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};
use std::time::Duration;
use tokio::io::{
    AsyncBufReadExt, AsyncRead, AsyncWrite, AsyncWriteExt, BufReader, DuplexStream, ReadBuf,
    ReadHalf, WriteHalf,
};
use tokio::sync::mpsc;
use tokio::task::JoinHandle;
use tokio::time::{sleep, timeout};

/// The contract's capacity: how many lines a client may fall behind before it misses some.
const BACKLOG: usize = exercise::BACKLOG;

fn ms(millis: u64) -> Duration {
    Duration::from_millis(millis)
}

/// Sleeps until `millis` of virtual time since the check began.
async fn at(millis: u64) {
    sleep(ms(millis).saturating_sub(elapsed())).await;
}

/// Bytes a client's pipe holds each way: plenty for every check but the jam.
const PIPE: usize = 4096;

/// A line as shown in a message: `\r` and `\n` made visible.
fn esc(text: &str) -> String {
    text.replace('\r', "\\r").replace('\n', "\\n")
}

// ---------------------------------------------------------------------------------------------
// The room: the student's `serve`, fed with pipes.

/// A connection as the server sees it: its end of a pipe, which the check can break (every read
/// and write then fails, as on a reset TCP connection).
struct Wire {
    pipe: DuplexStream,
    broken: Arc<AtomicBool>,
}

impl Wire {
    fn is_broken(&self) -> bool {
        self.broken.load(Ordering::SeqCst)
    }
}

impl AsyncRead for Wire {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        if self.is_broken() {
            return Poll::Ready(Err(io::Error::new(
                io::ErrorKind::ConnectionReset,
                "connection reset (the check broke it)",
            )));
        }
        Pin::new(&mut self.pipe).poll_read(cx, buf)
    }
}

impl AsyncWrite for Wire {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        if self.is_broken() {
            return Poll::Ready(Err(io::Error::new(
                io::ErrorKind::BrokenPipe,
                "broken pipe (the check broke it)",
            )));
        }
        Pin::new(&mut self.pipe).poll_write(cx, buf)
    }
    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.pipe).poll_flush(cx)
    }
    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.pipe).poll_shutdown(cx)
    }
}

/// The check's listener: each connection is the server's end of a pipe.
struct Door(mpsc::UnboundedReceiver<Wire>);

impl Listener for Door {
    type Conn = Wire;

    async fn accept(&mut self) -> io::Result<Wire> {
        self.0
            .recv()
            .await
            .ok_or_else(|| io::Error::new(io::ErrorKind::NotConnected, "the check is over"))
    }
}

/// `serve` running on a fresh `Hub`, and the way in.
struct Room {
    door: mpsc::UnboundedSender<Wire>,
    server: JoinHandle<io::Result<()>>,
}

impl Room {
    fn open() -> Room {
        let (door, incoming) = mpsc::unbounded_channel();
        let server = tokio::spawn(exercise::serve(Door(incoming), Hub::new()));
        Room { door, server }
    }
}

impl Drop for Room {
    fn drop(&mut self) {
        self.server.abort();
    }
}

// ---------------------------------------------------------------------------------------------
// What happened: the check's own actions, and what each client read from its pipe.

#[derive(Clone, Debug, PartialEq)]
enum What {
    Connects,
    Joins,
    Sends(String),
    Writes(String),
    HangsUp,
    Fails,
    Hears(String),
    Closed,
}

#[derive(Clone, Debug)]
struct Ev {
    at: Duration,
    who: String,
    what: What,
}

impl Ev {
    fn show(&self) -> String {
        let who = &self.who;
        let text = match &self.what {
            What::Connects => format!("{who} connects"),
            What::Joins => format!("{who} joins"),
            What::Sends(text) => format!("{who} sends `{}`", esc(text)),
            What::Writes(bytes) => format!("{who} writes `{}`", esc(bytes)),
            What::HangsUp => format!("{who} hangs up"),
            What::Fails => format!("{who}'s connection fails"),
            What::Hears(line) => format!("{who} hears `{}`", esc(line)),
            What::Closed => format!("{who}'s connection is closed"),
        };
        awaitlings::format_line(self.at, &text)
    }
}

/// Everything that happened in a scene, in the order it happened (shared with the clients' ears).
#[derive(Clone, Default)]
struct Scene(Arc<Mutex<Vec<Ev>>>);

impl Scene {
    fn push(&self, who: &str, what: What) {
        self.0.lock().unwrap().push(Ev {
            at: elapsed(),
            who: who.to_string(),
            what,
        });
    }
    fn events(&self) -> Vec<Ev> {
        self.0.lock().unwrap().clone()
    }
}

/// What one client read, with the virtual instant of each line, and when its connection closed.
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

/// Reads `input` until it ends, logging every line (its `\n` removed, nothing else: a `\r` stays
/// and shows), and bytes left without a `\n` at the end as a line of their own.
fn ears(who: String, input: ReadHalf<DuplexStream>, log: Log, scene: Scene) -> JoinHandle<()> {
    tokio::spawn(async move {
        let mut reader = BufReader::new(input);
        loop {
            let mut bytes = Vec::new();
            match reader.read_until(b'\n', &mut bytes).await {
                Ok(0) | Err(_) => break,
                Ok(_) => {
                    let ended = bytes.last() == Some(&b'\n');
                    if ended {
                        bytes.pop();
                    }
                    let line = String::from_utf8_lossy(&bytes).into_owned();
                    log.0.lock().unwrap().lines.push((elapsed(), line.clone()));
                    scene.push(&who, What::Hears(line));
                    if !ended {
                        break;
                    }
                }
            }
        }
        log.0.lock().unwrap().closed_at = Some(elapsed());
        scene.push(&who, What::Closed);
    })
}

/// One client, played by the check, and what the protocol makes of the bytes it sent so far.
struct Client {
    label: String,
    out: Option<WriteHalf<DuplexStream>>,
    input: Option<ReadHalf<DuplexStream>>,
    ears: Option<JoinHandle<()>>,
    broken: Arc<AtomicBool>,
    log: Log,
    /// Bytes sent that do not end a line yet.
    pending: String,
    /// The nickname, once its line is complete.
    nick: Option<String>,
    /// Joined and not left.
    present: bool,
}

impl Drop for Client {
    fn drop(&mut self) {
        if let Some(ears) = self.ears.take() {
            ears.abort();
        }
    }
}

/// A scene: the room, its clients, what happened and what the protocol says should have.
struct Chat {
    room: Room,
    scene: Scene,
    expected: Vec<Ev>,
    clients: Vec<Client>,
}

impl Chat {
    fn open() -> Chat {
        Chat {
            room: Room::open(),
            scene: Scene::default(),
            expected: Vec::new(),
            clients: Vec::new(),
        }
    }

    /// Records one of the check's own actions, in both the scene and the expected lines.
    fn act(&mut self, who: &str, what: What) {
        self.scene.push(who, what.clone());
        self.expect(who, what);
    }

    fn expect(&mut self, who: &str, what: What) {
        self.expected.push(Ev {
            at: elapsed(),
            who: who.to_string(),
            what,
        });
    }

    fn index(&self, label: &str) -> usize {
        self.clients
            .iter()
            .position(|c| c.label == label)
            .expect("a client of this scene")
    }

    /// Connects `label` through a pipe of `pipe` bytes; it listens at once when `listening`.
    fn connect(&mut self, label: &str, pipe: usize, listening: bool) {
        let (client, server_end) = tokio::io::duplex(pipe);
        let broken = Arc::new(AtomicBool::new(false));
        let _ = self.room.door.send(Wire {
            pipe: server_end,
            broken: broken.clone(),
        });
        let (input, out) = tokio::io::split(client);
        self.clients.push(Client {
            label: label.to_string(),
            out: Some(out),
            input: Some(input),
            ears: None,
            broken,
            log: Log::default(),
            pending: String::new(),
            nick: None,
            present: false,
        });
        if listening {
            self.listen(label);
        }
    }

    /// Starts reading `label`'s end of its pipe.
    fn listen(&mut self, label: &str) {
        let i = self.index(label);
        let scene = self.scene.clone();
        let client = &mut self.clients[i];
        if let Some(input) = client.input.take() {
            client.ears = Some(ears(client.label.clone(), input, client.log.clone(), scene));
        }
    }

    /// Connects `label` and sends its nickname (its label) in one write.
    async fn join(&mut self, label: &str) {
        self.connect(label, PIPE, true);
        self.write(label, &format!("{label}\n")).await;
    }

    /// Sends one whole line.
    async fn send(&mut self, label: &str, text: &str) {
        self.write(label, &format!("{text}\n")).await;
    }

    /// Writes `bytes` to the server in one write, and works out from the protocol what every
    /// line it completes makes the others hear.
    async fn write(&mut self, label: &str, bytes: &str) {
        let i = self.index(label);
        let whole = bytes.ends_with('\n') && bytes.matches('\n').count() == 1;
        let what = match (
            &self.clients[i].nick,
            whole,
            self.clients[i].pending.is_empty(),
        ) {
            (None, true, true) => What::Joins,
            (Some(_), true, true) => What::Sends(bytes.trim_end_matches('\n').to_string()),
            _ => What::Writes(bytes.to_string()),
        };
        self.act(label, what);
        if let Some(out) = self.clients[i].out.as_mut() {
            let _ = out.write_all(bytes.as_bytes()).await;
        }
        self.clients[i].pending.push_str(bytes);
        while let Some(end) = self.clients[i].pending.find('\n') {
            let mut line: String = self.clients[i].pending.drain(..=end).collect();
            line.pop();
            if line.ends_with('\r') {
                line.pop();
            }
            self.line(i, line);
        }
    }

    /// What one complete line from client `i` makes everybody hear.
    fn line(&mut self, i: usize, line: String) {
        let Some(nick) = self.clients[i].nick.clone() else {
            self.tell_others(i, &format!("* {line} joined"));
            self.clients[i].nick = Some(line);
            self.clients[i].present = true;
            return;
        };
        if !self.clients[i].present {
            return;
        }
        if line == "/quit" {
            self.clients[i].present = false;
            let label = self.clients[i].label.clone();
            self.expect(&label, What::Closed);
            self.tell_others(i, &format!("* {nick} left"));
        } else {
            self.tell_others(i, &format!("{nick}: {line}"));
        }
    }

    fn tell_others(&mut self, i: usize, line: &str) {
        let others: Vec<String> = (0..self.clients.len())
            .filter(|&j| j != i && self.clients[j].present)
            .map(|j| self.clients[j].label.clone())
            .collect();
        for other in others {
            self.expect(&other, What::Hears(line.to_string()));
        }
    }

    /// Drops the connection without a word (both ways), like a closed laptop.
    fn hang_up(&mut self, label: &str) {
        self.act(label, What::HangsUp);
        self.leave(label);
    }

    /// Breaks the connection: the server's reads and writes on it fail from now on.
    fn fail(&mut self, label: &str) {
        self.act(label, What::Fails);
        let i = self.index(label);
        self.clients[i].broken.store(true, Ordering::SeqCst);
        self.leave(label);
    }

    fn leave(&mut self, label: &str) {
        let i = self.index(label);
        let client = &mut self.clients[i];
        if let Some(ears) = client.ears.take() {
            ears.abort();
        }
        client.out = None;
        client.input = None;
        if client.present {
            client.present = false;
            let nick = client.nick.clone().unwrap_or_default();
            self.tell_others(i, &format!("* {nick} left"));
        }
    }

    /// The nicknames in this scene, for diagnosing lines.
    fn nicks(&self) -> Vec<String> {
        self.clients.iter().map(|c| c.label.clone()).collect()
    }

    /// Compares what the clients read with what the protocol says, naming the usual mistakes.
    fn judge(&self) -> Result<(), Fail> {
        judge_events(&self.nicks(), &self.expected, &self.scene.events())
    }
}

// ---------------------------------------------------------------------------------------------
// Judging what the clients heard.

/// Why a client may hear nothing at all.
const NOTHING_HEARD: &str = "Either the server never served the clients it should have heard \
    (is `serve` awaiting `handle_client` for one client before accepting the next? Spawn a task \
    per client and go straight back to `accept`), or the lines went out without their `\\n`, \
    so no line ever ended. (Lines your server prints with `say!` do not count: a client hears \
    only what it reads from its connection.)";

/// The usual mistakes, as seen in one line `who` heard (`owed`: the lines it should hear, when
/// known): a message for the student, or None.
fn diagnose(who: &str, line: &str, nicks: &[String], owed: &[String]) -> Option<String> {
    let shown = esc(line);
    if line.contains('\r') && owed.contains(&line.replace('\r', "")) {
        return Some(format!(
            "{who} heard `{shown}`: a `\\r` came through. A line may end with `\\r\\n`, and the \
             `\\r` is dropped with the `\\n` (`lines().next_line()` does both; splitting on \
             the `\\n` alone keeps the `\\r`)."
        ));
    }
    if line.starts_with(&format!("{who}: ")) {
        return Some(format!(
            "{who} heard its own line back, `{shown}`: a message goes to everybody *else*. A \
             broadcast channel hands every receiver every line, the sender's own too, so each \
             line needs a tag saying who said it, and each client's task skips its own."
        ));
    }
    if line == format!("* {who} joined") {
        return Some(format!(
            "{who} was told `{shown}`, of its own arrival: join notices go to the others. Skip \
             the client's own notices as you skip its own messages."
        ));
    }
    if line.ends_with(": /quit") {
        return Some(format!(
            "{who} heard `{shown}`: `/quit` was relayed as a message. It is a command: it ends \
             that client's session, and the others hear only `* nick left`."
        ));
    }
    if nicks.iter().any(|n| n == line) || line.starts_with(": ") || line.starts_with(' ') {
        return Some(format!(
            "{who} heard the line `{shown}`: a nickname seems to have kept its line ending, so \
             `nick: text` came out as two lines. `read_line` keeps the `\\n`; \
             `lines().next_line()` strips it (or trim the end yourself)."
        ));
    }
    if nicks.iter().any(|n| line == format!("{n}: {n}")) {
        return Some(format!(
            "{who} heard `{shown}`: the nickname line was relayed as a message. The first line \
             a client sends is its name, and only the lines after it are messages."
        ));
    }
    let text = line.split_once(": ").map_or(line, |(_, text)| text);
    if !text.is_empty()
        && !owed.iter().any(|o| o == line)
        && let Some(whole) = owed.iter().find(|o| o.contains(text))
    {
        let whole_text = whole
            .split_once(": ")
            .map_or(whole.as_str(), |(_, text)| text);
        if whole_text.ends_with(text) && !whole_text.starts_with(text) {
            return Some(format!(
                "{who} heard `{shown}`, the end of `{}`: the start of that line was lost. It \
                 came in pieces, and the server read the first piece, then dropped it: \
                 `read_line(&mut buf)` inside `select!` is not cancel safe (when the room's \
                 branch wins, what it had read is gone). `lines.next_line()` is: a half-read \
                 line stays in the `Lines` until the rest comes.",
                esc(whole)
            ));
        }
        return Some(format!(
            "{who} heard `{shown}`, a piece of `{}`: the server took what one read returned for \
             a line. Bytes arrive in whatever pieces the client's writes (and the network) make: \
             part of a line, or several lines at once. Gather them until the `\\n` \
             (`lines().next_line()` does).",
            esc(whole)
        ));
    }
    None
}

fn heard_by(events: &[Ev], who: &str) -> Vec<(Duration, String)> {
    events
        .iter()
        .filter_map(|e| match &e.what {
            What::Hears(line) if e.who == who => Some((e.at, line.clone())),
            _ => None,
        })
        .collect()
}

/// Compares what the clients did and read (`actual`) with `expected`, naming the usual mistakes.
fn judge_events(nicks: &[String], expected: &[Ev], actual: &[Ev]) -> Result<(), Fail> {
    let shown = |events: &[Ev]| events.iter().map(Ev::show).collect::<Vec<_>>();
    let (want, got) = (shown(expected), shown(actual));
    let wrong = |message: String| {
        Err(Fail::new(Kind::WrongValue, message).with_transcripts(want.join("\n"), got.join("\n")))
    };
    let owed = |who: &str| -> Vec<String> {
        heard_by(expected, who)
            .into_iter()
            .map(|(_, l)| l)
            .collect()
    };
    for e in actual {
        if let What::Hears(line) = &e.what
            && let Some(why) = diagnose(&e.who, line, nicks, &owed(&e.who))
        {
            return wrong(why);
        }
    }
    // A line that starts with a line it should have heard, and goes on: lines ran together.
    for e in actual {
        let What::Hears(line) = &e.what else { continue };
        if let Some(want) = heard_by(expected, &e.who)
            .into_iter()
            .map(|(_, l)| l)
            .find(|want| line.len() > want.len() && line.starts_with(want.as_str()))
            && !heard_by(expected, &e.who).iter().any(|(_, l)| l == line)
        {
            return wrong(format!(
                "{} heard `{}`: `{}` and what came after it ran together into one line. Every \
                 line written to a client ends with `\\n`.",
                e.who,
                esc(line),
                esc(&want)
            ));
        }
    }
    for nick in nicks {
        let owed = heard_by(expected, nick).len();
        if owed > 0 && heard_by(actual, nick).is_empty() {
            let printed = format!("{nick} hears `");
            if let Some(line) = transcript().iter().find(|l| l.contains(&printed)) {
                return wrong(format!(
                    "{nick} read nothing at all from its connection, expected {owed} line(s); \
                     yet the transcript has `{}`, printed by the server. A client hears only \
                     what it reads from its connection: write each line to it, and print \
                     nothing yourself",
                    line.trim()
                ));
            }
            return wrong(format!(
                "{nick} heard nothing at all, expected {owed} line(s). {NOTHING_HEARD}"
            ));
        }
    }
    compare(&want, &got)?;
    // Same lines at the same instants: now the order each client heard its own lines in.
    for nick in nicks {
        let (w, g) = (heard_by(expected, nick), heard_by(actual, nick));
        if let Some(k) = (0..w.len().min(g.len())).find(|&k| w[k] != g[k]) {
            return wrong(format!(
                "{nick} heard `{}` before `{}`, which were said in the other order: one client's \
                 lines must reach each other client in the order they were said (the room's \
                 channel keeps that order: don't reorder lines on the way)",
                esc(&g[k].1),
                esc(&w[k].1)
            ));
        }
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// The jam: two clients that stop reading, a talker and listeners.

/// The jam's inputs, drawn from the seed.
struct JamPlan {
    talker: String,
    listeners: Vec<String>,
    /// Joins, in order: the talker and the listeners.
    joins: Vec<String>,
    /// The client whose pipe makes him fall `BACKLOG + extra` lines behind.
    sam: String,
    /// The client whose pipe makes him fall exactly `BACKLOG` lines behind.
    tom: String,
    /// Whether sam connects before tom (then sam hears `* tom joined`, and the other way round).
    sam_first: bool,
    /// How many of the talker's lines sam's pipe holds.
    fits: usize,
    /// How many lines sam must miss.
    extra: usize,
    /// Milliseconds between two of the talker's lines.
    every: u64,
    /// The word in the talker's lines.
    tag: String,
    /// Milliseconds from the talker's last line to the stalled clients' first read.
    pause: u64,
    /// What the talker says after the jam.
    after: String,
}

impl JamPlan {
    /// A jam for `backlog-is-bounded` (`long` false: sam misses 1, 2 or up to 150 lines) or for
    /// `stalled-client-does-not-hold-up-others` (`long`: 150 to 400 lines more than a queue of
    /// BACKLOG holds, so that a queue that makes the talker wait, even a longer one, fills up).
    fn draw(r: &mut Rng, long: bool) -> JamPlan {
        let n_listeners = r.count(1..=2);
        let names = r.names(3 + n_listeners);
        let talker = names[0].to_string();
        let listeners: Vec<String> = names[1..1 + n_listeners]
            .iter()
            .map(|s| s.to_string())
            .collect();
        let mut joins: Vec<String> = names[..1 + n_listeners]
            .iter()
            .map(|s| s.to_string())
            .collect();
        r.shuffle(&mut joins);
        let extra = match r.below(4) {
            _ if long => r.count(150..=400),
            0 => 1,
            1 => 2,
            _ => r.count(3..=150),
        };
        let tag_len = r.count(3..=6);
        JamPlan {
            talker,
            listeners,
            joins,
            sam: names[1 + n_listeners].to_string(),
            tom: names[2 + n_listeners].to_string(),
            sam_first: r.chance(1, 2),
            fits: r.count(1..=4),
            extra,
            every: r.range(1..=4) * 10,
            tag: r.letters(tag_len),
            pause: r.range(5..=20) * 100,
            after: format!("still there, {}?", r.name()),
        }
    }

    /// How many lines the talker says in the jam: sam's pipe, the line the server was writing
    /// to him when it filled, BACKLOG queued for him, and `extra` more that he must miss.
    fn lines(&self) -> usize {
        self.fits + 1 + BACKLOG + self.extra
    }

    /// The talker's `i`-th line (from 1), as sent.
    fn text(&self, i: usize) -> String {
        format!("{} {i:04}", self.tag)
    }

    /// The talker's `i`-th line, as the others hear it.
    fn heard(&self, i: usize) -> String {
        format!("{}: {}", self.talker, self.text(i))
    }

    /// `i` when `line` is the talker's `i`-th jam line.
    fn number(&self, line: &str) -> Option<usize> {
        line.strip_prefix(&format!("{}: {} ", self.talker, self.tag))?
            .parse()
            .ok()
    }

    /// Bytes of one jam line on its way to a client, `\n` included.
    fn line_bytes(&self) -> usize {
        self.heard(1).len() + 1
    }

    /// What the stalled client who connects first hears before the jam: the second one's join.
    fn first_hears(&self) -> String {
        format!(
            "* {} joined",
            if self.sam_first { &self.tom } else { &self.sam }
        )
    }

    fn start(&self) -> u64 {
        200 * (self.joins.len() as u64 + 2) + 300
    }

    fn said_at(&self, i: usize) -> Duration {
        ms(self.start() + self.every * (i as u64 - 1))
    }

    fn read_at(&self) -> u64 {
        self.start() + self.every * (self.lines() as u64 - 1) + self.pause
    }

    fn after_at(&self) -> u64 {
        self.read_at() + 1000
    }

    fn describe(&self) -> String {
        format!(
            "{} said {} lines (`{}` to `{}`), one every {} ms from {}, while {} and {} were \
             connected and read nothing; they started reading at {}",
            self.talker,
            self.lines(),
            self.heard(1),
            self.heard(self.lines()),
            self.every,
            secs(self.said_at(1)),
            self.sam,
            self.tom,
            secs(ms(self.read_at()))
        )
    }

    /// What `who` is owed, when its pipe holds `fits` lines: sam and tom alike.
    fn owed(&self, who: &str, fits: usize) -> Vec<String> {
        let mut owed = Vec::new();
        if (who == self.sam) == self.sam_first {
            owed.push(self.first_hears());
        }
        let n = self.lines();
        let sent = fits + 1;
        if n - sent > BACKLOG {
            owed.extend((1..=sent).map(|i| self.heard(i)));
            owed.push(format!("* you missed {} messages", n - sent - BACKLOG));
            owed.extend((n - BACKLOG + 1..=n).map(|i| self.heard(i)));
        } else {
            owed.extend((1..=n).map(|i| self.heard(i)));
        }
        owed.push(format!("{}: {}", self.talker, self.after));
        owed
    }

    /// `lines` in short: runs of jam lines as `lines 3–40`, anything else as itself.
    fn summary(&self, lines: &[String]) -> String {
        let mut parts: Vec<String> = Vec::new();
        let mut run: Option<(usize, usize)> = None;
        let flush = |run: &mut Option<(usize, usize)>, parts: &mut Vec<String>| {
            if let Some((a, b)) = run.take() {
                parts.push(if a == b {
                    format!("line {a}")
                } else {
                    format!("lines {a}–{b}")
                });
            }
        };
        for line in lines {
            match (self.number(line), run) {
                (Some(i), Some((a, b))) if i == b + 1 => run = Some((a, i)),
                (Some(i), _) => {
                    flush(&mut run, &mut parts);
                    run = Some((i, i));
                }
                (None, _) => {
                    flush(&mut run, &mut parts);
                    parts.push(format!("`{}`", esc(line)));
                }
            }
        }
        flush(&mut run, &mut parts);
        if parts.is_empty() {
            "nothing".into()
        } else {
            parts.join(", ")
        }
    }
}

struct Jam {
    listeners: Vec<(String, Log)>,
    sam: Log,
    tom: Log,
}

/// The talker and the listeners join 0.2 s apart, then the two who will stall, through pipes that
/// hold exactly what the plan says; the talker says her lines; the two start reading; a second
/// later she says one more line; the logs are read a second after that.
async fn jam(plan: &JamPlan) -> Jam {
    let mut chat = Chat::open();
    let mut t = 0;
    for name in &plan.joins {
        at(t).await;
        chat.join(name).await;
        t += 200;
    }
    let first_hears = plan.first_hears().len() + 1;
    let pipe = |who: &str, fits: usize| {
        let before = if (who == plan.sam) == plan.sam_first {
            first_hears
        } else {
            0
        };
        before + fits * plan.line_bytes()
    };
    let stalled = if plan.sam_first {
        [(&plan.sam, plan.fits), (&plan.tom, plan.fits + plan.extra)]
    } else {
        [(&plan.tom, plan.fits + plan.extra), (&plan.sam, plan.fits)]
    };
    for (who, fits) in stalled {
        at(t).await;
        chat.connect(who, pipe(who, fits), false);
        chat.write(who, &format!("{who}\n")).await;
        t += 200;
    }
    let talker = chat.index(&plan.talker);
    let mut out = chat.clients[talker].out.take().expect("the talker's pipe");
    let lines: Vec<(Duration, String)> = (1..=plan.lines())
        .map(|i| (plan.said_at(i), plan.text(i)))
        .collect();
    let (after_at, after) = (plan.after_at(), plan.after.clone());
    let sent = Arc::new(AtomicUsize::new(0));
    let counter = sent.clone();
    // The talker talks from a task of her own: if the server stops reading her, only she waits.
    let talking = tokio::spawn(async move {
        for (when, text) in lines {
            sleep(when.saturating_sub(elapsed())).await;
            if out.write_all(format!("{text}\n").as_bytes()).await.is_err() {
                return out;
            }
            counter.fetch_add(1, Ordering::Relaxed);
        }
        at(after_at).await;
        let _ = out.write_all(format!("{after}\n").as_bytes()).await;
        out
    });
    at(plan.read_at()).await;
    chat.listen(&plan.sam);
    chat.listen(&plan.tom);
    at(plan.after_at() + 1000).await;
    talking.abort();
    let log = |who: &str| chat.clients[chat.index(who)].log.clone();
    Jam {
        listeners: plan.listeners.iter().map(|l| (l.clone(), log(l))).collect(),
        sam: log(&plan.sam),
        tom: log(&plan.tom),
    }
}

/// The first line `who` heard that no protocol mistake explains, as a failure.
fn jam_diagnose(plan: &JamPlan, who: &str, log: &Log) -> Result<(), Fail> {
    let nicks: Vec<String> = [&plan.talker, &plan.sam, &plan.tom]
        .into_iter()
        .chain(&plan.listeners)
        .cloned()
        .collect();
    if log.lines().is_empty() && log.closed_at().is_none() {
        return Err(Fail::new(
            Kind::WrongValue,
            format!(
                "{who} heard nothing at all: {}. {NOTHING_HEARD}",
                plan.describe()
            ),
        ));
    }
    for (_, line) in log.lines() {
        if let Some(why) = diagnose(who, &line, &nicks, &[]) {
            return Err(Fail::new(Kind::WrongValue, why));
        }
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

/// How many of the talker's jam lines the listeners heard at the instant she said them (the
/// fewest among them), and the listener, and a description of the first line that was late or
/// missing.
fn jam_on_time(plan: &JamPlan, jam: &Jam) -> (usize, String, Option<String>) {
    let mut worst = (usize::MAX, String::new(), None);
    for (who, log) in &jam.listeners {
        let heard: Vec<(Duration, String)> = log
            .lines()
            .into_iter()
            .filter(|(_, l)| plan.number(l).is_some())
            .collect();
        let mut on_time = 0;
        let mut first_wrong = None;
        for i in 1..=plan.lines() {
            let want = plan.heard(i);
            match heard.get(i - 1) {
                Some((t, l)) if *l == want && *t == plan.said_at(i) => on_time += 1,
                Some((t, l)) if *l == want => {
                    first_wrong.get_or_insert(format!(
                        "`{want}`, said at {}, reached {who} at {}",
                        secs(plan.said_at(i)),
                        secs(*t)
                    ));
                }
                Some((_, l)) => {
                    first_wrong.get_or_insert(format!(
                        "{who}'s line {i} from {} was `{l}`, expected `{want}`",
                        plan.talker
                    ));
                }
                None => {
                    first_wrong.get_or_insert(format!("`{want}` never reached {who}"));
                }
            }
        }
        if on_time < worst.0 {
            worst = (on_time, who.clone(), first_wrong);
        }
    }
    worst
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
        self.write(&format!("{text}\n")).await
    }

    /// Writes `bytes` as they are: part of a line, or several.
    async fn write(&mut self, bytes: &str) -> Result<(), Fail> {
        let text = esc(bytes);
        self.out
            .write_all(bytes.as_bytes())
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

/// The loopback scene: `a` and `b` join, `b` pings until `a` hears it, `a` says `text` (in two
/// writes, a pause between them), then `/quit`s.
async fn loopback_scene(a: &'static str, b: &'static str, text: String) -> Result<(), Fail> {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .map_err(|e| Fail::new(Kind::Crashed, format!("could not bind 127.0.0.1:0: {e}")))?;
    let addr = listener
        .local_addr()
        .map_err(|e| Fail::new(Kind::Crashed, format!("no local address: {e}")))?;
    let server = tokio::spawn(exercise::serve(Tcp(listener), Hub::new()));
    let outcome = async {
        let mut ann = TcpPeer::connect(addr, a).await?;
        let mut bob = TcpPeer::connect(addr, b).await?;
        let (ping, b_joined) = (format!("{b}: ping"), format!("* {b} joined"));
        // Both nicknames are on their way, in an order the server may take either way round. The
        // second pings until the first hears one: then both have joined.
        let deadline = tokio::time::Instant::now() + LOOPBACK_WAIT;
        loop {
            bob.send("ping").await?;
            let heard = tokio::time::timeout(ms(250), ann.hear(Some(&ping), &[&b_joined])).await;
            match heard {
                Ok(Ok(_)) => break,
                Ok(Err(fail)) => return Err(fail),
                Err(_) if tokio::time::Instant::now() >= deadline => {
                    return Err(loopback_fail(format!(
                        "{b} said `ping` every 250 ms for 5 s and {a} never heard `{ping}`"
                    )));
                }
                Err(_) => {}
            }
        }
        let (head, tail) = text.split_at(text.len() / 2);
        ann.write(head).await?;
        sleep(ms(50)).await;
        ann.send(tail).await?;
        bob.hear(Some(&format!("{a}: {text}")), &[&format!("* {a} joined")])
            .await?;
        ann.send("/quit").await?;
        ann.hear(None, &[&ping]).await?;
        bob.hear(Some(&format!("* {a} left")), &[]).await?;
        Ok(())
    }
    .await;
    server.abort();
    let _ = server.await;
    outcome
}

// ---------------------------------------------------------------------------------------------
// Drawing scenes.

/// A short message: a word and some letters.
fn message(r: &mut Rng) -> String {
    let len = r.count(2..=6);
    format!("{} {}", r.name(), r.letters(len))
}

/// The next instant of a scene: `t` moved on by 0.1 s to 1 s.
fn next(r: &mut Rng, t: &mut u64) -> u64 {
    *t += r.range(1..=10) * 100;
    *t
}

/// `text` cut into `n` non-empty pieces at drawn places.
fn pieces(r: &mut Rng, text: &str, n: usize) -> Vec<String> {
    let n = n.min(text.len());
    let mut cuts: Vec<usize> = r
        .distinct(n - 1, 1..=text.len() as u64 - 1, 1)
        .into_iter()
        .map(|c| c as usize)
        .collect();
    cuts.sort();
    let mut out = Vec::new();
    let mut from = 0;
    for cut in cuts.into_iter().chain([text.len()]) {
        out.push(text[from..cut].to_string());
        from = cut;
    }
    out
}

/// `\n` or `\r\n`, drawn.
fn ending(r: &mut Rng) -> &'static str {
    if r.chance(1, 2) { "\r\n" } else { "\n" }
}

/// Everybody in `names` joins, one after another.
async fn all_join(chat: &mut Chat, r: &mut Rng, t: &mut u64, names: &[&str]) {
    for name in names {
        at(next(r, t)).await;
        chat.join(name).await;
    }
}

// ---------------------------------------------------------------------------------------------

pub fn checks() -> Vec<Check> {
    vec![
        check(
            "others-hear-messages",
            3,
            "three to five clients each say a line or two: the others hear `nick: text` at that \
             instant, the sender hears nothing; a client in a second room hears none of it",
            || async {
                let mut r = rng();
                let n = r.count(3..=5);
                let names = r.names(n + 1);
                let loner = names[n];
                let mut chat = Chat::open();
                // A second room, from its own `Hub::new()`: a new, empty room, so its one client
                // hears nothing of the first room, and the first room nothing of it.
                let mut other = Chat::open();
                let mut t = 0;
                all_join(&mut chat, &mut r, &mut t, &names[..n]).await;
                at(next(&mut r, &mut t)).await;
                other.join(loner).await;
                let mut talks: Vec<usize> =
                    (0..=n).chain((0..n).filter(|_| r.chance(1, 2))).collect();
                r.shuffle(&mut talks);
                for i in talks {
                    let text = message(&mut r);
                    at(next(&mut r, &mut t)).await;
                    if i == n {
                        other.send(loner, &text).await;
                    } else {
                        chat.send(names[i], &text).await;
                    }
                }
                at(t + 1000).await;
                let crossed = chat
                    .scene
                    .events()
                    .into_iter()
                    .chain(other.scene.events())
                    .find(|e| match &e.what {
                        What::Hears(line) => {
                            let about_loner = *line == format!("* {loner} joined")
                                || line.starts_with(&format!("{loner}: "));
                            (e.who == loner) != about_loner
                        }
                        _ => false,
                    });
                if let Some(e) = crossed {
                    return Err(Fail::new(
                        Kind::WrongValue,
                        format!(
                            "{loner} was alone in a room of its own (a second `Hub::new()`), yet \
                             {} heard `{}` at {}: the two rooms are one. `Hub::new()` makes a \
                             new, empty room: keep its channel in the `Hub`, not in a `static` \
                             shared by every hub",
                            e.who,
                            esc(match &e.what {
                                What::Hears(line) => line,
                                _ => "",
                            }),
                            secs(e.at)
                        ),
                    ));
                }
                chat.judge()?;
                other.judge()
            },
        ),
        check(
            "join-and-leave-notices",
            2,
            "`* nick joined` goes to those already there, not the newcomer; `* nick left` to \
             those still there after a /quit",
            || async {
                let mut r = rng();
                let n = r.count(3..=5);
                let names = r.names(n);
                let mut chat = Chat::open();
                let mut t = 0;
                all_join(&mut chat, &mut r, &mut t, &names).await;
                let mut quits = names.clone();
                r.shuffle(&mut quits);
                quits.truncate(r.count(2..=n));
                for name in quits {
                    at(next(&mut r, &mut t)).await;
                    chat.send(name, "/quit").await;
                }
                at(t + 1000).await;
                chat.judge()
            },
        ),
        check(
            "quit-closes-only-that-client",
            3,
            "/quit closes that client's connection at once and is not relayed; the others talk \
             on, and new clients still get in",
            || async {
                let mut r = rng();
                let n = r.count(3..=4);
                let names = r.names(n + 1);
                let (first, newcomer) = (&names[..n], names[n]);
                let mut chat = Chat::open();
                let mut t = 0;
                all_join(&mut chat, &mut r, &mut t, first).await;
                let quitter = *r.pick(first);
                at(next(&mut r, &mut t)).await;
                chat.send(quitter, "/quit").await;
                let mut rest: Vec<&str> = first.iter().copied().filter(|&x| x != quitter).collect();
                r.shuffle(&mut rest);
                for name in &rest {
                    let text = message(&mut r);
                    at(next(&mut r, &mut t)).await;
                    chat.send(name, &text).await;
                }
                at(next(&mut r, &mut t)).await;
                chat.join(newcomer).await;
                let text = message(&mut r);
                at(next(&mut r, &mut t)).await;
                chat.send(newcomer, &text).await;
                let text = message(&mut r);
                at(next(&mut r, &mut t)).await;
                chat.send(rest[0], &text).await;
                at(t + 1000).await;
                chat.judge()
            },
        ),
        check(
            "hang-up-is-a-leave",
            2,
            "a client that disconnects without /quit, or whose connection fails, leaves all the \
             same; one gone before its nickname never joined",
            || async {
                let mut r = rng();
                let n = r.count(3..=4);
                let names = r.names(n + 2);
                let (first, ghost, newcomer) = (&names[..n], names[n], names[n + 1]);
                let mut chat = Chat::open();
                let mut t = 0;
                all_join(&mut chat, &mut r, &mut t, first).await;
                let mut leavers: Vec<&str> = first.to_vec();
                r.shuffle(&mut leavers);
                let (hangs_up, fails, stays) = (leavers[0], leavers[1], leavers[2]);
                // 0: hang up, 1: connection fails, 2: the ghost connects, 3: the ghost goes.
                let mut steps = [0, 1, 2];
                r.shuffle(&mut steps);
                for step in steps {
                    at(next(&mut r, &mut t)).await;
                    match step {
                        0 => chat.hang_up(hangs_up),
                        1 => chat.fail(fails),
                        _ => {
                            chat.connect(ghost, PIPE, true);
                            chat.act(ghost, What::Connects);
                            at(next(&mut r, &mut t)).await;
                            chat.hang_up(ghost);
                        }
                    }
                }
                at(next(&mut r, &mut t)).await;
                chat.join(newcomer).await;
                let text = message(&mut r);
                at(next(&mut r, &mut t)).await;
                chat.send(stays, &text).await;
                at(t + 1000).await;
                chat.judge()
            },
        ),
        check(
            "lines-in-pieces",
            2,
            "lines written in pieces with pauses, several lines in one write, `\\r\\n` endings: \
             each line is relayed whole, once its `\\n` arrives, and in order",
            || async {
                let mut r = rng();
                let names = r.names(3);
                let (a, b, c) = (names[0], names[1], names[2]);
                let mut chat = Chat::open();
                let mut t = 0;
                // a gives its nickname in pieces.
                at(next(&mut r, &mut t)).await;
                chat.connect(a, PIPE, true);
                let nick = format!("{a}{}", ending(&mut r));
                let k = r.count(2..=3);
                for piece in pieces(&mut r, &nick, k) {
                    at(next(&mut r, &mut t)).await;
                    chat.write(a, &piece).await;
                }
                for name in [b, c] {
                    at(next(&mut r, &mut t)).await;
                    chat.connect(name, PIPE, true);
                    let line = format!("{name}{}", ending(&mut r));
                    chat.write(name, &line).await;
                }
                // a writes a message in pieces; meanwhile b talks, so a's task has lines to
                // write to a while a's own line is half read.
                let line = format!("{}{}", message(&mut r), ending(&mut r));
                let k = r.count(2..=4);
                for (i, piece) in pieces(&mut r, &line, k).into_iter().enumerate() {
                    if i > 0 {
                        let text = message(&mut r);
                        at(next(&mut r, &mut t)).await;
                        chat.send(b, &text).await;
                    }
                    at(next(&mut r, &mut t)).await;
                    chat.write(a, &piece).await;
                }
                // c writes several lines in one write.
                let batch: String = (0..r.count(2..=4))
                    .map(|_| format!("{}{}", message(&mut r), ending(&mut r)))
                    .collect();
                at(next(&mut r, &mut t)).await;
                chat.write(c, &batch).await;
                // b ends one line and starts the next in one write, and finishes it later.
                let (one, two) = (message(&mut r), message(&mut r));
                let cut = r.count(1..=two.len() - 1);
                at(next(&mut r, &mut t)).await;
                chat.write(b, &format!("{one}{}{}", ending(&mut r), &two[..cut]))
                    .await;
                let text = message(&mut r);
                at(next(&mut r, &mut t)).await;
                chat.send(c, &text).await;
                at(next(&mut r, &mut t)).await;
                chat.write(b, &format!("{}{}", &two[cut..], ending(&mut r)))
                    .await;
                // a says goodbye and quits in one write.
                let bye = message(&mut r);
                at(next(&mut r, &mut t)).await;
                chat.write(
                    a,
                    &format!("{bye}{}/quit{}", ending(&mut r), ending(&mut r)),
                )
                .await;
                at(t + 1000).await;
                chat.judge()
            },
        ),
        check(
            "stalled-client-does-not-hold-up-others",
            3,
            "two clients never read while another says a few hundred lines: every listener \
             hears each one at the instant it is said",
            || async {
                let plan = JamPlan::draw(&mut rng(), true);
                let jam = jam(&plan).await;
                for (who, log) in &jam.listeners {
                    jam_diagnose(&plan, who, log)?;
                }
                let (on_time, who, first_wrong) = jam_on_time(&plan, &jam);
                judged(plan.said_at(plan.lines()));
                if on_time == plan.lines() {
                    return Ok(());
                }
                let first_wrong = first_wrong.unwrap_or_default();
                let late = first_wrong.contains(" reached ");
                Err(Fail::new(
                    if late {
                        Kind::WrongTiming
                    } else {
                        Kind::WrongValue
                    },
                    format!(
                        "{}: {who} heard only {on_time} of the {} lines at the instant they were \
                         said; {first_wrong}. One client's slowness held up everybody: something \
                         on the way from {} to {who} waits for {} or {}. A lock held across the \
                         writes to every client, or a send that waits for room in a slow client's \
                         queue, does that. Each client needs its own task writing to it, fed by a \
                         queue that never makes the sender wait (a broadcast channel drops the \
                         oldest line for a receiver that falls behind)",
                        plan.describe(),
                        plan.lines(),
                        plan.talker,
                        plan.sam,
                        plan.tom
                    ),
                ))
            },
        ),
        check(
            "backlog-is-bounded",
            3,
            "a client that falls BACKLOG + k lines behind misses exactly the k oldest, is told \
             `* you missed k messages`, and is still served; one exactly BACKLOG behind misses none",
            || async {
                let plan = JamPlan::draw(&mut rng(), false);
                let jam = jam(&plan).await;
                let (sam, tom) = (plan.sam.as_str(), plan.tom.as_str());
                jam_diagnose(&plan, sam, &jam.sam)?;
                jam_diagnose(&plan, tom, &jam.tom)?;
                let n = plan.lines();
                let heard: Vec<String> = jam.sam.lines().into_iter().map(|(_, l)| l).collect();
                let jam_lines = heard.iter().filter(|l| plan.number(l).is_some()).count();
                let notices: Vec<usize> = heard.iter().filter_map(|l| missed(l)).collect();
                let (on_time, _, _) = jam_on_time(&plan, &jam);
                let wrong = |message: String| Err(Fail::new(Kind::WrongValue, message));
                if let Some(closed) = jam.sam.closed_at() {
                    return wrong(format!(
                        "{}. {sam}'s connection was closed at {} once he started reading, after \
                         {jam_lines} line(s): falling behind ended his session. \
                         `RecvError::Lagged(n)` is not an error to give up on: tell the client \
                         it missed n messages, and carry on",
                        plan.describe(),
                        secs(closed)
                    ));
                }
                if notices.is_empty() && jam_lines >= n && on_time < n {
                    return wrong(format!(
                        "{}. {sam} got all {jam_lines} lines: rather than drop lines for him, the \
                         server made {} (and so everybody) wait until he read (a listener heard \
                         only {on_time} of the lines on time). A full queue must not make the \
                         sender wait: a broadcast channel drops the oldest line for the receiver \
                         that fell behind, and tells it",
                        plan.describe(),
                        plan.talker
                    ));
                }
                if notices.is_empty() && jam_lines >= n {
                    return wrong(format!(
                        "{}. {sam}'s pipe holds {} of those lines, so he fell {} lines behind, \
                         {} more than BACKLOG = {BACKLOG}; yet he got all {n}: the server kept \
                         them all for him. A queue with no bound (or a bigger one) for a client \
                         that does not read grows as long as others talk. Bound it (BACKLOG \
                         lines) and let the slow client miss the oldest",
                        plan.describe(),
                        plan.fits,
                        n - plan.fits - 1,
                        plan.extra
                    ));
                }
                if notices.is_empty() {
                    return wrong(format!(
                        "{}. {sam} got {jam_lines} of the {n} lines and was never told that he \
                         missed the others: expected a line `* you missed {} messages` \
                         (`RecvError::Lagged(n)` gives the n). Lines dropped without a word look \
                         like a chat that went quiet",
                        plan.describe(),
                        plan.extra
                    ));
                }
                for (who, log, fits) in [
                    (sam, &jam.sam, plan.fits),
                    (tom, &jam.tom, plan.fits + plan.extra),
                ] {
                    let got: Vec<String> = log.lines().into_iter().map(|(_, l)| l).collect();
                    let owed = plan.owed(who, fits);
                    if got == owed {
                        continue;
                    }
                    let behind = n - fits - 1;
                    let should = if behind > BACKLOG {
                        format!(
                            "so he fell {behind} lines behind, {} more than BACKLOG = {BACKLOG}: \
                             he should miss exactly the {} oldest of them",
                            behind - BACKLOG,
                            behind - BACKLOG
                        )
                    } else {
                        format!(
                            "so he fell exactly BACKLOG = {BACKLOG} lines behind: he should miss \
                             none"
                        )
                    };
                    let before = got.iter().position(|l| missed(l).is_some());
                    let after = before.map(|p| {
                        got[p + 1..]
                            .iter()
                            .filter(|l| plan.number(l).is_some())
                            .count()
                    });
                    let why = match (before, after) {
                        (Some(_), Some(k)) if k != BACKLOG && behind > BACKLOG => format!(
                            " After the notice he got {k} lines, expected the newest {BACKLOG}: \
                             the queue between the room and one client holds exactly BACKLOG \
                             lines (a broadcast channel of capacity BACKLOG)."
                        ),
                        (Some(p), _) if behind > BACKLOG => {
                            let k = got[..p].iter().filter(|l| plan.number(l).is_some()).count();
                            format!(
                                " Before the notice he got {k} lines, expected {}: the lines \
                                 his pipe holds and the one the server was writing when it \
                                 filled. Anything more was kept for him somewhere else than \
                                 the one queue of BACKLOG lines (a second queue, a buffer).",
                                fits + 1
                            )
                        }
                        (Some(_), _) => format!(
                            " He was told he missed messages, but a client BACKLOG = {BACKLOG} \
                             lines behind has missed nothing: the queue for one client must \
                             hold BACKLOG lines, not fewer."
                        ),
                        _ => String::new(),
                    };
                    return wrong(format!(
                        "{}. {who}'s pipe holds {fits} of those lines (and the server writes one \
                         more, which waits until he reads), {should}. Expected him to get {}; he \
                         got {}.{why}",
                        plan.describe(),
                        plan.summary(&owed),
                        plan.summary(&got)
                    ));
                }
                // The line after the jam: at the instant it was said.
                let after = format!("{}: {}", plan.talker, plan.after);
                for (who, log) in [(sam, &jam.sam), (tom, &jam.tom)] {
                    if let Some((t, _)) = log.lines().iter().find(|(_, l)| *l == after)
                        && *t != ms(plan.after_at())
                    {
                        return Err(Fail::new(
                            Kind::WrongTiming,
                            format!(
                                "{who} heard `{after}` at {}, expected at {}, when {} said it: \
                                 once a slow client has caught up, it is served like everybody",
                                secs(*t),
                                secs(ms(plan.after_at())),
                                plan.talker
                            ),
                        ));
                    }
                }
                Ok(())
            },
        ),
        check(
            "many-clients",
            2,
            "ten to twenty clients join, talk and leave (/quit or hanging up) in drawn orders: \
             everybody hears exactly what they should, when they should",
            || async {
                let mut r = rng();
                let n = r.count(10..=20);
                let names = r.names(n);
                let mut chat = Chat::open();
                let mut t = 0;
                all_join(&mut chat, &mut r, &mut t, &names).await;
                let mut order = names.clone();
                r.shuffle(&mut order);
                for name in &order {
                    let text = message(&mut r);
                    at(next(&mut r, &mut t)).await;
                    chat.send(name, &text).await;
                }
                r.shuffle(&mut order);
                // At least one leaves with /quit and one by hanging up; the others either way.
                let mut quits: Vec<bool> = (0..n)
                    .map(|i| i == 0 || (i > 1 && r.chance(1, 2)))
                    .collect();
                r.shuffle(&mut quits);
                for (name, quits) in order.iter().zip(quits) {
                    at(next(&mut r, &mut t)).await;
                    if quits {
                        chat.send(name, "/quit").await;
                    } else {
                        chat.hang_up(name);
                    }
                }
                at(t + 1000).await;
                chat.judge()
            },
        ),
        check(
            "tcp-loopback",
            2,
            "over real TCP on 127.0.0.1: two clients talk both ways, /quit closes the \
             connection and the other hears the leave",
            || async {
                let mut r = rng();
                let names = r.names(2);
                let text = message(&mut r);
                on_loopback(|| loopback_scene(names[0], names[1], text)).await
            },
        )
        .real_time()
        // A server that never sends what a client waits for holds this check for its seconds of
        // real-clock patience: it runs beside the computing checks rather than taking a CPU's turn.
        .waits(),
        check(
            "demo-transcript",
            3,
            "the demo's scene (the checks' own copy of run()): ann, bob and cy join, talk and \
             leave, every line heard at its exact time",
            || async {
                let read = demo::run().await;
                expect_transcript("run")?;
                // The `hears` lines must be lines the clients read from their pipes.
                let client_lines = |lines: Vec<String>| {
                    let mut lines: Vec<String> = lines
                        .into_iter()
                        .filter(|l| {
                            l.contains(" hears `") || l.ends_with("'s connection is closed")
                        })
                        .collect();
                    lines.sort();
                    lines
                };
                let (said, read) = (client_lines(transcript()), client_lines(read));
                if said != read {
                    let stray = said
                        .iter()
                        .find(|l| !read.contains(l))
                        .cloned()
                        .unwrap_or_default();
                    return Err(Fail::new(
                        Kind::WrongValue,
                        format!(
                            "the transcript says `{}`, but no client read that from its \
                             connection: the line was printed by the server, not sent. What \
                             counts is what the clients receive: write each line to the client's \
                             connection, and print nothing yourself",
                            stray.trim()
                        ),
                    ));
                }
                Ok(())
            },
        )
        .main(),
    ]
}

mod demo {
    use awaitlings::say;
    use awaitlings_check::prelude::elapsed;
    use exercise::{Hub, Listener, serve};
    use std::io;
    use std::sync::{Arc, Mutex};
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
        async fn join(dialer: &Dialer, nick: &'static str, read: &Read) -> Bot {
            let (input, mut out) = tokio::io::split(dialer.dial());
            say!("{nick} connects");
            let _ = out.write_all(format!("{nick}\n").as_bytes()).await;
            let read = read.clone();
            let ears = tokio::spawn(async move {
                let mut lines = BufReader::new(input).lines();
                let heard = |text: String| {
                    say!("{text}");
                    read.lock()
                        .unwrap()
                        .push(awaitlings::format_line(elapsed(), &text));
                };
                while let Ok(Some(line)) = lines.next_line().await {
                    heard(format!("{nick} hears `{line}`"));
                }
                heard(format!("{nick}'s connection is closed"));
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

    /// What the clients read from their pipes, as transcript lines.
    type Read = Arc<Mutex<Vec<String>>>;

    /// The demo's scene, one step a second: ann, bob and cy join, talk, and leave, bob with `/quit`,
    /// cy by hanging up. Returns what the clients read, as the transcript lines they said.
    pub async fn run() -> Vec<String> {
        let read = Read::default();
        let (dialer, listener) = pipes();
        let server = tokio::spawn(serve(listener, Hub::new()));
        let second = || sleep(Duration::from_secs(1));

        let mut ann = Bot::join(&dialer, "ann", &read).await;
        second().await;
        let mut bob = Bot::join(&dialer, "bob", &read).await;
        second().await;
        ann.send("hi bob").await;
        second().await;
        bob.send("hi ann! is cy coming?").await;
        second().await;
        let mut cy = Bot::join(&dialer, "cy", &read).await;
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
        let read = read.lock().unwrap().clone();
        read
    }
}
