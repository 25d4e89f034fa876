//! Campaign detection: groups copies of the same text in a consultation so
//! that form-letter campaigns can be counted honestly.
//!
//! # Concepts
//!
//! * **Comparison form** ([`normalise()`]): NFKC, lower case, only letters and
//!   digits (no whitespace, punctuation or symbols). Width, spacing and
//!   punctuation variants of a text have the same comparison form.
//! * **Distinct text**: all submissions with one comparison form; identified
//!   by its [`TextKey`] ([`text_key`], a 64-bit hash).
//! * **Near copy** ([`near_copy`], [`is_near_copy`]): a text that contains at
//!   least [`MIN_TEMPLATE_COVERAGE`] of a template's chars, in order, and is
//!   at most [`MAX_COPY_LENGTH_FACTOR`] times as long. Personal sentences
//!   before, inside or after the letter and a few changed chars keep a copy
//!   a copy; quoting a sentence or two, or sharing the topic, does not.
//! * **Short texts**: below [`MIN_CAMPAIGN_CHARS`] chars of comparison form a
//!   text is never in a campaign, not even with identical copies; thousands
//!   of independent 「反対です。」 are one distinct text, not a campaign, and
//!   反対です / 賛成です never merge.
//! * **Campaign**: a template and its near copies, at least
//!   [`MIN_CAMPAIGN_SUBMISSIONS`] submissions. The template is the distinct
//!   text sent most often (then the shortest, then the smallest key) and is
//!   shown by its most common spelling.
//!
//! # Use
//!
//! * Batch: [`group`] a whole consultation; the result does not depend on
//!   input order. Re-apply moderators' [`Decisions`] with
//!   [`apply_decisions`] or use [`group_with_decisions`].
//! * Incremental: store the [`band_keys`] of each distinct text (their
//!   persisted form is documented there), look candidates up by exact key
//!   and call [`assign`] (its docs describe the database wiring);
//!   [`MemoryStore`] implements the same wiring in memory.
//! * Display: [`additions()`] gives the char ranges a copy adds to its template.
//!
//! The engine uses no files, network or global state; every function is pure
//! and deterministic.

mod additions;
mod decisions;
mod grouping;
mod hash;
mod incremental;
mod normalise;
mod signature;
mod store;
mod template;
mod verify;

pub use additions::{Span, additions};
pub use decisions::{Decisions, apply_decisions, group_with_decisions};
pub use grouping::{
    Campaign, Grouping, GroupingStats, MIN_CAMPAIGN_SUBMISSIONS, TextGroup, group, group_weighted,
};
pub use incremental::{
    Assignment, CampaignCandidate, MAX_TEXT_CANDIDATES, TemplateSource, TextCandidate, assign,
};
pub use normalise::{NormalText, TextKey, normalise, normalise_with_offsets, text_key};
pub use signature::{
    BANDS, ROWS_PER_BAND, SHINGLE_CHARS, SIGNATURE_LEN, SIGNATURE_VERSION, Signature,
};
pub use store::{Candidates, MemoryStore};
pub use template::template_priority;
pub use verify::{
    MAX_COPY_LENGTH_FACTOR, MIN_CAMPAIGN_CHARS, MIN_TEMPLATE_COVERAGE, NearCopy, Prepared,
    band_keys, is_near_copy, measure, near_copy,
};
