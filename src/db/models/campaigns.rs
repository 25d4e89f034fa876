//! The `campaigns` and `campaign_decisions` tables, and the campaign columns of `ideas`: a
//! consultation's copies of the same letter, as the last regrouping found them, and the
//! moderators' decisions that every regrouping applies again.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::AnyConnection;
use crate::db::schema::{campaign_decisions, campaigns, ideas};

/// How many ids go into one `IN (…)` list.
const IDS_PER_STATEMENT: usize = 500;

#[derive(Queryable, Selectable, Clone, Debug)]
#[diesel(table_name = campaigns)]
pub struct CampaignRow {
    pub id: i64,
    pub consultation_id: i64,
    pub template_idea_id: i64,
    pub template_key: i64,
    pub size: i64,
    pub distinct_texts: i64,
    pub first_at: NaiveDateTime,
    pub last_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

/// A campaign as a regrouping found it, before it is stored.
pub struct FoundCampaign {
    pub template_idea_id: i64,
    pub template_key: i64,
    pub size: i64,
    pub distinct_texts: i64,
    pub first_at: NaiveDateTime,
    pub last_at: NaiveDateTime,
}

/// A distinct text of a consultation: its key, how many submissions have it, one of them.
#[derive(Queryable, Clone, Debug)]
pub struct DistinctText {
    pub text_key: i64,
    pub submissions: i64,
    pub representative: i64,
}

/// The distinct texts of a consultation's submissions (withdrawn ideas are not counted).
pub fn distinct_texts(
    conn: &mut AnyConnection,
    consultation: i64,
) -> QueryResult<Vec<DistinctText>> {
    ideas::table
        .filter(ideas::consultation_id.eq(consultation))
        .filter(ideas::status.eq("published"))
        .filter(ideas::text_key.is_not_null())
        .group_by(ideas::text_key)
        .select((
            ideas::text_key.assume_not_null(),
            diesel::dsl::count_star(),
            diesel::dsl::min(ideas::id).assume_not_null(),
        ))
        .load(conn)
}

/// Bodies by idea id.
pub fn bodies(conn: &mut AnyConnection, ids: &[i64]) -> QueryResult<Vec<(i64, String)>> {
    let mut out = Vec::with_capacity(ids.len());
    for chunk in ids.chunks(IDS_PER_STATEMENT) {
        out.extend(
            ideas::table
                .filter(ideas::id.eq_any(chunk))
                .select((ideas::id, ideas::body))
                .load::<(i64, String)>(conn)?,
        );
    }
    Ok(out)
}

/// Ideas still without a text key (written before keys existed), a batch at a time.
pub fn without_key(
    conn: &mut AnyConnection,
    consultation: i64,
    limit: i64,
) -> QueryResult<Vec<(i64, String)>> {
    ideas::table
        .filter(ideas::consultation_id.eq(consultation))
        .filter(ideas::text_key.is_null())
        .select((ideas::id, ideas::body))
        .order(ideas::id.asc())
        .limit(limit)
        .load(conn)
}

pub fn set_text_key(conn: &mut AnyConnection, idea: i64, key: i64) -> QueryResult<usize> {
    diesel::update(ideas::table.find(idea))
        .set(ideas::text_key.eq(key))
        .execute(conn)
}

/// A counted submission: (idea, text key, received at, current campaign).
pub type Membership = (i64, i64, NaiveDateTime, Option<i64>);

/// Every counted submission with its text key, receipt time and current campaign.
pub fn memberships(conn: &mut AnyConnection, consultation: i64) -> QueryResult<Vec<Membership>> {
    ideas::table
        .filter(ideas::consultation_id.eq(consultation))
        .filter(ideas::status.eq("published"))
        .filter(ideas::text_key.is_not_null())
        .select((
            ideas::id,
            ideas::text_key.assume_not_null(),
            diesel::dsl::sql::<diesel::sql_types::Timestamp>("COALESCE(received_at, created_at)"),
            ideas::campaign_id,
        ))
        .order(ideas::id.asc())
        .load(conn)
}

pub fn for_consultation(
    conn: &mut AnyConnection,
    consultation: i64,
) -> QueryResult<Vec<CampaignRow>> {
    campaigns::table
        .filter(campaigns::consultation_id.eq(consultation))
        .select(CampaignRow::as_select())
        .load(conn)
}

pub fn find(conn: &mut AnyConnection, id: i64) -> QueryResult<Option<CampaignRow>> {
    campaigns::table
        .find(id)
        .select(CampaignRow::as_select())
        .first(conn)
        .optional()
}

/// The ideas a campaign holds, in id order.
pub fn members(conn: &mut AnyConnection, campaign: i64) -> QueryResult<Vec<i64>> {
    ideas::table
        .filter(ideas::campaign_id.eq(campaign))
        .select(ideas::id)
        .order(ideas::id.asc())
        .load(conn)
}

/// Stores a found campaign under its template key: the same letter keeps its campaign id
/// across regroupings.
pub fn upsert(
    conn: &mut AnyConnection,
    consultation: i64,
    found: &FoundCampaign,
    at: NaiveDateTime,
) -> QueryResult<i64> {
    let existing: Option<i64> = campaigns::table
        .filter(campaigns::consultation_id.eq(consultation))
        .filter(campaigns::template_key.eq(found.template_key))
        .select(campaigns::id)
        .first(conn)
        .optional()?;
    match existing {
        Some(id) => {
            diesel::update(campaigns::table.find(id))
                .set((
                    campaigns::template_idea_id.eq(found.template_idea_id),
                    campaigns::size.eq(found.size),
                    campaigns::distinct_texts.eq(found.distinct_texts),
                    campaigns::first_at.eq(found.first_at),
                    campaigns::last_at.eq(found.last_at),
                    campaigns::updated_at.eq(at),
                ))
                .execute(conn)?;
            Ok(id)
        }
        None => diesel::insert_into(campaigns::table)
            .values((
                campaigns::consultation_id.eq(consultation),
                campaigns::template_idea_id.eq(found.template_idea_id),
                campaigns::template_key.eq(found.template_key),
                campaigns::size.eq(found.size),
                campaigns::distinct_texts.eq(found.distinct_texts),
                campaigns::first_at.eq(found.first_at),
                campaigns::last_at.eq(found.last_at),
                campaigns::updated_at.eq(at),
            ))
            .returning(campaigns::id)
            .get_result(conn),
    }
}

/// Puts ideas into a campaign (`None`: into none).
pub fn assign(
    conn: &mut AnyConnection,
    ideas_to_move: &[i64],
    campaign: Option<i64>,
) -> QueryResult<()> {
    for chunk in ideas_to_move.chunks(IDS_PER_STATEMENT) {
        diesel::update(ideas::table.filter(ideas::id.eq_any(chunk)))
            .set(ideas::campaign_id.eq(campaign))
            .execute(conn)?;
    }
    Ok(())
}

/// Removes the campaigns a regrouping no longer found.
pub fn delete_except(
    conn: &mut AnyConnection,
    consultation: i64,
    kept: &[i64],
) -> QueryResult<usize> {
    let stale: Vec<i64> = campaigns::table
        .filter(campaigns::consultation_id.eq(consultation))
        .select(campaigns::id)
        .load::<i64>(conn)?
        .into_iter()
        .filter(|id| !kept.contains(id))
        .collect();
    let mut removed = 0;
    for chunk in stale.chunks(IDS_PER_STATEMENT) {
        removed +=
            diesel::delete(campaigns::table.filter(campaigns::id.eq_any(chunk))).execute(conn)?;
    }
    Ok(removed)
}

/// A consultation's campaigns, largest first, after `(size, id)` of the last page.
pub fn page(
    conn: &mut AnyConnection,
    consultation: i64,
    after: Option<(i64, i64)>,
    limit: i64,
) -> QueryResult<Vec<CampaignRow>> {
    let mut query = campaigns::table
        .filter(campaigns::consultation_id.eq(consultation))
        .select(CampaignRow::as_select())
        .order((campaigns::size.desc(), campaigns::id.asc()))
        .limit(limit)
        .into_boxed();
    if let Some((size, id)) = after {
        query = query.filter(
            campaigns::size
                .lt(size)
                .or(campaigns::size.eq(size).and(campaigns::id.gt(id))),
        );
    }
    query.load(conn)
}

/// Every campaign of a consultation with its size (exports name each idea's).
pub fn all_sizes(conn: &mut AnyConnection, consultation: i64) -> QueryResult<Vec<(i64, i64)>> {
    campaigns::table
        .filter(campaigns::consultation_id.eq(consultation))
        .select((campaigns::id, campaigns::size))
        .load(conn)
}

/// (submissions, distinct texts, submissions in campaigns) of a consultation.
pub fn totals(conn: &mut AnyConnection, consultation: i64) -> QueryResult<(i64, i64, i64)> {
    let counted = ideas::table
        .filter(ideas::consultation_id.eq(consultation))
        .filter(ideas::status.eq("published"));
    let submissions: i64 = counted.count().get_result(conn)?;
    let distinct: i64 = counted
        .filter(ideas::text_key.is_not_null())
        .select(diesel::dsl::count(ideas::text_key).aggregate_distinct())
        .first(conn)?;
    let in_campaigns: i64 = counted
        .filter(ideas::campaign_id.is_not_null())
        .count()
        .get_result(conn)?;
    Ok((submissions, distinct, in_campaigns))
}

/// How many campaigns a consultation has.
pub fn count(conn: &mut AnyConnection, consultation: i64) -> QueryResult<i64> {
    campaigns::table
        .filter(campaigns::consultation_id.eq(consultation))
        .count()
        .get_result(conn)
}

/// Sizes of campaigns by id (ideas on a page name theirs).
pub fn sizes(conn: &mut AnyConnection, ids: &[i64]) -> QueryResult<Vec<(i64, i64)>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    campaigns::table
        .filter(campaigns::id.eq_any(ids))
        .select((campaigns::id, campaigns::size))
        .load(conn)
}

/// A campaign's distinct texts with how many submissions each has, largest first.
pub fn texts_of(
    conn: &mut AnyConnection,
    campaign: i64,
    limit: i64,
    offset: i64,
) -> QueryResult<Vec<(i64, i64, i64)>> {
    ideas::table
        .filter(ideas::campaign_id.eq(campaign))
        .group_by(ideas::text_key)
        .select((
            ideas::text_key.assume_not_null(),
            diesel::dsl::count_star(),
            diesel::dsl::min(ideas::id).assume_not_null(),
        ))
        .order((
            diesel::dsl::count_star().desc(),
            diesel::dsl::min(ideas::id).asc(),
        ))
        .limit(limit)
        .offset(offset)
        .load(conn)
}

/// When a campaign's copies arrived (receipt times), oldest first.
pub fn arrivals(conn: &mut AnyConnection, campaign: i64) -> QueryResult<Vec<NaiveDateTime>> {
    ideas::table
        .filter(ideas::campaign_id.eq(campaign))
        .select(diesel::dsl::sql::<diesel::sql_types::Timestamp>(
            "COALESCE(received_at, created_at)",
        ))
        .load(conn)
}

#[derive(Queryable, Selectable, Clone, Debug)]
#[diesel(table_name = campaign_decisions)]
pub struct DecisionRow {
    pub id: i64,
    pub consultation_id: i64,
    pub kind: String,
    pub idea_id: i64,
    pub other_idea_id: Option<i64>,
    pub actor_id: Option<i64>,
    pub note: String,
    pub created_at: NaiveDateTime,
}

pub fn decisions(conn: &mut AnyConnection, consultation: i64) -> QueryResult<Vec<DecisionRow>> {
    campaign_decisions::table
        .filter(campaign_decisions::consultation_id.eq(consultation))
        .select(DecisionRow::as_select())
        .order(campaign_decisions::id.asc())
        .load(conn)
}

/// A moderator's decision as recorded.
#[derive(Insertable)]
#[diesel(table_name = campaign_decisions)]
pub struct NewDecision<'a> {
    pub consultation_id: i64,
    pub kind: &'a str,
    pub idea_id: i64,
    pub other_idea_id: Option<i64>,
    pub actor_id: i64,
    pub note: &'a str,
    pub created_at: NaiveDateTime,
}

pub fn add_decision(conn: &mut AnyConnection, decision: &NewDecision<'_>) -> QueryResult<usize> {
    diesel::insert_into(campaign_decisions::table)
        .values(decision)
        .execute(conn)
}
