//! What the services work with: settings, the database, password hashing, the mail queue,
//! the rate limiter and the caches of values read from the database. The web layer's state
//! holds one of these beside what only pages need (templates, files, rendered pages).

use std::sync::Arc;

use chrono::NaiveDateTime;

use crate::auth::password::PasswordHasher;
use crate::cache::fresh::FreshCache;
use crate::cache::shared_read::SharedRead;
use crate::config::{DatabaseUrl, Settings};
use crate::db::Db;
use crate::db::models::access_revocations;
use crate::db::models::consultations::ConsultationRow;
use crate::db::models::sessions::SessionRow;
use crate::db::shared_counter::{self, SharedCounter};
use crate::domain::identity::CurrentUser;
use crate::email::outbox::MailQueue;
use crate::rate_limit::RateLimiter;
use crate::services::consultation_counts::{CountsCache, counts_cache};
use crate::services::job_queue::JobQueue;
use crate::templates::Templates;

/// Consultation rows by slug (`None`: no such consultation), kept while fresh.
pub type ConsultationRows = FreshCache<String, Option<ConsultationRow>>;

/// Consultations and live sessions kept at once.
const CONSULTATIONS_KEPT: usize = 1024;
const SESSIONS_KEPT: usize = 16_384;

/// Signed-in sessions by token hash, kept while fresh and only under the access revocation
/// number they were read with: signing out, a role change or a suspension raises it, and so
/// drops them on every instance at once.
pub struct LiveSessions {
    /// The session and what requests need of its person (no password hash), by token hash
    /// and access revocation number.
    pub found: FreshCache<(String, i64), Option<(SessionRow, CurrentUser)>>,
    /// When this instance last recorded each session's activity: a session found again
    /// before its kept row shows that record is not recorded twice.
    pub recorded: quick_cache::sync::Cache<i64, NaiveDateTime>,
    /// The access revocation number, read afresh for each request.
    pub revocations: RevocationNumber,
}

/// Where each request reads the access revocation number.
pub enum RevocationNumber {
    /// PostgreSQL: the database row, which every instance on any machine sees; requests that
    /// arrive together share one read.
    Database(Arc<SharedRead<Result<i64, String>>>),
    /// SQLite: the counter file beside the database, which every process opening it maps;
    /// one atomic load, no database call.
    CounterFile(Arc<SharedCounter>),
}

impl RevocationNumber {
    fn for_database(settings: &Settings, db: &Db) -> anyhow::Result<Self> {
        Ok(match &settings.database_url {
            DatabaseUrl::Sqlite { path } => {
                let counter = shared_counter::for_database(path).map_err(|err| {
                    anyhow::anyhow!(
                        "cannot map the counter file beside {}: {err}",
                        path.display()
                    )
                })?;
                Self::CounterFile(counter)
            }
            DatabaseUrl::Postgres { .. } => {
                let db = db.clone();
                Self::Database(SharedRead::new(move || {
                    let db = db.clone();
                    async move {
                        db.read(|c| Ok(access_revocations::current(c)?))
                            .await
                            .map_err(|err| err.to_string())
                    }
                }))
            }
        })
    }

    /// The number as of now: it includes every ending acknowledged before this call, on any
    /// instance.
    pub async fn get(&self) -> Result<i64, String> {
        match self {
            Self::Database(read) => read.get().await,
            // Raised once per ending: it stays far below i64::MAX.
            Self::CounterFile(counter) => Ok(counter.get() as i64),
        }
    }
}

/// The services' shared handles, cheap to clone.
#[derive(Clone)]
pub struct ServiceContext {
    pub settings: Arc<Settings>,
    pub db: Db,
    pub hasher: PasswordHasher,
    pub mail: MailQueue,
    pub limiter: RateLimiter,
    /// Per-consultation totals shown on every page about a consultation.
    pub counts: CountsCache,
    /// Consultation rows by slug, read on every page about a consultation.
    pub consultation_rows: Arc<ConsultationRows>,
    /// Signed-in sessions by token hash, read on every request of a signed-in person.
    pub live_sessions: Arc<LiveSessions>,
    /// Wakes this instance's job worker when a job is queued.
    pub jobs: JobQueue,
}

impl ServiceContext {
    /// Opens the database and builds the handles; `templates` compose the mail.
    pub fn build(settings: Arc<Settings>, templates: Templates) -> anyhow::Result<Self> {
        let db = Db::connect(&settings)?;
        let hasher = PasswordHasher::new(settings.max_concurrent_hashes)?;
        let mail = MailQueue::new(templates, settings.clone());
        Ok(Self {
            limiter: RateLimiter::new(db.clone()),
            counts: counts_cache(db.clone()),
            consultation_rows: Arc::new(FreshCache::new(
                db.generation().clone(),
                CONSULTATIONS_KEPT,
            )),
            live_sessions: Arc::new(LiveSessions {
                found: FreshCache::new(db.generation().clone(), SESSIONS_KEPT),
                recorded: quick_cache::sync::Cache::new(SESSIONS_KEPT),
                revocations: RevocationNumber::for_database(&settings, &db)?,
            }),
            jobs: JobQueue::default(),
            settings,
            db,
            hasher,
            mail,
        })
    }
}
