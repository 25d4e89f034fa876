//! Password rules: 12 to 128 characters of any kind, not a commonly used password.

use std::collections::HashSet;
use std::sync::LazyLock;

use secrecy::{ExposeSecret, SecretString};

use super::fields::FieldError;

pub const PASSWORD_MIN_CHARS: usize = 12;
pub const PASSWORD_MAX_CHARS: usize = 128;

/// Passwords of 12+ characters from the SecLists "10 million passwords" top-million list,
/// lower-cased; shorter ones are already refused by length.
static COMMON_PASSWORDS: LazyLock<HashSet<&'static str>> =
    LazyLock::new(|| include_str!("common_passwords.txt").lines().collect());

/// A new password that meets the rules. The text stays secret (never logged or printed).
pub struct NewPassword(SecretString);

impl NewPassword {
    /// `context` holds the user's email and name: a password equal to either is refused.
    pub fn parse(field: &'static str, raw: &str, context: &[&str]) -> Result<Self, FieldError> {
        let chars = raw.chars().count();
        if chars < PASSWORD_MIN_CHARS {
            return Err(FieldError::new(field, "error-password-too-short"));
        }
        if chars > PASSWORD_MAX_CHARS {
            return Err(FieldError::new(field, "error-password-too-long"));
        }
        let lowered = raw.to_lowercase();
        if is_common(&lowered)
            || context
                .iter()
                .any(|c| !c.is_empty() && c.to_lowercase() == lowered)
        {
            return Err(FieldError::new(field, "error-password-common"));
        }
        Ok(Self(SecretString::from(raw.to_owned())))
    }

    pub fn expose(&self) -> &str {
        self.0.expose_secret()
    }
}

fn is_common(lowered: &str) -> bool {
    if COMMON_PASSWORDS.contains(lowered) {
        return true;
    }
    // One character repeated ("aaaaaaaaaaaa") is as weak as anything on the list.
    let mut chars = lowered.chars();
    let first = chars.next();
    chars.all(|c| Some(c) == first)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn length_counts_characters_not_bytes() {
        assert!(NewPassword::parse("p", "あいうえおかきくけこさし", &[]).is_ok());
        assert!(NewPassword::parse("p", "あいうえおかきくけこさ", &[]).is_err());
        assert!(NewPassword::parse("p", &"x1".repeat(64), &[]).is_ok());
        assert!(NewPassword::parse("p", &"x1".repeat(65), &[]).is_err());
    }

    #[test]
    fn common_passwords_are_refused_in_any_case() {
        for pw in [
            "password1234",
            "Password1234",
            "123456789012",
            "qwertyuiopas",
            "zzzzzzzzzzzzzz",
        ] {
            let err = NewPassword::parse("p", pw, &[]).err().expect(pw);
            assert_eq!(err.code, "error-password-common");
        }
    }

    #[test]
    fn password_equal_to_email_is_refused() {
        assert!(NewPassword::parse("p", "hanako@example.jp", &["hanako@example.jp"]).is_err());
        assert!(NewPassword::parse("p", "correct horse battery", &["hanako@example.jp"]).is_ok());
    }
}
