//! Rendered answers kept for the readers who would get the same one: keyed by the request,
//! its language, who it is for (the audience), the write generation and the freshness
//! period, weighed by their size. What an audience is, and how a kept answer becomes one
//! reader's, is the web layer's business (`web::page_cache`).

use std::hash::Hash;
use std::sync::Arc;

use super::generation::WriteGeneration;
use super::period::current_period_of;

/// What a kept answer weighs against the store's capacity, in bytes.
pub trait Weigh {
    fn weight(&self) -> usize;
}

/// A request's answer as of one write generation and one period: a key that is found is
/// fresh.
#[derive(Clone, Hash, PartialEq, Eq)]
pub struct PageKey<A> {
    path_and_query: String,
    lang: &'static str,
    audience: A,
    write_generation: u64,
    period: u64,
}

impl<A> PageKey<A> {
    /// The same request, generation and period, for another audience (decided after the
    /// generation was read).
    pub fn with_audience(self, audience: A) -> PageKey<A> {
        PageKey { audience, ..self }
    }
}

/// What the first request for a key found out.
pub enum Entry<P> {
    Shared(P),
    /// This answer is not shared (a personal page, an error, a redirect, a file): every
    /// reader gets their own.
    Personal,
}

#[derive(Clone)]
struct ByWeight;

impl<A, P: Weigh> quick_cache::Weighter<PageKey<A>, Arc<Entry<P>>> for ByWeight {
    fn weight(&self, key: &PageKey<A>, entry: &Arc<Entry<P>>) -> u64 {
        let body = match entry.as_ref() {
            Entry::Shared(page) => page.weight(),
            Entry::Personal => 0,
        };
        (body + key.path_and_query.len()).max(1) as u64
    }
}

type Guard<'a, A, P> = quick_cache::sync::PlaceholderGuard<
    'a,
    PageKey<A>,
    Arc<Entry<P>>,
    ByWeight,
    quick_cache::DefaultHashBuilder,
    quick_cache::sync::DefaultLifecycle<PageKey<A>, Arc<Entry<P>>>,
>;

/// The outcome of looking a key up: the kept entry, or the right (and duty) to render it.
pub enum Lookup<'a, A, P>
where
    A: Clone + Eq + Hash,
    P: Weigh,
{
    Found(Arc<Entry<P>>),
    Render(RenderGuard<'a, A, P>),
}

/// Held by the one request that renders a missing answer; the others asking for the same
/// key wait (without blocking their thread) until it is kept or dropped.
pub struct RenderGuard<'a, A, P>(Guard<'a, A, P>)
where
    A: Clone + Eq + Hash,
    P: Weigh;

impl<A, P> RenderGuard<'_, A, P>
where
    A: Clone + Eq + Hash,
    P: Weigh,
{
    /// Keeps what the render found out, for the waiting and later readers.
    pub fn keep(self, entry: Entry<P>) {
        let _ = self.0.insert(Arc::new(entry));
    }
}

/// The bounded store of rendered answers.
pub struct PageStore<A, P>
where
    A: Clone + Eq + Hash,
    P: Weigh,
{
    pages: quick_cache::sync::Cache<PageKey<A>, Arc<Entry<P>>, ByWeight>,
    generation: WriteGeneration,
}

impl<A, P> PageStore<A, P>
where
    A: Clone + Eq + Hash,
    P: Weigh,
{
    /// A store of at most `capacity_bytes` of answers.
    pub fn new(generation: WriteGeneration, capacity_bytes: u64) -> Self {
        Self {
            pages: quick_cache::sync::Cache::with_weighter(512, capacity_bytes, ByWeight),
            generation,
        }
    }

    /// The key of a request as of now. Taken before anything of the page or its reader is
    /// read: a write committed meanwhile makes the key stale at once.
    pub fn key_now(&self, path_and_query: String, lang: &'static str, audience: A) -> PageKey<A> {
        let period = current_period_of(&path_and_query);
        PageKey {
            write_generation: self.generation.current(),
            period,
            path_and_query,
            lang,
            audience,
        }
    }

    /// The kept entry, or a guard to render it, waiting asynchronously while another
    /// request renders the same key.
    pub async fn lookup(&self, key: &PageKey<A>) -> Lookup<'_, A, P> {
        match self.pages.get_value_or_guard_async(key).await {
            Ok(entry) => Lookup::Found(entry),
            Err(guard) => Lookup::Render(RenderGuard(guard)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    struct Body(usize);
    impl Weigh for Body {
        fn weight(&self) -> usize {
            self.0
        }
    }

    #[tokio::test]
    async fn a_kept_answer_serves_its_audience_until_a_seen_write() {
        let generation = WriteGeneration::default();
        let store: PageStore<u8, Body> = PageStore::new(generation.clone(), 1 << 20);
        let key = store.key_now("/c/x".to_owned(), "ja", 1);
        let Lookup::Render(guard) = store.lookup(&key).await else {
            panic!("nothing kept yet");
        };
        guard.keep(Entry::Shared(Body(10)));
        assert!(matches!(store.lookup(&key).await, Lookup::Found(_)));
        let other_audience = store.key_now("/c/x".to_owned(), "ja", 2);
        assert!(matches!(
            store.lookup(&other_audience).await,
            Lookup::Render(_)
        ));
        generation.advance(1);
        let after_write = store.key_now("/c/x".to_owned(), "ja", 1);
        assert!(matches!(
            store.lookup(&after_write).await,
            Lookup::Render(_)
        ));
    }
}
