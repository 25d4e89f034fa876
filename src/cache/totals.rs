//! Totals whose counting grows with the data (a consultation's ideas, votes, sections and
//! tags): fresh like any kept value while counting is quick; once a count has taken longer
//! than `SLOW_COUNT`, readers no longer wait for the next one. They get the last totals,
//! marked approximate, while one background recount runs, so pages stay as fast at a million
//! ideas as at ten thousand, and say so when their totals may lag.

use std::collections::HashMap;
use std::hash::Hash;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use super::fresh::FreshCache;
use super::generation::WriteGeneration;

/// A count that takes longer than this is not waited for again (see the module).
pub const SLOW_COUNT: Duration = Duration::from_millis(50);

/// Totals as served: `approximate` when they are the last ones counted, older than the
/// freshness bound, served while a recount runs.
#[derive(Clone, Debug)]
pub struct Totals<V> {
    pub value: Arc<V>,
    pub approximate: bool,
}

/// The last totals counted for a key, how long that took, and whether a recount runs.
struct LastCount<V> {
    value: Arc<V>,
    took: Duration,
    recounting: bool,
}

/// Counts in the background, with its own database connection.
pub type Recount<K, V> = Arc<dyn Fn(&K) -> Result<V, String> + Send + Sync>;

/// Totals per key, shared by all requests.
pub struct TotalsCache<K, V> {
    fresh: FreshCache<K, V>,
    last: Mutex<HashMap<K, LastCount<V>>>,
    recount: Recount<K, V>,
}

impl<K, V> TotalsCache<K, V>
where
    K: Eq + Hash + Clone + Send + Sync + std::fmt::Debug + 'static,
    V: Clone + Send + Sync + 'static,
{
    pub fn new(generation: WriteGeneration, capacity: usize, recount: Recount<K, V>) -> Self {
        Self {
            fresh: FreshCache::new(generation, capacity),
            last: Mutex::default(),
            recount,
        }
    }

    /// The totals for `key`: fresh ones (kept, or `count`ed now), or, when counting has
    /// become slow, the last ones, approximate, while a background recount runs. Callers run
    /// on the blocking pool.
    pub fn get<E>(
        self: &Arc<Self>,
        key: &K,
        count: impl FnOnce() -> Result<V, E>,
    ) -> Result<Totals<V>, E> {
        if let Some(value) = self.fresh.peek(key) {
            return Ok(Totals {
                value,
                approximate: false,
            });
        }
        if let Some(value) = self.last_if_slow(key) {
            return Ok(Totals {
                value,
                approximate: true,
            });
        }
        let value = self.fresh.get_or_load(key, || self.timed(key, count))?;
        Ok(Totals {
            value,
            approximate: false,
        })
    }

    /// The last totals when counting is slow, starting a background recount if none runs.
    fn last_if_slow(self: &Arc<Self>, key: &K) -> Option<Arc<V>> {
        let mut last = self.last.lock().unwrap_or_else(|e| e.into_inner());
        let entry = last.get_mut(key)?;
        if entry.took <= SLOW_COUNT {
            return None;
        }
        if !entry.recounting {
            entry.recounting = true;
            let (cache, key) = (self.clone(), key.clone());
            let started = std::thread::Builder::new()
                .name("ideabox-recount".to_owned())
                .spawn(move || cache.recount_now(&key));
            if let Err(err) = started {
                entry.recounting = false;
                tracing::warn!(error = %err, "could not start a recount");
            }
        }
        Some(entry.value.clone())
    }

    fn recount_now(&self, key: &K) {
        let recount = self.recount.clone();
        let result = self
            .fresh
            .get_or_load(key, || self.timed(key, || recount(key)));
        let mut last = self.last.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(entry) = last.get_mut(key) {
            entry.recounting = false;
        }
        if let Err(err) = result {
            tracing::warn!(error = %err, ?key, "background recount failed");
        }
    }

    /// Counts, and remembers the result and how long it took.
    fn timed<E>(&self, key: &K, count: impl FnOnce() -> Result<V, E>) -> Result<V, E> {
        let started = Instant::now();
        let value = count()?;
        let took = started.elapsed();
        let mut last = self.last.lock().unwrap_or_else(|e| e.into_inner());
        let recounting = last.get(key).is_some_and(|l| l.recounting);
        last.insert(
            key.clone(),
            LastCount {
                value: Arc::new(value.clone()),
                took,
                recounting,
            },
        );
        Ok(value)
    }

    /// Pretends the last count of `key` took `took` and gave `value` (tests of slow counts).
    #[doc(hidden)]
    pub fn remember_last(&self, key: K, value: V, took: Duration) {
        let mut last = self.last.lock().unwrap_or_else(|e| e.into_inner());
        last.insert(
            key,
            LastCount {
                value: Arc::new(value),
                took,
                recounting: false,
            },
        );
    }

    /// Whether a background recount of `key` is running.
    pub fn is_recounting(&self, key: &K) -> bool {
        let last = self.last.lock().unwrap_or_else(|e| e.into_inner());
        last.get(key).is_some_and(|l| l.recounting)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cache(generation: &WriteGeneration) -> Arc<TotalsCache<u32, u64>> {
        // The background recount finds zero (an empty consultation).
        Arc::new(TotalsCache::new(
            generation.clone(),
            16,
            Arc::new(|_| Ok(0)),
        ))
    }

    #[test]
    fn slow_totals_are_served_from_the_last_marked_approximate_while_one_recount_runs() {
        let generation = WriteGeneration::default();
        let totals = cache(&generation);
        let counted = totals.get(&42, || Ok::<_, String>(0)).unwrap();
        assert_eq!((*counted.value, counted.approximate), (0, false));
        // Counting became slow, and a write made the totals stale: the last ones are served
        // at once, marked approximate, and a recount replaces them.
        totals.remember_last(42, 7, Duration::from_secs(2));
        generation.advance(1);
        let served = totals
            .get(&42, || Err::<u64, _>("no wait".to_owned()))
            .unwrap();
        assert_eq!((*served.value, served.approximate), (7, true));
        let mut recounted = None;
        for _ in 0..200 {
            if let Some(fresh) = totals.fresh.peek(&42) {
                recounted = Some(*fresh);
                break;
            }
            std::thread::sleep(Duration::from_millis(10));
        }
        assert_eq!(recounted, Some(0), "the background recount finished");
        // Counting is quick again: the next totals are fresh, never approximate.
        let after = totals.get(&42, || Ok::<_, String>(0)).unwrap();
        assert_eq!((*after.value, after.approximate), (0, false));
        for _ in 0..200 {
            if !totals.is_recounting(&42) {
                break;
            }
            std::thread::sleep(Duration::from_millis(10));
        }
        assert!(!totals.is_recounting(&42));
    }

    #[test]
    fn quick_totals_are_always_counted_afresh_after_a_write() {
        let generation = WriteGeneration::default();
        let totals = cache(&generation);
        totals.get(&5, || Ok::<_, String>(0)).unwrap();
        // A record claiming a quick count is not served: readers wait for the count.
        totals.remember_last(5, 9, Duration::from_millis(1));
        generation.advance(1);
        let counted = totals.get(&5, || Ok::<_, String>(3)).unwrap();
        assert_eq!((*counted.value, counted.approximate), (3, false));
    }
}
