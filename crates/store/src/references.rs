//! The references people read out and write down for cases and referrals (`CHILDP-7K3M9QX2`,
//! `REF-…`): short, unambiguous over the phone, and unique.

use crate::db::Tx;
use crate::error::StoreResult;
use rand::Rng;

/// Crockford's base 32 (no I, L, O or U): read out over the phone without mistaking 0 for O or
/// 1 for I or L.
const ALPHABET: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";

/// Random characters after the prefix: 40 bits.
const LENGTH: usize = 8;

/// The tables whose rows carry a unique `reference`.
#[derive(Debug, Clone, Copy)]
pub enum Numbered {
    Cases,
    Referrals,
}

impl Numbered {
    fn taken_sql(self) -> &'static str {
        match self {
            Numbered::Cases => "SELECT 1 FROM cases WHERE reference = $1",
            Numbered::Referrals => "SELECT 1 FROM referrals WHERE reference = $1",
        }
    }
}

/// `{prefix}-` and 8 random characters, drawn again in the rare event a row of `table` has it.
/// References used to be the end of the row's id (32 bits): a national register of a few
/// tens of thousands of cases under one SOP met one already given, and the case (or referral)
/// could not be made. The unique index stays the guard against two writers drawing the same.
pub async fn fresh(tx: &mut Tx, table: Numbered, prefix: &str) -> StoreResult<String> {
    loop {
        let reference = format!("{prefix}-{}", code());
        let taken: Option<(i64,)> = on_tx!(tx, c => sqlx::query_as(table.taken_sql()).bind(&reference).fetch_optional(c).await)?;
        if taken.is_none() {
            return Ok(reference);
        }
    }
}

fn code() -> String {
    let mut rng = rand::rng();
    (0..LENGTH).map(|_| char::from(ALPHABET[rng.random_range(0..ALPHABET.len())])).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_eight_unambiguous_characters_and_vary() {
        let codes: std::collections::BTreeSet<String> = (0..1000).map(|_| code()).collect();
        assert_eq!(codes.len(), 1000, "40 random bits do not repeat in a thousand draws");
        for c in &codes {
            assert_eq!(c.len(), LENGTH);
            assert!(c.bytes().all(|b| ALPHABET.contains(&b)), "{c}");
            assert!(!c.contains(['I', 'L', 'O', 'U']), "{c}");
        }
    }
}
