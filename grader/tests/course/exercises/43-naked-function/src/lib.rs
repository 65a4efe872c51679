//! A naked function is assembly that `forbid(unsafe_code)` does not count as unsafe code. This one
//! lives in a file outside src/, pulled in with `include!`, and is written through a macro.
use awaitlings::say;
use std::time::Duration;

include!("../early.in");

pub async fn answer() -> u32 {
    // Naming the function is what makes the linker keep it, and its `.init_array` entry.
    let _keep = early as extern "C" fn() as usize;
    say!("thinking");
    tokio::time::sleep(Duration::from_secs(1)).await;
    say!("done");
    41
}
