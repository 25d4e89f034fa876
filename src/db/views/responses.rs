//! An official answer as pages and the API show it with an idea.

use chrono::NaiveDateTime;
use serde::Serialize;

use crate::db::AnyConnection;
use crate::db::models::responses::{self as rows, ResponseRow};
use crate::error::AppError;

/// An answer as shown with an idea.
#[derive(Clone, Debug, Serialize)]
pub struct ResponseView {
    pub id: i64,
    pub status: String,
    pub body: String,
    pub body_html: String,
    /// The plan section the answer changed, if any.
    pub section: Option<String>,
    pub published_at: Option<NaiveDateTime>,
    /// How many ideas share this answer (1 for an individual answer).
    pub idea_count: usize,
}

/// The shown form of a response row.
pub fn response_view(conn: &mut AnyConnection, row: ResponseRow) -> Result<ResponseView, AppError> {
    let idea_count = rows::ideas_of(conn, row.id)?.len();
    Ok(ResponseView {
        id: row.id,
        status: row.status,
        body: row.body,
        body_html: row.body_html,
        section: row.section_key,
        published_at: row.published_at,
        idea_count,
    })
}
