//! # Exercise 11: fetch URLs
//!
//! Fetch many URLs over HTTP/1.1, written by hand on top of a byte stream: at most `k` requests
//! in flight, a timeout for each request, an error for each URL that fails (and only for that
//! one), and the results in the order the URLs were given. The lesson is in README.md; this file
//! is the contract.
//!
//! Already written for you: the [`Connect`] trait (how the fetcher opens a connection: the demo
//! uses real TCP, the grader in-memory streams under paused time), [`TcpConnector`],
//! [`parse_url`], and the [`Response`] and [`FetchError`] types. Yours to write: [`get`],
//! [`fetch`], [`fetch_all`] and [`report`].
//!
//! The demo's scenario, as the grader runs it (`report` of six URLs, 2 at a time, 1 s each):
//!
//! ```text
//!   0.000s  fetching 6 URLs, at most 2 at a time
//!   0.000s  server: GET /hello
//!   0.000s  server: GET /slow
//!   0.500s  server: GET /missing
//!   ...
//!   1.000s  http://127.0.0.1:8080/hello: 200, 12 bytes: "hello, world"
//!   1.000s  http://127.0.0.1:8080/slow: timed out
//!   ...
//! ```
//!
//! Lines stamped with the same time may come in any order.

use std::fmt;
use std::future::Future;
use std::io;
use std::time::Duration;
use tokio::io::{AsyncRead, AsyncWrite};
use tokio::net::TcpStream;

/// Opens byte streams to servers: what a fetcher needs from "the network".
///
/// The demo uses [`TcpConnector`] (real sockets); the grader's checks use connectors of their own,
/// whose streams lead to servers they run in memory, under paused time.
pub trait Connect: Send + Sync + 'static {
    /// A connection: bytes both ways.
    type Stream: AsyncRead + AsyncWrite + Unpin + Send + 'static;

    /// Connects to `host` on `port`. Fails like a real connection would (for example with
    /// `io::ErrorKind::ConnectionRefused`), and, like a real one, may take its time.
    fn connect(
        &self,
        host: &str,
        port: u16,
    ) -> impl Future<Output = io::Result<Self::Stream>> + Send;
}

/// Connects over TCP, with tokio's `TcpStream`.
#[derive(Clone, Copy, Debug, Default)]
pub struct TcpConnector;

impl Connect for TcpConnector {
    type Stream = TcpStream;

    fn connect(&self, host: &str, port: u16) -> impl Future<Output = io::Result<TcpStream>> + Send {
        let address = format!("{host}:{port}");
        async move { TcpStream::connect(address).await }
    }
}

/// Where a URL points: `http://host:port/path?query`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Target {
    /// `example.com` or `127.0.0.1`.
    pub host: String,
    /// 80 when the URL gives none.
    pub port: u16,
    /// What goes in the request line: the path with its query, `/` when the URL has none.
    pub path: String,
}

/// Splits an `http://` URL into its [`Target`], or fails with [`FetchError::BadUrl`].
///
/// `parse_url("http://example.com:8080/a/b?x=1")` is host `example.com`, port 8080, path
/// `/a/b?x=1`; `parse_url("http://example.com")` is port 80, path `/`.
pub fn parse_url(url: &str) -> Result<Target, FetchError> {
    let bad = |why: &str| FetchError::BadUrl(format!("{url}: {why}"));
    let rest = url
        .strip_prefix("http://")
        .ok_or_else(|| bad("only http:// URLs are supported"))?;
    let (authority, path) = match rest.find(['/', '?']) {
        Some(at) if rest[at..].starts_with('/') => (&rest[..at], rest[at..].to_string()),
        Some(at) => (&rest[..at], format!("/{}", &rest[at..])),
        None => (rest, "/".to_string()),
    };
    let (host, port) = match authority.rsplit_once(':') {
        Some((host, port)) => (host, port.parse().map_err(|_| bad("bad port"))?),
        None => (authority, 80),
    };
    if host.is_empty() {
        return Err(bad("no host"));
    }
    Ok(Target {
        host: host.to_string(),
        port,
        path,
    })
}

/// A successful response: a 2xx status and the body.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Response {
    pub status: u16,
    /// The body's bytes, as text (bytes that are not UTF-8 become `�`).
    pub body: String,
}

impl fmt::Display for Response {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}, {} bytes: {:?}",
            self.status,
            self.body.len(),
            self.body
        )
    }
}

/// Why one URL could not be fetched. Each URL gets its own: one failure never spoils the others.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FetchError {
    /// The URL is not one [`parse_url`] understands.
    BadUrl(String),
    /// The connector could not connect (connection refused, no such host...).
    Connect(io::ErrorKind),
    /// Reading or writing the stream failed with an I/O error (EOF is not an error: see
    /// `Malformed`).
    Io(io::ErrorKind),
    /// The bytes that came back are not a complete HTTP/1.x response: no status line, a bad one,
    /// a header line without a colon, a bad `Content-Length`, or the stream ended before the
    /// headers (or the `Content-Length` bytes of body) were all there. The text says what; it is
    /// for people, and no check compares it.
    Malformed(String),
    /// A complete response, but its status is not 2xx (404, 500...).
    Status(u16),
    /// The request did not finish within its time limit.
    Timeout,
}

impl fmt::Display for FetchError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            FetchError::BadUrl(why) => write!(f, "bad URL ({why})"),
            FetchError::Connect(kind) => write!(f, "could not connect ({kind})"),
            FetchError::Io(kind) => write!(f, "I/O error ({kind})"),
            // The details stay out of the transcript: every correct fetcher prints the same line.
            FetchError::Malformed(_) => f.write_str("malformed response"),
            FetchError::Status(status) => write!(f, "status {status}"),
            FetchError::Timeout => f.write_str("timed out"),
        }
    }
}

impl std::error::Error for FetchError {}

/// Sends one `GET` request for `target` over `stream`, and reads the response: HTTP/1.1 by hand.
///
/// The request, for example:
///
/// ```text
/// GET /a/b?x=1 HTTP/1.1\r\n
/// Host: example.com\r\n
/// Connection: close\r\n
/// \r\n
/// ```
///
/// The request line is `GET {target.path} HTTP/1.1`; a `Host` header is required (its value
/// `target.host`, or `host:port`: either is accepted); other headers, such as `Connection:
/// close`, are up to you; the empty
/// line at the end is what tells the server the request is complete. Every line ends in `\r\n`.
/// (`Connection: close` only asks the server to close after its response: a server may keep the
/// connection open all the same, and the grader's do, so never wait for the close to end a body
/// that has a `Content-Length`.)
///
/// The response:
///
/// - a status line, `HTTP/1.1 200 OK` (`HTTP/1.0` too); a 2xx status is a success, any other
///   is `Err(FetchError::Status(code))` (known as soon as the status line is read: the rest of
///   such a response may be skipped);
/// - header lines, `Name: value`, up to an empty line; names ignore case (`content-length` is
///   `Content-Length`);
/// - the body: exactly `Content-Length` bytes when that header is there (then stop reading: the
///   server may keep the connection open, so waiting for the end of the stream would wait
///   forever), or everything up to the end of the stream when it is not;
/// - anything that is not such a response (no status line, a bad one, a header line without a
///   colon, a bad `Content-Length`, the stream ending before the head or the body is complete)
///   is `Err(FetchError::Malformed(why))` (so an `UnexpectedEof` from `read_exact`, a body cut
///   short, is `Malformed`, not `Io`); any other I/O error from the stream is
///   `Err(FetchError::Io(error.kind()))`.
///
/// The bytes may come in pieces of any size, with pauses in between: read until you have what
/// you need. `get` knows nothing of time: [`fetch_all`] puts the time limit around it.
pub async fn get<S>(stream: S, target: &Target) -> Result<Response, FetchError>
where
    S: AsyncRead + AsyncWrite + Unpin,
{
    let _ = (stream, target);
    todo!(
        "write the request (request line, Host header, empty line), then read the status line, \
         the headers and the body (a tokio::io::BufReader around the stream reads lines)"
    )
}

/// Fetches one URL: [`parse_url`], then `connector.connect(host, port)` (a failure there is
/// `Err(FetchError::Connect(error.kind()))`), then [`get`] over the new stream.
pub async fn fetch<C: Connect>(connector: &C, url: &str) -> Result<Response, FetchError> {
    let _ = (connector, url);
    todo!(
        "parse the URL, connect, and get the target over the stream, turning each failure into a FetchError"
    )
}

/// Fetches every URL and returns one result per URL, in the order of `urls`. The contract, which
/// the grader checks:
///
/// - **at most `k` requests in flight**: a request is in flight from the moment it starts to
///   connect until its connection is closed (dropped). Never more than `k` at once, and `k`
///   whenever enough URLs are waiting. `k` is at least 1;
/// - **no idle slot**: requests start in the order of `urls`, each the moment a slot is free;
/// - **a timeout per request**: each request, from the moment it starts (not from when it was
///   queued) until its response is read in full, gets `limit`. When the time is up, the request
///   is given up at that very instant (its connection closed), whatever it was doing (connecting,
///   waiting for the head, reading the body), its result is `Err(FetchError::Timeout)`, and its
///   slot goes to the next URL;
/// - **an error per URL**: a URL that fails (see [`FetchError`]) has its `Err` in its place, and
///   every other URL is fetched as if nothing happened;
/// - **input order**: `results[i]` is the result for `urls[i]`, whatever order the requests
///   finish in.
///
/// Run the requests as tasks (`tokio::spawn` or a `tokio::task::JoinSet`): share the connector
/// between them in an `Arc`.
pub async fn fetch_all<C: Connect>(
    connector: C,
    urls: Vec<String>,
    k: usize,
    limit: Duration,
) -> Vec<Result<Response, FetchError>> {
    let _ = (connector, urls, k, limit);
    todo!(
        "one task per URL, at most k at once (a tokio::sync::Semaphore), each fetch inside its own \
         tokio::time::timeout, each result in its URL's place"
    )
}

/// The demo's report: says `fetching {n} URLs, at most {k} at a time`, fetches them all with
/// [`fetch_all`], then says one line per URL, in the order given: `{url}: {response}` for a
/// response, `{url}: {error}` for an error (with their `Display`, already written).
pub async fn report<C: Connect>(connector: C, urls: Vec<String>, k: usize, limit: Duration) {
    let _ = (connector, urls, k, limit);
    todo!("say the first line, fetch_all, then say one line per URL, in the order given")
}
