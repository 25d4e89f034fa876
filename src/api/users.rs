//! `POST /api/v1/users`: registration, same rules and answers as the form.

use actix_web::{HttpResponse, web};
use serde::Deserialize;
use serde_json::json;

use crate::auth::client_ip::ClientInfo;
use crate::error::AppError;
use crate::i18n;
use crate::services::accounts::{self, Registration};
use crate::state::AppState;
use crate::web::page::PageContext;

#[derive(Deserialize)]
pub struct RegisterBody {
    #[serde(default)]
    email: String,
    #[serde(default)]
    display_name: String,
    #[serde(default)]
    password: String,
}

/// 201 whether the address was new or already registered: the mailbox learns which.
#[tracing::instrument(skip_all)]
pub async fn register(
    state: web::Data<AppState>,
    page: PageContext,
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
        page.lang,
        &client,
    )
    .await?;
    Ok(HttpResponse::Created().json(json!({
        "status": "verification_sent",
        "detail": i18n::text(page.lang, "register-check-email-body"),
    })))
}
