//! Argon2id password hashing on the blocking pool, with a cap on concurrent hashes so a login
//! flood cannot exhaust memory (each hash takes 19 MiB).

use std::sync::Arc;

use argon2::password_hash::phc::PasswordHash;
use argon2::{Algorithm, Argon2, Params, PasswordHasher as _, PasswordVerifier as _, Version};
use secrecy::{ExposeSecret, SecretString};
use tokio::sync::Semaphore;

use crate::db::run_blocking;
use crate::error::AppError;

/// The outcome of checking a password.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Verification {
    pub matches: bool,
    /// The stored hash uses weaker or different parameters than today's: store a new one.
    pub needs_rehash: bool,
}

/// Hashes and verifies passwords with the OWASP-recommended Argon2id parameters.
#[derive(Clone)]
pub struct PasswordHasher {
    permits: Arc<Semaphore>,
    /// Verified against when the account does not exist, so timing reveals nothing.
    dummy_hash: Arc<String>,
}

/// m=19456 KiB, t=2, p=1 (the argon2 crate's defaults, which match OWASP's minimum).
fn current_params() -> Params {
    Params::default()
}

fn hasher() -> Argon2<'static> {
    Argon2::new(Algorithm::Argon2id, Version::V0x13, current_params())
}

impl PasswordHasher {
    pub fn new(max_concurrent: usize) -> anyhow::Result<Self> {
        let dummy = hash_sync("not a real password, only for constant timing")?;
        Ok(Self {
            permits: Arc::new(Semaphore::new(max_concurrent.max(1))),
            dummy_hash: Arc::new(dummy),
        })
    }

    pub async fn hash(&self, password: &str) -> Result<String, AppError> {
        let _permit = self.permits.acquire().await.map_err(AppError::internal)?;
        let password = SecretString::from(password.to_owned());
        run_blocking(move || hash_sync(password.expose_secret()).map_err(AppError::Internal)).await
    }

    /// Checks `password` against `stored`; with no stored hash, burns the same time and fails.
    pub async fn verify(
        &self,
        password: &str,
        stored: Option<String>,
    ) -> Result<Verification, AppError> {
        let _permit = self.permits.acquire().await.map_err(AppError::internal)?;
        let password = SecretString::from(password.to_owned());
        let (hash, real) = match stored {
            Some(h) => (h, true),
            None => (self.dummy_hash.as_str().to_owned(), false),
        };
        run_blocking(move || {
            let verification = verify_sync(password.expose_secret(), &hash);
            Ok(Verification {
                matches: real && verification.matches,
                needs_rehash: real && verification.needs_rehash,
            })
        })
        .await
    }
}

fn hash_sync(password: &str) -> anyhow::Result<String> {
    hasher()
        .hash_password(password.as_bytes())
        .map(|h| h.to_string())
        .map_err(|e| anyhow::anyhow!("password hashing failed: {e}"))
}

fn verify_sync(password: &str, stored: &str) -> Verification {
    let Ok(parsed) = PasswordHash::new(stored) else {
        return Verification {
            matches: false,
            needs_rehash: false,
        };
    };
    let matches = hasher()
        .verify_password(password.as_bytes(), &parsed)
        .is_ok();
    Verification {
        matches,
        needs_rehash: matches && !uses_current_params(&parsed),
    }
}

fn uses_current_params(hash: &PasswordHash) -> bool {
    let current = current_params();
    let Ok(params) = Params::try_from(hash) else {
        return false;
    };
    hash.algorithm.as_str() == "argon2id"
        && hash.version == Some(Version::V0x13.into())
        && params.m_cost() >= current.m_cost()
        && params.t_cost() >= current.t_cost()
        && params.p_cost() >= current.p_cost()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_and_phc_format() {
        let hash = hash_sync("correct horse battery staple").unwrap();
        assert!(
            hash.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"),
            "{hash}"
        );
        let ok = verify_sync("correct horse battery staple", &hash);
        assert!(ok.matches && !ok.needs_rehash);
        assert!(!verify_sync("wrong horse battery staple", &hash).matches);
    }

    #[test]
    fn weaker_hashes_are_flagged_for_rehash() {
        let weak = Argon2::new(
            Algorithm::Argon2id,
            Version::V0x13,
            Params::new(8192, 1, 1, None).unwrap(),
        )
        .hash_password(b"correct horse battery staple")
        .unwrap()
        .to_string();
        let v = verify_sync("correct horse battery staple", &weak);
        assert!(v.matches && v.needs_rehash);
    }

    #[test]
    fn garbage_hash_never_matches() {
        assert!(!verify_sync("x", "not-a-phc-string").matches);
    }
}
