//! SIGINT (Ctrl-C) and SIGTERM (a CI cancel): stop every child, say so in one line, exit 130 or 143.
//!
//! [`install`] blocks both signals in the calling thread before any other thread exists, so every
//! thread the grader starts inherits the block, and one thread of ours takes them with `sigwait`:
//! ordinary code, not a signal handler, so it may lock, print and exit. Children do not inherit
//! the block: the standard library keeps the signal mask of a process it spawns, so
//! [`crate::supervise`] clears it in every child it starts.

/// Installs the handling. Call it first thing in `main`, before any thread is spawned.
#[cfg(unix)]
pub fn install() {
    // SAFETY: sigemptyset/sigaddset initialise a sigset_t we own; pthread_sigmask only changes
    // this thread's mask. Nothing here touches memory we do not own.
    let set = unsafe {
        let mut set = std::mem::MaybeUninit::<libc::sigset_t>::zeroed();
        libc::sigemptyset(set.as_mut_ptr());
        libc::sigaddset(set.as_mut_ptr(), libc::SIGINT);
        libc::sigaddset(set.as_mut_ptr(), libc::SIGTERM);
        let set = set.assume_init();
        libc::pthread_sigmask(libc::SIG_BLOCK, &set, std::ptr::null_mut());
        set
    };
    std::thread::spawn(move || {
        let mut signal: libc::c_int = 0;
        // SAFETY: sigwait reads the set we own and writes one c_int we own.
        let ok = unsafe { libc::sigwait(&set, &mut signal) } == 0;
        if !ok {
            return;
        }
        let stopped = crate::supervise::shutdown(std::time::Duration::from_millis(500));
        let name = if signal == libc::SIGINT {
            "SIGINT"
        } else {
            "SIGTERM"
        };
        eprintln!(
            "grader: interrupted ({name}): stopped {stopped} running process group{}; nothing was graded after this point.",
            if stopped == 1 { "" } else { "s" }
        );
        std::process::exit(128 + signal);
    });
}

#[cfg(not(unix))]
pub fn install() {}
