//! The signal that wakes this instance's job worker as soon as a job is queued here;
//! kept apart from the worker so the service context can hold it.

use std::sync::Arc;

use tokio::sync::Notify;

/// Wakes the worker when this instance queues a job.
#[derive(Clone, Default)]
pub struct JobQueue {
    wake: Arc<Notify>,
}

impl JobQueue {
    pub fn wake(&self) {
        self.wake.notify_one();
    }

    /// Resolves when `wake` is called (or was called since the last wait).
    pub async fn woken(&self) {
        self.wake.notified().await;
    }
}
