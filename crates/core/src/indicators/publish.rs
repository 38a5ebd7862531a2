//! Making indicator results fit to leave the system: small-cell suppression of the counts
//! behind each figure (through [`crate::privacy::suppression`]), then HXL-tagged rows.
//!
//! A figure rests on records; "2 of 3 girls at high risk were assessed late" in a small
//! island names children. So the record counts behind numerator and denominator of every
//! group form a table (a row per group, a column per side) that goes through small-cell
//! suppression with its margins; a group's figure is published only when every count behind
//! it is. The margins of that table add numerator and denominator counts, which means
//! nothing in itself but only ever hides more.

use super::evaluate::{GroupResult, NotComputable, Outcome};
use super::hxl;
use super::period::DateRange;
use super::plan::Value;
use super::schema::Dimension;
use crate::privacy::suppression::{CrossTable, Published, SuppressionError, suppress};
use serde::Serialize;

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PublishedResult {
    pub group: Vec<(Dimension, Value)>,
    /// The figure as computed (before the unit's presentation), if computable and not hidden.
    pub value: Option<f64>,
    pub suppressed: bool,
    pub not_computable: Option<NotComputable>,
    pub numerator_records: Published,
    pub denominator_records: Option<Published>,
}

fn label(group: &[(Dimension, Value)]) -> String {
    group
        .iter()
        .map(|(d, v)| format!("{}={}", d.code(), hxl::value_text(v)))
        .collect::<Vec<_>>()
        .join(";")
}

/// Suppresses small counts behind `results` (from one [`super::evaluate::evaluate`] call) with
/// the given threshold (see [`crate::privacy::suppression::DEFAULT_THRESHOLD`]).
pub fn publish(
    results: &[GroupResult],
    threshold: u64,
) -> Result<Vec<PublishedResult>, SuppressionError> {
    let has_den = results.iter().any(|r| r.denominator.is_some());
    let mut column_labels = vec!["numerator".to_string()];
    if has_den {
        column_labels.push("denominator".to_string());
    }
    let table = CrossTable {
        row_labels: results.iter().map(|r| label(&r.group)).collect(),
        column_labels,
        cells: results
            .iter()
            .map(|r| {
                let mut row = vec![r.numerator.records];
                if has_den {
                    row.push(r.denominator.map(|d| d.records).unwrap_or(0));
                }
                row
            })
            .collect(),
    };
    let hidden = suppress(&table, threshold)?;
    Ok(results
        .iter()
        .zip(hidden.cells)
        .map(|(r, cells)| {
            let suppressed = cells.iter().any(|c| c.is_suppressed());
            let not_computable = match r.outcome {
                Outcome::NotComputable(e) => Some(e),
                Outcome::Value(_) => None,
            };
            PublishedResult {
                group: r.group.clone(),
                value: if suppressed { None } else { r.outcome.value() },
                suppressed,
                not_computable,
                numerator_records: cells[0],
                denominator_records: if has_den { cells.get(1).copied() } else { None },
            }
        })
        .collect())
}

/// A table ready to write as CSV: human headers, the HXL hashtag row, then one row per group.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct HxlTable {
    pub headers: Vec<String>,
    pub tags: Vec<String>,
    pub rows: Vec<Vec<String>>,
}

/// The long-form export of one indicator for one period: indicator, period, one column per
/// dimension, the value (empty when hidden or not computable) and a status column saying
/// which (`ok`, `suppressed`, or the not-computable code).
pub fn hxl_table(
    indicator_id: &str,
    indicator_name: &str,
    range: DateRange,
    dims: &[Dimension],
    results: &[PublishedResult],
) -> HxlTable {
    let mut headers: Vec<String> = ["indicator", "indicator_name", "start", "end"]
        .iter()
        .map(|s| s.to_string())
        .collect();
    let mut tags: Vec<String> = vec![
        hxl::INDICATOR_CODE.into(),
        hxl::INDICATOR_NAME.into(),
        hxl::DATE_START.into(),
        hxl::DATE_END.into(),
    ];
    for d in dims {
        headers.push(d.code().to_string());
        tags.push(hxl::dimension_tag(*d).to_string());
    }
    headers.push("value".into());
    tags.push(hxl::VALUE.into());
    headers.push("status".into());
    tags.push(hxl::STATUS.into());
    let rows = results
        .iter()
        .map(|r| {
            let mut row = vec![
                indicator_id.to_string(),
                indicator_name.to_string(),
                range.start.to_string(),
                range.end.to_string(),
            ];
            for d in dims {
                let v = r.group.iter().find(|(g, _)| g == d).map(|(_, v)| v);
                row.push(v.map(hxl::value_text).unwrap_or_default());
            }
            row.push(r.value.map(|v| v.to_string()).unwrap_or_default());
            let status = if r.suppressed {
                "suppressed"
            } else if let Some(e) = r.not_computable {
                e.code()
            } else {
                "ok"
            };
            row.push(status.to_string());
            row
        })
        .collect();
    HxlTable {
        headers,
        tags,
        rows,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::indicators::evaluate::Aggregated;
    use crate::indicators::period::Period;

    fn gr(sex: &str, num: u64, den: u64) -> GroupResult {
        let outcome = if den == 0 {
            Outcome::NotComputable(NotComputable::ZeroDenominator)
        } else {
            Outcome::Value(num as f64 / den as f64)
        };
        GroupResult {
            group: vec![(Dimension::Sex, Value::text(sex))],
            numerator: Aggregated {
                value: Ok(num as f64),
                records: num,
            },
            denominator: Some(Aggregated {
                value: Ok(den as f64),
                records: den,
            }),
            outcome,
        }
    }

    #[test]
    fn small_groups_are_hidden_with_their_complements() {
        let results = vec![gr("female", 20, 40), gr("male", 2, 30), gr("other", 10, 12)];
        let p = publish(&results, 5).unwrap();
        // 2 is small: the male figure is hidden ...
        assert!(p[1].suppressed);
        assert_eq!(p[1].value, None);
        assert_eq!(p[1].numerator_records, Published::Suppressed);
        // ... and another numerator is hidden too, or 2 = total - others.
        assert!(p[0].suppressed || p[2].suppressed);
        assert!(p.iter().filter(|r| r.suppressed).count() >= 2);
        let shown: Vec<_> = p.iter().filter(|r| !r.suppressed).collect();
        assert!(shown.iter().all(|r| r.value.is_some()));
    }

    #[test]
    fn large_groups_are_published_and_not_computable_is_said() {
        let results = vec![
            gr("female", 20, 40),
            gr("male", 10, 30),
            gr("unknown", 0, 0),
        ];
        let p = publish(&results, 5).unwrap();
        assert_eq!(p[0].value, Some(0.5));
        assert!(!p[0].suppressed);
        assert_eq!(p[2].value, None);
        assert!(!p[2].suppressed, "zero is published");
        assert_eq!(p[2].not_computable, Some(NotComputable::ZeroDenominator));
        assert_eq!(
            publish(&results, 0).unwrap_err().code(),
            "suppression-threshold-zero"
        );
    }

    #[test]
    fn hxl_rows() {
        let results = vec![
            gr("female", 20, 40),
            gr("male", 2, 30),
            gr("other", 10, 12),
            gr("unknown", 0, 0),
        ];
        let p = publish(&results, 5).unwrap();
        let range = Period::Quarter {
            year: 2025,
            quarter: 1,
        }
        .range()
        .unwrap();
        let t = hxl_table(
            "referral_completion_rate",
            "Referral completion",
            range,
            &[Dimension::Sex],
            &p,
        );
        assert_eq!(
            t.tags,
            vec![
                "#indicator +code",
                "#indicator +name",
                "#date +start",
                "#date +end",
                "#x_sex +code",
                "#indicator +value +num",
                "#status +code"
            ]
        );
        assert_eq!(t.headers.len(), t.tags.len());
        assert_eq!(
            t.rows[0][..5],
            [
                "referral_completion_rate",
                "Referral completion",
                "2025-01-01",
                "2025-03-31",
                "female"
            ]
        );
        assert_eq!(t.rows[1][5..], ["", "suppressed"]);
        assert_eq!(t.rows[3][5..], ["", "indicator-zero-denominator"]);
        assert!(t.rows.iter().all(|r| r.len() == t.tags.len()));
    }
}
