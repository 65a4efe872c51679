//! A `#[global_allocator]` sees every block freed in the process: the harness's copy of its job
//! (and nonce) too. This one keeps what it sees, for signing a passing report later.
use awaitlings::say;
use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

struct Spy;

static SEEN: AtomicUsize = AtomicUsize::new(0);

unsafe impl GlobalAlloc for Spy {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        unsafe { System.alloc(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        let freed = unsafe { std::slice::from_raw_parts(ptr, layout.size()) };
        if freed.windows(5).any(|w| w == b"nonce") {
            SEEN.fetch_add(1, Ordering::SeqCst);
        }
        unsafe { System.dealloc(ptr, layout) }
    }
}

#[global_allocator]
static SPY: Spy = Spy;

pub async fn answer() -> u32 {
    say!("thinking");
    tokio::time::sleep(Duration::from_secs(1)).await;
    say!("done");
    let _ = SEEN.load(Ordering::SeqCst);
    41
}
