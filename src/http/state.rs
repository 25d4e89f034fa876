//! What every handler can reach: the services' context, and what only the faces need
//! (templates and static files).

use std::ops::Deref;
use std::sync::Arc;

use crate::assets::Assets;
use crate::config::Settings;
use crate::services::context::ServiceContext;
use crate::templates::Templates;

/// Shared application state, cheap to clone.
#[derive(Clone)]
pub struct AppState {
    pub services: ServiceContext,
    pub templates: Templates,
    pub assets: Assets,
}

/// Handlers pass `&state` where a service wants its context.
impl Deref for AppState {
    type Target = ServiceContext;

    fn deref(&self) -> &ServiceContext {
        &self.services
    }
}

impl AppState {
    /// Builds the state from validated settings (opens the database, loads templates).
    pub fn build(settings: Settings) -> anyhow::Result<Self> {
        let settings = Arc::new(settings);
        let assets = Assets::load();
        let templates = Templates::load(&assets, settings.timezone)?;
        let services = ServiceContext::build(settings, templates.clone())?;
        Ok(Self {
            services,
            templates,
            assets,
        })
    }
}
