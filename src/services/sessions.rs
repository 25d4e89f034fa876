//! Login sessions: sign in, resolve the cookie on each request, list and end sessions.

use chrono::{Duration, NaiveDateTime};

use crate::auth::client_ip::ClientInfo;
use crate::auth::identity::{Credential, CurrentUser, Identity};
use crate::auth::tokens::{hash_token, random_token};
use crate::db::models::sessions::{self, NewSession, SessionRow};
use crate::db::models::users::UserRow;
use crate::db::{AnyConnection, now};
use crate::domain::ids::{SessionId, UserId};
use crate::error::AppError;
use crate::services::credentials;
use crate::state::AppState;

/// Sessions found by token hash, reused while fresh (`FreshCache`): signing out, a role
/// change or a suspension is a write, and so drops them at once.
pub struct LiveSessions {
    /// The session and what requests need of its person (not the whole account row: no
    /// password hash is kept in memory).
    found: crate::db::fresh_cache::FreshCache<String, Option<(SessionRow, CurrentUser)>>,
    /// When this process last recorded each session's activity: a session found again
    /// before its cached row shows that record is not recorded twice.
    recorded: quick_cache::sync::Cache<i64, NaiveDateTime>,
}

impl LiveSessions {
    pub fn new(db: crate::db::Db) -> Self {
        Self {
            found: crate::db::fresh_cache::FreshCache::new(db, 16_384),
            recorded: quick_cache::sync::Cache::new(16_384),
        }
    }
}

/// Writing `last_seen_at` on every request would make every page view a write.
const TOUCH_INTERVAL: Duration = Duration::seconds(60);

fn idle_since(state: &AppState, at: NaiveDateTime) -> NaiveDateTime {
    at - Duration::minutes(state.settings.session_idle_minutes)
}

/// The live session behind a cookie value, if any.
pub async fn authenticate(
    state: &AppState,
    cookie_token: &str,
) -> Result<Option<Identity>, AppError> {
    let hash = hash_token(cookie_token);
    let at = now();
    let idle = idle_since(state, at);
    let live = state.live_sessions.clone();
    // Most requests of a signed-in person find their session already loaded.
    let found = match live.found.peek(&hash) {
        Some(found) => found,
        None => {
            state
                .db
                .read_point(move |c| {
                    let key = hash.clone();
                    Ok(live.found.get_or_load(&key, || {
                        sessions::find_live(c, &hash, at, idle).map(|found| {
                            found.map(|(session, user)| (session, CurrentUser::from_row(&user)))
                        })
                    })?)
                })
                .await?
        }
    };
    let Some((session, user)) = found.as_ref().clone() else {
        return Ok(None);
    };
    record_activity(state, &session, at);
    Ok(Some(Identity {
        user,
        credential: Credential::Session {
            id: SessionId(session.id),
            csrf_token: session.csrf_token,
        },
    }))
}

/// Starts a session inside a transaction; returns the cookie value (only its hash is stored).
pub fn start(
    conn: &mut AnyConnection,
    state: &AppState,
    user: UserId,
    user_agent: &str,
) -> Result<String, AppError> {
    let token = random_token()?;
    let csrf = random_token()?;
    let at = now();
    sessions::insert(
        conn,
        &NewSession {
            user_id: user.0,
            token_hash: &hash_token(&token),
            csrf_token: &csrf,
            user_agent,
            created_at: at,
            last_seen_at: at,
            expires_at: at + Duration::hours(state.settings.session_max_hours),
        },
    )?;
    Ok(token)
}

/// Records that a session is in use, at most once per `TOUCH_INTERVAL`, without making the
/// request wait: the record only moves the idle timeout, and a failed one just lets the
/// session idle out a little sooner.
fn record_activity(state: &AppState, session: &SessionRow, at: NaiveDateTime) {
    let live = &state.live_sessions;
    let last = live
        .recorded
        .get(&session.id)
        .map_or(session.last_seen_at, |recorded| {
            recorded.max(session.last_seen_at)
        });
    if at - last <= TOUCH_INTERVAL {
        return;
    }
    live.recorded.insert(session.id, at);
    let id = SessionId(session.id);
    let db = state.db.clone();
    tokio::spawn(async move {
        if let Err(err) = db
            .write_unseen(move |c| Ok(sessions::touch(c, id, at)?))
            .await
        {
            tracing::warn!(error = %err, "could not record session activity");
        }
    });
}

/// Checks credentials and opens a new session. A session the browser already had is ended,
/// so a login always gets a fresh token.
pub async fn login(
    state: &AppState,
    email: &str,
    password: &str,
    client: &ClientInfo,
    previous: Option<SessionId>,
) -> Result<(UserRow, String), AppError> {
    let user = credentials::check(state, email, password, client).await?;
    let st = state.clone();
    let user_agent = client.user_agent.clone();
    let id = user.id();
    let token = state
        .db
        .write(move |c| {
            if let Some(old) = previous {
                sessions::delete(c, old)?;
            }
            start(c, &st, id, &user_agent)
        })
        .await?;
    tracing::info!(user = %id, "signed in");
    Ok((user, token))
}

pub async fn logout(state: &AppState, session: SessionId) -> Result<(), AppError> {
    state
        .db
        .write(move |c| Ok(sessions::delete(c, session).map(|_| ())?))
        .await
}

/// The user's live sessions, most recently used first.
pub async fn list(state: &AppState, user: UserId) -> Result<Vec<SessionRow>, AppError> {
    let at = now();
    let idle = idle_since(state, at);
    state
        .db
        .read(move |c| Ok(sessions::list_for_user(c, user, idle, at)?))
        .await
}

/// Ends one of the user's own sessions (404 if it is not theirs).
pub async fn end_one(state: &AppState, user: UserId, session: SessionId) -> Result<(), AppError> {
    let deleted = state
        .db
        .write(move |c| Ok(sessions::delete_owned(c, user, session)?))
        .await?;
    if deleted == 0 {
        return Err(AppError::NotFound);
    }
    Ok(())
}

/// "Sign out everywhere": ends every session of the user, this one included.
pub async fn end_all(state: &AppState, user: UserId) -> Result<usize, AppError> {
    state
        .db
        .write(move |c| Ok(sessions::delete_for_user(c, user)?))
        .await
}
