//! What a training costs: fixed costs (trainer fees, room, design of materials) and costs per
//! participant (printed materials, catering, certificates), for one module or a whole
//! curriculum, for several numbers of participants side by side, and who pays what.
//!
//! Money is an integer number of minor units (cents) with an ISO 4217 currency; amounts in
//! different currencies are never added (an exchange rate is a decision, not arithmetic).
//! Rounding, the only place money is divided:
//! - the cost per participant is the total divided by the participants, rounded half-even
//!   (banker's rounding) to the minor unit — it is a figure to compare, never summed back;
//! - totals are sums of exact line amounts, and a total split between payers by shares is
//!   divided by the largest-remainder method, so the parts always add up to the total: no
//!   cent is lost or invented.

use serde::Serialize;
use std::collections::BTreeMap;
use std::fmt;

/// ISO 4217 currencies Passerelle's settings use, with their minor-unit exponent.
const CURRENCIES: &[(&str, u8)] = &[
    ("EUR", 2),
    ("USD", 2),
    ("XCD", 2),
    ("MAD", 2),
    ("GBP", 2),
    ("CHF", 2),
    ("CAD", 2),
    ("HTG", 2),
    ("DOP", 2),
    ("BBD", 2),
    ("TTD", 2),
    ("JMD", 2),
    ("BSD", 2),
    ("DZD", 2),
    ("EGP", 2),
    ("MRU", 2),
    ("MUR", 2),
    ("SCR", 2),
    ("TND", 3),
    ("LYD", 3),
    ("XOF", 0),
    ("XAF", 0),
    ("KMF", 0),
    ("JPY", 0),
];

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Currency {
    code: &'static str,
    exponent: u8,
}

impl Currency {
    /// A currency by its ISO 4217 code (letters in any case).
    pub fn parse(code: &str) -> Result<Currency, CostError> {
        let upper = code.trim().to_ascii_uppercase();
        CURRENCIES
            .iter()
            .find(|(c, _)| *c == upper)
            .map(|(code, exponent)| Currency {
                code,
                exponent: *exponent,
            })
            .ok_or_else(|| CostError::UnknownCurrency(code.to_string()))
    }

    pub fn code(self) -> &'static str {
        self.code
    }

    /// Digits after the decimal point: 2 for EUR, 0 for XOF, 3 for TND.
    pub fn exponent(self) -> u8 {
        self.exponent
    }
}

impl Serialize for Currency {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.code)
    }
}

/// An amount in minor units of a currency.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub struct Money {
    pub minor: i64,
    pub currency: Currency,
}

impl Money {
    pub fn new(minor: i64, currency: Currency) -> Money {
        Money { minor, currency }
    }

    pub fn zero(currency: Currency) -> Money {
        Money { minor: 0, currency }
    }

    pub fn checked_add(self, other: Money) -> Result<Money, CostError> {
        if self.currency != other.currency {
            return Err(CostError::CurrencyMismatch {
                expected: self.currency.code(),
                found: other.currency.code(),
            });
        }
        let minor = self
            .minor
            .checked_add(other.minor)
            .ok_or(CostError::Overflow)?;
        Ok(Money {
            minor,
            currency: self.currency,
        })
    }

    pub fn checked_mul(self, n: u32) -> Result<Money, CostError> {
        let minor = self
            .minor
            .checked_mul(i64::from(n))
            .ok_or(CostError::Overflow)?;
        Ok(Money {
            minor,
            currency: self.currency,
        })
    }

    /// The amount in major units as a plain decimal, `1234.50` (no grouping: for files and
    /// the formatter of [`crate::format`] to localise).
    pub fn decimal(&self) -> String {
        let e = u32::from(self.currency.exponent());
        let sign = if self.minor < 0 { "-" } else { "" };
        let abs = self.minor.unsigned_abs();
        if e == 0 {
            return format!("{sign}{abs}");
        }
        let p = 10u64.pow(e);
        format!("{sign}{}.{:0width$}", abs / p, abs % p, width = e as usize)
    }
}

impl fmt::Display for Money {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.decimal(), self.currency.code())
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, thiserror::Error)]
pub enum CostError {
    #[error("unknown currency {0:?} (ISO 4217 code expected, e.g. EUR, USD, XCD, MAD)")]
    UnknownCurrency(String),
    #[error("amounts in {found} cannot be added to amounts in {expected}")]
    CurrencyMismatch {
        expected: &'static str,
        found: &'static str,
    },
    #[error("a cost needs at least one participant")]
    ZeroParticipants,
    #[error("cost line {line:?} of module {module:?} is negative")]
    NegativeAmount { module: String, line: String },
    #[error("the amounts are too large")]
    Overflow,
    #[error("a curriculum needs at least one module with costs")]
    NoModules,
    #[error("module {0:?} has no cost lines")]
    NoCostLines(String),
    #[error("the shares add up to zero")]
    NoShares,
    #[error("{0} is listed twice among the shares")]
    DuplicatePayer(Payer),
    #[error("cost line {line:?} of module {module:?} has no payer")]
    NoPayer { module: String, line: String },
}

impl CostError {
    pub fn code(&self) -> &'static str {
        match self {
            CostError::UnknownCurrency(_) => "training-cost-unknown-currency",
            CostError::CurrencyMismatch { .. } => "training-cost-currency-mismatch",
            CostError::ZeroParticipants => "training-cost-zero-participants",
            CostError::NegativeAmount { .. } => "training-cost-negative-amount",
            CostError::Overflow => "training-cost-overflow",
            CostError::NoModules => "training-cost-no-modules",
            CostError::NoCostLines(_) => "training-cost-no-cost-lines",
            CostError::NoShares => "training-cost-no-shares",
            CostError::DuplicatePayer(_) => "training-cost-duplicate-payer",
            CostError::NoPayer { .. } => "training-cost-no-payer",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Payer {
    /// The participants' employer (the NGO or ministry unit that sends them).
    Employer,
    /// The ministry running or mandating the programme.
    Ministry,
    Donor,
}

impl fmt::Display for Payer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Payer::Employer => "employer",
            Payer::Ministry => "ministry",
            Payer::Donor => "donor",
        })
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum CostKind {
    /// Paid once for the module whoever comes: trainer fees, room, design of materials.
    Fixed,
    /// Paid for each participant: printed materials, catering, certificate.
    PerParticipant,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CostLine {
    pub id: String,
    pub kind: CostKind,
    /// The amount once (fixed) or for one participant.
    pub amount: Money,
    /// Who pays this line when costs are split by line.
    pub payer: Option<Payer>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ModuleBudget {
    pub module: String,
    pub lines: Vec<CostLine>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LineCost {
    pub module: String,
    pub line: String,
    pub kind: CostKind,
    pub payer: Option<Payer>,
    pub amount: Money,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ModuleCost {
    pub module: String,
    pub participants: u32,
    pub lines: Vec<LineCost>,
    pub fixed: Money,
    pub variable: Money,
    pub total: Money,
    /// `total / participants`, rounded half-even to the minor unit.
    pub per_participant: Money,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CurriculumCost {
    pub participants: u32,
    pub modules: Vec<ModuleCost>,
    pub total: Money,
    /// `total / participants`, rounded half-even (not the sum of the modules' rounded ones).
    pub per_participant: Money,
}

/// `a / b` rounded half to even, for `b > 0` (also used for the cost per trained person).
pub fn div_half_even(a: i64, b: i64) -> i64 {
    let q = a.div_euclid(b);
    let r = a.rem_euclid(b);
    // Compare 2r with b without overflow: r < b, so r <= b - r decides.
    match r.cmp(&(b - r)) {
        std::cmp::Ordering::Less => q,
        std::cmp::Ordering::Greater => q + 1,
        std::cmp::Ordering::Equal => q + (q & 1),
    }
}

/// The cost of one module for `participants`.
pub fn module_cost(budget: &ModuleBudget, participants: u32) -> Result<ModuleCost, CostError> {
    if participants == 0 {
        return Err(CostError::ZeroParticipants);
    }
    let currency = budget.lines.first().map(|l| l.amount.currency);
    // The currency comes from the lines: a module without any has no currency to say "0" in.
    let Some(currency) = currency else {
        return Err(CostError::NoCostLines(budget.module.clone()));
    };
    let mut fixed = Money::zero(currency);
    let mut variable = Money::zero(currency);
    let mut lines = Vec::new();
    for l in &budget.lines {
        if l.amount.minor < 0 {
            return Err(CostError::NegativeAmount {
                module: budget.module.clone(),
                line: l.id.clone(),
            });
        }
        let amount = match l.kind {
            CostKind::Fixed => {
                fixed = fixed.checked_add(l.amount)?;
                l.amount
            }
            CostKind::PerParticipant => {
                let a = l.amount.checked_mul(participants)?;
                variable = variable.checked_add(a)?;
                a
            }
        };
        lines.push(LineCost {
            module: budget.module.clone(),
            line: l.id.clone(),
            kind: l.kind,
            payer: l.payer,
            amount,
        });
    }
    let total = fixed.checked_add(variable)?;
    let per_participant = Money::new(
        div_half_even(total.minor, i64::from(participants)),
        currency,
    );
    Ok(ModuleCost {
        module: budget.module.clone(),
        participants,
        lines,
        fixed,
        variable,
        total,
        per_participant,
    })
}

/// The cost of a curriculum (every module) for `participants`.
pub fn curriculum_cost(
    modules: &[ModuleBudget],
    participants: u32,
) -> Result<CurriculumCost, CostError> {
    if participants == 0 {
        return Err(CostError::ZeroParticipants);
    }
    let mut out = Vec::new();
    let mut total: Option<Money> = None;
    for m in modules {
        if m.lines.is_empty() {
            continue;
        }
        let c = module_cost(m, participants)?;
        total = Some(match total {
            None => c.total,
            Some(t) => t.checked_add(c.total)?,
        });
        out.push(c);
    }
    let total = total.ok_or(CostError::NoModules)?;
    let per_participant = Money::new(
        div_half_even(total.minor, i64::from(participants)),
        total.currency,
    );
    Ok(CurriculumCost {
        participants,
        modules: out,
        total,
        per_participant,
    })
}

/// The same curriculum for several numbers of participants, side by side (10 vs 15).
pub fn scenarios(
    modules: &[ModuleBudget],
    participant_counts: &[u32],
) -> Result<Vec<CurriculumCost>, CostError> {
    participant_counts
        .iter()
        .map(|n| curriculum_cost(modules, *n))
        .collect()
}

/// How a cost is shared between payers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Funding {
    /// In proportion to whole-number weights (50/30/20, or 1/1/1).
    Shares(Vec<(Payer, u32)>),
    /// Each line paid by its own payer, or `default` for lines that name none.
    ByLine { default: Option<Payer> },
}

/// Who pays how much of `cost`; the parts add up to the total exactly. Payers in a stable
/// order (employer, ministry, donor), those paying nothing left out.
pub fn split(cost: &CurriculumCost, funding: &Funding) -> Result<Vec<(Payer, Money)>, CostError> {
    let currency = cost.total.currency;
    let mut out: BTreeMap<Payer, Money> = BTreeMap::new();
    match funding {
        Funding::ByLine { default } => {
            for l in cost.modules.iter().flat_map(|m| &m.lines) {
                let payer = l.payer.or(*default).ok_or_else(|| CostError::NoPayer {
                    module: l.module.clone(),
                    line: l.line.clone(),
                })?;
                let entry = out.entry(payer).or_insert(Money::zero(currency));
                *entry = entry.checked_add(l.amount)?;
            }
        }
        Funding::Shares(shares) => {
            let mut seen = std::collections::BTreeSet::new();
            for (p, _) in shares {
                if !seen.insert(*p) {
                    return Err(CostError::DuplicatePayer(*p));
                }
            }
            let weights: i128 = shares.iter().map(|(_, w)| i128::from(*w)).sum();
            if weights == 0 {
                return Err(CostError::NoShares);
            }
            let total = i128::from(cost.total.minor);
            // Largest remainder: everyone gets the floor of their exact share, then the cents
            // left go one by one to the largest remainders (ties: in the order listed).
            let mut parts: Vec<(Payer, i128, i128, usize)> = shares
                .iter()
                .enumerate()
                .map(|(i, (p, w))| {
                    let exact = total * i128::from(*w);
                    (*p, exact.div_euclid(weights), exact.rem_euclid(weights), i)
                })
                .collect();
            let given: i128 = parts.iter().map(|p| p.1).sum();
            let mut left = total - given;
            let mut order: Vec<usize> = (0..parts.len()).collect();
            order.sort_by(|a, b| {
                parts[*b]
                    .2
                    .cmp(&parts[*a].2)
                    .then(parts[*a].3.cmp(&parts[*b].3))
            });
            for i in order.into_iter().cycle() {
                if left <= 0 {
                    break;
                }
                parts[i].1 += 1;
                left -= 1;
            }
            for (p, amount, _, _) in parts {
                let minor = i64::try_from(amount).map_err(|_| CostError::Overflow)?;
                if minor != 0 {
                    out.insert(p, Money::new(minor, currency));
                }
            }
        }
    }
    Ok(out.into_iter().filter(|(_, m)| m.minor != 0).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn eur(minor: i64) -> Money {
        Money::new(minor, Currency::parse("EUR").unwrap())
    }

    fn line(id: &str, kind: CostKind, amount: Money, payer: Option<Payer>) -> CostLine {
        CostLine {
            id: id.into(),
            kind,
            amount,
            payer,
        }
    }

    /// A one-day module: trainer 400.00, room 150.00, design 90.00; per participant
    /// materials 12.50, catering 18.00, certificate 2.00.
    fn module(name: &str) -> ModuleBudget {
        ModuleBudget {
            module: name.into(),
            lines: vec![
                line("trainer", CostKind::Fixed, eur(40_000), Some(Payer::Donor)),
                line("room", CostKind::Fixed, eur(15_000), Some(Payer::Ministry)),
                line("design", CostKind::Fixed, eur(9_000), Some(Payer::Donor)),
                line(
                    "materials",
                    CostKind::PerParticipant,
                    eur(1_250),
                    Some(Payer::Donor),
                ),
                line(
                    "catering",
                    CostKind::PerParticipant,
                    eur(1_800),
                    Some(Payer::Employer),
                ),
                line("certificate", CostKind::PerParticipant, eur(200), None),
            ],
        }
    }

    #[test]
    fn a_module_for_ten_and_fifteen() {
        let c10 = module_cost(&module("m1"), 10).unwrap();
        assert_eq!(c10.fixed, eur(64_000));
        assert_eq!(c10.variable, eur(32_500));
        assert_eq!(c10.total, eur(96_500));
        assert_eq!(c10.per_participant, eur(9_650));
        let c15 = module_cost(&module("m1"), 15).unwrap();
        assert_eq!(c15.total, eur(64_000 + 15 * 3_250));
        // 112750 / 15 = 7516.67 -> 7517 cents.
        assert_eq!(c15.per_participant, eur(7_517));
        assert!(c15.per_participant.minor < c10.per_participant.minor);
        assert_eq!(
            c15.lines.iter().map(|l| l.amount.minor).sum::<i64>(),
            c15.total.minor
        );
    }

    #[test]
    fn seventeen_modules_between_ten_and_fifteen_participants() {
        let modules: Vec<ModuleBudget> = (1..=17).map(|i| module(&format!("m{i}"))).collect();
        let s = scenarios(&modules, &[10, 15]).unwrap();
        assert_eq!(s.len(), 2);
        assert_eq!(s[0].modules.len(), 17);
        assert_eq!(s[0].total, eur(17 * 96_500));
        assert_eq!(s[1].total, eur(17 * 112_750));
        // 1916750 / 15 = 127783.33 -> 127783.
        assert_eq!(s[1].per_participant, eur(127_783));
        assert_eq!(s[0].per_participant, eur(164_050));
        assert_eq!(s[0].per_participant.to_string(), "1640.50 EUR");
        // The curriculum's per-participant cost is not the sum of rounded module figures.
        let summed: i64 = s[1].modules.iter().map(|m| m.per_participant.minor).sum();
        assert_eq!(summed, 17 * 7_517);
        assert_ne!(summed, s[1].per_participant.minor);
    }

    #[test]
    fn half_even_rounding() {
        assert_eq!(div_half_even(25, 10), 2);
        assert_eq!(div_half_even(35, 10), 4);
        assert_eq!(div_half_even(26, 10), 3);
        assert_eq!(div_half_even(24, 10), 2);
        assert_eq!(div_half_even(1, 2), 0);
        assert_eq!(div_half_even(3, 2), 2);
        assert_eq!(div_half_even(-25, 10), -2);
        assert_eq!(div_half_even(i64::MAX, 1), i64::MAX);
        // 100.05 EUR for 2 participants: 50.025 -> 50.02 (to even), not 50.03.
        let m = ModuleBudget {
            module: "x".into(),
            lines: vec![line("a", CostKind::Fixed, eur(10_005), None)],
        };
        assert_eq!(module_cost(&m, 2).unwrap().per_participant, eur(5_002));
        let m = ModuleBudget {
            module: "x".into(),
            lines: vec![line("a", CostKind::Fixed, eur(10_015), None)],
        };
        assert_eq!(module_cost(&m, 2).unwrap().per_participant, eur(5_008));
    }

    #[test]
    fn currencies() {
        let xcd = Currency::parse("xcd").unwrap();
        assert_eq!((xcd.code(), xcd.exponent()), ("XCD", 2));
        assert_eq!(
            Money::new(123_456, Currency::parse("MAD").unwrap()).to_string(),
            "1234.56 MAD"
        );
        assert_eq!(
            Money::new(1_500, Currency::parse("XOF").unwrap()).to_string(),
            "1500 XOF"
        );
        assert_eq!(
            Money::new(-1_005, Currency::parse("TND").unwrap()).decimal(),
            "-1.005"
        );
        assert_eq!(
            Money::new(5, Currency::parse("USD").unwrap()).decimal(),
            "0.05"
        );
        assert_eq!(
            Currency::parse("EURO").unwrap_err().code(),
            "training-cost-unknown-currency"
        );
        // Mixing currencies is refused, in a module and across a curriculum.
        let usd = Money::new(100, Currency::parse("USD").unwrap());
        let mut m = module("m1");
        m.lines.push(line("bus", CostKind::Fixed, usd, None));
        assert_eq!(
            module_cost(&m, 10).unwrap_err(),
            CostError::CurrencyMismatch {
                expected: "EUR",
                found: "USD"
            }
        );
        let other = ModuleBudget {
            module: "m2".into(),
            lines: vec![line("bus", CostKind::Fixed, usd, None)],
        };
        assert_eq!(
            curriculum_cost(&[module("m1"), other], 10)
                .unwrap_err()
                .code(),
            "training-cost-currency-mismatch"
        );
    }

    #[test]
    fn zero_participants_and_other_refusals() {
        assert_eq!(
            module_cost(&module("m1"), 0).unwrap_err(),
            CostError::ZeroParticipants
        );
        assert_eq!(
            curriculum_cost(&[module("m1")], 0).unwrap_err(),
            CostError::ZeroParticipants
        );
        assert_eq!(
            scenarios(&[module("m1")], &[10, 0]).unwrap_err(),
            CostError::ZeroParticipants
        );
        assert_eq!(curriculum_cost(&[], 10).unwrap_err(), CostError::NoModules);
        let empty = ModuleBudget { module: "e".into(), lines: vec![] };
        assert_eq!(module_cost(&empty, 10).unwrap_err().code(), "training-cost-no-cost-lines");
        // A curriculum skips a module without costs (a free e-learning module).
        let c = curriculum_cost(&[module("m1"), empty], 10).unwrap();
        assert_eq!(c.modules.len(), 1);
        let mut m = module("m1");
        m.lines[0].amount = eur(-1);
        assert_eq!(
            module_cost(&m, 10).unwrap_err().code(),
            "training-cost-negative-amount"
        );
        let huge = ModuleBudget {
            module: "x".into(),
            lines: vec![line("a", CostKind::PerParticipant, eur(i64::MAX / 2), None)],
        };
        assert_eq!(module_cost(&huge, 3).unwrap_err(), CostError::Overflow);
    }

    #[test]
    fn split_by_line() {
        let c = curriculum_cost(&[module("m1")], 10).unwrap();
        let e = split(&c, &Funding::ByLine { default: None }).unwrap_err();
        assert_eq!(
            e,
            CostError::NoPayer {
                module: "m1".into(),
                line: "certificate".into()
            }
        );
        let s = split(
            &c,
            &Funding::ByLine {
                default: Some(Payer::Employer),
            },
        )
        .unwrap();
        assert_eq!(
            s,
            vec![
                (Payer::Employer, eur(18_000 + 2_000)),
                (Payer::Ministry, eur(15_000)),
                (Payer::Donor, eur(40_000 + 9_000 + 12_500)),
            ]
        );
        assert_eq!(s.iter().map(|p| p.1.minor).sum::<i64>(), c.total.minor);
    }

    #[test]
    fn split_by_share_never_loses_a_cent() {
        let m = ModuleBudget {
            module: "x".into(),
            lines: vec![line("a", CostKind::Fixed, eur(10_000), None)],
        };
        let c = curriculum_cost(&[m], 3).unwrap();
        // 100.00 in thirds: 33.34 + 33.33 + 33.33.
        let s = split(
            &c,
            &Funding::Shares(vec![
                (Payer::Employer, 1),
                (Payer::Ministry, 1),
                (Payer::Donor, 1),
            ]),
        )
        .unwrap();
        assert_eq!(
            s,
            vec![
                (Payer::Employer, eur(3_334)),
                (Payer::Ministry, eur(3_333)),
                (Payer::Donor, eur(3_333))
            ]
        );
        // 50/30/20 of the 17-module curriculum for 15.
        let modules: Vec<ModuleBudget> = (1..=17).map(|i| module(&format!("m{i}"))).collect();
        let c = curriculum_cost(&modules, 15).unwrap();
        let s = split(
            &c,
            &Funding::Shares(vec![
                (Payer::Donor, 50),
                (Payer::Ministry, 30),
                (Payer::Employer, 20),
            ]),
        )
        .unwrap();
        assert_eq!(s.iter().map(|p| p.1.minor).sum::<i64>(), c.total.minor);
        assert_eq!(s[2], (Payer::Donor, eur(958_375)));
        // Odd totals and many payers: always exact.
        for total in [1, 2, 7, 99, 1_000_001] {
            let m = ModuleBudget {
                module: "x".into(),
                lines: vec![line("a", CostKind::Fixed, eur(total), None)],
            };
            let c = curriculum_cost(&[m], 7).unwrap();
            let s = split(
                &c,
                &Funding::Shares(vec![
                    (Payer::Employer, 3),
                    (Payer::Ministry, 3),
                    (Payer::Donor, 1),
                ]),
            )
            .unwrap();
            assert_eq!(s.iter().map(|p| p.1.minor).sum::<i64>(), total, "{total}");
        }
        assert_eq!(
            split(&c, &Funding::Shares(vec![(Payer::Donor, 0)])).unwrap_err(),
            CostError::NoShares
        );
        assert_eq!(
            split(
                &c,
                &Funding::Shares(vec![(Payer::Donor, 1), (Payer::Donor, 2)])
            )
            .unwrap_err()
            .code(),
            "training-cost-duplicate-payer"
        );
    }
}
