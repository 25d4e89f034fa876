//! Finding what has already been said: full-text search over ideas and comments, and similar
//! ideas while someone writes ("once only").

use std::collections::HashMap;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::NaiveDateTime;
use serde::{Deserialize, Serialize};

use crate::db::models::ideas::{self, IdeaFilter};
use crate::db::models::votes;
use crate::db::search::{self, CommentMatch, IdeaMatch, Scope};
use crate::domain::content::VoteValue;
use crate::domain::identity::Identity;
use crate::domain::listing::Sort;
use crate::domain::markdown;
use crate::domain::policy;
use crate::domain::search_text::{self, Segment};
use crate::error::AppError;
use crate::services::consultations::load_visible;
use crate::services::context::ServiceContext;
use crate::services::ideas::{IdeaSummary, TagView};

/// Results per page unless asked otherwise.
pub const DEFAULT_LIMIT: i64 = 20;
/// Most results per page.
pub const MAX_LIMIT: i64 = 50;
/// Pages go no deeper than this many results (relevance pages are counted, not keyed).
pub const MAX_OFFSET: i64 = 1_000;
/// Totals above this are reported as "more than".
pub const TOTAL_CAP: i64 = 1_000;

/// At most this many similar ideas are shown.
pub const SIMILAR_MAX: usize = 5;
/// Below this likeness (0 to 1) an idea is not shown as similar.
pub const SIMILAR_THRESHOLD: f64 = 0.3;
/// Ideas fetched from the index and then scored.
const CANDIDATES: i64 = 100;
/// Pieces of the draft asked of the index.
const QUERY_GRAMS: usize = 32;
/// Only the start of a draft is compared: titles and first paragraphs carry the topic.
const DRAFT_CHARS: usize = 1_000;
/// Of each existing idea, the title and this much of the body are compared.
const BODY_CHARS: usize = 600;

// ---------------------------------------------------------------------------------------
// Search

/// A search request as received (the page's or the API's query string), before validation.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SearchQuery {
    pub q: Option<String>,
    pub consultation: Option<String>,
    /// `ideas`, `comments` or `all` (the default).
    #[serde(rename = "type")]
    pub kind: Option<String>,
    pub cursor: Option<String>,
    pub limit: Option<String>,
}

/// What a search looks through.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    Ideas,
    Comments,
}

impl Kind {
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Ideas => "ideas",
            Kind::Comments => "comments",
        }
    }
}

/// Where the next page of one kind of result starts. Opaque to clients.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
struct SearchCursor {
    #[serde(rename = "k")]
    kind: Kind,
    #[serde(rename = "o")]
    offset: i64,
}

impl SearchCursor {
    fn encode(self) -> String {
        URL_SAFE_NO_PAD.encode(serde_json::to_vec(&self).unwrap_or_default())
    }

    fn decode(raw: &str) -> Option<SearchCursor> {
        let bytes = URL_SAFE_NO_PAD.decode(raw.trim()).ok()?;
        let cursor: SearchCursor = serde_json::from_slice(&bytes).ok()?;
        (1..=MAX_OFFSET).contains(&cursor.offset).then_some(cursor)
    }
}

/// A validated search request.
#[derive(Clone, Debug)]
pub struct SearchRequest {
    /// The query as searched: trimmed, control characters replaced by spaces.
    pub q: String,
    pub consultation: Option<String>,
    /// `None` searches ideas and comments.
    pub kind: Option<Kind>,
    pub offset: i64,
    pub limit: i64,
}

fn non_empty(v: &Option<String>) -> Option<String> {
    v.as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
}

/// The query text as searched: control characters (which no text contains, and which
/// PostgreSQL refuses) become spaces; surrounding spaces go.
pub fn clean_query(raw: &str) -> String {
    raw.chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect::<String>()
        .trim()
        .to_owned()
}

/// Refuses, rather than defaults, anything malformed: an empty or over-long query, an
/// unknown type, a cursor from elsewhere, a limit outside 1 to 50.
pub fn parse_query(query: &SearchQuery) -> Result<SearchRequest, AppError> {
    let q = clean_query(query.q.as_deref().unwrap_or(""));
    if q.is_empty() {
        return Err(AppError::BadRequest("error-search-empty"));
    }
    if q.chars().count() > search::QUERY_MAX_CHARS {
        return Err(AppError::BadRequest("error-search-too-long"));
    }
    let mut kind = match non_empty(&query.kind).as_deref() {
        None | Some("all") => None,
        Some("ideas") => Some(Kind::Ideas),
        Some("comments") => Some(Kind::Comments),
        Some(_) => return Err(AppError::BadRequest("error-search-type-invalid")),
    };
    let mut offset = 0;
    if let Some(raw) = non_empty(&query.cursor) {
        let cursor = SearchCursor::decode(&raw)
            .ok_or(AppError::BadRequest("error-search-cursor-invalid"))?;
        if kind.is_some_and(|k| k != cursor.kind) {
            return Err(AppError::BadRequest("error-search-cursor-invalid"));
        }
        kind = Some(cursor.kind);
        offset = cursor.offset;
    }
    let limit = match non_empty(&query.limit) {
        None => DEFAULT_LIMIT,
        Some(raw) => raw
            .parse::<i64>()
            .ok()
            .filter(|n| (1..=MAX_LIMIT).contains(n))
            .ok_or(AppError::BadRequest("error-search-limit-invalid"))?,
    };
    Ok(SearchRequest {
        q,
        consultation: non_empty(&query.consultation),
        kind,
        offset,
        limit,
    })
}

/// The consultation a search was narrowed to.
#[derive(Clone, Debug, Serialize)]
pub struct ConsultationRef {
    pub slug: String,
    pub title: String,
}

/// One page of one kind of result.
#[derive(Clone, Debug, Serialize)]
pub struct ResultPage<T> {
    pub items: Vec<T>,
    pub next_cursor: Option<String>,
    /// How many match in all, counted up to `TOTAL_CAP`.
    pub total: i64,
    /// Set when more than `TOTAL_CAP` match.
    pub total_capped: bool,
}

/// An idea found by a search. Highlights are segments, never HTML.
#[derive(Clone, Debug, Serialize)]
pub struct IdeaResult {
    pub id: i64,
    pub receipt: String,
    pub consultation: String,
    pub consultation_title: String,
    pub title: String,
    pub title_highlight: Vec<Segment>,
    pub status: String,
    pub withdrawn: bool,
    pub url: String,
    pub snippet: Vec<Segment>,
    pub created_at: NaiveDateTime,
}

/// A comment found by a search, with the idea it belongs to.
#[derive(Clone, Debug, Serialize)]
pub struct CommentResult {
    pub id: i64,
    pub idea_id: i64,
    pub idea_title: String,
    pub idea_withdrawn: bool,
    pub consultation: String,
    pub consultation_title: String,
    pub url: String,
    pub snippet: Vec<Segment>,
    pub created_at: NaiveDateTime,
}

/// What a search found; a kind not searched (see `SearchRequest::kind`) is `None`.
#[derive(Clone, Debug, Serialize)]
pub struct SearchResults {
    pub query: String,
    /// The terms every result contains.
    pub terms: Vec<String>,
    pub consultation: Option<ConsultationRef>,
    pub ideas: Option<ResultPage<IdeaResult>>,
    pub comments: Option<ResultPage<CommentResult>>,
}

/// The stretch of a Markdown text to show: around the first hit in its plain text, else
/// around a hit in the source (a link address, say), else the start of the plain text.
fn snippet_of(markdown_source: &str, terms: &[String]) -> Vec<Segment> {
    let plain = markdown::plain_text(markdown_source, usize::MAX);
    if !search_text::contains_any(&plain, terms)
        && search_text::contains_any(markdown_source, terms)
    {
        return search_text::snippet(markdown_source, terms, search_text::SNIPPET_CHARS);
    }
    search_text::snippet(&plain, terms, search_text::SNIPPET_CHARS)
}

fn idea_result(row: IdeaMatch, terms: &[String]) -> IdeaResult {
    IdeaResult {
        url: format!("/ideas/{}", row.id),
        title_highlight: search_text::highlight(&row.title, terms),
        snippet: snippet_of(&row.body, terms),
        withdrawn: row.status == "withdrawn",
        id: row.id,
        receipt: row.receipt,
        consultation: row.consultation_slug,
        consultation_title: row.consultation_title,
        title: row.title,
        status: row.status,
        created_at: row.created_at,
    }
}

fn comment_result(row: CommentMatch, terms: &[String]) -> CommentResult {
    CommentResult {
        url: format!("/ideas/{}#comment-{}", row.idea_id, row.id),
        snippet: snippet_of(&row.body, terms),
        idea_withdrawn: row.idea_status == "withdrawn",
        id: row.id,
        idea_id: row.idea_id,
        idea_title: row.idea_title,
        consultation: row.consultation_slug,
        consultation_title: row.consultation_title,
        created_at: row.created_at,
    }
}

/// Builds one page from `limit + 1` fetched rows and the capped total.
fn page_of<T, R>(
    kind: Kind,
    rows: Vec<R>,
    offset: i64,
    limit: i64,
    total: i64,
    convert: impl Fn(R) -> T,
) -> ResultPage<T> {
    let has_more = rows.len() as i64 > limit;
    let next = offset + limit;
    ResultPage {
        items: rows.into_iter().take(limit as usize).map(convert).collect(),
        next_cursor: (has_more && next <= MAX_OFFSET)
            .then(|| SearchCursor { kind, offset: next }.encode()),
        total: total.min(TOTAL_CAP),
        total_capped: total > TOTAL_CAP,
    }
}

/// Ideas and comments containing every term of the query, in all consultations the viewer
/// may see or in one: most relevant first, then newest. Ideas of draft consultations are
/// found by staff only; withdrawn ideas are found and marked; deleted comments never.
#[tracing::instrument(skip_all)]
pub async fn search(
    ctx: &ServiceContext,
    viewer: Option<&Identity>,
    request: SearchRequest,
) -> Result<SearchResults, AppError> {
    let actor = viewer.map(|v| v.user.actor());
    ctx.db
        .read(move |c| {
            let consultation = match &request.consultation {
                None => None,
                Some(slug) => Some(load_visible(c, slug, actor.as_ref()).map_err(|e| match e {
                    // Drafts look the same as missing consultations to those who may not see them.
                    AppError::NotFound => AppError::BadRequest("error-search-consultation-unknown"),
                    other => other,
                })?),
            };
            let scope = Scope {
                consultation: consultation.as_ref().map(|row| row.id),
                include_drafts: policy::can_see_drafts(actor.as_ref()),
            };
            let terms = search_text::terms(&request.q);
            let (offset, limit) = (request.offset, request.limit);
            let wants = |kind: Kind| request.kind.is_none_or(|k| k == kind);
            let ideas = if wants(Kind::Ideas) {
                let rows = search::ideas(c, scope, &terms, offset, limit + 1)?;
                let total = search::count_ideas(c, scope, &terms, TOTAL_CAP + 1)?;
                Some(page_of(Kind::Ideas, rows, offset, limit, total, |r| {
                    idea_result(r, &terms)
                }))
            } else {
                None
            };
            let comments = if wants(Kind::Comments) {
                let rows = search::comments(c, scope, &terms, offset, limit + 1)?;
                let total = search::count_comments(c, scope, &terms, TOTAL_CAP + 1)?;
                Some(page_of(Kind::Comments, rows, offset, limit, total, |r| {
                    comment_result(r, &terms)
                }))
            } else {
                None
            };
            Ok(SearchResults {
                query: request.q.clone(),
                consultation: consultation.map(|row| ConsultationRef {
                    slug: row.slug,
                    title: row.title,
                }),
                terms,
                ideas,
                comments,
            })
        })
        .await
}

// ---------------------------------------------------------------------------------------
// Similar ideas

/// An idea that resembles a draft, with how much (0 to 1).
#[derive(Clone, Debug, Serialize)]
pub struct SimilarIdea {
    #[serde(flatten)]
    pub idea: IdeaSummary,
    pub score: f64,
}

/// Up to five published ideas of the consultation most like `text` (a draft's title and
/// body), best first. Works without word boundaries (Japanese) and with them (English).
/// Any text is fine: text with nothing to compare (empty, punctuation, operators) simply
/// finds nothing. Only an unknown (or, for the viewer, invisible) consultation is an error.
#[tracing::instrument(skip_all)]
pub async fn similar(
    ctx: &ServiceContext,
    viewer: Option<&Identity>,
    slug: &str,
    text: &str,
) -> Result<Vec<SimilarIdea>, AppError> {
    let draft: String = clean_query(text).chars().take(DRAFT_CHARS).collect();
    let actor = viewer.map(|v| v.user.actor());
    let viewer_id = viewer.map(|v| v.user.id.0);
    let slug = slug.to_owned();
    ctx.db
        .read(move |c| {
            let consultation = load_visible(c, &slug, actor.as_ref())?;
            let wanted = search_text::features(&draft);
            let grams = search_text::index_grams(&draft, QUERY_GRAMS);
            if wanted.len() < 2 || grams.is_empty() {
                return Ok(Vec::new());
            }
            let ids = search::similar_candidates(c, consultation.id, &grams, CANDIDATES)?;
            if ids.is_empty() {
                return Ok(Vec::new());
            }
            let filter = IdeaFilter {
                ids: Some(ids),
                ..IdeaFilter::default()
            };
            let rows = ideas::list(c, consultation.id, &filter, Sort::New, None, CANDIDATES)?;
            let mut scored: Vec<_> = rows
                .into_iter()
                .filter(|(row, _)| !row.is_withdrawn())
                // "Support this instead" cannot point at the writer's own idea.
                .filter(|(row, _)| Some(row.author_id) != viewer_id)
                .filter_map(|(row, author)| {
                    let title = search_text::likeness(&wanted, &search_text::features(&row.title));
                    let whole = format!(
                        "{}\n{}",
                        row.title,
                        markdown::plain_text(&row.body, BODY_CHARS)
                    );
                    let score = title.max(search_text::likeness(
                        &wanted,
                        &search_text::features(&whole),
                    ));
                    (score >= SIMILAR_THRESHOLD).then_some((row, author, score))
                })
                .collect();
            scored.sort_by(|a, b| {
                b.2.total_cmp(&a.2)
                    .then(b.0.support_count.cmp(&a.0.support_count))
                    .then(b.0.id.cmp(&a.0.id))
            });
            scored.truncate(SIMILAR_MAX);
            let ids: Vec<i64> = scored.iter().map(|(row, _, _)| row.id).collect();
            let mut tags: HashMap<i64, Vec<TagView>> = HashMap::new();
            for (idea, slug, name_ja, name_en, color) in ideas::tags_of(c, &ids)? {
                tags.entry(idea).or_default().push(TagView {
                    slug,
                    name_ja,
                    name_en,
                    color,
                });
            }
            let mine: HashMap<i64, VoteValue> = match viewer_id {
                None => HashMap::new(),
                Some(user) => votes::mine(c, user, &ids)?
                    .into_iter()
                    .filter_map(|(idea, v)| VoteValue::from_i32(v).map(|v| (idea, v)))
                    .collect(),
            };
            Ok(scored
                .into_iter()
                .map(|(row, author, score)| SimilarIdea {
                    idea: crate::services::ideas::summary(
                        &row,
                        author,
                        &consultation.slug,
                        tags.remove(&row.id).unwrap_or_default(),
                        mine.get(&row.id).copied(),
                    ),
                    score: (score * 1000.0).round() / 1000.0,
                })
                .collect())
        })
        .await
}

#[cfg(test)]
mod tests {
    use super::*;

    fn query(q: &str) -> SearchQuery {
        SearchQuery {
            q: Some(q.to_owned()),
            ..SearchQuery::default()
        }
    }

    fn refused(query: &SearchQuery) -> &'static str {
        match parse_query(query) {
            Err(AppError::BadRequest(key)) => key,
            other => panic!("expected 400, got {other:?}"),
        }
    }

    #[test]
    fn queries_are_trimmed_and_bounded() {
        assert_eq!(
            parse_query(&query("  デジタル \u{0} ")).map(|r| r.q).ok(),
            Some("デジタル".to_owned())
        );
        assert_eq!(refused(&query("")), "error-search-empty");
        assert_eq!(refused(&query(" \t\u{3000}")), "error-search-empty");
        assert_eq!(refused(&SearchQuery::default()), "error-search-empty");
        assert!(parse_query(&query(&"字".repeat(200))).is_ok());
        assert_eq!(refused(&query(&"字".repeat(201))), "error-search-too-long");
    }

    #[test]
    fn types_limits_and_cursors_are_checked() {
        let with = |f: fn(&mut SearchQuery)| {
            let mut q = query("x");
            f(&mut q);
            q
        };
        assert_eq!(
            refused(&with(|q| q.kind = Some("people".into()))),
            "error-search-type-invalid"
        );
        assert_eq!(
            refused(&with(|q| q.limit = Some("0".into()))),
            "error-search-limit-invalid"
        );
        assert_eq!(
            refused(&with(|q| q.limit = Some("51".into()))),
            "error-search-limit-invalid"
        );
        assert_eq!(
            refused(&with(|q| q.limit = Some("ten".into()))),
            "error-search-limit-invalid"
        );
        assert_eq!(
            refused(&with(|q| q.cursor = Some("garbage!".into()))),
            "error-search-cursor-invalid"
        );
        let deep = SearchCursor {
            kind: Kind::Ideas,
            offset: MAX_OFFSET + 1,
        }
        .encode();
        assert_eq!(
            refused(&with(move |q| q.cursor = Some(
                SearchCursor {
                    kind: Kind::Ideas,
                    offset: 0
                }
                .encode()
            ))),
            "error-search-cursor-invalid"
        );
        let mut q = query("x");
        q.cursor = Some(deep);
        assert_eq!(refused(&q), "error-search-cursor-invalid");

        let mut q = query("x");
        q.cursor = Some(
            SearchCursor {
                kind: Kind::Comments,
                offset: 40,
            }
            .encode(),
        );
        let parsed = parse_query(&q).expect("valid");
        assert_eq!(
            (parsed.kind, parsed.offset, parsed.limit),
            (Some(Kind::Comments), 40, DEFAULT_LIMIT)
        );
        q.kind = Some("ideas".into());
        assert_eq!(refused(&q), "error-search-cursor-invalid");
    }

    #[test]
    fn pages_know_whether_more_follow() {
        let page = page_of(Kind::Ideas, vec![1, 2, 3], 0, 2, 3, |x| x);
        assert_eq!(page.items, [1, 2]);
        let next = SearchCursor::decode(page.next_cursor.as_deref().expect("more")).expect("valid");
        assert_eq!(
            next,
            SearchCursor {
                kind: Kind::Ideas,
                offset: 2
            }
        );
        let last = page_of(Kind::Ideas, vec![3], 2, 2, 3, |x| x);
        assert_eq!(last.next_cursor, None);
        let capped = page_of(
            Kind::Comments,
            vec![0; 3],
            MAX_OFFSET - 1,
            2,
            TOTAL_CAP + 1,
            |x| x,
        );
        assert_eq!(
            (capped.next_cursor, capped.total, capped.total_capped),
            (None, TOTAL_CAP, true)
        );
    }
}
