//! Finding what has already been said: similar ideas while someone writes ("once only").

use serde::Serialize;

use crate::auth::identity::Identity;
use crate::db::models::ideas::{self, IdeaFilter};
use crate::db::search;
use crate::domain::listing::Sort;
use crate::domain::similarity;
use crate::error::AppError;
use crate::services::consultations::load_visible;
use crate::services::ideas::{AuthorView, IdeaSummary};
use crate::state::AppState;

/// At most this many similar ideas are shown.
pub const SIMILAR_MAX: usize = 5;
/// Below this score an idea is not shown as similar.
pub const SIMILAR_THRESHOLD: f64 = 0.15;
const CANDIDATES: i64 = 200;
const QUERY_TRIGRAMS: usize = 24;
/// Only the start of long texts is compared: titles and first paragraphs carry the topic.
const COMPARED_CHARS: usize = 600;

/// An idea that resembles a draft, with how much (0 to 1).
#[derive(Clone, Debug, Serialize)]
pub struct SimilarIdea {
    #[serde(flatten)]
    pub idea: IdeaSummary,
    pub score: f64,
}

fn head(text: &str) -> String {
    text.chars().take(COMPARED_CHARS).collect()
}

/// Up to five ideas of the consultation most like `text` (a draft's title and body).
pub async fn similar(
    state: &AppState,
    viewer: Option<&Identity>,
    slug: &str,
    text: &str,
) -> Result<Vec<SimilarIdea>, AppError> {
    let text = text.trim().to_owned();
    if text.chars().count()
        > crate::domain::content::IDEA_BODY_MAX_CHARS + crate::domain::content::IDEA_TITLE_MAX_CHARS
    {
        return Err(AppError::BadRequest("error-search-too-long"));
    }
    let actor = viewer.map(|v| v.user.actor());
    let slug = slug.to_owned();
    state
        .db
        .read(move |c| {
            let consultation = load_visible(c, &slug, actor.as_ref())?;
            let query = similarity::bigrams(&head(&text));
            if query.len() < 2 {
                return Ok(Vec::new());
            }
            let grams = similarity::trigrams(&head(&text), QUERY_TRIGRAMS);
            let ids = search::idea_ids_sharing_trigrams(c, consultation.id, &grams, CANDIDATES)?;
            if ids.is_empty() {
                return Ok(Vec::new());
            }
            let filter = IdeaFilter {
                ids: Some(ids),
                ..IdeaFilter::default()
            };
            let rows = ideas::list(c, consultation.id, &filter, Sort::New, None, CANDIDATES)?;
            let mut scored: Vec<SimilarIdea> = rows
                .into_iter()
                .filter(|(row, _)| !row.is_withdrawn())
                .map(|(row, author)| {
                    let title_score = similarity::score(&query, &similarity::bigrams(&row.title));
                    let body_score =
                        similarity::score(&query, &similarity::bigrams(&head(&row.body)));
                    let score = title_score.max(body_score);
                    let idea = IdeaSummary {
                        id: row.id,
                        receipt: row.receipt.clone(),
                        consultation: consultation.slug.clone(),
                        section: row.section_key.clone(),
                        title: row.title.clone(),
                        excerpt: crate::domain::markdown::plain_text(&row.body, 140),
                        status: row.status.clone(),
                        response_status: row.response_status.clone(),
                        support_count: row.support_count,
                        oppose_count: row.oppose_count,
                        comment_count: row.comment_count,
                        created_at: row.created_at,
                        edited: row.edited_at.is_some(),
                        author: AuthorView {
                            display_name: author,
                        },
                        tags: Vec::new(),
                        my_vote: None,
                    };
                    SimilarIdea {
                        idea,
                        score: (score * 1000.0).round() / 1000.0,
                    }
                })
                .filter(|s| s.score >= SIMILAR_THRESHOLD)
                .collect();
            scored.sort_by(|a, b| {
                b.score
                    .total_cmp(&a.score)
                    .then(b.idea.support_count.cmp(&a.idea.support_count))
            });
            scored.truncate(SIMILAR_MAX);
            Ok(scored)
        })
        .await
}
