//! The search page: one form (words, consultation) and the ideas and comments found, with
//! the matched words marked. Works without JavaScript; every link is a plain GET.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use serde::Serialize;

use crate::domain::fields::FieldErrors;
use crate::error::AppError;
use crate::http::identity::Viewer;
use crate::http::state::AppState;
use crate::services::consultations;
use crate::services::search::{self, Kind, SearchQuery};
use crate::web::page::{PageContext, insert_errors};

/// A consultation in the filter's list.
#[derive(Serialize)]
struct ConsultationOption {
    slug: String,
    title: String,
}

/// A link to a search page, built here so that every value is URL-encoded.
fn search_url(
    q: &str,
    consultation: Option<&str>,
    kind: Option<Kind>,
    cursor: Option<&str>,
) -> String {
    let mut pairs: Vec<(&str, &str)> = vec![("q", q)];
    if let Some(slug) = consultation {
        pairs.push(("consultation", slug));
    }
    if let Some(kind) = kind {
        pairs.push(("type", kind.as_str()));
    }
    if let Some(cursor) = cursor {
        pairs.push(("cursor", cursor));
    }
    format!(
        "/search?{}",
        serde_urlencoded::to_string(pairs).unwrap_or_default()
    )
}

/// The form field a refusal is about, for the error summary's link.
fn field_of(code: &str) -> &'static str {
    match code {
        "error-search-consultation-unknown" => "consultation",
        _ => "q",
    }
}

/// `GET /search?q=…&consultation=…`: the form alone when there is nothing to search for yet;
/// the form with its error (400) when the request cannot be searched.
#[tracing::instrument(skip_all)]
pub async fn page(
    state: web::Data<AppState>,
    page: PageContext,
    viewer: Viewer,
    query: web::Query<SearchQuery>,
) -> Result<HttpResponse, AppError> {
    let query = query.into_inner();
    let options: Vec<ConsultationOption> = consultations::list(&state, viewer.actor(), None)
        .await?
        .into_iter()
        .map(|c| ConsultationOption {
            slug: c.slug,
            title: c.title,
        })
        .collect();
    let selected = query
        .consultation
        .as_deref()
        .map(str::trim)
        .unwrap_or("")
        .to_owned();
    let mut ctx = tera::Context::new();
    ctx.insert("q", query.q.as_deref().unwrap_or(""));
    ctx.insert("selected_consultation", &selected);
    ctx.insert("consultations", &options);
    ctx.insert("searched", &false);

    let blank = search::clean_query(query.q.as_deref().unwrap_or("")).is_empty();
    if blank && query.cursor.as_deref().is_none_or(|c| c.trim().is_empty()) {
        return page.ok(&state, "search.html", ctx);
    }
    let outcome = match search::parse_query(&query) {
        Ok(request) => search::search(&state, viewer.person(), request).await,
        Err(e) => Err(e),
    };
    let results = match outcome {
        Ok(results) => results,
        Err(AppError::BadRequest(code)) => {
            insert_errors(&mut ctx, &FieldErrors::single(field_of(code), code));
            return page.render(&state, "search.html", ctx, StatusCode::BAD_REQUEST);
        }
        Err(other) => return Err(other),
    };

    let consultation = results.consultation.as_ref().map(|c| c.slug.as_str());
    let next = |kind: Kind, cursor: Option<&String>| {
        cursor.map(|c| search_url(&results.query, consultation, Some(kind), Some(c)))
    };
    let ideas_next = next(
        Kind::Ideas,
        results.ideas.as_ref().and_then(|p| p.next_cursor.as_ref()),
    );
    let comments_next = next(
        Kind::Comments,
        results
            .comments
            .as_ref()
            .and_then(|p| p.next_cursor.as_ref()),
    );
    // On a later page of one kind, a way back to the first page of both.
    let one_kind = results.ideas.is_none() || results.comments.is_none();
    let nothing = results.ideas.as_ref().is_none_or(|p| p.items.is_empty())
        && results.comments.as_ref().is_none_or(|p| p.items.is_empty());
    let count = |total: i64, capped: bool| {
        if capped {
            format!("{total}+")
        } else {
            total.to_string()
        }
    };
    ctx.insert(
        "ideas_count",
        &results
            .ideas
            .as_ref()
            .map_or(String::new(), |p| count(p.total, p.total_capped)),
    );
    ctx.insert(
        "comments_count",
        &results
            .comments
            .as_ref()
            .map_or(String::new(), |p| count(p.total, p.total_capped)),
    );
    ctx.insert("searched", &true);
    ctx.insert("results", &results);
    ctx.insert("nothing_found", &nothing);
    ctx.insert("ideas_next_url", &ideas_next.unwrap_or_default());
    ctx.insert("comments_next_url", &comments_next.unwrap_or_default());
    ctx.insert(
        "all_results_url",
        &if one_kind {
            search_url(&results.query, consultation, None, None)
        } else {
            String::new()
        },
    );
    page.ok(&state, "search.html", ctx)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn links_encode_every_value() {
        assert_eq!(
            search_url(
                "100% & a_b #x",
                Some("plan"),
                Some(Kind::Ideas),
                Some("abc")
            ),
            "/search?q=100%25+%26+a_b+%23x&consultation=plan&type=ideas&cursor=abc"
        );
        assert_eq!(
            search_url("行政", None, None, None),
            "/search?q=%E8%A1%8C%E6%94%BF"
        );
    }
}
