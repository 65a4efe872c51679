//! Where a check's code runs, and the choices of an unbiased `select!` (tests/seeds.rs).

/// Whether this runs inside a tokio task (`spawn`ed or `spawn_local`ed), rather than directly in
/// `block_on`'s future.
pub fn in_a_task() -> bool {
    tokio::task::try_id().is_some()
}

/// `n` unbiased `select!`s between two futures that are both ready: which branch won each time,
/// as a string of `a`s and `b`s. tokio picks the branch to poll first at random, from the
/// runtime's generator.
pub async fn choices(n: usize) -> String {
    let mut won = String::new();
    for _ in 0..n {
        tokio::select! {
            _ = std::future::ready(()) => won.push('a'),
            _ = std::future::ready(()) => won.push('b'),
        }
    }
    won
}
