//! The `ideas` and `idea_revisions` tables, and the joined rows that lists show.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::AnyConnection;
use crate::db::schema::{idea_revisions, idea_tags, ideas, tags, users};
use crate::domain::listing::{Cursor, Sort};

/// An earlier version of an idea: (title, body, section, saved at).
pub type Revision = (String, String, Option<String>, NaiveDateTime);
/// A tag on an idea: (idea id, slug, name_ja, name_en, colour).
pub type IdeaTag = (i64, String, String, String, String);

#[derive(Queryable, Selectable, Clone, Debug)]
#[diesel(table_name = ideas)]
pub struct IdeaRow {
    pub id: i64,
    pub consultation_id: i64,
    pub author_id: i64,
    pub section_key: Option<String>,
    pub receipt: String,
    pub title: String,
    pub body: String,
    pub body_html: String,
    pub status: String,
    pub response_status: Option<String>,
    pub support_count: i32,
    pub oppose_count: i32,
    pub comment_count: i32,
    pub trend_score: f64,
    pub controversy: f64,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub edited_at: Option<NaiveDateTime>,
    pub withdrawn_at: Option<NaiveDateTime>,
    pub visibility: String,
    pub hidden_reason: Option<String>,
    pub locked_at: Option<NaiveDateTime>,
    pub pinned_at: Option<NaiveDateTime>,
    pub merged_into_id: Option<i64>,
    pub channel: String,
    pub received_at: Option<NaiveDateTime>,
    pub text_key: Option<i64>,
    pub campaign_id: Option<i64>,
}

impl IdeaRow {
    /// How the idea arrived.
    pub fn channel(&self) -> crate::domain::submission::Channel {
        crate::domain::submission::Channel::stored(&self.channel)
    }

    /// When the ministry received it: for the site's own posts, when they were posted.
    pub fn received(&self) -> NaiveDateTime {
        self.received_at.unwrap_or(self.created_at)
    }

    pub fn visibility(&self) -> crate::domain::moderation::Visibility {
        crate::domain::moderation::Visibility::stored(&self.visibility)
    }

    /// What decides whether the idea takes part (votes, comments).
    pub fn state(&self) -> crate::domain::policy::IdeaState {
        crate::domain::policy::IdeaState {
            visibility: self.visibility(),
            locked: self.locked_at.is_some(),
            merged_into: self.merged_into_id,
        }
    }

    pub fn is_withdrawn(&self) -> bool {
        self.status == "withdrawn"
    }

    /// The value the list's sort orders by, for the next-page cursor.
    pub fn sort_key(&self, sort: Sort) -> f64 {
        match sort {
            Sort::New => self.id as f64,
            Sort::Top => f64::from(self.support_count),
            Sort::Trending => self.trend_score,
            Sort::Discussed => f64::from(self.comment_count),
            Sort::Controversial => self.controversy,
        }
    }
}

/// A new idea with the id reserved for it (`reserve_ids`), so that its receipt number,
/// which is made from the id, is stored with the row instead of set by a second write.
/// `None` is stored as NULL, which lets many rows share one `INSERT` on SQLite too.
#[derive(Insertable)]
#[diesel(table_name = ideas, treat_none_as_default_value = false)]
pub struct NewIdea<'a> {
    pub id: i64,
    pub consultation_id: i64,
    pub author_id: i64,
    pub section_key: Option<&'a str>,
    pub receipt: &'a str,
    pub title: &'a str,
    pub body: &'a str,
    pub body_html: &'a str,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub visibility: &'a str,
    pub channel: &'a str,
    pub received_at: Option<NaiveDateTime>,
    pub text_key: Option<i64>,
    pub import_id: Option<i64>,
    pub import_line: Option<i64>,
}

/// Rows per `INSERT`: 16 values a row stays far below SQLite's 32,766 bound parameters and
/// PostgreSQL's 65,535.
const ROWS_PER_INSERT: usize = 500;

/// Stores new ideas, many rows per statement.
pub fn insert_many(conn: &mut AnyConnection, rows: &[NewIdea<'_>]) -> QueryResult<()> {
    for chunk in rows.chunks(ROWS_PER_INSERT) {
        crate::per_backend!(conn, c => diesel::insert_into(ideas::table).values(chunk).execute(c))?;
    }
    Ok(())
}

/// Reserves the id of one new idea (see `reserve_ids`).
pub fn reserve_id(conn: &mut AnyConnection) -> QueryResult<i64> {
    reserve_ids(conn, 1)?
        .pop()
        .ok_or(diesel::result::Error::NotFound)
}

/// Reserves `count` ids for new ideas in the caller's transaction. On PostgreSQL they come
/// from the id sequence, as concurrent inserts on other instances take theirs; on SQLite
/// the transaction holds the only writer, so they follow the highest id ever given (never
/// reusing a deleted idea's id, as `AUTOINCREMENT` promises).
pub fn reserve_ids(conn: &mut AnyConnection, count: usize) -> QueryResult<Vec<i64>> {
    #[derive(QueryableByName)]
    struct Reserved {
        #[diesel(sql_type = diesel::sql_types::BigInt)]
        id: i64,
    }
    if count == 0 {
        return Ok(Vec::new());
    }
    match conn {
        AnyConnection::Postgresql(c) => {
            let rows: Vec<Reserved> = diesel::sql_query(
                "SELECT nextval(pg_get_serial_sequence('ideas', 'id')) AS id \
                 FROM generate_series(1, $1)",
            )
            .bind::<diesel::sql_types::BigInt, _>(count as i64)
            .load(c)?;
            Ok(rows.into_iter().map(|r| r.id).collect())
        }
        AnyConnection::Sqlite(c) => {
            let last: Vec<Reserved> = diesel::sql_query(
                "SELECT CAST(MAX(COALESCE((SELECT seq FROM sqlite_sequence WHERE name = 'ideas'), 0), \
                 COALESCE((SELECT MAX(id) FROM ideas), 0)) AS BIGINT) AS id",
            )
            .load(c)?;
            let last = last.first().map_or(0, |r| r.id);
            Ok((1..=count as i64).map(|n| last + n).collect())
        }
    }
}

/// An idea of a consultation by its receipt number.
pub fn find_by_receipt(
    conn: &mut AnyConnection,
    consultation: i64,
    receipt: &str,
) -> QueryResult<Option<IdeaRow>> {
    ideas::table
        .filter(ideas::consultation_id.eq(consultation))
        .filter(ideas::receipt.eq(receipt))
        .select(IdeaRow::as_select())
        .first(conn)
        .optional()
}

pub fn find(conn: &mut AnyConnection, id: i64) -> QueryResult<Option<IdeaRow>> {
    ideas::table
        .find(id)
        .select(IdeaRow::as_select())
        .first(conn)
        .optional()
}

/// An idea with its author's public name (`None` once the author deleted their account).
pub fn find_with_author(
    conn: &mut AnyConnection,
    id: i64,
) -> QueryResult<Option<(IdeaRow, Option<String>)>> {
    ideas::table
        .inner_join(users::table)
        .filter(ideas::id.eq(id))
        .select((IdeaRow::as_select(), users::display_name))
        .first(conn)
        .optional()
}

/// Saves an author's edit and keeps the previous text in the history.
pub fn save_edit(
    conn: &mut AnyConnection,
    before: &IdeaRow,
    title: &str,
    body: &str,
    body_html: &str,
    section_key: Option<&str>,
    at: NaiveDateTime,
) -> QueryResult<()> {
    diesel::insert_into(idea_revisions::table)
        .values((
            idea_revisions::idea_id.eq(before.id),
            idea_revisions::title.eq(&before.title),
            idea_revisions::body.eq(&before.body),
            idea_revisions::section_key.eq(&before.section_key),
            idea_revisions::created_at.eq(before.edited_at.unwrap_or(before.created_at)),
        ))
        .execute(conn)?;
    diesel::update(ideas::table.find(before.id))
        .set((
            ideas::title.eq(title),
            ideas::body.eq(body),
            ideas::body_html.eq(body_html),
            ideas::section_key.eq(section_key),
            ideas::edited_at.eq(Some(at)),
            ideas::updated_at.eq(at),
        ))
        .execute(conn)?;
    Ok(())
}

/// Earlier versions of an idea, oldest first: (title, body, section, saved at).
pub fn revisions(conn: &mut AnyConnection, idea: i64) -> QueryResult<Vec<Revision>> {
    idea_revisions::table
        .filter(idea_revisions::idea_id.eq(idea))
        .order(idea_revisions::id.asc())
        .select((
            idea_revisions::title,
            idea_revisions::body,
            idea_revisions::section_key,
            idea_revisions::created_at,
        ))
        .load(conn)
}

pub fn withdraw(conn: &mut AnyConnection, id: i64, at: NaiveDateTime) -> QueryResult<usize> {
    diesel::update(ideas::table.find(id).filter(ideas::status.eq("published")))
        .set((
            ideas::status.eq("withdrawn"),
            ideas::withdrawn_at.eq(Some(at)),
            ideas::updated_at.eq(at),
        ))
        .execute(conn)
}

/// Adds to the vote counters under the row lock and returns the new (support, oppose, trend).
pub fn add_votes(
    conn: &mut AnyConnection,
    id: i64,
    support: i32,
    oppose: i32,
) -> QueryResult<(i32, i32, f64)> {
    diesel::update(ideas::table.find(id))
        .set((
            ideas::support_count.eq(ideas::support_count + support),
            ideas::oppose_count.eq(ideas::oppose_count + oppose),
        ))
        .returning((
            ideas::support_count,
            ideas::oppose_count,
            ideas::trend_score,
        ))
        .get_result(conn)
}

pub fn set_scores(
    conn: &mut AnyConnection,
    id: i64,
    trend: f64,
    controversy: f64,
) -> QueryResult<usize> {
    diesel::update(ideas::table.find(id))
        .set((
            ideas::trend_score.eq(trend),
            ideas::controversy.eq(controversy),
        ))
        .execute(conn)
}

pub fn add_comments(conn: &mut AnyConnection, id: i64, delta: i32) -> QueryResult<usize> {
    diesel::update(ideas::table.find(id))
        .set(ideas::comment_count.eq(ideas::comment_count + delta))
        .execute(conn)
}

/// What narrows a list of ideas.
#[derive(Clone, Debug, Default)]
pub struct IdeaFilter {
    pub section: Option<String>,
    pub tag_id: Option<i64>,
    pub response_status: Option<String>,
    /// Ids from a text search (already matched); `Some(empty)` means nothing matched.
    pub ids: Option<Vec<i64>>,
    pub author_id: Option<i64>,
    /// Pinned ideas are listed separately at the top of the default list.
    pub pinned: Option<bool>,
}

/// One page of a consultation's ideas in `sort` order after `cursor`, with author names.
/// Keyset pagination: every page costs the same, however deep.
pub fn list(
    conn: &mut AnyConnection,
    consultation: i64,
    filter: &IdeaFilter,
    sort: Sort,
    cursor: Option<Cursor>,
    limit: i64,
) -> QueryResult<Vec<(IdeaRow, Option<String>)>> {
    // Lists only ever show visible ideas: hidden, pending and merged ones appear nowhere.
    let mut query = ideas::table
        .inner_join(users::table)
        .filter(ideas::consultation_id.eq(consultation))
        .filter(ideas::visibility.eq("visible"))
        .select((IdeaRow::as_select(), users::display_name))
        .into_boxed();
    match filter.pinned {
        Some(true) => query = query.filter(ideas::pinned_at.is_not_null()),
        Some(false) => query = query.filter(ideas::pinned_at.is_null()),
        None => {}
    }
    if let Some(section) = &filter.section {
        query = query.filter(ideas::section_key.eq(section.clone()));
    }
    if let Some(tag) = filter.tag_id {
        query = query.filter(ideas::id.eq_any(crate::db::models::tags::tagged(tag)));
    }
    if let Some(status) = &filter.response_status {
        query = query.filter(ideas::response_status.eq(status.clone()));
    }
    if let Some(ids) = &filter.ids {
        query = query.filter(ideas::id.eq_any(ids.clone()));
    }
    if let Some(author) = filter.author_id {
        query = query.filter(ideas::author_id.eq(author));
    }
    macro_rules! keyset {
        ($column:expr, $key:expr) => {{
            if let Some(c) = cursor {
                let key = $key(c.key);
                query = query.filter($column.lt(key).or($column.eq(key).and(ideas::id.lt(c.id))));
            }
            query = query.order(($column.desc(), ideas::id.desc()));
        }};
    }
    match sort {
        Sort::New => {
            if let Some(c) = cursor {
                query = query.filter(ideas::id.lt(c.id));
            }
            query = query.order(ideas::id.desc());
        }
        Sort::Top => keyset!(ideas::support_count, |k: f64| k as i32),
        Sort::Discussed => keyset!(ideas::comment_count, |k: f64| k as i32),
        Sort::Trending => keyset!(ideas::trend_score, |k: f64| k),
        Sort::Controversial => keyset!(ideas::controversy, |k: f64| k),
    }
    query.limit(limit).load(conn)
}

/// Tag slugs and names per idea, for a page of ideas.
pub fn tags_of(conn: &mut AnyConnection, idea_ids: &[i64]) -> QueryResult<Vec<IdeaTag>> {
    idea_tags::table
        .inner_join(tags::table)
        .filter(idea_tags::idea_id.eq_any(idea_ids))
        .order(tags::slug.asc())
        .select((
            idea_tags::idea_id,
            tags::slug,
            tags::name_ja,
            tags::name_en,
            tags::color,
        ))
        .load(conn)
}

/// Recounts (for the proof that counters equal the rows they count).
pub fn recount(conn: &mut AnyConnection, id: i64) -> QueryResult<(i64, i64, i64)> {
    use crate::db::schema::{comments, votes};
    let support = votes::table
        .filter(votes::idea_id.eq(id))
        .filter(votes::value.eq(1))
        .count()
        .get_result(conn)?;
    let oppose = votes::table
        .filter(votes::idea_id.eq(id))
        .filter(votes::value.eq(-1))
        .count()
        .get_result(conn)?;
    let comments = comments::table
        .filter(comments::idea_id.eq(id))
        .filter(comments::deleted_at.is_null())
        .filter(comments::visibility.eq("visible"))
        .count()
        .get_result(conn)?;
    Ok((support, oppose, comments))
}

/// The newest ideas of a consultation, for its feed.
pub fn newest(
    conn: &mut AnyConnection,
    consultation: i64,
    limit: i64,
) -> QueryResult<Vec<(IdeaRow, Option<String>)>> {
    list(
        conn,
        consultation,
        &IdeaFilter::default(),
        Sort::New,
        None,
        limit,
    )
}

/// Holds an idea against a merge until the transaction ends, before a vote reads it. On
/// PostgreSQL a `FOR KEY SHARE` lock: votes on one idea do not wait for each other, but a
/// merge's `FOR UPDATE` waits for the votes in flight, and votes arriving during a merge wait
/// for it and then read the idea as merged. SQLite write transactions already run one at a
/// time. Returns whether the idea exists.
pub fn hold_against_merge(conn: &mut AnyConnection, id: i64) -> QueryResult<bool> {
    match conn {
        AnyConnection::Postgresql(c) => ideas::table
            .find(id)
            .select(ideas::id)
            .for_key_share()
            .first::<i64>(c)
            .optional()
            .map(|row| row.is_some()),
        AnyConnection::Sqlite(_) => Ok(true),
    }
}

/// Locks both ideas of a merge (PostgreSQL `FOR UPDATE`) until the transaction ends, in id
/// order, so that two merges sharing an idea never wait for each other in a circle.
pub fn lock_for_merge(conn: &mut AnyConnection, a: i64, b: i64) -> QueryResult<()> {
    match conn {
        AnyConnection::Postgresql(c) => {
            ideas::table
                .filter(ideas::id.eq_any([a, b]))
                .order(ideas::id)
                .select(ideas::id)
                .for_update()
                .load::<i64>(c)?;
            Ok(())
        }
        // SQLite write transactions already run one at a time.
        AnyConnection::Sqlite(_) => Ok(()),
    }
}

pub fn mark_merged(
    conn: &mut AnyConnection,
    id: i64,
    into: i64,
    at: NaiveDateTime,
) -> QueryResult<usize> {
    diesel::update(ideas::table.find(id))
        .set((
            ideas::visibility.eq("merged"),
            ideas::merged_into_id.eq(Some(into)),
            ideas::pinned_at.eq(None::<NaiveDateTime>),
            ideas::updated_at.eq(at),
        ))
        .execute(conn)
}

/// The newest ideas (any visibility), optionally of one consultation, for the queue.
pub fn newest_ids(
    conn: &mut AnyConnection,
    consultation: Option<i64>,
    limit: i64,
) -> QueryResult<Vec<i64>> {
    let mut query = ideas::table
        .filter(ideas::visibility.ne("merged"))
        .select(ideas::id)
        .order(ideas::id.desc())
        .limit(limit)
        .into_boxed();
    if let Some(c) = consultation {
        query = query.filter(ideas::consultation_id.eq(c));
    }
    query.load(conn)
}

pub fn by_author(conn: &mut AnyConnection, author: i64) -> QueryResult<Vec<IdeaRow>> {
    ideas::table
        .filter(ideas::author_id.eq(author))
        .select(IdeaRow::as_select())
        .load(conn)
}

/// What an export includes.
#[derive(Clone, Debug, Default)]
pub struct ExportFilter {
    pub section: Option<String>,
    pub tag_id: Option<i64>,
    /// A response status, or `none` for ideas without one.
    pub response_status: Option<String>,
    pub from: Option<NaiveDateTime>,
    pub to: Option<NaiveDateTime>,
    /// Hidden and pending ideas too (staff exports only); merged ones never.
    pub include_hidden: bool,
}
