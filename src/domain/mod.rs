//! Pure types and rules: no I/O, no web, no database.

pub mod consultation;
pub mod content;
pub mod display_name;
pub mod email;
pub mod fields;
pub mod ids;
pub mod lang;
pub mod listing;
pub mod markdown;
pub mod moderation;
pub mod password;
pub mod policy;
pub mod role;
pub mod search_text;
