//! Read models: what pages and the API show, assembled from several tables by one query or
//! one connection.

pub mod export_rows;
pub mod responses;
