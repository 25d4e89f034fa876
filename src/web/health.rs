//! `GET /healthz`: 200 when the database answers, 503 when it does not.

use actix_web::{HttpResponse, web};
use serde_json::json;

use crate::http::state::AppState;

pub async fn healthz(state: web::Data<AppState>) -> HttpResponse {
    let check = state.db.ping().await;
    match check {
        Ok(()) => HttpResponse::Ok().json(json!({ "status": "ok", "database": "ok" })),
        Err(err) => {
            tracing::warn!(error = %err, "health check failed");
            HttpResponse::ServiceUnavailable()
                .insert_header(("Retry-After", "5"))
                .json(json!({ "status": "unavailable", "database": "unreachable" }))
        }
    }
}
