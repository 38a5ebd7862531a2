//! Certificate verification codes: printed on a certificate, typed by an employer on the
//! public verification page.
//!
//! A code is 10 characters of Crockford's base32 alphabet less `Z` (digits and capitals
//! without I, L, O, U, so it survives handwriting and a phone's keyboard), shown as
//! `XXXXX-XXXXX`: 9 characters (about 44.6 bits) taken from HMAC-SHA256 of the certificate id
//! under the instance's secret key, then one check character so that a mistyped code is caught
//! on the page before any lookup.
//!
//! Why 31 symbols rather than 32: with a prime number of symbols, a weighted sum modulo that
//! prime (weights 1 to 9) catches every single wrong character and every swap of two
//! neighbouring data characters; with 32 one value pair would slip through.
//!
//! Forging a code for a certificate id needs the key; guessing one that matches some
//! certificate means hitting one of N codes among 31^9 (2.6 × 10^13). Whether a matching
//! certificate was revoked is the caller's to check (the store keeps revocations).

use hmac::{Hmac, Mac};
use serde::Serialize;
use sha2::Sha256;

const ALPHABET: &[u8; 31] = b"0123456789ABCDEFGHJKMNPQRSTVWXY";
const DATA_LEN: usize = 9;
pub const CODE_LEN: usize = DATA_LEN + 1;
/// The number of symbols, a prime (see the module's doc).
const BASE: u64 = 31;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, thiserror::Error)]
pub enum CertificateError {
    #[error("the signing key is empty")]
    EmptyKey,
    #[error("a verification code has {CODE_LEN} characters, this one has {0}")]
    WrongLength(usize),
    #[error("{character:?} at position {position} is not a code character")]
    BadCharacter { character: char, position: usize },
    #[error("this code has a typing mistake")]
    BadCheck,
    #[error("this code does not belong to this certificate")]
    Mismatch,
}

impl CertificateError {
    pub fn code(&self) -> &'static str {
        match self {
            CertificateError::EmptyKey => "certificate-empty-key",
            CertificateError::WrongLength(_) => "certificate-wrong-length",
            CertificateError::BadCharacter { .. } => "certificate-bad-character",
            CertificateError::BadCheck => "certificate-bad-check",
            CertificateError::Mismatch => "certificate-mismatch",
        }
    }
}

fn check_value(values: &[u8]) -> u8 {
    let sum: u32 = values
        .iter()
        .enumerate()
        .map(|(i, v)| (i as u32 + 1) * u32::from(*v))
        .sum();
    (sum % BASE as u32) as u8
}

fn data_values(key: &[u8], certificate_id: &str) -> Result<[u8; DATA_LEN], CertificateError> {
    if key.is_empty() {
        return Err(CertificateError::EmptyKey);
    }
    let mut mac = Hmac::<Sha256>::new_from_slice(key).map_err(|_| CertificateError::EmptyKey)?;
    mac.update(b"passerelle-certificate-v1:");
    mac.update(certificate_id.as_bytes());
    let digest = mac.finalize().into_bytes();
    // Nine base-31 digits of the first 64 bits (31^9 < 2^45, so the bias of the last digit
    // is below 2^-19).
    let mut n: u64 = 0;
    for b in digest.iter().take(8) {
        n = (n << 8) | u64::from(*b);
    }
    let mut out = [0u8; DATA_LEN];
    for v in out.iter_mut() {
        *v = (n % BASE) as u8;
        n /= BASE;
    }
    Ok(out)
}

fn render(values: &[u8]) -> String {
    let mut s = String::with_capacity(CODE_LEN + 1);
    for (i, v) in values.iter().enumerate() {
        if i == 5 {
            s.push('-');
        }
        s.push(char::from(ALPHABET[usize::from(*v) % ALPHABET.len()]));
    }
    s
}

/// The verification code of a certificate, as printed: `XXXXX-XXXXX`.
pub fn certificate_code(key: &[u8], certificate_id: &str) -> Result<String, CertificateError> {
    let data = data_values(key, certificate_id)?;
    let mut all = data.to_vec();
    all.push(check_value(&data));
    Ok(render(&all))
}

/// Reads a code as typed: any case, with or without the hyphen and spaces, `I`/`L` read as 1
/// and `O` as 0. Returns it in printed form if well formed and its check character matches;
/// this needs no key, so the page can say "typing mistake" at once.
pub fn normalise_code(typed: &str) -> Result<String, CertificateError> {
    let mut values = Vec::with_capacity(CODE_LEN);
    let mut position = 0;
    for c in typed.chars() {
        if c == '-' || c.is_whitespace() {
            continue;
        }
        position += 1;
        let up = match c.to_ascii_uppercase() {
            'I' | 'L' => '1',
            'O' => '0',
            other => other,
        };
        match ALPHABET.iter().position(|a| char::from(*a) == up) {
            Some(v) => values.push(v as u8),
            None => {
                return Err(CertificateError::BadCharacter {
                    character: c,
                    position,
                });
            }
        }
    }
    if values.len() != CODE_LEN {
        return Err(CertificateError::WrongLength(values.len()));
    }
    let (data, check) = values.split_at(DATA_LEN);
    if check[0] != check_value(data) {
        return Err(CertificateError::BadCheck);
    }
    Ok(render(&values))
}

/// Whether `typed` is the code of `certificate_id` under `key`. Revocation is the caller's
/// to check once the code matches.
pub fn verify_code(key: &[u8], certificate_id: &str, typed: &str) -> Result<(), CertificateError> {
    let given = normalise_code(typed)?;
    let expected = certificate_code(key, certificate_id)?;
    // Compare in constant time: the page must not leak how many characters matched.
    let diff = given
        .bytes()
        .zip(expected.bytes())
        .fold(0u8, |acc, (a, b)| acc | (a ^ b));
    if diff == 0 && given.len() == expected.len() {
        Ok(())
    } else {
        Err(CertificateError::Mismatch)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const KEY: &[u8] = b"instance secret key, 32 bytes ok";

    #[test]
    fn codes_are_stable_formatted_and_verify() {
        let c = certificate_code(KEY, "cert-2025-0001").unwrap();
        assert_eq!(c.len(), CODE_LEN + 1);
        assert_eq!(c.as_bytes()[5], b'-');
        assert!(
            c.chars()
                .filter(|c| *c != '-')
                .all(|c| ALPHABET.contains(&(c as u8)))
        );
        assert_eq!(certificate_code(KEY, "cert-2025-0001").unwrap(), c);
        assert_ne!(certificate_code(KEY, "cert-2025-0002").unwrap(), c);
        assert_eq!(verify_code(KEY, "cert-2025-0001", &c), Ok(()));
        // As typed by someone: lowercase, no hyphen, spaces.
        let typed = c.replace('-', " ").to_lowercase();
        assert_eq!(verify_code(KEY, "cert-2025-0001", &typed), Ok(()));
        assert_eq!(normalise_code(&typed).unwrap(), c);
    }

    #[test]
    fn forged_and_mistyped_codes_are_refused() {
        let c = certificate_code(KEY, "cert-1").unwrap();
        // Another key (a forger's) gives another code.
        let forged = certificate_code(b"guessed key", "cert-1").unwrap();
        assert_ne!(forged, c);
        assert_eq!(
            verify_code(KEY, "cert-1", &forged),
            Err(CertificateError::Mismatch)
        );
        // A valid code of another certificate does not verify this one.
        let other = certificate_code(KEY, "cert-2").unwrap();
        assert_eq!(
            verify_code(KEY, "cert-1", &other),
            Err(CertificateError::Mismatch)
        );
        // Any single changed character is caught by the check character alone.
        let chars: Vec<char> = c.chars().collect();
        for i in (0..chars.len()).filter(|i| *i != 5) {
            for a in ALPHABET.iter().map(|a| char::from(*a)) {
                if a == chars[i] {
                    continue;
                }
                let mut t = chars.clone();
                t[i] = a;
                let t: String = t.into_iter().collect();
                assert!(normalise_code(&t).is_err(), "{t}");
            }
        }
        assert_eq!(
            normalise_code("ABCD").unwrap_err(),
            CertificateError::WrongLength(4)
        );
        assert_eq!(
            normalise_code("ABCDE-FGHJU").unwrap_err(),
            CertificateError::BadCharacter {
                character: 'U',
                position: 10
            }
        );
        assert_eq!(
            normalise_code("ABCDE-FGHJZ").unwrap_err(),
            CertificateError::BadCharacter {
                character: 'Z',
                position: 10
            }
        );
        assert_eq!(
            certificate_code(b"", "x").unwrap_err().code(),
            "certificate-empty-key"
        );
    }

    #[test]
    fn neighbour_swaps_are_caught() {
        let mut caught = 0;
        let mut swaps = 0;
        for id in 0..50 {
            let c: Vec<char> = certificate_code(KEY, &format!("c{id}"))
                .unwrap()
                .replace('-', "")
                .chars()
                .collect();
            for i in 0..CODE_LEN - 1 {
                if c[i] == c[i + 1] {
                    continue;
                }
                let mut t = c.clone();
                t.swap(i, i + 1);
                swaps += 1;
                let pair = (c[i], c[i + 1]);
                if normalise_code(&t.iter().collect::<String>()).is_err() {
                    caught += 1;
                } else {
                    // Only a swap with the check character itself may agree by chance.
                    assert_eq!(i, DATA_LEN - 1, "{pair:?} at {i}");
                }
            }
        }
        assert!(caught * 10 >= swaps * 9, "{caught} of {swaps}");
    }

    #[test]
    fn known_answer() {
        // Fixed so that a change of algorithm (which would invalidate printed certificates)
        // fails here first.
        let c = certificate_code(b"k", "1").unwrap();
        assert_eq!(normalise_code(&c).unwrap(), c);
        assert_eq!(c, KNOWN);
    }

    const KNOWN: &str = "RAHQN-WX2P9";
}
