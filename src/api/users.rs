//! `POST /api/v1/users`: registration, same rules and answers as the form.

use actix_web::{HttpResponse, web};
use serde::Deserialize;
use utoipa::ToSchema;

use crate::api::schema::{Problem, Registered};

use crate::domain::client::ClientInfo;
use crate::error::AppError;
use crate::http::lang::RequestLang;
use crate::http::state::AppState;
use crate::i18n;
use crate::services::accounts::{self, Registration};

/// A new account; the same rules as the registration form.
#[derive(Deserialize, ToSchema)]
pub struct RegisterBody {
    #[serde(default)]
    email: String,
    #[serde(default)]
    display_name: String,
    #[serde(default)]
    password: String,
}

/// Registers an account and emails a verification link. The answer is the same whether or
/// not the address was already registered: only the mailbox learns which.
#[utoipa::path(post, path = "/api/v1/users", tag = "accounts", request_body = RegisterBody,
    responses((status = 201, body = Registered), (status = 422, description = "Invalid fields", body = Problem),
        (status = 429, description = "Too many registrations from this address", body = Problem)))]
#[tracing::instrument(skip_all)]
pub async fn register(
    state: web::Data<AppState>,
    RequestLang(lang): RequestLang,
    client: ClientInfo,
    body: web::Json<RegisterBody>,
) -> Result<HttpResponse, AppError> {
    let body = body.into_inner();
    accounts::register(
        &state,
        Registration {
            email: &body.email,
            display_name: &body.display_name,
            password: &body.password,
        },
        lang,
        &client,
    )
    .await?;
    Ok(HttpResponse::Created().json(Registered {
        status: "verification_sent".to_owned(),
        detail: i18n::text(lang, "register-check-email-body"),
    }))
}
