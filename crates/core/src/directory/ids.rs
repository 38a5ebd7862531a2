//! Identifiers that are the same on every installation and every run.
//!
//! HSDS 3.0 requires UUIDs. Taxonomy terms and rows imported from a spreadsheet get a UUID
//! computed from what they are (a SHA-256 of a namespace and a name, shaped as an RFC 9562
//! version 8 UUID), so the same term has the same id everywhere and a spreadsheet imported
//! twice updates its services instead of creating them again.

use sha2::{Digest, Sha256};

pub fn stable_uuid(namespace: &str, name: &str) -> String {
    let mut hasher = Sha256::new();
    hasher.update(namespace.as_bytes());
    hasher.update([0x1f]);
    hasher.update(name.as_bytes());
    let digest = hasher.finalize();
    let mut bytes = [0u8; 16];
    bytes.copy_from_slice(&digest[..16]);
    uuid::Builder::from_custom_bytes(bytes).into_uuid().to_string()
}

/// Whether `id` is a UUID written the way HSDS expects (hyphenated, 36 characters).
pub fn is_uuid(id: &str) -> bool {
    id.len() == 36 && uuid::Uuid::try_parse(id).is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stable_uuids_are_stable_distinct_and_valid() {
        let a = stable_uuid("passerelle-needs", "gbv");
        assert_eq!(a, stable_uuid("passerelle-needs", "gbv"));
        assert_ne!(a, stable_uuid("passerelle-needs", "health"));
        assert_ne!(a, stable_uuid("passerelle-protection", "gbv"));
        assert!(is_uuid(&a));
        assert_eq!(uuid::Uuid::parse_str(&a).unwrap().get_version_num(), 8);
    }

    #[test]
    fn is_uuid_wants_the_hyphenated_form() {
        assert!(is_uuid("ac148810-d857-441c-9679-408f346de14b"));
        assert!(!is_uuid("ac148810d857441c9679408f346de14b"));
        assert!(!is_uuid("svc-1"));
    }
}
