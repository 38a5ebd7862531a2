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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sop::{Known, Period, default_pack, load};

    fn cp() -> Sop {
        let (file, text) = default_pack()[0];
        load(file, text, &Known::default()).unwrap()
    }

    #[test]
    fn a_new_version_never_changes_a_running_case() {
        let mut lib = SopLibrary::new();
        let v1 = cp();
        let added = lib.publish(v1.clone()).unwrap();
        assert_eq!(added.iter().filter(|c| c.code() == "step-added").count(), v1.steps.len());
        let case_ref = lib.latest("child_protection").unwrap().reference();
        assert_eq!(case_ref, SopRef { id: "child_protection".into(), version: 1 });

        let mut v2 = cp();
        v2.version = 2;
        v2.steps[0].deadline.critical = Period::Hours(2);
        let preview = lib.preview(&v2).unwrap();
        assert_eq!(preview.len(), 1);
        assert_eq!(lib.publish(v2.clone()).unwrap(), preview);

        assert_eq!(lib.get(&case_ref), Some(&v1), "the case still reads version 1");
        assert_eq!(lib.latest("child_protection"), Some(&v2), "new cases get version 2");
        assert_eq!(lib.versions("child_protection"), vec![1, 2]);
        assert_eq!(lib.ids(), vec!["child_protection"]);
    }

    #[test]
    fn old_or_unchanged_versions_are_refused() {
        let mut lib = SopLibrary::new();
        lib.publish(cp()).unwrap();
        let e = lib.publish(cp()).unwrap_err();
        assert_eq!(e.code(), "version-not-newer");
        let mut same = cp();
        same.version = 2;
        assert_eq!(lib.publish(same).unwrap_err().code(), "nothing-changed");
        assert_eq!(lib.versions("child_protection"), vec![1]);
    }
}
