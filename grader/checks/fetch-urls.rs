//! The public checks of exercise 11 fetch-urls.
//!
//! The fetcher is generic over a connector, and every check but one hands it the check's own:
//! each "connection" is an in-memory `tokio::io::duplex` pipe whose far end is a little HTTP
//! server the check runs as a task, under paused time. The servers follow scripts (wait this
//! long, send these bytes, close or keep the connection open), so every instant is exact, and
//! the connector watches each request from the outside: when it started to connect, what request
//! its server read, when its connection was closed, how many were open at once. So the checks
//! judge what the fetcher *does*, never how it is written: a `Semaphore`, a `JoinSet` of k,
//! workers sharing a queue, a `BufReader` or a hand-rolled buffer all pass. What is checked, and
//! why:
//!
//! - `request-is-well-formed`: the servers read `GET /a/b?x=1 HTTP/1.1` (the path with its
//!   query), a `Host` header (the host, or `host:port`), every line ending in `\r\n`, and the
//!   empty line that ends the head. A server waits for that empty line before it answers, so a
//!   request without it hangs until its timeout: the check says what the server got instead.
//! - `reads-the-response` (calls `get` directly): a body of `Content-Length` bytes on a
//!   connection the server keeps open (keep-alive: reading "to the end" would wait forever), a
//!   lowercase `content-length`, an empty body (204), a body that runs to the end of the stream,
//!   and a response that trickles in, in pieces cut mid-line, over 0.5 s. `get` must return the
//!   instant the last byte it needs arrives: not before (one `read` is not the whole response),
//!   not after.
//! - `bad-responses-are-errors` (`get` again): 404 and 503 are `Err(Status)`, whatever their
//!   body; a line that is not HTTP, nothing at all, a head cut short, a bad `Content-Length` and
//!   a body cut short before its `Content-Length` are `Err(Malformed)`, returned at once, never a
//!   hang and never an `Ok`.
//! - `one-error-per-url`: six URLs through `fetch_all`: two good pages among a refused
//!   connection, a 404, garbage and a URL that does not parse. Each failure is that URL's `Err`,
//!   in its place, and every other URL is still fetched (no `?` or `abort_all` on the first
//!   error).
//! - `results-in-input-order`: pages that finish in another order than given come back in the
//!   order given (asyncio's `gather`).
//! - `never-more-than-k`: 9 URLs with `k = 3`: 3 connections open at once, never 4, and not only
//!   2; and one at a time with `k = 1`. A request is in flight from the moment it starts to
//!   connect until its connection is dropped (the check's `InFlight`, carried by the stream).
//! - `freed-slot-starts-next`: pages of 0.6, 0.2, 0.2, 0.2, 0.2, 0.2 s with `k = 2`: each request
//!   starts the moment a slot frees (the third at 0.2 s, the fourth at 0.4 s, the last two at
//!   0.6 s), all done at 0.8 s, not the 1.0 s of batches. The start times are pinned because a
//!   limit that leaves slots idle is the mistake this check is for.
//! - `timeout-per-request`: `k = 2`, a 1 s limit, and servers that stall 5 s in three places: in
//!   the connect, before the head, and in the middle of the body. Each stalled request ends in
//!   `Err(Timeout)` exactly 1.000 s after *it* started (0.0 -> 1.0, 0.4 -> 1.4, 1.0 -> 2.0), its
//!   connection closed at that instant, and its slot taken at once by the next URL; the quick
//!   pages are `Ok`, and it is all over at 2.0 s. One deadline for the whole batch, a clock that
//!   starts while the request waits for its slot, a timeout around the connect (or the head)
//!   only, and a timeout that stops waiting but leaves the request running each miss one of
//!   these instants, and the message says which.
//! - `real-sockets` (on the real clock): a tiny HTTP server on 127.0.0.1 (a port the OS picks)
//!   and a plain TCP connector (the checks' own copy of the stub's given `TcpConnector`, which
//!   is in a file the student may edit): two pages (one with `Content-Length` on a connection
//!   kept open, one to the end of the stream), a 404 and a refused port, with a 2 s limit and
//!   every wait bounded in seconds. The server lives in a runtime of its own that ends with the
//!   check, so nothing is left listening.
//! - `demo-transcript` (the main check): `report` of the demo's six URLs, 2 at a time, 1 s each,
//!   against servers that behave like the demo's, their `server: GET /path` lines at their
//!   virtual times included, against fixtures/fetch-urls/demo.txt.
//!
//! Lines that share an instant are compared as a set: which of two requests the runtime serves
//! first at one instant is not promised by tokio, and no check depends on it. No two timers in a
//! check fire at the same instant when their order could change a result.

use awaitlings_check::check::secs;
use awaitlings_check::prelude::*;
use exercise::{Connect, FetchError, Response, Target};
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

pub fn checks() -> Vec<Check> {
    vec![
        check(
            "request-is-well-formed",
            2,
            "the server reads `GET /a/b?x=1 HTTP/1.1`, a Host header, lines ending in \\r\\n, and \
             the empty line that ends the request",
            || async {
                let net = Net::new(|_, _, _| Site::page(0, "ok"));
                let urls = ["http://shop.test:8080/a/b?x=1", "http://plain.test"];
                let results =
                    exercise::fetch_all(net.clone(), strings(&urls), 2, Duration::from_secs(5))
                        .await;
                for (url, host, port, path) in [
                    (urls[0], "shop.test", 8080, "/a/b?x=1"),
                    (urls[1], "plain.test", 80, "/"),
                ] {
                    let Some(conn) = net.first_to(host, port) else {
                        return Err(Fail::new(
                            Kind::WrongValue,
                            format!(
                                "fetching {url} never connected to {host} on port {port} (the \
                                 connector was asked for {:?}): connect to the URL's host and \
                                 port, 80 when the URL gives none (`parse_url` finds both)",
                                net.hosts()
                            ),
                        ));
                    };
                    check_request(url, &conn.request, host, port, path)?;
                }
                expect_results(
                    "fetch_all of two good pages",
                    &results,
                    &[ok(200, "ok"), ok(200, "ok")],
                )
            },
        ),
        check(
            "reads-the-response",
            3,
            "get reads a Content-Length body on a kept-open connection, a body up to EOF, and a \
             response that trickles in, returning the instant the last byte arrives",
            || async {
                let cases: [(&str, Vec<Step>, Fetched, u64); 5] = [
                    (
                        "200 with Content-Length: 5, the connection kept open (keep-alive)",
                        vec![send(
                            "HTTP/1.1 200 OK\r\nContent-Length: 5\r\nServer: check\r\n\r\nhello",
                        )],
                        ok(200, "hello"),
                        0,
                    ),
                    (
                        "201 with a lowercase `content-length: 3`, kept open",
                        vec![send("HTTP/1.1 201 Created\r\ncontent-length: 3\r\n\r\nabc")],
                        ok(201, "abc"),
                        0,
                    ),
                    (
                        "200 without Content-Length: the body runs until the server closes",
                        vec![
                            send("HTTP/1.0 200 OK\r\nServer: check\r\n\r\nto the "),
                            wait(100),
                            send("end"),
                            Step::Close,
                        ],
                        ok(200, "to the end"),
                        100,
                    ),
                    (
                        "200 with Content-Length: 12, sent in six pieces 0.1 s apart, cut mid-line",
                        vec![
                            send("HTT"),
                            wait(100),
                            send("P/1.1 200 OK\r"),
                            wait(100),
                            send("\nContent-Len"),
                            wait(100),
                            send("gth: 12\r\n\r"),
                            wait(100),
                            send("\nhello"),
                            wait(100),
                            send(", world"),
                        ],
                        ok(200, "hello, world"),
                        500,
                    ),
                    (
                        "204 with Content-Length: 0, kept open",
                        vec![send("HTTP/1.1 204 No Content\r\nContent-Length: 0\r\n\r\n")],
                        ok(204, ""),
                        0,
                    ),
                ];
                for (what, steps, expected, ms) in cases {
                    restart();
                    let (result, took) = get_once(steps).await?;
                    let took = match (result, took) {
                        (Some(result), took) => {
                            judge_get(what, &result, &expected)?;
                            took
                        }
                        (None, _) => {
                            return Err(Fail::new(
                                Kind::Deadlock,
                                format!(
                                    "get never returned for a {what}: still reading after {}, \
                                     although the whole response had arrived at {}. {}",
                                    secs(HANG),
                                    secs(Duration::from_millis(ms)),
                                    if what.contains("kept open") || what.contains("pieces") {
                                        "The server keeps the connection open after its \
                                         response, as HTTP/1.1 servers may, so any read past the \
                                         end of the response waits forever: reading to the end \
                                         of the stream (`read_to_end`), or one more `read` when \
                                         nothing more is due. With a Content-Length (whatever \
                                         the case of its name), read exactly that many bytes, \
                                         none at all for 0, and stop."
                                    } else {
                                        "Without a Content-Length, the body ends when the \
                                         server closes the connection: read until `read` gives \
                                         0 bytes."
                                    }
                                ),
                            ));
                        }
                    };
                    expect(
                        took == Duration::from_millis(ms),
                        Kind::WrongTiming,
                        format!(
                            "get returned the right response for a {what}, but at {} instead of \
                             {}, when its last byte arrived: it should return as soon as it has \
                             the whole response",
                            secs(took),
                            secs(Duration::from_millis(ms))
                        ),
                    )?;
                }
                Ok(())
            },
        ),
        check(
            "bad-responses-are-errors",
            2,
            "get gives Err(Status) for 404 and 503, and Err(Malformed) for garbage, nothing at all, \
             a bad Content-Length, or a head or body cut short",
            || async {
                let malformed = || Err(FetchError::Malformed(String::new()));
                let cases: [(&str, Vec<Step>, Fetched); 7] = [
                    (
                        "404 Not Found with a body, kept open",
                        vec![send(
                            "HTTP/1.1 404 Not Found\r\nContent-Length: 9\r\n\r\nnot found",
                        )],
                        Err(FetchError::Status(404)),
                    ),
                    (
                        "503 without Content-Length, then closed",
                        vec![
                            send("HTTP/1.1 503 Service Unavailable\r\n\r\nbusy"),
                            Step::Close,
                        ],
                        Err(FetchError::Status(503)),
                    ),
                    (
                        "reply that is not HTTP (`SSH-2.0-OpenSSH_9.6`), then closed",
                        vec![send("SSH-2.0-OpenSSH_9.6\r\n"), Step::Close],
                        malformed(),
                    ),
                    (
                        "server that closes without sending a byte",
                        vec![Step::Close],
                        malformed(),
                    ),
                    (
                        "head cut short (`HTTP/1.1 200 OK\\r\\nContent-Le`), then closed",
                        vec![send("HTTP/1.1 200 OK\r\nContent-Le"), Step::Close],
                        malformed(),
                    ),
                    (
                        "`Content-Length: many`, then closed",
                        vec![
                            send("HTTP/1.1 200 OK\r\nContent-Length: many\r\n\r\nabc"),
                            Step::Close,
                        ],
                        malformed(),
                    ),
                    (
                        "body cut short: Content-Length: 10, but 3 bytes and the server closes",
                        vec![
                            send("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc"),
                            Step::Close,
                        ],
                        malformed(),
                    ),
                ];
                for (what, steps, expected) in cases {
                    restart();
                    let (result, took) = get_once(steps).await?;
                    let Some(result) = result else {
                        return Err(Fail::new(
                            Kind::Deadlock,
                            format!(
                                "get never returned for a {what}: still reading after {}. A \
                                 response that can never be complete is an error at once: an \
                                 EOF in the middle ends it, and a status that is not 2xx is \
                                 known as soon as the status line is read.",
                                secs(HANG)
                            ),
                        ));
                    };
                    judge_get(what, &result, &expected)?;
                    expect(
                        took.is_zero(),
                        Kind::WrongTiming,
                        format!(
                            "get returned {} for a {what} only at {}: everything was known at \
                             0.000 s",
                            shape(&result),
                            secs(took)
                        ),
                    )?;
                }
                Ok(())
            },
        ),
        check(
            "one-error-per-url",
            2,
            "a refused connection, a 404, garbage and a bad URL are each their own URL's Err, in \
             its place, and the good pages are still fetched",
            || async {
                let net = Net::new(|host, _, _| match host {
                    "good.test" => Site::page(300, "first"),
                    "refused.test" => Site::refused(),
                    "missing.test" => Site::steps(vec![
                        wait(100),
                        send("HTTP/1.1 404 Not Found\r\nContent-Length: 4\r\n\r\ngone"),
                    ]),
                    "ssh.test" => Site::steps(vec![send("SSH-2.0-OpenSSH_9.6\r\n"), Step::Close]),
                    _ => Site::page(200, "last"),
                });
                let urls = [
                    "http://good.test/",
                    "http://refused.test/",
                    "http://missing.test/gone",
                    "http://ssh.test/",
                    "ftp://bad.test/file",
                    "http://also-good.test:81/",
                ];
                let results =
                    exercise::fetch_all(net.clone(), strings(&urls), 3, Duration::from_secs(2))
                        .await;
                expect_results(
                    "fetch_all of six URLs, four of them failing (k = 3)",
                    &results,
                    &[
                        ok(200, "first"),
                        Err(FetchError::Connect(io::ErrorKind::ConnectionRefused)),
                        Err(FetchError::Status(404)),
                        Err(FetchError::Malformed(String::new())),
                        Err(FetchError::BadUrl(String::new())),
                        ok(200, "last"),
                    ],
                )?;
                let took = elapsed();
                expect(
                    took == Duration::from_millis(300),
                    Kind::WrongTiming,
                    format!(
                        "fetch_all of these six URLs took {} of virtual time, expected 0.300 s \
                         (the slowest page; the failures cost no time, and each frees its slot \
                         at once)",
                        secs(took)
                    ),
                )
            },
        ),
        check(
            "results-in-input-order",
            2,
            "pages that finish in another order than given still come back in the order given",
            || async {
                let delays = [400, 100, 300, 0, 200];
                let net = Net::new(move |host, _, _| {
                    let i = index_of(host);
                    Site::page(delays[i], &format!("page {i}"))
                });
                let urls: Vec<String> = (0..delays.len())
                    .map(|i| format!("http://u{i}.test/"))
                    .collect();
                let results = exercise::fetch_all(net, urls, 5, Duration::from_secs(2)).await;
                let expected: Vec<_> = (0..delays.len())
                    .map(|i| ok(200, &format!("page {i}")))
                    .collect();
                expect_results(
                    "fetch_all of five pages of 0.4, 0.1, 0.3, 0, 0.2 s (k = 5)",
                    &results,
                    &expected,
                )
            },
        ),
        check(
            "never-more-than-k",
            3,
            "with k = 3 and 9 URLs, 3 requests are in flight at once (never 4, and not just 2); \
             with k = 1, one at a time",
            || async {
                for (delays, k) in [
                    (&[200, 100, 300, 100, 200, 200, 100, 300, 100][..], 3),
                    (&[200, 100, 100][..], 1),
                ] {
                    restart();
                    let delays = delays.to_vec();
                    let n = delays.len();
                    let net = {
                        let delays = delays.clone();
                        Net::new(move |host, _, _| Site::page(delays[index_of(host)], "ok"))
                    };
                    let urls: Vec<String> = (0..n).map(|i| format!("http://u{i}.test/")).collect();
                    let results =
                        exercise::fetch_all(net.clone(), urls, k, Duration::from_secs(2)).await;
                    let expected: Vec<_> = (0..n).map(|_| ok(200, "ok")).collect();
                    expect_results(
                        &format!("fetch_all of {n} pages (k = {k})"),
                        &results,
                        &expected,
                    )?;
                    let most = net.flight.most();
                    expect(
                        most <= k,
                        Kind::WrongValue,
                        format!(
                            "with k = {k} and {n} URLs, {most} requests were in flight at the \
                             same time (connecting, or holding a connection): never more than k. \
                             {}",
                            if most == k + 1 {
                                "One too many: a Semaphore of k + 1 permits, or a test like \
                                 `running > k` where `running == k` belongs?"
                            } else if most == n {
                                "Every request ran at once: nothing waits for a free slot. Hold a \
                                 permit of a `Semaphore::new(k)` for the whole request (connect, \
                                 request, response), or keep at most k tasks in a JoinSet."
                            } else {
                                "Is the slot given back before the request is over (a permit \
                                 dropped right after it is acquired, with `let _ = ...`)?"
                            }
                        ),
                    )?;
                    expect(
                        most == k,
                        Kind::WrongValue,
                        format!(
                            "with k = {k} and {n} URLs waiting, at most {most} request(s) were \
                             ever in flight at the same time: the fetcher never used all its k \
                             slots (a Semaphore of k - 1 permits, or waiting for a free slot one \
                             request too early)"
                        ),
                    )?;
                }
                Ok(())
            },
        ),
        check(
            "freed-slot-starts-next",
            2,
            "pages of 0.6, 0.2, 0.2, 0.2, 0.2, 0.2 s with k = 2: each request starts the moment a \
             slot frees (0.2 s, 0.4 s, 0.6 s, 0.6 s), all done at 0.8 s, not the 1.0 s of batches",
            || async {
                let delays = [600u64, 200, 200, 200, 200, 200];
                let net = Net::new(move |host, _, _| Site::page(delays[index_of(host)], "ok"));
                let urls: Vec<String> = (0..delays.len())
                    .map(|i| format!("http://u{i}.test/"))
                    .collect();
                let results =
                    exercise::fetch_all(net.clone(), urls, 2, Duration::from_secs(2)).await;
                let took = elapsed();
                let expected: Vec<_> = delays.iter().map(|_| ok(200, "ok")).collect();
                expect_results("fetch_all of six pages (k = 2)", &results, &expected)?;
                expect(
                    net.flight.most() > 1,
                    Kind::Sequential,
                    format!(
                        "fetch_all of six pages with k = 2 ran one request at a time, and took {} \
                         of virtual time instead of 0.800 s: awaiting each fetch before starting \
                         the next runs them in sequence. Start them as tasks, and let a \
                         Semaphore of k permits hold them back.",
                        secs(took)
                    ),
                )?;
                let want = [0u64, 0, 200, 400, 600, 600];
                let batches = [0u64, 0, 600, 600, 800, 800];
                let starts: Vec<Option<Duration>> = (0..delays.len())
                    .map(|i| net.first_to(&format!("u{i}.test"), 80).map(|c| c.started))
                    .collect();
                for (i, (&want, got)) in want.iter().zip(&starts).enumerate() {
                    let want = Duration::from_millis(want);
                    let Some(got) = *got else {
                        return Err(Fail::new(
                            Kind::WrongValue,
                            format!("the request for URL {i} never connected"),
                        ));
                    };
                    if got != want {
                        let looks_like_batches = starts
                            .iter()
                            .zip(batches)
                            .all(|(s, b)| *s == Some(Duration::from_millis(b)));
                        return Err(Fail::new(
                            Kind::WrongTiming,
                            format!(
                                "the request for URL {i} started at {}, expected {}: {}",
                                secs(got),
                                secs(want),
                                if looks_like_batches {
                                    "these are batches: k requests start, and the next ones wait \
                                     until *all* of them are done, while the slots of the quick \
                                     ones sit idle. Start the next request as soon as *any* \
                                     request finishes (a Semaphore permit dropped at the end of \
                                     each request does that by itself)."
                                } else if got > want {
                                    "a slot was free for it from then on. When a request ends, \
                                     the next URL takes its slot at that instant."
                                } else {
                                    "it started before a slot was free, or out of turn: the \
                                     requests start in the order of the URLs."
                                }
                            ),
                        ));
                    }
                }
                expect(
                    took == Duration::from_millis(800),
                    Kind::WrongTiming,
                    format!(
                        "fetch_all of six pages of 0.6, 0.2, 0.2, 0.2, 0.2, 0.2 s with k = 2 \
                         returned at {}, expected 0.800 s, when the last page arrived",
                        secs(took)
                    ),
                )
            },
        ),
        check(
            "timeout-per-request",
            3,
            "with a 1 s limit, requests stalled in the connect, before the head or in the body \
             each end in Err(Timeout) exactly 1 s after they started, closing their connection \
             and freeing their slot",
            timeout_per_request,
        ),
        check(
            "real-sockets",
            2,
            "over real TCP on 127.0.0.1 (a plain TCP connector): two pages, a 404 and a refused port, \
             each with its own result",
            real_sockets,
        )
        .real_time(),
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
        return Site::refused();
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
// timeout-per-request

/// One URL of `timeout-per-request`: what its server does, and what must happen to it.
struct Timed {
    what: &'static str,
    site: fn() -> Site,
    expected: fn() -> Fetched,
    /// When the request must start and end (its connection closed), in ms.
    start: u64,
    end: u64,
}

async fn timeout_per_request() -> Result<(), Fail> {
    let stall = 5000;
    let plan = [
        Timed {
            what: "a connect that takes 5 s",
            site: || Site::page(0, "never").connecting_for(5000),
            expected: || Err(FetchError::Timeout),
            start: 0,
            end: 1000,
        },
        Timed {
            what: "a page of 0.4 s",
            site: || Site::page(400, "quick"),
            expected: || ok(200, "quick"),
            start: 0,
            end: 400,
        },
        Timed {
            what: "a server that waits 5 s before its head",
            site: || Site::page(5000, "late"),
            expected: || Err(FetchError::Timeout),
            start: 400,
            end: 1400,
        },
        Timed {
            what: "a head at once, then 4 of 10 body bytes, then a 5 s stall",
            site: || {
                Site::steps(vec![
                    send("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nslow"),
                    wait(5000),
                    send(" body!"),
                ])
            },
            expected: || Err(FetchError::Timeout),
            start: 1000,
            end: 2000,
        },
        Timed {
            what: "a page of 0.3 s",
            site: || Site::page(300, "last"),
            expected: || ok(200, "last"),
            start: 1400,
            end: 1700,
        },
    ];
    let sites: Vec<fn() -> Site> = plan.iter().map(|t| t.site).collect();
    let net = Net::new(move |host, _, _| (sites[index_of(host)])());
    let urls: Vec<String> = (0..plan.len())
        .map(|i| format!("http://u{i}.test/"))
        .collect();
    let limit = Duration::from_secs(1);
    let results = exercise::fetch_all(net.clone(), urls, 2, limit).await;
    let took = elapsed();
    // Let the stalls run out, to see when connections left open would finally be closed.
    tokio::time::sleep(Duration::from_millis(2 * stall)).await;

    let expected: Vec<_> = plan.iter().map(|t| (t.expected)()).collect();
    let sorted = |results: &[Fetched]| {
        let mut shapes: Vec<String> = results.iter().map(shape).collect();
        shapes.sort();
        shapes
    };
    if results.len() != expected.len() || sorted(&results) == sorted(&expected) {
        // Missing results, or results out of order: that says more than any one request.
        expect_results("fetch_all with a 1 s limit (k = 2)", &results, &expected)?;
    }
    let ms = Duration::from_millis;
    // Explain a wrong result by what happened to its request first: it says why.
    let first_wrong = results
        .iter()
        .zip(&expected)
        .position(|(got, want)| shape(got) != shape(want));
    for (i, t) in plan.iter().enumerate() {
        let Some(conn) = net.first_to(&format!("u{i}.test"), 80) else {
            return Err(Fail::new(
                Kind::WrongValue,
                format!("the request for URL {i} ({}) never started", t.what),
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
                    "the request for URL {i} ({}) started at {}, expected {}: {why}",
                    t.what,
                    secs(conn.started),
                    secs(start)
                ),
            ));
        }
        if ended == Some(end) && (first_wrong != Some(i)) {
            continue;
        }
        let timed_out = t.end - t.start == 1000;
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
                         the Semaphore's acquire)?"
                    } else {
                        ""
                    }
                )
            }
            Some(e) if timed_out && results.get(i).map(shape) == Some(shape(&expected[i])) => {
                format!(
                    "the request for URL {i} ({}) gave Err(Timeout), but its connection was \
                     closed only at {}, {} after the limit ran out at {}: the fetcher stopped \
                     waiting but left the request running, holding its connection (and the \
                     server's time). Give it up for real: `tokio::time::timeout` around the \
                     request's future drops it, and dropping it closes the connection (a \
                     spawned task would need `abort()`).",
                    t.what,
                    secs(e),
                    secs(e - end),
                    secs(end)
                )
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
                 Err(Timeout) at exactly {}, 1 s after it started. {}",
                t.what,
                secs(conn.started),
                ended
                    .map(|e| format!(" at {}", secs(e)))
                    .unwrap_or_default(),
                secs(end),
                match i {
                    0 => "The limit covers the whole request, connecting included.",
                    2 =>
                        "The limit covers the whole request: waiting for the head too, not \
                          only the connect.",
                    _ =>
                        "The limit covers the whole request, until the last byte of the body \
                          is read (a response is complete only with all its Content-Length \
                          bytes): a body that stalls halfway is a timeout too. Put \
                          `tokio::time::timeout` around the whole fetch (connect, request, \
                          head and body).",
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
            message,
        ));
    }
    expect_results("fetch_all with a 1 s limit (k = 2)", &results, &expected)?;
    let most = net.flight.most();
    expect(
        most <= 2,
        Kind::WrongValue,
        format!(
            "{most} requests were in flight at once with k = 2: a request that timed out must \
             give its slot back only once it is over (its connection closed)"
        ),
    )?;
    expect_took("fetch_all with a 1 s limit (k = 2)", took, ms(2000))
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

async fn real_sockets() -> Result<(), Fail> {
    // The real sockets live in a runtime of their own, on a blocking thread, and end with it:
    // the server stops listening when that runtime is dropped, before the check goes on.
    let outcome = tokio::task::spawn_blocking(|| {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(|e| format!("could not start a runtime with I/O: {e}"))?;
        runtime.block_on(async {
            let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
                .await
                .map_err(|e| format!("could not listen on 127.0.0.1: {e}"))?;
            let port = listener.local_addr().map_err(|e| e.to_string())?.port();
            // A port where nobody listens: bound by the OS, then let go.
            let refused = std::net::TcpListener::bind("127.0.0.1:0")
                .and_then(|l| l.local_addr())
                .map_err(|e| e.to_string())?
                .port();
            tokio::spawn(real_server(listener));
            let urls = vec![
                format!("http://127.0.0.1:{port}/alpha"),
                format!("http://127.0.0.1:{port}/nothing-here"),
                format!("http://127.0.0.1:{refused}/"),
                format!("http://127.0.0.1:{port}/stream"),
            ];
            let fetch = exercise::fetch_all(Tcp, urls, 2, Duration::from_secs(2));
            tokio::time::timeout(Duration::from_secs(8), fetch)
                .await
                .map_err(|_| "fetch_all had not returned after 8 s of real time".to_string())
        })
    });
    let results = match outcome.await {
        Ok(Ok(results)) => results,
        Ok(Err(message)) => {
            return Err(Fail::new(
                Kind::Deadlock,
                format!(
                    "{message}, with a 2 s limit per request against a server on 127.0.0.1 that \
                     answers at once: requests that never end, or a limit that is not applied"
                ),
            ));
        }
        Err(joined) if joined.is_panic() => std::panic::resume_unwind(joined.into_panic()),
        Err(joined) => return Err(Fail::new(Kind::Panicked, joined.to_string())),
    };
    expect_results(
        "fetch_all over real TCP (k = 2, 2 s each)",
        &results,
        &[
            ok(200, "alpha"),
            Err(FetchError::Status(404)),
            Err(FetchError::Connect(io::ErrorKind::ConnectionRefused)),
            ok(200, "a stream of bytes"),
        ],
    )
}

/// The real server: one task per connection, answers by path; keeps a connection open after a
/// response with Content-Length until the client closes it, as keep-alive servers do.
async fn real_server(listener: tokio::net::TcpListener) {
    while let Ok((mut stream, _)) = listener.accept().await {
        tokio::spawn(async move {
            let head = tokio::time::timeout(Duration::from_secs(5), read_head(&mut stream)).await;
            let Ok((head, true)) = head else { return };
            let path = request_path(&head);
            let (reply, close) = match path.as_str() {
                "/alpha" => ("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nalpha", false),
                "/stream" => ("HTTP/1.1 200 OK\r\n\r\na stream of bytes", true),
                _ => (
                    "HTTP/1.1 404 Not Found\r\nContent-Length: 4\r\n\r\nnope",
                    false,
                ),
            };
            if stream.write_all(reply.as_bytes()).await.is_err() || close {
                return;
            }
            let mut sink = [0u8; 256];
            let _ = tokio::time::timeout(Duration::from_secs(10), stream.read(&mut sink)).await;
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
    Send(String),
    /// Close the connection. A script that does not end in `Close` keeps the connection open
    /// until the client closes it.
    Close,
}

fn send(text: &str) -> Step {
    Step::Send(text.to_string())
}

fn wait(ms: u64) -> Step {
    Step::Wait(ms)
}

/// How a host behaves: whether (and how slowly) it accepts connections, and its script.
#[derive(Clone, Debug)]
struct Site {
    refuse: bool,
    connect_ms: u64,
    steps: Vec<Step>,
}

impl Site {
    fn steps(steps: Vec<Step>) -> Site {
        Site {
            refuse: false,
            connect_ms: 0,
            steps,
        }
    }

    /// A page: wait `ms`, then a 200 with Content-Length, the connection kept open.
    fn page(ms: u64, body: &str) -> Site {
        Site::steps(vec![
            wait(ms),
            Step::Send(format!(
                "HTTP/1.1 200 OK\r\nContent-Length: {}\r\n\r\n{body}",
                body.len()
            )),
        ])
    }

    fn refused() -> Site {
        Site {
            refuse: true,
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

    /// The servers say `server: GET /path` as they read each request (the demo's transcript).
    fn saying(self) -> Net {
        let inner = Arc::try_unwrap(self.0).unwrap_or_else(|_| unreachable!("not shared yet"));
        Net(Arc::new(NetInner { say: true, ..inner }))
    }

    fn conns(&self) -> std::sync::MutexGuard<'_, Vec<Conn>> {
        self.0.conns.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// The first connection to `host:port`, as it stands now.
    fn first_to(&self, host: &str, port: u16) -> Option<Conn> {
        self.conns()
            .iter()
            .find(|c| c.host == host && c.port == port)
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
            if site.refuse {
                return Err(io::Error::from(io::ErrorKind::ConnectionRefused));
            }
            let (client, server) = tokio::io::duplex(64 * 1024);
            tokio::spawn(serve(server, net.clone(), id));
            Ok(Stream {
                inner: client,
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
    _guard: Guard,
}

impl AsyncRead for Stream {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().inner).poll_read(cx, buf)
    }
}

impl AsyncWrite for Stream {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.get_mut().inner).poll_write(cx, buf)
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
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
            Step::Wait(ms) => tokio::time::sleep(Duration::from_millis(ms)).await,
            Step::Send(text) => {
                if stream.write_all(text.as_bytes()).await.is_err() {
                    return;
                }
            }
            Step::Close => return,
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

/// Runs `get` once against a server that follows `steps`: its result (None if it was still
/// running after [`HANG`]) and how long it took.
///
/// A hang is first blamed on the request when the server never got a complete one: then the
/// server was still waiting for it, and never answered.
async fn get_once(steps: Vec<Step>) -> Result<(Option<Fetched>, Duration), Fail> {
    let net = Net::new(move |_, _, _| Site::steps(steps.clone()));
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
         fetch still waiting for the end of the stream? With a Content-Length, read exactly that \
         many bytes, and stop."
    } else if actual == "Err(Timeout)" {
        "It timed out instead: the response was complete (or broken) long before the limit."
    } else if expected == "Err(Timeout)" && actual.starts_with("Ok") {
        "The request must be given up when its limit runs out, whatever it is doing; and a \
         response is not complete before all of its Content-Length bytes are read."
    } else if expected == "Err(Timeout)" {
        "The request must be given up when its limit runs out, whatever it is doing."
    } else if expected.starts_with("Err(Status") && actual.starts_with("Ok") {
        "A status that is not 2xx is that URL's error: Err(FetchError::Status(code))."
    } else if expected == "Err(Malformed(..))" && actual.starts_with("Err(Io(UnexpectedEof") {
        "The stream ending before the response is complete makes the response malformed: it is \
         not an I/O error (an EOF is how a server closes; `read_exact` reports it as \
         UnexpectedEof)."
    } else if expected == "Err(Malformed(..))" && actual.starts_with("Ok") {
        "That response was not complete, yet it came back as Ok: a body shorter than its \
         Content-Length (the server closed first) is Err(FetchError::Malformed(..)), like a head \
         that is not `HTTP/1.x code reason`, header lines and an empty line."
    } else if expected == "Err(Malformed(..))" {
        "Bytes that are not a complete HTTP/1.x response are Err(FetchError::Malformed(..)). \
         Read until you have the whole head: one `read` may return any part of it."
    } else if expected.starts_with("Err(Connect") {
        "A connect that fails is Err(FetchError::Connect(error.kind())), for that URL only."
    } else if expected.starts_with("Err(BadUrl") {
        "A URL parse_url rejects gives its Err(FetchError::BadUrl(..)), for that URL only."
    } else if expected.starts_with("Ok") && actual.starts_with("Ok") {
        "Read the body in full: all of its Content-Length bytes, or up to the end of the stream \
         when there is none, whatever pieces it arrives in."
    } else {
        ""
    }
}

fn judge_get(what: &str, actual: &Fetched, expected: &Fetched) -> Result<(), Fail> {
    let (a, e) = (shape(actual), shape(expected));
    expect(
        a == e,
        Kind::WrongValue,
        format!(
            "get of a {what} returned {a}, expected {e}. {}",
            advice(&e, &a)
        ),
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
