//! SIGINT (Ctrl-C), SIGTERM (a CI cancel), SIGHUP (a closed terminal) and SIGQUIT: stop every
//! child, say so in one line, exit 128 + the signal's number (130, 143, 129, 131). [`stop`] does
//! it, for a signal and for Ctrl-C pressed while watch holds the terminal in raw mode (where it is
//! a key, on every platform).
//!
//! [`install`] sets a handler for both signals that does the one thing a handler safely can: write
//! the signal's number into a pipe (the self-pipe pattern). A thread of ours reads the pipe and
//! does the real work as ordinary code, free to lock, print and exit. No signal is ever blocked,
//! so the children the grader starts inherit an empty signal mask and can be spawned the fast way
//! (posix_spawn), and a handler, unlike a mask, does not survive their exec.

/// Installs the handling. Call it first thing in `main`, before any thread is spawned.
#[cfg(unix)]
pub fn install() {
    use std::sync::atomic::Ordering;
    let mut fds = [0 as libc::c_int; 2];
    // SAFETY: pipe writes two descriptors into the array we own; fcntl only sets their
    // close-on-exec flag (no thread exists yet, so no child can inherit them before it is set)
    // and makes the write end non-blocking, so the handler can never block on a full pipe.
    #[allow(unsafe_code)]
    let ok = unsafe {
        libc::pipe(fds.as_mut_ptr()) == 0
            && libc::fcntl(fds[0], libc::F_SETFD, libc::FD_CLOEXEC) == 0
            && libc::fcntl(fds[1], libc::F_SETFD, libc::FD_CLOEXEC) == 0
            && libc::fcntl(fds[1], libc::F_SETFL, libc::O_NONBLOCK) == 0
    };
    if !ok {
        return;
    }
    WRITE_END.store(fds[1], Ordering::SeqCst);
    for signal in [libc::SIGINT, libc::SIGTERM, libc::SIGHUP, libc::SIGQUIT] {
        // SAFETY: a zeroed sigaction is a valid "no flags, empty mask" value; we fill in the
        // handler (an extern "C" fn that only does async-signal-safe work) and install it.
        #[allow(unsafe_code)]
        unsafe {
            let mut action: libc::sigaction = std::mem::zeroed();
            action.sa_sigaction = on_signal as *const () as libc::sighandler_t;
            action.sa_flags = libc::SA_RESTART;
            libc::sigemptyset(&mut action.sa_mask);
            libc::sigaction(signal, &action, std::ptr::null_mut());
        }
    }
    let read_end = fds[0];
    std::thread::spawn(move || {
        let mut byte = 0u8;
        loop {
            // SAFETY: read writes at most one byte into the local we own.
            #[allow(unsafe_code)]
            let n = unsafe { libc::read(read_end, (&mut byte as *mut u8).cast(), 1) };
            if n == 1 {
                break;
            }
            if n == 0 {
                return;
            }
        }
        stop(i32::from(byte));
    });
}

/// The signals handled, by their numbers, which POSIX fixes (and Windows's C runtime shares for
/// SIGINT): [`stop`] is also called where there are no signals (watch's Ctrl-C key on Windows).
pub const SIGHUP: i32 = 1;
pub const SIGINT: i32 = 2;
pub const SIGQUIT: i32 = 3;
pub const SIGTERM: i32 = 15;

#[cfg(unix)]
const _: () = assert!(
    libc::SIGHUP == SIGHUP
        && libc::SIGINT == SIGINT
        && libc::SIGQUIT == SIGQUIT
        && libc::SIGTERM == SIGTERM
);

/// What the grader does on `signal`, or on Ctrl-C pressed in watch mode (raw mode delivers it as
/// a key, not as SIGINT): stops every child, gives the terminal back, says so in one line, and
/// exits with 128 + the signal's number.
pub fn stop(signal: i32) -> ! {
    let stopped = crate::process::supervise::shutdown(std::time::Duration::from_millis(500));
    // Watch mode may have the terminal in raw mode: give it back before anything else is
    // printed, or the student's shell is left typing blind.
    let watching = crate::terminal::keys::restore();
    if watching && stopped == 0 && signal == SIGINT {
        crate::errln!("grader: stopped watching.");
        std::process::exit(128 + signal);
    }
    let name = match signal {
        SIGINT => "SIGINT",
        SIGTERM => "SIGTERM",
        SIGHUP => "SIGHUP",
        _ => "SIGQUIT",
    };
    crate::errln!(
        "grader: interrupted ({name}): stopped {stopped} running process group{}; nothing was graded after this point.",
        if stopped == 1 { "" } else { "s" }
    );
    std::process::exit(128 + signal);
}

#[cfg(unix)]
static WRITE_END: std::sync::atomic::AtomicI32 = std::sync::atomic::AtomicI32::new(-1);

/// The handler: one `write(2)`, which is async-signal-safe; everything else happens on the thread
/// that reads the pipe. It leaves `errno` as it found it, for the code it interrupted.
#[cfg(unix)]
extern "C" fn on_signal(signal: libc::c_int) {
    let fd = WRITE_END.load(std::sync::atomic::Ordering::Relaxed);
    let byte = signal as u8;
    // SAFETY: errno_location returns this thread's errno slot (always valid); write reads one
    // byte from a local. The write end is non-blocking, so a full pipe (which only more signals
    // could fill, and one byte is enough) makes it fail at once instead of blocking here.
    #[allow(unsafe_code)]
    unsafe {
        let errno = errno_location();
        let saved = errno.map(|e| *e);
        libc::write(fd, (&byte as *const u8).cast(), 1);
        if let (Some(e), Some(saved)) = (errno, saved) {
            *e = saved;
        }
    }
}

/// This thread's `errno`, where the platform says where it lives.
#[cfg(unix)]
#[allow(unsafe_code)]
unsafe fn errno_location() -> Option<*mut libc::c_int> {
    #[cfg(any(target_os = "linux", target_os = "android"))]
    // SAFETY: returns a pointer to the calling thread's errno, valid for the thread's life.
    return Some(unsafe { libc::__errno_location() });
    #[cfg(any(target_os = "macos", target_os = "ios", target_os = "freebsd"))]
    // SAFETY: as above.
    return Some(unsafe { libc::__error() });
    #[allow(unreachable_code)]
    None
}

#[cfg(not(unix))]
pub fn install() {}
