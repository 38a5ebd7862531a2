//! Sealing personal data at rest, and blind indexes to find it again.
//!
//! A copy of the database must reveal no name. The most sensitive fields (names, contacts,
//! dates of birth, narratives, attachment files) are stored *sealed*: XChaCha20-Poly1305 (an
//! authenticated cipher from RustCrypto's `chacha20poly1305`), under a 256-bit key kept outside
//! the database. A sealed value is
//!
//! ```text
//! version (1 byte, = 1) | key id (4 bytes, big endian) | nonce (24 bytes) | ciphertext + tag
//! ```
//!
//! The key id lets several keys coexist while `passerelle keys rotate` re-seals everything
//! under the newest one; the 24-byte random nonce makes nonce reuse negligible without a
//! counter. The *associated data* names where the value lives (table, column, row id), so a
//! sealed value copied into another row, or another column, does not open.
//!
//! Search and duplicate detection cannot read sealed values, so the store keeps *blind
//! indexes*: HMAC-SHA256 of a normalised token (a matching blocking key, a phone number)
//! under a key derived from the data key with HKDF (never the sealing key itself), truncated
//! to [`BLIND_LEN`] bytes. Equal tokens give equal indexes, so the look-up is an index
//! equality; without the key, an index says nothing about the token. Deriving once per key
//! when the keyring is built keeps the cost per token at one HMAC.

use base64::Engine;
use base64::engine::general_purpose::STANDARD as B64;
use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use hmac::{Hmac, Mac};
use rand::RngCore;
use sha2::Sha256;
use std::collections::BTreeMap;
use std::fmt;

/// The format byte at the front of every sealed value.
pub const VERSION: u8 = 1;
const NONCE_LEN: usize = 24;
const HEADER_LEN: usize = 1 + 4 + NONCE_LEN;
/// Bytes kept of a blind index's HMAC: 128 bits, collisions negligible at any register size.
pub const BLIND_LEN: usize = 16;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SealError {
    #[error("the data keyring holds no key")]
    NoKey,
    #[error("sealed with data key {0}, which the keyring does not hold")]
    UnknownKey(u32),
    #[error("not a sealed value (wrong format)")]
    Format,
    /// Wrong key, wrong place (associated data) or altered bytes: the cipher cannot tell which.
    #[error("the sealed value does not open: altered, moved, or sealed under another key")]
    Tampered,
    #[error("bad data key: {0}")]
    BadKey(String),
}

/// One 256-bit data key and the blind-index key derived from it.
#[derive(Clone)]
struct Key {
    cipher: XChaCha20Poly1305,
    blind: Hmac<Sha256>,
    /// HMAC of a fixed label: lets the store check, without revealing the key, that the key
    /// it is given is the one the database was sealed with.
    check: [u8; BLIND_LEN],
}

impl Key {
    fn new(bytes: &[u8; 32]) -> Key {
        let hk = hkdf::Hkdf::<Sha256>::new(Some(b"passerelle data key v1"), bytes);
        let mut blind_key = [0u8; 32];
        let mut check_key = [0u8; 32];
        // 32 bytes is far below HKDF-SHA256's limit (255 × 32): expand cannot fail.
        let _ = hk.expand(b"blind index", &mut blind_key);
        let _ = hk.expand(b"key check", &mut check_key);
        let blind = <Hmac<Sha256> as Mac>::new_from_slice(&blind_key).unwrap_or_else(|_| unreachable!("HMAC takes any key length"));
        let mut chk = <Hmac<Sha256> as Mac>::new_from_slice(&check_key).unwrap_or_else(|_| unreachable!("HMAC takes any key length"));
        chk.update(b"passerelle");
        let mut check = [0u8; BLIND_LEN];
        check.copy_from_slice(&chk.finalize().into_bytes()[..BLIND_LEN]);
        Key { cipher: XChaCha20Poly1305::new(bytes.into()), blind, check }
    }
}

/// The data keys by id; the highest id is the current one (what new values are sealed with).
#[derive(Clone, Default)]
pub struct Keyring {
    keys: BTreeMap<u32, Key>,
}

impl fmt::Debug for Keyring {
    // Never print key material, even in a debug log.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Keyring").field("key_ids", &self.keys.keys().collect::<Vec<_>>()).finish()
    }
}

/// A fresh random 256-bit key.
pub fn generate_key() -> [u8; 32] {
    let mut k = [0u8; 32];
    rand::rng().fill_bytes(&mut k);
    k
}

/// One line of a key file: `<id>:<base64 of 32 bytes>`.
pub fn key_line(id: u32, key: &[u8; 32]) -> String {
    format!("{id}:{}", B64.encode(key))
}

impl Keyring {
    pub fn new() -> Keyring {
        Keyring::default()
    }

    pub fn with_key(id: u32, key: &[u8; 32]) -> Keyring {
        let mut k = Keyring::new();
        k.add(id, key);
        k
    }

    pub fn add(&mut self, id: u32, key: &[u8; 32]) {
        self.keys.insert(id, Key::new(key));
    }

    /// Reads keys written as `<id>:<base64>` entries, one a line (or separated by commas, for
    /// an environment variable); `#` starts a comment. A bare base64 key is key 1.
    pub fn parse(text: &str) -> Result<Keyring, SealError> {
        let mut ring = Keyring::new();
        for entry in text.split(['\n', ',']).map(|l| l.split('#').next().unwrap_or("").trim()).filter(|l| !l.is_empty()) {
            let (id, b64) = match entry.split_once(':') {
                Some((id, b64)) => {
                    let id = id.trim().parse::<u32>().map_err(|_| SealError::BadKey(format!("key id {id:?} is not a number")))?;
                    (id, b64.trim())
                }
                None => (1, entry),
            };
            let bytes = B64.decode(b64).map_err(|_| SealError::BadKey(format!("key {id} is not base64")))?;
            let key: [u8; 32] = bytes.try_into().map_err(|_| SealError::BadKey(format!("key {id} is not 32 bytes")))?;
            if ring.keys.contains_key(&id) {
                return Err(SealError::BadKey(format!("key id {id} appears twice")));
            }
            ring.add(id, &key);
        }
        if ring.keys.is_empty() {
            return Err(SealError::NoKey);
        }
        Ok(ring)
    }

    pub fn is_empty(&self) -> bool {
        self.keys.is_empty()
    }

    /// The id new values are sealed with.
    pub fn current(&self) -> Option<u32> {
        self.keys.keys().next_back().copied()
    }

    pub fn ids(&self) -> Vec<u32> {
        self.keys.keys().copied().collect()
    }

    /// The check value of key `id` (see [`Key::check`]).
    pub fn check(&self, id: u32) -> Option<[u8; BLIND_LEN]> {
        self.keys.get(&id).map(|k| k.check)
    }

    /// Seals `plaintext` under the current key, bound to `aad` (where the value lives).
    pub fn seal(&self, plaintext: &[u8], aad: &[u8]) -> Result<Vec<u8>, SealError> {
        let id = self.current().ok_or(SealError::NoKey)?;
        self.seal_with(id, plaintext, aad)
    }

    fn seal_with(&self, id: u32, plaintext: &[u8], aad: &[u8]) -> Result<Vec<u8>, SealError> {
        let key = self.keys.get(&id).ok_or(SealError::UnknownKey(id))?;
        let mut nonce = [0u8; NONCE_LEN];
        rand::rng().fill_bytes(&mut nonce);
        let ct = key
            .cipher
            .encrypt(XNonce::from_slice(&nonce), Payload { msg: plaintext, aad })
            .map_err(|_| SealError::Tampered)?;
        let mut out = Vec::with_capacity(HEADER_LEN + ct.len());
        out.push(VERSION);
        out.extend_from_slice(&id.to_be_bytes());
        out.extend_from_slice(&nonce);
        out.extend_from_slice(&ct);
        Ok(out)
    }

    /// The key id a sealed value was sealed with, without opening it.
    pub fn key_of(sealed: &[u8]) -> Result<u32, SealError> {
        if sealed.len() < HEADER_LEN + 16 || sealed[0] != VERSION {
            return Err(SealError::Format);
        }
        let mut id = [0u8; 4];
        id.copy_from_slice(&sealed[1..5]);
        Ok(u32::from_be_bytes(id))
    }

    /// Opens a value sealed by [`Keyring::seal`] with the same `aad`.
    pub fn open(&self, sealed: &[u8], aad: &[u8]) -> Result<Vec<u8>, SealError> {
        let id = Keyring::key_of(sealed)?;
        let key = self.keys.get(&id).ok_or(SealError::UnknownKey(id))?;
        key.cipher
            .decrypt(XNonce::from_slice(&sealed[5..HEADER_LEN]), Payload { msg: &sealed[HEADER_LEN..], aad })
            .map_err(|_| SealError::Tampered)
    }

    /// Seals text; see [`Keyring::seal`].
    pub fn seal_str(&self, plaintext: &str, aad: &[u8]) -> Result<Vec<u8>, SealError> {
        self.seal(plaintext.as_bytes(), aad)
    }

    /// Opens text sealed by [`Keyring::seal_str`].
    pub fn open_str(&self, sealed: &[u8], aad: &[u8]) -> Result<String, SealError> {
        String::from_utf8(self.open(sealed, aad)?).map_err(|_| SealError::Format)
    }

    /// The blind index of `token` under key `id`: hex of the truncated HMAC.
    pub fn blind_with(&self, id: u32, token: &str) -> Result<String, SealError> {
        let key = self.keys.get(&id).ok_or(SealError::UnknownKey(id))?;
        let mut mac = key.blind.clone();
        mac.update(token.as_bytes());
        Ok(hex::encode(&mac.finalize().into_bytes()[..BLIND_LEN]))
    }

    /// The blind index of `token` under the current key (what is written).
    pub fn blind(&self, token: &str) -> Result<String, SealError> {
        self.blind_with(self.current().ok_or(SealError::NoKey)?, token)
    }

    /// The blind indexes of `token` under every key, current first: what a look-up searches
    /// for, so that records not yet re-indexed by a rotation in progress are still found.
    pub fn blind_all(&self, token: &str) -> Result<Vec<String>, SealError> {
        let mut out = Vec::with_capacity(self.keys.len());
        for id in self.keys.keys().rev() {
            out.push(self.blind_with(*id, token)?);
        }
        Ok(out)
    }
}

/// The associated data of a value stored in `table.column` of the row `id`.
pub fn aad(table: &str, column: &str, id: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(table.len() + column.len() + id.len() + 2);
    out.extend_from_slice(table.as_bytes());
    out.push(b'.');
    out.extend_from_slice(column.as_bytes());
    out.push(0);
    out.extend_from_slice(id);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn ring() -> Keyring {
        Keyring::with_key(1, &[7u8; 32])
    }

    #[test]
    fn round_trip_and_format() {
        let r = ring();
        let a = aad("people", "sealed", b"row-1");
        let s = r.seal(b"Amina Diallo", &a).unwrap();
        assert_eq!(s[0], VERSION);
        assert_eq!(Keyring::key_of(&s).unwrap(), 1);
        assert!(!s.windows(5).any(|w| w == b"Amina"), "plaintext visible in the sealed bytes");
        assert_eq!(r.open(&s, &a).unwrap(), b"Amina Diallo");
        // Fresh nonce each time: the same value seals differently.
        assert_ne!(r.seal(b"Amina Diallo", &a).unwrap(), s);
    }

    #[test]
    fn tampering_wrong_key_and_wrong_place_are_refused() {
        let r = ring();
        let a = aad("people", "sealed", b"row-1");
        let s = r.seal(b"Amina", &a).unwrap();
        for i in 0..s.len() {
            let mut t = s.clone();
            t[i] ^= 0x01;
            assert!(r.open(&t, &a).is_err(), "flipping byte {i} went unnoticed");
        }
        assert_eq!(r.open(&s[..s.len() - 1], &a), Err(SealError::Tampered));
        assert_eq!(r.open(&s[..10], &a), Err(SealError::Format));
        // Another row, another column: the value does not move.
        assert_eq!(r.open(&s, &aad("people", "sealed", b"row-2")), Err(SealError::Tampered));
        assert_eq!(r.open(&s, &aad("case_notes", "body", b"row-1")), Err(SealError::Tampered));
        // Same id, other key material.
        let other = Keyring::with_key(1, &[8u8; 32]);
        assert_eq!(other.open(&s, &a), Err(SealError::Tampered));
        // A key the ring does not hold.
        let two = Keyring::with_key(2, &[7u8; 32]);
        assert_eq!(two.open(&s, &a), Err(SealError::UnknownKey(1)));
        assert_eq!(Keyring::new().seal(b"x", &a), Err(SealError::NoKey));
    }

    #[test]
    fn rotation_keeps_old_values_readable_and_seals_with_the_newest() {
        let mut r = ring();
        let a = aad("t", "c", b"1");
        let old = r.seal(b"x", &a).unwrap();
        r.add(2, &[9u8; 32]);
        assert_eq!(r.current(), Some(2));
        assert_eq!(r.open(&old, &a).unwrap(), b"x");
        assert_eq!(Keyring::key_of(&r.seal(b"x", &a).unwrap()).unwrap(), 2);
        let all = r.blind_all("t:12345678").unwrap();
        assert_eq!(all, vec![r.blind_with(2, "t:12345678").unwrap(), ring().blind("t:12345678").unwrap()]);
    }

    #[test]
    fn blind_indexes_are_keyed_stable_and_short() {
        let r = ring();
        let b = r.blind("n:mmd").unwrap();
        assert_eq!(b.len(), BLIND_LEN * 2);
        assert_eq!(b, r.blind("n:mmd").unwrap());
        assert_ne!(b, r.blind("n:mmt").unwrap());
        assert_ne!(b, Keyring::with_key(1, &[8u8; 32]).blind("n:mmd").unwrap());
        // Not the plain SHA-256 of the token: useless without the key.
        assert!(!hex::encode(sha2::Sha256::digest(b"n:mmd")).starts_with(&b));
        assert_ne!(r.check(1), Keyring::with_key(1, &[8u8; 32]).check(1));
    }

    #[test]
    fn key_files_parse() {
        let k1 = key_line(1, &[1u8; 32]);
        let k3 = key_line(3, &[3u8; 32]);
        let r = Keyring::parse(&format!("# keys\n{k1}\n\n{k3}  # newest\n")).unwrap();
        assert_eq!(r.ids(), vec![1, 3]);
        assert_eq!(Keyring::parse(&format!("{k1},{k3}")).unwrap().current(), Some(3));
        let bare = B64.encode([5u8; 32]);
        assert_eq!(Keyring::parse(&bare).unwrap().ids(), vec![1]);
        assert!(matches!(Keyring::parse("1:c2hvcnQ="), Err(SealError::BadKey(_))));
        assert!(matches!(Keyring::parse("x:abc"), Err(SealError::BadKey(_))));
        assert!(matches!(Keyring::parse(&format!("{k1}\n{k1}")), Err(SealError::BadKey(_))));
        assert_eq!(Keyring::parse("# nothing\n").unwrap_err(), SealError::NoKey);
        assert!(!format!("{r:?}").contains(&B64.encode([1u8; 32])));
    }

    use sha2::Digest;

    proptest! {
        #[test]
        fn any_value_round_trips(value in proptest::collection::vec(any::<u8>(), 0..512), place in proptest::collection::vec(any::<u8>(), 0..64)) {
            let r = ring();
            let s = r.seal(&value, &place).unwrap();
            prop_assert_eq!(r.open(&s, &place).unwrap(), value);
        }

        #[test]
        fn garbage_never_panics(bytes in proptest::collection::vec(any::<u8>(), 0..128)) {
            let _ = ring().open(&bytes, b"x");
        }
    }
}
