//! Named rate limits on abuse-prone actions, counted in the database so that every instance
//! sharing it enforces the same limit. Windows are fixed, so a limit always lifts by itself.

use crate::auth::tokens::hash_key;
use crate::db::Db;
use crate::db::models::rate_limits;
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

/// Votes per account: counted in memory, per instance. A vote is the commonest write, and a
/// database counter would double its cost; a scripted flood still meets this limit on
/// whichever instance it reaches.
pub const VOTES_PER_ACCOUNT: Limit = Limit {
    name: "votes",
    max: 600,
    window_secs: 3600,
};

/// In-memory counters: (limit, key) → (window start, hits).
type LocalCounters = std::collections::HashMap<(&'static str, String), (i64, i32)>;

/// Counts events per limit and key.
#[derive(Clone)]
pub struct RateLimiter {
    db: Db,
    local: std::sync::Arc<std::sync::Mutex<LocalCounters>>,
}

fn window(limit: Limit, now: i64) -> (i64, u64) {
    let start = now - now.rem_euclid(limit.window_secs);
    let retry_after = (start + limit.window_secs - now).max(1) as u64;
    (start, retry_after)
}

impl RateLimiter {
    pub fn new(db: Db) -> Self {
        Self {
            db,
            local: Default::default(),
        }
    }

    /// Counts one event in this instance's memory and refuses it over the limit.
    pub fn hit_local(&self, limit: Limit, key: &str) -> Result<(), AppError> {
        let now = Self::now();
        let (start, retry_after) = window(limit, now);
        let mut counters = self
            .local
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        // Old windows are dropped as the map grows, so memory stays bounded.
        if counters.len() > 100_000 {
            counters.retain(|_, (window_start, _)| *window_start == start);
        }
        let entry = counters
            .entry((limit.name, key.to_owned()))
            .or_insert((start, 0));
        if entry.0 != start {
            *entry = (start, 0);
        }
        entry.1 += 1;
        if entry.1 > limit.max {
            tracing::warn!(limit = limit.name, "rate limit reached");
            return Err(AppError::RateLimited {
                retry_after_secs: retry_after,
            });
        }
        Ok(())
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
        if hits > limit.max {
            tracing::warn!(limit = limit.name, "rate limit reached");
            return Err(AppError::RateLimited {
                retry_after_secs: retry_after,
            });
        }
        Ok(())
    }

    /// Refuses when the limit is already used up, without counting.
    pub async fn check(&self, limit: Limit, key: &str) -> Result<(), AppError> {
        let key_hash = hash_key(limit.name, key);
        let (start, retry_after) = window(limit, Self::now());
        let hits = self
            .db
            .read(move |c| Ok(rate_limits::hits(c, limit.name, &key_hash, start)?))
            .await?;
        if hits >= limit.max {
            tracing::warn!(limit = limit.name, "rate limit reached");
            return Err(AppError::RateLimited {
                retry_after_secs: retry_after,
            });
        }
        Ok(())
    }

    /// Counts one event (a failure) without refusing anything now.
    pub async fn record(&self, limit: Limit, key: &str) -> Result<(), AppError> {
        let key_hash = hash_key(limit.name, key);
        let (start, _) = window(limit, Self::now());
        self.db
            .write_bookkeeping(move |c| {
                Ok(rate_limits::increment(c, limit.name, &key_hash, start).map(|_| ())?)
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

#[cfg(test)]
mod local_tests {
    use super::*;

    #[test]
    fn local_limits_count_per_key() {
        let db_less = RateLimiter {
            db: unreachable_db(),
            local: Default::default(),
        };
        let limit = Limit {
            name: "t",
            max: 2,
            window_secs: 3600,
        };
        assert!(db_less.hit_local(limit, "a").is_ok());
        assert!(db_less.hit_local(limit, "a").is_ok());
        assert!(matches!(
            db_less.hit_local(limit, "a"),
            Err(AppError::RateLimited { .. })
        ));
        assert!(db_less.hit_local(limit, "b").is_ok());
    }

    fn unreachable_db() -> Db {
        let dir = std::env::temp_dir().join(format!("ideabox-rl-{}", std::process::id()));
        let settings = crate::config::RawSettings::from_pairs([(
            "IDEABOX_DATABASE_URL",
            format!("sqlite://{}", dir.join("x.db").display()),
        )])
        .validate()
        .unwrap();
        Db::connect(&settings).unwrap()
    }
}
