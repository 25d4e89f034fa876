//! Authentication: password hashing, random tokens, sessions, API tokens, CSRF, client IPs.

pub mod client_ip;
pub mod csrf;
pub mod identity;
pub mod password;
pub mod tokens;
