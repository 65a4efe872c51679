//! Panics in the student's code: recorded as they happen (a panic inside a spawned task is caught
//! by tokio and would otherwise vanish into a `JoinError`), and told apart from `todo!()`.

use std::any::Any;
use std::future::Future;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::pin::Pin;
use std::sync::Mutex;
use std::task::{Context, Poll};

static PANICS: Mutex<Vec<String>> = Mutex::new(Vec::new());

/// Installs a hook that records every panic as "message (at file:line:col)" and still prints it
/// to stderr, where the grader keeps it for a timeout or crash report.
pub fn install() {
    std::panic::set_hook(Box::new(|info| {
        let message = payload_text(info.payload());
        let at = info
            .location()
            .map(|l| format!(" (at {}:{}:{})", l.file(), l.line(), l.column()))
            .unwrap_or_default();
        let entry = format!("{message}{at}");
        eprintln!("panicked: {entry}");
        PANICS
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .push(entry);
    }));
}

/// Every panic recorded so far, oldest first.
pub fn recorded() -> Vec<String> {
    PANICS
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
        .clone()
}

/// Forgets the panics recorded so far.
pub fn forget() {
    PANICS
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
        .clear();
}

/// True for the panics `todo!()` and `unimplemented!()` raise.
pub fn is_not_implemented(entry: &str) -> bool {
    entry.starts_with("not yet implemented") || entry.starts_with("not implemented")
}

fn payload_text(payload: &(dyn Any + Send)) -> String {
    if let Some(s) = payload.downcast_ref::<&str>() {
        s.to_string()
    } else if let Some(s) = payload.downcast_ref::<String>() {
        s.clone()
    } else {
        "a panic with a non-text payload".into()
    }
}

/// Polls a future, turning a panic during any poll into `Err`, like `FutureExt::catch_unwind`
/// (written out to keep the harness free of extra dependencies).
pub struct CatchUnwind<T>(pub Pin<Box<dyn Future<Output = T>>>);

impl<T> Future for CatchUnwind<T> {
    type Output = Result<T, ()>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        // AssertUnwindSafe: after a panic the future is never polled again (we return Err and the
        // check ends), so no broken invariant inside it can be observed.
        match catch_unwind(AssertUnwindSafe(|| self.0.as_mut().poll(cx))) {
            Ok(Poll::Pending) => Poll::Pending,
            Ok(Poll::Ready(value)) => Poll::Ready(Ok(value)),
            Err(_) => Poll::Ready(Err(())),
        }
    }
}
