//! Text analysis that runs inside IdeaBox, offline: no network service, no model or
//! dictionary downloaded at run time. Pure functions over texts, used by the services.
//!
//! - `campaigns`: copies of the same letter (form-letter campaigns), exact and near;
//! - `topics`: distinct opinions grouped into topics, labelled, summarised with citations,
//!   and matched to the plan's sections;
//! - `personal_data`: names, addresses, phone numbers and other personal data found in
//!   opinions, and the redacted copies made from reviewed findings.

pub mod campaigns;
pub mod personal_data;
pub mod topics;
