//! Published SOP versions. A version, once published, is never replaced: a case records the
//! [`SopRef`] it was opened under and keeps reading that exact version, whatever comes later.

use super::diff::{Change, diff};
use super::model::{Sop, SopRef};
use std::collections::BTreeMap;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PublishError {
    #[error("SOP {id:?} version {version} is not newer than the published version {latest}")]
    VersionNotNewer { id: String, version: u32, latest: u32 },
    #[error("SOP {id:?} version {version} is identical to version {latest}: nothing to publish")]
    NothingChanged { id: String, version: u32, latest: u32 },
}

impl PublishError {
    pub fn code(&self) -> &'static str {
        match self {
            PublishError::VersionNotNewer { .. } => "version-not-newer",
            PublishError::NothingChanged { .. } => "nothing-changed",
        }
    }
}

/// Every published version of every SOP, by id then version.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SopLibrary {
    sops: BTreeMap<String, BTreeMap<u32, Sop>>,
}

impl SopLibrary {
    pub fn new() -> Self {
        Self::default()
    }

    /// The changes publishing `sop` would bring, against the latest published version of the
    /// same id (every step is "added" for a new SOP). Refused as [`SopLibrary::publish`] would.
    pub fn preview(&self, sop: &Sop) -> Result<Vec<Change>, PublishError> {
        let Some(latest) = self.latest(&sop.id) else {
            let empty = Sop { steps: Vec::new(), roles: Vec::new(), ..sop.clone() };
            return Ok(diff(&empty, sop));
        };
        if sop.version <= latest.version {
            return Err(PublishError::VersionNotNewer {
                id: sop.id.clone(),
                version: sop.version,
                latest: latest.version,
            });
        }
        let changes = diff(latest, sop);
        if changes.is_empty() {
            return Err(PublishError::NothingChanged {
                id: sop.id.clone(),
                version: sop.version,
                latest: latest.version,
            });
        }
        Ok(changes)
    }

    /// Adds `sop` as the newest version of its id and returns what changed. Earlier versions
    /// stay as they were, so cases opened under them are unaffected.
    pub fn publish(&mut self, sop: Sop) -> Result<Vec<Change>, PublishError> {
        let changes = self.preview(&sop)?;
        self.sops.entry(sop.id.clone()).or_default().insert(sop.version, sop);
        Ok(changes)
    }

    /// The exact version a case runs under.
    pub fn get(&self, r: &SopRef) -> Option<&Sop> {
        self.sops.get(&r.id).and_then(|v| v.get(&r.version))
    }

    /// The version new cases are opened under.
    pub fn latest(&self, id: &str) -> Option<&Sop> {
        self.sops.get(id).and_then(|v| v.values().next_back())
    }

    pub fn versions(&self, id: &str) -> Vec<u32> {
        self.sops.get(id).map(|v| v.keys().copied().collect()).unwrap_or_default()
    }

    /// The ids of all published SOPs, sorted.
    pub fn ids(&self) -> Vec<&str> {
        self.sops.keys().map(String::as_str).collect()
    }
}
