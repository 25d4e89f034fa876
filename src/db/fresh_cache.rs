//! Values read from the database and reused while nothing has been written: an entry holds
//! until the next write this process commits, and never longer than `CACHE_MAX_AGE` (writes
//! by other instances). When an entry is missing, one caller loads it and the others asking
//! for it wait for that load instead of all running the same query.

use std::hash::{Hash, Hasher};
use std::sync::{Arc, LazyLock};
use std::time::{Duration, Instant};

use quick_cache::sync::GuardResult;

use crate::db::{CACHE_MAX_AGE, Db};

/// The clock that cuts time into periods of `CACHE_MAX_AGE`: a cached value serves within
/// the period it was loaded in.
static STARTED: LazyLock<Instant> = LazyLock::new(Instant::now);

/// The current period of `CACHE_MAX_AGE` for one key: periods start at a different moment for
/// each key, so that many entries (every signed-in person's session) do not all expire at the
/// same instant and send all their readers to the database at once.
pub fn current_period_of<K: Hash>(key: &K) -> u64 {
    let mut hasher = std::hash::DefaultHasher::new();
    key.hash(&mut hasher);
    period_at(STARTED.elapsed(), hasher.finish())
}

fn period_at(elapsed: Duration, shift: u64) -> u64 {
    let length = CACHE_MAX_AGE.as_millis().max(1) as u64;
    (elapsed.as_millis() as u64 + shift % length) / length
}

/// How long a caller waits for another's load before loading by itself.
const LOAD_WAIT: Duration = Duration::from_secs(5);

/// A value as of one write generation and one period: a key that is found is fresh.
#[derive(Clone, PartialEq, Eq, Hash)]
struct FreshKey<K> {
    key: K,
    write_generation: u64,
    period: u64,
}

/// A bounded map of fresh values, shared by all requests.
pub struct FreshCache<K, V> {
    entries: quick_cache::sync::Cache<FreshKey<K>, Arc<V>>,
    db: Db,
}

impl<K, V> FreshCache<K, V>
where
    K: Eq + Hash + Clone,
{
    pub fn new(db: Db, capacity: usize) -> Self {
        Self {
            entries: quick_cache::sync::Cache::new(capacity),
            db,
        }
    }

    /// The kept value for `key` if it is still fresh, without waiting or loading: lets a
    /// caller skip the trip to the blocking pool when the value is already known.
    pub fn peek(&self, key: &K) -> Option<Arc<V>> {
        self.entries.get(&FreshKey {
            key: key.clone(),
            write_generation: self.db.write_generation(),
            period: current_period_of(key),
        })
    }

    /// The value for `key`: the kept one if still fresh, otherwise `load`ed now and kept.
    /// Blocks while another caller loads the same key (callers run on the blocking pool).
    pub fn get_or_load<E>(
        &self,
        key: &K,
        load: impl FnOnce() -> Result<V, E>,
    ) -> Result<Arc<V>, E> {
        // Read before loading: a write committed meanwhile makes the new entry stale at once.
        let key = FreshKey {
            key: key.clone(),
            write_generation: self.db.write_generation(),
            period: current_period_of(key),
        };
        match self.entries.get_value_or_guard(&key, Some(LOAD_WAIT)) {
            GuardResult::Value(value) => Ok(value),
            GuardResult::Guard(guard) => {
                // On an error the guard is dropped and the next caller loads.
                let value = Arc::new(load()?);
                let _ = guard.insert(value.clone());
                Ok(value)
            }
            GuardResult::Timeout => Ok(Arc::new(load()?)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_period_lasts_the_maximum_age_whatever_its_shift() {
        let length = CACHE_MAX_AGE.as_millis() as u64;
        for shift in [0, 1, length / 2, length - 1, length, 12_345_678_901] {
            let mut changes = 0;
            let mut last = period_at(Duration::ZERO, shift);
            for ms in 1..=(3 * length) {
                let now = period_at(Duration::from_millis(ms), shift);
                assert!(now == last || now == last + 1);
                changes += u64::from(now != last);
                last = now;
            }
            assert_eq!(changes, 3, "one new period per maximum age (shift {shift})");
        }
        // Different shifts start their periods at different moments.
        let at = Duration::from_millis(length / 2);
        assert_ne!(period_at(at, 0), period_at(at, length / 2 + 1));
    }
}
