//! The `tags` and `idea_tags` tables (labels moderators give ideas, per consultation).

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::AnyConnection;
use crate::db::schema::{idea_tags, ideas, tags};

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

#[derive(Insertable)]
#[diesel(table_name = tags)]
pub struct NewTag<'a> {
    pub consultation_id: i64,
    pub slug: &'a str,
    pub name_ja: &'a str,
    pub name_en: &'a str,
    pub color: &'a str,
    pub description: &'a str,
    pub created_at: NaiveDateTime,
}

#[derive(AsChangeset, Default)]
#[diesel(table_name = tags)]
pub struct TagChanges {
    pub name_ja: Option<String>,
    pub name_en: Option<String>,
    pub color: Option<String>,
    pub description: Option<String>,
}

pub fn insert(conn: &mut AnyConnection, new: &NewTag<'_>) -> QueryResult<i64> {
    diesel::insert_into(tags::table)
        .values(new)
        .returning(tags::id)
        .get_result(conn)
}

pub fn update(conn: &mut AnyConnection, id: i64, changes: &TagChanges) -> QueryResult<usize> {
    if changes.name_ja.is_none()
        && changes.name_en.is_none()
        && changes.color.is_none()
        && changes.description.is_none()
    {
        return Ok(0);
    }
    diesel::update(tags::table.find(id))
        .set(changes)
        .execute(conn)
}

pub fn delete(conn: &mut AnyConnection, id: i64) -> QueryResult<usize> {
    diesel::delete(idea_tags::table.filter(idea_tags::tag_id.eq(id))).execute(conn)?;
    diesel::delete(tags::table.find(id)).execute(conn)
}

/// The number of visible ideas carrying each tag of a consultation (tag id, count).
pub fn counts(conn: &mut AnyConnection, consultation: i64) -> QueryResult<Vec<(i64, i64)>> {
    idea_tags::table
        .inner_join(ideas::table)
        .filter(ideas::consultation_id.eq(consultation))
        .filter(ideas::visibility.eq("visible"))
        .group_by(idea_tags::tag_id)
        .select((idea_tags::tag_id, diesel::dsl::count_star()))
        .load(conn)
}

/// Tags with the number of visible ideas carrying each.
pub fn list_with_counts(
    conn: &mut AnyConnection,
    consultation: i64,
) -> QueryResult<Vec<(TagRow, i64)>> {
    let all = list(conn, consultation)?;
    let counts = counts(conn, consultation)?;
    Ok(all
        .into_iter()
        .map(|t| {
            let n = counts
                .iter()
                .find(|(id, _)| *id == t.id)
                .map_or(0, |(_, n)| *n);
            (t, n)
        })
        .collect())
}

/// The ids of the ideas carrying a tag, as a subquery (`ideas::id.eq_any(tagged(tag))`), for
/// queries that filter ideas by tag.
pub fn tagged(
    tag: i64,
) -> diesel::dsl::Select<
    diesel::dsl::Filter<idea_tags::table, diesel::dsl::Eq<idea_tags::tag_id, i64>>,
    idea_tags::idea_id,
> {
    idea_tags::table
        .filter(idea_tags::tag_id.eq(tag))
        .select(idea_tags::idea_id)
}

pub fn ideas_with(conn: &mut AnyConnection, tag: i64) -> QueryResult<Vec<i64>> {
    tagged(tag).load(conn)
}

/// Of `ids`, those that are ideas of `consultation`.
pub fn ideas_in_consultation(
    conn: &mut AnyConnection,
    consultation: i64,
    ids: &[i64],
) -> QueryResult<Vec<i64>> {
    ideas::table
        .filter(ideas::consultation_id.eq(consultation))
        .filter(ideas::id.eq_any(ids))
        .select(ideas::id)
        .load(conn)
}

/// Tags ideas (those already tagged are left as they are); returns how many were added.
pub fn add_to_ideas(conn: &mut AnyConnection, tag: i64, ideas_ids: &[i64]) -> QueryResult<usize> {
    let mut added = 0;
    for idea in ideas_ids {
        added += crate::per_backend!(conn, c => diesel::insert_into(idea_tags::table)
            .values((idea_tags::idea_id.eq(*idea), idea_tags::tag_id.eq(tag)))
            .on_conflict((idea_tags::idea_id, idea_tags::tag_id))
            .do_nothing()
            .execute(c))?;
    }
    Ok(added)
}

pub fn remove_from_ideas(
    conn: &mut AnyConnection,
    tag: i64,
    ideas_ids: &[i64],
) -> QueryResult<usize> {
    diesel::delete(
        idea_tags::table
            .filter(idea_tags::tag_id.eq(tag))
            .filter(idea_tags::idea_id.eq_any(ideas_ids)),
    )
    .execute(conn)
}

pub fn replace_for_idea(conn: &mut AnyConnection, idea: i64, tag_ids: &[i64]) -> QueryResult<()> {
    diesel::delete(idea_tags::table.filter(idea_tags::idea_id.eq(idea))).execute(conn)?;
    for tag in tag_ids {
        crate::per_backend!(conn, c => diesel::insert_into(idea_tags::table)
            .values((idea_tags::idea_id.eq(idea), idea_tags::tag_id.eq(*tag)))
            .on_conflict((idea_tags::idea_id, idea_tags::tag_id))
            .do_nothing()
            .execute(c))?;
    }
    Ok(())
}
