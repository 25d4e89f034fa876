//! Public display names (pseudonyms).

use super::fields::FieldError;

pub const DISPLAY_NAME_MAX_CHARS: usize = 50;

/// A trimmed, printable public name of 1 to 50 characters.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DisplayName(String);

impl DisplayName {
    pub fn parse(field: &'static str, raw: &str) -> Result<Self, FieldError> {
        // Collapse runs of whitespace so names cannot impersonate by padding.
        let value = raw.split_whitespace().collect::<Vec<_>>().join(" ");
        if value.is_empty() {
            return Err(FieldError::new(field, "error-name-required"));
        }
        if value.chars().count() > DISPLAY_NAME_MAX_CHARS {
            return Err(FieldError::new(field, "error-name-too-long"));
        }
        if value.chars().any(|c| c.is_control() || is_invisible(c)) {
            return Err(FieldError::new(field, "error-name-invalid"));
        }
        Ok(Self(value))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn into_string(self) -> String {
        self.0
    }
}

/// Zero-width and bidirectional control characters, used to spoof names.
fn is_invisible(c: char) -> bool {
    matches!(c, '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2060}'..='\u{2069}' | '\u{FEFF}')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn trims_and_collapses() {
        assert_eq!(
            DisplayName::parse("n", "  山田   花子 ").unwrap().as_str(),
            "山田 花子"
        );
    }

    #[test]
    fn limits() {
        assert!(DisplayName::parse("n", "   ").is_err());
        assert!(DisplayName::parse("n", &"あ".repeat(50)).is_ok());
        assert!(DisplayName::parse("n", &"あ".repeat(51)).is_err());
        assert!(DisplayName::parse("n", "a\u{202E}b").is_err());
        assert!(DisplayName::parse("n", "a\u{0007}").is_err());
    }
}
