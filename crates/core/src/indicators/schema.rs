//! The entities and fields an indicator definition may name, with their types.
//!
//! This is the contract between the definition language and the store: every field here is a
//! column (or a computed column) the store maps to SQL, and a field not listed here cannot be
//! reached by a definition — users never write SQL, and what they can count is reviewed here.
//! Derived fields (marked in their doc) are computed by the store with the rule written there,
//! and by the test fixtures the same way.

use serde::Serialize;
use std::fmt;

/// The records an indicator counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Entity {
    Cases,
    CaseSteps,
    Referrals,
    OutreachActivities,
    PeopleReached,
    TrainingParticipants,
    Services,
    People,
    Staff,
}

impl Entity {
    pub const ALL: [Entity; 9] = [
        Entity::Cases,
        Entity::CaseSteps,
        Entity::Referrals,
        Entity::OutreachActivities,
        Entity::PeopleReached,
        Entity::TrainingParticipants,
        Entity::Services,
        Entity::People,
        Entity::Staff,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Entity::Cases => "cases",
            Entity::CaseSteps => "case_steps",
            Entity::Referrals => "referrals",
            Entity::OutreachActivities => "outreach_activities",
            Entity::PeopleReached => "people_reached",
            Entity::TrainingParticipants => "training_participants",
            Entity::Services => "services",
            Entity::People => "people",
            Entity::Staff => "staff",
        }
    }

    pub fn from_code(s: &str) -> Option<Entity> {
        Entity::ALL.into_iter().find(|e| e.code() == s)
    }

    /// The date a record of this entity falls in a period by, unless a definition names
    /// another (`count(cases on closed_at ...)`).
    pub fn default_anchor(self) -> &'static str {
        match self {
            Entity::Cases => "opened_at",
            Entity::CaseSteps => "due_at",
            Entity::Referrals => "referred_at",
            Entity::OutreachActivities => "held_on",
            Entity::PeopleReached => "reached_on",
            Entity::TrainingParticipants => "session_end",
            Entity::Services => "listed_on",
            Entity::People => "registered_at",
            Entity::Staff => "joined_on",
        }
    }

    pub fn fields(self) -> &'static [Field] {
        match self {
            Entity::Cases => CASES,
            Entity::CaseSteps => CASE_STEPS,
            Entity::Referrals => REFERRALS,
            Entity::OutreachActivities => OUTREACH_ACTIVITIES,
            Entity::PeopleReached => PEOPLE_REACHED,
            Entity::TrainingParticipants => TRAINING_PARTICIPANTS,
            Entity::Services => SERVICES,
            Entity::People => PEOPLE,
            Entity::Staff => STAFF,
        }
    }

    pub fn field(self, name: &str) -> Option<&'static Field> {
        self.fields().iter().find(|f| f.name == name)
    }

    /// Whether `step("id").field` may be used: only a case has steps of its own.
    pub fn has_steps(self) -> bool {
        self == Entity::Cases
    }

    /// The disaggregation dimensions this entity carries (a field named after the dimension).
    pub fn dimensions(self) -> Vec<Dimension> {
        Dimension::ALL
            .into_iter()
            .filter(|d| self.field(d.code()).is_some())
            .collect()
    }
}

impl fmt::Display for Entity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

/// The type of a field, which decides the operators and aggregations allowed on it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum FieldType {
    Bool,
    Integer,
    /// A calendar date (no time of day: periods are whole days in the agency's calendar).
    Date,
    /// A whole number of days, the type of `days(from, to)`.
    Days,
    /// Free text or an identifier; compared for equality only.
    Text,
    /// One of a closed list of codes.
    Code(&'static [&'static str]),
    /// An SOP id, checked against the SOP library when a definition is compiled.
    Sop,
    /// An SOP step id, checked against the SOP library.
    Step,
}

impl FieldType {
    pub fn name(self) -> &'static str {
        match self {
            FieldType::Bool => "boolean",
            FieldType::Integer => "integer",
            FieldType::Date => "date",
            FieldType::Days => "days",
            FieldType::Text => "text",
            FieldType::Code(_) => "code",
            FieldType::Sop => "sop",
            FieldType::Step => "step",
        }
    }

    /// Whether values of this type can be summed, averaged or take a median.
    pub fn is_numeric(self) -> bool {
        matches!(self, FieldType::Integer | FieldType::Days)
    }

    /// Whether `<`, `<=`, `>`, `>=` make sense.
    pub fn is_ordered(self) -> bool {
        matches!(self, FieldType::Integer | FieldType::Days | FieldType::Date)
    }

    /// Whether a string literal is written for values of this type.
    pub fn takes_string(self) -> bool {
        matches!(
            self,
            FieldType::Text | FieldType::Code(_) | FieldType::Sop | FieldType::Step
        )
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Field {
    pub name: &'static str,
    pub ty: FieldType,
}

const fn f(name: &'static str, ty: FieldType) -> Field {
    Field { name, ty }
}

pub const SEX: &[&str] = &["female", "male", "other", "unknown"];
/// Age bands at the time of the record (opening, contact, session), the OCHA-style bands
/// protection programmes report children in.
pub const AGE_BANDS: &[&str] = &[
    "0_4", "5_11", "12_17", "18_24", "25_59", "60_plus", "unknown",
];
pub const MIGRATION_STATUS: &[&str] = &[
    "national",
    "regular_migrant",
    "irregular_migrant",
    "asylum_seeker",
    "refugee",
    "stateless",
    "unknown",
];
pub const DISABILITY: &[&str] = &["yes", "no", "unknown"];
pub const RISK: &[&str] = &["low", "medium", "high", "critical"];
pub const CASE_STATUS: &[&str] = &["open", "closed", "transferred"];
/// The referral lifecycle's statuses (HL7 FHIR Task codes, `crate::referral::Status`);
/// drafts are not referrals yet and are never counted.
pub const REFERRAL_STATUS: &[&str] = &[
    "requested",
    "accepted",
    "rejected",
    "in-progress",
    "on-hold",
    "completed",
    "cancelled",
    "failed",
];
pub const OUTREACH_KINDS: &[&str] = &[
    "home_visit",
    "street_outreach",
    "information_session",
    "community_event",
    "distribution",
    // Outreach by phone (a hotline) and media pieces (radio, social media), recorded by the
    // outreach module like the others.
    "hotline",
    "media",
];
pub const STAFF_ROLES: &[&str] = &[
    "caseworker",
    "supervisor",
    "focal_point",
    "community_agent",
    "trainer",
    "other",
];

use FieldType::{Bool, Code, Date, Integer, Sop, Step, Text};

/// The person's characteristics every person-level record carries, for disaggregation.
macro_rules! person_dims {
    () => {
        [
            f("sex", Code(SEX)),
            f("age_band", Code(AGE_BANDS)),
            f("nationality_group", Text),
            f("migration_status", Code(MIGRATION_STATUS)),
            f("disability", Code(DISABILITY)),
        ]
    };
}

const fn concat<const A: usize, const B: usize, const N: usize>(
    a: [Field; A],
    b: [Field; B],
) -> [Field; N] {
    let mut out = [f("", Bool); N];
    let mut i = 0;
    while i < A {
        out[i] = a[i];
        i += 1;
    }
    let mut j = 0;
    while j < B {
        out[A + j] = b[j];
        j += 1;
    }
    out
}

const CASES: &[Field] = &concat::<18, 5, 23>(
    [
        f("id", Text),
        f("person_id", Text),
        f("sop", Sop),
        f("sop_version", Integer),
        f("status", Code(CASE_STATUS)),
        f("risk", Code(RISK)),
        f("opened_at", Date),
        f("closed_at", Date),
        f("caseworker_id", Text),
        f("supervisor_id", Text),
        f("agency", Text),
        f("area", Text),
        // Derived: the case plan step's date of supervisor approval, null until approved.
        f("plan_approved_at", Date),
        // Derived: every action of the approved case plan is marked done.
        f("plan_completed", Bool),
        // Derived: number of completed follow-up visits recorded on the case.
        f("follow_ups", Integer),
        // Derived: number of referrals made for the case.
        f("referrals_made", Integer),
        // From the closure form: the person's satisfaction, 1 (very unsatisfied) to 5.
        f("satisfaction_score", Integer),
        f("restricted", Bool),
    ],
    person_dims!(),
);

/// Fields of a case step, also reachable from a case as `step("id").field`.
const CASE_STEPS: &[Field] = &concat::<14, 5, 19>(
    [
        f("case_id", Text),
        f("sop", Sop),
        f("step", Step),
        f("risk", Code(RISK)),
        f("due_at", Date),
        f("completed_at", Date),
        f("completed", Bool),
        // Derived: completed on or before its due date (null while open and not yet due).
        f("met_deadline", Bool),
        f("approved", Bool),
        f("opened_at", Date),
        f("caseworker_id", Text),
        f("agency", Text),
        f("area", Text),
        f("person_id", Text),
    ],
    person_dims!(),
);

/// The fields `step("id").field` may name on a case.
pub const STEP_FIELDS: &[&str] = &[
    "due_at",
    "completed_at",
    "completed",
    "met_deadline",
    "approved",
];

const REFERRALS: &[Field] = &concat::<13, 5, 18>(
    [
        f("id", Text),
        f("case_id", Text),
        f("person_id", Text),
        f("sop", Sop),
        f("need", Text),
        // The referring agency: the one accountable for closing the loop.
        f("agency", Text),
        f("to_agency", Text),
        f("area", Text),
        f("referred_at", Date),
        f("responded_at", Date),
        f("completed_at", Date),
        f("status", Code(REFERRAL_STATUS)),
        // No `outcome`: it is free text, kept only sealed (issue 10); figures use the status.
        f("urgent", Bool),
    ],
    person_dims!(),
);

const OUTREACH_ACTIVITIES: &[Field] = &[
    f("id", Text),
    f("kind", Code(OUTREACH_KINDS)),
    f("agency", Text),
    f("area", Text),
    f("campaign", Text),
    f("community_agent_id", Text),
    f("held_on", Date),
    // When the activity was entered in Passerelle: the reporting delay is `days(held_on, recorded_on)`.
    f("recorded_on", Date),
    f("people_reached", Integer),
];

const PEOPLE_REACHED: &[Field] = &concat::<9, 5, 14>(
    [
        f("id", Text),
        f("activity_id", Text),
        // Null for someone reached anonymously.
        f("person_id", Text),
        f("agency", Text),
        f("area", Text),
        f("reached_on", Date),
        // Derived: the person later registered with a service (a case or completed referral).
        f("registered_with_service", Bool),
        f("registered_on", Date),
        f("referred", Bool),
    ],
    person_dims!(),
);

const TRAINING_PARTICIPANTS: &[Field] = &[
    f("id", Text),
    f("staff_id", Text),
    f("session_id", Text),
    f("module", Text),
    f("curriculum", Text),
    // The SOP the module trains staff to apply, if any.
    f("sop", Sop),
    f("agency", Text),
    f("area", Text),
    f("sex", Code(SEX)),
    f("session_start", Date),
    f("session_end", Date),
    f("attended", Bool),
    f("completed", Bool),
    f("certified", Bool),
    f("pre_test_score", Integer),
    f("post_test_score", Integer),
];

const SERVICES: &[Field] = &[
    f("id", Text),
    f("agency", Text),
    f("area", Text),
    f("need", Text),
    f("active", Bool),
    f("listed_on", Date),
    f("reviewed_on", Date),
];

const PEOPLE: &[Field] = &concat::<5, 5, 10>(
    [
        f("id", Text),
        f("agency", Text),
        f("area", Text),
        f("registered_at", Date),
        f("open_cases", Integer),
    ],
    person_dims!(),
);

const STAFF: &[Field] = &[
    f("id", Text),
    f("role", Code(STAFF_ROLES)),
    f("agency", Text),
    f("area", Text),
    f("sex", Code(SEX)),
    f("active", Bool),
    f("joined_on", Date),
    f("left_on", Date),
    // Derived: the staff member is certified on every SOP of the cases assigned to them.
    f("trained_on_assigned_sops", Bool),
    f("supervisor_id", Text),
];

/// What a result may be broken down by. A field named after the dimension carries it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Dimension {
    Sex,
    AgeBand,
    NationalityGroup,
    MigrationStatus,
    Disability,
    Area,
    Agency,
    Sop,
}

impl Dimension {
    pub const ALL: [Dimension; 8] = [
        Dimension::Sex,
        Dimension::AgeBand,
        Dimension::NationalityGroup,
        Dimension::MigrationStatus,
        Dimension::Disability,
        Dimension::Area,
        Dimension::Agency,
        Dimension::Sop,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Dimension::Sex => "sex",
            Dimension::AgeBand => "age_band",
            Dimension::NationalityGroup => "nationality_group",
            Dimension::MigrationStatus => "migration_status",
            Dimension::Disability => "disability",
            Dimension::Area => "area",
            Dimension::Agency => "agency",
            Dimension::Sop => "sop",
        }
    }

    pub fn from_code(s: &str) -> Option<Dimension> {
        Dimension::ALL.into_iter().find(|d| d.code() == s)
    }
}

impl fmt::Display for Dimension {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeSet;

    #[test]
    fn every_entity_has_its_anchor_as_a_date_and_unique_field_names() {
        for e in Entity::ALL {
            let anchor = e.field(e.default_anchor()).map(|f| f.ty);
            assert_eq!(anchor, Some(FieldType::Date), "{e}");
            let names: BTreeSet<_> = e.fields().iter().map(|f| f.name).collect();
            assert_eq!(names.len(), e.fields().len(), "{e} repeats a field");
            assert!(!names.contains(""), "{e} has an empty field name");
            assert_eq!(Entity::from_code(e.code()), Some(e));
        }
    }

    #[test]
    fn step_fields_exist_on_case_steps() {
        for name in STEP_FIELDS {
            assert!(Entity::CaseSteps.field(name).is_some(), "{name}");
        }
    }

    #[test]
    fn dimensions_follow_fields() {
        assert_eq!(Entity::Cases.dimensions(), Dimension::ALL.to_vec());
        assert_eq!(
            Entity::OutreachActivities.dimensions(),
            vec![Dimension::Area, Dimension::Agency]
        );
        assert!(
            Entity::TrainingParticipants
                .dimensions()
                .contains(&Dimension::Sop)
        );
        for d in Dimension::ALL {
            assert_eq!(Dimension::from_code(d.code()), Some(d));
        }
    }
}
