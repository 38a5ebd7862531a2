//! Which reads of a record are written to the audit log.
//!
//! Every person who opens a case or a person's page is recorded, but a person reopening the
//! same record within [`WINDOW`] is not recorded again: the log answers "who read this record,
//! and when did they start", and a caseworker going back and forth between a case and its
//! forms would otherwise add an entry at every click. It also keeps reading pages off the
//! database's single writer (SQLite): a read that needs no entry runs in a read transaction.
//!
//! The memory is per server process: with several servers, each records a person's first read
//! in its window, so a read may be recorded more than once, never less.

use crate::state::AppState;
use passerelle_store::audit::{self, Event};
use passerelle_store::{StoreResult, Tx};
use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};
use uuid::Uuid;

/// How long a read is taken as the continuation of the one recorded.
pub const WINDOW: Duration = Duration::from_secs(10 * 60);

/// Past this many remembered reads, older ones are forgotten at the next record.
const PRUNE_AT: usize = 50_000;

/// The kind of record read: the key of the audit action (`case.view`, `person.view`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Record {
    Case,
    Person,
}

impl Record {
    fn entity_type(self) -> &'static str {
        match self {
            Record::Case => "case",
            Record::Person => "person",
        }
    }
    fn action(self) -> &'static str {
        match self {
            Record::Case => "case.view",
            Record::Person => "person.view",
        }
    }
}

/// The transaction of a page that reads one record: a write transaction when the read must be
/// recorded, else a read transaction.
pub struct Reading {
    pub tx: Tx,
    due: Option<(Uuid, Record, Uuid)>,
}

impl Reading {
    pub async fn begin(state: &AppState, reader: Uuid, record: Record, id: Uuid) -> StoreResult<Reading> {
        if state.views.due(reader, record, id) {
            Ok(Reading { tx: state.store.write().await?, due: Some((reader, record, id)) })
        } else {
            Ok(Reading { tx: state.store.read().await?, due: None })
        }
    }

    /// Writes the read to the log if it is due; call it once the reader is known to see the
    /// record.
    pub async fn record(&mut self) -> StoreResult<()> {
        if let Some((reader, record, id)) = self.due {
            audit::append(&mut self.tx, Event::new(Some(reader), record.action(), record.entity_type()).entity(id)).await?;
        }
        Ok(())
    }

    pub async fn commit(self, state: &AppState) -> StoreResult<()> {
        self.tx.commit().await?;
        if let Some((reader, record, id)) = self.due {
            state.views.recorded(reader, record, id);
        }
        Ok(())
    }
}

#[derive(Default)]
pub struct RecentViews {
    seen: Mutex<HashMap<(Uuid, Record, Uuid), Instant>>,
}

impl RecentViews {
    /// Whether `reader` reading `id` now must be written to the log.
    pub fn due(&self, reader: Uuid, record: Record, id: Uuid) -> bool {
        self.due_at(reader, record, id, Instant::now())
    }

    fn due_at(&self, reader: Uuid, record: Record, id: Uuid, now: Instant) -> bool {
        let seen = self.seen.lock().unwrap_or_else(|e| e.into_inner());
        seen.get(&(reader, record, id)).is_none_or(|at| now.saturating_duration_since(*at) >= WINDOW)
    }

    /// Remembers a read once its entry is committed (not before: a read whose entry was lost
    /// must be recorded at the next one).
    pub fn recorded(&self, reader: Uuid, record: Record, id: Uuid) {
        self.recorded_at(reader, record, id, Instant::now());
    }

    fn recorded_at(&self, reader: Uuid, record: Record, id: Uuid, now: Instant) {
        let mut seen = self.seen.lock().unwrap_or_else(|e| e.into_inner());
        if seen.len() >= PRUNE_AT {
            seen.retain(|_, at| now.saturating_duration_since(*at) < WINDOW);
        }
        seen.insert((reader, record, id), now);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_read_is_recorded_again_after_the_window_and_by_anyone_else() {
        let views = RecentViews::default();
        let (a, b, case, person) = (Uuid::now_v7(), Uuid::now_v7(), Uuid::now_v7(), Uuid::now_v7());
        let t0 = Instant::now();
        assert!(views.due_at(a, Record::Case, case, t0));
        // Not remembered until the entry is committed.
        assert!(views.due_at(a, Record::Case, case, t0));
        views.recorded_at(a, Record::Case, case, t0);
        assert!(!views.due_at(a, Record::Case, case, t0 + Duration::from_secs(60)));
        assert!(views.due_at(b, Record::Case, case, t0), "another reader is recorded");
        assert!(views.due_at(a, Record::Person, case, t0), "another kind of record is recorded");
        assert!(views.due_at(a, Record::Case, person, t0), "another record is recorded");
        assert!(views.due_at(a, Record::Case, case, t0 + WINDOW));
    }

    #[test]
    fn old_reads_are_forgotten_when_many_are_remembered() {
        let views = RecentViews::default();
        let t0 = Instant::now();
        let reader = Uuid::now_v7();
        for _ in 0..PRUNE_AT {
            views.recorded_at(reader, Record::Case, Uuid::now_v7(), t0);
        }
        let recent = Uuid::now_v7();
        views.recorded_at(reader, Record::Case, recent, t0 + WINDOW);
        let seen = views.seen.lock().unwrap();
        assert_eq!(seen.len(), 1);
        assert!(seen.contains_key(&(reader, Record::Case, recent)));
    }
}
