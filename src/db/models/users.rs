//! The `users` table.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::AnyConnection;
use crate::db::models::access_revocations;
use crate::db::schema::users;
use crate::domain::identity::CurrentUser;
use crate::domain::ids::UserId;
use crate::domain::lang::Lang;
use crate::domain::policy::Actor;
use crate::domain::role::Role;

/// One account as stored.
#[derive(Queryable, Selectable, Clone, Debug)]
#[diesel(table_name = users)]
pub struct UserRow {
    pub id: i64,
    pub email: Option<String>,
    pub email_verified_at: Option<NaiveDateTime>,
    pub display_name: Option<String>,
    pub password_hash: Option<String>,
    pub role: String,
    pub language: Option<String>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub deleted_at: Option<NaiveDateTime>,
    pub suspended_until: Option<NaiveDateTime>,
    pub banned_at: Option<NaiveDateTime>,
    pub suspension_reason: Option<String>,
}

impl UserRow {
    pub fn id(&self) -> UserId {
        UserId(self.id)
    }

    /// An unknown stored role counts as the least privileged one.
    pub fn role(&self) -> Role {
        Role::parse(&self.role).unwrap_or(Role::Citizen)
    }

    pub fn language(&self) -> Option<Lang> {
        self.language.as_deref().and_then(Lang::parse)
    }

    pub fn is_verified(&self) -> bool {
        self.email_verified_at.is_some()
    }

    pub fn is_suspended(&self) -> bool {
        crate::domain::moderation::is_suspended(
            self.suspended_until,
            self.banned_at,
            crate::db::now(),
        )
    }

    pub fn actor(&self) -> Actor {
        Actor {
            role: self.role(),
            verified: self.is_verified() && self.deleted_at.is_none(),
            suspended: self.is_suspended(),
        }
    }
}

/// A new account.
#[derive(Insertable)]
#[diesel(table_name = users)]
pub struct NewUser<'a> {
    pub email: &'a str,
    pub display_name: &'a str,
    pub password_hash: &'a str,
    pub role: &'a str,
    pub language: Option<&'a str>,
    pub email_verified_at: Option<NaiveDateTime>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

pub fn insert(conn: &mut AnyConnection, new: &NewUser<'_>) -> QueryResult<i64> {
    diesel::insert_into(users::table)
        .values(new)
        .returning(users::id)
        .get_result(conn)
}

pub fn find(conn: &mut AnyConnection, id: UserId) -> QueryResult<Option<UserRow>> {
    users::table
        .find(id.0)
        .filter(users::deleted_at.is_null())
        .select(UserRow::as_select())
        .first(conn)
        .optional()
}

pub fn find_by_email(conn: &mut AnyConnection, email: &str) -> QueryResult<Option<UserRow>> {
    users::table
        .filter(users::email.eq(email))
        .filter(users::deleted_at.is_null())
        .select(UserRow::as_select())
        .first(conn)
        .optional()
}

pub fn email_taken(conn: &mut AnyConnection, email: &str) -> QueryResult<bool> {
    diesel::select(diesel::dsl::exists(
        users::table.filter(users::email.eq(email)),
    ))
    .get_result(conn)
}

pub fn set_password_hash(
    conn: &mut AnyConnection,
    id: UserId,
    hash: &str,
    now: NaiveDateTime,
) -> QueryResult<usize> {
    diesel::update(users::table.find(id.0))
        .set((users::password_hash.eq(hash), users::updated_at.eq(now)))
        .execute(conn)
}

pub fn mark_verified(
    conn: &mut AnyConnection,
    id: UserId,
    now: NaiveDateTime,
) -> QueryResult<usize> {
    diesel::update(
        users::table
            .find(id.0)
            .filter(users::email_verified_at.is_null()),
    )
    .set((users::email_verified_at.eq(now), users::updated_at.eq(now)))
    .execute(conn)
}

pub fn set_display_name(
    conn: &mut AnyConnection,
    id: UserId,
    name: &str,
    now: NaiveDateTime,
) -> QueryResult<usize> {
    diesel::update(users::table.find(id.0))
        .set((users::display_name.eq(name), users::updated_at.eq(now)))
        .execute(conn)
}

/// A confirmed new address is verified by the act of confirming it.
pub fn set_email(
    conn: &mut AnyConnection,
    id: UserId,
    email: &str,
    now: NaiveDateTime,
) -> QueryResult<usize> {
    diesel::update(users::table.find(id.0))
        .set((
            users::email.eq(email),
            users::email_verified_at.eq(Some(now)),
            users::updated_at.eq(now),
        ))
        .execute(conn)
}

pub fn set_role(
    conn: &mut AnyConnection,
    id: UserId,
    role: Role,
    now: NaiveDateTime,
) -> QueryResult<usize> {
    access_revocations::raise(conn)?;
    diesel::update(users::table.find(id.0))
        .set((users::role.eq(role.as_str()), users::updated_at.eq(now)))
        .execute(conn)
}

pub fn set_language(
    conn: &mut AnyConnection,
    id: UserId,
    lang: Lang,
    now: NaiveDateTime,
) -> QueryResult<usize> {
    diesel::update(users::table.find(id.0))
        .set((users::language.eq(lang.as_str()), users::updated_at.eq(now)))
        .execute(conn)
}

pub fn count_admins(conn: &mut AnyConnection) -> QueryResult<i64> {
    users::table
        .filter(users::role.eq(Role::Admin.as_str()))
        .filter(users::deleted_at.is_null())
        .count()
        .get_result(conn)
}

/// Erases personal data but keeps the row, so contributions stay attributed to
/// "deleted participant".
pub fn erase(conn: &mut AnyConnection, id: UserId, now: NaiveDateTime) -> QueryResult<usize> {
    access_revocations::raise(conn)?;
    diesel::update(users::table.find(id.0))
        .set((
            users::email.eq(None::<String>),
            users::email_verified_at.eq(None::<NaiveDateTime>),
            users::display_name.eq(None::<String>),
            users::password_hash.eq(None::<String>),
            users::role.eq(Role::Citizen.as_str()),
            users::language.eq(None::<String>),
            users::updated_at.eq(now),
            users::deleted_at.eq(Some(now)),
        ))
        .execute(conn)
}

/// Escapes `%`, `_` and `\` so user text matches literally inside LIKE.
pub fn like_pattern(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('%');
    for c in text.chars() {
        if matches!(c, '%' | '_' | '\\') {
            out.push('\\');
        }
        out.push(c);
    }
    out.push('%');
    out
}

/// Admin search by email or display name, newest first.
pub fn search(
    conn: &mut AnyConnection,
    query: &str,
    limit: i64,
    offset: i64,
) -> QueryResult<(Vec<UserRow>, i64)> {
    let pattern = like_pattern(&query.trim().to_lowercase());
    let base = || {
        users::table.filter(users::deleted_at.is_null()).filter(
            users::email
                .like(pattern.clone())
                .escape('\\')
                .or(users::display_name.like(pattern.clone()).escape('\\')),
        )
    };
    let total = base().count().get_result(conn)?;
    let rows = base()
        .order(users::id.desc())
        .limit(limit)
        .offset(offset)
        .select(UserRow::as_select())
        .load(conn)?;
    Ok((rows, total))
}

pub fn set_suspension(
    conn: &mut AnyConnection,
    id: UserId,
    until: Option<NaiveDateTime>,
    banned_at: Option<NaiveDateTime>,
    reason: Option<&str>,
    now: NaiveDateTime,
) -> QueryResult<usize> {
    access_revocations::raise(conn)?;
    diesel::update(users::table.find(id.0))
        .set((
            users::suspended_until.eq(until),
            users::banned_at.eq(banned_at),
            users::suspension_reason.eq(reason),
            users::updated_at.eq(now),
        ))
        .execute(conn)
}

impl UserRow {
    /// What a request needs of the account (no password hash: it is not kept in memory).
    pub fn current_user(&self) -> CurrentUser {
        CurrentUser {
            id: self.id(),
            email: self.email.clone().unwrap_or_default(),
            display_name: self.display_name.clone().unwrap_or_default(),
            role: self.role(),
            verified: self.is_verified(),
            language: self.language(),
            suspension: self.is_suspended().then(|| {
                let until = if self.banned_at.is_some() {
                    None
                } else {
                    self.suspended_until
                };
                (until, self.suspension_reason.clone().unwrap_or_default())
            }),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::like_pattern;

    #[test]
    fn like_pattern_escapes_wildcards() {
        assert_eq!(like_pattern("100%_a\\b"), "%100\\%\\_a\\\\b%");
    }
}
