//! The campaign ledger for staff: the four counts side by side, every campaign's letter once
//! with its size, and a campaign's page with its arrivals (a chart and the same numbers as a
//! table) and each distinct copy with what it adds to the letter highlighted. Moderators
//! take a submission out of a campaign or join two from here.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use serde::{Deserialize, Serialize};

use crate::domain::identity::Identity;
use crate::domain::ids::IdeaId;
use crate::domain::policy;
use crate::domain::response_status::ResponseStatus;
use crate::error::AppError;
use crate::http::identity::SignedIn;
use crate::http::state::AppState;
use crate::i18n;
use crate::services::campaigns::{self, Decision};
use crate::services::consultations;
use crate::services::responses::{self, Group, ResponseInput};
use crate::web::charts::{self, Caption, Series};
use crate::web::consultation_header::insert_consultation;
use crate::web::drafting::{AnswerForm, error_map, insert_nav, is_drafter};
use crate::web::page::{PageContext, see_other_with_flash};

/// Registers the pages.
pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.service(web::resource("/c/{slug}/campaigns").route(web::get().to(ledger)))
        .service(web::resource("/c/{slug}/campaigns/regroup").route(web::post().to(regroup)))
        .service(web::resource("/campaigns/{id}").route(web::get().to(campaign)))
        .service(web::resource("/campaigns/{id}/answer").route(web::post().to(answer)))
        .service(web::resource("/ideas/{id}/campaign").route(web::post().to(decide)));
}

#[derive(Deserialize)]
pub struct LedgerQuery {
    cursor: Option<String>,
}

/// `GET /c/{slug}/campaigns`: the counts and the campaigns, largest first.
#[tracing::instrument(skip_all)]
pub async fn ledger(
    state: web::Data<AppState>,
    page: PageContext,
    SignedIn(identity): SignedIn,
    path: web::Path<String>,
    query: web::Query<LedgerQuery>,
) -> Result<HttpResponse, AppError> {
    let list = campaigns::list(
        &state,
        &identity,
        &path,
        query.cursor.as_deref(),
        None,
        page.lang,
    )
    .await?;
    let actor = identity.user.actor();
    let c = consultations::get(&state, Some(actor), &path).await?;
    let mut ctx = tera::Context::new();
    insert_consultation(&mut ctx, &state, &c);
    insert_nav(&mut ctx, "campaigns", Some(&actor));
    ctx.insert("counts", &list.ledger);
    ctx.insert("counting_rule", &list.ledger.counting_rule);
    ctx.insert(
        "share_percent",
        &format!("{:.1}", list.ledger.campaign_share * 100.0),
    );
    ctx.insert("items", &list.items);
    ctx.insert("next_cursor", &list.next_cursor);
    ctx.insert("first_page", &query.cursor.is_none());
    page.ok(&state, "intake/campaigns.html", ctx)
}

/// `POST /c/{slug}/campaigns/regroup`: groups the consultation again now.
#[tracing::instrument(skip_all)]
pub async fn regroup(
    state: web::Data<AppState>,
    SignedIn(identity): SignedIn,
    path: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let job = campaigns::regroup_now(&state, &identity, &path).await?;
    Ok(see_other_with_flash(
        &format!("/jobs/{job}"),
        "flash-regroup-queued",
    ))
}

#[derive(Deserialize)]
pub struct CampaignQuery {
    page: Option<i64>,
}

/// `GET /campaigns/{id}`: one campaign with its arrivals and its copies.
#[tracing::instrument(skip_all)]
pub async fn campaign(
    state: web::Data<AppState>,
    page: PageContext,
    SignedIn(identity): SignedIn,
    path: web::Path<i64>,
    query: web::Query<CampaignQuery>,
) -> Result<HttpResponse, AppError> {
    let id = path.into_inner();
    let answer = AnswerForm::empty("campaign-");
    render_campaign(
        &state,
        &page,
        &identity,
        id,
        query.page.unwrap_or(1),
        answer,
    )
    .await
}

async fn render_campaign(
    state: &AppState,
    page: &PageContext,
    identity: &Identity,
    id: i64,
    number: i64,
    answer: AnswerForm,
) -> Result<HttpResponse, AppError> {
    let detail = campaigns::detail(state, identity, id, number).await?;
    let actor = identity.user.actor();
    let c = consultations::get(state, Some(actor), &detail.consultation_slug).await?;
    let lang = page.lang;
    let title = i18n::text(
        lang,
        if detail.hourly {
            "campaign-arrivals-hourly"
        } else {
            "campaign-arrivals-daily"
        },
    );
    let description = i18n::text_with(
        lang,
        "campaign-arrivals-desc",
        &[
            ("count", detail.arrivals.len().to_string()),
            ("size", detail.item.size.to_string()),
        ],
    );
    let labels: Vec<String> = detail.arrivals.iter().map(|a| a.label.clone()).collect();
    let series_name = i18n::text(lang, "campaign-arrivals-series");
    let chart = charts::columns(
        &Caption {
            id: "chart-arrivals",
            title: &title,
            description: &description,
        },
        &labels,
        &[Series {
            name: &series_name,
            values: detail.arrivals.iter().map(|a| a.count).collect(),
        }],
    );
    let refused = !answer.errors.is_empty();
    let mut ctx = tera::Context::new();
    insert_consultation(&mut ctx, state, &c);
    insert_nav(&mut ctx, "campaigns", Some(&actor));
    ctx.insert("campaign", &detail);
    ctx.insert("arrivals_chart", &chart);
    ctx.insert("arrivals_title", &title);
    ctx.insert("can_decide", &policy::can_moderate(&actor).is_ok());
    ctx.insert("can_answer", &is_drafter(Some(&actor)));
    ctx.insert("f", &answer);
    ctx.insert("statuses", &ResponseStatus::NAMES);
    let status = if refused {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    page.render(state, "intake/campaign.html", ctx, status)
}

/// The answer form of a campaign's page.
#[derive(Deserialize)]
pub struct CampaignAnswer {
    #[serde(default)]
    status: String,
    #[serde(default)]
    body: String,
    #[serde(default)]
    section: String,
    #[serde(default)]
    action: String,
}

/// `POST /campaigns/{id}/answer`: one answer for every visible copy of the letter (drafters).
#[tracing::instrument(skip_all)]
pub async fn answer(
    state: web::Data<AppState>,
    page: PageContext,
    SignedIn(identity): SignedIn,
    path: web::Path<i64>,
    form: web::Form<CampaignAnswer>,
) -> Result<HttpResponse, AppError> {
    let id = path.into_inner();
    let publish = match form.action.trim() {
        "" | "draft" => false,
        "publish" => true,
        _ => return Err(AppError::BadRequest("error-400")),
    };
    let slug = campaigns::detail(&state, &identity, id, 1)
        .await?
        .consultation_slug;
    let input = ResponseInput {
        status: form.status.clone(),
        body: form.body.clone(),
        section: Some(form.section.clone()),
        publish,
    };
    match responses::respond(&state, &identity, &slug, Group::Campaign(id), input).await {
        Ok(_) => Ok(see_other_with_flash(
            &format!("/c/{slug}/responses#drafts"),
            if publish {
                "flash-response-published"
            } else {
                "flash-response-draft-saved"
            },
        )),
        Err(AppError::Validation(errors)) => {
            let filled = AnswerForm {
                prefix: "campaign-".to_owned(),
                status: form.status.trim().to_owned(),
                body: form.body.clone(),
                section: form.section.trim().to_owned(),
                errors: error_map(&errors),
            };
            render_campaign(&state, &page, &identity, id, 1, filled).await
        }
        Err(err) => Err(err),
    }
}

/// A moderator's decision from a campaign's page.
#[derive(Deserialize, Serialize)]
pub struct DecisionForm {
    #[serde(default)]
    action: String,
    /// For a join: the receipt number (or id) of a submission of the other campaign.
    #[serde(default)]
    with: String,
    #[serde(default)]
    note: String,
    /// Where to go afterwards (the campaign's page).
    #[serde(default)]
    back: String,
}

/// `POST /ideas/{id}/campaign`: take the submission out of its campaign, or join its
/// campaign with another submission's.
#[tracing::instrument(skip_all)]
pub async fn decide(
    state: web::Data<AppState>,
    SignedIn(identity): SignedIn,
    path: web::Path<i64>,
    form: web::Form<DecisionForm>,
) -> Result<HttpResponse, AppError> {
    let idea = IdeaId(path.into_inner());
    let detach = form.action == "detach";
    let decision = match form.action.as_str() {
        "detach" => Decision::Detach(idea),
        "join" => {
            let other = campaigns::find_submission(&state, &identity, idea, &form.with).await?;
            Decision::Join(idea, other)
        }
        _ => {
            return Err(AppError::validation(
                "action",
                "error-campaign-action-invalid",
            ));
        }
    };
    let job = campaigns::decide(&state, &identity, decision, &form.note).await?;
    // A detach leaves the campaign in place, so its page is where to go back to (only a
    // local campaign page, never an address from outside); a join may fold it into the
    // other, so its job tells where things stand.
    let back = Some(form.back.as_str())
        .filter(|_| detach)
        .filter(|b| {
            b.strip_prefix("/campaigns/")
                .is_some_and(|id| !id.is_empty() && id.bytes().all(|c| c.is_ascii_digit()))
        })
        .map(str::to_owned)
        .unwrap_or_else(|| format!("/jobs/{job}"));
    Ok(see_other_with_flash(&back, "flash-campaign-decided"))
}
