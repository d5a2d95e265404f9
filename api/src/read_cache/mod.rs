//! The read path's memory: whole serialized answers to anonymous queries, kept per query text,
//! operation name, variables and language, and valid for exactly one value of the registry's change
//! sequence (`freshness`). An answer is served from here only while the sequence it was computed
//! at is still current, so no read ever sees data older than a write acknowledged before it began,
//! on any instance: every write, wherever it ran, moves the sequence on.
//!
//! The same key and sequence give every instance the same entity tag (`ETag`), so a client's
//! `If-None-Match` is answered 304 without running the query, wherever it lands.
//!
//! Memory is bounded by `NAP_RESPONSE_CACHE_BYTES`: answers older than the current sequence go
//! first, then the least recently used; an answer larger than a quarter of the limit is served but
//! not kept. Concurrent misses of the same key run the query once and the others take the kept
//! answer; when the answer cannot be kept, the others run it side by side rather than in turn.

pub mod freshness;

use std::{
    collections::{BTreeMap, HashMap},
    sync::{
        Arc, Mutex, PoisonError,
        atomic::{AtomicI64, Ordering},
    },
};

use axum::body::Bytes;
use sha2::{Digest, Sha256};

pub use freshness::ChangeSequence;

/// Bytes counted for an entry besides its body (key, tag, bookkeeping).
const ENTRY_OVERHEAD: usize = 160;

/// What identifies an answer apart from the sequence: a digest of the query text, operation
/// name, variables, language and the day (in Kyiv): coverage statuses and re-alignment deadlines are
/// derived for the current date, so an answer is not kept past the day it was computed on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct CacheKey([u8; 32]);

impl CacheKey {
    /// The key of a request.
    pub fn new(query: &str, operation_name: Option<&str>, variables_json: &str, language: &str) -> Self {
        let mut digest = Sha256::new();
        for part in [query, operation_name.unwrap_or(""), variables_json, language] {
            // Length-prefixed, so that no two different requests give the same input.
            digest.update((part.len() as u64).to_le_bytes());
            digest.update(part.as_bytes());
        }
        // Today in Kyiv (kept by `calendar`, not worked out per request), by its day number.
        let today = chrono::Datelike::num_days_from_ce(&crate::domain::calendar::today());
        digest.update(today.to_le_bytes());
        Self(digest.finalize().into())
    }

    /// The entity tag of this request's answer at `sequence` (the same on every instance).
    pub fn etag(&self, sequence: i64) -> String {
        use std::fmt::Write as _;
        let mut tag = String::with_capacity(40);
        // Writing to a `String` cannot fail.
        let _ = write!(tag, "\"{sequence}-");
        for byte in &self.0[..8] {
            let _ = write!(tag, "{byte:02x}");
        }
        tag.push('"');
        tag
    }
}

/// A kept answer.
#[derive(Debug, Clone)]
struct Entry {
    sequence: i64,
    body: Bytes,
    last_used: u64,
}

impl Entry {
    fn cost(&self) -> usize {
        self.body.len() + ENTRY_OVERHEAD
    }
}

#[derive(Debug, Default)]
struct Entries {
    by_key: HashMap<CacheKey, Entry>,
    /// The keys by when they were last used, oldest first: what eviction takes next.
    by_use: BTreeMap<u64, CacheKey>,
    bytes: usize,
    clock: u64,
    newest_sequence: i64,
}

impl Entries {
    fn add(&mut self, key: CacheKey, entry: Entry) {
        self.bytes += entry.cost();
        self.by_use.insert(entry.last_used, key);
        self.by_key.insert(key, entry);
    }

    fn remove(&mut self, key: &CacheKey) -> Option<Entry> {
        let entry = self.by_key.remove(key)?;
        self.by_use.remove(&entry.last_used);
        self.bytes -= entry.cost();
        Some(entry)
    }
}

/// The size of the cache at a moment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CacheSize {
    /// Bytes counted (bodies plus a fixed overhead per entry).
    pub bytes: usize,
    /// Answers kept.
    pub entries: usize,
}

/// Serialized answers by key and sequence, within a byte limit.
#[derive(Debug)]
pub struct ResponseCache {
    limit_bytes: usize,
    entries: Mutex<Entries>,
    /// One lock per key being computed, so concurrent misses run the query once.
    computing: Mutex<HashMap<CacheKey, Arc<Flight>>>,
}

impl ResponseCache {
    /// A cache holding at most `limit_bytes`; 0 keeps nothing.
    pub fn new(limit_bytes: usize) -> Self {
        Self {
            limit_bytes,
            entries: Mutex::new(Entries::default()),
            computing: Mutex::new(HashMap::new()),
        }
    }

    /// Whether the cache keeps anything at all.
    pub fn is_enabled(&self) -> bool {
        self.limit_bytes > 0
    }

    /// The answer for `key` computed at `sequence`, if kept.
    pub fn get(&self, key: &CacheKey, sequence: i64) -> Option<Bytes> {
        let mut entries = self.entries.lock().unwrap_or_else(PoisonError::into_inner);
        entries.clock += 1;
        let clock = entries.clock;
        let entry = entries.by_key.get_mut(key)?;
        if entry.sequence != sequence {
            return None;
        }
        let used_before = std::mem::replace(&mut entry.last_used, clock);
        let body = entry.body.clone();
        entries.by_use.remove(&used_before);
        entries.by_use.insert(clock, *key);
        Some(body)
    }

    /// Keeps `body` as the answer for `key` at `sequence`, making room as needed. Answers larger
    /// than a quarter of the limit are not kept.
    ///
    /// A kept answer is copied into an allocation of its own length: a serialized answer is
    /// written into a buffer grown by doubling, up to twice its length, and `Bytes` made from it
    /// keeps the whole buffer. Copied, the bytes counted against the limit are the bytes held.
    pub fn insert(&self, key: CacheKey, sequence: i64, body: &[u8]) {
        // Copied before the lock is taken, so no other request waits on the copy.
        let kept =
            (body.len() + ENTRY_OVERHEAD <= self.limit_bytes / 4).then(|| Bytes::copy_from_slice(body));
        let mut entries = self.entries.lock().unwrap_or_else(PoisonError::into_inner);
        if sequence > entries.newest_sequence {
            // Answers of earlier sequences can never be served again.
            entries.newest_sequence = sequence;
            let stale: Vec<CacheKey> = entries
                .by_key
                .iter()
                .filter(|(_, entry)| entry.sequence < sequence)
                .map(|(key, _)| *key)
                .collect();
            for key in stale {
                entries.remove(&key);
            }
        } else if sequence < entries.newest_sequence {
            return;
        }
        entries.clock += 1;
        let Some(body) = kept else {
            return;
        };
        let entry = Entry {
            sequence,
            body,
            last_used: entries.clock,
        };
        entries.remove(&key);
        while entries.bytes + entry.cost() > self.limit_bytes {
            let Some(oldest) = entries.by_use.first_key_value().map(|(_, key)| *key) else {
                break;
            };
            entries.remove(&oldest);
        }
        entries.add(key, entry);
    }

    /// The cache's size now.
    pub fn size(&self) -> CacheSize {
        let entries = self.entries.lock().unwrap_or_else(PoisonError::into_inner);
        CacheSize {
            bytes: entries.bytes,
            entries: entries.by_key.len(),
        }
    }

    /// The answer for `key` at `sequence`: the kept one, else the one `work` computes, which is
    /// kept when it is `Ok`. However many ask for the same key at once, `work` runs once and the
    /// others take its kept answer; when the answer of this sequence could not be kept, they run
    /// side by side rather than in turn.
    pub async fn answer<E, Work>(
        &self,
        key: CacheKey,
        sequence: i64,
        work: impl FnOnce() -> Work,
    ) -> Answer<E>
    where
        Work: Future<Output = Result<Bytes, E>>,
    {
        if let Some(body) = self.get(&key, sequence) {
            return Answer::Kept(body);
        }
        let turn = self.compute_alone(key, sequence).await;
        if let Some(body) = self.get(&key, sequence) {
            return Answer::Kept(body);
        }
        // Held while running, so that the others wait for the answer, unless it could not be kept.
        let turn = (!turn.answer_was_not_kept()).then_some(turn);
        let computed = work().await;
        if let Some(turn) = &turn {
            turn.ran();
        }
        match computed {
            Ok(body) => {
                self.insert(key, sequence, &body);
                Answer::Computed(body)
            }
            Err(other) => Answer::NotKept(other),
        }
    }

    /// Waits until no other request is computing `key`, and holds the turn until it is dropped.
    async fn compute_alone(&self, key: CacheKey, sequence: i64) -> ComputeTurn<'_> {
        let flight = Arc::clone(
            self.computing
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .entry(key)
                .or_default(),
        );
        // The turn exists before the wait, so a request that goes away while waiting still
        // cleans up after itself.
        let mut turn = ComputeTurn {
            cache: self,
            key,
            sequence,
            flight,
            guard: None,
        };
        turn.guard = Some(Arc::clone(&turn.flight.lock).lock_owned().await);
        turn
    }
}

/// Where [`ResponseCache::answer`] found its answer.
#[derive(Debug)]
pub enum Answer<E> {
    /// Kept from an earlier request (a hit).
    Kept(Bytes),
    /// Computed now and kept (a miss).
    Computed(Bytes),
    /// Computed now and not kept (a miss whose work did not succeed): the work's other result.
    NotKept(E),
}

/// The requests computing one key: whoever holds `lock` runs the query; `ran_at` is the sequence
/// it last ran at.
#[derive(Debug)]
struct Flight {
    lock: Arc<tokio::sync::Mutex<()>>,
    ran_at: AtomicI64,
}

impl Default for Flight {
    fn default() -> Self {
        Self {
            lock: Arc::default(),
            ran_at: AtomicI64::new(i64::MIN),
        }
    }
}

/// A request's turn to compute the answer for a key.
#[derive(Debug)]
struct ComputeTurn<'a> {
    cache: &'a ResponseCache,
    key: CacheKey,
    sequence: i64,
    flight: Arc<Flight>,
    guard: Option<tokio::sync::OwnedMutexGuard<()>>,
}

impl ComputeTurn<'_> {
    /// Whether the request before this one already ran the query at this sequence and its answer
    /// was not kept (it had errors, or was too big): then waiting for one another gains nothing.
    fn answer_was_not_kept(&self) -> bool {
        self.flight.ran_at.load(Ordering::SeqCst) == self.sequence
    }

    /// Records that this turn ran the query.
    fn ran(&self) {
        self.flight.ran_at.store(self.sequence, Ordering::SeqCst);
    }
}

impl Drop for ComputeTurn<'_> {
    fn drop(&mut self) {
        drop(self.guard.take());
        let mut computing = self
            .cache
            .computing
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        // Held only by the map and this turn: nobody else waits for the key.
        if Arc::strong_count(&self.flight) <= 2 {
            computing.remove(&self.key);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(n: u8) -> CacheKey {
        CacheKey::new("{ plans { code } }", None, &n.to_string(), "uk")
    }

    #[test]
    fn keys_and_tags_are_stable_and_distinct() {
        assert_eq!(key(1), key(1));
        assert_ne!(key(1), key(2));
        assert_ne!(
            CacheKey::new("ab", None, "", "uk"),
            CacheKey::new("a", Some("b"), "", "uk")
        );
        assert_eq!(key(1).etag(7), key(1).etag(7));
        assert_ne!(key(1).etag(7), key(1).etag(8));
        assert!(key(1).etag(7).starts_with("\"7-"));
        let tag = key(1).etag(7);
        assert_eq!(tag.len(), 20, "{tag}");
        assert!(
            tag[3..19]
                .bytes()
                .all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase()),
            "{tag}"
        );
        assert!(tag.ends_with('"'), "{tag}");
    }

    #[test]
    fn serves_only_the_current_sequence() {
        let cache = ResponseCache::new(1 << 20);
        cache.insert(key(1), 5, b"five");
        assert_eq!(cache.get(&key(1), 5).as_deref(), Some(&b"five"[..]));
        assert_eq!(cache.get(&key(1), 6), None);
        cache.insert(key(2), 6, b"six");
        assert_eq!(cache.size().entries, 1, "older answers are dropped");
        cache.insert(key(1), 5, b"late");
        assert_eq!(
            cache.get(&key(1), 5),
            None,
            "an answer of a past sequence is not kept"
        );
    }

    #[test]
    fn stays_within_its_limit_evicting_the_least_recently_used() {
        let body = Bytes::from(vec![b'x'; 100]);
        let limit = 3 * (100 + ENTRY_OVERHEAD) + 10;
        let cache = ResponseCache::new(limit * 2);
        for n in 0..3 {
            cache.insert(key(n), 1, &body);
        }
        let cache_small = ResponseCache::new(limit);
        // 100-byte bodies are more than a quarter of `limit`: not kept.
        cache_small.insert(key(0), 1, &body);
        assert_eq!(cache_small.size().entries, 0);

        assert!(cache.get(&key(0), 1).is_some());
        for n in 3..8 {
            cache.insert(key(n), 1, &body);
            assert!(cache.size().bytes <= limit * 2);
        }
        assert!(cache.get(&key(0), 1).is_some(), "recently used answers stay");
        assert!(cache.get(&key(1), 1).is_none(), "the least recently used went");
        let entries = cache.entries.lock().unwrap();
        assert_eq!(
            entries.by_use.len(),
            entries.by_key.len(),
            "one use mark per entry"
        );
    }

    #[tokio::test]
    async fn answers_are_computed_once_and_kept_only_when_they_succeed() {
        let cache = ResponseCache::new(1 << 20);
        let computed = cache
            .answer(key(1), 5, || async { Ok::<_, ()>(Bytes::from_static(b"one")) })
            .await;
        assert!(matches!(computed, Answer::Computed(body) if body == "one"));
        let kept = cache
            .answer(key(1), 5, || async { Err::<Bytes, _>("not run") })
            .await;
        assert!(matches!(kept, Answer::Kept(body) if body == "one"));
        let failed = cache
            .answer(key(2), 5, || async { Err::<Bytes, _>("failed") })
            .await;
        assert!(matches!(failed, Answer::NotKept("failed")));
        assert_eq!(cache.get(&key(2), 5), None, "a failed answer is not kept");
        let later = cache
            .answer(key(1), 6, || async { Ok::<_, ()>(Bytes::from_static(b"six")) })
            .await;
        assert!(
            matches!(later, Answer::Computed(body) if body == "six"),
            "a new sequence computes again"
        );
    }

    #[tokio::test]
    async fn turns_take_one_key_in_order_and_clean_up_after_themselves() {
        let wait = std::time::Duration::from_millis(20);
        let cache = ResponseCache::new(1 << 20);
        let first = cache.compute_alone(key(1), 5).await;
        assert!(!first.answer_was_not_kept());
        let mut second = Box::pin(cache.compute_alone(key(1), 5));
        assert!(
            tokio::time::timeout(wait, &mut second).await.is_err(),
            "the key is taken"
        );
        // A request that goes away while waiting leaves nothing behind.
        let third = cache.compute_alone(key(1), 5);
        assert!(tokio::time::timeout(wait, third).await.is_err());
        first.ran();
        drop(first);
        let second = second.await;
        assert!(
            second.answer_was_not_kept(),
            "the first ran at this sequence and kept nothing"
        );
        drop(second);
        assert!(cache.computing.lock().unwrap().is_empty(), "no turn left behind");
        let later = cache.compute_alone(key(1), 6).await;
        assert!(!later.answer_was_not_kept(), "a new sequence is a new question");
    }
}
