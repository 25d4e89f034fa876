//! Admin pages for organisations and consultations: list, create, edit (status included).
//! The services refuse everyone but admins; the pages that only show a form check the same
//! policy first so that nobody else sees them.

use actix_web::{HttpResponse, web};
use chrono::NaiveDateTime;
use serde::Deserialize;

use crate::domain::identity::Identity;

use crate::domain::consultation::ConsultationStatus;
use crate::domain::policy::{self, Actor};
use crate::error::AppError;
use crate::http::identity::SignedIn;
use crate::http::state::AppState;
use crate::services::consultations::{self, ConsultationInput, OrganisationInput};
use crate::web::page::{PageContext, see_other_with_flash};

const STATUSES: [ConsultationStatus; 3] = [
    ConsultationStatus::Draft,
    ConsultationStatus::Open,
    ConsultationStatus::Closed,
];

fn require_admin(identity: &Identity) -> Result<Actor, AppError> {
    let actor = identity.user.actor();
    policy::can_administer(&actor)?;
    Ok(actor)
}

/// A stored UTC time as a `datetime-local` value in the site's time zone.
pub fn local_input(utc: NaiveDateTime, tz: chrono_tz::Tz) -> String {
    utc.and_utc()
        .with_timezone(&tz)
        .format("%Y-%m-%dT%H:%M")
        .to_string()
}

#[tracing::instrument(skip_all)]
pub async fn list(
    state: web::Data<AppState>,
    page: PageContext,
    SignedIn(identity): SignedIn,
) -> Result<HttpResponse, AppError> {
    let actor = require_admin(&identity)?;
    let cards = consultations::list(&state, Some(actor), None).await?;
    let mut ctx = tera::Context::new();
    ctx.insert("consultations", &cards);
    page.ok(&state, "admin/consultations.html", ctx)
}

/// The consultation form's fields, as posted and as shown again.
#[derive(Deserialize, Default, serde::Serialize)]
pub struct ConsultationForm {
    #[serde(default)]
    slug: String,
    #[serde(default)]
    organisation: String,
    #[serde(default)]
    title: String,
    #[serde(default)]
    summary: String,
    #[serde(default)]
    body: String,
    #[serde(default)]
    opens_at: String,
    #[serde(default)]
    closes_at: String,
    #[serde(default)]
    status: String,
    /// `on` when new ideas and comments wait for a moderator's approval.
    #[serde(default)]
    premoderation: String,
}

async fn form_context(
    state: &AppState,
    form: &ConsultationForm,
    editing: Option<&str>,
) -> Result<tera::Context, AppError> {
    let mut ctx = tera::Context::new();
    ctx.insert("organisations", &consultations::organisations(state).await?);
    ctx.insert("statuses", &STATUSES.map(ConsultationStatus::as_str));
    ctx.insert("form", form);
    ctx.insert("editing", &editing);
    ctx.insert("timezone", state.settings.timezone.name());
    ctx.insert(
        "form_action",
        &match editing {
            Some(slug) => format!("/admin/consultations/{slug}/edit"),
            None => "/admin/consultations/new".to_owned(),
        },
    );
    Ok(ctx)
}

#[tracing::instrument(skip_all)]
pub async fn new_form(
    state: web::Data<AppState>,
    page: PageContext,
    SignedIn(identity): SignedIn,
) -> Result<HttpResponse, AppError> {
    require_admin(&identity)?;
    let form = ConsultationForm {
        status: ConsultationStatus::Draft.as_str().to_owned(),
        ..ConsultationForm::default()
    };
    let ctx = form_context(&state, &form, None).await?;
    page.ok(&state, "admin/consultation_form.html", ctx)
}

#[tracing::instrument(skip_all)]
pub async fn create(
    state: web::Data<AppState>,
    page: PageContext,
    SignedIn(identity): SignedIn,
    form: web::Form<ConsultationForm>,
) -> Result<HttpResponse, AppError> {
    let form = form.into_inner();
    let input = ConsultationInput {
        slug: Some(form.slug.clone()),
        organisation: Some(form.organisation.clone()),
        title: Some(form.title.clone()),
        summary: Some(form.summary.clone()),
        body: Some(form.body.clone()),
        opens_at: Some(form.opens_at.clone()),
        closes_at: Some(form.closes_at.clone()),
        status: Some(form.status.clone()),
        premoderation: Some(form.premoderation == "on"),
    };
    match consultations::create(&state, &identity.user.actor(), input).await {
        Ok(_) => Ok(see_other_with_flash(
            "/admin/consultations",
            "flash-consultation-created",
        )),
        Err(AppError::Validation(errors)) => {
            let ctx = form_context(&state, &form, None).await?;
            page.form_errors(&state, "admin/consultation_form.html", ctx, &errors)
        }
        Err(err) => Err(err),
    }
}

#[tracing::instrument(skip_all)]
pub async fn edit_form(
    state: web::Data<AppState>,
    page: PageContext,
    SignedIn(identity): SignedIn,
    path: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let actor = require_admin(&identity)?;
    let c = consultations::get(&state, Some(actor), &path).await?;
    let tz = state.settings.timezone;
    let form = ConsultationForm {
        slug: c.slug.clone(),
        organisation: c.organisation.slug.clone(),
        title: c.title.clone(),
        summary: c.summary.clone(),
        body: c.body.clone(),
        opens_at: local_input(c.opens_at, tz),
        closes_at: local_input(c.closes_at, tz),
        status: c.status.as_str().to_owned(),
        premoderation: if c.premoderation { "on" } else { "" }.to_owned(),
    };
    let ctx = form_context(&state, &form, Some(&c.slug)).await?;
    page.ok(&state, "admin/consultation_form.html", ctx)
}

#[tracing::instrument(skip_all)]
pub async fn edit(
    state: web::Data<AppState>,
    page: PageContext,
    SignedIn(identity): SignedIn,
    path: web::Path<String>,
    form: web::Form<ConsultationForm>,
) -> Result<HttpResponse, AppError> {
    let mut form = form.into_inner();
    let input = ConsultationInput {
        slug: None,
        organisation: Some(form.organisation.clone()),
        title: Some(form.title.clone()),
        summary: Some(form.summary.clone()),
        body: Some(form.body.clone()),
        opens_at: Some(form.opens_at.clone()),
        closes_at: Some(form.closes_at.clone()),
        status: Some(form.status.clone()),
        premoderation: Some(form.premoderation == "on"),
    };
    match consultations::update(&state, &identity.user.actor(), &path, input).await {
        Ok(()) => Ok(see_other_with_flash(
            "/admin/consultations",
            "flash-consultation-saved",
        )),
        Err(AppError::Validation(errors)) => {
            form.slug = path.to_string();
            let ctx = form_context(&state, &form, Some(&path)).await?;
            page.form_errors(&state, "admin/consultation_form.html", ctx, &errors)
        }
        Err(err) => Err(err),
    }
}

/// The organisation form's fields.
#[derive(Deserialize, Default, serde::Serialize)]
pub struct OrganisationForm {
    #[serde(default)]
    slug: String,
    #[serde(default)]
    name_ja: String,
    #[serde(default)]
    name_en: String,
}

async fn organisations_page(
    state: &AppState,
    page: &PageContext,
    form: &OrganisationForm,
    errors: Option<&crate::domain::fields::FieldErrors>,
) -> Result<HttpResponse, AppError> {
    let mut ctx = tera::Context::new();
    ctx.insert("organisations", &consultations::organisations(state).await?);
    ctx.insert("form", form);
    match errors {
        Some(errors) => page.form_errors(state, "admin/organisations.html", ctx, errors),
        None => page.ok(state, "admin/organisations.html", ctx),
    }
}

#[tracing::instrument(skip_all)]
pub async fn organisations(
    state: web::Data<AppState>,
    page: PageContext,
    SignedIn(identity): SignedIn,
) -> Result<HttpResponse, AppError> {
    require_admin(&identity)?;
    organisations_page(&state, &page, &OrganisationForm::default(), None).await
}

#[tracing::instrument(skip_all)]
pub async fn create_organisation(
    state: web::Data<AppState>,
    page: PageContext,
    SignedIn(identity): SignedIn,
    form: web::Form<OrganisationForm>,
) -> Result<HttpResponse, AppError> {
    let input = OrganisationInput {
        slug: &form.slug,
        name_ja: &form.name_ja,
        name_en: &form.name_en,
    };
    match consultations::create_organisation(&state, &identity.user.actor(), input).await {
        Ok(_) => Ok(see_other_with_flash(
            "/admin/organisations",
            "flash-organisation-created",
        )),
        Err(AppError::Validation(errors)) => {
            organisations_page(&state, &page, &form, Some(&errors)).await
        }
        Err(err) => Err(err),
    }
}

#[cfg(test)]
mod tests {
    use super::local_input;

    #[test]
    fn stored_utc_is_shown_in_the_site_zone() {
        let utc = chrono::NaiveDate::from_ymd_opt(2026, 11, 30)
            .unwrap()
            .and_hms_opt(15, 30, 0)
            .unwrap();
        assert_eq!(local_input(utc, chrono_tz::Asia::Tokyo), "2026-12-01T00:30");
        assert_eq!(local_input(utc, chrono_tz::UTC), "2026-11-30T15:30");
    }
}
