//! The use cases, shared by the HTML pages and the JSON API. Each parses its input into domain
//! types, decides authorisation, and does its work in one transaction.

pub mod accounts;
pub mod api_tokens;
pub mod campaigns;
pub mod comments;
pub mod consultation_counts;
pub mod consultations;
pub mod context;
pub mod credentials;
pub mod export;
pub mod idea_page;
pub mod ideas;
pub mod imports;
pub mod job_handlers;
pub mod job_queue;
pub mod jobs;
pub mod moderation;
pub mod people;
pub mod responses;
pub mod screening;
pub mod search;
pub mod sessions;
pub mod submissions;
pub mod summary_report;
pub mod tags;
pub mod users_admin;
pub mod votes;
