//! The public checks of exercise 11 fetch-urls.
//!
//! The fetcher is generic over a connector, and every check but one hands it the check's own:
//! each "connection" is an in-memory `tokio::io::duplex` pipe whose far end is a little HTTP
//! server the check runs as a task, under paused time. The servers follow scripts (wait this
//! long, send these bytes, close, break the connection, or keep it open), so every instant is
//! exact, and the connector watches each request from the outside: when it started to connect,
//! what request its server read, when its connection was closed, how many were open at once. So
//! the checks judge what the fetcher *does*, never how it is written: a `Semaphore`, a `JoinSet`
//! of k, workers sharing a queue, a `BufReader` or a hand-rolled buffer all pass.
//!
//! Every check but the demo's draws its inputs from the run's seed (the grader prints it; `grader
//! check 11 --seed N` replays one): host names, ports, paths, bodies (their length and bytes),
//! status codes, the headers a server sends (which ones, in which order, the case of their
//! names), the points where a response is cut into pieces and the pauses between them, which URL
//! fails and how, which server stalls and where, `k`, the time limit and every delay. What each
//! check expects is worked out from the contract for the inputs it drew, and a failure names them.
//!
//! The contract (the doc comments of `src/lib.rs` and the lesson), clause by clause, and the
//! check that fails when only that clause is broken:
//!
//! | clause | check |
//! |---|---|
//! | `get`: request line `GET {path} HTTP/1.1`, the path with its query | `request-is-well-formed` |
//! | `get`: a `Host` header (`host` or `host:port`) | `request-is-well-formed` |
//! | `get`: every line ends in `\r\n` | `request-is-well-formed` |
//! | `get`: an empty line ends the request (a server answers only then) | `request-is-well-formed` (and every other) |
//! | `fetch`: connects to the URL's host and port, 80 when it gives none | `request-is-well-formed` |
//! | a 2xx status is a success, with its own code (200, 201, 206...) | `reads-the-response` |
//! | `HTTP/1.0` status lines too | `reads-the-response` |
//! | header names ignore case (`content-length`, `CONTENT-LENGTH`) | `reads-the-response` |
//! | a header is `Content-Length` by its name, not by a name that contains it | `reads-the-response` |
//! | the body is exactly `Content-Length` bytes (bytes, not characters), then stop: the connection stays open | `reads-the-response` |
//! | without `Content-Length`, the body runs to the end of the stream | `reads-the-response` |
//! | `Content-Length: 0` is an empty body, nothing more to read | `reads-the-response` |
//! | the bytes come in pieces of any size (cut mid-line, several parts in one write) | `reads-the-response` |
//! | a body that is not UTF-8 becomes text with `�` (never an error, never a panic) | `reads-the-response` |
//! | `get` returns the instant the last byte it needs arrives | `reads-the-response` |
//! | `get` knows nothing of time: it waits as long as the server takes (2.1 s to 25 s here) | `reads-the-response` |
//! | any status that is not 2xx (3xx, 4xx, 5xx) is `Err(Status(code))` | `bad-responses-are-errors` |
//! | `Malformed`: no status line (the stream ends at once) | `bad-responses-are-errors` |
//! | `Malformed`: a status line that is not HTTP, or whose code is not a number | `bad-responses-are-errors` |
//! | `Malformed`: a header line without a colon | `bad-responses-are-errors` |
//! | `Malformed`: a bad `Content-Length` | `bad-responses-are-errors` |
//! | `Malformed`: the stream ends before the head is complete | `bad-responses-are-errors` |
//! | `Malformed`: the stream ends before the body's `Content-Length` bytes (not `Io(UnexpectedEof)`) | `bad-responses-are-errors` |
//! | `Io(kind)`: any other error reading the stream (before, in or after the head), with its kind | `io-errors-are-reported` |
//! | `Io(kind)`: an error writing the request | `io-errors-are-reported` |
//! | `fetch`: a URL `parse_url` rejects is `Err(BadUrl)`, and nothing is connected | `one-error-per-url` |
//! | `fetch`: a failed connect is `Err(Connect(kind))`, with the connector's kind | `one-error-per-url`, `real-sockets` |
//! | an error per URL: each failure in its place, every other URL fetched as if nothing happened | `one-error-per-url` |
//! | results in the order of the URLs, whatever order they finish in (k larger than the URLs too) | `results-in-input-order` |
//! | never more than `k` in flight (connecting to connection closed) | `never-more-than-k` |
//! | `k` in flight whenever enough URLs wait (`k = 1` included) | `never-more-than-k` |
//! | requests start in the order of the URLs, each the moment a slot is free | `freed-slot-starts-next` (and `one-error-per-url`, `never-more-than-k`) |
//! | a timeout per request, from its own start (not the batch's, not the queue's) | `timeout-per-request` |
//! | the time limit is `limit`, whatever it is | `timeout-per-request` |
//! | the limit covers connecting, waiting for the head, and reading the body | `timeout-per-request` |
//! | at the limit: `Err(Timeout)`, the connection closed at that instant, its slot to the next URL | `timeout-per-request` |
//! | `report`: `fetching {n} URLs, at most {k} at a time`, then `{url}: {result}` per URL, in order, once all are done | `report-says-each-result` |
//! | all of it over real TCP, on the real clock, with a server that keeps its connections open | `real-sockets` |
//! | the demo's scenario | `demo-transcript` (the main check) |
//!
//! Not checked: "run the requests as tasks, share the connector in an `Arc`" is advice on how to
//! build it, not a promise the fetcher keeps: a fetcher that runs every request inside its own
//! future keeps every clause above, and no check can tell. `Connection: close` is optional; the
//! servers here ignore it, as a server may, and keep their connections open after a response
//! with a `Content-Length`.
//!
//! Lines that share an instant are compared as a set: which of two requests the runtime serves
//! first at one instant is not promised by tokio, and no check depends on it. Where two timers
//! could fire at one instant, nothing judged depends on which goes first.

use awaitlings_check::check::secs;
use awaitlings_check::prelude::*;
use exercise::{Connect, FetchError, Response, Target};
use std::collections::HashMap;
use std::future::Future;
use std::io;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};
use std::time::Duration;
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt, DuplexStream, ReadBuf};

/// What `get` and `fetch_all` give for one URL.
type Fetched = Result<Response, FetchError>;

/// The longest a check waits for one `get` before calling it a hang (virtual time: free).
const HANG: Duration = Duration::from_secs(30);

fn ms(n: u64) -> Duration {
    Duration::from_millis(n)
}

pub fn checks() -> Vec<Check> {
    vec![
        check(
            "request-is-well-formed",
            2,
            "the server reads `GET /path?query HTTP/1.1`, a Host header, lines ending in \\r\\n, \
             and the empty line that ends the request, on the URL's host and port",
            request_is_well_formed,
        ),
        check(
            "reads-the-response",
            3,
            "get reads a Content-Length body (any case of the name) on a kept-open connection, a \
             body up to EOF, an empty body, bytes that are not UTF-8, and a response that trickles \
             in, returning the instant the last byte arrives",
            reads_the_response,
        ),
        check(
            "bad-responses-are-errors",
            2,
            "get gives Err(Status) for 3xx, 4xx and 5xx, and Err(Malformed) for garbage, a bad \
             status code, nothing at all, a header without a colon, a bad Content-Length, or a \
             head or body cut short",
            bad_responses_are_errors,
        ),
        check(
            "io-errors-are-reported",
            2,
            "get gives Err(Io(kind)) when the stream fails, before, in or after the head, or when \
             the request cannot be written",
            io_errors_are_reported,
        ),
        check(
            "one-error-per-url",
            2,
            "refused connections, a status, a malformed response, a broken stream and a bad URL \
             are each their own URL's Err, in its place, and the good pages are still fetched",
            one_error_per_url,
        ),
        check(
            "results-in-input-order",
            2,
            "pages that finish in another order than given still come back in the order given",
            results_in_input_order,
        ),
        check(
            "never-more-than-k",
            3,
            "with k = 1 and with a larger k, exactly k requests are in flight while URLs wait: \
             never more, never fewer",
            never_more_than_k,
        ),
        check(
            "freed-slot-starts-next",
            2,
            "with k = 2, one slow page and quick ones: each request starts the moment a slot \
             frees, not when a whole batch is done",
            freed_slot_starts_next,
        ),
        check(
            "timeout-per-request",
            3,
            "requests stalled in the connect, before the head or in the body each end in \
             Err(Timeout) exactly `limit` after they started, closing their connection and \
             freeing their slot",
            timeout_per_request,
        ),
        check(
            "report-says-each-result",
            2,
            "report says how many URLs and k, then one `{url}: {result}` line per URL, in the \
             order given, once every request is over",
            report_says_each_result,
        ),
        check(
            "real-sockets",
            2,
            "over real TCP on 127.0.0.1 (a plain TCP connector, a server that keeps connections \
             open): pages, a status and a refused port, each with its own result",
            real_sockets,
        )
        .real_time()
        // A request that never ends (no blank line) or a reader that waits for the server to
        // close holds this check for its seconds of real-clock patience: it runs beside the
        // computing checks rather than taking a CPU's turn.
        .waits(),
        check(
            "demo-transcript",
            3,
            "report of the demo's six URLs, 2 at a time, 1 s each: the servers' requests at \
             their times, then every result in order",
            || async {
                let net = Net::new(demo_site).saying();
                let urls = ["/hello", "/slow", "/missing", "/garbage", "/count"]
                    .iter()
                    .map(|path| format!("http://127.0.0.1:8080{path}"))
                    .chain(std::iter::once("http://127.0.0.1:1/".to_string()))
                    .collect();
                exercise::report(net.clone(), urls, 2, Duration::from_secs(1)).await;
                let most = net.flight.most();
                expect_transcript("demo").map_err(|mut fail| {
                    let note = match fail.kind {
                        _ if most > 2 => {
                            format!(" ({most} requests were in flight at once, with k = 2.)")
                        }
                        Kind::WrongTiming => " A `server: GET` line at another time means a \
                            request started at another time: at most 2 in flight, each starting \
                            the moment a slot frees. A result line at another time means \
                            fetch_all returned at another time: when the last request is over, \
                            or its 1 s limit runs out."
                            .to_string(),
                        _ => String::new(),
                    };
                    fail.message.push_str(&note);
                    fail
                })
            },
        )
        .main(),
    ]
}

/// The demo's server, as the check's: the same pages, the same waits, the same lines.
fn demo_site(_host: &str, port: u16, path: Option<&str>) -> Site {
    if port == 1 {
        return Site::refused(io::ErrorKind::ConnectionRefused);
    }
    match path.unwrap_or_default() {
        "/hello" => Site::steps(vec![
            wait(500),
            send("HTTP/1.1 200 OK\r\nContent-Length: 12\r\n\r\nhello, world"),
        ]),
        "/slow" => Site::steps(vec![
            wait(3000),
            send("HTTP/1.1 200 OK\r\nContent-Length: 4\r\n\r\nslow"),
        ]),
        "/garbage" => Site::steps(vec![send("SSH-2.0-OpenSSH_9.6\r\n"), Step::Close]),
        "/count" => Site::steps(vec![
            send("HTTP/1.1 200 OK\r\n\r\none, "),
            wait(200),
            send("two, "),
            wait(200),
            send("three"),
            Step::Close,
        ]),
        _ => Site::steps(vec![send(
            "HTTP/1.1 404 Not Found\r\nContent-Length: 9\r\n\r\nnot found",
        )]),
    }
}

// ---------------------------------------------------------------------------------------------
// Drawing responses

/// How a server may spell `Content-Length`: header names ignore case.
const LENGTH_SPELLINGS: [&str; 5] = [
    "Content-Length",
    "content-length",
    "CONTENT-LENGTH",
    "Content-length",
    "content-Length",
];

/// The reason phrase of a status (any text does; these are the usual ones).
fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        201 => "Created",
        202 => "Accepted",
        203 => "Non-Authoritative Information",
        204 => "No Content",
        206 => "Partial Content",
        301 => "Moved Permanently",
        302 => "Found",
        303 => "See Other",
        307 => "Temporary Redirect",
        308 => "Permanent Redirect",
        400 => "Bad Request",
        401 => "Unauthorized",
        403 => "Forbidden",
        404 => "Not Found",
        410 => "Gone",
        429 => "Too Many Requests",
        500 => "Internal Server Error",
        502 => "Bad Gateway",
        503 => "Service Unavailable",
        504 => "Gateway Timeout",
        _ => "Whatever",
    }
}

const SUCCESS: [u16; 5] = [200, 201, 202, 203, 206];
const REDIRECT: [u16; 5] = [301, 302, 303, 307, 308];
const FAILURE: [u16; 10] = [400, 401, 403, 404, 410, 429, 500, 502, 503, 504];

/// A few ordinary headers, some with colons in their values, in a random order.
fn other_headers(r: &mut Rng) -> Vec<String> {
    let mut pool = vec![
        format!(
            "Server: {}/{}.{}",
            r.name(),
            r.range(1..=9),
            r.range(0..=20)
        ),
        format!(
            "Date: Tue, {:02} Dec 2026 {:02}:{:02}:{:02} GMT",
            r.range(1..=28),
            r.range(0..=23),
            r.range(0..=59),
            r.range(0..=59)
        ),
        "Content-Type: text/plain; charset=utf-8".to_string(),
        format!("X-Request-Id: {}", r.letters(8)),
        "Cache-Control: no-cache".to_string(),
    ];
    r.shuffle(&mut pool);
    pool.truncate(r.count(1..=3));
    pool
}

/// A response's bytes: a status line (HTTP/1.1 or 1.0), some headers in a random order, a
/// `Content-Length` spelled `length` (none when `None`) among them, the empty line, the body.
fn response(r: &mut Rng, status: u16, body: &[u8], length: Option<&str>) -> Vec<u8> {
    let version = *r.pick(&["HTTP/1.1", "HTTP/1.1", "HTTP/1.0"]);
    let mut headers = other_headers(r);
    if let Some(name) = length {
        let at = r.count(0..=headers.len());
        headers.insert(at, format!("{name}: {}", body.len()));
    }
    let mut bytes = format!("{version} {status} {}\r\n", reason(status)).into_bytes();
    for header in headers {
        bytes.extend_from_slice(header.as_bytes());
        bytes.extend_from_slice(b"\r\n");
    }
    bytes.extend_from_slice(b"\r\n");
    bytes.extend_from_slice(body);
    bytes
}

/// A body of a few words; `accented` puts characters of two bytes in it, so that its length in
/// bytes (what Content-Length counts) is not its length in characters.
fn words(r: &mut Rng, accented: bool) -> String {
    let n = r.count(2..=5);
    let mut text = r.names(n).join(" ");
    if accented {
        let at = r.count(1..=text.len() - 1);
        let at = (0..=at)
            .rev()
            .find(|&i| text.is_char_boundary(i))
            .unwrap_or(0);
        text.insert_str(at, *r.pick(&["é", "ü", "ñ", "ø"]));
        text.push_str(*r.pick(&[" café", " naïve", " über", " smørrebrød"]));
    }
    text
}

/// `bytes` cut into `pieces` pieces at random points (mid-line, mid-`\r\n`, anywhere), sent with
/// a pause of 0.1 s to 0.3 s before each but the first, or none (two writes at one instant).
/// Returns the steps and when the last piece is sent (ms after `start`).
fn trickle(r: &mut Rng, bytes: &[u8], pieces: usize, start: u64) -> (Vec<Step>, u64) {
    trickle_cut(r, bytes, pieces, start, None)
}

/// [`trickle`], with one cut at `forced` (a body cut in two, say), after a pause.
fn trickle_cut(
    r: &mut Rng,
    bytes: &[u8],
    pieces: usize,
    start: u64,
    forced: Option<usize>,
) -> (Vec<Step>, u64) {
    let pieces = pieces.clamp(1, bytes.len().max(1));
    let mut cuts: Vec<usize> = if pieces > 1 {
        r.distinct(pieces - 1, 1..=bytes.len() as u64 - 1, 1)
            .into_iter()
            .map(|c| c as usize)
            .collect()
    } else {
        Vec::new()
    };
    if let Some(forced) = forced {
        if !cuts.contains(&forced) {
            cuts.pop();
            cuts.push(forced);
        }
    }
    cuts.sort_unstable();
    cuts.push(bytes.len());
    let mut steps = vec![wait(start)];
    let mut at = start;
    let mut from = 0;
    for (i, cut) in cuts.into_iter().enumerate() {
        if i > 0 {
            let pause = if r.chance(1, 4) && Some(from) != forced {
                0
            } else {
                r.range(1..=3) * 100
            };
            at += pause;
            steps.push(wait(pause));
        }
        steps.push(Step::Send(bytes[from..cut].to_vec()));
        from = cut;
    }
    (steps, at)
}

fn shown(bytes: &[u8]) -> String {
    format!("{:?}", String::from_utf8_lossy(bytes))
}

// ---------------------------------------------------------------------------------------------
// request-is-well-formed

async fn request_is_well_formed() -> Result<(), Fail> {
    let mut r = rng();
    let names = r.names(6);
    // (url, host, port, expected path)
    let mut wanted: Vec<(String, String, u16, String)> = Vec::new();
    for (i, shape) in [0, 1, 2].into_iter().enumerate() {
        let host = format!("{}.test", names[i]);
        let port = r.range(1024..=65000) as u16;
        let (url, port, path) = match shape {
            // A port, a path and a query.
            0 => {
                let path = format!(
                    "/{}/{}?{}={}",
                    names[3],
                    names[4],
                    names[5],
                    r.range(1..=999)
                );
                (format!("http://{host}:{port}{path}"), port, path)
            }
            // Neither port nor path: port 80, path `/`.
            1 => (format!("http://{host}"), 80, "/".to_string()),
            // A path, no port.
            _ => {
                let path = format!("/{}.html", names[3]);
                (format!("http://{host}{path}"), 80, path)
            }
        };
        wanted.push((url, host, port, path));
    }
    r.shuffle(&mut wanted);
    let bodies: Vec<String> = (0..wanted.len()).map(|_| words(&mut r, false)).collect();
    let sites: HashMap<String, Site> = wanted
        .iter()
        .zip(&bodies)
        .map(|((_, host, _, _), body)| (host.clone(), Site::page(0, body)))
        .collect();
    let net = Net::with_sites(sites);
    let urls: Vec<String> = wanted.iter().map(|w| w.0.clone()).collect();
    let results = exercise::fetch_all(net.clone(), urls.clone(), 2, Duration::from_secs(5)).await;
    for (url, host, port, path) in &wanted {
        let Some(conn) = net.first_to(host, *port) else {
            return Err(Fail::new(
                Kind::WrongValue,
                format!(
                    "fetching {url} never connected to {host} on port {port} (the connector was \
                     asked for {:?}): connect to the URL's host and port, 80 when the URL gives \
                     none (`parse_url` finds both)",
                    net.hosts()
                ),
            ));
        };
        check_request(url, &conn.request, host, *port, path)?;
    }
    let expected: Vec<Fetched> = bodies.iter().map(|b| ok(200, b)).collect();
    expect_results(
        &format!("fetch_all of {}", urls.join(", ")),
        &results,
        &expected,
    )
}

// ---------------------------------------------------------------------------------------------
// reads-the-response

/// One case of `get`: what the server does, what `get` must give, and when (ms).
struct GetCase {
    what: String,
    site: Site,
    expected: Fetched,
    at: u64,
    /// The server keeps the connection open after the response.
    kept_open: bool,
}

async fn reads_the_response() -> Result<(), Fail> {
    let mut r = rng();
    let mut cases = Vec::new();

    // 1. A 2xx (rarely 200) with Content-Length, head and body in one write, kept open; a body
    //    with characters of two bytes.
    {
        let status = *r.pick(&SUCCESS[1..]);
        let body = words(&mut r, true);
        let bytes = response(&mut r, status, body.as_bytes(), Some("Content-Length"));
        let at = r.range(0..=5) * 100;
        cases.push(GetCase {
            what: format!(
                "{status} with Content-Length: {} ({} characters), head and body in one write \
                 at {}, the connection kept open: {}",
                body.len(),
                body.chars().count(),
                secs(ms(at)),
                shown(&bytes)
            ),
            site: Site::steps(vec![wait(at), Step::Send(bytes)]),
            expected: ok(status, &body),
            at,
            kept_open: true,
        });
    }
    // 2. The length's name in another case, and a header whose name only contains it.
    {
        let status = *r.pick(&SUCCESS);
        let body = words(&mut r, false);
        let spelling = *r.pick(&LENGTH_SPELLINGS[1..]);
        let decoy = format!(
            "{}: {}",
            r.pick(&["X-Original-Content-Length", "X-Content-Length-Limit"]),
            body.len() + r.count(3..=40)
        );
        let mut bytes = response(&mut r, status, body.as_bytes(), Some(spelling));
        // The decoy is the last header, after the real one.
        let head_end = bytes.len() - body.len() - 2;
        let decoy_line = format!("{decoy}\r\n");
        bytes.splice(head_end..head_end, decoy_line.into_bytes());
        cases.push(GetCase {
            what: format!(
                "{status} with `{spelling}: {}` and a header `{decoy}`, kept open: {}",
                body.len(),
                shown(&bytes)
            ),
            site: Site::steps(vec![Step::Send(bytes)]),
            expected: ok(status, &body),
            at: 0,
            kept_open: true,
        });
    }
    // 3. No Content-Length: the body runs until the server closes, a while after its last byte.
    //    An HTTP/1.0 response.
    {
        let status = *r.pick(&SUCCESS);
        let body = words(&mut r, false);
        let mut bytes = response(&mut r, status, body.as_bytes(), None);
        bytes[..8].copy_from_slice(b"HTTP/1.0");
        let head_len = bytes.len() - body.len();
        let first = head_len + r.count(1..=body.len() - 1);
        let pause = r.range(1..=3) * 100;
        let close = r.range(1..=4) * 100;
        cases.push(GetCase {
            what: format!(
                "HTTP/1.0 {status} without Content-Length, {} then after {} the rest of the \
                 body, then closed {} later: {}",
                shown(&bytes[..first]),
                secs(ms(pause)),
                secs(ms(close)),
                shown(&bytes)
            ),
            site: Site::steps(vec![
                Step::Send(bytes[..first].to_vec()),
                wait(pause),
                Step::Send(bytes[first..].to_vec()),
                wait(close),
                Step::Close,
            ]),
            expected: ok(status, &body),
            at: pause + close,
            kept_open: false,
        });
    }
    // 4. A response that trickles in, cut at random points, kept open.
    {
        let status = *r.pick(&SUCCESS);
        let accented = r.chance(1, 2);
        let body = words(&mut r, accented);
        let spelling = *r.pick(&LENGTH_SPELLINGS);
        let bytes = response(&mut r, status, body.as_bytes(), Some(spelling));
        let pieces = r.count(4..=7);
        // One cut always splits the body, so that one read of the body is never all of it.
        let head_len = bytes.len() - body.len();
        let split = head_len + r.count(1..=body.len() - 1);
        let (steps, at) = trickle_cut(&mut r, &bytes, pieces, 0, Some(split));
        let shown_pieces: Vec<String> = steps
            .iter()
            .filter_map(|s| match s {
                Step::Send(b) => Some(shown(b)),
                _ => None,
            })
            .collect();
        cases.push(GetCase {
            what: format!(
                "{status} with {spelling}: {}, sent in {pieces} pieces ({}), the last at {}, \
                 kept open",
                body.len(),
                shown_pieces.join(", "),
                secs(ms(at))
            ),
            site: Site::steps(steps),
            expected: ok(status, &body),
            at,
            kept_open: true,
        });
    }
    // 5. An empty body: Content-Length: 0, kept open.
    {
        let status = *r.pick(&[204, 200, 202]);
        let spelling = *r.pick(&LENGTH_SPELLINGS);
        let bytes = response(&mut r, status, b"", Some(spelling));
        // A slow server: get has no time limit of its own (fetch_all puts one around it).
        let at = r.range(21..=250) * 100;
        cases.push(GetCase {
            what: format!(
                "{status} with {spelling}: 0 at {}, kept open: {}",
                secs(ms(at)),
                shown(&bytes)
            ),
            site: Site::steps(vec![wait(at), Step::Send(bytes)]),
            expected: ok(status, ""),
            at,
            kept_open: true,
        });
    }
    // 6. A body that is not UTF-8.
    {
        let status = *r.pick(&SUCCESS);
        let mut body = words(&mut r, false).into_bytes();
        let at = r.count(0..=body.len());
        body.insert(at, *r.pick(&[0xff, 0xfe, 0xc3, 0x80]));
        let bytes = response(&mut r, status, &body, Some("Content-Length"));
        cases.push(GetCase {
            what: format!(
                "{status} with Content-Length: {} and a body that is not UTF-8 ({body:?}), kept \
                 open",
                body.len()
            ),
            site: Site::steps(vec![Step::Send(bytes)]),
            expected: ok(status, &String::from_utf8_lossy(&body)),
            at: 0,
            kept_open: true,
        });
    }

    for case in cases {
        restart();
        let (result, took) = get_once(case.site).await?;
        let what = &case.what;
        let Some(result) = result else {
            return Err(Fail::new(
                Kind::Deadlock,
                format!(
                    "get never returned for a {what}: still reading after {}, although the whole \
                     response had arrived at {}. {}",
                    secs(HANG),
                    secs(ms(case.at)),
                    if case.kept_open {
                        "The server keeps the connection open after its response, as HTTP/1.1 \
                         servers may (whatever `Connection: close` asked), so any read past the \
                         end of the response waits forever: reading to the end of the stream \
                         (`read_to_end`), or one more `read` when nothing more is due. With a \
                         Content-Length (whatever the case of its name), read exactly that many \
                         bytes, none at all for 0, and stop. And the bytes a BufReader has \
                         already read are in the BufReader, not in the stream under it."
                    } else {
                        "Without a Content-Length, the body ends when the server closes the \
                         connection: read until `read` gives 0 bytes."
                    }
                ),
            ));
        };
        judge_get(what, &result, &case.expected)?;
        expect(
            took == ms(case.at),
            Kind::WrongTiming,
            format!(
                "get returned the right response for a {what}, but at {} instead of {}, when its \
                 last byte arrived: it should return as soon as it has the whole response",
                secs(took),
                secs(ms(case.at))
            ),
        )?;
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// bad-responses-are-errors

async fn bad_responses_are_errors() -> Result<(), Fail> {
    let mut r = rng();
    let malformed = || Err(FetchError::Malformed(String::new()));
    let mut cases: Vec<GetCase> = Vec::new();

    // A status that is not 2xx, with a body of Content-Length bytes, kept open.
    for statuses in [&FAILURE[..], &REDIRECT[..]] {
        let status = *r.pick(statuses);
        let body = words(&mut r, false);
        let mut bytes = response(&mut r, status, body.as_bytes(), Some("Content-Length"));
        if status < 400 {
            let line_end = bytes.windows(2).position(|w| w == b"\r\n").unwrap_or(0) + 2;
            let location = format!(
                "Location: http://{}.test:{}/{}\r\n",
                r.name(),
                r.range(1024..=9999),
                r.name()
            );
            bytes.splice(line_end..line_end, location.into_bytes());
        }
        let at = r.range(0..=5) * 100;
        cases.push(GetCase {
            what: format!(
                "{status} at {} with a body, kept open: {}",
                secs(ms(at)),
                shown(&bytes)
            ),
            site: Site::steps(vec![wait(at), Step::Send(bytes)]),
            expected: Err(FetchError::Status(status)),
            at,
            kept_open: true,
        });
    }
    // A failure without Content-Length, then closed.
    {
        let status = *r.pick(&FAILURE);
        let body = words(&mut r, false);
        let bytes = response(&mut r, status, body.as_bytes(), None);
        let at = r.range(0..=5) * 100;
        cases.push(GetCase {
            what: format!(
                "{status} at {} without Content-Length, then closed: {}",
                secs(ms(at)),
                shown(&bytes)
            ),
            site: Site::steps(vec![wait(at), Step::Send(bytes), Step::Close]),
            expected: Err(FetchError::Status(status)),
            at,
            kept_open: false,
        });
    }
    // Replies that are not a status line, then closed.
    let garbage = [
        "SSH-2.0-OpenSSH_9.6\r\n".to_string(),
        "220 mail.test ESMTP ready\r\n".to_string(),
        "<!DOCTYPE html>\r\n<html></html>\r\n".to_string(),
        format!("ICY 200 OK\r\n\r\n{}", r.letters(6)),
        format!("{}\r\n", r.letters(12)),
    ];
    let bad_codes = [
        "HTTP/1.1 OK\r\nContent-Length: 2\r\n\r\nok".to_string(),
        format!("HTTP/1.1 2xx OK\r\nContent-Length: 2\r\n\r\nok"),
        format!("HTTP/1.0 {} Fine\r\nContent-Length: 2\r\n\r\nok", r.name()),
    ];
    for (kind, list) in [
        ("not HTTP", &garbage[..]),
        ("a bad status code", &bad_codes[..]),
    ] {
        let text = r.pick(list).clone();
        let at = r.range(0..=5) * 100;
        cases.push(GetCase {
            what: format!(
                "reply that is {kind} at {} ({text:?}), then closed",
                secs(ms(at))
            ),
            site: Site::steps(vec![wait(at), send(&text), Step::Close]),
            expected: malformed(),
            at,
            kept_open: false,
        });
    }
    // Nothing at all.
    {
        let at = r.range(0..=5) * 100;
        cases.push(GetCase {
            what: format!(
                "server that closes at {} without sending a byte",
                secs(ms(at))
            ),
            site: Site::steps(vec![wait(at), Step::Close]),
            expected: malformed(),
            at,
            kept_open: false,
        });
    }
    // A head cut short.
    {
        let body = words(&mut r, false);
        let bytes = response(&mut r, 200, body.as_bytes(), Some("Content-Length"));
        let head_len = bytes.len() - body.len();
        let cut = r.count(1..=head_len - 1);
        let at = r.range(1..=5) * 100;
        cases.push(GetCase {
            what: format!(
                "head cut short ({}), then closed at {}",
                shown(&bytes[..cut]),
                secs(ms(at))
            ),
            site: Site::steps(vec![
                Step::Send(bytes[..cut].to_vec()),
                wait(at),
                Step::Close,
            ]),
            expected: malformed(),
            at,
            kept_open: false,
        });
    }
    // A header line without a colon, among good ones, and a complete body: kept open.
    {
        let body = words(&mut r, false);
        let status = *r.pick(&SUCCESS);
        let mut bytes = response(&mut r, status, body.as_bytes(), Some("Content-Length"));
        let choices = [
            format!("Server {}", r.name()),
            format!("X-Trace {}", r.letters(6)),
            r.letters(8),
        ];
        let line = format!("{}\r\n", r.pick(&choices));
        // After the status line, or after some other header.
        let lines: Vec<usize> = bytes
            .windows(2)
            .enumerate()
            .filter(|(_, w)| *w == b"\r\n")
            .map(|(i, _)| i + 2)
            .collect();
        let at_line = lines[r.count(0..=lines.len().saturating_sub(3))];
        bytes.splice(at_line..at_line, line.clone().into_bytes());
        cases.push(GetCase {
            what: format!(
                "response with a header line without a colon ({:?}), kept open: {}",
                line.trim_end(),
                shown(&bytes)
            ),
            site: Site::steps(vec![Step::Send(bytes)]),
            expected: malformed(),
            at: 0,
            kept_open: true,
        });
    }
    // A bad Content-Length, then closed.
    {
        let body = words(&mut r, false);
        let choices = [
            "many".to_string(),
            format!("-{}", body.len()),
            format!("{}{}", body.len(), r.letters(2)),
            format!("{}.5", body.len()),
            format!("0x{:x}", body.len()),
        ];
        let value = r.pick(&choices).clone();
        let mut text = format!("HTTP/1.1 200 OK\r\nContent-Length: {value}\r\n\r\n");
        text.push_str(&body);
        cases.push(GetCase {
            what: format!("`Content-Length: {value}`, then closed: {text:?}"),
            site: Site::steps(vec![send(&text), Step::Close]),
            expected: malformed(),
            at: 0,
            kept_open: false,
        });
    }
    // A body cut short: fewer bytes than its Content-Length, then closed.
    {
        let body = words(&mut r, false);
        let bytes = response(&mut r, 200, body.as_bytes(), Some("Content-Length"));
        let head_len = bytes.len() - body.len();
        let sent = head_len + r.count(0..=body.len() - 1);
        let at = r.range(1..=5) * 100;
        cases.push(GetCase {
            what: format!(
                "body cut short: Content-Length: {}, but {} bytes, and the server closes at {}: \
                 {}",
                body.len(),
                sent - head_len,
                secs(ms(at)),
                shown(&bytes[..sent])
            ),
            site: Site::steps(vec![
                Step::Send(bytes[..sent].to_vec()),
                wait(at),
                Step::Close,
            ]),
            expected: malformed(),
            at,
            kept_open: false,
        });
    }

    for case in cases {
        restart();
        let (result, took) = get_once(case.site).await?;
        let what = &case.what;
        let Some(result) = result else {
            return Err(Fail::new(
                Kind::Deadlock,
                format!(
                    "get never returned for a {what}: still reading after {}. A response that \
                     can never be complete is an error as soon as that is known: an EOF in the \
                     middle ends it, and a status that is not 2xx is known from the status line.",
                    secs(HANG)
                ),
            ));
        };
        judge_get(what, &result, &case.expected)?;
        expect(
            took == ms(case.at),
            Kind::WrongTiming,
            format!(
                "get returned {} for a {what} only at {}: everything was known at {}",
                shape(&result),
                secs(took),
                secs(ms(case.at))
            ),
        )?;
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// io-errors-are-reported

const IO_KINDS: [io::ErrorKind; 5] = [
    io::ErrorKind::ConnectionReset,
    io::ErrorKind::ConnectionAborted,
    io::ErrorKind::BrokenPipe,
    io::ErrorKind::NotConnected,
    io::ErrorKind::TimedOut,
];

async fn io_errors_are_reported() -> Result<(), Fail> {
    let mut r = rng();
    let mut cases: Vec<GetCase> = Vec::new();
    let body = words(&mut r, false);
    let with_length = response(&mut r, 200, body.as_bytes(), Some("Content-Length"));
    let without = response(&mut r, 200, body.as_bytes(), None);
    let head_len = with_length.len() - body.len();
    let head_len_without = without.len() - body.len();
    let places: [(&str, &[u8], usize); 4] = [
        ("before the first byte", &with_length, 0),
        (
            "in the middle of the head",
            &with_length,
            r.count(1..=head_len - 1),
        ),
        (
            "in the middle of a Content-Length body",
            &with_length,
            head_len + r.count(0..=body.len() - 1),
        ),
        (
            "in the middle of a body without Content-Length",
            &without,
            head_len_without + r.count(1..=body.len() - 1),
        ),
    ];
    for (place, bytes, cut) in places {
        let kind = *r.pick(&IO_KINDS);
        let at = r.range(1..=5) * 100;
        cases.push(GetCase {
            what: format!(
                "connection that fails with {kind:?} {place}, at {} (after {})",
                secs(ms(at)),
                shown(&bytes[..cut])
            ),
            site: Site::steps(vec![
                Step::Send(bytes[..cut].to_vec()),
                wait(at),
                Step::Break(kind),
            ]),
            expected: Err(FetchError::Io(kind)),
            at,
            kept_open: false,
        });
    }
    {
        let kind = *r.pick(&IO_KINDS);
        cases.push(GetCase {
            what: format!(
                "connection whose writes fail with {kind:?} (the server gets no request, and \
                 closes)"
            ),
            site: Site {
                write_error: Some(kind),
                ..Site::steps(vec![Step::Close])
            },
            expected: Err(FetchError::Io(kind)),
            at: 0,
            kept_open: false,
        });
    }
    for case in cases {
        restart();
        let (result, took) = get_once(case.site).await?;
        let what = &case.what;
        let Some(result) = result else {
            return Err(Fail::new(
                Kind::Deadlock,
                format!(
                    "get never returned for a {what}: still reading after {}. An I/O error ends \
                     the response: return it.",
                    secs(HANG)
                ),
            ));
        };
        judge_get(what, &result, &case.expected)?;
        expect(
            took == ms(case.at),
            Kind::WrongTiming,
            format!(
                "get returned {} for a {what} only at {}: the error came at {}",
                shape(&result),
                secs(took),
                secs(ms(case.at))
            ),
        )?;
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// fetch_all scenarios

/// One URL of a `fetch_all` scenario, and what the contract says becomes of it.
struct Planned {
    url: String,
    /// Its host, or None for a URL that must never connect (one parse_url rejects).
    host: Option<String>,
    port: u16,
    site: Site,
    expected: Fetched,
    /// How long its request lasts once started, in ms (a stall lasts the limit).
    cost: u64,
    /// What it is, for messages.
    what: String,
}

impl Planned {
    fn page(r: &mut Rng, host: &str, delay: u64) -> Planned {
        let accented = r.chance(1, 3);
        let body = words(r, accented);
        let status = if r.chance(1, 2) {
            200
        } else {
            *r.pick(&SUCCESS)
        };
        let spelling = *r.pick(&LENGTH_SPELLINGS);
        let bytes = response(r, status, body.as_bytes(), Some(spelling));
        Planned {
            url: format!("http://{host}/{}", r.name()),
            host: Some(host.to_string()),
            port: 80,
            site: Site::steps(vec![wait(delay), Step::Send(bytes)]),
            expected: ok(status, &body),
            cost: delay,
            what: format!("a page of {}", secs(ms(delay))),
        }
    }
}

/// When each request starts and ends by the contract: in the order of the URLs, each the moment
/// one of the k slots is free.
fn schedule(costs: &[u64], k: usize) -> Vec<(u64, u64)> {
    let mut free = vec![0u64; k.max(1)];
    costs
        .iter()
        .map(|&cost| {
            let slot = (0..free.len()).min_by_key(|&i| free[i]).unwrap_or(0);
            let start = free[slot];
            free[slot] = start + cost;
            (start, start + cost)
        })
        .collect()
}

/// The schedule of batches: k requests start together, the next k when all of them are over.
fn batches(costs: &[u64], k: usize) -> Vec<(u64, u64)> {
    let mut out = Vec::new();
    let mut at = 0;
    for chunk in costs.chunks(k.max(1)) {
        let end = at + chunk.iter().copied().max().unwrap_or(0);
        out.extend(chunk.iter().map(|&c| (at, at + c)));
        at = end;
    }
    out
}

fn net_of(plan: &[Planned]) -> Net {
    Net::with_sites(
        plan.iter()
            .filter_map(|p| p.host.clone().map(|h| (h, p.site.clone())))
            .collect(),
    )
}

fn described(plan: &[Planned]) -> String {
    plan.iter()
        .enumerate()
        .map(|(i, p)| format!("URL {i} {}: {}", p.url, p.what))
        .collect::<Vec<_>>()
        .join("; ")
}

/// Checks that every request that connects started when the contract says.
fn judge_starts(what: &str, plan: &[Planned], k: usize, net: &Net) -> Result<(), Fail> {
    let costs: Vec<u64> = plan.iter().map(|p| p.cost).collect();
    let want = schedule(&costs, k);
    let batch = batches(&costs, k);
    let starts: Vec<Option<Duration>> = plan
        .iter()
        .map(|p| {
            p.host
                .as_ref()
                .map(|h| net.first_to(h, p.port).map(|c| c.started))
                .unwrap_or(Some(Duration::ZERO))
        })
        .collect();
    let looks_like_batches = plan
        .iter()
        .zip(&starts)
        .zip(&batch)
        .all(|((p, s), b)| p.host.is_none() || *s == Some(ms(b.0)));
    for (i, p) in plan.iter().enumerate() {
        if p.host.is_none() {
            continue;
        }
        let expected = ms(want[i].0);
        let Some(got) = starts[i] else {
            return Err(Fail::new(
                Kind::WrongValue,
                format!(
                    "{what}: the request for URL {i} ({}) never connected",
                    p.url
                ),
            ));
        };
        if got != expected {
            return Err(Fail::new(
                Kind::WrongTiming,
                format!(
                    "{what}: the request for URL {i} ({}, {}) started at {}, expected {}: {}",
                    p.url,
                    p.what,
                    secs(got),
                    secs(expected),
                    if let Some(j) = (i + 1..plan.len())
                        .find(|&j| plan[j].host.is_some() && starts[j].is_some_and(|s| s < got))
                    {
                        format!(
                            "URL {j}, which comes after it, had started before it, at {}. The \
                             requests start in the order of the URLs: the first k at once, then \
                             each next one as a slot frees.",
                            secs(starts[j].unwrap_or_default())
                        )
                    } else if looks_like_batches && k > 1 {
                        "these are batches: k requests start, and the next ones wait until \
                         *all* of them are done, while the slots of the quick ones sit idle. \
                         Start the next request as soon as *any* request finishes (a Semaphore \
                         permit dropped at the end of each request does that by itself)."
                            .to_string()
                    } else if got > expected {
                        "a slot was free for it from then on. When a request ends (whatever \
                         its result), the next URL takes its slot at that instant."
                            .to_string()
                    } else {
                        "it started before a slot was free, or out of turn: the requests \
                         start in the order of the URLs, at most k at once."
                            .to_string()
                    }
                ),
            ));
        }
    }
    Ok(())
}

fn expect_most(what: &str, k: usize, n: usize, net: &Net) -> Result<(), Fail> {
    let most = net.flight.most();
    expect(
        most <= k,
        Kind::WrongValue,
        format!(
            "{what}: with k = {k} and {n} URLs, {most} requests were in flight at the same time \
             (connecting, or holding a connection): never more than k. {}",
            if most == k + 1 {
                "One too many: a Semaphore of k + 1 permits, a test like `running > k` where \
                 `running == k` belongs, or a number of your own instead of k?"
            } else if most == n {
                "Every request ran at once: nothing waits for a free slot. Hold a permit of a \
                 `Semaphore::new(k)` for the whole request (connect, request, response), or keep \
                 at most k tasks in a JoinSet."
            } else {
                "Is the slot given back before the request is over (a permit dropped right after \
                 it is acquired, with `let _ = ...`), or is k not the one given?"
            }
        ),
    )?;
    expect(
        most == k.min(n),
        Kind::WrongValue,
        format!(
            "{what}: with k = {k} and {n} URLs waiting, at most {most} request(s) were ever in \
             flight at the same time: the fetcher never used all its k slots (a Semaphore of \
             k - 1 permits, another number than k, or waiting for a free slot one request too \
             early)"
        ),
    )
}

/// Runs `fetch_all` over `plan`: its results, the network, and how long it took.
async fn run_plan(plan: &[Planned], k: usize, limit: Duration) -> (Vec<Fetched>, Net, Duration) {
    let net = net_of(plan);
    let urls: Vec<String> = plan.iter().map(|p| p.url.clone()).collect();
    let results = exercise::fetch_all(net.clone(), urls, k, limit).await;
    (results, net, elapsed())
}

fn total(plan: &[Planned], k: usize) -> u64 {
    let costs: Vec<u64> = plan.iter().map(|p| p.cost).collect();
    schedule(&costs, k)
        .iter()
        .map(|&(_, e)| e)
        .max()
        .unwrap_or(0)
}

// ---------------------------------------------------------------------------------------------
// one-error-per-url

async fn one_error_per_url() -> Result<(), Fail> {
    let mut r = rng();
    let good = r.count(2..=3);
    let n = good + 6;
    let names = r.names(n);
    // Distinct costs, so that the first k never all end at one instant.
    let costs = r.distinct(n, 100..=1500, 100);
    let mut plan: Vec<Planned> = Vec::new();
    for i in 0..good {
        plan.push(Planned::page(
            &mut r,
            &format!("{}.test", names[i]),
            costs[i],
        ));
    }
    let host = |i: usize| format!("{}.test", names[i]);
    // Refused, after a while.
    {
        let (h, c) = (host(good), costs[good]);
        plan.push(Planned {
            url: format!("http://{h}:{}/", r.range(1024..=9999)),
            host: Some(h),
            port: 0,
            site: Site::refused(io::ErrorKind::ConnectionRefused).connecting_for(c),
            expected: Err(FetchError::Connect(io::ErrorKind::ConnectionRefused)),
            cost: c,
            what: format!("a connection refused after {}", secs(ms(c))),
        });
    }
    // Another connect error.
    {
        let kind = *r.pick(&[
            io::ErrorKind::NotFound,
            io::ErrorKind::HostUnreachable,
            io::ErrorKind::NetworkUnreachable,
            io::ErrorKind::PermissionDenied,
            io::ErrorKind::AddrNotAvailable,
        ]);
        let (h, c) = (host(good + 1), costs[good + 1]);
        plan.push(Planned {
            url: format!("http://{h}/{}", r.name()),
            host: Some(h),
            port: 80,
            site: Site::refused(kind).connecting_for(c),
            expected: Err(FetchError::Connect(kind)),
            cost: c,
            what: format!("a connect that fails with {kind:?} after {}", secs(ms(c))),
        });
    }
    // A status.
    {
        let status = *r.pick(&FAILURE);
        let body = words(&mut r, false);
        let bytes = response(&mut r, status, body.as_bytes(), Some("Content-Length"));
        let (h, c) = (host(good + 2), costs[good + 2]);
        plan.push(Planned {
            url: format!("http://{h}/{}", r.name()),
            host: Some(h),
            port: 80,
            site: Site::steps(vec![wait(c), Step::Send(bytes)]),
            expected: Err(FetchError::Status(status)),
            cost: c,
            what: format!("a {status} after {}", secs(ms(c))),
        });
    }
    // A malformed response.
    {
        let text = r
            .pick(&[
                "SSH-2.0-OpenSSH_9.6\r\n",
                "220 mail.test ESMTP ready\r\n",
                "HTTP/1.1 200 OK\r\nContent-Length: 9\r\n\r\ncut",
            ])
            .to_string();
        let (h, c) = (host(good + 3), costs[good + 3]);
        plan.push(Planned {
            url: format!("http://{h}/"),
            host: Some(h),
            port: 80,
            site: Site::steps(vec![wait(c), send(&text), Step::Close]),
            expected: Err(FetchError::Malformed(String::new())),
            cost: c,
            what: format!("{text:?} after {}, then closed", secs(ms(c))),
        });
    }
    // A connection that breaks.
    {
        let kind = *r.pick(&IO_KINDS);
        let (h, c) = (host(good + 4), costs[good + 4]);
        plan.push(Planned {
            url: format!("http://{h}/{}", r.name()),
            host: Some(h),
            port: 80,
            site: Site::steps(vec![
                send("HTTP/1.1 200 OK\r\n"),
                wait(c),
                Step::Break(kind),
            ]),
            expected: Err(FetchError::Io(kind)),
            cost: c,
            what: format!(
                "a connection that fails with {kind:?} after {}",
                secs(ms(c))
            ),
        });
    }
    // A URL that does not parse: it never connects, and costs no time.
    {
        let h = host(good + 5);
        let url = r
            .pick(&[
                format!("ftp://{h}/file"),
                format!("https://{h}/"),
                format!("{h}/page"),
                format!("http://{h}:port/"),
                "http:///nowhere".to_string(),
            ])
            .clone();
        plan.push(Planned {
            url,
            host: None,
            port: 80,
            site: Site::steps(Vec::new()),
            expected: Err(FetchError::BadUrl(String::new())),
            cost: 0,
            what: "a URL parse_url rejects".to_string(),
        });
    }
    r.shuffle(&mut plan);
    let k = r.count(2..=3);
    let limit = Duration::from_secs(5);
    let (results, net, took) = run_plan(&plan, k, limit).await;
    let what = format!(
        "fetch_all of {n} URLs, {} of them failing (k = {k}, 5 s each: {})",
        n - good,
        described(&plan)
    );
    let expected: Vec<Fetched> = plan.iter().map(|p| clone_fetched(&p.expected)).collect();
    expect_results(&what, &results, &expected)?;
    for (i, p) in plan.iter().enumerate() {
        if p.host.is_none() && !net.conns().is_empty() {
            let bad_host = p.url.clone();
            if net
                .hosts()
                .iter()
                .any(|h| bad_host.contains(h.split(':').next().unwrap_or("?")))
            {
                return Err(Fail::new(
                    Kind::WrongValue,
                    format!(
                        "URL {i}, {bad_host}, is one parse_url rejects, yet the connector was \
                         asked to connect for it: a URL that does not parse is Err(BadUrl) \
                         before any connection"
                    ),
                ));
            }
        }
    }
    judge_starts(&what, &plan, k, &net)?;
    let want = total(&plan, k);
    expect(
        took == ms(want),
        Kind::WrongTiming,
        format!(
            "{what}: fetch_all took {} of virtual time, expected {} (each failure frees its slot \
             the moment it is known, and the others go on as if nothing happened)",
            secs(took),
            secs(ms(want))
        ),
    )?;
    judged(took);
    Ok(())
}

fn clone_fetched(f: &Fetched) -> Fetched {
    f.clone()
}

// ---------------------------------------------------------------------------------------------
// results-in-input-order

async fn results_in_input_order() -> Result<(), Fail> {
    let mut r = rng();
    let n = r.count(4..=7);
    let names = r.names(n);
    let mut delays = r.distinct(n, 0..=1500, 100);
    // Never already in the order they finish.
    if delays.windows(2).all(|w| w[0] < w[1]) {
        delays.reverse();
    }
    let plan: Vec<Planned> = (0..n)
        .map(|i| Planned::page(&mut r, &format!("{}.test", names[i]), delays[i]))
        .collect();
    let k = n + r.count(0..=3);
    let (results, _net, took) = run_plan(&plan, k, Duration::from_secs(5)).await;
    let expected: Vec<Fetched> = plan.iter().map(|p| clone_fetched(&p.expected)).collect();
    let shown_delays: Vec<String> = delays.iter().map(|&d| secs(ms(d))).collect();
    expect_results(
        &format!(
            "fetch_all of {n} pages of {} (k = {k})",
            shown_delays.join(", ")
        ),
        &results,
        &expected,
    )?;
    expect_took(
        &format!("fetch_all of {n} pages with k = {k}"),
        took,
        ms(*delays.iter().max().unwrap_or(&0)),
    )
    .map_err(|fail| {
        fail.then(
            "With k at least the number of URLs, every request runs at once, and fetch_all \
             takes as long as the slowest page",
        )
    })
}

// ---------------------------------------------------------------------------------------------
// never-more-than-k

async fn never_more_than_k() -> Result<(), Fail> {
    let mut r = rng();
    let big = r.count(3..=5);
    for k in [1, big] {
        restart();
        let n = if k == 1 {
            r.count(3..=4)
        } else {
            2 * k + r.count(1..=3)
        };
        let names = r.names(n);
        let plan: Vec<Planned> = (0..n)
            .map(|i| {
                let delay = r.range(1..=4) * 100;
                Planned::page(&mut r, &format!("{}.test", names[i]), delay)
            })
            .collect();
        let (results, net, _took) = run_plan(&plan, k, Duration::from_secs(5)).await;
        let what = format!(
            "fetch_all of {n} pages (k = {k}: {})",
            plan.iter()
                .map(|p| secs(ms(p.cost)))
                .collect::<Vec<_>>()
                .join(", ")
        );
        let expected: Vec<Fetched> = plan.iter().map(|p| clone_fetched(&p.expected)).collect();
        expect_results(&what, &results, &expected)?;
        expect_most(&what, k, n, &net)?;
        judge_starts(&what, &plan, k, &net)?;
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// freed-slot-starts-next

async fn freed_slot_starts_next() -> Result<(), Fail> {
    let mut r = rng();
    let k = 2;
    let n = r.count(5..=7);
    let names = r.names(n);
    // One slow page first, then quick ones of different lengths.
    let slow = r.range(6..=9) * 100;
    let mut delays = vec![slow];
    for _ in 1..n {
        delays.push(r.range(1..=3) * 100);
    }
    let plan: Vec<Planned> = (0..n)
        .map(|i| Planned::page(&mut r, &format!("{}.test", names[i]), delays[i]))
        .collect();
    let (results, net, took) = run_plan(&plan, k, Duration::from_secs(5)).await;
    let shown_delays: Vec<String> = delays.iter().map(|&d| secs(ms(d))).collect();
    let what = format!(
        "fetch_all of {n} pages of {} (k = 2)",
        shown_delays.join(", ")
    );
    let expected: Vec<Fetched> = plan.iter().map(|p| clone_fetched(&p.expected)).collect();
    expect_results(&what, &results, &expected)?;
    let want = total(&plan, k);
    expect(
        net.flight.most() > 1,
        Kind::Sequential,
        format!(
            "{what} ran one request at a time, and took {} of virtual time instead of {}: \
             awaiting each fetch before starting the next runs them in sequence. Start them as \
             tasks, and let a Semaphore of k permits hold them back.",
            secs(took),
            secs(ms(want))
        ),
    )?;
    judge_starts(&what, &plan, k, &net)?;
    expect_took(&what, took, ms(want))
}

// ---------------------------------------------------------------------------------------------
// timeout-per-request

/// Where a request stalls.
#[derive(Clone, Copy, PartialEq, Debug)]
enum Stall {
    Connect,
    Head,
    Body,
}

/// One URL of `timeout-per-request`: what its server does, and what must happen to it.
struct Timed {
    what: String,
    stall: Option<Stall>,
    site: Site,
    expected: Fetched,
    /// When the request must start and end (its connection closed), in ms.
    start: u64,
    end: u64,
}

fn stalled(r: &mut Rng, stall: Stall, stall_ms: u64, limit: u64) -> (String, Site) {
    let body = words(r, false);
    let bytes = response(r, 200, body.as_bytes(), Some("Content-Length"));
    match stall {
        Stall::Connect => (
            format!("a connect that takes {}", secs(ms(stall_ms))),
            Site::steps(vec![Step::Send(bytes)]).connecting_for(stall_ms),
        ),
        Stall::Head => {
            // Nothing, or a part of the head, then the stall.
            let head_len = bytes.len() - body.len();
            let cut = if r.chance(1, 2) {
                0
            } else {
                r.count(1..=head_len - 1)
            };
            let what = if cut == 0 {
                format!("a server that waits {} before its head", secs(ms(stall_ms)))
            } else {
                format!(
                    "a server that sends {} and then waits {} before the rest of its head",
                    shown(&bytes[..cut]),
                    secs(ms(stall_ms))
                )
            };
            (
                what,
                Site::steps(vec![
                    Step::Send(bytes[..cut].to_vec()),
                    wait(stall_ms),
                    Step::Send(bytes[cut..].to_vec()),
                ]),
            )
        }
        Stall::Body => {
            let head_len = bytes.len() - body.len();
            let part = r.count(1..=body.len() - 1);
            let first = r.range(0..=(limit / 200)) * 100;
            (
                format!(
                    "a head at {}, then {part} of {} body bytes, then a stall of {}",
                    secs(ms(first)),
                    body.len(),
                    secs(ms(stall_ms))
                ),
                Site::steps(vec![
                    wait(first),
                    Step::Send(bytes[..head_len + part].to_vec()),
                    wait(stall_ms),
                    Step::Send(bytes[head_len + part..].to_vec()),
                ]),
            )
        }
    }
}

async fn timeout_per_request() -> Result<(), Fail> {
    let mut r = rng();
    // Any limit but the demo's 1 s.
    let limit_ms = *r.pick(&[800, 900, 1100, 1200, 1300, 1400, 1500, 1600, 1800, 2000]);
    let stall_ms = limit_ms * r.range(3..=5);
    let mut stalls = [Stall::Connect, Stall::Head, Stall::Body];
    r.shuffle(&mut stalls);
    let d1 = r.range(1..=(limit_ms - 300) / 100) * 100;
    let d4 = r.range(1..=(limit_ms - 100) / 100) * 100;
    let l = limit_ms;
    // k = 2: URL 0 stalls [0, L]; URL 1 is a page [0, d1]; URL 2 stalls [d1, d1 + L]; URL 3
    // stalls [L, 2L]; URL 4 is a page [d1 + L, d1 + L + d4].
    let mut plan = Vec::new();
    for (i, (start, end)) in [
        (0, l),
        (0, d1),
        (d1, d1 + l),
        (l, 2 * l),
        (d1 + l, d1 + l + d4),
    ]
    .into_iter()
    .enumerate()
    {
        let stall = match i {
            0 => Some(stalls[0]),
            2 => Some(stalls[1]),
            3 => Some(stalls[2]),
            _ => None,
        };
        let (what, site, expected) = match stall {
            Some(stall) => {
                let (what, site) = stalled(&mut r, stall, stall_ms, l);
                (what, site, Err(FetchError::Timeout))
            }
            None => {
                let body = words(&mut r, false);
                let bytes = response(&mut r, 200, body.as_bytes(), Some("Content-Length"));
                (
                    format!("a page of {}", secs(ms(end - start))),
                    Site::steps(vec![wait(end - start), Step::Send(bytes)]),
                    ok(200, &body),
                )
            }
        };
        plan.push(Timed {
            what,
            stall,
            site,
            expected,
            start,
            end,
        });
    }
    let names = r.names(plan.len());
    let hosts: Vec<String> = names.iter().map(|n| format!("{n}.test")).collect();
    let net = Net::with_sites(
        hosts
            .iter()
            .zip(&plan)
            .map(|(h, t)| (h.clone(), t.site.clone()))
            .collect(),
    );
    let urls: Vec<String> = hosts.iter().map(|h| format!("http://{h}/")).collect();
    let limit = ms(limit_ms);
    let results = exercise::fetch_all(net.clone(), urls, 2, limit).await;
    let took = elapsed();
    // Let the stalls run out, to see when connections left open would finally be closed.
    tokio::time::sleep(ms(2 * stall_ms)).await;

    let scenario = format!(
        "fetch_all with a {} limit (k = 2) of {}",
        secs(limit),
        plan.iter()
            .enumerate()
            .map(|(i, t)| format!("URL {i}: {}", t.what))
            .collect::<Vec<_>>()
            .join("; ")
    );
    let expected: Vec<_> = plan.iter().map(|t| clone_fetched(&t.expected)).collect();
    let sorted = |results: &[Fetched]| {
        let mut shapes: Vec<String> = results.iter().map(shape).collect();
        shapes.sort();
        shapes
    };
    if results.len() != expected.len() || sorted(&results) == sorted(&expected) {
        // Missing results, or results out of order: that says more than any one request.
        expect_results(&scenario, &results, &expected)?;
    }
    // Explain a wrong result by what happened to its request first: it says why.
    let first_wrong = results
        .iter()
        .zip(&expected)
        .position(|(got, want)| shape(got) != shape(want));
    for (i, t) in plan.iter().enumerate() {
        let Some(conn) = net.first_to(&hosts[i], 80) else {
            return Err(Fail::new(
                Kind::WrongValue,
                format!(
                    "{scenario}: the request for URL {i} ({}) never started",
                    t.what
                ),
            ));
        };
        let (start, end) = (ms(t.start), ms(t.end));
        let ended = conn.ended;
        let result = results
            .get(i)
            .map(shape)
            .unwrap_or_else(|| "nothing".into());
        if conn.started != start {
            let why = if conn.started > start {
                "a slot was free for it then: when a request ends (or times out), the next URL \
                 takes its slot at that instant"
            } else {
                "no slot was free for it yet"
            };
            return Err(Fail::new(
                Kind::WrongTiming,
                format!(
                    "{scenario}: the request for URL {i} ({}) started at {}, expected {}: {why}",
                    t.what,
                    secs(conn.started),
                    secs(start)
                ),
            ));
        }
        if ended == Some(end) && (first_wrong != Some(i)) {
            continue;
        }
        let timed_out = t.stall.is_some();
        let message = match ended {
            Some(e) if e < end && result == "Err(Timeout)" => {
                let ran = e - conn.started;
                format!(
                    "the request for URL {i} ({}) started at {} and was over at {} with {result}, \
                     only {} after it started, expected {} at {}. {}",
                    t.what,
                    secs(conn.started),
                    secs(e),
                    secs(ran),
                    if timed_out {
                        "Err(Timeout)"
                    } else {
                        "its page"
                    },
                    secs(end),
                    if ran < limit {
                        "Each request has the whole limit from its own start. Is one deadline \
                         shared by all the requests (fixed before the loop), or does the clock \
                         start while the request still waits for its slot (the timeout around \
                         the Semaphore's acquire), or is the limit not the one given?"
                    } else {
                        ""
                    }
                )
            }
            Some(e) if timed_out && results.get(i).map(shape) == Some(shape(&expected[i])) => {
                if e > end && e - conn.started < ms(stall_ms) && result == "Err(Timeout)" {
                    format!(
                        "the request for URL {i} ({}) started at {} and gave Err(Timeout) at {}, \
                         {} after it started, expected exactly {} later, at {}: the limit is the \
                         `limit` fetch_all is given, not a number of your own",
                        t.what,
                        secs(conn.started),
                        secs(e),
                        secs(e - conn.started),
                        secs(limit),
                        secs(end)
                    )
                } else {
                    format!(
                        "the request for URL {i} ({}) gave Err(Timeout), but its connection was \
                         closed only at {}, {} after the limit ran out at {}: the fetcher \
                         stopped waiting but left the request running, holding its connection \
                         (and the server's time). Give it up for real: `tokio::time::timeout` \
                         around the request's future drops it, and dropping it closes the \
                         connection (a spawned task would need `abort()`).",
                        t.what,
                        secs(e),
                        secs(e.saturating_sub(end)),
                        secs(end)
                    )
                }
            }
            None if timed_out => format!(
                "the request for URL {i} ({}) gave {result}, and its connection was never \
                 closed: the request was left running past its limit. Give it up for real: \
                 `tokio::time::timeout` around the request's future drops it, and dropping it \
                 closes the connection (a spawned task would need `abort()`).",
                t.what
            ),
            _ if timed_out => format!(
                "the request for URL {i} ({}) started at {} and gave {result}{}, expected \
                 Err(Timeout) at exactly {}, {} after it started. {}",
                t.what,
                secs(conn.started),
                ended
                    .map(|e| format!(" at {}", secs(e)))
                    .unwrap_or_default(),
                secs(end),
                secs(limit),
                match t.stall {
                    Some(Stall::Connect) => {
                        "The limit covers the whole request, connecting included."
                    }
                    Some(Stall::Head) => {
                        "The limit covers the whole request: waiting for the head too, not \
                         only the connect."
                    }
                    _ => {
                        "The limit covers the whole request, until the last byte of the body \
                         is read (a response is complete only with all its Content-Length \
                         bytes): a body that stalls halfway is a timeout too. Put \
                         `tokio::time::timeout` around the whole fetch (connect, request, head \
                         and body)."
                    }
                }
            ),
            _ => format!(
                "the request for URL {i} ({}) gave {result}{}, expected its page at {}. {}",
                t.what,
                ended
                    .map(|e| format!(" at {}", secs(e)))
                    .unwrap_or_default(),
                secs(end),
                advice(&shape(&expected[i]), &result)
            ),
        };
        return Err(Fail::new(
            if first_wrong == Some(i) {
                Kind::WrongValue
            } else {
                Kind::WrongTiming
            },
            format!("{scenario}: {message}"),
        ));
    }
    expect_results(&scenario, &results, &expected)?;
    let most = net.flight.most();
    expect(
        most <= 2,
        Kind::WrongValue,
        format!(
            "{scenario}: {most} requests were in flight at once with k = 2: a request that timed \
             out must give its slot back only once it is over (its connection closed)"
        ),
    )?;
    expect_took(&scenario, took, ms((2 * l).max(d1 + l + d4)))
}

// ---------------------------------------------------------------------------------------------
// report-says-each-result

async fn report_says_each_result() -> Result<(), Fail> {
    let mut r = rng();
    // Never the demo's 6 URLs at 2 at a time.
    let n = *r.pick(&[4, 5, 7]);
    let k = r.count(1..=3);
    let limit_ms = r.range(8..=20) * 100;
    let names = r.names(n);
    let mut plan: Vec<Planned> = Vec::new();
    let mut lines: Vec<String> = Vec::new();
    for (i, name) in names.iter().enumerate() {
        let host = format!("{name}.test");
        let delay = r.range(0..=(limit_ms - 200) / 100) * 100;
        let p = match i % 4 {
            0 => Planned::page(&mut r, &host, delay),
            1 => {
                let status = *r.pick(&FAILURE);
                Planned {
                    url: format!("http://{host}/{}", r.name()),
                    host: Some(host.clone()),
                    port: 80,
                    site: Site::steps(vec![
                        wait(delay),
                        send(&format!(
                            "HTTP/1.1 {status} {}\r\nContent-Length: 0\r\n\r\n",
                            reason(status)
                        )),
                    ]),
                    expected: Err(FetchError::Status(status)),
                    cost: delay,
                    what: format!("a {status} after {}", secs(ms(delay))),
                }
            }
            2 => Planned {
                url: format!("http://{host}/"),
                host: Some(host.clone()),
                port: 80,
                site: Site::page(limit_ms * 3, "late"),
                expected: Err(FetchError::Timeout),
                cost: limit_ms,
                what: format!("a page of {}", secs(ms(limit_ms * 3))),
            },
            _ => Planned {
                url: format!("http://{host}:{}/", r.range(1024..=9999)),
                host: Some(host.clone()),
                port: 0,
                site: Site::refused(io::ErrorKind::ConnectionRefused),
                expected: Err(FetchError::Connect(io::ErrorKind::ConnectionRefused)),
                cost: 0,
                what: "a refused connection".to_string(),
            },
        };
        plan.push(p);
    }
    r.shuffle(&mut plan);
    let end = total(&plan, k);
    let first = format!("fetching {n} URLs, at most {k} at a time");
    lines.push(awaitlings::format_line(Duration::ZERO, &first));
    let texts: Vec<String> = plan
        .iter()
        .map(|p| format!("{}: {}", p.url, displayed(&p.expected)))
        .collect();
    for text in &texts {
        lines.push(awaitlings::format_line(ms(end), text));
    }
    let net = net_of(&plan);
    let urls: Vec<String> = plan.iter().map(|p| p.url.clone()).collect();
    exercise::report(net, urls, k, ms(limit_ms)).await;
    let scenario = format!(
        "report of {n} URLs (k = {k}, a {} limit: {})",
        secs(ms(limit_ms)),
        described(&plan)
    );
    // The order of the result lines, which share an instant, is judged here: they must follow
    // the URLs.
    let said: Vec<String> = transcript()
        .iter()
        .map(|line| line.get(10..).unwrap_or_default().to_string())
        .collect();
    let results_said: Vec<&String> = said.iter().filter(|l| texts.contains(l)).collect();
    if results_said.len() == texts.len() && results_said.iter().zip(&texts).any(|(a, b)| *a != b) {
        return Err(Fail::new(
            Kind::WrongOrder,
            format!(
                "{scenario}: the result lines came in the order {:?}, expected the order of the \
                 URLs, {texts:?}",
                results_said
            ),
        ));
    }
    let expected: Vec<&str> = lines.iter().map(String::as_str).collect();
    expect_lines(&expected).map_err(|fail| {
        let why = if fail.kind == Kind::WrongTiming {
            format!(
                " report says the result lines once fetch_all has returned: when the last \
                 request is over, or its limit has run out (here at {}), and not before",
                secs(ms(end))
            )
        } else {
            String::new()
        };
        fail.then(format!("The scenario: {scenario}.{why}"))
    })
}

/// How `report` shows a result: `Display` as the stub gives it.
fn displayed(result: &Fetched) -> String {
    match result {
        Ok(response) => format!(
            "{}, {} bytes: {:?}",
            response.status,
            response.body.len(),
            response.body
        ),
        Err(FetchError::BadUrl(why)) => format!("bad URL ({why})"),
        Err(FetchError::Connect(kind)) => format!("could not connect ({kind})"),
        Err(FetchError::Io(kind)) => format!("I/O error ({kind})"),
        Err(FetchError::Malformed(_)) => "malformed response".to_string(),
        Err(FetchError::Status(status)) => format!("status {status}"),
        Err(FetchError::Timeout) => "timed out".to_string(),
    }
}

// ---------------------------------------------------------------------------------------------
// real-sockets

/// Connects over TCP: the checks' own copy of the stub's given `TcpConnector`, so the streams
/// the student's code reads are real connections to the check's server.
struct Tcp;

impl Connect for Tcp {
    type Stream = tokio::net::TcpStream;

    fn connect(
        &self,
        host: &str,
        port: u16,
    ) -> impl Future<Output = io::Result<tokio::net::TcpStream>> + Send {
        let address = format!("{host}:{port}");
        async move { tokio::net::TcpStream::connect(address).await }
    }
}

/// What the real server answers for a path: its bytes, cut into pieces written apart (with a
/// pause in real milliseconds before each but the first), and whether it closes afterwards.
#[derive(Clone)]
struct Answer {
    pieces: Vec<(u64, Vec<u8>)>,
    close: bool,
}

/// The limit per request on real sockets: wide, for a loaded machine.
const REAL_LIMIT: Duration = Duration::from_secs(4);

async fn real_sockets() -> Result<(), Fail> {
    let mut r = rng();
    let names = r.names(4);
    let mut answers: HashMap<String, Answer> = HashMap::new();
    // (path, what it is, expected)
    let mut pages: Vec<(String, String, Fetched)> = Vec::new();
    for (i, name) in names.iter().enumerate() {
        let path = format!("/{name}");
        let accented = r.chance(1, 2);
        let body = words(&mut r, accented);
        let (status, length, close, expected, what) = match i {
            0 => {
                let s = *r.pick(&SUCCESS);
                (
                    s,
                    Some(*r.pick(&LENGTH_SPELLINGS)),
                    false,
                    ok(s, &body),
                    "a page with Content-Length, kept open",
                )
            }
            1 => {
                let s = *r.pick(&SUCCESS);
                (
                    s,
                    None,
                    true,
                    ok(s, &body),
                    "a page without Content-Length, then closed",
                )
            }
            2 => {
                let s = *r.pick(&FAILURE);
                (
                    s,
                    Some("Content-Length"),
                    false,
                    Err(FetchError::Status(s)),
                    "a status, kept open",
                )
            }
            _ => {
                let s = *r.pick(&SUCCESS);
                (
                    s,
                    Some(*r.pick(&LENGTH_SPELLINGS)),
                    false,
                    ok(s, &body),
                    "a page in small pieces, kept open",
                )
            }
        };
        let bytes = response(&mut r, status, body.as_bytes(), length);
        let count = r.count(2..=4);
        let (steps, _) = trickle(&mut r, &bytes, count, 0);
        // Real pauses, short: 10 to 60 ms.
        let mut pieces = Vec::new();
        let mut pause = 0;
        for step in steps {
            match step {
                Step::Wait(w) => pause = if w == 0 { 0 } else { w / 5 },
                Step::Send(b) => pieces.push((pause, b)),
                _ => {}
            }
        }
        answers.insert(path.clone(), Answer { pieces, close });
        pages.push((path, what.to_string(), expected));
    }
    r.shuffle(&mut pages);
    let refused_at = r.count(0..=pages.len());
    let k = r.count(2..=3);
    // Long enough for every request to use its whole limit, one slot after another: a fetcher
    // whose requests all time out still returns, and its results say why.
    let rounds = (pages.len() + 1).div_ceil(k) as u32;
    let bound = REAL_LIMIT * rounds + Duration::from_secs(3);

    // The real sockets live in a runtime of their own, on a blocking thread, and end with it:
    // the server stops listening when that runtime is dropped, before the check goes on.
    let pages_for_run: Vec<String> = pages.iter().map(|p| p.0.clone()).collect();
    let outcome = tokio::task::spawn_blocking(move || {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(|e| format!("could not start a runtime with I/O: {e}"))?;
        runtime.block_on(async {
            let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
                .await
                .map_err(|e| format!("could not listen on 127.0.0.1: {e}"))?;
            let port = listener.local_addr().map_err(|e| e.to_string())?.port();
            // A port where nobody listens, held: a socket bound to it that never listens, kept
            // until fetch_all has returned. A port bound and then let go could be taken by
            // another check's server meanwhile (dozens run at once), and a connect to it then
            // reached that server: a correct fetcher was told it had the wrong error.
            let reserved = tokio::net::TcpSocket::new_v4()
                .and_then(|s| {
                    s.bind("127.0.0.1:0".parse().expect("an address"))
                        .map(|()| s)
                })
                .map_err(|e| format!("could not bind a socket on 127.0.0.1: {e}"))?;
            let refused = reserved.local_addr().map_err(|e| e.to_string())?.port();
            tokio::spawn(real_server(listener, answers));
            let mut urls: Vec<String> = pages_for_run
                .iter()
                .map(|path| format!("http://127.0.0.1:{port}{path}"))
                .collect();
            urls.insert(refused_at, format!("http://127.0.0.1:{refused}/"));
            let started = std::time::Instant::now();
            let fetch = exercise::fetch_all(Tcp, urls.clone(), k, REAL_LIMIT);
            let results = tokio::time::timeout(bound, fetch).await.map_err(|_| {
                format!(
                    "fetch_all had not returned after {} of real time",
                    secs(bound)
                )
            })?;
            drop(reserved);
            Ok::<_, String>((urls, results, started.elapsed()))
        })
    });
    let (urls, results, took) = match outcome.await {
        Ok(Ok(done)) => done,
        Ok(Err(message)) => {
            return Err(Fail::new(
                Kind::Deadlock,
                format!(
                    "{message}, with a {} limit per request (k = {k}) against a server on \
                     127.0.0.1 that answers at once: requests that never end, or a limit that \
                     is not applied",
                    secs(REAL_LIMIT)
                ),
            ));
        }
        Err(joined) if joined.is_panic() => std::panic::resume_unwind(joined.into_panic()),
        Err(joined) => return Err(Fail::new(Kind::Panicked, joined.to_string())),
    };
    judged(took);
    let mut expected: Vec<Fetched> = pages.iter().map(|p| clone_fetched(&p.2)).collect();
    expected.insert(
        refused_at,
        Err(FetchError::Connect(io::ErrorKind::ConnectionRefused)),
    );
    let mut whats: Vec<String> = pages.iter().map(|p| p.1.clone()).collect();
    whats.insert(refused_at, "a port where nobody listens".to_string());
    let scenario = urls
        .iter()
        .zip(&whats)
        .map(|(u, w)| format!("{u} ({w})"))
        .collect::<Vec<_>>()
        .join(", ");
    expect_results(
        &format!(
            "fetch_all over real TCP (k = {k}, {} each) of {scenario}; the server keeps a \
             connection open after a response with Content-Length, whatever `Connection: close` \
             asked",
            secs(REAL_LIMIT)
        ),
        &results,
        &expected,
    )
}

/// The real server: one task per connection, answers by path in pieces; keeps a connection open
/// after a response with Content-Length until the client closes it, as keep-alive servers do.
async fn real_server(listener: tokio::net::TcpListener, answers: HashMap<String, Answer>) {
    let answers = Arc::new(answers);
    while let Ok((mut stream, _)) = listener.accept().await {
        let answers = Arc::clone(&answers);
        tokio::spawn(async move {
            let _ = stream.set_nodelay(true);
            let head = tokio::time::timeout(Duration::from_secs(10), read_head(&mut stream)).await;
            let Ok((head, true)) = head else { return };
            let path = request_path(&head);
            let Some(answer) = answers.get(&path) else {
                return;
            };
            for (pause, bytes) in &answer.pieces {
                if *pause > 0 {
                    tokio::time::sleep(ms(*pause)).await;
                }
                if stream.write_all(bytes).await.is_err() {
                    return;
                }
            }
            if answer.close {
                return;
            }
            let mut sink = [0u8; 256];
            let _ = tokio::time::timeout(Duration::from_secs(20), stream.read(&mut sink)).await;
        });
    }
}

// ---------------------------------------------------------------------------------------------
// The check's network: a connector whose connections are duplex pipes to scripted servers.

/// What a scripted server does once it has read a request's head.
#[derive(Clone, Debug)]
enum Step {
    /// Wait this many milliseconds (virtual time).
    Wait(u64),
    /// Send these bytes.
    Send(Vec<u8>),
    /// Close the connection. A script that does not end in `Close` or `Break` keeps the
    /// connection open until the client closes it.
    Close,
    /// Break the connection: once the client has read what was sent, its next read fails with
    /// this kind of I/O error (a connection reset, say).
    Break(io::ErrorKind),
}

fn send(text: &str) -> Step {
    Step::Send(text.as_bytes().to_vec())
}

fn wait(ms: u64) -> Step {
    Step::Wait(ms)
}

/// How a host behaves: whether (and how slowly) it accepts connections, and its script.
#[derive(Clone, Debug)]
struct Site {
    refuse: Option<io::ErrorKind>,
    connect_ms: u64,
    /// Every write to the connection fails with this (and the server closes at once).
    write_error: Option<io::ErrorKind>,
    steps: Vec<Step>,
}

impl Site {
    fn steps(steps: Vec<Step>) -> Site {
        Site {
            refuse: None,
            connect_ms: 0,
            write_error: None,
            steps,
        }
    }

    /// A page: wait `ms`, then a 200 with Content-Length, the connection kept open.
    fn page(ms: u64, body: &str) -> Site {
        Site::steps(vec![
            wait(ms),
            Step::Send(
                format!(
                    "HTTP/1.1 200 OK\r\nContent-Length: {}\r\n\r\n{body}",
                    body.len()
                )
                .into_bytes(),
            ),
        ])
    }

    fn refused(kind: io::ErrorKind) -> Site {
        Site {
            refuse: Some(kind),
            ..Site::steps(Vec::new())
        }
    }

    fn connecting_for(self, ms: u64) -> Site {
        Site {
            connect_ms: ms,
            ..self
        }
    }
}

/// One connection as the network saw it.
#[derive(Clone, Debug, Default)]
struct Conn {
    host: String,
    port: u16,
    /// When `connect` was first polled.
    started: Duration,
    /// When the stream was dropped (or the connect given up, or refused).
    ended: Option<Duration>,
    /// What the server read of the request's head (complete when it ends in the empty line).
    request: Vec<u8>,
    /// The server broke the connection with this error.
    broken: Option<io::ErrorKind>,
}

type Plan = dyn Fn(&str, u16, Option<&str>) -> Site + Send + Sync;

/// The check's connector. `plan(host, port, None)` says how a host accepts connections;
/// `plan(host, port, Some(path))` what its server sends for a request of `path`.
#[derive(Clone)]
struct Net(Arc<NetInner>);

struct NetInner {
    plan: Box<Plan>,
    conns: Mutex<Vec<Conn>>,
    flight: InFlight,
    say: bool,
}

impl std::ops::Deref for Net {
    type Target = NetInner;
    fn deref(&self) -> &NetInner {
        &self.0
    }
}

impl Net {
    fn new(plan: impl Fn(&str, u16, Option<&str>) -> Site + Send + Sync + 'static) -> Net {
        Net(Arc::new(NetInner {
            plan: Box::new(plan),
            conns: Mutex::new(Vec::new()),
            flight: InFlight::new(),
            say: false,
        }))
    }

    /// A network where each host is one site (whatever the port); unknown hosts refuse.
    fn with_sites(sites: HashMap<String, Site>) -> Net {
        Net::new(move |host, _, _| {
            sites
                .get(host)
                .cloned()
                .unwrap_or_else(|| Site::refused(io::ErrorKind::ConnectionRefused))
        })
    }

    /// The servers say `server: GET /path` as they read each request (the demo's transcript).
    fn saying(self) -> Net {
        let inner = Arc::try_unwrap(self.0).unwrap_or_else(|_| unreachable!("not shared yet"));
        Net(Arc::new(NetInner { say: true, ..inner }))
    }

    fn conns(&self) -> std::sync::MutexGuard<'_, Vec<Conn>> {
        self.0.conns.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// The first connection to `host:port` (any port when `port` is 0), as it stands now.
    fn first_to(&self, host: &str, port: u16) -> Option<Conn> {
        self.conns()
            .iter()
            .find(|c| c.host == host && (port == 0 || c.port == port))
            .cloned()
    }

    fn hosts(&self) -> Vec<String> {
        self.conns()
            .iter()
            .map(|c| format!("{}:{}", c.host, c.port))
            .collect()
    }
}

impl Connect for Net {
    type Stream = Stream;

    fn connect(&self, host: &str, port: u16) -> impl Future<Output = io::Result<Stream>> + Send {
        let net = self.clone();
        let host = host.to_string();
        async move {
            let id = {
                let mut conns = net.conns();
                conns.push(Conn {
                    host: host.clone(),
                    port,
                    started: elapsed(),
                    ..Conn::default()
                });
                conns.len() - 1
            };
            // In flight from here until the guard is dropped: with the stream, or with this
            // future if the connect is refused or given up.
            let guard = Guard {
                net: net.clone(),
                id,
                _running: net.flight.enter(),
            };
            let site = (net.plan)(&host, port, None);
            if site.connect_ms > 0 {
                tokio::time::sleep(Duration::from_millis(site.connect_ms)).await;
            }
            if let Some(kind) = site.refuse {
                return Err(io::Error::from(kind));
            }
            let (client, server) = tokio::io::duplex(64 * 1024);
            if site.write_error.is_none() {
                tokio::spawn(serve(server, net.clone(), id));
            }
            Ok(Stream {
                inner: client,
                write_error: site.write_error,
                _guard: guard,
            })
        }
    }
}

/// Notes when a connection ends, and ends its time in flight.
struct Guard {
    net: Net,
    id: usize,
    _running: Running,
}

impl Drop for Guard {
    fn drop(&mut self) {
        let now = elapsed();
        if let Some(conn) = self.net.conns().get_mut(self.id) {
            conn.ended.get_or_insert(now);
        }
    }
}

/// The client's end of a connection.
struct Stream {
    inner: DuplexStream,
    write_error: Option<io::ErrorKind>,
    _guard: Guard,
}

impl AsyncRead for Stream {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        let before = buf.filled().len();
        match Pin::new(&mut this.inner).poll_read(cx, buf) {
            Poll::Ready(Ok(())) if buf.filled().len() == before && buf.remaining() > 0 => {
                // The end of the stream: a broken connection says so with its error.
                let broken = this
                    .net()
                    .conns()
                    .get(this._guard.id)
                    .and_then(|c| c.broken);
                match broken {
                    Some(kind) => Poll::Ready(Err(io::Error::from(kind))),
                    None => Poll::Ready(Ok(())),
                }
            }
            other => other,
        }
    }
}

impl Stream {
    fn net(&self) -> &Net {
        &self._guard.net
    }
}

impl AsyncWrite for Stream {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        if let Some(kind) = self.write_error {
            return Poll::Ready(Err(io::Error::from(kind)));
        }
        Pin::new(&mut self.get_mut().inner).poll_write(cx, buf)
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        if let Some(kind) = self.write_error {
            return Poll::Ready(Err(io::Error::from(kind)));
        }
        Pin::new(&mut self.get_mut().inner).poll_flush(cx)
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().inner).poll_shutdown(cx)
    }
}

/// Reads a request's head: up to and including the empty line, or until the stream ends (or
/// 16 KiB). Returns what it read and whether the head was complete.
async fn read_head<R: AsyncRead + Unpin>(stream: &mut R) -> (Vec<u8>, bool) {
    let mut head = Vec::new();
    let mut byte = [0u8; 1];
    while !head.ends_with(b"\r\n\r\n") && head.len() < 16 * 1024 {
        match stream.read(&mut byte).await {
            Ok(1) => head.push(byte[0]),
            _ => return (head, false),
        }
    }
    let complete = head.ends_with(b"\r\n\r\n");
    (head, complete)
}

/// The path of a request line `GET /path HTTP/1.1`.
fn request_path(head: &[u8]) -> String {
    let text = String::from_utf8_lossy(head);
    text.split(' ').nth(1).unwrap_or("/").to_string()
}

/// A scripted server on one connection.
async fn serve(mut stream: DuplexStream, net: Net, id: usize) {
    let mut head = Vec::new();
    let mut byte = [0u8; 1];
    // Byte by byte, noting what has come so far: a request that never ends is seen as it was.
    let complete = loop {
        match stream.read(&mut byte).await {
            Ok(1) => head.push(byte[0]),
            _ => break false,
        }
        if let Some(conn) = net.conns().get_mut(id) {
            conn.request = head.clone();
        }
        if head.ends_with(b"\r\n\r\n") {
            break true;
        }
        if head.len() >= 16 * 1024 {
            break false;
        }
    };
    if !complete {
        return;
    }
    let Some((host, port)) = net.conns().get(id).map(|c| (c.host.clone(), c.port)) else {
        return;
    };
    let path = request_path(&head);
    if net.say {
        awaitlings::say!("server: GET {path}");
    }
    let site = (net.plan)(&host, port, Some(&path));
    for step in site.steps {
        match step {
            Step::Wait(0) => {}
            Step::Wait(ms) => tokio::time::sleep(Duration::from_millis(ms)).await,
            Step::Send(bytes) => {
                if stream.write_all(&bytes).await.is_err() {
                    return;
                }
            }
            Step::Close => return,
            Step::Break(kind) => {
                if let Some(conn) = net.conns().get_mut(id) {
                    conn.broken = Some(kind);
                }
                return;
            }
        }
    }
    // Keep-alive: hold the connection until the client closes its end.
    let mut sink = [0u8; 256];
    while let Ok(n) = stream.read(&mut sink).await {
        if n == 0 {
            break;
        }
    }
}

/// Runs `get` once against a server that behaves like `site`: its result (None if it was still
/// running after [`HANG`]) and how long it took.
///
/// A hang is first blamed on the request when the server never got a complete one: then the
/// server was still waiting for it, and never answered.
async fn get_once(site: Site) -> Result<(Option<Fetched>, Duration), Fail> {
    let writes_fail = site.write_error.is_some();
    let net = Net::new(move |_, _, _| site.clone());
    let stream = match net.connect("site.test", 80).await {
        Ok(stream) => stream,
        Err(_) => unreachable!("the check's sites accept connections"),
    };
    let target = Target {
        host: "site.test".into(),
        port: 80,
        path: "/page".into(),
    };
    let result = tokio::time::timeout(HANG, exercise::get(stream, &target)).await;
    let took = elapsed();
    if result.is_err()
        && !writes_fail
        && let Some(conn) = net.first_to("site.test", 80)
    {
        check_request(
            "http://site.test/page",
            &conn.request,
            "site.test",
            80,
            "/page",
        )?;
    }
    Ok((result.ok(), took))
}

// ---------------------------------------------------------------------------------------------
// Judging requests and results

/// Checks one request as its server read it.
fn check_request(url: &str, request: &[u8], host: &str, port: u16, path: &str) -> Result<(), Fail> {
    let text = String::from_utf8_lossy(request).into_owned();
    let wrong = |why: String| {
        Err(Fail::new(
            Kind::WrongValue,
            format!("fetching {url}, the server read the request {text:?}: {why}"),
        ))
    };
    if request.is_empty() {
        return Err(Fail::new(
            Kind::WrongValue,
            format!(
                "fetching {url}, the server never read a single byte of a request: write the \
                 request before waiting for the answer (and flush it, if you write through a \
                 buffer)"
            ),
        ));
    }
    if !text.contains("\r\n") && text.contains('\n') {
        return wrong(
            "its lines end in a bare \"\\n\". Every line of a request ends in \"\\r\\n\", and \
             the empty line that ends the head makes it \"\\r\\n\\r\\n\": a server waits for \
             that before it answers, so the fetch waited for an answer that could not come."
                .into(),
        );
    }
    let Some(head) = text.strip_suffix("\r\n\r\n") else {
        return wrong(
            "it was still waiting for the empty line that ends a request's head (\"\\r\\n\\r\\n\": \
             the last header line's \\r\\n, then one more). Until it comes, a server waits for \
             more headers, and never answers: the fetch waited for an answer that could not come."
                .into(),
        );
    };
    if head.split("\r\n").any(|line| line.contains('\n')) {
        return wrong("its lines must end in \"\\r\\n\", not a bare \"\\n\"".into());
    }
    let mut lines = head.split("\r\n");
    let first = lines.next().unwrap_or_default();
    let expected = format!("GET {path} HTTP/1.1");
    if first != expected {
        return wrong(format!(
            "its first line is {first:?}, expected {expected:?}: the method, the URL's path with \
             its query (`/` when the URL has none), and the version, one space apart"
        ));
    }
    let hosts: Vec<&str> = lines
        .filter_map(|line| line.split_once(':'))
        .filter(|(name, _)| name.trim().eq_ignore_ascii_case("host"))
        .map(|(_, value)| value.trim())
        .collect();
    let accepted = [host.to_string(), format!("{host}:{port}")];
    match hosts.as_slice() {
        [] => wrong(format!(
            "it has no Host header. HTTP/1.1 requires one (`Host: {host}`): one address may \
             serve many sites, and the server must know which one is meant"
        )),
        [value] if accepted.iter().any(|a| a == value) => Ok(()),
        [value] => wrong(format!(
            "its Host header is {value:?}, expected {:?} (or {:?})",
            accepted[0], accepted[1]
        )),
        _ => wrong("it has more than one Host header".into()),
    }
}

fn strings(urls: &[&str]) -> Vec<String> {
    urls.iter().map(|u| u.to_string()).collect()
}

/// `u3.test` is URL 3.
fn index_of(host: &str) -> usize {
    host.trim_start_matches('u')
        .trim_end_matches(".test")
        .parse()
        .unwrap_or(0)
}

fn ok(status: u16, body: &str) -> Fetched {
    Ok(Response {
        status,
        body: body.to_string(),
    })
}

/// A result as the checks compare it: the text of `Malformed` and `BadUrl` is the student's own.
fn shape(result: &Fetched) -> String {
    match result {
        Ok(response) => format!("Ok({} {:?})", response.status, response.body),
        Err(FetchError::Malformed(_)) => "Err(Malformed(..))".into(),
        Err(FetchError::BadUrl(_)) => "Err(BadUrl(..))".into(),
        Err(error) => format!("Err({error:?})"),
    }
}

/// What a wrong result most likely means.
fn advice(expected: &str, actual: &str) -> &'static str {
    if actual == "Err(Timeout)" && expected.starts_with("Ok") {
        "It timed out although the server answered in time: was the whole body there, and the \
         fetch still waiting for the end of the stream (or for bytes a BufReader had already \
         read)? With a Content-Length, read exactly that many bytes, and stop."
    } else if actual == "Err(Timeout)" {
        "It timed out instead: the response was complete (or broken) long before the limit."
    } else if expected == "Err(Timeout)" && actual.starts_with("Ok") {
        "The request must be given up when its limit runs out, whatever it is doing; and a \
         response is not complete before all of its Content-Length bytes are read."
    } else if expected == "Err(Timeout)" {
        "The request must be given up when its limit runs out, whatever it is doing."
    } else if expected.starts_with("Err(Status") && actual.starts_with("Ok") {
        "A status that is not 2xx (3xx, 4xx, 5xx) is that URL's error: \
         Err(FetchError::Status(code))."
    } else if expected.starts_with("Ok") && actual.starts_with("Err(Status") {
        "Every 2xx status is a success, not only 200: 201, 204, 206... each with its own code."
    } else if expected.starts_with("Ok") && actual == "Err(Malformed(..))" {
        "That was a complete response: a status line `HTTP/1.1` or `HTTP/1.0`, header lines \
         (names in any case, values that may hold colons), the empty line and the body. A body \
         that is not UTF-8 is still a body: its bytes become text with the replacement \
         character (String::from_utf8_lossy)."
    } else if expected == "Err(Malformed(..))" && actual.starts_with("Err(Io(UnexpectedEof") {
        "The stream ending before the response is complete makes the response malformed: it is \
         not an I/O error (an EOF is how a server closes; `read_exact` reports it as \
         UnexpectedEof)."
    } else if expected.starts_with("Err(Io(") && actual == "Err(Malformed(..))" {
        "The stream failed with an I/O error, which is Err(FetchError::Io(error.kind())): only the \
         stream *ending* (an EOF) before the response is complete makes it malformed."
    } else if expected.starts_with("Err(Io(") && actual.starts_with("Err(Io(") {
        "Keep the error's own kind: Err(FetchError::Io(error.kind()))."
    } else if expected.starts_with("Err(Io(") {
        "An error reading or writing the stream is Err(FetchError::Io(error.kind())): pass it on \
         with `map_err`, whether writing the request, reading the head or reading the body."
    } else if expected == "Err(Malformed(..))" && actual.starts_with("Ok") {
        "That response was not a complete one, yet it came back as Ok: a body shorter than its \
         Content-Length (the server closed first), a Content-Length that is not a number, a \
         header line without a colon, a status line that is not `HTTP/1.x code reason`: each is \
         Err(FetchError::Malformed(..))."
    } else if expected == "Err(Malformed(..))" {
        "Bytes that are not a complete HTTP/1.x response are Err(FetchError::Malformed(..)). \
         Read until you have the whole head: one `read` may return any part of it."
    } else if expected.starts_with("Err(Connect") {
        "A connect that fails is Err(FetchError::Connect(error.kind())), for that URL only."
    } else if expected.starts_with("Err(BadUrl") {
        "A URL parse_url rejects gives its Err(FetchError::BadUrl(..)), for that URL only."
    } else if expected.starts_with("Ok") && actual.starts_with("Ok") {
        "Read the body in full: all of its Content-Length bytes (bytes, not characters), or up to \
         the end of the stream when there is none, whatever pieces it arrives in; the header is \
         the one *named* Content-Length (in any case), no other."
    } else {
        ""
    }
}

fn judge_get(what: &str, actual: &Fetched, expected: &Fetched) -> Result<(), Fail> {
    let (a, e) = (shape(actual), shape(expected));
    let why = if a == "Err(Timeout)" {
        "get gave up by itself, but get knows nothing of time: it waits as long as the server \
         takes, and fetch_all puts the time limit around it."
    } else {
        advice(&e, &a)
    };
    expect(
        a == e,
        Kind::WrongValue,
        format!("get of a {what} returned {a}, expected {e}. {why}"),
    )
}

/// Compares `fetch_all`'s results with the expected ones, URL by URL.
fn expect_results(what: &str, actual: &[Fetched], expected: &[Fetched]) -> Result<(), Fail> {
    let actual: Vec<String> = actual.iter().map(shape).collect();
    let expected: Vec<String> = expected.iter().map(shape).collect();
    if actual == expected {
        return Ok(());
    }
    if actual.len() != expected.len() {
        return Err(Fail::new(
            Kind::WrongValue,
            format!(
                "{what} returned {} results for {} URLs: {actual:?}. Every URL gets exactly one \
                 result, an Err for those that fail: one failure must not stop the others, and \
                 fetch_all returns only once every request is over.",
                actual.len(),
                expected.len()
            ),
        ));
    }
    let mut sorted = (actual.clone(), expected.clone());
    sorted.0.sort();
    sorted.1.sort();
    if sorted.0 == sorted.1 {
        return Err(Fail::new(
            Kind::WrongOrder,
            format!(
                "{what} returned the right results in the wrong order: {actual:?}, expected \
                 {expected:?}. These are in the order the requests finished: put each result in \
                 its URL's place (carry the index along with the request)."
            ),
        ));
    }
    let mut wrong = Vec::new();
    let mut advices: Vec<&str> = Vec::new();
    for (i, (a, e)) in actual.iter().zip(&expected).enumerate() {
        if a != e {
            wrong.push(format!("URL {i}: {a}, expected {e}."));
            let advice = advice(e, a);
            if !advice.is_empty() && !advices.contains(&advice) {
                advices.push(advice);
            }
        }
    }
    Err(Fail::new(
        Kind::WrongValue,
        format!(
            "{what} returned wrong results. {} {}",
            wrong.join(" "),
            advices.join(" ")
        ),
    ))
}
