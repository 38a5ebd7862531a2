//! The finder's search index: every service of the directory prepared for typo-tolerant
//! search (`passerelle_core::directory::search::SearchIndex`), kept in memory between
//! requests; and the needs taxonomy in force (shipped terms plus administrators'), kept fresh
//! the same way.
//!
//! Preparing a document means reading the service's HSDS JSON and the labels of its needs in
//! three languages, which costs far more than scoring it; so the prepared documents are kept
//! and updated one service at a time. "Changed" is asked of the database on every search
//! (count and latest update of services, one query): the services updated since the index's
//! last update are prepared again and replace their old documents; a count that still
//! differs afterwards means services were deleted elsewhere, and only then is the index
//! rebuilt whole. So several app nodes on one PostgreSQL never serve a stale index, and an
//! edit costs the preparation of one service, not of the whole directory. Search results do
//! not depend on the documents' order (hits are sorted by score, then id).

use crate::error::AppError;
use chrono::{DateTime, Utc};
use passerelle_core::directory::hsds::{Organization, ServiceStatus};
use passerelle_core::directory::search::{SearchDocument, SearchIndex};
use passerelle_core::directory::taxonomy::Taxonomy;
use passerelle_store::directory::{self, ServiceEntry, ServiceFilter};
use passerelle_store::{need_terms, Store};
use std::collections::HashSet;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

type Version = (i64, Option<DateTime<Utc>>);

/// How long a node trusts its needs taxonomy before asking the database whether an
/// administrator changed it on another node (this node installs its own changes at once).
const NEEDS_RECHECK: Duration = Duration::from_secs(5);

struct Built {
    version: Version,
    /// The needs taxonomy version the documents were prepared with (labels are searched).
    needs: (i64, i64),
    directory: Arc<Searchable>,
}

/// Services read and prepared at a time when the index is built whole.
const REBUILD_BATCH: usize = 500;

/// Every service of the directory as the finder searches it: the search index of all of them,
/// and which the public may be shown (the index keeps every service, so that its count
/// follows the database's).
#[derive(Clone, Default)]
pub struct Searchable {
    pub index: SearchIndex,
    shown: HashSet<String>,
}

/// Whether the public finder shows a service in this status: inactive and defunct ones are
/// not shown; temporarily closed ones are, marked.
pub fn shown_to_the_public(status: ServiceStatus) -> bool {
    matches!(status, ServiceStatus::Active | ServiceStatus::TemporarilyClosed)
}

impl Searchable {
    /// Whether the public finder may show the service with this id.
    pub fn is_shown(&self, id: &str) -> bool {
        self.shown.contains(id)
    }

    pub fn len(&self) -> usize {
        self.index.len()
    }

    pub fn is_empty(&self) -> bool {
        self.index.is_empty()
    }

    fn upsert(&mut self, (document, shown): (SearchDocument, bool)) {
        if shown {
            self.shown.insert(document.id.clone());
        } else {
            self.shown.remove(&document.id);
        }
        self.index.upsert(document);
    }

    fn remove(&mut self, id: &str) -> bool {
        self.shown.remove(id);
        self.index.remove(id)
    }
}

#[derive(Default)]
pub struct DirectoryIndex {
    built: Mutex<Option<Built>>,
    /// When the needs taxonomy was last read from the database, and its version then.
    needs_checked: Mutex<Option<(Instant, (i64, i64))>>,
}

/// The search document of a stored service, and whether the public may be shown it.
fn prepare(e: ServiceEntry) -> (SearchDocument, bool) {
    let mut s = e.service;
    // The organisation's name is searched too; stored services refer to it by id.
    if let Some(name) = e.organization_name {
        s.fields.organization = Some(Box::new(Organization { id: String::new(), name, ..Default::default() }));
    }
    (SearchDocument::from_service(&s, Taxonomy::needs(), Taxonomy::protection()), shown_to_the_public(s.status))
}

impl DirectoryIndex {
    /// Makes `Taxonomy::needs()` the taxonomy stored in the database if it may have changed:
    /// at once when `force` (this node just changed it) or never read, otherwise at most every
    /// few seconds. Returns the version installed.
    pub async fn fresh_needs(&self, store: &Store, force: bool) -> Result<(i64, i64), AppError> {
        if !force
            && let Ok(g) = self.needs_checked.lock()
            && let Some((at, v)) = *g
            && at.elapsed() < NEEDS_RECHECK
        {
            return Ok(v);
        }
        let mut tx = store.read().await?;
        let version = need_terms::version(&mut tx).await?;
        let known = self.needs_checked.lock().ok().and_then(|g| g.map(|(_, v)| v));
        if force || known != Some(version) {
            match need_terms::taxonomy(&mut tx).await {
                Ok(t) => passerelle_core::directory::taxonomy::install_needs(t),
                // Stored terms that clash with a newer shipped taxonomy: keep serving the one
                // in force and say so, rather than failing every page.
                Err(e) => tracing::error!(error = %e, "the stored needs terms do not fit the shipped taxonomy"),
            }
        }
        if let Ok(mut g) = self.needs_checked.lock() {
            *g = Some((Instant::now(), version));
        }
        Ok(version)
    }

    /// Every service, searchable, brought up to date with the directory.
    pub async fn documents(&self, store: &Store) -> Result<Arc<Searchable>, AppError> {
        let needs = self.fresh_needs(store, false).await?;
        let mut tx = store.read().await?;
        let version = directory::version(&mut tx).await?;
        // Only the versions are taken here: holding a second reference to the index would
        // make the update below copy all of it.
        let since = match self.built.lock() {
            Ok(g) => match g.as_ref() {
                Some(b) if b.version == version && b.needs == needs => return Ok(b.directory.clone()),
                Some(b) if b.needs == needs => b.version.1,
                _ => None,
            },
            Err(_) => None,
        };
        if let Some(since) = since {
            let changed = directory::services_changed_since(&mut tx, since).await?;
            drop(tx);
            // Prepared before the lock is taken: other searches only read the versions.
            let prepared: Vec<(SearchDocument, bool)> = changed.into_iter().map(prepare).collect();
            if let Ok(mut g) = self.built.lock()
                && let Some(b) = g.as_mut()
                && b.version.1 == Some(since)
            {
                let all = Arc::make_mut(&mut b.directory);
                for p in prepared {
                    all.upsert(p);
                }
                // Equal counts: nothing was deleted behind this node's back.
                if all.len() as i64 == version.0 {
                    b.version = version;
                    return Ok(b.directory.clone());
                }
            }
            return self.rebuild(store, needs).await;
        }
        drop(tx);
        self.rebuild(store, needs).await
    }

    /// Prepares every service again (first search, taxonomy changed, deletions elsewhere).
    pub async fn rebuild(&self, store: &Store, needs: (i64, i64)) -> Result<Arc<Searchable>, AppError> {
        let mut tx = store.read().await?;
        let version = directory::version(&mut tx).await?;
        // A few hundred services at a time, in one reading: the HSDS documents of a national
        // directory, all parsed at once, were most of the server's peak memory.
        let ids: Vec<uuid::Uuid> = directory::service_ids(&mut tx, &ServiceFilter::default()).await?.into_iter().map(|(id, _)| id).collect();
        let mut all = Searchable::default();
        for batch in ids.chunks(REBUILD_BATCH) {
            for e in directory::services_by_ids(&mut tx, batch).await? {
                all.upsert(prepare(e));
            }
        }
        drop(tx);
        let all = Arc::new(all);
        if let Ok(mut g) = self.built.lock() {
            *g = Some(Built { version, needs, directory: all.clone() });
        }
        Ok(all)
    }

    /// Takes a deleted service out of the index (its count then matches the database again,
    /// so the next search does not rebuild).
    pub fn forget(&self, id: &str) {
        if let Ok(mut g) = self.built.lock()
            && let Some(b) = g.as_mut()
            && Arc::make_mut(&mut b.directory).remove(id)
        {
            b.version.0 -= 1;
        }
    }
}

/// Middleware: brings the needs taxonomy up to date (at most every few seconds) before the
/// handler lists or checks needs. A database that cannot be read is the handler's to report.
pub async fn keep_needs_fresh(
    axum::extract::State(state): axum::extract::State<crate::state::AppState>,
    req: axum::extract::Request,
    next: axum::middleware::Next,
) -> axum::response::Response {
    if let Err(e) = state.directory_index.fresh_needs(&state.store, false).await {
        tracing::warn!(error = %e, "needs taxonomy not refreshed");
    }
    next.run(req).await
}
