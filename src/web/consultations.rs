//! `/c/{slug}`: a consultation's page — its plan with a table of contents, the number of
//! ideas per section, the most supported ideas, share links and the feed.

use actix_web::{HttpResponse, web};
use serde::Serialize;

use crate::error::AppError;
use crate::http::identity::Viewer;
use crate::http::state::AppState;
use crate::services::consultations::{self};
use crate::services::ideas::{self, ListQuery};
use crate::web::consultation_header::insert_consultation;
use crate::web::page::PageContext;
use crate::web::share_links::with_query;

/// How many ideas the consultation page previews.
const TOP_IDEAS: &str = "5";

/// A table-of-contents entry with its links.
#[derive(Serialize)]
struct TocEntry<'a> {
    key: &'a str,
    heading: &'a str,
    level: i32,
    idea_count: i64,
    ideas_url: String,
}

#[tracing::instrument(skip_all)]
pub async fn show(
    state: web::Data<AppState>,
    page: PageContext,
    viewer: Viewer,
    path: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let actor = viewer.actor();
    let c = consultations::get(&state, actor, &path).await?;
    let top = ideas::parse_list(&ListQuery {
        sort: Some("top".to_owned()),
        limit: Some(TOP_IDEAS.to_owned()),
        ..ListQuery::default()
    })?;
    let top = ideas::list(&state, viewer.person(), &c.slug, top).await?;
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
