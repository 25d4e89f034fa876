//! Login sessions: sign in, resolve the cookie on each request, list and end sessions.

use chrono::{Duration, NaiveDateTime};

use crate::auth::tokens::{hash_token, random_token};
use crate::db::models::known_devices;
use crate::db::models::sessions::{self, NewSession, SessionRow};
use crate::db::models::users::UserRow;
use crate::db::{AnyConnection, now};
use crate::domain::client::ClientInfo;
use crate::domain::identity::{Credential, Identity};
use crate::domain::ids::{SessionId, UserId};
use crate::error::AppError;
use crate::services::context::ServiceContext;
use crate::services::credentials;

/// Writing `last_seen_at` on every request would make every page view a write.
const TOUCH_INTERVAL: Duration = Duration::seconds(60);

fn idle_since(ctx: &ServiceContext, at: NaiveDateTime) -> NaiveDateTime {
    at - Duration::minutes(ctx.settings.session_idle_minutes)
}

/// The live session behind a cookie value, if any.
#[tracing::instrument(skip_all)]
pub async fn authenticate(
    ctx: &ServiceContext,
    cookie_token: &str,
) -> Result<Option<Identity>, AppError> {
    let hash = hash_token(cookie_token);
    let at = now();
    let idle = idle_since(ctx, at);
    let live = ctx.live_sessions.clone();
    // Most requests of a signed-in person find their session already kept, under the access
    // revocation number read now: an ending committed on any instance changes that number,
    // so nothing kept from before it is served (docs/security.md, "Sessions").
    let number = live
        .revocations
        .get()
        .await
        .map_err(AppError::Unavailable)?;
    let key = (hash, number);
    let found = match live.found.peek(&key) {
        Some(found) => found,
        None => {
            ctx.db
                .read_point(move |c| {
                    Ok(live.found.get_or_load(&key, || {
                        sessions::find_live(c, &key.0, at, idle).map(|found| {
                            found.map(|(session, user)| (session, user.current_user()))
                        })
                    })?)
                })
                .await?
        }
    };
    let Some((session, user)) = found.as_ref().clone() else {
        return Ok(None);
    };
    record_activity(ctx, &session, at);
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
    ctx: &ServiceContext,
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
            expires_at: at + Duration::hours(ctx.settings.session_max_hours),
        },
    )?;
    Ok(token)
}

/// Records that a session is in use, at most once per `TOUCH_INTERVAL`, without making the
/// request wait: the record only moves the idle timeout, and a failed one just lets the
/// session idle out a little sooner.
fn record_activity(ctx: &ServiceContext, session: &SessionRow, at: NaiveDateTime) {
    let live = &ctx.live_sessions;
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
    let db = ctx.db.clone();
    tokio::spawn(async move {
        if let Err(err) = db
            .write_bookkeeping(move |c| Ok(sessions::touch(c, id, at)?))
            .await
        {
            tracing::warn!(error = %err, "could not record session activity");
        }
    });
}

/// A successful sign-in: the account, the new session's token, and the browser's
/// known-device token (the one it sent, or a new one) for its cookie.
pub struct SignedIn {
    pub user: UserRow,
    pub session_token: String,
    pub device_token: String,
}

/// Checks credentials and opens a new session. A session the browser already had is ended,
/// so a login always gets a fresh token. The browser becomes (or stays) a known device of the
/// account, which later failed logins from elsewhere do not hold back.
#[tracing::instrument(skip_all)]
pub async fn login(
    ctx: &ServiceContext,
    email: &str,
    password: &str,
    client: &ClientInfo,
    previous: Option<SessionId>,
) -> Result<SignedIn, AppError> {
    let user = credentials::check(ctx, email, password, client).await?;
    let st = ctx.clone();
    let user_agent = client.user_agent.clone();
    let id = user.id();
    let device_token = match &client.device {
        Some(token) => token.expose().to_owned(),
        None => random_token()?,
    };
    let device_hash = hash_token(&device_token);
    let session_token = ctx
        .db
        .write(move |c| {
            if let Some(old) = previous {
                sessions::delete(c, old)?;
            }
            known_devices::remember(c, &device_hash, id, now())?;
            start(c, &st, id, &user_agent)
        })
        .await?;
    tracing::info!(user = %id, "signed in");
    Ok(SignedIn {
        user,
        session_token,
        device_token,
    })
}

#[tracing::instrument(skip_all)]
pub async fn logout(ctx: &ServiceContext, session: SessionId) -> Result<(), AppError> {
    ctx.db
        .write(move |c| Ok(sessions::delete(c, session).map(|_| ())?))
        .await
}

/// The user's live sessions, most recently used first.
#[tracing::instrument(skip_all)]
pub async fn list(ctx: &ServiceContext, user: UserId) -> Result<Vec<SessionRow>, AppError> {
    let at = now();
    let idle = idle_since(ctx, at);
    ctx.db
        .read(move |c| Ok(sessions::list_for_user(c, user, idle, at)?))
        .await
}

/// Ends one of the user's own sessions (404 if it is not theirs).
#[tracing::instrument(skip_all)]
pub async fn end_one(
    ctx: &ServiceContext,
    user: UserId,
    session: SessionId,
) -> Result<(), AppError> {
    let deleted = ctx
        .db
        .write(move |c| Ok(sessions::delete_owned(c, user, session)?))
        .await?;
    if deleted == 0 {
        return Err(AppError::NotFound);
    }
    Ok(())
}

/// "Sign out everywhere": ends every session of the user, this one included.
#[tracing::instrument(skip_all)]
pub async fn end_all(ctx: &ServiceContext, user: UserId) -> Result<usize, AppError> {
    ctx.db
        .write(move |c| Ok(sessions::delete_for_user(c, user)?))
        .await
}
