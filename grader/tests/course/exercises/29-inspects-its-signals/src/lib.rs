use awaitlings::say;
use std::time::Duration;

/// 42 when this process can be stopped the normal way: no signal blocked, none ignored or caught
/// (as inherited from the grader). Anything else answers with the offending mask, so a test sees
/// it. Where /proc is missing, there is nothing to inspect: 42.
pub async fn answer() -> u32 {
    say!("thinking");
    tokio::time::sleep(Duration::from_secs(1)).await;
    say!("done");
    let Ok(status) = std::fs::read_to_string("/proc/self/status") else {
        return 42;
    };
    for field in ["SigBlk:", "SigIgn:"] {
        let mask = status
            .lines()
            .find_map(|l| l.strip_prefix(field))
            .map(str::trim)
            .unwrap_or("0");
        let bits = u64::from_str_radix(mask, 16).unwrap_or(u64::MAX);
        // SIGINT is bit 1 and SIGTERM bit 14 (numbered from 0 for signal 1).
        if bits & ((1 << 1) | (1 << 14)) != 0 {
            return bits as u32 | 1;
        }
    }
    42
}
