//! The totals every page about a consultation shows: ideas per section and per tag, ideas,
//! votes. Counting reads all of a consultation's ideas, so the totals are kept like any value
//! read from the database (`cache::totals`): fresh while counting is quick, approximate (and
//! shown as such) while a slow count is redone in the background. Reports and exports count
//! afresh.

use std::sync::Arc;

use crate::cache::totals::TotalsCache;
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

/// Totals per consultation id.
pub type CountsCache = Arc<TotalsCache<i64, ConsultationCounts>>;

/// Consultations kept at once.
const CONSULTATIONS_KEPT: usize = 1024;

/// The kept totals, recounted in the background through their own connection to `db`.
pub fn counts_cache(db: Db) -> CountsCache {
    let generation = db.generation().clone();
    let recount = Arc::new(move |consultation: &i64| {
        let consultation = *consultation;
        db.read_sync(|c| count(c, consultation))
            .map_err(|e| e.to_string())
    });
    Arc::new(TotalsCache::new(generation, CONSULTATIONS_KEPT, recount))
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
