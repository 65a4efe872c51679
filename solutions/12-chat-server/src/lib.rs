//! # Exercise 12: a chat server
//!
//! A TCP chat server, the asyncio classic: every client is a task, and a broadcast channel carries
//! each line to every other client. The lesson is in README.md; this file is the contract.
//!
//! The protocol, one line at a time (a line ends with `\n`; a `\r` before it is dropped too):
//!
//! - the first line a client sends is its nickname; the others hear `* {nick} joined`;
//! - every line after that is a message: the others hear `{nick}: {text}`, the sender nothing;
//! - the line `/quit` ends the session: the server closes that connection, and the others hear
//!   `* {nick} left`. A client that just disconnects (or whose connection fails) leaves the same
//!   way;
//! - a client that does not read falls behind; once it is more than [`BACKLOG`] lines behind, the
//!   oldest lines it has not been sent are dropped (a line already being written to its connection
//!   counts as sent), and when it catches up it hears `* you missed {n} messages` first, then the
//!   newest `BACKLOG` lines. Nobody else waits for it.
//!
//! [`Listener`], its implementation for `TcpListener` and the demo's [`run`] are given. Yours are
//! [`Hub`], [`handle_client`] and [`serve`].

use std::future::Future;
use std::io;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use tokio::io::{AsyncBufReadExt, AsyncRead, AsyncWrite, AsyncWriteExt, BufReader};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::broadcast;
use tokio::sync::broadcast::error::RecvError;

mod demo;
pub use demo::{Dialer, Pipes, pipes, run};

/// How many lines a client may fall behind before it starts missing some: the capacity of the
/// queue between the chat and one client. A bound, so that a client that never reads costs the
/// server a fixed amount of memory, not a copy of everything everybody says.
pub const BACKLOG: usize = 32;

/// Where connections come from: a `TcpListener`, or anything else that hands out byte streams
/// (the demo's in-memory pipes, the grader's). Given.
pub trait Listener: Send + 'static {
    /// One connection: bytes in, bytes out.
    type Conn: AsyncRead + AsyncWrite + Unpin + Send + 'static;

    /// Waits for the next connection.
    fn accept(&mut self) -> impl Future<Output = io::Result<Self::Conn>> + Send;
}

impl Listener for TcpListener {
    type Conn = TcpStream;

    async fn accept(&mut self) -> io::Result<TcpStream> {
        let (stream, _address) = TcpListener::accept(self).await?;
        Ok(stream)
    }
}

/// One line for the room, and who said it (so that their own task can leave it out).
#[derive(Clone, Debug)]
struct Said {
    by: u64,
    line: String,
}

/// What the clients' tasks share: the chat room.
///
/// Cheap to clone; every clone is the same room. [`Hub::new`] makes a new, empty room.
#[derive(Clone)]
pub struct Hub {
    // One broadcast channel: every line sent into it reaches every receiver, each of which keeps
    // at most BACKLOG lines it has not taken yet (asyncio has no such channel; there you would
    // keep a set of per-client queues).
    room: broadcast::Sender<Said>,
    // Each client gets a number, so that its task can tell its own lines from the others'.
    next_id: Arc<AtomicU64>,
}

impl Hub {
    /// A new, empty chat room.
    pub fn new() -> Hub {
        // The receiver made with it is not needed: each client subscribes its own.
        let (room, _) = broadcast::channel(BACKLOG);
        Hub {
            room,
            next_id: Arc::new(AtomicU64::new(0)),
        }
    }

    /// Tells everybody but `by`. `send` never waits: a full queue drops its oldest line instead.
    /// (It fails only when nobody is listening, which is fine.)
    fn tell(&self, by: u64, line: String) {
        let _ = self.room.send(Said { by, line });
    }
}

impl Default for Hub {
    fn default() -> Self {
        Hub::new()
    }
}

/// Serves one client, from its nickname to the moment it leaves, following the protocol above.
/// Returns when the client's session is over; the connection is closed by then.
pub async fn handle_client<S>(stream: S, hub: Hub)
where
    S: AsyncRead + AsyncWrite + Unpin + Send + 'static,
{
    // Two halves, so that reading and writing can be waited for at the same time.
    let (reader, mut writer) = tokio::io::split(stream);
    // `lines()` strips the `\n` (and a `\r` before it).
    let mut lines = BufReader::new(reader).lines();

    // The first line is the nickname. A client gone before it gave one never joined: nobody hears
    // of it.
    let nick = match lines.next_line().await {
        Ok(Some(nick)) => nick,
        Ok(None) | Err(_) => return,
    };
    let me = hub.next_id.fetch_add(1, Ordering::Relaxed);

    // Subscribe before telling the others, so that nothing said after we joined is missed.
    let mut room = hub.room.subscribe();
    hub.tell(me, format!("* {nick} joined"));

    loop {
        // Wait for whichever comes first: a line from our client, or a line from the room.
        // Both `next_line` and `recv` are cancel safe: the branch that loses the race loses no
        // data, it is simply asked again next time round.
        tokio::select! {
            line = lines.next_line() => match line {
                Ok(Some(line)) if line == "/quit" => break,
                Ok(Some(line)) => hub.tell(me, format!("{nick}: {line}")),
                // End of stream (the client hung up) or a broken connection: it left, too.
                Ok(None) | Err(_) => break,
            },
            said = room.recv() => {
                let line = match said {
                    Ok(said) if said.by == me => continue,
                    Ok(said) => said.line,
                    // We fell more than BACKLOG lines behind (our client stopped reading, so the
                    // write below kept us waiting): the oldest were dropped for us. Say so, and
                    // carry on with what is left.
                    Err(RecvError::Lagged(missed)) => format!("* you missed {missed} messages"),
                    // Cannot happen while we hold the hub (a sender), but would end the chat.
                    Err(RecvError::Closed) => break,
                };
                // This await waits for *our* client only. While it does, the room goes on
                // without us: only our receiver falls behind.
                if writer.write_all(format!("{line}\n").as_bytes()).await.is_err() {
                    break;
                }
            }
        }
    }

    hub.tell(me, format!("* {nick} left"));
    // Returning drops both halves, which closes the connection.
}

/// Accepts connections until `accept` fails (then returns its error), serving each client in a
/// task of its own, all in the room `hub`.
pub async fn serve<L: Listener>(mut listener: L, hub: Hub) -> io::Result<()> {
    loop {
        let conn = listener.accept().await?;
        // Spawned, not awaited: awaiting would serve one client at a time, and the next one
        // would not even be accepted until the first had left.
        tokio::spawn(handle_client(conn, hub.clone()));
    }
}
