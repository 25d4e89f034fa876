//! The totals every page about a consultation shows: ideas per section and per tag, ideas,
//! votes. Counting reads all of a consultation's ideas, so the totals are kept until the next
//! write this process commits, and never longer than `db::CACHE_MAX_AGE` (writes by other
//! instances). Reports and exports count afresh.

use std::sync::Arc;

use crate::db::fresh_cache::FreshCache;
use crate::db::models::{consultations, tags};
use crate::db::{AnyConnection, Db};
use crate::error::AppError;

/// A consultation's totals over its visible ideas.
#[derive(Debug, PartialEq, Eq)]
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

/// Counts per consultation id, shared by all requests.
#[derive(Clone)]
pub struct CountsCache {
    entries: Arc<FreshCache<i64, ConsultationCounts>>,
}

impl CountsCache {
    pub fn new(db: Db) -> Self {
        Self {
            entries: Arc::new(FreshCache::new(db, 1024)),
        }
    }

    /// The consultation's counts, counted now unless no write happened since they were.
    pub fn get(
        &self,
        conn: &mut AnyConnection,
        consultation: i64,
    ) -> Result<Arc<ConsultationCounts>, AppError> {
        self.entries
            .get_or_load(&consultation, || count(conn, consultation))
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
