//! Freshness periods: time cut into spans of `FRESHNESS`, shifted per key, so that a kept
//! value is served only within the span it was read in.

use std::hash::{Hash, Hasher};
use std::sync::LazyLock;
use std::time::{Duration, Instant};

/// How long anything read from the database may be served without reading it again: the
/// bound on how long another instance's writes take to show.
pub const FRESHNESS: Duration = Duration::from_secs(1);

/// The clock that cuts time into periods.
static STARTED: LazyLock<Instant> = LazyLock::new(Instant::now);

/// The current period for one key. Periods start at a different moment for each key, so
/// that many entries (every signed-in person's session) do not all expire at the same
/// instant and send all their readers to the database at once.
pub fn current_period_of<K: Hash + ?Sized>(key: &K) -> u64 {
    let mut hasher = std::hash::DefaultHasher::new();
    key.hash(&mut hasher);
    period_at(STARTED.elapsed(), hasher.finish())
}

fn period_at(elapsed: Duration, shift: u64) -> u64 {
    let length = FRESHNESS.as_millis().max(1) as u64;
    (elapsed.as_millis() as u64 + shift % length) / length
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_period_lasts_the_freshness_bound_whatever_its_shift() {
        let length = FRESHNESS.as_millis() as u64;
        for shift in [0, 1, length / 2, length - 1, length, 12_345_678_901] {
            let mut changes = 0;
            let mut last = period_at(Duration::ZERO, shift);
            for ms in 1..=(3 * length) {
                let now = period_at(Duration::from_millis(ms), shift);
                assert!(now == last || now == last + 1);
                changes += u64::from(now != last);
                last = now;
            }
            assert_eq!(
                changes, 3,
                "one new period per freshness bound (shift {shift})"
            );
        }
        // Different shifts start their periods at different moments.
        let at = Duration::from_millis(length / 2);
        assert_ne!(period_at(at, 0), period_at(at, length / 2 + 1));
    }
}
