//! What both faces of the site (the HTML pages in `web` and the JSON API in `api`) share about
//! HTTP: the application state handlers receive, who is asking (session cookie or bearer
//! token), CSRF, cookies, client addresses, body deadlines and security headers.

pub mod body_deadline;
pub mod client;
pub mod cookies;
pub mod csrf;
pub mod error_bodies;
pub mod identity;
pub mod lang;
pub mod page_cache;
pub mod security_headers;
pub mod state;
