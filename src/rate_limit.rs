//! Named rate limits on abuse-prone actions, counted in the database so that every instance
//! sharing it enforces the same limit. Windows are fixed, so a limit always lifts by itself.

use crate::auth::tokens::hash_key;
use crate::db::models::rate_limits;
use crate::db::{AnyConnection, Db};
use crate::error::AppError;

/// One limit: at most `max` events per `window_secs` for one key.
#[derive(Clone, Copy, Debug)]
pub struct Limit {
    pub name: &'static str,
    pub max: i32,
    pub window_secs: i64,
}

/// Failed logins for one account: 10 per 15 minutes, then 429 until the window ends.
pub const LOGIN_FAILURES_PER_ACCOUNT: Limit = Limit {
    name: "login-account",
    max: 10,
    window_secs: 900,
};
/// Failed logins from one address (offices share addresses behind NAT, hence higher).
pub const LOGIN_FAILURES_PER_IP: Limit = Limit {
    name: "login-ip",
    max: 50,
    window_secs: 900,
};
/// Failed logins from one browser that signed in to the account before (a known device): it
/// does not share the account's and the address's allowances, which anyone can use up, but
/// has its own, as strict as an account's, so a stolen cookie guesses no faster.
pub const LOGIN_FAILURES_PER_DEVICE: Limit = Limit {
    name: "login-device",
    max: 10,
    window_secs: 900,
};
pub const REGISTER_PER_IP: Limit = Limit {
    name: "register-ip",
    max: 20,
    window_secs: 3600,
};
pub const RESET_PER_IP: Limit = Limit {
    name: "reset-ip",
    max: 20,
    window_secs: 3600,
};
pub const RESET_PER_EMAIL: Limit = Limit {
    name: "reset-email",
    max: 5,
    window_secs: 3600,
};
pub const RESEND_PER_IP: Limit = Limit {
    name: "resend-ip",
    max: 20,
    window_secs: 3600,
};
pub const RESEND_PER_EMAIL: Limit = Limit {
    name: "resend-email",
    max: 5,
    window_secs: 3600,
};
pub const TOKEN_CREATE_PER_IP: Limit = Limit {
    name: "token-ip",
    max: 30,
    window_secs: 3600,
};
pub const TOKEN_CREATE_PER_ACCOUNT: Limit = Limit {
    name: "token-account",
    max: 20,
    window_secs: 3600,
};
pub const EMAIL_CHANGE_PER_ACCOUNT: Limit = Limit {
    name: "email-change",
    max: 5,
    window_secs: 3600,
};
/// Participation limits, far above what a person writes by hand: they stop scripts.
pub const IDEAS_PER_ACCOUNT: Limit = Limit {
    name: "ideas",
    max: 30,
    window_secs: 3600,
};
pub const COMMENTS_PER_ACCOUNT: Limit = Limit {
    name: "comments",
    max: 120,
    window_secs: 3600,
};
pub const REPORTS_PER_ACCOUNT: Limit = Limit {
    name: "reports",
    max: 60,
    window_secs: 3600,
};

/// Votes per account, counted in the vote's own transaction (`count_in`), so the limit holds
/// across instances at the cost of one upsert per vote rather than a transaction of its own.
pub const VOTES_PER_ACCOUNT: Limit = Limit {
    name: "votes",
    max: 600,
    window_secs: 3600,
};

/// Counts events per limit and key, in the database every instance shares.
#[derive(Clone)]
pub struct RateLimiter {
    db: Db,
}

/// One event counted ahead of the work it allows (`RateLimiter::take`), to be given back when
/// the work turns out not to be what the limit counts (a login that succeeds).
#[derive(Debug)]
#[must_use = "a reservation is kept, or given back with RateLimiter::give_back"]
pub struct Reservation {
    name: &'static str,
    key_hash: String,
    window_start: i64,
}

fn window(limit: Limit, now: i64) -> (i64, u64) {
    let start = now - now.rem_euclid(limit.window_secs);
    let retry_after = (start + limit.window_secs - now).max(1) as u64;
    (start, retry_after)
}

/// Refuses the event that brought a window's count to `hits` if that is over the limit.
fn refuse_over(limit: Limit, hits: i32, retry_after_secs: u64) -> Result<(), AppError> {
    if hits > limit.max {
        tracing::warn!(limit = limit.name, "rate limit reached");
        return Err(AppError::RateLimited { retry_after_secs });
    }
    Ok(())
}

impl RateLimiter {
    pub fn new(db: Db) -> Self {
        Self { db }
    }

    fn now() -> i64 {
        chrono::Utc::now().timestamp()
    }

    /// Counts one event and refuses it once the limit is exceeded.
    pub async fn hit(&self, limit: Limit, key: &str) -> Result<(), AppError> {
        let key_hash = hash_key(limit.name, key);
        let (start, retry_after) = window(limit, Self::now());
        let hits = self
            .db
            .write_bookkeeping(move |c| {
                Ok(rate_limits::increment(c, limit.name, &key_hash, start)?)
            })
            .await?;
        refuse_over(limit, hits, retry_after)
    }

    /// Counts one event before the work it allows, and refuses it over the limit: counting
    /// and checking are one statement, so requests sent at once, to any instance, can never
    /// do more than `max` pieces of work between them.
    pub async fn take(&self, limit: Limit, key: &str) -> Result<Reservation, AppError> {
        let key_hash = hash_key(limit.name, key);
        let (start, retry_after) = window(limit, Self::now());
        let counted = key_hash.clone();
        let hits = self
            .db
            .write_bookkeeping(move |c| Ok(rate_limits::increment(c, limit.name, &counted, start)?))
            .await?;
        let reservation = Reservation {
            name: limit.name,
            key_hash,
            window_start: start,
        };
        if let Err(refused) = refuse_over(limit, hits, retry_after) {
            // A refused request did no work, so it uses up nothing.
            self.give_back(reservation).await?;
            return Err(refused);
        }
        Ok(reservation)
    }

    /// Uncounts a reserved event, in the window it was counted in.
    pub async fn give_back(&self, reservation: Reservation) -> Result<(), AppError> {
        self.db
            .write_bookkeeping(move |c| {
                Ok(rate_limits::decrement(
                    c,
                    reservation.name,
                    &reservation.key_hash,
                    reservation.window_start,
                )
                .map(|_| ())?)
            })
            .await
    }

    /// Forgets a key's events (a successful login or reset forgives earlier failures).
    pub async fn clear(&self, limit: Limit, key: &str) -> Result<(), AppError> {
        let key_hash = hash_key(limit.name, key);
        self.db
            .write_bookkeeping(move |c| {
                Ok(rate_limits::clear(c, limit.name, &key_hash).map(|_| ())?)
            })
            .await
    }
}

/// Counts one event inside the caller's transaction and refuses it over the limit; the
/// refusal rolls the transaction back, the count with it, so refused events use up nothing.
pub fn count_in(conn: &mut AnyConnection, limit: Limit, key: &str) -> Result<(), AppError> {
    let (start, retry_after) = window(limit, chrono::Utc::now().timestamp());
    let hits = rate_limits::increment(conn, limit.name, &hash_key(limit.name, key), start)?;
    refuse_over(limit, hits, retry_after)
}

/// Deletes windows older than a day (run by the housekeeping task).
pub fn purge_old(db: &Db) -> Result<usize, AppError> {
    let cutoff = chrono::Utc::now().timestamp() - 86_400;
    db.write_bookkeeping_sync(|c| Ok(rate_limits::purge_before(c, cutoff)?))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn windows_are_aligned_and_retry_after_counts_down() {
        let limit = Limit {
            name: "x",
            max: 1,
            window_secs: 900,
        };
        assert_eq!(window(limit, 900), (900, 900));
        assert_eq!(window(limit, 1000), (900, 800));
        assert_eq!(window(limit, 1799), (900, 1));
    }
}
