//! The time of day on the learner's clock (`14:03:12`), for watch's "check #4 at 14:03:12":
//! local time where the platform says what it is, else UTC, said so.

use std::time::{SystemTime, UNIX_EPOCH};

/// `t` as `HH:MM:SS`, in local time (`HH:MM:SS UTC` where local time is not known).
pub fn time_of_day(t: SystemTime) -> String {
    let secs = t.duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs());
    match local(secs) {
        Some((h, m, s)) => hms(h, m, s),
        None => {
            let day = secs % 86_400;
            format!("{} UTC", hms(day / 3600, day / 60 % 60, day % 60))
        }
    }
}

fn hms(h: u64, m: u64, s: u64) -> String {
    format!("{h:02}:{m:02}:{s:02}")
}

/// Hours, minutes and seconds of `secs` since the epoch on the local clock (the `TZ`
/// environment variable, else the system's zone).
#[cfg(unix)]
fn local(secs: u64) -> Option<(u64, u64, u64)> {
    let t = libc::time_t::try_from(secs).ok()?;
    // SAFETY: localtime_r reads the time_t we own and fills a tm we own (zeroed first, a valid
    // bit pattern for this plain C struct); it keeps no pointer to either. It returns null on
    // failure, which is checked.
    #[allow(unsafe_code)]
    let tm = unsafe {
        let mut tm: libc::tm = std::mem::zeroed();
        if libc::localtime_r(&t, &mut tm).is_null() {
            return None;
        }
        tm
    };
    let field = |v: libc::c_int| u64::try_from(v).ok();
    Some((field(tm.tm_hour)?, field(tm.tm_min)?, field(tm.tm_sec)?))
}

#[cfg(not(unix))]
fn local(_secs: u64) -> Option<(u64, u64, u64)> {
    None
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_time_of_day_is_hours_minutes_and_seconds() {
        let t = super::time_of_day(std::time::SystemTime::now());
        let clock = t.strip_suffix(" UTC").unwrap_or(&t);
        let parts: Vec<u32> = clock.split(':').map(|p| p.parse().unwrap()).collect();
        assert_eq!(clock.len(), 8, "{t}");
        assert!(
            parts.len() == 3 && parts[0] < 24 && parts[1] < 60 && parts[2] < 61,
            "{t}"
        );
        assert_eq!(super::hms(9, 5, 7), "09:05:07");
    }
}
