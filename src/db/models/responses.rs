//! The `responses`, `idea_responses`, `disposition_rows` and `disposition_row_ideas` tables.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::AnyConnection;
use crate::db::schema::{
    consultations, disposition_row_ideas, disposition_rows, idea_responses, ideas, responses, votes,
};

#[derive(Queryable, Selectable, Clone, Debug)]
#[diesel(table_name = responses)]
pub struct ResponseRow {
    pub id: i64,
    pub consultation_id: i64,
    pub status: String,
    pub body: String,
    pub body_html: String,
    pub section_key: Option<String>,
    pub author_id: Option<i64>,
    pub published_at: Option<NaiveDateTime>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

#[derive(Insertable)]
#[diesel(table_name = responses)]
pub struct NewResponse<'a> {
    pub consultation_id: i64,
    pub status: &'a str,
    pub body: &'a str,
    pub body_html: &'a str,
    pub section_key: Option<&'a str>,
    pub author_id: Option<i64>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

pub fn insert(conn: &mut AnyConnection, new: &NewResponse<'_>) -> QueryResult<i64> {
    diesel::insert_into(responses::table)
        .values(new)
        .returning(responses::id)
        .get_result(conn)
}

pub fn find(conn: &mut AnyConnection, id: i64) -> QueryResult<Option<ResponseRow>> {
    responses::table
        .find(id)
        .select(ResponseRow::as_select())
        .first(conn)
        .optional()
}

pub fn update_content(
    conn: &mut AnyConnection,
    id: i64,
    status: &str,
    body: &str,
    body_html: &str,
    section: Option<&str>,
    at: NaiveDateTime,
) -> QueryResult<usize> {
    diesel::update(responses::table.find(id))
        .set((
            responses::status.eq(status),
            responses::body.eq(body),
            responses::body_html.eq(body_html),
            responses::section_key.eq(section),
            responses::updated_at.eq(at),
        ))
        .execute(conn)
}

/// Links ideas to a response (an idea may keep its published answer while a draft waits).
pub fn link(conn: &mut AnyConnection, response: i64, idea_ids: &[i64]) -> QueryResult<()> {
    for idea in idea_ids {
        crate::per_backend!(conn, c => diesel::insert_into(idea_responses::table)
            .values((idea_responses::idea_id.eq(*idea), idea_responses::response_id.eq(response)))
            .on_conflict((idea_responses::idea_id, idea_responses::response_id))
            .do_nothing()
            .execute(c))?;
    }
    Ok(())
}

/// Drops the ideas' links to other unpublished responses (a new draft replaces older drafts).
pub fn unlink_other_drafts(
    conn: &mut AnyConnection,
    idea_ids: &[i64],
    keep: i64,
) -> QueryResult<usize> {
    let drafts = responses::table
        .filter(responses::published_at.is_null())
        .select(responses::id);
    diesel::delete(
        idea_responses::table
            .filter(idea_responses::idea_id.eq_any(idea_ids))
            .filter(idea_responses::response_id.ne(keep))
            .filter(idea_responses::response_id.eq_any(drafts)),
    )
    .execute(conn)
}

/// On publication, a response becomes its ideas' only answer.
pub fn unlink_others(conn: &mut AnyConnection, idea_ids: &[i64], keep: i64) -> QueryResult<usize> {
    diesel::delete(
        idea_responses::table
            .filter(idea_responses::idea_id.eq_any(idea_ids))
            .filter(idea_responses::response_id.ne(keep)),
    )
    .execute(conn)
}

/// Deletes responses no idea links to any more.
pub fn delete_orphans(conn: &mut AnyConnection, consultation: i64) -> QueryResult<usize> {
    let linked = idea_responses::table.select(idea_responses::response_id);
    diesel::delete(
        responses::table
            .filter(responses::consultation_id.eq(consultation))
            .filter(responses::id.ne_all(linked)),
    )
    .execute(conn)
}

pub fn ideas_of(conn: &mut AnyConnection, response: i64) -> QueryResult<Vec<i64>> {
    idea_responses::table
        .filter(idea_responses::response_id.eq(response))
        .select(idea_responses::idea_id)
        .order(idea_responses::idea_id.asc())
        .load(conn)
}

pub fn mark_published(conn: &mut AnyConnection, id: i64, at: NaiveDateTime) -> QueryResult<usize> {
    diesel::update(
        responses::table
            .find(id)
            .filter(responses::published_at.is_null()),
    )
    .set((
        responses::published_at.eq(Some(at)),
        responses::updated_at.eq(at),
    ))
    .execute(conn)
}

/// Mirrors the published status onto the ideas, for list filters and exports.
pub fn set_idea_status(
    conn: &mut AnyConnection,
    idea_ids: &[i64],
    status: &str,
) -> QueryResult<usize> {
    diesel::update(ideas::table.filter(ideas::id.eq_any(idea_ids)))
        .set(ideas::response_status.eq(Some(status)))
        .execute(conn)
}

/// Unpublished responses of a consultation.
pub fn drafts(conn: &mut AnyConnection, consultation: i64) -> QueryResult<Vec<ResponseRow>> {
    responses::table
        .filter(responses::consultation_id.eq(consultation))
        .filter(responses::published_at.is_null())
        .order(responses::id.asc())
        .select(ResponseRow::as_select())
        .load(conn)
}

/// An idea's published answer and its newest draft (each if any).
pub fn for_idea(
    conn: &mut AnyConnection,
    idea: i64,
) -> QueryResult<(Option<ResponseRow>, Option<ResponseRow>)> {
    let linked: Vec<ResponseRow> = responses::table
        .inner_join(idea_responses::table)
        .filter(idea_responses::idea_id.eq(idea))
        .order(responses::id.desc())
        .select(ResponseRow::as_select())
        .load(conn)?;
    let published = linked
        .iter()
        .filter(|r| r.published_at.is_some())
        .max_by_key(|r| r.published_at)
        .cloned();
    let draft = linked.into_iter().find(|r| r.published_at.is_none());
    Ok((published, draft))
}

/// Published responses for many ideas at once (idea id → response).
pub fn published_for(
    conn: &mut AnyConnection,
    idea_ids: &[i64],
) -> QueryResult<Vec<(i64, ResponseRow)>> {
    responses::table
        .inner_join(idea_responses::table)
        .filter(idea_responses::idea_id.eq_any(idea_ids))
        .filter(responses::published_at.is_not_null())
        .order(responses::published_at.asc())
        .select((idea_responses::idea_id, ResponseRow::as_select()))
        .load(conn)
}

/// People to tell about a published answer: the ideas' authors and supporters.
pub fn audience(conn: &mut AnyConnection, idea_ids: &[i64]) -> QueryResult<Vec<(i64, i64)>> {
    let mut people: Vec<(i64, i64)> = ideas::table
        .filter(ideas::id.eq_any(idea_ids))
        .select((ideas::author_id, ideas::id))
        .load(conn)?;
    people.extend(
        votes::table
            .filter(votes::idea_id.eq_any(idea_ids))
            .filter(votes::value.eq(1))
            .select((votes::user_id, votes::idea_id))
            .load::<(i64, i64)>(conn)?,
    );
    Ok(people)
}

#[derive(Queryable, Selectable, Clone, Debug)]
#[diesel(table_name = disposition_rows)]
pub struct DispositionRow {
    pub id: i64,
    pub consultation_id: i64,
    pub position: i32,
    pub section_key: Option<String>,
    pub tag_id: Option<i64>,
    pub summary: String,
    pub view: String,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

pub fn disposition(
    conn: &mut AnyConnection,
    consultation: i64,
) -> QueryResult<Vec<(DispositionRow, Vec<i64>)>> {
    let rows: Vec<DispositionRow> = disposition_rows::table
        .filter(disposition_rows::consultation_id.eq(consultation))
        .order((disposition_rows::position.asc(), disposition_rows::id.asc()))
        .select(DispositionRow::as_select())
        .load(conn)?;
    let ids: Vec<i64> = rows.iter().map(|r| r.id).collect();
    let links: Vec<(i64, i64)> = disposition_row_ideas::table
        .filter(disposition_row_ideas::row_id.eq_any(&ids))
        .order(disposition_row_ideas::idea_id.asc())
        .select((
            disposition_row_ideas::row_id,
            disposition_row_ideas::idea_id,
        ))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .map(|row| {
            let ideas = links
                .iter()
                .filter(|(r, _)| *r == row.id)
                .map(|(_, i)| *i)
                .collect();
            (row, ideas)
        })
        .collect())
}

/// One row of the disposition table as submitted.
pub struct NewDispositionRow<'a> {
    pub section_key: Option<&'a str>,
    pub tag_id: Option<i64>,
    pub summary: &'a str,
    pub view: &'a str,
    pub idea_ids: &'a [i64],
}

/// Replaces the whole table (the editor saves it as one document).
pub fn replace_disposition(
    conn: &mut AnyConnection,
    consultation: i64,
    rows: &[NewDispositionRow<'_>],
    at: NaiveDateTime,
) -> QueryResult<()> {
    let old = disposition_rows::table
        .filter(disposition_rows::consultation_id.eq(consultation))
        .select(disposition_rows::id);
    diesel::delete(disposition_row_ideas::table.filter(disposition_row_ideas::row_id.eq_any(old)))
        .execute(conn)?;
    diesel::delete(
        disposition_rows::table.filter(disposition_rows::consultation_id.eq(consultation)),
    )
    .execute(conn)?;
    for (position, row) in rows.iter().enumerate() {
        let id: i64 = diesel::insert_into(disposition_rows::table)
            .values((
                disposition_rows::consultation_id.eq(consultation),
                disposition_rows::position.eq(position as i32),
                disposition_rows::section_key.eq(row.section_key),
                disposition_rows::tag_id.eq(row.tag_id),
                disposition_rows::summary.eq(row.summary),
                disposition_rows::view.eq(row.view),
                disposition_rows::created_at.eq(at),
                disposition_rows::updated_at.eq(at),
            ))
            .returning(disposition_rows::id)
            .get_result(conn)?;
        let mut seen = std::collections::HashSet::new();
        for idea in row.idea_ids.iter().filter(|i| seen.insert(**i)) {
            diesel::insert_into(disposition_row_ideas::table)
                .values((
                    disposition_row_ideas::row_id.eq(id),
                    disposition_row_ideas::idea_id.eq(*idea),
                ))
                .execute(conn)?;
        }
    }
    Ok(())
}

pub fn set_disposition_published(
    conn: &mut AnyConnection,
    consultation: i64,
    at: Option<NaiveDateTime>,
) -> QueryResult<usize> {
    diesel::update(consultations::table.find(consultation))
        .set(consultations::disposition_published_at.eq(at))
        .execute(conn)
}

pub fn disposition_published(
    conn: &mut AnyConnection,
    consultation: i64,
) -> QueryResult<Option<NaiveDateTime>> {
    consultations::table
        .find(consultation)
        .select(consultations::disposition_published_at)
        .first(conn)
}

/// Distinct people who supported any of the ideas.
pub fn supporters_of(conn: &mut AnyConnection, idea_ids: &[i64]) -> QueryResult<i64> {
    votes::table
        .filter(votes::idea_id.eq_any(idea_ids))
        .filter(votes::value.eq(1))
        .select(diesel::dsl::count(votes::user_id).aggregate_distinct())
        .first(conn)
}
