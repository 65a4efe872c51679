//! Single keys from the keyboard, for watch mode.
//!
//! On a terminal, [`Keys::start`] turns off line buffering and echo (so `h` acts at once, with no
//! Enter), and [`restore`] turns them back on: when the [`Keys`] guard is dropped, and from the
//! signal thread before the grader exits on Ctrl-C, so a shell is never left without echo. Ctrl-C
//! itself still raises SIGINT (ISIG stays on). Without a terminal (a pipe, a test), keys are read
//! as bytes; whitespace is skipped, so `h\n` works too.

use std::io::{IsTerminal, Read};
use std::sync::mpsc::Sender;

/// What the keyboard says.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Key {
    Char(char),
    /// Standard input closed: no more keys will come.
    Closed,
}

/// Keeps the terminal in single-key mode while it lives.
pub struct Keys {
    _private: (),
}

impl Keys {
    /// Starts a thread that sends every key to `to`, as `wrap(key)`.
    pub fn start<T: Send + 'static>(to: Sender<T>, wrap: fn(Key) -> T) -> Keys {
        if std::io::stdin().is_terminal() {
            single_key_mode();
        }
        std::thread::spawn(move || {
            let mut stdin = std::io::stdin().lock();
            let mut byte = [0u8; 1];
            loop {
                match stdin.read(&mut byte) {
                    Ok(1) if !byte[0].is_ascii_whitespace() => {
                        if to.send(wrap(Key::Char(char::from(byte[0])))).is_err() {
                            return;
                        }
                    }
                    Ok(1) => {}
                    Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                    _ => {
                        let _ = to.send(wrap(Key::Closed));
                        return;
                    }
                }
            }
        });
        Keys { _private: () }
    }
}

impl Drop for Keys {
    fn drop(&mut self) {
        restore();
    }
}

#[cfg(unix)]
static SAVED: std::sync::Mutex<Option<libc::termios>> = std::sync::Mutex::new(None);

#[cfg(unix)]
fn single_key_mode() {
    // SAFETY: tcgetattr fills a termios we own (zeroed first, a valid bit pattern for this
    // plain C struct); tcsetattr only reads it. Both act on descriptor 0, which is open (it is a
    // terminal: the caller checked).
    #[allow(unsafe_code)]
    unsafe {
        let mut t: libc::termios = std::mem::zeroed();
        if libc::tcgetattr(0, &mut t) != 0 {
            return;
        }
        *SAVED
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner) = Some(t);
        t.c_lflag &= !(libc::ICANON | libc::ECHO);
        t.c_cc[libc::VMIN] = 1;
        t.c_cc[libc::VTIME] = 0;
        libc::tcsetattr(0, libc::TCSANOW, &t);
    }
}

/// Gives the terminal back its line mode and echo, if we took them. Returns whether we had.
#[cfg(unix)]
pub fn restore() -> bool {
    // try_lock: the signal thread must never wait on a lock the interrupted code may hold.
    let saved = match SAVED.try_lock() {
        Ok(mut guard) => guard.take(),
        Err(std::sync::TryLockError::Poisoned(p)) => p.into_inner().take(),
        Err(std::sync::TryLockError::WouldBlock) => None,
    };
    match saved {
        Some(t) => {
            // SAFETY: tcsetattr reads the termios we saved from this same descriptor.
            #[allow(unsafe_code)]
            unsafe {
                libc::tcsetattr(0, libc::TCSANOW, &t)
            };
            true
        }
        None => false,
    }
}

#[cfg(not(unix))]
fn single_key_mode() {}

/// Elsewhere keys come a line at a time (with Enter): nothing to restore.
#[cfg(not(unix))]
pub fn restore() -> bool {
    false
}
