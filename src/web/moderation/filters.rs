//! The word and pattern list that holds matching contributions for review (admins).

use crate::domain::fields::FieldErrors;
use crate::domain::identity::Identity;
use crate::error::AppError;
use crate::http::identity::SignedIn;
use crate::http::state::AppState;
use crate::services::moderation::{self};
use crate::web::page::{PageContext, see_other_with_flash};
use actix_web::{HttpResponse, web};
use serde::{Deserialize, Serialize};

#[derive(Deserialize, Default, Serialize)]
pub struct FilterForm {
    #[serde(default)]
    pattern: String,
    #[serde(default)]
    is_regex: String,
}

async fn filters_page(
    state: &AppState,
    page: &PageContext,
    identity: &Identity,
    form: &FilterForm,
    errors: Option<&FieldErrors>,
) -> Result<HttpResponse, AppError> {
    let list = moderation::filters(state, identity).await?;
    let mut ctx = tera::Context::new();
    ctx.insert("filters", &list);
    ctx.insert("form", form);
    match errors {
        Some(errors) => page.form_errors(state, "moderation/filters.html", ctx, errors),
        None => page.ok(state, "moderation/filters.html", ctx),
    }
}

/// `/moderation/filters`: the words and patterns that hold contributions for review (admins).
#[tracing::instrument(skip_all)]
pub async fn filters(
    state: web::Data<AppState>,
    page: PageContext,
    SignedIn(identity): SignedIn,
) -> Result<HttpResponse, AppError> {
    filters_page(&state, &page, &identity, &FilterForm::default(), None).await
}

#[tracing::instrument(skip_all)]
pub async fn add_filter(
    state: web::Data<AppState>,
    page: PageContext,
    SignedIn(identity): SignedIn,
    form: web::Form<FilterForm>,
) -> Result<HttpResponse, AppError> {
    let is_regex = form.is_regex == "on";
    match moderation::add_filter(&state, &identity, &form.pattern, is_regex).await {
        Ok(()) => Ok(see_other_with_flash(
            "/moderation/filters",
            "flash-filter-added",
        )),
        Err(AppError::Validation(errors)) => {
            filters_page(&state, &page, &identity, &form, Some(&errors)).await
        }
        Err(err) => Err(err),
    }
}

#[tracing::instrument(skip_all)]
pub async fn remove_filter(
    state: web::Data<AppState>,
    SignedIn(identity): SignedIn,
    path: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    moderation::remove_filter(&state, &identity, path.into_inner()).await?;
    Ok(see_other_with_flash(
        "/moderation/filters",
        "flash-filter-removed",
    ))
}
