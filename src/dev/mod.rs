//! Data for trying IdeaBox out and for measuring it: the demo organisation, consultation and
//! accounts (`ideabox demo`), the large generated consultation the load benchmark reads, and
//! generated texts with known answers for the quality benchmarks. Built on the services like
//! any other caller; nothing in the site depends on it.

pub mod demo;
pub mod load_data;
pub mod synthetic_campaigns;
pub mod synthetic_personal_data;
pub mod synthetic_topics;

#[cfg(test)]
mod synthetic_campaigns_quality_tests;
#[cfg(test)]
mod synthetic_topics_quality_tests;
