//! HXL (Humanitarian Exchange Language) hashtags for aggregate exports, so partners' tools
//! (HDX, HXL Proxy, their own spreadsheets) read our columns without a data dictionary.
//!
//! Long form — one row per group — tags each column: places and organisations use core
//! hashtags (`#adm1 +code`, `#org +code`), the indicator and its value `#indicator` with
//! `+code`, `+name`, `+value +num`, the period `#date +start` / `#date +end`. HXL's core
//! dictionary has no hashtag for a person's sex, age band, migration status, disability or
//! nationality group as a column of its own (it expresses them as attributes of counts), so
//! those columns use extension hashtags, which HXL reserves the `x_` prefix for: `#x_sex`,
//! `#x_age`, and so on.
//!
//! Wide form — one column per category — puts the categories in attributes instead, with
//! HXL's sex-and-age (SADD) attributes: `#reached +f +children +age5_11`. See
//! [`sadd_tag`].

use super::plan::Value;
use super::schema::Dimension;

pub const INDICATOR_CODE: &str = "#indicator +code";
pub const INDICATOR_NAME: &str = "#indicator +name";
pub const VALUE: &str = "#indicator +value +num";
pub const NUMERATOR: &str = "#indicator +numerator +num";
pub const DENOMINATOR: &str = "#indicator +denominator +num";
pub const DATE_START: &str = "#date +start";
pub const DATE_END: &str = "#date +end";
pub const STATUS: &str = "#status +code";

/// The column hashtag of a dimension in a long-form export.
pub fn dimension_tag(d: Dimension) -> &'static str {
    match d {
        Dimension::Area => "#adm1 +code",
        Dimension::Agency => "#org +code",
        Dimension::Sex => "#x_sex +code",
        Dimension::AgeBand => "#x_age +range",
        Dimension::NationalityGroup => "#x_nationality +group",
        Dimension::MigrationStatus => "#x_migration +status +code",
        Dimension::Disability => "#x_disability +code",
        Dimension::Sop => "#x_sop +code",
    }
}

/// A value as written in a cell: codes as they are, dates as ISO dates, null as empty.
pub fn value_text(v: &Value) -> String {
    match v {
        Value::Null => String::new(),
        Value::Bool(b) => b.to_string(),
        Value::Int(n) => n.to_string(),
        Value::Date(d) => d.to_string(),
        Value::Text(s) => s.clone(),
    }
}

/// HXL's SADD attributes for a sex code (`female` -> `+f`); none for `unknown`.
pub fn sex_attribute(sex: &str) -> Option<&'static str> {
    match sex {
        "female" => Some("+f"),
        "male" => Some("+m"),
        // HXL's attribute for people who identify as neither.
        "other" => Some("+i"),
        _ => None,
    }
}

/// HXL's broad age attribute and an exact-band attribute for an age band code; none for
/// `unknown`.
pub fn age_attributes(band: &str) -> Option<[&'static str; 2]> {
    Some(match band {
        "0_4" => ["+children", "+age0_4"],
        "5_11" => ["+children", "+age5_11"],
        "12_17" => ["+adolescents", "+age12_17"],
        "18_24" => ["+adults", "+age18_24"],
        "25_59" => ["+adults", "+age25_59"],
        "60_plus" => ["+elderly", "+age60plus"],
        _ => return None,
    })
}

/// A wide-form column hashtag: `base` (`#reached`, `#affected`, `#indicator +value`) with the
/// attributes of a sex and an age band, and `+num`.
pub fn sadd_tag(base: &str, sex: Option<&str>, age_band: Option<&str>) -> String {
    let mut tag = base.trim().to_string();
    if let Some(a) = sex.and_then(sex_attribute) {
        tag.push(' ');
        tag.push_str(a);
    }
    if let Some(attrs) = age_band.and_then(age_attributes) {
        for a in attrs {
            tag.push(' ');
            tag.push_str(a);
        }
    }
    if !tag.split_whitespace().any(|a| a == "+num") {
        tag.push_str(" +num");
    }
    tag
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::indicators::schema::{AGE_BANDS, SEX};
    use chrono::NaiveDate;

    /// HXL's syntax: `#tag` then ` +attribute`s, lowercase letters, digits and underscores.
    fn well_formed(tag: &str) -> bool {
        let mut parts = tag.split_whitespace();
        let ok_name = |s: &str| {
            !s.is_empty()
                && s.chars().next().is_some_and(|c| c.is_ascii_lowercase())
                && s.chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
        };
        parts
            .next()
            .and_then(|h| h.strip_prefix('#'))
            .is_some_and(ok_name)
            && parts.all(|a| a.strip_prefix('+').is_some_and(ok_name))
    }

    #[test]
    fn every_dimension_has_a_well_formed_distinct_tag() {
        let tags: Vec<&str> = Dimension::ALL.iter().map(|d| dimension_tag(*d)).collect();
        for t in &tags {
            assert!(well_formed(t), "{t}");
        }
        let distinct: std::collections::BTreeSet<_> = tags.iter().collect();
        assert_eq!(distinct.len(), tags.len());
        assert_eq!(dimension_tag(Dimension::Area), "#adm1 +code");
        for t in [
            INDICATOR_CODE,
            INDICATOR_NAME,
            VALUE,
            NUMERATOR,
            DENOMINATOR,
            DATE_START,
            DATE_END,
            STATUS,
        ] {
            assert!(well_formed(t), "{t}");
        }
        // Tags outside HXL's core dictionary use its extension prefix.
        for d in [
            Dimension::Sex,
            Dimension::AgeBand,
            Dimension::MigrationStatus,
            Dimension::Disability,
            Dimension::Sop,
        ] {
            assert!(dimension_tag(d).starts_with("#x_"), "{d}");
        }
    }

    #[test]
    fn sadd_attributes() {
        assert_eq!(
            sadd_tag("#reached", Some("female"), Some("5_11")),
            "#reached +f +children +age5_11 +num"
        );
        assert_eq!(
            sadd_tag("#reached", Some("male"), Some("60_plus")),
            "#reached +m +elderly +age60plus +num"
        );
        assert_eq!(
            sadd_tag("#indicator +value +num", Some("unknown"), None),
            "#indicator +value +num"
        );
        assert_eq!(
            sadd_tag("#affected", None, Some("12_17")),
            "#affected +adolescents +age12_17 +num"
        );
        assert_eq!(
            sadd_tag("#affected", Some("other"), Some("unknown")),
            "#affected +i +num"
        );
        for s in SEX {
            for a in AGE_BANDS {
                assert!(
                    well_formed(&sadd_tag("#reached", Some(s), Some(a))),
                    "{s} {a}"
                );
            }
        }
        assert_eq!(sex_attribute("unknown"), None);
        assert_eq!(age_attributes("unknown"), None);
    }

    #[test]
    fn cell_values() {
        assert_eq!(value_text(&Value::Null), "");
        assert_eq!(value_text(&Value::Int(-3)), "-3");
        assert_eq!(value_text(&Value::Bool(true)), "true");
        assert_eq!(
            value_text(&Value::text("child_protection")),
            "child_protection"
        );
        let d = NaiveDate::from_ymd_opt(2024, 2, 29).unwrap();
        assert_eq!(value_text(&Value::Date(d)), "2024-02-29");
    }
}
