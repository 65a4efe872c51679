//! Exercise 11, solved: fetch many URLs over HTTP/1.1, at most `k` requests in flight, each with
//! its own timeout, an error per failed URL, and every result in the order the URLs were given.
//!
//! Three layers, each small:
//! - [`get`] speaks HTTP/1.1 over any byte stream: it writes one `GET` request and reads one
//!   response (the status line, the headers, then the body, `Content-Length` bytes of it or up
//!   to the end of the stream). It never looks at a clock: timing it is the caller's business.
//! - [`fetch`] turns one URL into a response: it parses the URL, asks the connector for a stream
//!   and hands it to `get`. Every failure becomes a [`FetchError`] value.
//! - [`fetch_all`] runs one task per URL. A `Semaphore` with `k` permits is the limit (asyncio's
//!   `async with semaphore:`), and each request's timeout starts when the request gets its permit,
//!   not when it joins the queue.
//!
//! The fetching is generic over a [`Connect`]or, so the same code fetches from a real server
//! ([`TcpConnector`], the demo) and from the grader's in-memory servers (under paused time).

use awaitlings::say;
use std::fmt;
use std::future::Future;
use std::io;
use std::sync::Arc;
use std::time::Duration;
use tokio::io::{AsyncBufReadExt, AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt, BufReader};
use tokio::net::TcpStream;
use tokio::sync::Semaphore;
use tokio::task::JoinSet;

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

/// Sends `GET target.path` over `stream` and reads the response: HTTP/1.1 by hand.
pub async fn get<S>(stream: S, target: &Target) -> Result<Response, FetchError>
where
    S: AsyncRead + AsyncWrite + Unpin,
{
    // A BufReader reads the stream in chunks and hands them out line by line; writes go straight
    // through to the stream inside it.
    let mut stream = BufReader::new(stream);

    // The request: a request line, the Host header (HTTP/1.1 requires it: one address may serve
    // many sites), and an empty line, which is how the server knows the headers are over. Until
    // it sees that "\r\n\r\n", a server waits for more headers, and so would we, for its answer.
    let request = format!(
        "GET {} HTTP/1.1\r\nHost: {}\r\nConnection: close\r\n\r\n",
        target.path, target.host
    );
    stream.write_all(request.as_bytes()).await.map_err(io)?;
    stream.flush().await.map_err(io)?;

    // The status line: `HTTP/1.1 200 OK`.
    let status_line = read_line(&mut stream).await?;
    let status = parse_status(&status_line)?;

    // Headers until the empty line. Only Content-Length matters here (names ignore case).
    let mut content_length = None;
    loop {
        let line = read_line(&mut stream).await?;
        if line.is_empty() {
            break;
        }
        let (name, value) = line
            .split_once(':')
            .ok_or_else(|| FetchError::Malformed(format!("a header without a colon: {line:?}")))?;
        if name.trim().eq_ignore_ascii_case("content-length") {
            let length = value.trim().parse::<usize>().map_err(|_| {
                FetchError::Malformed(format!("a bad Content-Length: {:?}", value.trim()))
            })?;
            content_length = Some(length);
        }
    }

    // A status that is not 2xx is this URL's error; its body does not matter.
    if !(200..300).contains(&status) {
        return Err(FetchError::Status(status));
    }

    // The body. With a Content-Length, read exactly that many bytes and stop: the server may keep
    // the connection open for another request ("keep-alive"), so waiting for the end of the
    // stream could wait forever. Without one, the body runs to the end of the stream.
    let mut body = Vec::new();
    match content_length {
        Some(length) => {
            body.resize(length, 0);
            stream.read_exact(&mut body).await.map_err(|error| {
                if error.kind() == io::ErrorKind::UnexpectedEof {
                    FetchError::Malformed(format!("the body ended before its {length} bytes"))
                } else {
                    io(error)
                }
            })?;
        }
        None => {
            stream.read_to_end(&mut body).await.map_err(io)?;
        }
    }
    Ok(Response {
        status,
        body: String::from_utf8_lossy(&body).into_owned(),
    })
}

/// Reads one line ending in `\r\n` (or a bare `\n`), without its line break. The stream ending
/// before the line does means the response was cut short.
async fn read_line<R: AsyncBufReadExt + Unpin>(reader: &mut R) -> Result<String, FetchError> {
    let mut bytes = Vec::new();
    reader.read_until(b'\n', &mut bytes).await.map_err(io)?;
    if bytes.last() != Some(&b'\n') {
        return Err(FetchError::Malformed(
            "the connection closed in the middle of the response's head".into(),
        ));
    }
    bytes.pop();
    if bytes.last() == Some(&b'\r') {
        bytes.pop();
    }
    String::from_utf8(bytes).map_err(|_| FetchError::Malformed("a head that is not text".into()))
}

/// `HTTP/1.1 404 Not Found` gives 404; anything else is malformed.
fn parse_status(line: &str) -> Result<u16, FetchError> {
    let mut parts = line.split(' ');
    let version = parts.next().unwrap_or_default();
    let code = parts.next().unwrap_or_default();
    if !version.starts_with("HTTP/1.") || code.len() != 3 {
        return Err(FetchError::Malformed(format!(
            "not a status line: {line:?}"
        )));
    }
    code.parse()
        .ok()
        .filter(|status| (100..600).contains(status))
        .ok_or_else(|| FetchError::Malformed(format!("not a status code: {code:?}")))
}

/// An I/O error as a [`FetchError`].
fn io(error: io::Error) -> FetchError {
    FetchError::Io(error.kind())
}

/// Fetches one URL: parses it, connects through `connector`, and [`get`]s the target.
pub async fn fetch<C: Connect>(connector: &C, url: &str) -> Result<Response, FetchError> {
    let target = parse_url(url)?;
    let stream = connector
        .connect(&target.host, target.port)
        .await
        .map_err(|error| FetchError::Connect(error.kind()))?;
    get(stream, &target).await
}

/// Fetches every URL, at most `k` at a time, each request within `limit`, and returns one result
/// per URL, in the order of `urls`.
pub async fn fetch_all<C: Connect>(
    connector: C,
    urls: Vec<String>,
    k: usize,
    limit: Duration,
) -> Vec<Result<Response, FetchError>> {
    // Shared by every task: the connector, and the k permits that are the limit.
    let connector = Arc::new(connector);
    let slots = Arc::new(Semaphore::new(k));
    let mut tasks = JoinSet::new();
    let count = urls.len();

    for (index, url) in urls.into_iter().enumerate() {
        let connector = Arc::clone(&connector);
        let slots = Arc::clone(&slots);
        // One task per URL, each carrying its index home with its result. A task costs little;
        // what must be limited is requests, and the permit does that.
        tasks.spawn(async move {
            // Wait for a free slot. The permit is held until the task ends (it is dropped with
            // `_permit`), so at most k requests are ever past this line.
            let _permit = slots
                .acquire_owned()
                .await
                .expect("the semaphore is never closed");
            // The clock of this request starts now that it has a slot, not when it was queued:
            // a request that waited for its turn has not used any of its time. `timeout` drops
            // the request's future when the time is up, which closes its connection, whatever it
            // was doing: connecting, waiting for the head, or reading the body.
            let result = match tokio::time::timeout(limit, fetch(&*connector, &url)).await {
                Ok(result) => result,
                Err(_elapsed) => Err(FetchError::Timeout),
            };
            (index, result)
        });
    }

    // Results arrive in the order the requests finish; each goes to its URL's place.
    let mut results: Vec<Option<Result<Response, FetchError>>> = vec![None; count];
    while let Some(joined) = tasks.join_next().await {
        let (index, result) = joined.expect("a fetch task panicked");
        results[index] = Some(result);
    }
    results
        .into_iter()
        .map(|result| result.expect("every URL's task reported back"))
        .collect()
}

/// The demo's report: says how many URLs it fetches, fetches them with [`fetch_all`], then says
/// one line per URL, in input order: `{url}: {response}` or `{url}: {error}`.
pub async fn report<C: Connect>(connector: C, urls: Vec<String>, k: usize, limit: Duration) {
    say!("fetching {} URLs, at most {k} at a time", urls.len());
    let results = fetch_all(connector, urls.clone(), k, limit).await;
    for (url, result) in urls.iter().zip(&results) {
        match result {
            Ok(response) => say!("{url}: {response}"),
            Err(error) => say!("{url}: {error}"),
        }
    }
}
