//! The SOP handbook: every SOP as a readable, printable document in one language. This builds
//! the document's content (sections of labelled rows); the web layer's template lays it out.

use super::labels::{self, t};
use super::model::{Anchor, RiskLevel, Sop, Step};
use crate::lang::Lang;
use serde::Serialize;

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Handbook {
    pub lang: Lang,
    pub sop_id: String,
    pub version: u32,
    pub title: String,
    pub summary: String,
    pub sections: Vec<Section>,
}

/// A titled block. With `columns` empty it reads as label: value(s) lines; with columns it is
/// a table whose first column is each row's label.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Section {
    /// Stable anchor for links and the table of contents (`overview`, `step-<id>`, ...).
    pub id: String,
    pub heading: String,
    pub columns: Vec<String>,
    pub rows: Vec<Row>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Row {
    pub label: String,
    /// One value per column, or for a label/value section one value per line.
    pub values: Vec<String>,
}

fn row(label: &str, values: Vec<String>) -> Row {
    Row { label: label.to_string(), values }
}

/// The handbook of `sop` in `lang`: an overview, one section per step in order, the deadlines
/// at a glance, and the mandatory referral rules.
pub fn handbook(sop: &Sop, lang: Lang) -> Handbook {
    let mut sections = vec![overview(sop, lang)];
    for (i, step) in sop.steps.iter().enumerate() {
        sections.push(step_section(sop, step, i, lang));
    }
    sections.push(deadlines_table(sop, lang));
    if let Some(s) = referral_table(sop, lang) {
        sections.push(s);
    }
    Handbook {
        lang,
        sop_id: sop.id.clone(),
        version: sop.version,
        title: sop.title.get(lang).to_string(),
        summary: sop.summary.get(lang).to_string(),
        sections,
    }
}

fn step_heading(step: &Step, i: usize, lang: Lang) -> String {
    format!("{}. {}", i + 1, step.title.get(lang))
}

fn anchor_text(sop: &Sop, step: &Step, lang: Lang) -> String {
    let title = match &step.deadline.from {
        Anchor::Step(id) => sop.step(id).map(|s| s.title.get(lang)),
        _ => None,
    };
    labels::anchor(lang, &step.deadline.from, title)
}

fn overview(sop: &Sop, lang: Lang) -> Section {
    Section {
        id: "overview".into(),
        heading: t(lang, "Présentation", "Overview", "Presentación").into(),
        columns: Vec::new(),
        rows: vec![
            row(
                t(lang, "Domaine de service", "Service area", "Área de servicio"),
                vec![labels::target(lang, &sop.service_area)],
            ),
            row(t(lang, "Version", "Version", "Versión"), vec![sop.version.to_string()]),
            row(
                t(lang, "Rôles concernés", "Roles involved", "Roles implicados"),
                sop.roles.iter().map(|r| labels::role(lang, *r).to_string()).collect(),
            ),
            row(
                t(lang, "Étapes", "Steps", "Etapas"),
                sop.steps.iter().enumerate().map(|(i, s)| step_heading(s, i, lang)).collect(),
            ),
            row(
                t(lang, "Conservation après clôture", "Retention after closure", "Conservación tras el cierre"),
                vec![retention_text(sop, lang)],
            ),
        ],
    }
}

/// What happens to a closed case's personal data, in words (the retention job applies it).
fn retention_text(sop: &Sop, lang: Lang) -> String {
    use super::model::RetentionAction;
    let Some(r) = sop.retention else {
        return t(
            lang,
            "Aucune règle : conservé jusqu'à effacement par un administrateur",
            "No rule: kept until an administrator erases it",
            "Sin regla: se conserva hasta que un administrador lo borre",
        )
        .into();
    };
    let days = r.after_closure_days;
    match (r.action, lang) {
        (RetentionAction::Anonymise, Lang::Fr) => format!("Anonymisé {days} jours après la clôture"),
        (RetentionAction::Anonymise, Lang::En) => format!("Anonymised {days} days after closure"),
        (RetentionAction::Anonymise, Lang::Es) => format!("Anonimizado {days} días después del cierre"),
        (RetentionAction::Delete, Lang::Fr) => format!("Supprimé {days} jours après la clôture"),
        (RetentionAction::Delete, Lang::En) => format!("Deleted {days} days after closure"),
        (RetentionAction::Delete, Lang::Es) => format!("Eliminado {days} días después del cierre"),
    }
}

fn step_section(sop: &Sop, step: &Step, i: usize, lang: Lang) -> Section {
    let mut rows = vec![
        row(t(lang, "Phase", "Phase", "Fase"), vec![labels::phase(lang, step.phase).into()]),
        row(
            t(lang, "Ce qui est fait", "What is done", "Qué se hace"),
            vec![step.action.get(lang).into()],
        ),
        row(
            t(lang, "Responsable", "Responsible", "Responsable"),
            vec![labels::role(lang, step.role).into()],
        ),
        row(
            t(lang, "Délai", "Deadline", "Plazo"),
            RiskLevel::ALL
                .iter()
                .map(|r| {
                    // French puts a space before the colon; English and Spanish do not.
                    let sep = if lang == Lang::Fr { " : " } else { ": " };
                    format!(
                        "{}{sep}{}, {}",
                        labels::risk(lang, *r),
                        labels::period(lang, step.deadline.period(*r)),
                        anchor_text(sop, step, lang)
                    )
                })
                .collect(),
        ),
    ];
    if !step.forms.is_empty() {
        rows.push(row(
            t(lang, "Formulaires à remplir", "Forms to complete", "Formularios que completar"),
            step.forms.iter().map(|f| labels::form(lang, f)).collect(),
        ));
    }
    if !step.approvals.is_empty() {
        rows.push(row(
            t(lang, "Validation par", "Approved by", "Aprobación por"),
            step.approvals.iter().map(|r| labels::role(lang, *r).to_string()).collect(),
        ));
    }
    if !step.referrals.is_empty() {
        rows.push(row(
            t(
                lang,
                "Orientations obligatoires",
                "Mandatory referrals",
                "Derivaciones obligatorias",
            ),
            step.referrals
                .iter()
                .map(|r| {
                    let when = t(lang, "si", "when", "si");
                    format!(
                        "{} — {when} {} — {}",
                        labels::target(lang, &r.to),
                        labels::condition(lang, &r.when),
                        consent_text(lang, r.consent_required)
                    )
                })
                .collect(),
        ));
    }
    rows.push(row(
        t(
            lang,
            "Consentement requis avant tout partage",
            "Consent required before sharing",
            "Consentimiento necesario antes de compartir",
        ),
        vec![labels::yes_no(lang, step.consent_before_sharing).into()],
    ));
    if !step.closure_criteria.is_empty() {
        rows.push(row(
            t(lang, "Critères de clôture", "Closure criteria", "Criterios de cierre"),
            step.closure_criteria.iter().map(|c| c.get(lang).to_string()).collect(),
        ));
    }
    Section {
        id: format!("step-{}", step.id),
        heading: step_heading(step, i, lang),
        columns: Vec::new(),
        rows,
    }
}

fn consent_text(lang: Lang, required: bool) -> String {
    if required {
        t(
            lang,
            "avec le consentement de la personne",
            "with the person's consent",
            "con el consentimiento de la persona",
        )
    } else {
        t(
            lang,
            "obligation légale, sans attendre le consentement ; la personne en est informée",
            "legal duty, without waiting for consent; the person is told",
            "obligación legal, sin esperar el consentimiento; se informa a la persona",
        )
    }
    .to_string()
}

fn deadlines_table(sop: &Sop, lang: Lang) -> Section {
    let mut columns: Vec<String> =
        RiskLevel::ALL.iter().map(|r| labels::risk(lang, *r).to_string()).collect();
    columns.push(t(lang, "Compté", "Counted", "Contado").into());
    Section {
        id: "deadlines".into(),
        heading: t(
            lang,
            "Délais en un coup d'œil",
            "Deadlines at a glance",
            "Plazos de un vistazo",
        )
        .into(),
        columns,
        rows: sop
            .steps
            .iter()
            .enumerate()
            .map(|(i, s)| {
                let mut values: Vec<String> = RiskLevel::ALL
                    .iter()
                    .map(|r| labels::period(lang, s.deadline.period(*r)))
                    .collect();
                values.push(anchor_text(sop, s, lang));
                Row { label: step_heading(s, i, lang), values }
            })
            .collect(),
    }
}

fn referral_table(sop: &Sop, lang: Lang) -> Option<Section> {
    let rows: Vec<Row> = sop
        .steps
        .iter()
        .enumerate()
        .flat_map(|(i, s)| {
            s.referrals.iter().map(move |r| Row {
                label: step_heading(s, i, lang),
                values: vec![
                    labels::target(lang, &r.to),
                    labels::condition(lang, &r.when),
                    consent_text(lang, r.consent_required),
                ],
            })
        })
        .collect();
    (!rows.is_empty()).then(|| Section {
        id: "referrals".into(),
        heading: t(
            lang,
            "Règles d'orientation obligatoire",
            "Mandatory referral rules",
            "Reglas de derivación obligatoria",
        )
        .into(),
        columns: vec![
            t(lang, "Orienter vers", "Refer to", "Derivar a").into(),
            t(lang, "Quand", "When", "Cuándo").into(),
            t(lang, "Consentement", "Consent", "Consentimiento").into(),
        ],
        rows,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sop::{Known, default_pack, load_pack};

    fn pack() -> Vec<Sop> {
        load_pack(&default_pack(), &Known::default()).unwrap()
    }

    fn section<'a>(h: &'a Handbook, id: &str) -> &'a Section {
        h.sections.iter().find(|s| s.id == id).unwrap()
    }

    fn values<'a>(s: &'a Section, label: &str) -> &'a [String] {
        &s.rows
            .iter()
            .find(|r| r.label == label)
            .unwrap_or_else(|| panic!("no row {label} in {s:#?}"))
            .values
    }

    #[test]
    fn child_protection_in_english() {
        let cp = &pack()[0];
        let h = handbook(cp, Lang::En);
        assert_eq!(h.title, "Child protection and care");
        assert_eq!((h.sop_id.as_str(), h.version), ("child_protection", 1));
        let ov = section(&h, "overview");
        assert_eq!(values(ov, "Service area"), ["Child protection"]);
        assert_eq!(
            values(ov, "Roles involved"),
            ["Caseworker", "Supervisor", "Service focal point"]
        );
        assert_eq!(values(ov, "Steps").len(), cp.steps.len());
        assert_eq!(values(ov, "Retention after closure"), ["Anonymised 3650 days after closure"]);

        let step = section(&h, "step-initial_assessment");
        assert_eq!(step.heading, "2. Initial assessment and immediate safety");
        assert_eq!(values(step, "Responsible"), ["Caseworker"]);
        assert_eq!(
            values(step, "Deadline"),
            [
                "Low risk: 7 days, from case opening",
                "Medium risk: 3 days, from case opening",
                "High risk: 24 hours, from case opening",
                "Critical risk: 4 hours, from case opening",
            ]
        );
        assert_eq!(values(step, "Forms to complete"), ["Child protection assessment"]);
        assert_eq!(
            values(step, "Mandatory referrals")[0],
            "Statutory child protection authority — when risk level high or above; the person is a child (or their age is unknown) — legal duty, without waiting for consent; the person is told"
        );
        assert_eq!(values(step, "Consent required before sharing"), ["Yes"]);

        let plan = section(&h, "step-case_plan");
        assert_eq!(values(plan, "Approved by"), ["Supervisor"]);
        let review = section(&h, "step-case_review");
        assert!(values(review, "Deadline")[0].ends_with("from completion of the step “Case plan”"));
        let closure = section(&h, "step-closure");
        assert_eq!(values(closure, "Closure criteria").len(), 3);
    }

    #[test]
    fn tables_of_deadlines_and_referrals() {
        let cp = &pack()[0];
        let h = handbook(cp, Lang::Fr);
        let d = section(&h, "deadlines");
        assert_eq!(
            d.columns,
            ["Risque faible", "Risque moyen", "Risque élevé", "Risque critique", "Compté"]
        );
        assert_eq!(d.rows.len(), cp.steps.len());
        assert_eq!(d.rows[0].label, "1. Identification et enregistrement");
        assert_eq!(
            d.rows[0].values,
            ["3 jours", "2 jours", "24 heures", "4 heures", "après l'ouverture du dossier"]
        );
        let r = section(&h, "referrals");
        assert_eq!(r.rows.len(), 3);
        assert_eq!(r.rows[0].values[0], "Autorité légale de protection de l'enfance");
        assert_eq!(r.rows[2].values[1], "danger immédiat");
    }

    #[test]
    fn every_sop_renders_in_every_language_without_codes_leaking() {
        for sop in pack() {
            for lang in Lang::ALL {
                let h = handbook(&sop, lang);
                assert_eq!(h.summary, sop.summary.get(lang));
                assert_eq!(
                    h.sections.len(),
                    sop.steps.len()
                        + 2
                        + usize::from(sop.steps.iter().any(|s| !s.referrals.is_empty()))
                );
                for s in &h.sections {
                    for row in &s.rows {
                        for v in &row.values {
                            assert!(
                                !v.contains('_'),
                                "untranslated code in {} {lang:?}: {v}",
                                sop.id
                            );
                        }
                    }
                }
            }
        }
    }

    #[test]
    fn spanish_wording() {
        let h = handbook(&pack()[0], Lang::Es);
        let step = section(&h, "step-best_interests_assessment");
        assert_eq!(
            values(step, "Plazo")[3],
            "Riesgo crítico: 3 días, desde el fin de la etapa anterior"
        );
    }
}
