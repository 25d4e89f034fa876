//! What every handler and service can reach: settings, database, hashing, templates, mail.

use std::sync::Arc;

use crate::assets::Assets;
use crate::auth::password::PasswordHasher;
use crate::config::Settings;
use crate::db::Db;
use crate::email::outbox::MailQueue;
use crate::rate_limit::RateLimiter;
use crate::services::consultation_counts::CountsCache;
use crate::services::consultations::ConsultationRows;
use crate::templates::Templates;
use crate::web::anonymous_pages::AnonymousPages;

/// Shared application state, cheap to clone.
#[derive(Clone)]
pub struct AppState {
    pub settings: Arc<Settings>,
    pub db: Db,
    pub hasher: PasswordHasher,
    pub templates: Templates,
    pub assets: Assets,
    pub mail: MailQueue,
    pub limiter: RateLimiter,
    /// Rendered pages shared by anonymous readers.
    pub anonymous_pages: AnonymousPages,
    /// Per-consultation totals shown on every page about a consultation.
    pub counts: CountsCache,
    /// Consultation rows by slug, read on every page about a consultation.
    pub consultation_rows: ConsultationRows,
    /// Signed-in sessions by token hash, read on every request of a signed-in person.
    pub live_sessions: Arc<crate::services::sessions::LiveSessions>,
}

impl AppState {
    /// Builds the state from validated settings (opens the database, loads templates).
    pub fn build(settings: Settings) -> anyhow::Result<Self> {
        let settings = Arc::new(settings);
        let db = Db::connect(&settings)?;
        let assets = Assets::load();
        let templates = Templates::load(&assets, settings.timezone)?;
        let hasher = PasswordHasher::new(settings.max_concurrent_hashes)?;
        let mail = MailQueue::new(templates.clone(), settings.clone());
        let limiter = RateLimiter::new(db.clone());
        let counts = CountsCache::new(db.clone());
        let consultation_rows = ConsultationRows::new(db.clone());
        let live_sessions = Arc::new(crate::services::sessions::LiveSessions::new(db.clone()));
        Ok(Self {
            settings,
            db,
            hasher,
            templates,
            assets,
            mail,
            limiter,
            anonymous_pages: AnonymousPages::new()?,
            counts,
            consultation_rows,
            live_sessions,
        })
    }
}
