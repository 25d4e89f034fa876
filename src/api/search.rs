//! `GET /api/v1/search`: ideas and comments containing every word of a query, with
//! highlighted snippets as plain-text segments (never HTML).

use actix_web::{HttpResponse, web};
use serde::Serialize;
use utoipa::ToSchema;

use crate::api::schema::{Problem, time};
use crate::domain::search_text::{self, Segment};
use crate::error::AppError;
use crate::http::identity::MaybeUser;
use crate::http::state::AppState;
use crate::services::search::{
    self, CommentResult, IdeaResult, ResultPage, SearchQuery, SearchResults,
};

/// A piece of text; `hit` pieces are where the query matched. Concatenated, the pieces
/// give the plain text; clients escape each piece and mark the hits as they like.
#[derive(Serialize, ToSchema)]
pub struct Highlight {
    pub text: String,
    pub hit: bool,
}

fn highlights(segments: &[Segment]) -> Vec<Highlight> {
    segments
        .iter()
        .map(|s| Highlight {
            text: s.text.clone(),
            hit: s.hit,
        })
        .collect()
}

/// An idea that matched (title or body).
#[derive(Serialize, ToSchema)]
pub struct IdeaHit {
    /// Always `idea`.
    #[serde(rename = "type")]
    pub kind: String,
    pub id: i64,
    pub receipt: String,
    /// The consultation's slug.
    pub consultation: String,
    pub consultation_title: String,
    pub title: String,
    pub title_highlight: Vec<Highlight>,
    /// `published` or `withdrawn`.
    pub status: String,
    pub withdrawn: bool,
    /// The idea's page, e.g. `/ideas/12`.
    pub url: String,
    /// About 120 characters of the body around the first match, `…` where cut.
    pub snippet: Vec<Highlight>,
    pub snippet_text: String,
    pub created_at: String,
}

impl From<&IdeaResult> for IdeaHit {
    fn from(i: &IdeaResult) -> Self {
        Self {
            kind: "idea".to_owned(),
            id: i.id,
            receipt: i.receipt.clone(),
            consultation: i.consultation.clone(),
            consultation_title: i.consultation_title.clone(),
            title: i.title.clone(),
            title_highlight: highlights(&i.title_highlight),
            status: i.status.clone(),
            withdrawn: i.withdrawn,
            url: i.url.clone(),
            snippet: highlights(&i.snippet),
            snippet_text: search_text::plain(&i.snippet),
            created_at: time(i.created_at),
        }
    }
}

/// A comment that matched, with the idea it is on.
#[derive(Serialize, ToSchema)]
pub struct CommentHit {
    /// Always `comment`.
    #[serde(rename = "type")]
    pub kind: String,
    pub id: i64,
    pub idea_id: i64,
    pub idea_title: String,
    pub idea_withdrawn: bool,
    pub consultation: String,
    pub consultation_title: String,
    /// The comment on its idea's page: `/ideas/{idea_id}#comment-{id}`.
    pub url: String,
    pub snippet: Vec<Highlight>,
    pub snippet_text: String,
    pub created_at: String,
}

impl From<&CommentResult> for CommentHit {
    fn from(c: &CommentResult) -> Self {
        Self {
            kind: "comment".to_owned(),
            id: c.id,
            idea_id: c.idea_id,
            idea_title: c.idea_title.clone(),
            idea_withdrawn: c.idea_withdrawn,
            consultation: c.consultation.clone(),
            consultation_title: c.consultation_title.clone(),
            url: c.url.clone(),
            snippet: highlights(&c.snippet),
            snippet_text: search_text::plain(&c.snippet),
            created_at: time(c.created_at),
        }
    }
}

/// One page of one kind of result. Pass `next_cursor` as `cursor` for the next page of
/// this kind (null at the end).
#[derive(Serialize, ToSchema)]
pub struct HitPage<T: ToSchema> {
    pub items: Vec<T>,
    pub next_cursor: Option<String>,
    /// How many match in all, counted up to 1000.
    pub total: i64,
    /// True when more than 1000 match.
    pub total_capped: bool,
}

impl<T: ToSchema> HitPage<T> {
    fn from_page<R>(page: &ResultPage<R>, item: impl Fn(&R) -> T) -> Self {
        Self {
            items: page.items.iter().map(item).collect(),
            next_cursor: page.next_cursor.clone(),
            total: page.total,
            total_capped: page.total_capped,
        }
    }
}

/// What a search found. A kind that was not searched (see `type`, or a cursor of the other
/// kind) is null.
#[derive(Serialize, ToSchema)]
pub struct SearchResponse {
    /// The query as searched (trimmed).
    pub query: String,
    /// The words every result contains.
    pub terms: Vec<String>,
    /// The consultation searched, or null for all.
    pub consultation: Option<String>,
    pub ideas: Option<HitPage<IdeaHit>>,
    pub comments: Option<HitPage<CommentHit>>,
}

impl From<&SearchResults> for SearchResponse {
    fn from(r: &SearchResults) -> Self {
        Self {
            query: r.query.clone(),
            terms: r.terms.clone(),
            consultation: r.consultation.as_ref().map(|c| c.slug.clone()),
            ideas: r
                .ideas
                .as_ref()
                .map(|p| HitPage::from_page(p, |i| IdeaHit::from(i))),
            comments: r
                .comments
                .as_ref()
                .map(|p| HitPage::from_page(p, |c| CommentHit::from(c))),
        }
    }
}

/// Full-text search over ideas and comments, across consultations or within one, in
/// Japanese and English. Results contain every space-separated word of `q` (case and width
/// ignored); quotes, `%`, `_`, `*` and operators match literally. Most relevant first, then
/// newest. Withdrawn ideas are included and marked.
#[utoipa::path(get, path = "/api/v1/search", tag = "search",
    params(("q" = String, Query, description = "1 to 200 characters"),
        ("consultation" = Option<String>, Query, description = "A consultation's slug; all consultations when absent"),
        ("type" = Option<String>, Query, description = "ideas, comments or all (default)"),
        ("cursor" = Option<String>, Query, description = "next_cursor of a previous page (implies its type)"),
        ("limit" = Option<i64>, Query, description = "1 to 50 per kind, default 20")),
    responses((status = 200, body = SearchResponse),
        (status = 400, description = "Empty or too long query, unknown consultation, type, cursor, limit or parameter", body = Problem)))]
#[tracing::instrument(skip_all)]
pub async fn search(
    state: web::Data<AppState>,
    MaybeUser(viewer): MaybeUser,
    query: web::Query<SearchQuery>,
) -> Result<HttpResponse, AppError> {
    let request = search::parse_query(&query)?;
    let results = search::search(&state, viewer.as_ref(), request).await?;
    Ok(HttpResponse::Ok().json(SearchResponse::from(&results)))
}
