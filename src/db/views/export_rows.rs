//! What exports read, in batches in id order: ideas and comments as they leave, without HTML,
//! moderation notes or anything about their authors but the id (pseudonymised by the export).

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::models::ideas::ExportFilter;
use crate::db::{AnyConnection, schema};

/// Only the columns an export shows: never the rendered HTML or moderation notes, which
/// would only cost time and memory.
#[derive(Queryable, Selectable)]
#[diesel(table_name = schema::ideas)]
pub struct IdeaOut {
    pub id: i64,
    pub author_id: i64,
    pub section_key: Option<String>,
    pub receipt: String,
    pub title: String,
    pub body: String,
    pub status: String,
    pub visibility: String,
    pub response_status: Option<String>,
    pub support_count: i32,
    pub oppose_count: i32,
    pub comment_count: i32,
    pub created_at: NaiveDateTime,
    pub channel: String,
    pub campaign_id: Option<i64>,
}

/// The next batch of ideas for an export, in id order after `after`.
pub fn idea_batch(
    conn: &mut AnyConnection,
    consultation: i64,
    filter: &ExportFilter,
    after: i64,
    limit: i64,
) -> QueryResult<Vec<IdeaOut>> {
    use crate::db::schema::ideas;
    let mut query = ideas::table
        .filter(ideas::consultation_id.eq(consultation))
        .filter(ideas::id.gt(after))
        .select(IdeaOut::as_select())
        .order(ideas::id.asc())
        .limit(limit)
        .into_boxed();
    query = if filter.include_hidden {
        query.filter(ideas::visibility.ne("merged"))
    } else {
        query.filter(ideas::visibility.eq("visible"))
    };
    if let Some(section) = &filter.section {
        query = query.filter(ideas::section_key.eq(section.clone()));
    }
    if let Some(tag) = filter.tag_id {
        query = query.filter(ideas::id.eq_any(crate::db::models::tags::tagged(tag)));
    }
    match filter.response_status.as_deref() {
        None => {}
        Some("none") => query = query.filter(ideas::response_status.is_null()),
        Some(status) => query = query.filter(ideas::response_status.eq(status.to_owned())),
    }
    if let Some(from) = filter.from {
        query = query.filter(ideas::created_at.ge(from));
    }
    if let Some(to) = filter.to {
        query = query.filter(ideas::created_at.lt(to));
    }
    query.load(conn)
}

/// A comment as exported (again without HTML or moderation notes).
#[derive(Queryable, Selectable)]
#[diesel(table_name = schema::comments)]
pub struct CommentOut {
    pub id: i64,
    pub parent_id: Option<i64>,
    pub author_id: i64,
    pub body: String,
    pub created_at: NaiveDateTime,
    pub visibility: String,
}

/// The next batch of comments with their idea's receipt, in id order after `after`.
pub fn comment_batch(
    conn: &mut AnyConnection,
    consultation: i64,
    include_hidden: bool,
    after: i64,
    limit: i64,
) -> QueryResult<Vec<(CommentOut, String)>> {
    use crate::db::schema::{comments, ideas};
    let mut query = comments::table
        .inner_join(ideas::table)
        .filter(ideas::consultation_id.eq(consultation))
        .filter(comments::id.gt(after))
        .filter(comments::deleted_at.is_null())
        .select((CommentOut::as_select(), ideas::receipt))
        .order(comments::id.asc())
        .limit(limit)
        .into_boxed();
    if include_hidden {
        query = query.filter(ideas::visibility.ne("merged"));
    } else {
        query = query
            .filter(comments::visibility.eq("visible"))
            .filter(ideas::visibility.eq("visible"));
    }
    query.load(conn)
}
