//! The finder's search index: every service of the directory prepared for typo-tolerant
//! search (`passerelle_core::directory::search`), kept in memory between requests.
//!
//! Preparing a document means reading the service's HSDS JSON and the labels of its needs in
//! three languages, which costs far more than scoring it; so the prepared documents are kept
//! and rebuilt only when the directory changed. "Changed" is asked of the database on every
//! search (count and latest update of services, one indexed query), so several app nodes on
//! one PostgreSQL never serve a stale index.

use crate::error::AppError;
use chrono::{DateTime, Utc};
use passerelle_core::directory::hsds::Organization;
use passerelle_core::directory::search::SearchDocument;
use passerelle_core::directory::taxonomy::Taxonomy;
use passerelle_store::directory::{self, ServiceFilter};
use passerelle_store::Store;
use std::sync::{Arc, Mutex};

type Version = (i64, Option<DateTime<Utc>>);

#[derive(Default)]
pub struct DirectoryIndex {
    built: Mutex<Option<(Version, Arc<Vec<SearchDocument>>)>>,
}

impl DirectoryIndex {
    /// The prepared documents of every service, rebuilt if the directory changed.
    pub async fn documents(&self, store: &Store) -> Result<Arc<Vec<SearchDocument>>, AppError> {
        let mut tx = store.read().await?;
        let version = directory::version(&mut tx).await?;
        if let Ok(guard) = self.built.lock()
            && let Some((v, docs)) = guard.as_ref()
            && *v == version
        {
            return Ok(docs.clone());
        }
        let entries = directory::list_services(&mut tx, &ServiceFilter::default()).await?;
        drop(tx);
        let docs: Vec<SearchDocument> = entries
            .into_iter()
            .map(|e| {
                let mut s = e.service;
                // The organisation's name is searched too; stored services refer to it by id.
                if let Some(name) = e.organization_name {
                    s.fields.organization = Some(Box::new(Organization { id: String::new(), name, ..Default::default() }));
                }
                SearchDocument::from_service(&s, Taxonomy::needs(), Taxonomy::protection())
            })
            .collect();
        let docs = Arc::new(docs);
        if let Ok(mut guard) = self.built.lock() {
            *guard = Some((version, docs.clone()));
        }
        Ok(docs)
    }
}
