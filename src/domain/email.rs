//! Email addresses as accepted at registration.

use super::fields::FieldError;

/// Longest address SMTP can carry (RFC 5321 path limit minus the brackets).
pub const EMAIL_MAX_LEN: usize = 254;
const LOCAL_MAX_LEN: usize = 64;

/// A syntactically plausible email address, trimmed and lower-cased.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EmailAddress(String);

impl EmailAddress {
    /// Parses user input for the form field `field`.
    pub fn parse(field: &'static str, raw: &str) -> Result<Self, FieldError> {
        let value = raw.trim().to_lowercase();
        if value.is_empty() {
            return Err(FieldError::new(field, "error-email-required"));
        }
        let invalid = || FieldError::new(field, "error-email-invalid");
        if value.len() > EMAIL_MAX_LEN {
            return Err(invalid());
        }
        let (local, domain) = value.rsplit_once('@').ok_or_else(invalid)?;
        let local_ok = !local.is_empty()
            && local.len() <= LOCAL_MAX_LEN
            && !local.starts_with('.')
            && !local.ends_with('.')
            && !local.contains("..")
            && local.chars().all(|c| {
                c.is_ascii_alphanumeric() || "!#$%&'*+-/=?^_`{|}~.".contains(c) || !c.is_ascii()
            });
        let domain_ok = domain.contains('.')
            && domain.split('.').all(|label| {
                !label.is_empty()
                    && label.len() <= 63
                    && !label.starts_with('-')
                    && !label.ends_with('-')
                    && label.chars().all(|c| c.is_alphanumeric() || c == '-')
            });
        if !local_ok || !domain_ok || value.chars().any(|c| c.is_control() || c.is_whitespace()) {
            return Err(invalid());
        }
        Ok(Self(value))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn into_string(self) -> String {
        self.0
    }

    /// For logs: keeps the first character and the domain, e.g. `a***@example.jp`.
    pub fn masked(&self) -> String {
        mask_email(&self.0)
    }
}

/// Masks any stored address for logs (never log a full address).
pub fn mask_email(address: &str) -> String {
    match address.split_once('@') {
        Some((local, domain)) => {
            let first: String = local.chars().take(1).collect();
            format!("{first}***@{domain}")
        }
        None => "***".to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_and_normalises() {
        let e = EmailAddress::parse("email", "  Hanako.Yamada+ideas@Example.GO.jp ").unwrap();
        assert_eq!(e.as_str(), "hanako.yamada+ideas@example.go.jp");
        assert_eq!(e.masked(), "h***@example.go.jp");
    }

    #[test]
    fn rejects_malformed() {
        for bad in [
            "",
            "plain",
            "a@b",
            "@example.jp",
            "a@.jp",
            "a b@example.jp",
            "a..b@example.jp",
            "a@exa_mple.jp",
            "a@-x.jp",
        ] {
            assert!(
                EmailAddress::parse("email", bad).is_err(),
                "{bad:?} accepted"
            );
        }
        let long = format!("{}@example.jp", "a".repeat(65));
        assert!(EmailAddress::parse("email", &long).is_err());
    }
}
