//! Black-box tests: the real application over HTTP, on SQLite by default and on PostgreSQL
//! when `IDEABOX_TEST_DATABASE_URL` is set.

mod support;

mod account;
mod admin;
mod anonymous_pages;
mod api;
mod cli;
mod consultations_api;
mod csrf;
mod drafting;
mod drafting_pages;
mod email_delivery;
mod freshness;
mod fuzz;
mod http_hygiene;
mod ideas_api;
mod import_jobs;
mod intake_pages;
mod language;
mod layers;
mod login;
mod merge_races;
mod migrations;
mod moderation;
mod moderation_matrix;
mod moderation_pages;
mod openapi;
mod pages;
mod passwords;
mod rate_limits;
mod registration;
mod search;
mod submissions;
mod votes_and_comments;
