//! The facade of exercise 11 fetch-urls: its public API as the checks call it (`exercise::get`,
//! `fetch_all`, `report`, the `Connect` trait the checks' connectors implement, and the types of a
//! result), compiled once for every crate the checks are run against.
//!
//! Each function calls the crate under test's own function at once, through the table `bind!`
//! fills in, and returns the crate's own future, boxed: a future the checks never await never
//! runs, exactly as the crate's would not. Only its output is converted, from the crate's
//! `Response` and `FetchError` to the mirrors here, as it comes out.
//!
//! The fetcher is generic over its connector and its stream, so both cross erased: a check's
//! connector as a `Box<dyn DynConnect>`, which `bind!`'s adapter hands the crate as its own
//! `Connect`or, and a check's stream as a `Box<dyn Io>`. Both forward every call and every poll to
//! the check's own value, at once: the connect starts, the bytes move and the connection closes
//! (the box is dropped with the check's stream inside) exactly when they did without the facade.

use awaitlings_check::facade::{Bound, Boxed};
use std::collections::BTreeSet;
use std::future::Future;
use std::io;
use std::pin::Pin;
use std::sync::{Mutex, PoisonError};
use std::time::Duration;
use tokio::io::{AsyncRead, AsyncWrite};

/// The crate's `Connect`, as the checks implement it for their connectors.
pub trait Connect: Send + Sync + 'static {
    type Stream: AsyncRead + AsyncWrite + Unpin + Send + 'static;

    fn connect(
        &self,
        host: &str,
        port: u16,
    ) -> impl Future<Output = io::Result<Self::Stream>> + Send;
}

/// The crate's `Target`, which the checks build to call `get`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Target {
    pub host: String,
    pub port: u16,
    pub path: String,
}

/// The crate's `Response`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Response {
    pub status: u16,
    pub body: String,
}

/// The crate's `FetchError`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FetchError {
    BadUrl(String),
    Connect(io::ErrorKind),
    Io(io::ErrorKind),
    Malformed(String),
    Status(u16),
    Timeout,
}

/// One URL's result.
pub type Fetched = Result<Response, FetchError>;

/// A byte stream both ways, erased: what `get` reads and what a connector's streams become.
pub trait Io: AsyncRead + AsyncWrite + Unpin {}

impl<T: AsyncRead + AsyncWrite + Unpin + ?Sized> Io for T {}

/// A stream, erased: `Send + 'static`, as the crate's `Connect::Stream` must be and as every
/// stream the checks hand `get` is, so a crate whose `get` asks that much of its stream too is
/// still one the checks can call, as it was when they called it with their own stream type.
pub type SendStream = Box<dyn Io + Send>;

/// A connect under way, erased.
pub type Connecting<'a> = Pin<Box<dyn Future<Output = io::Result<SendStream>> + Send + 'a>>;

/// [`Connect`], object-safe: what `bind!`'s adapter calls the check's connector through.
///
/// The connect borrows only the connector, not `host`: the adapter's `connect` returns this future
/// as the crate's `impl Future`, whose hidden type may name the lifetime of `&self` or of `host`,
/// but not the shorter of the two that a boxed future borrowing both would have.
pub trait DynConnect: Send + Sync + 'static {
    fn connect_boxed(&self, host: &str, port: u16) -> Connecting<'_>;
}

impl<C: Connect> DynConnect for C {
    fn connect_boxed(&self, host: &str, port: u16) -> Connecting<'_> {
        // The check's connect is called now; the block only boxes the stream it gives.
        let connecting = self.connect(interned(host), port);
        Box::pin(async move { Ok(Box::new(connecting.await?) as SendStream) })
    }
}

/// `host`, as a string that lives as long as the check: each host name a check connects to is
/// kept once (a check knows a few dozen at most), so the check's connect may borrow it for as
/// long as its future lives.
fn interned(host: &str) -> &'static str {
    static HOSTS: Mutex<BTreeSet<&'static str>> = Mutex::new(BTreeSet::new());
    let mut hosts = HOSTS.lock().unwrap_or_else(PoisonError::into_inner);
    if let Some(kept) = hosts.get(host) {
        return kept;
    }
    let kept: &'static str = Box::leak(host.into());
    hosts.insert(kept);
    kept
}

/// The crate under test's functions, boxed.
pub struct Table {
    pub get: for<'a> fn(SendStream, &'a Target) -> Boxed<'a, Fetched>,
    pub fetch_all:
        fn(Box<dyn DynConnect>, Vec<String>, usize, Duration) -> Boxed<'static, Vec<Fetched>>,
    pub report: fn(Box<dyn DynConnect>, Vec<String>, usize, Duration) -> Boxed<'static, ()>,
}

pub static BOUND: Bound<Table> = Bound::new();

pub fn get<S>(stream: S, target: &Target) -> Boxed<'_, Fetched>
where
    S: AsyncRead + AsyncWrite + Unpin + Send + 'static,
{
    (BOUND.get().get)(Box::new(stream), target)
}

pub fn fetch_all<C: Connect>(
    connector: C,
    urls: Vec<String>,
    k: usize,
    limit: Duration,
) -> Boxed<'static, Vec<Fetched>> {
    (BOUND.get().fetch_all)(Box::new(connector), urls, k, limit)
}

pub fn report<C: Connect>(
    connector: C,
    urls: Vec<String>,
    k: usize,
    limit: Duration,
) -> Boxed<'static, ()> {
    (BOUND.get().report)(Box::new(connector), urls, k, limit)
}

/// Fills the table in from the crate under test, named `$code` in the harness.
///
/// The crate's `get` borrows its `Target` for as long as its future lives, and the future must
/// exist the moment `get` is called, so the crate's copy of the check's `Target` cannot live in
/// the future: it is leaked instead, a few bytes per call in a check process that lives seconds.
#[macro_export]
macro_rules! bind {
    ($code:ident) => {{
        /// A check's connector, as the crate under test's own `Connect`or.
        struct Connector(Box<dyn $crate::DynConnect>);

        impl $code::Connect for Connector {
            type Stream = $crate::SendStream;

            fn connect(
                &self,
                host: &str,
                port: u16,
            ) -> impl ::std::future::Future<Output = ::std::io::Result<$crate::SendStream>> + Send
            {
                self.0.connect_boxed(host, port)
            }
        }

        fn fetched(result: Result<$code::Response, $code::FetchError>) -> $crate::Fetched {
            use $code::FetchError as E;
            match result {
                Ok(response) => Ok($crate::Response {
                    status: response.status,
                    body: response.body,
                }),
                Err(E::BadUrl(why)) => Err($crate::FetchError::BadUrl(why)),
                Err(E::Connect(kind)) => Err($crate::FetchError::Connect(kind)),
                Err(E::Io(kind)) => Err($crate::FetchError::Io(kind)),
                Err(E::Malformed(why)) => Err($crate::FetchError::Malformed(why)),
                Err(E::Status(status)) => Err($crate::FetchError::Status(status)),
                Err(E::Timeout) => Err($crate::FetchError::Timeout),
            }
        }

        $crate::BOUND.install($crate::Table {
            get: |stream, target| {
                let target: &'static $code::Target = Box::leak(Box::new($code::Target {
                    host: target.host.clone(),
                    port: target.port,
                    path: target.path.clone(),
                }));
                let getting = $code::get(stream, target);
                Box::pin(async move { fetched(getting.await) })
            },
            fetch_all: |connector, urls, k, limit| {
                let fetching = $code::fetch_all(Connector(connector), urls, k, limit);
                Box::pin(async move { fetching.await.into_iter().map(fetched).collect() })
            },
            report: |connector, urls, k, limit| {
                Box::pin($code::report(Connector(connector), urls, k, limit))
            },
        })
    }};
}
