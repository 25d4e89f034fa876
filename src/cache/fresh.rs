//! Values read from the database and reused while fresh: an entry holds until the next seen
//! write this instance commits, and never past its freshness period. When an entry is
//! missing, one caller loads it and the others asking for it wait for that load instead of
//! all running the same query.

use std::future::Future;
use std::hash::Hash;
use std::sync::Arc;
use std::time::Duration;

use quick_cache::sync::GuardResult;

use super::generation::WriteGeneration;
use super::period::current_period_of;

/// How long a caller on the blocking pool waits for another's load before loading itself.
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
    generation: WriteGeneration,
}

impl<K, V> FreshCache<K, V>
where
    K: Eq + Hash + Clone,
{
    pub fn new(generation: WriteGeneration, capacity: usize) -> Self {
        Self {
            entries: quick_cache::sync::Cache::new(capacity),
            generation,
        }
    }

    /// The key as of now. Taken before loading: a write committed meanwhile makes the entry
    /// stale at once.
    fn fresh_key(&self, key: &K) -> FreshKey<K> {
        FreshKey {
            key: key.clone(),
            write_generation: self.generation.current(),
            period: current_period_of(key),
        }
    }

    /// The kept value for `key` if it is still fresh, without waiting or loading.
    pub fn peek(&self, key: &K) -> Option<Arc<V>> {
        self.entries.get(&self.fresh_key(key))
    }

    /// For callers on the blocking pool: the kept value if fresh, otherwise `load`ed now and
    /// kept. Waits (blocking the thread, at most `LOAD_WAIT`) while another caller loads it.
    pub fn get_or_load<E>(
        &self,
        key: &K,
        load: impl FnOnce() -> Result<V, E>,
    ) -> Result<Arc<V>, E> {
        match self
            .entries
            .get_value_or_guard(&self.fresh_key(key), Some(LOAD_WAIT))
        {
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

    /// For async callers: the same, but waiting for another caller's load yields the worker
    /// thread instead of blocking it.
    pub async fn get_or_load_async<E, F, Fut>(&self, key: &K, load: F) -> Result<Arc<V>, E>
    where
        F: FnOnce() -> Fut,
        Fut: Future<Output = Result<V, E>>,
    {
        match self
            .entries
            .get_value_or_guard_async(&self.fresh_key(key))
            .await
        {
            Ok(value) => Ok(value),
            Err(guard) => {
                let value = Arc::new(load().await?);
                let _ = guard.insert(value.clone());
                Ok(value)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};

    #[test]
    fn a_seen_write_makes_kept_values_stale_and_bookkeeping_does_not() {
        let generation = WriteGeneration::default();
        let cache: FreshCache<u8, usize> = FreshCache::new(generation.clone(), 16);
        let loads = AtomicUsize::new(0);
        let load = || Ok::<_, ()>(loads.fetch_add(1, Ordering::SeqCst));
        cache.get_or_load(&1, load).unwrap();
        cache.get_or_load(&1, load).unwrap();
        // The same period (within a second of the first load) unless the clock just turned.
        assert!(loads.load(Ordering::SeqCst) <= 2);
        let before = loads.load(Ordering::SeqCst);
        generation.advance(1);
        assert!(cache.peek(&1).is_none(), "a seen write empties the cache");
        cache.get_or_load(&1, load).unwrap();
        assert_eq!(loads.load(Ordering::SeqCst), before + 1);
    }

    #[tokio::test(flavor = "current_thread")]
    async fn async_callers_wait_for_one_load_without_blocking_their_thread() {
        let cache: Arc<FreshCache<u8, u32>> =
            Arc::new(FreshCache::new(WriteGeneration::default(), 16));
        let loads = Arc::new(AtomicUsize::new(0));
        let (release, gate) = tokio::sync::watch::channel(false);
        let mut callers = Vec::new();
        for _ in 0..8 {
            let (cache, loads, mut gate) = (cache.clone(), loads.clone(), gate.clone());
            callers.push(tokio::spawn(async move {
                cache
                    .get_or_load_async(&7, || async move {
                        loads.fetch_add(1, Ordering::SeqCst);
                        let _ = gate.wait_for(|open| *open).await;
                        Ok::<_, ()>(42)
                    })
                    .await
            }));
        }
        // One thread runs every caller and the load: a caller that blocked it while waiting
        // would keep the load from ever finishing.
        tokio::time::sleep(Duration::from_millis(50)).await;
        let _ = release.send(true);
        for caller in callers {
            assert_eq!(*caller.await.unwrap().unwrap(), 42);
        }
        assert!(
            loads.load(Ordering::SeqCst) <= 2,
            "one load (two if the period turned)"
        );
    }
}
