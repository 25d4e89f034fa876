//! The `organisations` and `consultations` tables.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::AnyConnection;
use crate::db::schema::{consultations, organisations};

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
}

#[derive(Insertable)]
#[diesel(table_name = consultations)]
pub struct NewConsultation<'a> {
    pub organisation_id: i64,
    pub slug: &'a str,
    pub title: &'a str,
    pub summary: &'a str,
    pub body: &'a str,
    pub status: &'a str,
    pub opens_at: NaiveDateTime,
    pub closes_at: NaiveDateTime,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
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
