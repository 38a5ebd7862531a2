//! Time-based one-time passwords (RFC 6238: SHA-1, 6 digits, 30-second steps), the second
//! factor every authenticator app understands.

use chrono::{DateTime, Utc};
use totp_rs::{Algorithm, Secret, TOTP};

const DIGITS: usize = 6;
const STEP_SECONDS: u64 = 30;
/// Codes from one step before or after are accepted: phones' clocks drift.
const SKEW_STEPS: i64 = 1;

/// A new random secret, base32 (what the person types into an app if they cannot scan).
pub fn new_secret() -> String {
    Secret::generate_secret().to_encoded().to_string()
}

fn totp(secret_b32: &str, account: &str) -> Option<TOTP> {
    let bytes = Secret::Encoded(secret_b32.to_string()).to_bytes().ok()?;
    TOTP::new(Algorithm::SHA1, DIGITS, 0, STEP_SECONDS, bytes, Some("Passerelle".into()), account.to_string()).ok()
}

/// The time step whose code is `code`, within the allowed skew, or `None`.
pub fn matching_step(secret_b32: &str, code: &str, at: DateTime<Utc>) -> Option<i64> {
    let code: String = code.chars().filter(|c| !c.is_whitespace()).collect();
    if code.len() != DIGITS || !code.chars().all(|c| c.is_ascii_digit()) {
        return None;
    }
    let t = totp(secret_b32, "check")?;
    let now_step = at.timestamp() / STEP_SECONDS as i64;
    (-SKEW_STEPS..=SKEW_STEPS)
        .map(|d| now_step + d)
        .filter(|s| *s >= 0)
        .find(|s| {
            let expected = t.generate(*s as u64 * STEP_SECONDS);
            passerelle_store::secrets::constant_time_eq(&expected, &code)
        })
}

/// The code for a time (tests and the enrolment check).
pub fn code_at(secret_b32: &str, at: DateTime<Utc>) -> Option<String> {
    totp(secret_b32, "check").map(|t| t.generate(at.timestamp() as u64))
}

/// The `otpauth://` URI an authenticator app scans.
pub fn provisioning_uri(secret_b32: &str, account: &str) -> Option<String> {
    totp(secret_b32, account).map(|t| t.get_url())
}

/// The URI as an inline SVG QR code (no image request, no script).
pub fn qr_svg(uri: &str) -> Option<String> {
    let code = qrcode::QrCode::new(uri.as_bytes()).ok()?;
    Some(
        code.render::<qrcode::render::svg::Color>()
            .min_dimensions(180, 180)
            .quiet_zone(true)
            .build(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn rfc6238_vector() {
        // RFC 6238 appendix B, SHA-1 secret "12345678901234567890", T = 59 s -> 94287082 (8 digits);
        // its last 6 digits are the 6-digit code.
        let secret = Secret::Raw(b"12345678901234567890".to_vec()).to_encoded().to_string();
        let at = Utc.timestamp_opt(59, 0).unwrap();
        assert_eq!(code_at(&secret, at).unwrap(), "287082");
        assert_eq!(matching_step(&secret, "287 082", at), Some(1));
    }

    #[test]
    fn skew_and_rejection() {
        let secret = new_secret();
        let at = Utc.timestamp_opt(1_800_000_000, 0).unwrap();
        let code = code_at(&secret, at - chrono::Duration::seconds(30)).unwrap();
        assert!(matching_step(&secret, &code, at).is_some());
        let old = code_at(&secret, at - chrono::Duration::seconds(120)).unwrap();
        assert_ne!(old, code_at(&secret, at).unwrap());
        assert_eq!(matching_step(&secret, "abcdef", at), None);
        assert_eq!(matching_step(&secret, "12345", at), None);
    }
}
