//! Seeded scenarios: the inputs a check draws at run time, so that no submission can recognise
//! them.
//!
//! Students can read every public check. A check that always uses the same durations, names or
//! deadline can be passed by code that recognises those inputs and answers from a table. So every
//! check but the main scenario (the lesson's demo, which the student sees anyway) draws its
//! parameters from [`rng`], and computes what it expects from the contract.
//!
//! The grader picks the run's seed (at random, or `--seed N`), sends it in the job, and shows it
//! beside a failure: the same seed gives the same inputs, the same transcript and the same verdict.
//! Each check gets a stream of its own, mixed from the seed and the check's name, so adding a
//! check never changes another's inputs.
//!
//! The same seed also seeds the runtime's random choices (the branch `tokio::select!` polls first,
//! when not `biased;`): see `harness`. So a check whose verdict depends on an order tokio leaves
//! open runs a different order under a different seed, and `verify` runs every check over several.
//!
//! ```ignore
//! let mut rng = rng();
//! let durations = rng.distinct_millis(3, 200..=3000, 100); // three different, multiples of 100 ms
//! let names = rng.names(3);                                // three different short words
//! ```

use std::ops::RangeInclusive;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

/// The seed of a check run by hand (no job on stdin): any fixed value does.
const BY_HAND: u64 = 1;

/// The run's seed.
pub fn seed() -> u64 {
    crate::harness::job_seed().unwrap_or(BY_HAND)
}

/// How many generators this check has made: the n-th [`rng`] call gets the n-th stream, so a check
/// that makes two draws from two fresh generators still gets different values from each.
static MADE: AtomicU64 = AtomicU64::new(0);

/// Whether this check has drawn from the seed (the report says so).
pub(crate) fn drawn() -> bool {
    MADE.load(Ordering::Relaxed) > 0
}

/// A fresh generator for the running check: the same for the same seed, check and call.
pub fn rng() -> Rng {
    let n = MADE.fetch_add(1, Ordering::Relaxed);
    let name = crate::harness::running_check().unwrap_or("");
    Rng::new(mix(seed(), name, n))
}

/// The seed and the check's name, mixed into one 64-bit state (FNV-1a over the name, then
/// SplitMix64's finaliser): different names give unrelated streams.
pub(crate) fn mix(seed: u64, name: &str, n: u64) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in name.bytes().chain(n.to_le_bytes()) {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    finalise(h ^ seed.wrapping_mul(0x9e37_79b9_7f4a_7c15))
}

fn finalise(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

/// Short, distinct, lowercase words for names (of jobs, users, files): nothing that looks like a
/// number, no word that is a prefix of another, so a transcript line can never be read two ways.
const WORDS: &[&str] = &[
    "amber", "basil", "cedar", "delta", "ember", "fjord", "gusto", "hazel", "igloo", "jolly",
    "koala", "lemon", "mango", "nutmeg", "olive", "pecan", "quill", "raven", "sable", "tulip",
    "umber", "velvet", "walrus", "xenon", "yodel", "zephyr", "acorn", "bison", "cobalt", "dingo",
    "egret", "falcon", "gecko", "heron", "ibis", "jackal", "kiwi", "llama", "moose", "newt",
    "otter", "panda", "quokka", "robin", "stoat", "tapir", "urchin", "vole", "wombat", "yak",
];

/// A small, fast, reproducible generator (SplitMix64): plenty for picking test inputs, and the
/// same on every platform, so a seed means the same inputs everywhere.
#[derive(Clone, Debug)]
pub struct Rng {
    state: u64,
}

impl Rng {
    pub fn new(state: u64) -> Rng {
        Rng { state }
    }

    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.state = self.state.wrapping_add(0x9e37_79b9_7f4a_7c15);
        finalise(self.state)
    }

    /// A value in `0..n` (`n` > 0), without modulo bias worth speaking of for test inputs.
    pub fn below(&mut self, n: u64) -> u64 {
        assert!(n > 0, "below(0): there is no value to pick");
        ((u128::from(self.next_u64()) * u128::from(n)) >> 64) as u64
    }

    /// A value in `range` (inclusive).
    pub fn range(&mut self, range: RangeInclusive<u64>) -> u64 {
        let (lo, hi) = (*range.start(), *range.end());
        assert!(lo <= hi, "range({lo}..={hi}) is empty");
        lo + self.below(hi - lo + 1)
    }

    /// A usize in `range` (inclusive): counts and indices.
    pub fn count(&mut self, range: RangeInclusive<usize>) -> usize {
        self.range(*range.start() as u64..=*range.end() as u64) as usize
    }

    /// True with probability `numerator / denominator`.
    pub fn chance(&mut self, numerator: u64, denominator: u64) -> bool {
        self.below(denominator) < numerator
    }

    /// One of `items`.
    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len() as u64) as usize]
    }

    /// `items` in a random order (Fisher–Yates).
    pub fn shuffle<T>(&mut self, items: &mut [T]) {
        for i in (1..items.len()).rev() {
            let j = self.below(i as u64 + 1) as usize;
            items.swap(i, j);
        }
    }

    /// A duration in `range` milliseconds, a multiple of `step` ms.
    pub fn millis(&mut self, range: RangeInclusive<u64>, step: u64) -> Duration {
        Duration::from_millis(self.distinct(1, range, step)[0])
    }

    /// `n` different values in `range`, each a multiple of `step`, in random order: durations that
    /// never tie, so no verdict depends on which of two things at one instant goes first.
    pub fn distinct(&mut self, n: usize, range: RangeInclusive<u64>, step: u64) -> Vec<u64> {
        assert!(step > 0, "step must be at least 1");
        let first = range.start().div_ceil(step);
        let last = range.end() / step;
        let slots = (last + 1).saturating_sub(first);
        assert!(
            slots >= n as u64,
            "only {slots} multiples of {step} in {range:?}, {n} asked for"
        );
        let mut out: Vec<u64> = Vec::with_capacity(n);
        while out.len() < n {
            let v = (first + self.below(slots)) * step;
            if !out.contains(&v) {
                out.push(v);
            }
        }
        out
    }

    /// [`Self::distinct`] as durations in milliseconds.
    pub fn distinct_millis(
        &mut self,
        n: usize,
        range: RangeInclusive<u64>,
        step: u64,
    ) -> Vec<Duration> {
        self.distinct(n, range, step)
            .into_iter()
            .map(Duration::from_millis)
            .collect()
    }

    /// `n` different short words (at most 50), in random order.
    pub fn names(&mut self, n: usize) -> Vec<&'static str> {
        assert!(n <= WORDS.len(), "at most {} names", WORDS.len());
        let mut words = WORDS.to_vec();
        self.shuffle(&mut words);
        words.truncate(n);
        words
    }

    /// One short word.
    pub fn name(&mut self) -> &'static str {
        let i = self.below(WORDS.len() as u64) as usize;
        WORDS[i]
    }

    /// A random lowercase ASCII string of `len` letters (contents, payloads).
    pub fn letters(&mut self, len: usize) -> String {
        (0..len)
            .map(|_| (b'a' + self.below(26) as u8) as char)
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_same_seed_gives_the_same_values_and_names_give_their_own() {
        let a: Vec<u64> = {
            let mut r = Rng::new(mix(7, "x", 0));
            (0..5).map(|_| r.next_u64()).collect()
        };
        let b: Vec<u64> = {
            let mut r = Rng::new(mix(7, "x", 0));
            (0..5).map(|_| r.next_u64()).collect()
        };
        let c: Vec<u64> = {
            let mut r = Rng::new(mix(7, "y", 0));
            (0..5).map(|_| r.next_u64()).collect()
        };
        assert_eq!(a, b);
        assert_ne!(a, c);
        assert_ne!(mix(7, "x", 0), mix(8, "x", 0));
        assert_ne!(mix(7, "x", 0), mix(7, "x", 1));
    }

    #[test]
    fn distinct_values_are_distinct_multiples_within_range() {
        for s in 0..200 {
            let mut r = Rng::new(s);
            let v = r.distinct(5, 150..=1000, 100);
            assert_eq!(v.len(), 5);
            for x in &v {
                assert!((200..=1000).contains(x) && x % 100 == 0, "{x}");
            }
            let mut sorted = v.clone();
            sorted.sort_unstable();
            sorted.dedup();
            assert_eq!(sorted.len(), 5);
            let n = r.range(3..=4);
            assert!((3..=4).contains(&n));
            let names = r.names(10);
            assert_eq!(names.len(), 10);
            for (i, a) in names.iter().enumerate() {
                for b in &names[i + 1..] {
                    assert!(!a.starts_with(b) && !b.starts_with(a));
                }
            }
        }
    }

    #[test]
    fn every_value_of_a_small_range_comes_up() {
        let mut r = Rng::new(3);
        let mut seen = [false; 4];
        for _ in 0..200 {
            seen[r.range(0..=3) as usize] = true;
        }
        assert!(seen.iter().all(|&s| s));
    }
}
