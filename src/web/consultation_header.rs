//! What every page about a consultation shows at its top: the consultation, its description
//! and its share links.

use crate::domain::markdown;
use crate::http::state::AppState;
use crate::services::consultations::ConsultationView;
use crate::web::share_links::{self};

/// Longest meta description, in characters.
pub const DESCRIPTION_CHARS: usize = 200;

/// The description a consultation shows to link previews.
pub fn description(c: &ConsultationView) -> String {
    let summary = c.summary.trim();
    if summary.is_empty() {
        markdown::plain_text(&c.body, DESCRIPTION_CHARS)
    } else {
        summary.chars().take(DESCRIPTION_CHARS).collect()
    }
}

/// Adds what every page about a consultation shows in its head and header: the consultation,
/// its feed link, share links and meta tags.
pub fn insert_consultation(ctx: &mut tera::Context, state: &AppState, c: &ConsultationView) {
    let path = format!("/c/{}", c.slug);
    let (meta, share) = share_links::share(state, &path, &c.title, &description(c), "website");
    ctx.insert("c", c);
    ctx.insert("meta", &meta);
    ctx.insert("share", &share);
    ctx.insert("feed_url", &format!("{path}/feed.atom"));
}
