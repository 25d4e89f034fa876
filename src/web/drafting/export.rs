//! `/c/{slug}/export`: a form for drafters and admins (format, section, tag, response status,
//! dates, hidden content) whose GET submission downloads the file through the signed-in
//! session, streamed exactly like the API's export. A refused filter shows the form again
//! with the problem next to its field.

use actix_web::http::StatusCode;
use actix_web::http::header::{CACHE_CONTROL, CONTENT_DISPOSITION, CONTENT_TYPE};
use actix_web::{HttpResponse, web};
use serde::Serialize;

use crate::domain::identity::Identity;
use crate::domain::policy;

use crate::domain::response_status::ResponseStatus;
use crate::error::AppError;
use crate::http::identity::SignedIn;
use crate::http::state::AppState;
use crate::services::campaigns;
use crate::services::consultations;
use crate::services::export::{self, ExportQuery};
use crate::services::tags;
use crate::web::consultation_header::insert_consultation;
use crate::web::drafting::{SummaryError, insert_nav};
use crate::web::page::PageContext;

/// The form's values, as last submitted.
#[derive(Default, Serialize)]
struct Values {
    format: String,
    section: String,
    tag: String,
    status: String,
    from: String,
    to: String,
    include_hidden: bool,
}

impl From<&ExportQuery> for Values {
    fn from(q: &ExportQuery) -> Self {
        let v = |o: &Option<String>| o.as_deref().unwrap_or("").trim().to_owned();
        Values {
            format: v(&q.format),
            section: v(&q.section),
            tag: v(&q.tag),
            status: v(&q.status),
            from: v(&q.from),
            to: v(&q.to),
            include_hidden: matches!(q.include_hidden.as_deref(), Some("true") | Some("1")),
        }
    }
}

/// Which field a refused export is about.
fn field_of(code: &str) -> &'static str {
    match code {
        "error-format-invalid" => "format",
        "error-section-unknown" => "section",
        "error-tag-unknown" => "tag",
        "error-status-invalid" => "status",
        "error-date-range-invalid" => "to",
        "error-date-invalid" => "from",
        _ => "include_hidden",
    }
}

async fn render_form(
    state: &AppState,
    page: &PageContext,
    identity: &Identity,
    slug: &str,
    values: Values,
    error: Option<&'static str>,
) -> Result<HttpResponse, AppError> {
    let actor = identity.user.actor();
    policy::can_draft(&actor)?;
    let c = consultations::get(state, Some(actor), slug).await?;
    let tags = tags::list(state, Some(actor), &c.slug).await?;
    let mut ctx = tera::Context::new();
    insert_consultation(&mut ctx, state, &c);
    insert_nav(&mut ctx, "export", Some(&actor));
    let counts = campaigns::counts(state, identity, &c.slug, page.lang).await?;
    ctx.insert("counting_rule", &counts.counting_rule);
    ctx.insert("counts", &counts);
    ctx.insert("tags", &tags);
    ctx.insert("statuses", &ResponseStatus::NAMES);
    ctx.insert("v", &values);
    ctx.insert("action", &format!("/c/{}/export/download", c.slug));
    let status = match error {
        Some(code) => {
            let field = field_of(code);
            ctx.insert("errors", &std::collections::BTreeMap::from([(field, code)]));
            ctx.insert(
                "error_list",
                &[SummaryError {
                    field: field.to_owned(),
                    code,
                }],
            );
            StatusCode::UNPROCESSABLE_ENTITY
        }
        None => StatusCode::OK,
    };
    page.render(state, "drafting/export.html", ctx, status)
}

/// The export form (drafters and admins only).
#[tracing::instrument(skip_all)]
pub async fn form(
    state: web::Data<AppState>,
    page: PageContext,
    SignedIn(identity): SignedIn,
    path: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let values = Values {
        format: "csv".to_owned(),
        ..Values::default()
    };
    render_form(&state, &page, &identity, &path, values, None).await
}

/// Streams the file: CSV (UTF-8 with a BOM, so Excel reads Japanese), XLSX or JSON.
#[tracing::instrument(skip_all)]
pub async fn download(
    state: web::Data<AppState>,
    page: PageContext,
    SignedIn(identity): SignedIn,
    path: web::Path<String>,
    query: web::Query<ExportQuery>,
) -> Result<HttpResponse, AppError> {
    let query = query.into_inner();
    let values = Values::from(&query);
    let plan = match export::plan(&state, Some(&identity), &path, query, page.lang, false).await {
        Ok(plan) => plan,
        Err(AppError::BadRequest(code)) => {
            return render_form(&state, &page, &identity, &path, values, Some(code)).await;
        }
        Err(err) => return Err(err),
    };
    tracing::info!(format = plan.format.extension(), "export started");
    let rx = export::stream(state.db.clone(), plan.clone());
    let body = futures_util::stream::unfold(rx, |mut rx| async move {
        rx.recv().await.map(|item| (item, rx))
    });
    Ok(HttpResponse::Ok()
        .insert_header((CONTENT_TYPE, plan.format.content_type()))
        .insert_header((
            CONTENT_DISPOSITION,
            format!("attachment; filename=\"{}\"", plan.filename()),
        ))
        .insert_header((CACHE_CONTROL, "no-store"))
        .streaming(body))
}
