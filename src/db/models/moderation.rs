//! The `reports`, `moderation_actions` and `moderation_filters` tables, and the visibility
//! columns of ideas and comments.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Nullable, Text, Timestamp};

use crate::db::AnyConnection;
use crate::db::schema::{comments, ideas, moderation_actions, moderation_filters, reports, users};

#[derive(Insertable)]
#[diesel(table_name = reports)]
pub struct NewReport<'a> {
    pub target_type: &'a str,
    pub target_id: i64,
    pub consultation_id: i64,
    pub reporter_id: i64,
    pub reason: &'a str,
    pub note: &'a str,
    pub created_at: NaiveDateTime,
}

/// Stores a report; `false` when this person already reported the item.
pub fn insert_report(conn: &mut AnyConnection, new: &NewReport<'_>) -> QueryResult<bool> {
    let inserted = crate::per_backend!(conn, c => diesel::insert_into(reports::table)
        .values(new)
        .on_conflict((reports::target_type, reports::target_id, reports::reporter_id))
        .do_nothing()
        .execute(c))?;
    Ok(inserted == 1)
}

/// How many different people have open reports on the item.
pub fn open_reporters(
    conn: &mut AnyConnection,
    target_type: &str,
    target_id: i64,
) -> QueryResult<i64> {
    reports::table
        .filter(reports::target_type.eq(target_type))
        .filter(reports::target_id.eq(target_id))
        .filter(reports::resolved_at.is_null())
        .select(diesel::dsl::count(reports::reporter_id).aggregate_distinct())
        .first(conn)
}

/// Closes the open reports on an item with a resolution (`actioned` or `dismissed`).
pub fn resolve_reports(
    conn: &mut AnyConnection,
    target_type: &str,
    target_id: i64,
    resolution: &str,
    at: NaiveDateTime,
) -> QueryResult<usize> {
    diesel::update(
        reports::table
            .filter(reports::target_type.eq(target_type))
            .filter(reports::target_id.eq(target_id))
            .filter(reports::resolved_at.is_null()),
    )
    .set((
        reports::resolved_at.eq(Some(at)),
        reports::resolution.eq(Some(resolution)),
    ))
    .execute(conn)
}

/// An item with open reports, for the queue.
#[derive(QueryableByName, Clone, Debug)]
pub struct ReportedItem {
    #[diesel(sql_type = Text)]
    pub target_type: String,
    #[diesel(sql_type = BigInt)]
    pub target_id: i64,
    #[diesel(sql_type = BigInt)]
    pub consultation_id: i64,
    #[diesel(sql_type = BigInt)]
    pub reporters: i64,
    #[diesel(sql_type = Timestamp)]
    pub latest_at: NaiveDateTime,
}

/// Open reports grouped by item, most reported first, then most recent, one page at a time.
pub fn reported_items(
    conn: &mut AnyConnection,
    consultation: Option<i64>,
    reason: Option<&str>,
    since: Option<NaiveDateTime>,
    limit: i64,
    offset: i64,
) -> QueryResult<Vec<ReportedItem>> {
    let sql = "SELECT target_type, target_id, consultation_id, COUNT(DISTINCT reporter_id) AS reporters, \
               MAX(created_at) AS latest_at FROM reports \
               WHERE resolved_at IS NULL AND (CAST(? AS BIGINT) IS NULL OR consultation_id = ?) \
               AND (CAST(? AS TEXT) IS NULL OR reason = ?) AND (CAST(? AS TIMESTAMP) IS NULL OR created_at >= ?) \
               GROUP BY target_type, target_id, consultation_id \
               ORDER BY reporters DESC, latest_at DESC, target_id DESC LIMIT ? OFFSET ?";
    let sql = match conn {
        AnyConnection::Postgresql(_) => crate::db::numbered(sql),
        AnyConnection::Sqlite(_) => sql.to_owned(),
    };
    crate::per_backend!(conn, c => diesel::sql_query(&sql)
        .bind::<Nullable<BigInt>, _>(consultation)
        .bind::<Nullable<BigInt>, _>(consultation)
        .bind::<Nullable<Text>, _>(reason)
        .bind::<Nullable<Text>, _>(reason)
        .bind::<Nullable<Timestamp>, _>(since)
        .bind::<Nullable<Timestamp>, _>(since)
        .bind::<BigInt, _>(limit)
        .bind::<BigInt, _>(offset)
        .load(c))
}

/// Reasons and counts of the open reports on one item: (reason, count, notes).
pub fn report_reasons(
    conn: &mut AnyConnection,
    target_type: &str,
    target_id: i64,
) -> QueryResult<Vec<(String, String)>> {
    reports::table
        .filter(reports::target_type.eq(target_type))
        .filter(reports::target_id.eq(target_id))
        .filter(reports::resolved_at.is_null())
        .order(reports::id.asc())
        .select((reports::reason, reports::note))
        .load(conn)
}

#[derive(Insertable)]
#[diesel(table_name = moderation_actions)]
pub struct NewAction<'a> {
    /// `None` for actions IdeaBox takes by itself (automatic hiding after reports).
    pub actor_id: Option<i64>,
    pub action: &'a str,
    pub target_type: &'a str,
    pub target_id: i64,
    pub consultation_id: Option<i64>,
    pub reason: &'a str,
    pub note: &'a str,
    pub created_at: NaiveDateTime,
}

pub fn log_action(conn: &mut AnyConnection, new: &NewAction<'_>) -> QueryResult<usize> {
    diesel::insert_into(moderation_actions::table)
        .values(new)
        .execute(conn)
}

#[derive(Queryable, Selectable, Clone, Debug)]
#[diesel(table_name = moderation_actions)]
pub struct ActionRow {
    pub id: i64,
    pub actor_id: Option<i64>,
    pub action: String,
    pub target_type: String,
    pub target_id: i64,
    pub consultation_id: Option<i64>,
    pub reason: String,
    pub note: String,
    pub created_at: NaiveDateTime,
}

/// What narrows the moderation log.
#[derive(Clone, Debug, Default)]
pub struct LogFilter {
    pub consultation_id: Option<i64>,
    pub action: Option<String>,
    pub reason: Option<String>,
    pub before_id: Option<i64>,
}

/// Log entries newest first, with the acting moderator's display name.
pub fn log(
    conn: &mut AnyConnection,
    filter: &LogFilter,
    limit: i64,
) -> QueryResult<Vec<(ActionRow, Option<String>)>> {
    let mut query = moderation_actions::table
        .left_join(users::table.on(moderation_actions::actor_id.eq(users::id.nullable())))
        .select((ActionRow::as_select(), users::display_name.nullable()))
        .order(moderation_actions::id.desc())
        .limit(limit)
        .into_boxed();
    if let Some(c) = filter.consultation_id {
        query = query.filter(moderation_actions::consultation_id.eq(c));
    }
    if let Some(a) = &filter.action {
        query = query.filter(moderation_actions::action.eq(a.clone()));
    }
    if let Some(r) = &filter.reason {
        query = query.filter(moderation_actions::reason.eq(r.clone()));
    }
    if let Some(before) = filter.before_id {
        query = query.filter(moderation_actions::id.lt(before));
    }
    query.load(conn)
}

/// Counts of actions per (action, reason) in a consultation, for the transparency page.
pub fn action_counts(
    conn: &mut AnyConnection,
    consultation: i64,
) -> QueryResult<Vec<(String, String, i64)>> {
    moderation_actions::table
        .filter(moderation_actions::consultation_id.eq(consultation))
        .group_by((moderation_actions::action, moderation_actions::reason))
        .select((
            moderation_actions::action,
            moderation_actions::reason,
            diesel::dsl::count_star(),
        ))
        .order((
            moderation_actions::action.asc(),
            moderation_actions::reason.asc(),
        ))
        .load(conn)
}

/// A hidden idea: (id, receipt, reason, hidden at).
pub type HiddenIdea = (i64, String, Option<String>, NaiveDateTime);
/// A hidden comment: (comment id, idea id, reason, hidden at).
pub type HiddenComment = (i64, i64, Option<String>, NaiveDateTime);

/// Hidden ideas of a consultation.
pub fn hidden_ideas(conn: &mut AnyConnection, consultation: i64) -> QueryResult<Vec<HiddenIdea>> {
    ideas::table
        .filter(ideas::consultation_id.eq(consultation))
        .filter(ideas::visibility.eq("hidden"))
        .order(ideas::id.desc())
        .select((
            ideas::id,
            ideas::receipt,
            ideas::hidden_reason,
            ideas::updated_at,
        ))
        .load(conn)
}

/// Hidden comments of a consultation: (comment id, idea id, reason, updated).
pub fn hidden_comments(
    conn: &mut AnyConnection,
    consultation: i64,
) -> QueryResult<Vec<HiddenComment>> {
    comments::table
        .inner_join(ideas::table)
        .filter(ideas::consultation_id.eq(consultation))
        .filter(comments::visibility.eq("hidden"))
        .order(comments::id.desc())
        .select((
            comments::id,
            comments::idea_id,
            comments::hidden_reason,
            comments::updated_at,
        ))
        .load(conn)
}

pub fn set_idea_visibility(
    conn: &mut AnyConnection,
    id: i64,
    visibility: &str,
    reason: Option<&str>,
    at: NaiveDateTime,
) -> QueryResult<usize> {
    diesel::update(ideas::table.find(id))
        .set((
            ideas::visibility.eq(visibility),
            ideas::hidden_reason.eq(reason),
            ideas::updated_at.eq(at),
        ))
        .execute(conn)
}

pub fn set_comment_visibility(
    conn: &mut AnyConnection,
    id: i64,
    visibility: &str,
    reason: Option<&str>,
    at: NaiveDateTime,
) -> QueryResult<usize> {
    diesel::update(comments::table.find(id))
        .set((
            comments::visibility.eq(visibility),
            comments::hidden_reason.eq(reason),
            comments::updated_at.eq(at),
        ))
        .execute(conn)
}

pub fn set_idea_locked(
    conn: &mut AnyConnection,
    id: i64,
    locked: Option<NaiveDateTime>,
) -> QueryResult<usize> {
    diesel::update(ideas::table.find(id))
        .set(ideas::locked_at.eq(locked))
        .execute(conn)
}

pub fn set_idea_pinned(
    conn: &mut AnyConnection,
    id: i64,
    pinned: Option<NaiveDateTime>,
) -> QueryResult<usize> {
    diesel::update(ideas::table.find(id))
        .set(ideas::pinned_at.eq(pinned))
        .execute(conn)
}

/// Items waiting for approval: (type, id, consultation, created).
pub fn pending_items(
    conn: &mut AnyConnection,
    consultation: Option<i64>,
    limit: i64,
    offset: i64,
) -> QueryResult<Vec<(String, i64, i64, NaiveDateTime)>> {
    let mut idea_query = ideas::table
        .filter(ideas::visibility.eq("pending"))
        .select((ideas::id, ideas::consultation_id, ideas::created_at))
        .into_boxed();
    let mut comment_query = comments::table
        .inner_join(ideas::table)
        .filter(comments::visibility.eq("pending"))
        .select((comments::id, ideas::consultation_id, comments::created_at))
        .into_boxed();
    if let Some(c) = consultation {
        idea_query = idea_query.filter(ideas::consultation_id.eq(c));
        comment_query = comment_query.filter(ideas::consultation_id.eq(c));
    }
    let mut items: Vec<(String, i64, i64, NaiveDateTime)> = idea_query
        .order(ideas::id.asc())
        .limit(limit + offset)
        .load::<(i64, i64, NaiveDateTime)>(conn)?
        .into_iter()
        .map(|(id, c, t)| ("idea".to_owned(), id, c, t))
        .collect();
    items.extend(
        comment_query
            .order(comments::id.asc())
            .limit(limit + offset)
            .load::<(i64, i64, NaiveDateTime)>(conn)?
            .into_iter()
            .map(|(id, c, t)| ("comment".to_owned(), id, c, t)),
    );
    items.sort_by_key(|(_, id, _, t)| (*t, *id));
    Ok(items
        .into_iter()
        .skip(offset as usize)
        .take(limit as usize)
        .collect())
}

#[derive(Queryable, Selectable, Clone, Debug)]
#[diesel(table_name = moderation_filters)]
pub struct FilterRow {
    pub id: i64,
    pub pattern: String,
    pub is_regex: bool,
    pub created_at: NaiveDateTime,
}

pub fn filters(conn: &mut AnyConnection) -> QueryResult<Vec<FilterRow>> {
    moderation_filters::table
        .order(moderation_filters::id.asc())
        .select(FilterRow::as_select())
        .load(conn)
}

pub fn add_filter(
    conn: &mut AnyConnection,
    pattern: &str,
    is_regex: bool,
    at: NaiveDateTime,
) -> QueryResult<usize> {
    crate::per_backend!(conn, c => diesel::insert_into(moderation_filters::table)
        .values((
            moderation_filters::pattern.eq(pattern),
            moderation_filters::is_regex.eq(is_regex),
            moderation_filters::created_at.eq(at),
        ))
        .on_conflict(moderation_filters::pattern)
        .do_nothing()
        .execute(c))
}

pub fn delete_filter(conn: &mut AnyConnection, id: i64) -> QueryResult<usize> {
    diesel::delete(moderation_filters::table.find(id)).execute(conn)
}
