//! Given: the demo's scene, three scripted clients talking through your server over in-memory
//! pipes instead of sockets. Read it, don't change it: `grader check 12` compares what it says
//! with the expected transcript (`grader diff 12` shows the two side by side).
//!
//! [`pipes`] is a [`Listener`] made of `tokio::io::duplex` pipes: each [`Dialer::dial`] gives the
//! client its end of a new pipe and hands the other end to whoever awaits `accept()`. To your
//! server a pipe is a connection like any other: bytes in, bytes out.

use crate::{Hub, Listener, serve};
use awaitlings::say;
use std::io;
use std::time::Duration;
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader, DuplexStream, WriteHalf};
use tokio::sync::mpsc;
use tokio::task::JoinHandle;
use tokio::time::sleep;

/// Bytes a pipe holds in each direction before a writer has to wait for its reader.
const PIPE_BYTES: usize = 4096;

/// The server's side of the pipes: a [`Listener`] whose connections are `DuplexStream`s.
pub struct Pipes {
    incoming: mpsc::UnboundedReceiver<DuplexStream>,
}

/// The clients' side: dials a new connection to the [`Pipes`] it was made with.
#[derive(Clone)]
pub struct Dialer {
    outgoing: mpsc::UnboundedSender<DuplexStream>,
}

/// A listener made of in-memory pipes, and the dialer that connects to it.
pub fn pipes() -> (Dialer, Pipes) {
    let (outgoing, incoming) = mpsc::unbounded_channel();
    (Dialer { outgoing }, Pipes { incoming })
}

impl Dialer {
    /// Opens a connection: the client's end of a new pipe (the server's end waits in `accept`).
    pub fn dial(&self) -> DuplexStream {
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
