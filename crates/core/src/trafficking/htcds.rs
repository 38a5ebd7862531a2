//! The case fields of the Human Trafficking Case Data Standard (HTCDS v2.0) that Passerelle
//! keeps for a person screened or identified as a victim of trafficking.
//!
//! Values are the standard's categories as closed enums (serialised in `snake_case`), so that
//! exports (CTDC) and task-force tables count the same thing everywhere. Free text is kept to
//! place names; nothing here names the person — the person record lives in the people module
//! and is linked by `case_id`.

use std::collections::BTreeSet;
use std::fmt;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use thiserror::Error;
use uuid::Uuid;

/// ISO 3166-1 alpha-3 country code, upper case (`HTI`, `DOM`, `FRA`).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct CountryCode(String);

#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[error("`{0}` is not an ISO 3166-1 alpha-3 country code (three letters)")]
pub struct CountryCodeError(pub String);

impl CountryCodeError {
    pub fn code(&self) -> &'static str {
        "country-code-invalid"
    }
}

impl CountryCode {
    /// Accepts three ASCII letters in any case; stores them upper case.
    pub fn new(code: &str) -> Result<CountryCode, CountryCodeError> {
        let c = code.trim();
        if c.len() == 3 && c.chars().all(|ch| ch.is_ascii_alphabetic()) {
            Ok(CountryCode(c.to_ascii_uppercase()))
        } else {
            Err(CountryCodeError(code.to_string()))
        }
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for CountryCode {
    type Error = CountryCodeError;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        CountryCode::new(&s)
    }
}

impl From<CountryCode> for String {
    fn from(c: CountryCode) -> String {
        c.0
    }
}

impl fmt::Display for CountryCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Defines a closed category with a stable `code()` and the list of all values.
macro_rules! category {
    ($(#[$m:meta])* $name:ident { $($(#[$vm:meta])* $variant:ident => $code:literal),+ $(,)? }) => {
        $(#[$m])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
        pub enum $name { $($(#[$vm])* #[serde(rename = $code)] $variant),+ }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];
            /// Stable machine code, also the serialised form and the translation key suffix.
            pub fn code(self) -> &'static str {
                match self { $($name::$variant => $code),+ }
            }
            pub fn from_code(code: &str) -> Option<$name> {
                Self::ALL.iter().copied().find(|v| v.code() == code)
            }
        }
    };
}

category!(
    /// Where the person stands: HTCDS `TraffickingStatus`.
    TraffickingStatus {
        /// Screened and presumed, identification pending.
        PossibleVictim => "possible_victim",
        /// Identified by a competent organisation.
        ActualVictim => "actual_victim",
        NotAVictim => "not_a_victim",
    }
);

category!(
    /// The kind of organisation that decided the trafficking status.
    OrganisationType {
        GovernmentAgency => "government_agency",
        LawEnforcement => "law_enforcement",
        Judiciary => "judiciary",
        NationalReferralMechanism => "national_referral_mechanism",
        NonGovernmentalOrganisation => "non_governmental_organisation",
        InternationalOrganisation => "international_organisation",
        Other => "other",
    }
);

category!(
    /// HTCDS `Gender`.
    Gender {
        Feminine => "feminine",
        Masculine => "masculine",
        TransgenderFeminine => "transgender_feminine",
        TransgenderMasculine => "transgender_masculine",
        NonConforming => "non_conforming",
    }
);

category!(
    /// HTCDS `TypeOfExploitation`.
    ExploitationType {
        ForcedLabour => "forced_labour",
        SexualExploitation => "sexual_exploitation",
        ForcedMarriage => "forced_marriage",
        ForcedCriminalActivity => "forced_criminal_activity",
        ForcedBegging => "forced_begging",
        ForcedMilitary => "forced_military",
        OrganRemoval => "organ_removal",
        SlaveryAndSimilarPractices => "slavery_and_similar_practices",
        Other => "other",
    }
);

category!(
    /// Labour sector as the ISIC Rev. 4 section (HTCDS `ForcedLabourIndustry`).
    IsicSection {
        A => "A", B => "B", C => "C", D => "D", E => "E", F => "F", G => "G", H => "H",
        I => "I", J => "J", K => "K", L => "L", M => "M", N => "N", O => "O", P => "P",
        Q => "Q", R => "R", S => "S", T => "T", U => "U",
    }
);

impl IsicSection {
    /// The section's English title, for documentation and exports; screens translate `code()`.
    pub fn title(self) -> &'static str {
        match self {
            IsicSection::A => "Agriculture, forestry and fishing",
            IsicSection::B => "Mining and quarrying",
            IsicSection::C => "Manufacturing",
            IsicSection::D => "Electricity, gas, steam and air conditioning supply",
            IsicSection::E => "Water supply; sewerage, waste management and remediation",
            IsicSection::F => "Construction",
            IsicSection::G => "Wholesale and retail trade; repair of motor vehicles",
            IsicSection::H => "Transportation and storage",
            IsicSection::I => "Accommodation and food service activities",
            IsicSection::J => "Information and communication",
            IsicSection::K => "Financial and insurance activities",
            IsicSection::L => "Real estate activities",
            IsicSection::M => "Professional, scientific and technical activities",
            IsicSection::N => "Administrative and support service activities",
            IsicSection::O => "Public administration and defence; compulsory social security",
            IsicSection::P => "Education",
            IsicSection::Q => "Human health and social work activities",
            IsicSection::R => "Arts, entertainment and recreation",
            IsicSection::S => "Other service activities",
            IsicSection::T => "Activities of households as employers",
            IsicSection::U => "Activities of extraterritorial organizations and bodies",
        }
    }
}

category!(
    /// HTCDS `TypeOfSexExploitation`.
    SexExploitationType {
        Prostitution => "prostitution",
        Pornography => "pornography",
        RemoteInteractiveServices => "remote_interactive_services",
        PrivateSexualServices => "private_sexual_services",
        Other => "other",
    }
);

category!(
    /// HTCDS `MethodsOfControl`: how the trafficker kept control.
    MeansOfControl {
        DebtBondage => "debt_bondage",
        TakesEarnings => "takes_earnings",
        RestrictsFinancialAccess => "restricts_financial_access",
        Threats => "threats",
        PsychologicalAbuse => "psychological_abuse",
        PhysicalAbuse => "physical_abuse",
        SexualAbuse => "sexual_abuse",
        FalsePromises => "false_promises",
        PsychoactiveSubstances => "psychoactive_substances",
        RestrictsMovement => "restricts_movement",
        RestrictsMedicalCare => "restricts_medical_care",
        ExcessiveWorkingHours => "excessive_working_hours",
        UsesChildren => "uses_children",
        ThreatOfLawEnforcement => "threat_of_law_enforcement",
        WithholdsNecessities => "withholds_necessities",
        WithholdsDocuments => "withholds_documents",
        Other => "other",
    }
);

category!(
    /// How the person was recruited.
    RecruitmentMethod {
        JobOffer => "job_offer",
        RecruitmentAgency => "recruitment_agency",
        OnlineOrSocialMedia => "online_or_social_media",
        PersonalRelationship => "personal_relationship",
        RomanticRelationship => "romantic_relationship",
        SoldByFamily => "sold_by_family",
        Abduction => "abduction",
        Other => "other",
    }
);

category!(
    /// The recruiter's or trafficker's relationship to the person.
    RelationshipToTrafficker {
        IntimatePartner => "intimate_partner",
        Family => "family",
        Friend => "friend",
        Acquaintance => "acquaintance",
        Employer => "employer",
        Stranger => "stranger",
        Other => "other",
    }
);

category!(
    /// What the support plan provides.
    SupportCategory {
        Accommodation => "accommodation",
        Medical => "medical",
        Psychosocial => "psychosocial",
        Legal => "legal",
        Interpretation => "interpretation",
        Documentation => "documentation",
        Financial => "financial",
        Education => "education",
        VocationalTraining => "vocational_training",
        Employment => "employment",
        FamilyTracing => "family_tracing",
        ReturnAndReintegration => "return_and_reintegration",
        Other => "other",
    }
);

category!(
    /// HTCDS case status.
    CaseStatus {
        Active => "active",
        FollowUp => "follow_up",
        Closed => "closed",
        ClosedReferred => "closed_referred",
    }
);

category!(
    /// What the person agreed their data may be used for.
    ConsentPurpose {
        Assistance => "assistance",
        ReferralToServices => "referral_to_services",
        SharingWithPartners => "sharing_with_partners",
        LawEnforcementContact => "law_enforcement_contact",
        AnonymisedStatistics => "anonymised_statistics",
    }
);

category!(
    /// Who gave (or refused) consent.
    ConsentGivenBy {
        Person => "person",
        ParentOrGuardian => "parent_or_guardian",
        AppointedGuardian => "appointed_guardian",
    }
);

/// The status and who decided it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StatusDecision {
    pub status: TraffickingStatus,
    pub decided_by: OrganisationType,
    pub decided_on: Option<NaiveDate>,
}

/// A place at the level of detail the case needs: country always when known, area optional.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Place {
    pub country: Option<CountryCode>,
    /// Administrative area (parish, region); never a street address.
    pub area: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Recruitment {
    pub methods: BTreeSet<RecruitmentMethod>,
    pub relationship: BTreeSet<RelationshipToTrafficker>,
    pub place: Place,
    pub date: Option<NaiveDate>,
}

#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Exploitation {
    pub types: BTreeSet<ExploitationType>,
    pub labour_sectors: BTreeSet<IsicSection>,
    pub sex_types: BTreeSet<SexExploitationType>,
    pub means_of_control: BTreeSet<MeansOfControl>,
    pub place: Place,
    pub started_on: Option<NaiveDate>,
    /// `None` while ongoing or unknown.
    pub ended_on: Option<NaiveDate>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConsentRecord {
    pub given: bool,
    pub purposes: BTreeSet<ConsentPurpose>,
    pub given_by: ConsentGivenBy,
    pub recorded_on: NaiveDate,
    /// The staff member who recorded it (user id).
    pub recorded_by: Uuid,
    /// Language the consent was explained in (BCP 47 code), and whether through an interpreter.
    pub language: String,
    pub interpreter: bool,
    pub withdrawn_on: Option<NaiveDate>,
}

impl ConsentRecord {
    /// Consent stands for `purpose` on `date`: given, covering it, recorded by then, and not
    /// withdrawn by then.
    pub fn covers(&self, purpose: ConsentPurpose, date: NaiveDate) -> bool {
        self.given
            && self.purposes.contains(&purpose)
            && self.recorded_on <= date
            && self.withdrawn_on.is_none_or(|w| w > date)
    }
}

/// The HTCDS record of one person in the counter-trafficking database.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct VictimRecord {
    pub case_id: Uuid,
    /// When the case was registered; gives the CTDC `yearOfRegistration`.
    pub registered_on: NaiveDate,
    pub status: StatusDecision,
    pub gender: Option<Gender>,
    /// Age in years at identification or registration (CTDC `ageBroad` is this age).
    pub age_at_identification: Option<u8>,
    /// HTCDS `AgeWhenTrafficked`: age when the trafficking began.
    pub age_when_trafficked: Option<u8>,
    pub citizenship: Option<CountryCode>,
    pub recruitment: Recruitment,
    pub exploitation: Exploitation,
    pub support_plan: BTreeSet<SupportCategory>,
    pub case_status: CaseStatus,
    pub consents: Vec<ConsentRecord>,
}

impl VictimRecord {
    /// Whether any consent record covers `purpose` on `date`.
    pub fn has_consent(&self, purpose: ConsentPurpose, date: NaiveDate) -> bool {
        self.consents.iter().any(|c| c.covers(purpose, date))
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    pub(crate) fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    pub(crate) fn sample() -> VictimRecord {
        VictimRecord {
            case_id: Uuid::nil(),
            registered_on: date(2024, 3, 5),
            status: StatusDecision {
                status: TraffickingStatus::ActualVictim,
                decided_by: OrganisationType::NationalReferralMechanism,
                decided_on: Some(date(2024, 3, 20)),
            },
            gender: Some(Gender::Feminine),
            age_at_identification: Some(22),
            age_when_trafficked: Some(20),
            citizenship: Some(CountryCode::new("hti").unwrap()),
            recruitment: Recruitment {
                methods: [RecruitmentMethod::JobOffer].into(),
                relationship: [RelationshipToTrafficker::Acquaintance].into(),
                place: Place {
                    country: Some(CountryCode::new("HTI").unwrap()),
                    area: None,
                },
                date: Some(date(2022, 1, 10)),
            },
            exploitation: Exploitation {
                types: [ExploitationType::ForcedLabour].into(),
                labour_sectors: [IsicSection::T].into(),
                sex_types: BTreeSet::new(),
                means_of_control: [
                    MeansOfControl::WithholdsDocuments,
                    MeansOfControl::TakesEarnings,
                ]
                .into(),
                place: Place {
                    country: Some(CountryCode::new("DOM").unwrap()),
                    area: Some("Santo Domingo".into()),
                },
                started_on: Some(date(2022, 2, 1)),
                ended_on: Some(date(2024, 2, 15)),
            },
            support_plan: [SupportCategory::Accommodation, SupportCategory::Legal].into(),
            case_status: CaseStatus::Active,
            consents: vec![ConsentRecord {
                given: true,
                purposes: [
                    ConsentPurpose::Assistance,
                    ConsentPurpose::AnonymisedStatistics,
                ]
                .into(),
                given_by: ConsentGivenBy::Person,
                recorded_on: date(2024, 3, 5),
                recorded_by: Uuid::nil(),
                language: "ht".into(),
                interpreter: true,
                withdrawn_on: Some(date(2024, 6, 1)),
            }],
        }
    }

    #[test]
    fn country_codes_are_three_letters_upper_case() {
        assert_eq!(CountryCode::new(" dom ").unwrap().as_str(), "DOM");
        for bad in ["DO", "DOMI", "D0M", ""] {
            let e = CountryCode::new(bad).unwrap_err();
            assert_eq!(e.code(), "country-code-invalid");
        }
        assert!(serde_json::from_str::<CountryCode>("\"XX\"").is_err());
        assert_eq!(
            serde_json::to_string(&CountryCode::new("fra").unwrap()).unwrap(),
            "\"FRA\""
        );
    }

    #[test]
    fn record_round_trips_through_json_with_snake_case_codes() {
        let r = sample();
        let json = serde_json::to_string(&r).unwrap();
        assert!(json.contains("\"actual_victim\""), "{json}");
        assert!(json.contains("\"withholds_documents\""), "{json}");
        assert!(json.contains("\"T\""), "{json}");
        let back: VictimRecord = serde_json::from_str(&json).unwrap();
        assert_eq!(back, r);
    }

    #[test]
    fn codes_match_serialisation_and_parse_back() {
        fn check<T: Serialize + Copy>(all: &[T], code: fn(T) -> &'static str) {
            for v in all {
                assert_eq!(
                    serde_json::to_string(v).unwrap(),
                    format!("\"{}\"", code(*v))
                );
            }
        }
        check(CaseStatus::ALL, CaseStatus::code);
        check(IsicSection::ALL, IsicSection::code);
        check(MeansOfControl::ALL, MeansOfControl::code);
        check(Gender::ALL, Gender::code);
        check(TraffickingStatus::ALL, TraffickingStatus::code);
        for s in CaseStatus::ALL {
            assert_eq!(CaseStatus::from_code(s.code()), Some(*s));
        }
        assert_eq!(MeansOfControl::ALL.len(), 17);
        assert_eq!(IsicSection::ALL.len(), 21);
        assert_eq!(
            IsicSection::T.title(),
            "Activities of households as employers"
        );
        assert_eq!(ExploitationType::from_code("nope"), None);
    }

    #[test]
    fn consent_covers_purpose_until_withdrawn() {
        let r = sample();
        assert!(r.has_consent(ConsentPurpose::AnonymisedStatistics, date(2024, 4, 1)));
        assert!(
            !r.has_consent(ConsentPurpose::AnonymisedStatistics, date(2024, 6, 1)),
            "withdrawn that day"
        );
        assert!(
            !r.has_consent(ConsentPurpose::AnonymisedStatistics, date(2024, 3, 4)),
            "not yet recorded"
        );
        assert!(!r.has_consent(ConsentPurpose::SharingWithPartners, date(2024, 4, 1)));
        let mut refused = r.consents[0].clone();
        refused.given = false;
        assert!(!refused.covers(ConsentPurpose::Assistance, date(2024, 4, 1)));
    }
}
