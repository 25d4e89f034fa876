//! Staff pages for submissions received outside the site: the form that records one letter,
//! fax or email; the upload page for a file of many (the browser sends the file to the API
//! and follows its job); and the page of a job with its progress, its line-to-receipt map
//! and its refusals. The services authorise and validate; these handlers show and route.

use actix_web::http::header::{CONTENT_DISPOSITION, CONTENT_TYPE};
use actix_web::{HttpResponse, web};
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::domain::identity::Identity;
use crate::domain::ids::IdeaId;
use crate::domain::policy;
use crate::domain::submission::{Channel, RawSubmission};
use crate::error::AppError;
use crate::http::identity::SignedIn;
use crate::http::state::AppState;
use crate::services::consultations::{self, ConsultationView};
use crate::services::imports;
use crate::services::jobs::{self, JobView};
use crate::services::{ideas, submissions};
use crate::web::consultation_header::insert_consultation;
use crate::web::drafting::insert_nav;
use crate::web::page::{PageContext, see_other};

/// Receipts listed on a job's page; the rest are in its CSV.
const RECEIPTS_SHOWN: usize = 500;

/// Registers the pages.
pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.service(
        web::resource("/c/{slug}/submissions/new")
            .route(web::get().to(record_form))
            .route(web::post().to(record)),
    )
    .service(web::resource("/c/{slug}/submissions/import").route(web::get().to(import_page)))
    .service(web::resource("/jobs/{id}").route(web::get().to(job_page)))
    .service(web::resource("/jobs/{id}/receipts.csv").route(web::get().to(receipts_csv)));
}

/// The record form's fields as typed.
#[derive(Clone, Debug, Default, Deserialize, Serialize)]
pub struct RecordForm {
    #[serde(default)]
    channel: String,
    #[serde(default)]
    received_at: String,
    #[serde(default)]
    submitter_name: String,
    #[serde(default)]
    submitter_email: String,
    #[serde(default)]
    organisation: String,
    #[serde(default)]
    title: String,
    #[serde(default)]
    section: String,
    #[serde(default)]
    body: String,
}

#[derive(Deserialize)]
pub struct RecordedQuery {
    recorded: Option<i64>,
}

/// The channels a person records by hand (web ideas come from the site itself).
const RECORDED_CHANNELS: [Channel; 4] =
    [Channel::Post, Channel::Email, Channel::Fax, Channel::Event];

async fn staff_consultation(
    state: &AppState,
    identity: &Identity,
    slug: &str,
) -> Result<ConsultationView, AppError> {
    let actor = identity.user.actor();
    policy::can_record_submissions(&actor)?;
    consultations::get(state, Some(actor), slug).await
}

/// The submission just recorded, to confirm its receipt number above a fresh form.
#[derive(Serialize)]
struct JustRecorded {
    id: i64,
    receipt: String,
}

async fn render_record(
    state: &AppState,
    page: &PageContext,
    identity: &Identity,
    c: &ConsultationView,
    form: &RecordForm,
    recorded: Option<JustRecorded>,
    errors: Option<&crate::domain::fields::FieldErrors>,
) -> Result<HttpResponse, AppError> {
    let mut ctx = tera::Context::new();
    insert_consultation(&mut ctx, state, c);
    insert_nav(&mut ctx, "record", Some(&identity.user.actor()));
    ctx.insert("form", form);
    ctx.insert("channels", &RECORDED_CHANNELS.map(Channel::as_str).to_vec());
    ctx.insert("recorded", &recorded);
    match errors {
        Some(errors) => page.form_errors(state, "intake/record.html", ctx, errors),
        None => page.ok(state, "intake/record.html", ctx),
    }
}

/// `GET /c/{slug}/submissions/new`: the form for one letter, fax, email or event opinion.
#[tracing::instrument(skip_all)]
pub async fn record_form(
    state: web::Data<AppState>,
    page: PageContext,
    SignedIn(identity): SignedIn,
    path: web::Path<String>,
    query: web::Query<RecordedQuery>,
) -> Result<HttpResponse, AppError> {
    let c = staff_consultation(&state, &identity, &path).await?;
    let recorded = match query.recorded {
        Some(id) => ideas::get(&state, Some(&identity), IdeaId(id))
            .await
            .ok()
            .filter(|idea| idea.summary.consultation == c.slug)
            .map(|idea| JustRecorded {
                id: idea.summary.id,
                receipt: idea.summary.receipt.clone(),
            }),
        None => None,
    };
    let form = RecordForm {
        channel: Channel::Post.as_str().to_owned(),
        ..RecordForm::default()
    };
    render_record(&state, &page, &identity, &c, &form, recorded, None).await
}

fn optional(value: &str) -> Option<&str> {
    Some(value.trim()).filter(|v| !v.is_empty())
}

/// `POST /c/{slug}/submissions/new`: records it and offers the form again with its receipt.
#[tracing::instrument(skip_all)]
pub async fn record(
    state: web::Data<AppState>,
    page: PageContext,
    SignedIn(identity): SignedIn,
    path: web::Path<String>,
    form: web::Form<RecordForm>,
) -> Result<HttpResponse, AppError> {
    let raw = RawSubmission {
        channel: optional(&form.channel),
        // `datetime-local` sends `2026-12-03T10:15`, a local time the parser accepts.
        received_at: optional(&form.received_at),
        title: optional(&form.title),
        body: &form.body,
        section: optional(&form.section),
        submitter_name: optional(&form.submitter_name),
        submitter_email: optional(&form.submitter_email),
        organisation: optional(&form.organisation),
    };
    match submissions::record(&state, &identity, &path, raw).await {
        Ok(recorded) => Ok(see_other(&format!(
            "/c/{}/submissions/new?recorded={}",
            path.as_str(),
            recorded.id
        ))),
        Err(AppError::Validation(errors)) => {
            let c = staff_consultation(&state, &identity, &path).await?;
            render_record(&state, &page, &identity, &c, &form, None, Some(&errors)).await
        }
        Err(err) => Err(err),
    }
}

/// `GET /c/{slug}/submissions/import`: the upload page (the script sends the file to the
/// API with the page's CSRF token and follows the job).
#[tracing::instrument(skip_all)]
pub async fn import_page(
    state: web::Data<AppState>,
    page: PageContext,
    SignedIn(identity): SignedIn,
    path: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let c = staff_consultation(&state, &identity, &path).await?;
    let mut ctx = tera::Context::new();
    insert_consultation(&mut ctx, &state, &c);
    insert_nav(&mut ctx, "import", Some(&identity.user.actor()));
    ctx.insert("max_mb", &(state.settings.import_max_bytes / (1024 * 1024)));
    ctx.insert("channels", &RECORDED_CHANNELS.map(Channel::as_str).to_vec());
    ctx.insert(
        "upload_url",
        &format!("/api/v1/consultations/{}/submissions/import", c.slug),
    );
    page.ok(&state, "intake/import.html", ctx)
}

/// A line of an import and the receipt number its submission got.
#[derive(Serialize)]
struct LineReceipt<'a> {
    line: i64,
    receipt: &'a str,
}

/// A refused line of an import, as the page lists it.
#[derive(Serialize)]
struct LineError {
    line: i64,
    field: String,
    code: String,
    detail: String,
}

fn line_errors(result: Option<&Value>) -> Vec<LineError> {
    result
        .and_then(|r| r.get("errors"))
        .and_then(Value::as_array)
        .map(|errors| {
            errors
                .iter()
                .map(|e| LineError {
                    line: e.get("line").and_then(Value::as_i64).unwrap_or(0),
                    field: e
                        .get("field")
                        .and_then(Value::as_str)
                        .unwrap_or("")
                        .to_owned(),
                    code: e
                        .get("code")
                        .and_then(Value::as_str)
                        .unwrap_or("")
                        .to_owned(),
                    detail: e
                        .get("detail")
                        .and_then(Value::as_str)
                        .unwrap_or("")
                        .to_owned(),
                })
                .collect()
        })
        .unwrap_or_default()
}

fn import_of(job: &JobView) -> Option<i64> {
    (job.kind == "import" && job.status == "done")
        .then(|| job.result.as_ref()?.get("import_id")?.as_i64())
        .flatten()
}

/// `GET /jobs/{id}`: where a job stands; once an import is done, its receipts.
#[tracing::instrument(skip_all)]
pub async fn job_page(
    state: web::Data<AppState>,
    page: PageContext,
    SignedIn(identity): SignedIn,
    path: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    let job = jobs::find_for(&state, &identity, path.into_inner()).await?;
    let receipts = match import_of(&job) {
        Some(import) => imports::receipts(&state, import).await?,
        None => Vec::new(),
    };
    let slug = match job.consultation_id {
        Some(id) => consultations::slug_of(&state, id).await?,
        None => None,
    };
    let mut ctx = tera::Context::new();
    ctx.insert("job", &job);
    ctx.insert("slug", &slug);
    ctx.insert("receipt_count", &receipts.len());
    ctx.insert(
        "receipts",
        &receipts
            .iter()
            .take(RECEIPTS_SHOWN)
            .map(|(line, receipt)| LineReceipt {
                line: *line,
                receipt,
            })
            .collect::<Vec<_>>(),
    );
    ctx.insert("line_errors", &line_errors(job.result.as_ref()));
    ctx.insert(
        "imported",
        &job.result
            .as_ref()
            .and_then(|r| r.get("imported"))
            .and_then(Value::as_i64),
    );
    ctx.insert(
        "percent",
        &if job.progress.total > 0 {
            (job.progress.done * 100 / job.progress.total).clamp(0, 100)
        } else {
            0
        },
    );
    let finished = matches!(job.status.as_str(), "done" | "failed");
    ctx.insert("finished", &finished);
    page.ok(&state, "intake/job.html", ctx)
}

/// `GET /jobs/{id}/receipts.csv`: every line of an import with its receipt number, to write
/// on the letters.
#[tracing::instrument(skip_all)]
pub async fn receipts_csv(
    state: web::Data<AppState>,
    SignedIn(identity): SignedIn,
    path: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    let job = jobs::find_for(&state, &identity, path.into_inner()).await?;
    let import = import_of(&job).ok_or(AppError::NotFound)?;
    let receipts = imports::receipts(&state, import).await?;
    let mut out = String::with_capacity(24 * receipts.len() + 16);
    out.push_str("line,receipt\r\n");
    for (line, receipt) in receipts {
        // Receipts are generated (`[A-Z0-9-]`), so they never need quoting.
        out.push_str(&format!("{line},{receipt}\r\n"));
    }
    Ok(HttpResponse::Ok()
        .insert_header((CONTENT_TYPE, "text/csv; charset=utf-8"))
        .insert_header((
            CONTENT_DISPOSITION,
            format!(
                "attachment; filename=\"ideabox-job-{}-receipts.csv\"",
                job.id
            ),
        ))
        .body(out))
}
