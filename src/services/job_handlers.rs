//! Which handler runs each kind of background job: one list, used by the server's worker,
//! the command line and the demo data, so that every runner of a job runs the same code.

use crate::services::jobs::{Handlers, JobKind};

/// The handlers of every kind of job.
pub fn all() -> Handlers {
    Handlers::default()
        .with(JobKind::Import, crate::services::imports::run)
        .with(JobKind::Regroup, crate::services::campaigns::regroup)
}
