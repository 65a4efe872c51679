//! Standard output that survives a closed pipe: `grader check 03 | head -1` must neither fail
//! nor lose the run's result. Rust ignores SIGPIPE, so a write to a closed pipe returns an error;
//! everything printed goes through here (or through a [`Lenient`] writer), which drops it.

use std::io::Write;

/// Prints one line to stdout; a closed stdout is not an error.
#[macro_export]
macro_rules! outln {
    () => { $crate::terminal::out::line(::std::format_args!("")) };
    ($($arg:tt)*) => { $crate::terminal::out::line(::std::format_args!($($arg)*)) };
}

/// Prints one line to stderr; a closed stderr is not an error. (`eprintln!` panics when stderr is
/// gone: in the signal thread that would leave the grader unable to stop.)
#[macro_export]
macro_rules! errln {
    () => { $crate::terminal::out::err_line(::std::format_args!("")) };
    ($($arg:tt)*) => { $crate::terminal::out::err_line(::std::format_args!($($arg)*)) };
}

/// Prints to stderr without a line break (a progress line redrawn with `\r`); never fails.
#[macro_export]
macro_rules! errout {
    ($($arg:tt)*) => { $crate::terminal::out::err_text(::std::format_args!($($arg)*)) };
}

pub fn err_line(args: std::fmt::Arguments) {
    let mut err = std::io::stderr().lock();
    let _ = err.write_fmt(args).and_then(|()| err.write_all(b"\n"));
}

pub fn err_text(args: std::fmt::Arguments) {
    let mut err = std::io::stderr().lock();
    let _ = err.write_fmt(args).and_then(|()| err.flush());
}

pub fn line(args: std::fmt::Arguments) {
    let mut out = std::io::stdout().lock();
    let _ = out.write_fmt(args).and_then(|()| out.write_all(b"\n"));
}

/// A writer that treats a broken pipe as success (the reader has gone; there is nobody to tell).
pub struct Lenient<W: Write>(pub W);

impl<W: Write> Write for Lenient<W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        match self.0.write(buf) {
            Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(buf.len()),
            other => other,
        }
    }

    fn flush(&mut self) -> std::io::Result<()> {
        match self.0.flush() {
            Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
            other => other,
        }
    }
}
