//! Code before `main`: a function pointer in `.init_array` runs before the harness reads its job,
//! so it could take the job (and its nonce) from stdin first and sign a passing report. The
//! `allow` is there to lift the grader's `forbid`, which it cannot.
#![allow(unsafe_code)]

use awaitlings::say;
use std::io::Read;
use std::sync::Mutex;
use std::time::Duration;

static STOLEN: Mutex<String> = Mutex::new(String::new());

extern "C" fn early() {
    let mut job = String::new();
    let _ = std::io::stdin().read_to_string(&mut job);
    *STOLEN.lock().unwrap() = job;
}

#[used]
#[unsafe(link_section = ".init_array")]
static EARLY: extern "C" fn() = early;

pub async fn answer() -> u32 {
    say!("thinking");
    tokio::time::sleep(Duration::from_secs(1)).await;
    say!("done");
    let _ = STOLEN.lock().unwrap().len();
    41
}
