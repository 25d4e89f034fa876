//! Submissions from every channel over the API: recording one, importing a file as a
//! background job, following jobs, and the campaign ledger.

use actix_web::http::header::CONTENT_TYPE;
use actix_web::{HttpRequest, HttpResponse, web};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use utoipa::ToSchema;

use crate::api::schema::{Problem, time};
use crate::domain::ids::IdeaId;
use crate::domain::submission::RawSubmission;
use crate::error::AppError;
use crate::http::identity::SignedIn;
use crate::http::lang::RequestLang;
use crate::http::state::AppState;
use crate::services::campaigns::{self, CampaignItem, Decision, Ledger};
use crate::services::imports::{self, ImportFormat};
use crate::services::jobs;
use crate::services::submissions;

/// A submission received by email, post, fax or at an event. Only `body` is required;
/// `channel` defaults to `post` and `received_at` (ISO 8601) to now. The submitter's name,
/// email and organisation are kept for staff and never published.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SubmissionBody {
    channel: Option<String>,
    #[serde(default)]
    body: String,
    received_at: Option<String>,
    title: Option<String>,
    section: Option<String>,
    submitter_name: Option<String>,
    submitter_email: Option<String>,
    organisation: Option<String>,
}

/// A recorded submission: its id and receipt number.
#[derive(Serialize, ToSchema)]
pub struct RecordedBody {
    pub id: i64,
    pub receipt: String,
}

/// Records one submission (staff: moderators, drafters, admins).
#[utoipa::path(post, path = "/api/v1/consultations/{slug}/submissions", tag = "submissions",
    request_body = SubmissionBody, params(("slug" = String, Path)), security(("bearer" = [])),
    responses((status = 201, body = RecordedBody), (status = 401, body = Problem),
        (status = 403, description = "Not staff, or a consultation in draft", body = Problem),
        (status = 404, body = Problem), (status = 422, description = "Invalid fields", body = Problem)))]
#[tracing::instrument(skip_all)]
pub async fn record(
    state: web::Data<AppState>,
    SignedIn(identity): SignedIn,
    path: web::Path<String>,
    body: web::Json<SubmissionBody>,
) -> Result<HttpResponse, AppError> {
    let raw = RawSubmission {
        channel: body.channel.as_deref(),
        received_at: body.received_at.as_deref(),
        title: body.title.as_deref(),
        body: &body.body,
        section: body.section.as_deref(),
        submitter_name: body.submitter_name.as_deref(),
        submitter_email: body.submitter_email.as_deref(),
        organisation: body.organisation.as_deref(),
    };
    let recorded = submissions::record(&state, &identity, &path, raw).await?;
    Ok(HttpResponse::Created()
        .insert_header(("Location", format!("/api/v1/ideas/{}", recorded.id)))
        .json(RecordedBody {
            id: recorded.id,
            receipt: recorded.receipt,
        }))
}

/// Options of an import: the channel of records that name none (`post` for CSV, `email`
/// for mail by default).
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ImportQuery {
    channel: Option<String>,
}

/// Imports a file of submissions as a background job: the body is the file itself, with
/// `Content-Type: text/csv`, `message/rfc822` or `application/mbox`. The same file again
/// answers with the first import's job and adds nothing.
#[utoipa::path(post, path = "/api/v1/consultations/{slug}/submissions/import", tag = "submissions",
    params(("slug" = String, Path), ("channel" = Option<String>, Query)), security(("bearer" = [])),
    request_body(content = String, content_type = "text/csv"),
    responses((status = 202, description = "The import's job, in `Location` and `job.id`"),
        (status = 401, body = Problem), (status = 403, body = Problem), (status = 404, body = Problem),
        (status = 413, description = "Larger than IDEABOX_IMPORT_MAX_MB", body = Problem),
        (status = 415, description = "Not CSV, message/rfc822 or application/mbox", body = Problem)))]
#[tracing::instrument(skip_all)]
pub async fn import(
    state: web::Data<AppState>,
    req: HttpRequest,
    SignedIn(identity): SignedIn,
    path: web::Path<String>,
    query: web::Query<ImportQuery>,
    body: web::Payload,
) -> Result<HttpResponse, AppError> {
    let format = req
        .headers()
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(ImportFormat::of_content_type)
        .ok_or(AppError::UnsupportedMediaType)?;
    let uploaded = imports::upload(
        &state,
        &identity,
        &path,
        format,
        query.channel.as_deref(),
        body,
    )
    .await?;
    Ok(HttpResponse::Accepted()
        .insert_header(("Location", format!("/api/v1/jobs/{}", uploaded.job_id)))
        .json(json!({
            "job": { "id": uploaded.job_id },
            "repeated": uploaded.repeated,
        })))
}

/// A background job: `status` is queued, running, done or failed; `progress` counts its
/// work; `result` comes once it is done (an import: `imported` and `receipts`, each line's
/// receipt number) or failed for bad input (an import: `errors`, each with `line`, `field`,
/// `code` and `detail`).
#[utoipa::path(get, path = "/api/v1/jobs/{id}", tag = "submissions", params(("id" = i64, Path)),
    security(("bearer" = [])),
    responses((status = 200, description = "The job"), (status = 401, body = Problem), (status = 404, body = Problem)))]
#[tracing::instrument(skip_all)]
pub async fn job(
    state: web::Data<AppState>,
    SignedIn(identity): SignedIn,
    path: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    let job = jobs::find_for(&state, &identity, path.into_inner()).await?;
    let import = match job.result.as_ref() {
        Some(result) if job.kind == "import" && job.status == "done" => {
            result.get("import_id").and_then(Value::as_i64)
        }
        _ => None,
    };
    let receipts = match import {
        Some(import) => Some(imports::receipts(&state, import).await?),
        None => None,
    };
    Ok(HttpResponse::Ok().json(JobBody {
        id: job.id,
        kind: &job.kind,
        status: &job.status,
        progress: json!({ "done": job.progress.done, "total": job.progress.total }),
        created_at: time(job.created_at),
        finished_at: job.finished_at.map(time),
        result: job.result.as_ref().map(|fields| match receipts.as_deref() {
            Some(receipts) => JobResult::Import {
                fields,
                receipts: ReceiptList(receipts),
            },
            None => JobResult::Plain(fields),
        }),
        error: job.error.as_deref(),
    }))
}

/// A job as the API answers it. An import's receipts are written straight from the rows
/// read, one small object each, rather than built as a JSON tree first: 200,000 of them
/// would otherwise cost tens of megabytes at once.
#[derive(Serialize)]
struct JobBody<'a> {
    id: i64,
    kind: &'a str,
    status: &'a str,
    progress: Value,
    created_at: String,
    finished_at: Option<String>,
    result: Option<JobResult<'a>>,
    error: Option<&'a str>,
}

#[derive(Serialize)]
#[serde(untagged)]
enum JobResult<'a> {
    Plain(&'a Value),
    /// A finished import's result (an object) with its receipts added.
    Import {
        #[serde(flatten)]
        fields: &'a Value,
        receipts: ReceiptList<'a>,
    },
}

/// Each imported line with its receipt: `[{"line": 2, "receipt": "IB-2026-000123"}, …]`.
struct ReceiptList<'a>(&'a [(i64, String)]);

impl Serialize for ReceiptList<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        #[derive(Serialize)]
        struct LineReceipt<'a> {
            line: i64,
            receipt: &'a str,
        }
        serializer.collect_seq(self.0.iter().map(|(line, receipt)| LineReceipt {
            line: *line,
            receipt,
        }))
    }
}

/// Paging of the campaign list.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CampaignsQuery {
    cursor: Option<String>,
    limit: Option<String>,
}

/// A campaign: its letter once, its size and arrivals.
#[derive(Serialize, ToSchema)]
pub struct CampaignBody {
    pub id: i64,
    /// Submissions in the campaign.
    pub size: i64,
    pub distinct_texts: i64,
    /// The letter, in its most common spelling.
    pub template: String,
    pub template_receipt: String,
    #[schema(format = DateTime)]
    pub first_at: String,
    #[schema(format = DateTime)]
    pub last_at: String,
}

impl From<&CampaignItem> for CampaignBody {
    fn from(c: &CampaignItem) -> Self {
        CampaignBody {
            id: c.id,
            size: c.size,
            distinct_texts: c.distinct_texts,
            template: c.template.clone(),
            template_receipt: c.template_receipt.clone(),
            first_at: time(c.first_at),
            last_at: time(c.last_at),
        }
    }
}

/// The ledger's counts and one page of campaigns.
#[derive(Serialize, ToSchema)]
pub struct CampaignsBody {
    pub submissions: i64,
    pub distinct_texts: i64,
    pub campaign_count: i64,
    pub in_campaigns: i64,
    /// The counting rule, with the counts, in the request's language.
    pub counting_rule: String,
    pub items: Vec<CampaignBody>,
    pub next_cursor: Option<String>,
}

fn ledger_body(
    ledger: &Ledger,
    items: Vec<CampaignBody>,
    next_cursor: Option<String>,
) -> CampaignsBody {
    CampaignsBody {
        submissions: ledger.submissions,
        distinct_texts: ledger.distinct_texts,
        campaign_count: ledger.campaign_count,
        in_campaigns: ledger.in_campaigns,
        counting_rule: ledger.counting_rule.clone(),
        items,
        next_cursor,
    }
}

/// The campaign ledger of a consultation, largest campaigns first (staff).
#[utoipa::path(get, path = "/api/v1/consultations/{slug}/campaigns", tag = "submissions",
    params(("slug" = String, Path), ("cursor" = Option<String>, Query), ("limit" = Option<i64>, Query)),
    security(("bearer" = [])),
    responses((status = 200, body = CampaignsBody), (status = 400, body = Problem),
        (status = 401, body = Problem), (status = 403, body = Problem), (status = 404, body = Problem)))]
#[tracing::instrument(skip_all)]
pub async fn campaign_list(
    state: web::Data<AppState>,
    RequestLang(lang): RequestLang,
    SignedIn(identity): SignedIn,
    path: web::Path<String>,
    query: web::Query<CampaignsQuery>,
) -> Result<HttpResponse, AppError> {
    let page = campaigns::list(
        &state,
        &identity,
        &path,
        query.cursor.as_deref(),
        query.limit.as_deref(),
        lang,
    )
    .await?;
    let items = page.items.iter().map(CampaignBody::from).collect();
    Ok(HttpResponse::Ok().json(ledger_body(&page.ledger, items, page.next_cursor)))
}

/// Regroups a consultation's submissions now (staff); answers with the job.
#[utoipa::path(post, path = "/api/v1/consultations/{slug}/campaigns/regroup", tag = "submissions",
    params(("slug" = String, Path)), security(("bearer" = [])),
    responses((status = 202, description = "The job"), (status = 401, body = Problem),
        (status = 403, body = Problem), (status = 404, body = Problem)))]
#[tracing::instrument(skip_all)]
pub async fn regroup(
    state: web::Data<AppState>,
    SignedIn(identity): SignedIn,
    path: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let job = campaigns::regroup_now(&state, &identity, &path).await?;
    Ok(HttpResponse::Accepted()
        .insert_header(("Location", format!("/api/v1/jobs/{job}")))
        .json(json!({ "job": { "id": job } })))
}

/// A moderator's decision: `detach` takes the idea out of its campaign; `join` puts the
/// campaigns (or texts) of this idea and of `with` together. It holds for every later
/// regrouping and is logged.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CampaignDecisionBody {
    #[serde(default)]
    action: String,
    with: Option<i64>,
    #[serde(default)]
    note: String,
}

/// Decides on an idea's campaign (moderators).
#[utoipa::path(post, path = "/api/v1/ideas/{id}/campaign", tag = "submissions",
    request_body = CampaignDecisionBody, params(("id" = i64, Path)), security(("bearer" = [])),
    responses((status = 202, description = "The regrouping's job"), (status = 401, body = Problem),
        (status = 403, body = Problem), (status = 404, body = Problem),
        (status = 409, description = "Detaching an idea that is in no campaign", body = Problem),
        (status = 422, body = Problem)))]
#[tracing::instrument(skip_all)]
pub async fn decide(
    state: web::Data<AppState>,
    SignedIn(identity): SignedIn,
    path: web::Path<i64>,
    body: web::Json<CampaignDecisionBody>,
) -> Result<HttpResponse, AppError> {
    let idea = IdeaId(path.into_inner());
    let decision = match (body.action.trim(), body.with) {
        ("detach", None) => Decision::Detach(idea),
        ("join", Some(other)) => Decision::Join(idea, IdeaId(other)),
        ("join", None) => return Err(AppError::validation("with", "error-campaign-join-invalid")),
        _ => {
            return Err(AppError::validation(
                "action",
                "error-campaign-action-invalid",
            ));
        }
    };
    let job = campaigns::decide(&state, &identity, decision, &body.note).await?;
    Ok(HttpResponse::Accepted()
        .insert_header(("Location", format!("/api/v1/jobs/{job}")))
        .json(json!({ "job": { "id": job } })))
}

pub fn routes(scope: actix_web::Scope) -> actix_web::Scope {
    scope
        .service(web::resource("/consultations/{slug}/submissions").route(web::post().to(record)))
        .service(
            web::resource("/consultations/{slug}/submissions/import").route(web::post().to(import)),
        )
        .service(web::resource("/jobs/{id}").route(web::get().to(job)))
        .service(
            web::resource("/consultations/{slug}/campaigns").route(web::get().to(campaign_list)),
        )
        .service(
            web::resource("/consultations/{slug}/campaigns/regroup").route(web::post().to(regroup)),
        )
        .service(web::resource("/ideas/{id}/campaign").route(web::post().to(decide)))
}
