//! Secrets: password hashing and random tokens with their stored hashes.

pub mod password;
pub mod tokens;
