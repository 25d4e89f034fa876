//! Pure types and rules: no I/O, no web, no database.

pub mod client;
pub mod consultation;
pub mod content;
pub mod display_name;
pub mod email;
pub mod fields;
pub mod identity;
pub mod ids;
pub mod lang;
pub mod listing;
pub mod markdown;
pub mod moderation;
pub mod password;
pub mod policy;
pub mod response_status;
pub mod role;
pub mod search_text;
pub mod spreadsheet;
pub mod submission;
pub mod tally;
pub mod time;
