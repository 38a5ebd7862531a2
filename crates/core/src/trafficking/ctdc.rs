//! The CTDC-format export: one row per victim with the 27 variables of the Counter Trafficking
//! Data Collaborative Global Synthetic Data codebook (v2024), k-anonymised over its
//! quasi-identifiers before it leaves the system.
//!
//! Nothing identifying is mapped: no case id, no date finer than the year, no place finer
//! than the country. Flags are `1` or empty, as in the codebook.

use std::collections::BTreeSet;

use chrono::{Datelike, NaiveDate};
use serde::Serialize;

use super::htcds::{
    ExploitationType, Gender, IsicSection, MeansOfControl, RelationshipToTrafficker,
    SexExploitationType, TraffickingStatus, VictimRecord,
};
use crate::privacy::kanon::{
    self, AppliedLevel, Hierarchy, KAnonError, KAnonOptions, QuasiIdentifier, Table,
};

/// The 27 variables, in the codebook's order.
pub const COLUMNS: [&str; 27] = [
    "yearOfRegistration",
    "gender",
    "ageBroad",
    "citizenship",
    "CountryOfExploitation",
    "traffickMonths",
    "meansDebtBondageEarnings",
    "meansThreats",
    "meansAbusePsyPhySex",
    "meansFalsePromises",
    "meansDrugsAlcohol",
    "meansDenyBasicNeeds",
    "meansExcessiveWorkHours",
    "meansWithholdDocs",
    "isForcedLabour",
    "isSexualExploit",
    "isOtherExploit",
    "typeOfLabourAgriculture",
    "typeOfLabourConstruction",
    "typeOfLabourDomesticWork",
    "typeOfLabourHospitality",
    "typeOfSexProstitution",
    "typeOfSexPornography",
    "recruiterRelationIntimatePartner",
    "recruiterRelationFriend",
    "recruiterRelationFamily",
    "recruiterRelationOther",
];

/// The columns someone could link to other knowledge of a person, and how each generalises.
pub fn quasi_identifiers() -> Vec<QuasiIdentifier> {
    [
        ("yearOfRegistration", Hierarchy::Year),
        ("gender", Hierarchy::SuppressOnly),
        ("ageBroad", Hierarchy::AgeBroad),
        ("citizenship", Hierarchy::Country),
        ("CountryOfExploitation", Hierarchy::Country),
    ]
    .into_iter()
    .map(|(c, h)| QuasiIdentifier {
        column: c.to_string(),
        hierarchy: h,
    })
    .collect()
}

/// CTDC `gender`: the codebook has three values; every trans and non-conforming identity goes
/// to the third.
pub fn gender(g: Gender) -> &'static str {
    match g {
        Gender::Feminine => "Woman",
        Gender::Masculine => "Man",
        Gender::TransgenderFeminine | Gender::TransgenderMasculine | Gender::NonConforming => {
            "Trans/Transgender/NonConforming"
        }
    }
}

/// CTDC `ageBroad` for an age in years.
pub fn age_broad(age: u8) -> &'static str {
    match age {
        0..=8 => "0-8",
        9..=17 => "9-17",
        18..=20 => "18-20",
        21..=23 => "21-23",
        24..=26 => "24-26",
        27..=29 => "27-29",
        30..=38 => "30-38",
        39..=47 => "39-47",
        _ => "48+",
    }
}

/// CTDC `traffickMonths`: how long the exploitation lasted, up to its end or, while ongoing,
/// up to registration. Empty when the start is unknown or the dates contradict each other.
pub fn traffick_months(record: &VictimRecord) -> &'static str {
    let Some(start) = record.exploitation.started_on else {
        return "";
    };
    let end = record.exploitation.ended_on.unwrap_or(record.registered_on);
    match whole_months(start, end) {
        Some(0..=12) => "0--12 (0-1 yr)",
        Some(13..=24) => "13--24 (1-2 yrs)",
        Some(_) => "25+ (2+ yrs)",
        None => "",
    }
}

fn whole_months(start: NaiveDate, end: NaiveDate) -> Option<u32> {
    if end < start {
        return None;
    }
    let mut months = (end.year() - start.year()) * 12 + end.month() as i32 - start.month() as i32;
    if end.day() < start.day() {
        months -= 1;
    }
    u32::try_from(months).ok()
}

fn flag(on: bool) -> String {
    if on { "1".into() } else { String::new() }
}

/// The 27 values for one record, in [`COLUMNS`] order, before anonymisation.
pub fn row(record: &VictimRecord) -> Vec<String> {
    use MeansOfControl as M;
    let means = &record.exploitation.means_of_control;
    let any = |set: &[M]| set.iter().any(|m| means.contains(m));
    let types = &record.exploitation.types;
    let sectors = &record.exploitation.labour_sectors;
    let sex = &record.exploitation.sex_types;
    let rel = &record.recruitment.relationship;
    use RelationshipToTrafficker as R;
    vec![
        record.registered_on.year().to_string(),
        record.gender.map(gender).unwrap_or_default().to_string(),
        record
            .age_at_identification
            .map(age_broad)
            .unwrap_or_default()
            .to_string(),
        record
            .citizenship
            .as_ref()
            .map(|c| c.as_str().to_string())
            .unwrap_or_default(),
        record
            .exploitation
            .place
            .country
            .as_ref()
            .map(|c| c.as_str().to_string())
            .unwrap_or_default(),
        traffick_months(record).to_string(),
        flag(any(&[M::DebtBondage, M::TakesEarnings])),
        flag(any(&[
            M::Threats,
            M::UsesChildren,
            M::ThreatOfLawEnforcement,
        ])),
        flag(any(&[
            M::PsychologicalAbuse,
            M::PhysicalAbuse,
            M::SexualAbuse,
        ])),
        flag(any(&[M::FalsePromises])),
        flag(any(&[M::PsychoactiveSubstances])),
        flag(any(&[
            M::RestrictsFinancialAccess,
            M::RestrictsMovement,
            M::RestrictsMedicalCare,
            M::WithholdsNecessities,
        ])),
        flag(any(&[M::ExcessiveWorkingHours])),
        flag(any(&[M::WithholdsDocuments])),
        flag(types.contains(&ExploitationType::ForcedLabour)),
        flag(types.contains(&ExploitationType::SexualExploitation)),
        flag(types.iter().any(|t| {
            !matches!(
                t,
                ExploitationType::ForcedLabour | ExploitationType::SexualExploitation
            )
        })),
        flag(sectors.contains(&IsicSection::A)),
        flag(sectors.contains(&IsicSection::F)),
        flag(sectors.contains(&IsicSection::T)),
        flag(sectors.contains(&IsicSection::I)),
        flag(sex.contains(&SexExploitationType::Prostitution)),
        flag(sex.contains(&SexExploitationType::Pornography)),
        flag(rel.contains(&R::IntimatePartner)),
        flag(rel.contains(&R::Friend)),
        flag(rel.contains(&R::Family)),
        flag(
            rel.iter()
                .any(|r| matches!(r, R::Acquaintance | R::Employer | R::Stranger | R::Other)),
        ),
    ]
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CtdcOptions {
    pub k: usize,
    pub max_suppressed_fraction: f64,
    /// Which records are victims for the export; identified victims only by default.
    pub statuses: BTreeSet<TraffickingStatus>,
}

impl Default for CtdcOptions {
    fn default() -> Self {
        let k = KAnonOptions::default();
        CtdcOptions {
            k: k.k,
            max_suppressed_fraction: k.max_suppressed_fraction,
            statuses: [TraffickingStatus::ActualVictim].into(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CtdcExport {
    pub columns: Vec<String>,
    pub rows: Vec<Vec<String>>,
    /// Records with a selected status, before anonymisation.
    pub records_selected: usize,
    pub k_requested: usize,
    /// Smallest equivalence class published; `None` when nothing could be published.
    pub k_achieved: Option<usize>,
    pub records_suppressed: usize,
    pub levels: Vec<AppliedLevel>,
}

impl CtdcExport {
    /// RFC 4180 CSV with a header line.
    pub fn to_csv(&self) -> Vec<u8> {
        crate::spreadsheet::csv(std::iter::once(&self.columns).chain(&self.rows))
    }
}

/// Maps the selected records and k-anonymises them over [`quasi_identifiers`].
pub fn export(records: &[VictimRecord], options: &CtdcOptions) -> Result<CtdcExport, KAnonError> {
    let rows: Vec<Vec<String>> = records
        .iter()
        .filter(|r| options.statuses.contains(&r.status.status))
        .map(row)
        .collect();
    let selected = rows.len();
    let table = Table {
        columns: COLUMNS.iter().map(|c| c.to_string()).collect(),
        rows,
    };
    let out = kanon::anonymise(
        &table,
        &quasi_identifiers(),
        KAnonOptions {
            k: options.k,
            max_suppressed_fraction: options.max_suppressed_fraction,
        },
    )?;
    Ok(CtdcExport {
        columns: out.table.columns,
        rows: out.table.rows,
        records_selected: selected,
        k_requested: out.k_requested,
        k_achieved: out.k_achieved,
        records_suppressed: out.records_suppressed,
        levels: out.levels,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::trafficking::htcds::CountryCode;
    use crate::trafficking::htcds::tests::{date, sample};

    fn col(name: &str) -> usize {
        COLUMNS.iter().position(|c| *c == name).unwrap()
    }

    #[test]
    fn twenty_seven_distinct_columns() {
        let set: BTreeSet<_> = COLUMNS.iter().collect();
        assert_eq!(set.len(), 27);
        assert_eq!(row(&sample()).len(), 27);
    }

    #[test]
    fn maps_a_record() {
        let r = row(&sample());
        assert_eq!(r[col("yearOfRegistration")], "2024");
        assert_eq!(r[col("gender")], "Woman");
        assert_eq!(r[col("ageBroad")], "21-23");
        assert_eq!(r[col("citizenship")], "HTI");
        assert_eq!(r[col("CountryOfExploitation")], "DOM");
        assert_eq!(r[col("traffickMonths")], "13--24 (1-2 yrs)");
        assert_eq!(r[col("meansDebtBondageEarnings")], "1", "takes earnings");
        assert_eq!(r[col("meansWithholdDocs")], "1");
        assert_eq!(r[col("meansThreats")], "");
        assert_eq!(r[col("isForcedLabour")], "1");
        assert_eq!(r[col("isSexualExploit")], "");
        assert_eq!(r[col("isOtherExploit")], "");
        assert_eq!(r[col("typeOfLabourDomesticWork")], "1", "ISIC T");
        assert_eq!(r[col("typeOfLabourAgriculture")], "");
        assert_eq!(r[col("recruiterRelationOther")], "1", "acquaintance");
        assert_eq!(r[col("recruiterRelationFamily")], "");
    }

    #[test]
    fn grouped_means_and_other_exploitation() {
        let mut s = sample();
        s.exploitation.means_of_control = [
            MeansOfControl::RestrictsMovement,
            MeansOfControl::SexualAbuse,
            MeansOfControl::ThreatOfLawEnforcement,
        ]
        .into();
        s.exploitation.types = [ExploitationType::ForcedBegging].into();
        s.recruitment.relationship = [RelationshipToTrafficker::IntimatePartner].into();
        let r = row(&s);
        assert_eq!(r[col("meansDenyBasicNeeds")], "1");
        assert_eq!(r[col("meansAbusePsyPhySex")], "1");
        assert_eq!(r[col("meansThreats")], "1");
        assert_eq!(r[col("meansDebtBondageEarnings")], "");
        assert_eq!(r[col("isOtherExploit")], "1");
        assert_eq!(r[col("isForcedLabour")], "");
        assert_eq!(r[col("recruiterRelationIntimatePartner")], "1");
        assert_eq!(r[col("recruiterRelationOther")], "");
    }

    #[test]
    fn bands_and_genders() {
        let cases = [
            (0, "0-8"),
            (8, "0-8"),
            (9, "9-17"),
            (17, "9-17"),
            (18, "18-20"),
            (29, "27-29"),
            (30, "30-38"),
            (47, "39-47"),
            (48, "48+"),
            (90, "48+"),
        ];
        for (age, band) in cases {
            assert_eq!(age_broad(age), band, "{age}");
        }
        assert_eq!(gender(Gender::Masculine), "Man");
        assert_eq!(
            gender(Gender::TransgenderMasculine),
            "Trans/Transgender/NonConforming"
        );
        assert_eq!(
            gender(Gender::NonConforming),
            "Trans/Transgender/NonConforming"
        );
    }

    #[test]
    fn traffick_months_bands() {
        let mut s = sample();
        s.exploitation.started_on = Some(date(2023, 1, 15));
        s.exploitation.ended_on = Some(date(2024, 1, 15));
        assert_eq!(traffick_months(&s), "0--12 (0-1 yr)");
        s.exploitation.ended_on = Some(date(2024, 2, 15)); // 13 months
        assert_eq!(traffick_months(&s), "13--24 (1-2 yrs)");
        s.exploitation.ended_on = None; // ongoing: up to registration 2024-03-05
        s.exploitation.started_on = Some(date(2021, 1, 1));
        assert_eq!(traffick_months(&s), "25+ (2+ yrs)");
        s.exploitation.started_on = Some(date(2025, 1, 1));
        assert_eq!(traffick_months(&s), "", "starts after it ends");
        s.exploitation.started_on = None;
        assert_eq!(traffick_months(&s), "");
    }

    fn population(n: usize) -> Vec<VictimRecord> {
        (0..n)
            .map(|i| {
                let mut s = sample();
                s.registered_on = date(2020 + (i % 4) as i32, 6, 1);
                s.age_at_identification = Some([16u8, 22, 35, 50][i % 4]);
                s.gender = Some(if i % 3 == 0 {
                    Gender::Masculine
                } else {
                    Gender::Feminine
                });
                s.citizenship =
                    Some(CountryCode::new(["HTI", "VEN", "COL", "NGA", "PHL"][i % 5]).unwrap());
                s
            })
            .collect()
    }

    #[test]
    fn export_is_k_anonymous_and_reports_what_it_did() {
        let recs = population(37);
        let out = export(&recs, &CtdcOptions::default()).unwrap();
        assert_eq!(out.records_selected, 37);
        assert_eq!(out.columns, COLUMNS.to_vec());
        assert_eq!(out.rows.len() + out.records_suppressed, 37);
        let k = out.k_achieved.unwrap();
        assert!(k >= 10);
        let qi: Vec<usize> = quasi_identifiers().iter().map(|q| col(&q.column)).collect();
        let mut classes = std::collections::HashMap::new();
        for r in &out.rows {
            *classes
                .entry(qi.iter().map(|i| r[*i].clone()).collect::<Vec<_>>())
                .or_insert(0) += 1;
        }
        assert!(classes.values().all(|s| *s >= 10));
        assert_eq!(*classes.values().min().unwrap(), k);
        assert!(
            out.levels.iter().any(|l| l.level > 0),
            "37 varied records cannot stay exact at k=10"
        );
    }

    #[test]
    fn only_identified_victims_by_default_and_tiny_counts_publish_nothing() {
        let mut recs = population(12);
        for r in recs.iter_mut().take(5) {
            r.status.status = TraffickingStatus::PossibleVictim;
        }
        let out = export(&recs, &CtdcOptions::default()).unwrap();
        assert_eq!(out.records_selected, 7);
        assert!(out.rows.is_empty(), "7 < k = 10");
        assert_eq!(out.records_suppressed, 7);
        assert_eq!(out.k_achieved, None);
        assert_eq!(String::from_utf8_lossy(&out.to_csv()).lines().count(), 1, "header only");
    }

    #[test]
    fn csv_quotes_what_needs_it() {
        let e = CtdcExport {
            columns: vec!["a".into(), "b".into()],
            rows: vec![vec!["x,y".into(), "say \"hi\"".into()]],
            records_selected: 1,
            k_requested: 1,
            k_achieved: Some(1),
            records_suppressed: 0,
            levels: vec![],
        };
        assert_eq!(e.to_csv(), b"a,b\r\n\"x,y\",\"say \"\"hi\"\"\"\r\n");
    }
}
