//! Caller-supplied knowledge that sharpens detection.

use super::text::{ascii_digits, fold_char};

/// What the caller knows about a submission.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Hints {
    /// The submitter's own names (kanji, kana or romaji; a space between surname
    /// and given name is optional); every recurrence is reported as a name.
    pub known_names: Vec<String>,
    /// Public contact details (the ministry's phone, fax, e-mail, address or URL)
    /// that must not be reported.
    pub public_contacts: Vec<String>,
}

impl Hints {
    /// Empty hints.
    pub fn new() -> Hints {
        Hints::default()
    }

    /// Adds a known name of the submitter.
    pub fn with_name(mut self, name: impl Into<String>) -> Hints {
        self.known_names.push(name.into());
        self
    }

    /// Adds a public contact detail that is never personal.
    pub fn with_public_contact(mut self, contact: impl Into<String>) -> Hints {
        self.public_contacts.push(contact.into());
        self
    }

    /// Public contacts prepared for comparison.
    pub(super) fn public_keys(&self) -> PublicKeys {
        let mut keys = PublicKeys::default();
        for contact in &self.public_contacts {
            let digits = phone_key(contact);
            if digits.len() >= MIN_PUBLIC_PHONE_DIGITS && looks_like_phone(contact) {
                keys.phone_digits.push(digits);
            }
            let text = comparison_key(contact);
            if !text.is_empty() {
                keys.texts.push(text);
            }
        }
        keys
    }
}

/// Fewer digits than this in a public contact cannot be a phone number.
const MIN_PUBLIC_PHONE_DIGITS: usize = 7;

/// Public contacts in comparable form.
#[derive(Debug, Default)]
pub(super) struct PublicKeys {
    /// National-format digits of public phone numbers.
    pub phone_digits: Vec<Vec<u8>>,
    /// Folded, lower-cased, space-free forms of every public contact.
    pub texts: Vec<String>,
}

impl PublicKeys {
    /// True when there is nothing to compare with.
    pub fn is_empty(&self) -> bool {
        self.phone_digits.is_empty() && self.texts.is_empty()
    }

    /// True when a found phone number is one of the public ones.
    pub fn is_public_phone(&self, found: &str) -> bool {
        let digits = phone_key(found);
        self.phone_digits.contains(&digits)
    }

    /// True when found text equals a public contact, or (for addresses and URLs)
    /// one contains the other.
    pub fn is_public_text(&self, found: &str, allow_containment: bool) -> bool {
        let key = comparison_key(found);
        if key.is_empty() {
            return false;
        }
        self.texts.iter().any(|public| {
            *public == key
                || (allow_containment && (public.contains(&key) || key.contains(public.as_str())))
        })
    }
}

/// Digits of a phone number in national form (+81 replaced by a leading 0).
pub(super) fn phone_key(phone: &str) -> Vec<u8> {
    let folded: String = phone.chars().map(fold_char).collect();
    let mut digits = ascii_digits(&folded);
    let trimmed = folded.trim_start();
    if trimmed.starts_with("+81") && digits.len() > 2 {
        digits.drain(..2);
        // "+81 (0)3 …" keeps its trunk zero; "+81 3 …" needs one.
        if digits.first() != Some(&0) {
            digits.insert(0, 0);
        }
    }
    digits
}

/// True when a contact string is made only of phone-number characters.
fn looks_like_phone(contact: &str) -> bool {
    contact
        .chars()
        .map(fold_char)
        .all(|c| c.is_ascii_digit() || matches!(c, '-' | ' ' | '(' | ')' | '+' | '.'))
}

/// Folded, lower-cased text without whitespace.
pub(super) fn comparison_key(text: &str) -> String {
    text.chars()
        .map(fold_char)
        .filter(|c| !c.is_whitespace())
        .flat_map(char::to_lowercase)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn phone_keys_ignore_format() {
        assert_eq!(
            phone_key("03-3581-4111"),
            phone_key("０３（３５８１）４１１１")
        );
        assert_eq!(phone_key("+81 3 3581 4111"), phone_key("03-3581-4111"));
        assert_eq!(phone_key("+81(0)3-3581-4111"), phone_key("0335814111"));
    }

    #[test]
    fn public_keys_match_phones_and_texts() {
        let hints = Hints::new()
            .with_public_contact("03-4477-6775")
            .with_public_contact("info@digital.go.jp")
            .with_name("山田 太郎");
        let keys = hints.public_keys();
        assert!(keys.is_public_phone("０３－４４７７－６７７５"));
        assert!(!keys.is_public_phone("03-4477-6776"));
        assert!(keys.is_public_text("INFO@digital.go.jp", false));
        assert!(!keys.is_empty());
        assert_eq!(hints.known_names, vec!["山田 太郎".to_owned()]);
    }
}
