//! The totals every page about a consultation shows: ideas per section and per tag, ideas,
//! votes. Counting reads all of a consultation's ideas, so the totals are kept until the next
//! write this process commits, and never longer than `db::CACHE_MAX_AGE` (writes by other
//! instances). Reports and exports count afresh.
//!
//! Counting grows with the consultation: a few milliseconds for ten thousand ideas, seconds
//! for a million. Once a count has taken longer than `SLOW_COUNT`, pages no longer wait for
//! the next one: they show the last totals while one background recount runs, so pages stay
//! as fast at a million ideas as at ten thousand and the totals lag by about one recount.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use crate::db::fresh_cache::FreshCache;
use crate::db::models::{consultations, tags};
use crate::db::{AnyConnection, Db};
use crate::error::AppError;

/// A consultation's totals over its visible ideas.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ConsultationCounts {
    pub ideas: i64,
    pub votes: i64,
    /// Ideas per section key (`None`: about the plan as a whole).
    pub by_section: Vec<(Option<String>, i64)>,
    /// Ideas per tag id.
    pub by_tag: Vec<(i64, i64)>,
}

impl ConsultationCounts {
    pub fn in_section(&self, key: &str) -> i64 {
        self.by_section
            .iter()
            .find(|(k, _)| k.as_deref() == Some(key))
            .map_or(0, |(_, n)| *n)
    }

    pub fn with_tag(&self, tag: i64) -> i64 {
        self.by_tag
            .iter()
            .find(|(id, _)| *id == tag)
            .map_or(0, |(_, n)| *n)
    }
}

/// A count that takes longer than this is not waited for by pages again (see the module).
const SLOW_COUNT: Duration = Duration::from_millis(50);

/// The last totals counted for a consultation, how long that took, and whether a recount is
/// running in the background.
struct LastCount {
    counts: Arc<ConsultationCounts>,
    took: Duration,
    recounting: bool,
}

/// Counts per consultation id, shared by all requests.
#[derive(Clone)]
pub struct CountsCache {
    entries: Arc<FreshCache<i64, ConsultationCounts>>,
    last: Arc<Mutex<HashMap<i64, LastCount>>>,
    db: Db,
}

impl CountsCache {
    pub fn new(db: Db) -> Self {
        Self {
            entries: Arc::new(FreshCache::new(db.clone(), 1024)),
            last: Arc::default(),
            db,
        }
    }

    /// The consultation's counts: counted now unless no write happened since they were, or,
    /// when counting has become slow, the last ones while a background recount runs.
    pub fn get(
        &self,
        conn: &mut AnyConnection,
        consultation: i64,
    ) -> Result<Arc<ConsultationCounts>, AppError> {
        if let Some(fresh) = self.entries.peek(&consultation) {
            return Ok(fresh);
        }
        if let Some(last) = self.last_if_slow(consultation) {
            return Ok(last);
        }
        self.entries
            .get_or_load(&consultation, || self.timed_count(conn, consultation))
    }

    /// The last counts when counting is slow, starting a background recount if none runs.
    fn last_if_slow(&self, consultation: i64) -> Option<Arc<ConsultationCounts>> {
        let mut last = self.last.lock().unwrap_or_else(|e| e.into_inner());
        let entry = last.get_mut(&consultation)?;
        if entry.took <= SLOW_COUNT {
            return None;
        }
        if !entry.recounting {
            entry.recounting = true;
            let cache = self.clone();
            let started = std::thread::Builder::new()
                .name("ideabox-recount".to_owned())
                .spawn(move || cache.recount(consultation));
            if let Err(err) = started {
                entry.recounting = false;
                tracing::warn!(error = %err, "could not start a recount");
            }
        }
        Some(entry.counts.clone())
    }

    fn recount(&self, consultation: i64) {
        let result = self.db.read_sync(|conn| {
            self.entries
                .get_or_load(&consultation, || self.timed_count(conn, consultation))
        });
        let mut last = self.last.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(entry) = last.get_mut(&consultation) {
            entry.recounting = false;
        }
        if let Err(err) = result {
            tracing::warn!(error = %err, consultation, "background recount failed");
        }
    }

    /// Counts, and remembers the result and how long it took.
    fn timed_count(
        &self,
        conn: &mut AnyConnection,
        consultation: i64,
    ) -> Result<ConsultationCounts, AppError> {
        let started = Instant::now();
        let counts = count(conn, consultation)?;
        let took = started.elapsed();
        let mut last = self.last.lock().unwrap_or_else(|e| e.into_inner());
        let recounting = last.get(&consultation).is_some_and(|l| l.recounting);
        last.insert(
            consultation,
            LastCount {
                counts: Arc::new(counts.clone()),
                took,
                recounting,
            },
        );
        Ok(counts)
    }
}

/// Counts a consultation's visible ideas and their votes.
pub fn count(conn: &mut AnyConnection, consultation: i64) -> Result<ConsultationCounts, AppError> {
    let by_section = consultations::idea_counts_by_section(conn, consultation)?;
    let (ideas, votes) = consultations::totals(conn, consultation)?;
    let by_tag = tags::counts(conn, consultation)?;
    Ok(ConsultationCounts {
        ideas,
        votes,
        by_section,
        by_tag,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scratch_db(name: &str) -> Db {
        let db = crate::db::scratch_sqlite(&format!("counts-{name}"));
        db.migrate().unwrap();
        db
    }

    fn slow_last(cache: &CountsCache, consultation: i64, ideas: i64) {
        let counts = ConsultationCounts {
            ideas,
            votes: 0,
            by_section: Vec::new(),
            by_tag: Vec::new(),
        };
        cache.last.lock().unwrap().insert(
            consultation,
            LastCount {
                counts: Arc::new(counts),
                took: Duration::from_secs(2),
                recounting: false,
            },
        );
    }

    #[test]
    fn slow_counts_are_served_from_the_last_while_one_recount_runs() {
        let db = scratch_db("slow");
        let cache = CountsCache::new(db.clone());
        // Quick counts are counted when asked (an empty consultation: zero ideas).
        let counted = db.read_sync(|c| cache.get(c, 42)).unwrap();
        assert_eq!(counted.ideas, 0);
        // Counting became slow, and a write made the counts stale: the last ones are served
        // at once, and a recount replaces them.
        slow_last(&cache, 42, 7);
        db.note_external_write();
        let served = db.read_sync(|c| cache.get(c, 42)).unwrap();
        assert_eq!(served.ideas, 7, "the last counts, not a wait");
        let mut recounted = None;
        for _ in 0..200 {
            if let Some(fresh) = cache.entries.peek(&42) {
                recounted = Some(fresh.ideas);
                break;
            }
            std::thread::sleep(Duration::from_millis(10));
        }
        assert_eq!(recounted, Some(0), "the background recount finished");
        assert_eq!(db.read_sync(|c| cache.get(c, 42)).unwrap().ideas, 0);
        assert!(!cache.last.lock().unwrap()[&42].recounting);
    }

    #[test]
    fn quick_counts_are_always_counted_afresh_after_a_write() {
        let db = scratch_db("quick");
        let cache = CountsCache::new(db.clone());
        db.read_sync(|c| cache.get(c, 5)).unwrap();
        // A stale record that claims a quick count is not served: pages wait for the count.
        let stale = ConsultationCounts {
            ideas: 9,
            votes: 0,
            by_section: Vec::new(),
            by_tag: Vec::new(),
        };
        cache.last.lock().unwrap().get_mut(&5).unwrap().counts = Arc::new(stale);
        db.note_external_write();
        assert_eq!(db.read_sync(|c| cache.get(c, 5)).unwrap().ideas, 0);
    }
}
