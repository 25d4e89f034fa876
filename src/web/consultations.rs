//! `/c/{slug}`: a consultation's page — its plan with a table of contents, the number of
//! ideas per section, the most supported ideas, share links and the feed.

use actix_web::{HttpResponse, web};
use serde::Serialize;

use crate::auth::identity::MaybeUser;
use crate::domain::markdown;
use crate::error::AppError;
use crate::services::consultations::{self, ConsultationView};
use crate::services::ideas::{self, ListQuery};
use crate::state::AppState;
use crate::web::page::PageContext;
use crate::web::sharing::{self, with_query};

/// How many ideas the consultation page previews.
const TOP_IDEAS: &str = "5";
/// Longest meta description, in characters.
pub const DESCRIPTION_CHARS: usize = 200;

/// A table-of-contents entry with its links.
#[derive(Serialize)]
struct TocEntry<'a> {
    key: &'a str,
    heading: &'a str,
    level: i32,
    idea_count: i64,
    ideas_url: String,
}

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
    let (meta, share) = sharing::share(state, &path, &c.title, &description(c), "website");
    ctx.insert("c", c);
    ctx.insert("meta", &meta);
    ctx.insert("share", &share);
    ctx.insert("feed_url", &format!("{path}/feed.atom"));
}

#[tracing::instrument(skip_all)]
pub async fn show(
    state: web::Data<AppState>,
    page: PageContext,
    MaybeUser(viewer): MaybeUser,
    path: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let actor = viewer.as_ref().map(|v| v.user.actor());
    let c = consultations::get(&state, actor, &path).await?;
    let top = ideas::parse_list(&ListQuery {
        sort: Some("top".to_owned()),
        limit: Some(TOP_IDEAS.to_owned()),
        ..ListQuery::default()
    })?;
    let top = ideas::list(&state, viewer.as_ref(), &c.slug, top).await?;
    let ideas_path = format!("/c/{}/ideas", c.slug);
    let toc: Vec<TocEntry> = c
        .sections
        .iter()
        .map(|s| TocEntry {
            key: &s.key,
            heading: &s.heading,
            level: s.level,
            idea_count: s.idea_count,
            ideas_url: with_query(&ideas_path, &[("section", Some(&s.key))]),
        })
        .collect();
    let mut ctx = tera::Context::new();
    insert_consultation(&mut ctx, &state, &c);
    ctx.insert("toc", &toc);
    ctx.insert("top_ideas", &top.items);
    ctx.insert("ideas_url", &ideas_path);
    crate::web::drafting::insert_consultation_links(&mut ctx, actor.as_ref(), &c);
    page.ok(&state, "consultations/show.html", ctx)
}
