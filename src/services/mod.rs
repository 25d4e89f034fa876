//! The use cases, shared by the HTML pages and the JSON API. Each parses its input into domain
//! types, decides authorisation, and does its work in one transaction.

pub mod accounts;
pub mod api_tokens;
pub mod bulk_demo;
pub mod comments;
pub mod consultation_counts;
pub mod consultations;
pub mod credentials;
pub mod demo;
pub mod export;
pub mod ideas;
pub mod moderation;
pub mod people;
pub mod report;
pub mod responses;
pub mod screening;
pub mod search;
pub mod sessions;
pub mod tags;
pub mod users_admin;
pub mod votes;
