//! Results kept for a while in the process: figures and counts that read every record of a
//! scope are computed once and shown for a few minutes (or seconds), and pages say when.

use std::collections::HashMap;
use std::hash::Hash;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// Values by key, each fresh for `max_age` after it was kept, then stale for `stale_for` (none
/// by default) before it goes; at most `max_entries`, the oldest leaving first. A zero
/// `max_age` keeps nothing.
pub struct Kept<K, V> {
    max_age: Duration,
    stale_for: Duration,
    max_entries: usize,
    map: Mutex<HashMap<K, (Instant, V)>>,
}

impl<K: Eq + Hash + Clone, V: Clone> Kept<K, V> {
    pub fn new(max_age: Duration, max_entries: usize) -> Kept<K, V> {
        Kept { max_age, stale_for: Duration::ZERO, max_entries, map: Mutex::new(HashMap::new()) }
    }

    /// Keeps values `stale_for` past their age, for [`Kept::latest`].
    pub fn serving_stale(self, stale_for: Duration) -> Kept<K, V> {
        Kept { stale_for, ..self }
    }

    pub fn max_age(&self) -> Duration {
        self.max_age
    }

    /// The value kept for `key`, if it is still fresh.
    pub fn fresh(&self, key: &K) -> Option<V> {
        self.latest(key).filter(|(_, fresh)| *fresh).map(|(v, _)| v)
    }

    /// The value kept for `key`, fresh or stale, and whether it is fresh.
    pub fn latest(&self, key: &K) -> Option<(V, bool)> {
        let map = self.map.lock().unwrap_or_else(|p| p.into_inner());
        let (at, v) = map.get(key).filter(|(at, _)| at.elapsed() < self.max_age + self.stale_for)?;
        Some((v.clone(), at.elapsed() < self.max_age))
    }

    pub fn keep(&self, key: K, value: V) {
        if self.max_age.is_zero() {
            return;
        }
        let mut map = self.map.lock().unwrap_or_else(|p| p.into_inner());
        map.retain(|_, (at, _)| at.elapsed() < self.max_age + self.stale_for);
        if map.len() >= self.max_entries
            && let Some(oldest) = map.iter().min_by_key(|(_, (at, _))| *at).map(|(k, _)| k.clone())
        {
            map.remove(&oldest);
        }
        map.insert(key, (Instant::now(), value));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_are_fresh_for_their_age_and_the_oldest_leave_first() {
        let kept = Kept::new(Duration::from_millis(200), 2);
        kept.keep("a", 1);
        kept.keep("b", 2);
        kept.keep("c", 3);
        assert_eq!(kept.fresh(&"a"), None, "the oldest left for the third");
        assert_eq!((kept.fresh(&"b"), kept.fresh(&"c")), (Some(2), Some(3)));
        std::thread::sleep(Duration::from_millis(250));
        assert_eq!(kept.fresh(&"c"), None, "stale");
        let never = Kept::new(Duration::ZERO, 10).serving_stale(Duration::from_secs(60));
        never.keep("a", 1);
        assert_eq!(never.latest(&"a"), None);
    }

    #[test]
    fn stale_values_are_served_for_their_while_then_go() {
        let kept = Kept::new(Duration::from_millis(100), 10).serving_stale(Duration::from_millis(300));
        kept.keep("a", 1);
        assert_eq!(kept.latest(&"a"), Some((1, true)));
        std::thread::sleep(Duration::from_millis(150));
        assert_eq!(kept.latest(&"a"), Some((1, false)), "stale but served");
        assert_eq!(kept.fresh(&"a"), None);
        kept.keep("b", 2);
        assert_eq!(kept.latest(&"a"), Some((1, false)), "a stale value survives other keeps");
        std::thread::sleep(Duration::from_millis(300));
        assert_eq!(kept.latest(&"a"), None, "gone after its stale while");
    }
}
