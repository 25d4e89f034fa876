//! What IdeaBox keeps of what it read from the database, and the rule that bounds how stale
//! any of it may be (docs/architecture.md, "Freshness"):
//!
//! - every kept value is tagged with the write generation it was read in: a write readers can
//!   see (`WriteEffect::Seen`) advances the generation before it is acknowledged, so the next
//!   read on this instance misses every older value;
//! - and with its freshness period: nothing is served more than `FRESHNESS` after it was read,
//!   which bounds how long another instance's writes take to show;
//! - bookkeeping writes (the mail queue, rate-limit counters, session and token activity)
//!   change nothing a reader is shown, and leave the generation alone.
//!
//! The module holds the mechanisms; the values kept (sessions, consultation rows and totals,
//! rendered pages) are declared by the services context and the page middleware.

pub mod fresh;
pub mod generation;
pub mod pages;
pub mod period;
pub mod shared_read;
pub mod totals;

pub use generation::{WriteEffect, WriteGeneration};
pub use period::FRESHNESS;
