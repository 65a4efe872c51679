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
//!
//! For `run()` the grader expects this transcript (times in seconds since the start):
//!
//! ```text
//!   0.000s  ann connects
//!   1.000s  bob connects
//!   1.000s  ann hears `* bob joined`
//!   2.000s  ann sends `hi bob`
//!   2.000s  bob hears `ann: hi bob`
//!   ...
//!   6.000s  bob sends `/quit`
//!   6.000s  bob's connection is closed
//!   6.000s  ann hears `* bob left`
//!   6.000s  cy hears `* bob left`
//!   ...
//! ```
//!
//! Lines stamped with the same time may come in any order.

use std::future::Future;
use std::io;
use tokio::io::{AsyncRead, AsyncWrite};
use tokio::net::{TcpListener, TcpStream};

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

/// What the clients' tasks share: the chat room.
///
/// Cheap to clone; every clone is the same room. [`Hub::new`] makes a new, empty room.
///
/// The fields are yours to choose: a `tokio::sync::broadcast::Sender` (its capacity is
/// [`BACKLOG`]) is the heart of it, and each client's task will need a way to tell its own lines
/// from the others' (a number per client, say, from an `Arc<AtomicU64>`).
#[derive(Clone)]
pub struct Hub {}

impl Hub {
    /// A new, empty chat room.
    pub fn new() -> Hub {
        todo!("make a tokio::sync::broadcast channel of capacity BACKLOG and keep its Sender")
    }
}

impl Default for Hub {
    fn default() -> Self {
        Hub::new()
    }
}

/// Serves one client, from its nickname to the moment it leaves, following the protocol above.
/// Returns when the client's session is over; the connection is closed by then.
///
/// `stream` may be a `TcpStream` or an in-memory `tokio::io::DuplexStream`: only its bytes matter.
/// A client that is gone before it sent a nickname never joined: nobody hears of it.
pub async fn handle_client<S>(stream: S, hub: Hub)
where
    S: AsyncRead + AsyncWrite + Unpin + Send + 'static,
{
    let _ = (stream, hub);
    todo!(
        "split the stream, read the nickname line, subscribe to the hub and announce the join, \
         then tokio::select! between the client's next line and the room's next line"
    )
}

/// Accepts connections until `accept` fails (then returns its error), serving each client in a
/// task of its own, all in the room `hub`.
pub async fn serve<L: Listener>(listener: L, hub: Hub) -> io::Result<()> {
    let _ = (listener, hub);
    todo!("loop: accept a connection, tokio::spawn handle_client for it with a clone of the hub")
}
