//! One database read shared by the callers that asked for it at about the same time, for a
//! value every request must read afresh (the access revocation number). A caller never gets
//! an answer read before it asked: it joins a read that has not started yet, or starts one,
//! so what it gets reflects every write committed before it asked. Under load, one read
//! answers all the callers that arrived while the previous one ran.

use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex};

use tokio::sync::watch;

type Load<V> = Box<dyn Fn() -> Pin<Box<dyn Future<Output = V> + Send>> + Send + Sync>;
type Answer<V> = watch::Sender<Option<V>>;

struct State<V> {
    /// A read is under way.
    running: bool,
    /// The read that starts when the running one ends, for the callers who came meanwhile.
    next: Option<Answer<V>>,
}

/// A read shared between callers that arrive together.
pub struct SharedRead<V> {
    load: Load<V>,
    state: Mutex<State<V>>,
}

impl<V: Clone + Send + Sync + 'static> SharedRead<V> {
    pub fn new<F, Fut>(load: F) -> Arc<Self>
    where
        F: Fn() -> Fut + Send + Sync + 'static,
        Fut: Future<Output = V> + Send + 'static,
    {
        Arc::new(Self {
            load: Box::new(move || Box::pin(load())),
            state: Mutex::new(State {
                running: false,
                next: None,
            }),
        })
    }

    /// The value as read after this call began.
    pub async fn get(self: &Arc<Self>) -> V {
        let mut answer = {
            let mut state = self.state.lock().unwrap_or_else(|p| p.into_inner());
            if state.running {
                state
                    .next
                    .get_or_insert_with(|| watch::channel(None).0)
                    .subscribe()
            } else {
                state.running = true;
                let (sender, receiver) = watch::channel(None);
                tokio::spawn(self.clone().run(sender));
                receiver
            }
        };
        loop {
            if let Some(value) = answer.borrow_and_update().clone() {
                return value;
            }
            if answer.changed().await.is_err() {
                // The reading task ended without an answer (the runtime is stopping).
                return (self.load)().await;
            }
        }
    }

    /// Reads for one group of callers, then for the group that gathered meanwhile, until no
    /// one is waiting.
    async fn run(self: Arc<Self>, mut sender: Answer<V>) {
        loop {
            let value = (self.load)().await;
            sender.send_replace(Some(value));
            let mut state = self.state.lock().unwrap_or_else(|p| p.into_inner());
            match state.next.take() {
                Some(next) => sender = next,
                None => {
                    state.running = false;
                    return;
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicU64, Ordering};
    use std::time::Duration;

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn every_caller_sees_a_value_read_after_it_asked_and_callers_share_reads() {
        // The "database": a number, and how many times it was read.
        let value = Arc::new(AtomicU64::new(0));
        let reads = Arc::new(AtomicU64::new(0));
        let (v, r) = (value.clone(), reads.clone());
        let shared = SharedRead::new(move || {
            let (v, r) = (v.clone(), r.clone());
            async move {
                r.fetch_add(1, Ordering::SeqCst);
                let seen = v.load(Ordering::SeqCst);
                tokio::time::sleep(Duration::from_millis(5)).await;
                seen
            }
        });
        for round in 1..=20u64 {
            // The write is committed before the callers ask: all of them must see it.
            value.store(round, Ordering::SeqCst);
            let callers = (0..50).map(|_| {
                let shared = shared.clone();
                tokio::spawn(async move { shared.get().await })
            });
            for answer in futures_util::future::join_all(callers).await {
                assert_eq!(answer.unwrap(), round);
            }
        }
        let total = reads.load(Ordering::SeqCst);
        assert!(total < 20 * 50 / 5, "{total} reads for 1000 callers");
    }
}
