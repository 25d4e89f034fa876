//! The `comments` table: replies on ideas, one level of replies to a comment.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::AnyConnection;
use crate::db::schema::{comments, users};

#[derive(Queryable, Selectable, Clone, Debug)]
#[diesel(table_name = comments)]
pub struct CommentRow {
    pub id: i64,
    pub idea_id: i64,
    pub parent_id: Option<i64>,
    pub author_id: i64,
    pub body: String,
    pub body_html: String,
    pub reply_count: i32,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub edited_at: Option<NaiveDateTime>,
    pub deleted_at: Option<NaiveDateTime>,
    pub visibility: String,
    pub hidden_reason: Option<String>,
    pub moved_from_idea_id: Option<i64>,
}

impl CommentRow {
    pub fn visibility(&self) -> crate::domain::moderation::Visibility {
        crate::domain::moderation::Visibility::stored(&self.visibility)
    }
}

#[derive(Insertable)]
#[diesel(table_name = comments)]
pub struct NewComment<'a> {
    pub idea_id: i64,
    pub parent_id: Option<i64>,
    pub author_id: i64,
    pub body: &'a str,
    pub body_html: &'a str,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub visibility: &'a str,
}

pub fn insert(conn: &mut AnyConnection, new: &NewComment<'_>) -> QueryResult<i64> {
    diesel::insert_into(comments::table)
        .values(new)
        .returning(comments::id)
        .get_result(conn)
}

pub fn find(conn: &mut AnyConnection, id: i64) -> QueryResult<Option<CommentRow>> {
    comments::table
        .find(id)
        .select(CommentRow::as_select())
        .first(conn)
        .optional()
}

pub fn find_with_author(
    conn: &mut AnyConnection,
    id: i64,
) -> QueryResult<Option<(CommentRow, Option<String>)>> {
    comments::table
        .inner_join(users::table)
        .filter(comments::id.eq(id))
        .select((CommentRow::as_select(), users::display_name))
        .first(conn)
        .optional()
}

pub fn update_body(
    conn: &mut AnyConnection,
    id: i64,
    body: &str,
    body_html: &str,
    at: NaiveDateTime,
) -> QueryResult<usize> {
    diesel::update(comments::table.find(id))
        .set((
            comments::body.eq(body),
            comments::body_html.eq(body_html),
            comments::edited_at.eq(Some(at)),
            comments::updated_at.eq(at),
        ))
        .execute(conn)
}

/// Deleting erases the text but keeps the row, so replies keep their place in the thread.
pub fn soft_delete(conn: &mut AnyConnection, id: i64, at: NaiveDateTime) -> QueryResult<usize> {
    diesel::update(
        comments::table
            .find(id)
            .filter(comments::deleted_at.is_null()),
    )
    .set((
        comments::body.eq(""),
        comments::body_html.eq(""),
        comments::deleted_at.eq(Some(at)),
        comments::updated_at.eq(at),
    ))
    .execute(conn)
}

pub fn add_replies(conn: &mut AnyConnection, id: i64, delta: i32) -> QueryResult<usize> {
    diesel::update(comments::table.find(id))
        .set(comments::reply_count.eq(comments::reply_count + delta))
        .execute(conn)
}

/// A page of top-level comments in posting order, after the comment id `after`.
pub fn top_level_page(
    conn: &mut AnyConnection,
    idea: i64,
    after: Option<i64>,
    limit: i64,
) -> QueryResult<Vec<(CommentRow, Option<String>)>> {
    let mut query = comments::table
        .inner_join(users::table)
        .filter(comments::idea_id.eq(idea))
        .filter(comments::parent_id.is_null())
        .select((CommentRow::as_select(), users::display_name))
        .order(comments::id.asc())
        .limit(limit)
        .into_boxed();
    if let Some(after) = after {
        query = query.filter(comments::id.gt(after));
    }
    query.load(conn)
}

/// One person's comments on an idea: the id and parent of each.
pub fn by_author_on_idea(
    conn: &mut AnyConnection,
    idea: i64,
    author: i64,
) -> QueryResult<Vec<(i64, Option<i64>)>> {
    comments::table
        .filter(comments::author_id.eq(author))
        .filter(comments::idea_id.eq(idea))
        .select((comments::id, comments::parent_id))
        .load(conn)
}

/// The last top-level comment of the page of `per_page` that starts after `after`; `None`
/// when the page runs to the idea's last comment.
pub fn page_end(
    conn: &mut AnyConnection,
    idea: i64,
    after: Option<i64>,
    per_page: i64,
) -> QueryResult<Option<i64>> {
    comments::table
        .filter(comments::idea_id.eq(idea))
        .filter(comments::parent_id.is_null())
        .filter(comments::id.gt(after.unwrap_or(0)))
        .select(comments::id)
        .order(comments::id.asc())
        .offset(per_page - 1)
        .limit(1)
        .first(conn)
        .optional()
}

/// Replies to the given comments (each with its stored reply count), in posting order, at
/// most `per_parent` each.
pub fn replies_of(
    conn: &mut AnyConnection,
    parents: &[(i64, i32)],
    per_parent: usize,
) -> QueryResult<Vec<(CommentRow, Option<String>)>> {
    let replies = || {
        comments::table
            .inner_join(users::table)
            .select((CommentRow::as_select(), users::display_name))
    };
    // Threads short enough to show whole are read together in one query; each long one (a
    // busy thread has thousands of replies) by a small indexed read of its first replies.
    let (mut long, mut short) = (Vec::new(), Vec::new());
    for &(id, count) in parents {
        if usize::try_from(count).map_or(true, |c| c > per_parent) {
            long.push(id);
        } else {
            short.push(id);
        }
    }
    let mut kept = Vec::new();
    if !short.is_empty() {
        kept = replies()
            .filter(comments::parent_id.eq_any(short))
            .order((comments::parent_id.asc(), comments::id.asc()))
            .load::<(CommentRow, Option<String>)>(conn)?;
        // A stored count that fell behind must not make a page longer than promised.
        let mut shown: std::collections::HashMap<Option<i64>, usize> = Default::default();
        kept.retain(|(row, _)| {
            let n = shown.entry(row.parent_id).or_default();
            *n += 1;
            *n <= per_parent
        });
    }
    for parent in long {
        kept.extend(
            replies()
                .filter(comments::parent_id.eq(parent))
                .order(comments::id.asc())
                .limit(per_parent as i64)
                .load::<(CommentRow, Option<String>)>(conn)?,
        );
    }
    Ok(kept)
}

/// Moves every comment of one idea to another, remembering where they came from.
pub fn move_all(conn: &mut AnyConnection, from: i64, to: i64) -> QueryResult<usize> {
    diesel::update(comments::table.filter(comments::idea_id.eq(from)))
        .set((
            comments::idea_id.eq(to),
            comments::moved_from_idea_id.eq(Some(from)),
        ))
        .execute(conn)
}

pub fn by_author(conn: &mut AnyConnection, author: i64) -> QueryResult<Vec<CommentRow>> {
    comments::table
        .filter(comments::author_id.eq(author))
        .select(CommentRow::as_select())
        .load(conn)
}
