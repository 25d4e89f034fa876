//! The `organisations` and `consultations` tables.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::AnyConnection;
use crate::db::schema::{consultations, ideas, organisations, sections};
use crate::domain::markdown::Section;

#[derive(Queryable, Selectable, Clone, Debug)]
#[diesel(table_name = organisations)]
pub struct OrganisationRow {
    pub id: i64,
    pub slug: String,
    pub name_ja: String,
    pub name_en: String,
    pub created_at: NaiveDateTime,
}

#[derive(Insertable)]
#[diesel(table_name = organisations)]
pub struct NewOrganisation<'a> {
    pub slug: &'a str,
    pub name_ja: &'a str,
    pub name_en: &'a str,
    pub created_at: NaiveDateTime,
}

#[derive(Queryable, Selectable, Clone, Debug)]
#[diesel(table_name = consultations)]
pub struct ConsultationRow {
    pub id: i64,
    pub organisation_id: i64,
    pub slug: String,
    pub title: String,
    pub summary: String,
    pub body: String,
    pub status: String,
    pub opens_at: NaiveDateTime,
    pub closes_at: NaiveDateTime,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub body_html: String,
    pub premoderation: bool,
}

#[derive(Insertable)]
#[diesel(table_name = consultations)]
pub struct NewConsultation<'a> {
    pub organisation_id: i64,
    pub slug: &'a str,
    pub title: &'a str,
    pub summary: &'a str,
    pub body: &'a str,
    pub body_html: &'a str,
    pub status: &'a str,
    pub opens_at: NaiveDateTime,
    pub closes_at: NaiveDateTime,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub premoderation: bool,
}

/// Fields an admin may change; `None` leaves a field as it is.
#[derive(AsChangeset, Default)]
#[diesel(table_name = consultations)]
pub struct ConsultationChanges {
    pub organisation_id: Option<i64>,
    pub title: Option<String>,
    pub summary: Option<String>,
    pub body: Option<String>,
    pub body_html: Option<String>,
    pub status: Option<String>,
    pub opens_at: Option<NaiveDateTime>,
    pub closes_at: Option<NaiveDateTime>,
    pub updated_at: Option<NaiveDateTime>,
    pub premoderation: Option<bool>,
}

#[derive(Queryable, Selectable, Clone, Debug)]
#[diesel(table_name = sections)]
pub struct SectionRow {
    pub id: i64,
    pub consultation_id: i64,
    pub key: String,
    pub heading: String,
    pub level: i32,
    pub position: i32,
}

pub fn list_organisations(conn: &mut AnyConnection) -> QueryResult<Vec<OrganisationRow>> {
    organisations::table
        .order(organisations::slug.asc())
        .select(OrganisationRow::as_select())
        .load(conn)
}

pub fn find_organisation(conn: &mut AnyConnection, id: i64) -> QueryResult<OrganisationRow> {
    organisations::table
        .find(id)
        .select(OrganisationRow::as_select())
        .first(conn)
}

pub fn find_organisation_by_slug(
    conn: &mut AnyConnection,
    slug: &str,
) -> QueryResult<Option<OrganisationRow>> {
    organisations::table
        .filter(organisations::slug.eq(slug))
        .select(OrganisationRow::as_select())
        .first(conn)
        .optional()
}

pub fn insert_organisation(
    conn: &mut AnyConnection,
    new: &NewOrganisation<'_>,
) -> QueryResult<i64> {
    diesel::insert_into(organisations::table)
        .values(new)
        .returning(organisations::id)
        .get_result(conn)
}

pub fn find_by_slug(conn: &mut AnyConnection, slug: &str) -> QueryResult<Option<ConsultationRow>> {
    consultations::table
        .filter(consultations::slug.eq(slug))
        .select(ConsultationRow::as_select())
        .first(conn)
        .optional()
}

pub fn insert(conn: &mut AnyConnection, new: &NewConsultation<'_>) -> QueryResult<i64> {
    diesel::insert_into(consultations::table)
        .values(new)
        .returning(consultations::id)
        .get_result(conn)
}

/// Published consultations (not drafts) with their organisation, newest deadline last.
pub fn list_published(
    conn: &mut AnyConnection,
) -> QueryResult<Vec<(ConsultationRow, OrganisationRow)>> {
    consultations::table
        .inner_join(organisations::table)
        .filter(consultations::status.ne("draft"))
        .order(consultations::closes_at.asc())
        .select((ConsultationRow::as_select(), OrganisationRow::as_select()))
        .load(conn)
}

/// Every consultation with its organisation (staff lists), newest first.
pub fn list_all(conn: &mut AnyConnection) -> QueryResult<Vec<(ConsultationRow, OrganisationRow)>> {
    consultations::table
        .inner_join(organisations::table)
        .order(consultations::id.desc())
        .select((ConsultationRow::as_select(), OrganisationRow::as_select()))
        .load(conn)
}

pub fn update(
    conn: &mut AnyConnection,
    id: i64,
    changes: &ConsultationChanges,
) -> QueryResult<usize> {
    diesel::update(consultations::table.find(id))
        .set(changes)
        .execute(conn)
}

/// Replaces a consultation's sections with those parsed from its plan.
pub fn replace_sections(
    conn: &mut AnyConnection,
    consultation: i64,
    parsed: &[Section],
) -> QueryResult<()> {
    diesel::delete(sections::table.filter(sections::consultation_id.eq(consultation)))
        .execute(conn)?;
    for s in parsed {
        diesel::insert_into(sections::table)
            .values((
                sections::consultation_id.eq(consultation),
                sections::key.eq(&s.key),
                sections::heading.eq(&s.heading),
                sections::level.eq(s.level),
                sections::position.eq(s.position),
            ))
            .execute(conn)?;
    }
    Ok(())
}

pub fn list_sections(conn: &mut AnyConnection, consultation: i64) -> QueryResult<Vec<SectionRow>> {
    sections::table
        .filter(sections::consultation_id.eq(consultation))
        .order(sections::position.asc())
        .select(SectionRow::as_select())
        .load(conn)
}

/// Visible ideas per section key (ideas without a section are counted under `None`).
pub fn idea_counts_by_section(
    conn: &mut AnyConnection,
    consultation: i64,
) -> QueryResult<Vec<(Option<String>, i64)>> {
    ideas::table
        .filter(ideas::consultation_id.eq(consultation))
        .filter(ideas::visibility.eq("visible"))
        .group_by(ideas::section_key)
        .select((ideas::section_key, diesel::dsl::count_star()))
        .load(conn)
}

/// Idea and participant totals per consultation, for cards on the home page.
pub fn totals(conn: &mut AnyConnection, consultation: i64) -> QueryResult<(i64, i64)> {
    let (ideas_count, votes): (i64, Option<i64>) = ideas::table
        .filter(ideas::consultation_id.eq(consultation))
        .filter(ideas::visibility.eq("visible"))
        .select((
            diesel::dsl::count_star(),
            diesel::dsl::sum(ideas::support_count + ideas::oppose_count),
        ))
        .first(conn)?;
    Ok((ideas_count, votes.unwrap_or(0)))
}

pub fn find(conn: &mut AnyConnection, id: i64) -> QueryResult<ConsultationRow> {
    consultations::table
        .find(id)
        .select(ConsultationRow::as_select())
        .first(conn)
}
