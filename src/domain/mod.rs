//! Pure types and rules: no I/O, no web, no database.

pub mod display_name;
pub mod email;
pub mod fields;
pub mod ids;
pub mod lang;
pub mod password;
pub mod policy;
pub mod role;
