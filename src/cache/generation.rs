//! The write generation: how many writes readers can see this instance has committed (or
//! been told about). Kept values carry the generation they were read in.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

/// Whether readers can see what a write changed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum WriteEffect {
    /// Pages, API answers or kept values show the change: kept values become stale.
    Seen,
    /// Bookkeeping nobody is shown (the mail queue, rate-limit counters, session and token
    /// activity): kept values stay fresh.
    Bookkeeping,
}

/// A shared counter of seen writes, cheap to clone.
#[derive(Clone, Debug, Default)]
pub struct WriteGeneration(Arc<AtomicU64>);

impl WriteGeneration {
    /// The generation now; read it *before* reading the database for a value to keep, so that
    /// a write committed meanwhile makes the kept value stale at once.
    pub fn current(&self) -> u64 {
        self.0.load(Ordering::Acquire)
    }

    /// Records committed writes (called before their writers are answered).
    pub fn advance(&self, writes: u64) {
        if writes > 0 {
            self.0.fetch_add(writes, Ordering::AcqRel);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clones_share_one_count() {
        let generation = WriteGeneration::default();
        let clone = generation.clone();
        let before = generation.current();
        clone.advance(2);
        clone.advance(0);
        assert_eq!(generation.current(), before + 2);
    }
}
