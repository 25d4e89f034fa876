//! IdeaBox: a public consultation platform. Citizens post ideas on draft plans, moderators
//! curate, drafters answer and export, admins run organisations and consultations.

pub mod analysis;
pub mod api;
pub mod assets;
pub mod auth;
pub mod cache;
pub mod cli;
pub mod config;
pub mod db;
pub mod dev;
pub mod domain;
pub mod email;
pub mod error;
pub mod http;
pub mod i18n;
pub mod rate_limit;
pub mod services;
pub mod startup;
pub mod telemetry;
pub mod templates;
pub mod web;
