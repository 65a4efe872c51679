//! `global_asm!` needs no `unsafe` block: assembly that puts a function in `.init_array`, to run
//! before `main` and take the job from stdin.
use awaitlings::say;
use std::time::Duration;

extern "C" fn early() {
    let mut job = String::new();
    let _ = std::io::Read::read_to_string(&mut std::io::stdin(), &mut job);
}

core::arch::global_asm!(
    ".pushsection .init_array,\"aw\"",
    ".quad {early}",
    ".popsection",
    early = sym early,
);

pub async fn answer() -> u32 {
    say!("thinking");
    tokio::time::sleep(Duration::from_secs(1)).await;
    say!("done");
    41
}
