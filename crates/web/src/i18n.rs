//! Translations with Project Fluent: one bundle per language, loaded from `content/i18n/`.
//!
//! Templates and handlers receive a [`Tr`] for the reader's language and ask it for messages
//! by id. A missing message shows its id (and is logged) rather than failing the page; the
//! test suite checks that every id used exists in every language.

use fluent_bundle::concurrent::FluentBundle;
use fluent_bundle::{FluentArgs, FluentResource, FluentValue};
use passerelle_core::lang::Lang;
use std::collections::HashMap;
use std::sync::Arc;

/// The Fluent files, embedded at build time so the binary runs with nothing beside it.
#[derive(rust_embed::Embed)]
#[folder = "../../content/i18n/"]
struct Files;

pub struct I18n {
    bundles: HashMap<Lang, FluentBundle<FluentResource>>,
}

#[derive(Debug, thiserror::Error)]
pub enum I18nError {
    #[error("{file}: {message}")]
    Parse { file: String, message: String },
}

impl I18n {
    /// Loads every `*.ftl` under `content/i18n/<lang>/`. A syntax error stops the start-up:
    /// a half-translated interface is worse than a clear error for the administrator.
    pub fn load() -> Result<I18n, I18nError> {
        let mut bundles = HashMap::new();
        for lang in Lang::ALL {
            let langid: unic_langid::LanguageIdentifier =
                lang.code().parse().expect("language codes are valid BCP 47");
            let mut bundle = FluentBundle::new_concurrent(vec![langid]);
            // Bidi isolation marks would end up inside HTML attributes and values.
            bundle.set_use_isolating(false);
            let mut files: Vec<_> = Files::iter()
                .filter(|f| f.starts_with(&format!("{}/", lang.code())) && f.ends_with(".ftl"))
                .collect();
            files.sort();
            for file in files {
                let bytes = Files::get(&file).map(|f| f.data.into_owned()).unwrap_or_default();
                let text = String::from_utf8(bytes).map_err(|_| I18nError::Parse {
                    file: file.to_string(),
                    message: "not UTF-8".into(),
                })?;
                let res = FluentResource::try_new(text).map_err(|(_, errs)| I18nError::Parse {
                    file: file.to_string(),
                    message: format!("{errs:?}"),
                })?;
                bundle.add_resource(res).map_err(|errs| I18nError::Parse {
                    file: file.to_string(),
                    message: format!("duplicate messages: {errs:?}"),
                })?;
            }
            bundles.insert(lang, bundle);
        }
        Ok(I18n { bundles })
    }

    pub fn has(&self, lang: Lang, id: &str) -> bool {
        self.bundles.get(&lang).is_some_and(|b| b.has_message(id))
    }

    /// Every message id of a language (for the completeness test).
    pub fn ids(lang: Lang) -> Vec<String> {
        let mut ids = Vec::new();
        for file in Files::iter().filter(|f| f.starts_with(&format!("{}/", lang.code()))) {
            let bytes = Files::get(&file).map(|f| f.data.into_owned()).unwrap_or_default();
            if let Ok(res) = FluentResource::try_new(String::from_utf8_lossy(&bytes).into_owned()) {
                for entry in res.entries() {
                    if let fluent_syntax::ast::Entry::Message(m) = entry {
                        ids.push(m.id.name.to_string());
                    }
                }
            }
        }
        ids.sort();
        ids
    }

    pub fn format(&self, lang: Lang, id: &str, args: Option<&FluentArgs>) -> String {
        let Some(bundle) = self.bundles.get(&lang) else { return id.to_string() };
        let Some(msg) = bundle.get_message(id) else {
            tracing::warn!(id, lang = lang.code(), "missing translation");
            return id.to_string();
        };
        let Some(pattern) = msg.value() else { return id.to_string() };
        let mut errors = Vec::new();
        let out = bundle.format_pattern(pattern, args, &mut errors);
        if !errors.is_empty() {
            tracing::warn!(id, lang = lang.code(), ?errors, "translation error");
        }
        out.into_owned()
    }
}

/// A date, or a reference to one (templates pass their values by reference).
pub trait AsDate {
    fn as_date(&self) -> chrono::NaiveDate;
}

impl AsDate for chrono::NaiveDate {
    fn as_date(&self) -> chrono::NaiveDate {
        *self
    }
}

impl<T: AsDate + ?Sized> AsDate for &T {
    fn as_date(&self) -> chrono::NaiveDate {
        (**self).as_date()
    }
}

/// A translator bound to the reader's language, handed to every template.
#[derive(Clone)]
pub struct Tr {
    pub lang: Lang,
    i18n: Arc<I18n>,
}

impl Tr {
    pub fn new(i18n: Arc<I18n>, lang: Lang) -> Tr {
        Tr { lang, i18n }
    }

    /// The message `id`.
    pub fn t(&self, id: &str) -> String {
        self.i18n.format(self.lang, id, None)
    }

    /// The message `id` with one named argument.
    pub fn t1(&self, id: &str, name: &str, value: impl ToString) -> String {
        let mut args = FluentArgs::new();
        args.set(name, FluentValue::from(value.to_string()));
        self.i18n.format(self.lang, id, Some(&args))
    }

    /// The message `id` with a count, for plural forms (`{ $count -> [one] … *[other] … }`).
    pub fn count(&self, id: &str, count: impl std::borrow::Borrow<i64>) -> String {
        let mut args = FluentArgs::new();
        args.set("count", FluentValue::from(*count.borrow()));
        self.i18n.format(self.lang, id, Some(&args))
    }

    /// The message `id` with several numbers (plural forms may select on any of them).
    pub fn t_n(&self, id: &str, args: &[(&str, i64)]) -> String {
        let mut a = FluentArgs::new();
        for (name, value) in args {
            a.set(*name, FluentValue::from(*value));
        }
        self.i18n.format(self.lang, id, Some(&a))
    }

    /// What a page says of figures or counts kept a while: when they were made (`at_id`, with
    /// `$time`), then after how many minutes they are made again (`again_id`, a `$count` of
    /// minutes, rounded up), unless they are made at every view (`max_age` zero).
    pub fn kept_note(&self, at_id: &str, at: &chrono::DateTime<chrono::Utc>, again_id: &str, max_age: std::time::Duration) -> String {
        let at = self.t1(at_id, "time", self.datetime(at));
        let minutes = i64::try_from(max_age.as_secs().div_ceil(60)).unwrap_or(i64::MAX);
        if minutes == 0 {
            at
        } else {
            format!("{at} {}", self.count(again_id, minutes))
        }
    }

    /// A code name shown to people, e.g. `tr.code("role", "caseworker")` -> `role-caseworker`.
    pub fn code(&self, prefix: &str, code: &str) -> String {
        self.t(&format!("{prefix}-{}", code.replace('_', "-")))
    }

    pub fn has(&self, id: &str) -> bool {
        self.i18n.has(self.lang, id)
    }

    /// A risk level by code, in the SOP engine's own words, so the handbook and the case pages
    /// name it alike.
    pub fn risk(&self, code: &str) -> String {
        passerelle_core::sop::RiskLevel::from_code(code)
            .map(|r| passerelle_core::sop::labels::risk(self.lang, r).to_string())
            .unwrap_or_else(|| code.to_string())
    }

    /// A date in the reader's format; templates may hand it over behind any number of `&`.
    pub fn date(&self, d: impl AsDate) -> String {
        passerelle_core::format::date(self.lang, d.as_date())
    }

    pub fn datetime(&self, t: &chrono::DateTime<chrono::Utc>) -> String {
        passerelle_core::format::datetime(self.lang, *t)
    }

    pub fn int(&self, n: impl std::borrow::Borrow<i64>) -> String {
        passerelle_core::format::integer(self.lang, *n.borrow())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeSet;

    #[test]
    fn every_file_parses() {
        I18n::load().expect("all .ftl files parse");
    }

    #[test]
    fn every_language_has_the_same_messages() {
        let en: BTreeSet<String> = I18n::ids(Lang::En).into_iter().collect();
        assert!(en.len() > 100);
        for lang in [Lang::Fr, Lang::Es] {
            let other: BTreeSet<String> = I18n::ids(lang).into_iter().collect();
            let missing: Vec<_> = en.difference(&other).collect();
            let extra: Vec<_> = other.difference(&en).collect();
            assert!(missing.is_empty() && extra.is_empty(), "{lang:?}: missing {missing:?}, extra {extra:?}");
        }
    }

    /// Every message id the templates and the code ask for exists: a typo in an id would
    /// otherwise show the raw id to the reader.
    #[test]
    fn every_id_used_exists() {
        let i18n = I18n::load().unwrap();
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut sources = Vec::new();
        for dir in ["templates", "src", "src/pages", "src/pages/admin", "src/pages/directory", "src/pages/forms", "src/pages/training", "src/pages/cases", "src/pages/referrals", "src/pages/indicators", "src/pages/trafficking", "src/pages/outreach"] {
            for entry in std::fs::read_dir(root.join(dir)).unwrap() {
                let path = entry.unwrap().path();
                if path.is_file() {
                    sources.push(std::fs::read_to_string(&path).unwrap());
                }
            }
        }
        let mut used = BTreeSet::new();
        for text in &sources {
            for call in [".t(\"", ".t1(\"", ".t_n(\"", ".count(\"", "title_key: \"", "key: \""] {
                for (i, _) in text.match_indices(call) {
                    let rest = &text[i + call.len()..];
                    let id: String = rest.chars().take_while(|c| c.is_ascii_alphanumeric() || *c == '-').collect();
                    if !id.is_empty() && rest[id.len()..].starts_with('"') {
                        used.insert(id);
                    }
                }
            }
        }
        // Ids built from codes: roles, agency kinds, sectors, field errors, status keys.
        for r in passerelle_core::access::Role::ALL {
            used.insert(format!("role-{}", r.code().replace('_', "-")));
        }
        for k in passerelle_store::agencies::AGENCY_KINDS {
            used.insert(format!("agency-kind-{}", k.replace('_', "-")));
        }
        for s in passerelle_store::agencies::SECTORS {
            used.insert(format!("sector-{}", s.replace('_', "-")));
        }
        for code in ["required", "too-long", "control-chars", "email", "password-short", "unknown-choice",
                     "team-not-in-agency", "taken", "out-of-range", "not-a-number", "mismatch",
                     "same-as-current", "wrong-password", "totp-wrong", "keep-own-admin"] {
            used.insert(format!("error-field-{code}"));
        }
        // Directory upkeep (needs taxonomy, archiving): problem codes set at runtime.
        for code in ["need-code", "need-ambiguous", "in-use"] {
            used.insert(format!("error-field-{code}"));
        }
        for area in passerelle_core::sop::SERVICE_AREAS {
            used.insert(format!("sop-area-{}", area.replace('_', "-")));
        }
        for code in ["title-changed", "summary-changed", "service-area-changed", "role-added", "role-removed",
                     "step-added", "step-removed", "step-moved", "step-text-changed", "step-phase-changed",
                     "step-role-changed", "deadline-anchor-changed", "deadline-changed", "form-added",
                     "form-removed", "approval-added", "approval-removed", "referral-added",
                     "referral-removed", "referral-changed", "consent-changed"] {
            used.insert(format!("sop-change-{code}"));
        }
        for code in ["syntax", "missing-field", "wrong-type", "unknown-field", "empty-text", "invalid-id",
                     "reserved-step-id", "invalid-version", "unknown-role", "role-not-declared", "unknown-form",
                     "unknown-service-area", "unknown-referral-target", "unknown-phase", "unknown-risk-level",
                     "unknown-flag", "unknown-step", "duplicate-step", "duplicate-entry", "negative-deadline",
                     "invalid-deadline", "no-previous-step", "deadline-cycle", "no-steps", "no-closure-step",
                     "missing-closure-criteria", "duplicate-sop"] {
            used.insert(format!("sop-error-{code}"));
        }
        for code in ["required", "constraint", "not-integer", "not-decimal", "not-date", "not-datetime", "not-time",
                     "unknown-choice", "not-acknowledged", "not-a-value", "not-a-list", "not-an-object",
                     "unknown-field", "repeat-count", "expression-error"] {
            used.insert(format!("form-answer-{code}"));
        }
        for aspect in ["type", "label", "hint", "required", "relevant", "constraint", "calculation", "choices", "default", "group"] {
            used.insert(format!("form-aspect-{aspect}"));
        }
        for code in ["unreadable", "cell-error", "missing-sheet", "missing-column", "unknown-column", "unsupported-column",
                     "misplaced-column", "missing-type", "unknown-type", "unsupported-type", "missing-name", "bad-name",
                     "duplicate-name", "unmatched-end", "unclosed-begin", "select-without-list", "unknown-choice-list",
                     "empty-choice-list", "duplicate-choice", "bad-choice-name", "missing-list-name", "missing-label",
                     "bad-boolean", "bad-expression", "unknown-reference", "bare-name", "unknown-choice-column",
                     "position-outside-repeat", "missing-calculation", "bad-default", "missing-form-id",
                     "unknown-setting", "extra-settings-row", "unknown-language"] {
            used.insert(format!("form-error-{code}"));
        }
        // Retention (issue 10): SOP problem and change codes, actions and hold reasons.
        for code in ["sop-error-invalid-retention-period", "sop-error-unknown-retention-action", "sop-change-retention-changed"] {
            used.insert(code.to_string());
        }
        for a in passerelle_core::sop::RetentionAction::ALL {
            used.insert(format!("retention-action-{}", a.code()));
        }
        for r in passerelle_store::retention::HoldReason::ALL {
            used.insert(format!("retention-reason-{}", r.code().replace('_', "-")));
        }
        for code in passerelle_store::people::MIGRATION_STATUSES {
            used.insert(format!("migration-status-{}", code.replace('_', "-")));
        }
        for code in passerelle_store::people::SEXES {
            used.insert(format!("sex-{code}"));
        }
        for code in passerelle_store::cases::STATUSES {
            used.insert(format!("case-status-{code}"));
        }
        for code in ["done", "done-late", "waiting", "open", "overdue"] {
            used.insert(format!("case-step-{code}"));
        }
        for code in ["approved", "rejected"] {
            used.insert(format!("case-approval-{code}"));
        }
        for code in ["pending", "accepted", "declined"] {
            used.insert(format!("case-transfer-status-{code}"));
        }
        for code in passerelle_store::consents::GIVERS {
            used.insert(format!("consent-giver-{}", code.replace('_', "-")));
        }
        for code in passerelle_store::consents::SCOPES {
            used.insert(format!("consent-scope-{}", code.replace('_', "-")));
        }
        for code in ["not-a-date"] {
            used.insert(format!("error-field-{code}"));
        }
        for code in ["name-agrees", "name-differs", "name-missing", "names-transposed", "alias-used", "birth-date-same",
                     "birth-date-close", "birth-year-close", "birth-date-differs", "birth-date-unknown", "sex-same",
                     "sex-differs", "nationality-same", "nationality-differs", "phone-same", "phone-differs",
                     "external-id-same", "external-id-differs"] {
            used.insert(format!("matching-reason-{code}"));
        }
        // Referrals: statuses, moves, urgencies, shared fields, grounds, figures, feedback.
        for s in passerelle_core::referral::Status::ALL {
            used.insert(format!("referral-status-{}", s.code()));
            used.insert(format!("referral-move-{}", s.code()));
        }
        for u in passerelle_core::referral::Urgency::ALL {
            used.insert(format!("referral-urgency-{}", u.code()));
        }
        for (prefix, codes) in [
            ("referral-field", passerelle_core::referral::SHAREABLE),
            ("referral-ground", passerelle_core::referral::LEGAL_GROUNDS),
            ("referral-fate", passerelle_core::referral::figures::FATES),
            ("referral-by", crate::pages::referrals::figures::BREAKDOWNS),
            ("referral-age", passerelle_core::indicators::schema::AGE_BANDS),
            ("referral-difficulty", passerelle_store::referrals::DIFFICULTIES),
            ("referral-quality", &["1", "2", "3", "4", "5"]),
            ("referral-reason", &["area", "language", "open_to_migrants"]),
        ] {
            for c in codes {
                used.insert(format!("{prefix}-{}", c.replace('_', "-")));
            }
        }
        for t in passerelle_core::directory::taxonomy::Taxonomy::protection().terms() {
            used.insert(format!("referral-reason-attribute-{}", t.code.replace('_', "-")));
        }
        for code in ["service-required", "service-closed", "need-required", "case-closed", "legal-ground-unknown",
                     "consent-not-active", "no-legal-basis", "transition-not-allowed", "wrong-side", "reason-required",
                     "outcome-required", "feedback-code"] {
            used.insert(format!("error-field-referral-{code}"));
        }
        for done in ["saved", "deactivated", "reactivated", "password-reset", "unlocked"] {
            used.insert(format!("user-done-{done}"));
        }
        // The directory: service statuses and the days of opening hours.
        for st in passerelle_core::directory::hsds::ServiceStatus::ALL {
            used.insert(format!("directory-status-{}", st.as_str().replace(' ', "-")));
        }
        for k in passerelle_store::communities::KINDS {
            used.insert(format!("community-kind-{k}"));
        }
        for k in passerelle_store::communities::SEXES {
            used.insert(format!("community-sex-{k}"));
        }
        for code in ["bad-hours", "bad-phone", "bad-url", "bad-date"] {
            used.insert(format!("error-field-{code}"));
        }
        for k in passerelle_core::directory::hsds::RecordKind::ALL {
            used.insert(format!("import-kind-{}", k.code().replace('_', "-")));
        }
        for code in ["invalid-json", "unsupported-shape", "empty-dataset", "not-an-object", "missing-field", "bad-value",
                     "bad-status", "bad-id", "duplicate-id", "bad-email", "bad-url", "bad-date", "unknown-organization",
                     "organization-rejected", "unknown-term", "bad-age-range", "sheet-encoding", "sheet-decoded",
                     "sheet-unreadable", "sheet-empty", "sheet-missing-column", "sheet-duplicate-column",
                     "sheet-unknown-column", "sheet-malformed-row", "sheet-required", "sheet-unknown-term",
                     "sheet-unknown-area", "sheet-bad-phone", "sheet-bad-email", "sheet-bad-url", "sheet-bad-schedule",
                     "sheet-bad-date", "sheet-bad-number", "sheet-bad-status", "sheet-bad-flag", "sheet-bad-language",
                     "sheet-cell-error", "sheet-duplicate-row"] {
            used.insert(format!("import-error-{code}"));
        }
        for d in ["mo", "tu", "we", "th", "fr", "sa", "su"] {
            used.insert(format!("weekday-{d}"));
        }
        // Training: statuses, modes, payers, kinds, sexes, tests, and the codes of its errors.
        use passerelle_store::training::{curricula, sessions};
        for (prefix, codes) in [
            ("training-status", sessions::STATUSES),
            ("training-mode", curricula::MODES),
            ("training-payer", curricula::PAYERS),
            ("training-cost-kind", curricula::COST_KINDS),
            ("training-sex", sessions::SEXES),
            ("training-test", sessions::TEST_KINDS),
        ] {
            for c in codes {
                used.insert(format!("{prefix}-{}", c.replace('_', "-")));
            }
        }
        used.insert("training-sex-not-recorded".into());
        // Exports: their kinds.
        for k in passerelle_store::exports::KINDS {
            used.insert(format!("export-kind-{k}"));
        }
        for code in ["unknown-currency", "currency-mismatch", "zero-participants", "negative-amount", "overflow",
                     "no-modules", "no-cost-lines", "no-shares", "duplicate-payer", "no-payer"] {
            used.insert(format!("training-cost-{code}"));
        }
        for code in ["empty-key", "wrong-length", "bad-character", "bad-check", "mismatch"] {
            used.insert(format!("certificate-{code}"));
        }
        for code in ["bad-code", "unknown-currency", "bad-amount", "not-a-date", "too-many", "below-minimum",
                     "after-first-day", "session-cancelled", "not-started", "session-closed", "not-seated",
                     "unknown-day", "future-day", "not-completed", "training-curriculum-not-enough-optional",
                     "training-curriculum-mandatory-and-optional"] {
            used.insert(format!("error-field-{code}"));
        }
        // Indicators and quality: units, dimensions and their coded values, period errors,
        // assessment statuses and the codes of answer and decision errors.
        {
            use passerelle_core::indicators::{schema, Dimension, NotComputable, Unit};
            for u in [Unit::Percent, Unit::Ratio, Unit::Count, Unit::Days, Unit::Score] {
                used.insert(format!("indicator-unit-{}", u.code()));
            }
            for d in Dimension::ALL {
                used.insert(format!("indicator-dimension-{}", d.code().replace('_', "-")));
            }
            for (dim, codes) in [("sex", schema::SEX), ("age-band", schema::AGE_BANDS),
                                 ("migration-status", schema::MIGRATION_STATUS), ("disability", schema::DISABILITY)] {
                for c in codes {
                    used.insert(format!("indicator-value-{dim}-{}", c.replace('_', "-")));
                }
            }
            for n in [NotComputable::ZeroDenominator, NotComputable::NoValues, NotComputable::Overflow] {
                used.insert(n.code().to_string());
            }
            for code in ["unreadable", "bad-month", "bad-quarter", "bad-year", "ends-before-start"] {
                used.insert(format!("period-{code}"));
            }
            for s in passerelle_store::indicators::assessments::STATUSES {
                used.insert(format!("quality-status-{s}"));
            }
            for code in ["quality-answer-level-off-scale", "quality-answer-evidence-missing", "quality-answer-comment-missing",
                         "quality-decision-comment-missing", "quality-decision-own-submission",
                         "quality-kind-quantitative", "quality-kind-qualitative", "indicator-bad-breakdown",
                         "quality-error-indicator", "quality-error-decision"] {
                used.insert(code.to_string());
            }
        }
        // Counter-trafficking: screening codes, HTCDS categories and fields, task-force tables.
        {
            use passerelle_core::trafficking::htcds::*;
            use passerelle_core::trafficking::screening::{Dimension, Outcome, Recommendation, Stage};
            let mut add = |prefix: &str, codes: Vec<&str>| {
                for c in codes {
                    used.insert(format!("{prefix}-{}", c.to_lowercase().replace('_', "-")));
                }
            };
            add("trafficking-outcome", [Outcome::PresumedVictim, Outcome::Possible, Outcome::None].iter().map(|o| o.code()).collect());
            add("trafficking-recommendation", [Recommendation::ReferToNationalReferralMechanism, Recommendation::FurtherInterview, Recommendation::NoFurtherAction].iter().map(|r| r.code()).collect());
            add("trafficking-channel", passerelle_store::trafficking::CHANNELS.to_vec());
            add("trafficking-age", vec!["adult", "child"]);
            add("trafficking-dimension", Dimension::ALL.iter().map(|d| d.code()).collect());
            add("trafficking-stage", Stage::ALL.iter().map(|s| s.code()).collect());
            add("trafficking-tier", vec!["strong", "medium", "weak"]);
            add("htcds-status", TraffickingStatus::ALL.iter().map(|v| v.code()).collect());
            add("htcds-organisation", OrganisationType::ALL.iter().map(|v| v.code()).collect());
            add("htcds-case-status", CaseStatus::ALL.iter().map(|v| v.code()).collect());
            add("htcds-gender", Gender::ALL.iter().map(|v| v.code()).collect());
            add("htcds-recruitment", RecruitmentMethod::ALL.iter().map(|v| v.code()).collect());
            add("htcds-relationship", RelationshipToTrafficker::ALL.iter().map(|v| v.code()).collect());
            add("htcds-exploitation", ExploitationType::ALL.iter().map(|v| v.code()).collect());
            add("htcds-isic", IsicSection::ALL.iter().map(|v| v.code()).collect());
            add("htcds-sex-type", SexExploitationType::ALL.iter().map(|v| v.code()).collect());
            add("htcds-means", MeansOfControl::ALL.iter().map(|v| v.code()).collect());
            add("htcds-support", SupportCategory::ALL.iter().map(|v| v.code()).collect());
            add("htcds-purpose", ConsentPurpose::ALL.iter().map(|v| v.code()).collect());
            add("htcds-given-by", ConsentGivenBy::ALL.iter().map(|v| v.code()).collect());
            add("htcds-consent-given", vec!["yes", "no"]);
            add("htcds-interpreter", vec!["yes"]);
            add("htcds-informed", passerelle_store::trafficking::Informed::FIELDS.to_vec());
            add("htcds-section", vec!["status", "person", "recruitment", "exploitation", "support", "consent"]);
            add("htcds-field", vec!["registered_on", "status", "decided_by", "decided_on", "case_status", "gender",
                "age_at_identification", "age_when_trafficked", "citizenship", "recruitment_methods", "relationship",
                "recruitment_country", "recruitment_area", "recruitment_date", "exploitation_types", "labour_sectors",
                "sex_types", "means_of_control", "exploitation_country", "exploitation_area", "exploitation_started_on",
                "exploitation_ended_on", "support_plan", "consent_given", "consent_purposes", "consent_given_by",
                "consent_recorded_on", "consent_language", "consent_interpreter", "consent_withdrawn_on", "informed"]);
            add("taskforce-by", passerelle_core::trafficking::taskforce::Breakdown::ALL.iter().map(|b| b.code()).collect());
            add("error-field-trafficking", vec!["future-date", "age-after-identification", "bad-country", "end-before-start",
                "sector-without-labour", "sex-type-without-sexual", "bad-language"]);
            used.insert("field-trafficking-person".into());
            used.insert("field-screening-case".into());
        }
        // Outreach: kinds, settings, breakdowns, their codes, and the codes of its errors.
        {
            use passerelle_core::outreach as o;
            for (prefix, codes) in [
                ("outreach-kind", o::KINDS),
                ("outreach-setting", o::SETTINGS),
                ("outreach-breakdown", o::BREAKDOWNS),
                ("outreach-sex", o::SEXES),
                ("outreach-age", o::AGE_BANDS),
                ("outreach-disability", o::DISABILITY),
                ("migration-status", o::MIGRATION_STATUSES),
            ] {
                for c in codes {
                    used.insert(format!("{prefix}-{}", c.replace('_', "-")));
                }
            }
            for step in ["reached", "registered", "referral-wanted", "referred", "referral-completed"] {
                used.insert(format!("outreach-funnel-{step}"));
            }
            for code in ["outreach-consent-missing", "outreach-consent-registration", "outreach-consent-referral",
                         "outreach-group-line", "outreach-before-start", "outreach-changed-meanwhile",
                         "referral-follow-up-gone"] {
                used.insert(format!("error-field-{code}"));
            }
            for code in ["empty", "unknown-column", "missing-column", "unknown-agent", "mismatch", "submission-taken"] {
                used.insert(format!("outreach-import-{code}"));
            }
            for code in ["open", "kept-mine", "kept-theirs"] {
                used.insert(format!("outreach-resolution-{code}"));
            }
        }
        // Functioning (Washington Group), household relations, case-plan statuses.
        {
            use passerelle_core::functioning::{Answer, Domain};
            for d in Domain::ALL {
                let c = d.code().replace('_', "-");
                for prefix in ["functioning-q", "functioning-domain", "field-wg"] {
                    used.insert(format!("{prefix}-{c}"));
                }
            }
            for a in Answer::ALL {
                used.insert(format!("functioning-answer-{}", a.code().replace('_', "-")));
            }
            for s in ["yes", "no", "unknown"] {
                used.insert(format!("functioning-status-{s}"));
            }
            for r in passerelle_core::household::CHOICES {
                used.insert(format!("household-relation-{}", r.replace('_', "-")));
            }
            for s in passerelle_store::case_plan::STATUSES {
                used.insert(format!("plan-status-{}", s.replace('_', "-")));
            }
            for code in ["already-linked", "case-closed"] {
                used.insert(format!("error-field-{code}"));
            }
            for f in ["asked-on", "relation", "goal-title", "action-who", "action-due-on"] {
                used.insert(format!("field-{f}"));
            }
        }
        // A person's rights: dossier sections, erasure modes, refusals, the nav entry.
        for name in passerelle_store::rights::SECTIONS {
            used.insert(format!("rights-section-{}", name.replace('_', "-")));
        }
        for m in passerelle_store::rights::Mode::ALL {
            used.insert(format!("rights-mode-{}", m.code()));
        }
        for code in ["mode", "confirm", "legal-hold"] {
            used.insert(format!("rights-error-{code}"));
        }
        used.insert("nav-personal-data".into());
        // Follow-up visits: kinds and problem codes set at runtime.
        for k in passerelle_store::visits::KINDS {
            used.insert(format!("visit-kind-{}", k.replace('_', "-")));
        }
        for code in ["visit-in-future", "visit-next-too-early"] {
            used.insert(format!("error-field-{code}"));
        }
        for f in ["visited-on", "who-went", "seen", "next-on"] {
            used.insert(format!("field-{f}"));
        }
        assert!(used.len() > 150, "the scan found {} ids", used.len());
        for lang in Lang::ALL {
            let missing: Vec<_> = used.iter().filter(|id| !i18n.has(lang, id)).collect();
            assert!(missing.is_empty(), "{lang:?} lacks {missing:?}");
        }
    }

    #[test]
    fn plurals_and_arguments() {
        let i18n = Arc::new(I18n::load().unwrap());
        let en = Tr::new(i18n.clone(), Lang::En);
        assert_eq!(en.count("agencies-count", 1), "One agency");
        assert_eq!(en.count("agencies-count", 3), "3 agencies");
        assert_eq!(en.t1("dashboard-greeting", "name", "Ana"), "Welcome, Ana");
        let fr = Tr::new(i18n, Lang::Fr);
        assert!(fr.t("sign-out").contains("déconnecter"));
        assert_eq!(fr.code("role", "caseworker"), fr.t("role-caseworker"));
    }
}
