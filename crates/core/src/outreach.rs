//! Community outreach, the pure part: the codes an activity is recorded with, and the rule that
//! every breakdown of the people reached adds up to the total.
//!
//! People reached are counted, never registered: an agent who spoke to 40 people at a market
//! records 40, then splits them by sex and age band, nationality group, migration status and
//! disability as far as they know. Each breakdown given must account for everyone, otherwise
//! the figures built from it would not agree with each other.

use crate::indicators::schema;

/// Kinds of activity (`outreach-kind-<code>`): the indicator engine's codes, so that every
/// activity recorded counts in the outreach indicators.
pub const KINDS: &[&str] = crate::indicators::schema::OUTREACH_KINDS;
/// Where an activity took place (`outreach-setting-<code>`): in the community, in an agency
/// (an information session with its counsellors), or at a distance (phone, radio).
pub const SETTINGS: &[&str] = &["community", "agency", "remote"];
/// The breakdowns of people reached (`outreach-breakdown-<code>`). `sex_age` is a table of sex
/// by age band; the others are one column each.
pub const BREAKDOWNS: &[&str] = &["sex_age", "nationality_group", "migration_status", "disability"];
/// The breakdowns every activity must give unless configured otherwise: sex and age are what
/// every donor and ministry asks for.
pub const DEFAULT_REQUIRED: &[&str] = &["sex_age"];
pub const SEXES: &[&str] = schema::SEX;
pub const AGE_BANDS: &[&str] = schema::AGE_BANDS;
pub const MIGRATION_STATUSES: &[&str] = schema::MIGRATION_STATUS;
pub const DISABILITY: &[&str] = schema::DISABILITY;

/// The codes a one-column breakdown may hold; `None` for free text (nationality groups) and
/// for `sex_age`, whose cells are checked on both axes.
pub fn codes_of(breakdown: &str) -> Option<&'static [&'static str]> {
    match breakdown {
        "migration_status" => Some(MIGRATION_STATUSES),
        "disability" => Some(DISABILITY),
        _ => None,
    }
}

/// One count of people reached: `value` is a sex for `sex_age` (with its `age_band`), else the
/// breakdown's code or, for nationality groups, the group's name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReachCell {
    pub breakdown: String,
    pub value: String,
    pub age_band: String,
    pub people: u32,
}

/// A breakdown that does not add up to the total: by how much it falls short or goes over.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Mismatch {
    pub breakdown: &'static str,
    pub sum: u64,
    pub total: u64,
}

impl Mismatch {
    /// People missing from the breakdown (positive) or counted too many times (negative).
    pub fn missing(&self) -> i64 {
        self.total as i64 - self.sum as i64
    }
}

/// The breakdowns that do not add up to `total`. A breakdown is checked when it is `required`
/// or when any of its cells counts someone; an empty optional breakdown is simply not given.
pub fn check_reach(total: u32, cells: &[ReachCell], required: &[&str]) -> Vec<Mismatch> {
    BREAKDOWNS
        .iter()
        .filter_map(|b| {
            let mine = cells.iter().filter(|c| c.breakdown == *b);
            let sum: u64 = mine.clone().map(|c| u64::from(c.people)).sum();
            let given = sum > 0 || required.contains(b);
            (given && sum != u64::from(total)).then_some(Mismatch { breakdown: b, sum, total: u64::from(total) })
        })
        .collect()
}

/// Parses nationality groups typed one per line as `group: count` (`Haïtienne : 12`). Returns
/// the groups, or the 1-based number of the first line that is not of that shape.
pub fn parse_groups(text: &str) -> Result<Vec<(String, u32)>, usize> {
    let mut out: Vec<(String, u32)> = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() {
            continue;
        }
        let (name, n) = line.rsplit_once([':', '=']).ok_or(i + 1)?;
        let name = name.trim();
        let n: u32 = n.trim().parse().map_err(|_| i + 1)?;
        if name.is_empty() || name.chars().count() > 80 || name.chars().any(char::is_control) {
            return Err(i + 1);
        }
        // The same group twice is added up, as a person tallying on paper would.
        match out.iter_mut().find(|(g, _)| g.eq_ignore_ascii_case(name)) {
            Some((_, m)) => *m = m.saturating_add(n),
            None => out.push((name.to_string(), n)),
        }
    }
    Ok(out)
}

/// Writes groups back as the lines [`parse_groups`] reads.
pub fn format_groups(groups: &[(String, u32)]) -> String {
    groups.iter().map(|(g, n)| format!("{g}: {n}")).collect::<Vec<_>>().join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cell(b: &str, v: &str, band: &str, n: u32) -> ReachCell {
        ReachCell { breakdown: b.into(), value: v.into(), age_band: band.into(), people: n }
    }

    #[test]
    fn every_given_breakdown_adds_up() {
        let cells = vec![
            cell("sex_age", "female", "18_24", 10),
            cell("sex_age", "male", "25_59", 5),
            cell("migration_status", "refugee", "", 12),
            cell("disability", "yes", "", 0),
        ];
        let m = check_reach(15, &cells, DEFAULT_REQUIRED);
        assert_eq!(m, vec![Mismatch { breakdown: "migration_status", sum: 12, total: 15 }]);
        assert_eq!(m[0].missing(), 3);
    }

    #[test]
    fn a_required_breakdown_left_empty_is_short_by_everyone() {
        let m = check_reach(7, &[], DEFAULT_REQUIRED);
        assert_eq!(m, vec![Mismatch { breakdown: "sex_age", sum: 0, total: 7 }]);
        assert!(check_reach(7, &[], &[]).is_empty(), "nothing required, nothing given");
        assert!(check_reach(0, &[], DEFAULT_REQUIRED).is_empty(), "nobody reached, nothing to split");
    }

    #[test]
    fn over_counting_is_negative_missing() {
        let m = check_reach(3, &[cell("sex_age", "female", "0_4", 5)], DEFAULT_REQUIRED);
        assert_eq!(m[0].missing(), -2);
    }

    #[test]
    fn groups_parse_and_refuse_bad_lines() {
        assert_eq!(parse_groups("Haïtienne : 12\n\nlocal=3\nhaïtienne: 1"), Ok(vec![("Haïtienne".into(), 13), ("local".into(), 3)]));
        assert_eq!(parse_groups("ok: 1\nno number"), Err(2));
        assert_eq!(parse_groups(": 4"), Err(1));
        assert_eq!(parse_groups("a: -1"), Err(1));
        assert_eq!(format_groups(&[("a".into(), 1), ("b".into(), 2)]), "a: 1\nb: 2");
    }
}
