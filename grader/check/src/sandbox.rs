//! The sandbox a check process puts itself in, after reading its job and before any student code
//! runs.
//!
//! A check process runs the student's code as the grader's user. Without a sandbox that code can
//! reach whatever the grader reaches: the course's hidden checks, the state directory, other
//! students' submissions, the grader's own process. So on Linux the harness restricts itself with
//! Landlock, which any process (root included) can apply to itself and everything it starts, and
//! never undo:
//!
//! - **writes** only beneath the check's own directory (the job's `dir`: its report, its working
//!   directory and its `TMPDIR`), plus `/dev/null`;
//! - **reads** only the system's programs and libraries (`/usr`, `/bin`, `/lib*`: a child
//!   process such as `sh` must be able to start), the few `/etc` files name resolution reads,
//!   `/dev/null`, `/dev/zero`, `/dev/random`, `/dev/urandom`, and the check's own directory. Not
//!   `/proc` (so `/proc/self/mem` and `/proc/self/maps`, where the nonce could be read, are
//!   closed: the one `/proc` file the process keeps open, opened before, is the runtime thread's
//!   `schedstat`, the scheduler's figures the monitor reads, see `monitor::RunQueue`), not `/sys`,
//!   not the course, the state directory, `$HOME`, `/tmp` or any submission;
//! - **scopes** (Landlock ABI 6): no signal to a process outside the sandbox (the grader, another
//!   check) and no connection to an abstract unix socket made outside it.
//!
//! Run as root, the process also gives up every capability (and can never get one back through
//! `exec`): Landlock binds root too, but root could still, say, load a kernel module or change
//! the clock. It keeps uid 0, so the files the grader made for it stay its own whatever their
//! permissions.
//!
//! Landlock restricts only the calling thread (and whatever it starts later) on kernels before
//! ABI 8, which is why this runs first, while the process has one thread. Where there is no
//! Landlock (macOS, other Unixes, Linux before 5.13 or with Landlock disabled) nothing is
//! restricted, and the report says so: the grader then relies on noticing what changed.

use crate::protocol::Job;

/// Applies the sandbox the job asks for, and says what protection applies, as the report's
/// `sandbox` field puts it: `landlock v7`, or `none: <why>`.
pub fn apply(job: &Job) -> String {
    if !job.sandbox {
        return "none: turned off for this run (AWAITLINGS_SANDBOX=off)".into();
    }
    if job.dir.as_os_str().is_empty() {
        return "none: the job names no directory of its own to confine the check to".into();
    }
    imp::apply(job)
}

#[cfg(target_os = "linux")]
mod imp {
    use super::Job;
    use landlock::{
        ABI, Access, AccessFs, LandlockStatus, Ruleset, RulesetAttr, RulesetCreatedAttr,
        RulesetStatus, Scope, path_beneath_rules,
    };

    /// The newest Landlock ABI this sandbox asks for (and was tested with): 6 adds the scopes.
    /// A newer kernel enforces exactly this; an older one what it can (reported as partial).
    const ABI_WANTED: ABI = ABI::V6;

    /// Programs and libraries: read and execute.
    const SYSTEM: &[&str] = &[
        "/usr/bin",
        "/usr/sbin",
        "/usr/lib",
        "/usr/lib32",
        "/usr/lib64",
        "/usr/libexec",
        "/bin",
        "/sbin",
        "/lib",
        "/lib32",
        "/lib64",
    ];
    /// What name resolution reads (a check may look up `localhost`).
    const NAMES: &[&str] = &[
        "/etc/hosts",
        "/etc/host.conf",
        "/etc/nsswitch.conf",
        "/etc/resolv.conf",
        "/etc/gai.conf",
        "/etc/services",
        "/etc/protocols",
        "/etc/ld.so.cache",
    ];
    /// Devices a program may open to read.
    const DEVICES: &[&str] = &["/dev/zero", "/dev/random", "/dev/urandom"];

    pub fn apply(job: &Job) -> String {
        let root = is_root();
        let dropped = root.then(drop_capabilities);
        let landlock = match restrict(job) {
            Ok(status) => status,
            Err(e) => format!("none: Landlock could not be applied ({e})"),
        };
        match dropped {
            None => landlock,
            Some(Ok(())) => format!("{landlock}; root without capabilities"),
            Some(Err(e)) => {
                format!("{landlock}; root, and its capabilities could not be dropped ({e})")
            }
        }
    }

    fn restrict(job: &Job) -> Result<String, landlock::RulesetError> {
        let all = AccessFs::from_all(ABI_WANTED);
        let read = AccessFs::from_read(ABI_WANTED);
        let status = Ruleset::default()
            .handle_access(all)?
            .scope(Scope::from_all(ABI_WANTED))?
            .create()?
            .add_rules(path_beneath_rules(SYSTEM, read))?
            .add_rules(path_beneath_rules(NAMES, AccessFs::ReadFile))?
            .add_rules(path_beneath_rules(DEVICES, AccessFs::ReadFile))?
            .add_rules(path_beneath_rules(
                ["/dev/null"],
                AccessFs::ReadFile | AccessFs::WriteFile | AccessFs::Truncate,
            ))?
            .add_rules(path_beneath_rules([&job.dir], all))?
            .restrict_self()?;
        let abi = match status.landlock {
            LandlockStatus::Available { effective_abi, .. } => effective_abi as i32,
            LandlockStatus::NotEnabled => {
                return Ok(
                    "none: this Linux kernel has Landlock, but it is not enabled \
                           (add `landlock` to the kernel's `lsm=` boot parameter)"
                        .into(),
                );
            }
            LandlockStatus::NotImplemented => {
                return Ok(
                    "none: this Linux kernel has no Landlock (it needs Linux 5.13 or \
                           later, built with CONFIG_SECURITY_LANDLOCK)"
                        .into(),
                );
            }
        };
        Ok(match status.ruleset {
            RulesetStatus::FullyEnforced => format!("landlock v{abi}"),
            RulesetStatus::PartiallyEnforced => format!(
                "landlock v{abi} (partial: this kernel cannot enforce every rule of v{})",
                ABI_WANTED as i32
            ),
            RulesetStatus::NotEnforced => {
                "none: Landlock is available but enforced nothing on this kernel".into()
            }
        })
    }

    fn is_root() -> bool {
        // SAFETY: geteuid takes no argument and cannot fail.
        #[allow(unsafe_code)]
        unsafe {
            libc::geteuid() == 0
        }
    }

    /// Gives up every capability for good: the bounding set (so no `exec`, not even of a setuid
    /// program, brings one back), the ambient and inheritable sets, then the permitted and
    /// effective ones. Single-threaded, so the whole process is covered.
    fn drop_capabilities() -> Result<(), String> {
        // Capability numbers run from 0 to the kernel's last one (40 in Linux 6.x); past it,
        // PR_CAPBSET_DROP fails with EINVAL, which ends the loop.
        for cap in 0..64 {
            // SAFETY: prctl with integer arguments only; no memory is passed.
            #[allow(unsafe_code)]
            let r = unsafe { libc::prctl(libc::PR_CAPBSET_DROP, cap, 0, 0, 0) };
            if r != 0 {
                if std::io::Error::last_os_error().raw_os_error() == Some(libc::EINVAL) {
                    break;
                }
                return Err(format!("bounding set: {}", std::io::Error::last_os_error()));
            }
        }
        // SAFETY: as above.
        #[allow(unsafe_code)]
        unsafe {
            libc::prctl(
                libc::PR_CAP_AMBIENT,
                libc::PR_CAP_AMBIENT_CLEAR_ALL,
                0,
                0,
                0,
            );
        }
        #[repr(C)]
        struct Header {
            version: u32,
            pid: i32,
        }
        #[repr(C)]
        #[derive(Clone, Copy)]
        struct Data {
            effective: u32,
            permitted: u32,
            inheritable: u32,
        }
        const VERSION_3: u32 = 0x2008_0522;
        let header = Header {
            version: VERSION_3,
            pid: 0,
        };
        let data = [Data {
            effective: 0,
            permitted: 0,
            inheritable: 0,
        }; 2];
        // SAFETY: capset(2) reads one header and, for version 3, two data structs, laid out as
        // the kernel's `__user_cap_header_struct` and `__user_cap_data_struct` (repr(C), u32
        // and i32 fields); both live until the call returns.
        #[allow(unsafe_code)]
        let r = unsafe { libc::syscall(libc::SYS_capset, &header, data.as_ptr()) };
        if r != 0 {
            return Err(format!("capset: {}", std::io::Error::last_os_error()));
        }
        Ok(())
    }
}

#[cfg(not(target_os = "linux"))]
mod imp {
    use super::Job;

    pub fn apply(_job: &Job) -> String {
        "none: this system has no sandbox the grader can use (Landlock is Linux only)".into()
    }
}
