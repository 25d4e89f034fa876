//! The `tags` and `idea_tags` tables (labels moderators give ideas, per consultation).

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::AnyConnection;
use crate::db::schema::tags;

#[derive(Queryable, Selectable, Clone, Debug)]
#[diesel(table_name = tags)]
pub struct TagRow {
    pub id: i64,
    pub consultation_id: i64,
    pub slug: String,
    pub name_ja: String,
    pub name_en: String,
    pub color: String,
    pub description: String,
    pub created_at: NaiveDateTime,
}

pub fn find(
    conn: &mut AnyConnection,
    consultation: i64,
    slug: &str,
) -> QueryResult<Option<TagRow>> {
    tags::table
        .filter(tags::consultation_id.eq(consultation))
        .filter(tags::slug.eq(slug))
        .select(TagRow::as_select())
        .first(conn)
        .optional()
}

pub fn list(conn: &mut AnyConnection, consultation: i64) -> QueryResult<Vec<TagRow>> {
    tags::table
        .filter(tags::consultation_id.eq(consultation))
        .order(tags::slug.asc())
        .select(TagRow::as_select())
        .load(conn)
}
