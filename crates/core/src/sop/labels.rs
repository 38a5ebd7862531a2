//! The handbook's own words in fr/en/es: headings, role, risk and phase names, form, need and
//! flag names. They live here rather than in Fluent files because the handbook is printed and
//! handed out as a whole document, and the core crate must produce it without I/O.
//! Names follow the glossary (`/shared/GLOSSARY.md`).

use super::model::{Anchor, Condition, Period, Phase, RiskLevel};
use crate::access::Role;
use crate::lang::Lang;

pub(super) fn t(lang: Lang, fr: &'static str, en: &'static str, es: &'static str) -> &'static str {
    match lang {
        Lang::Fr => fr,
        Lang::En => en,
        Lang::Es => es,
    }
}

pub fn role(lang: Lang, r: Role) -> &'static str {
    match r {
        Role::Caseworker => t(lang, "Travailleur·se social·e", "Caseworker", "Trabajador·a social"),
        Role::Supervisor => t(lang, "Superviseur·e", "Supervisor", "Supervisor·a"),
        Role::ServiceFocalPoint => {
            t(lang, "Point focal du service", "Service focal point", "Punto focal del servicio")
        }
        Role::CommunityAgent => {
            t(lang, "Agent·e communautaire", "Community agent", "Agente comunitario·a")
        }
        Role::Trainer => t(lang, "Formateur·rice", "Trainer", "Formador·a"),
        Role::QualityOfficer => {
            t(lang, "Chargé·e de qualité", "Quality officer", "Responsable de calidad")
        }
        Role::MeOfficer => t(
            lang,
            "Chargé·e de suivi-évaluation",
            "Monitoring and evaluation officer",
            "Responsable de seguimiento y evaluación",
        ),
        Role::Administrator => t(lang, "Administrateur·rice", "Administrator", "Administrador·a"),
    }
}

pub fn risk(lang: Lang, r: RiskLevel) -> &'static str {
    match r {
        RiskLevel::Low => t(lang, "Risque faible", "Low risk", "Riesgo bajo"),
        RiskLevel::Medium => t(lang, "Risque moyen", "Medium risk", "Riesgo medio"),
        RiskLevel::High => t(lang, "Risque élevé", "High risk", "Riesgo alto"),
        RiskLevel::Critical => t(lang, "Risque critique", "Critical risk", "Riesgo crítico"),
    }
}

fn risk_word(lang: Lang, r: RiskLevel) -> &'static str {
    match r {
        RiskLevel::Low => t(lang, "faible", "low", "bajo"),
        RiskLevel::Medium => t(lang, "moyen", "medium", "medio"),
        RiskLevel::High => t(lang, "élevé", "high", "alto"),
        RiskLevel::Critical => t(lang, "critique", "critical", "crítico"),
    }
}

pub fn phase(lang: Lang, p: Phase) -> &'static str {
    match p {
        Phase::Identification => t(
            lang,
            "Identification et enregistrement",
            "Identification and registration",
            "Identificación y registro",
        ),
        Phase::Assessment => t(lang, "Évaluation", "Assessment", "Evaluación"),
        Phase::CasePlan => t(lang, "Plan d'intervention", "Case plan", "Plan de caso"),
        Phase::Implementation => t(lang, "Mise en œuvre", "Implementation", "Implementación"),
        Phase::FollowUp => {
            t(lang, "Suivi et révision", "Follow-up and review", "Seguimiento y revisión")
        }
        Phase::Closure => t(lang, "Clôture", "Closure", "Cierre"),
    }
}

pub(super) fn period(lang: Lang, p: Period) -> String {
    match p {
        Period::Hours(n) => {
            let unit = if n == 1 {
                t(lang, "heure", "hour", "hora")
            } else {
                t(lang, "heures", "hours", "horas")
            };
            format!("{n} {unit}")
        }
        Period::Days(0) => t(lang, "le jour même", "the same day", "el mismo día").to_string(),
        Period::Days(n) => {
            let unit = if n == 1 {
                t(lang, "jour", "day", "día")
            } else {
                t(lang, "jours", "days", "días")
            };
            format!("{n} {unit}")
        }
    }
}

pub(super) fn anchor(lang: Lang, a: &Anchor, step_title: Option<&str>) -> String {
    match a {
        Anchor::Opening => t(
            lang,
            "après l'ouverture du dossier",
            "from case opening",
            "desde la apertura del caso",
        )
        .to_string(),
        Anchor::Previous => t(
            lang,
            "après la fin de l'étape précédente",
            "from completion of the previous step",
            "desde el fin de la etapa anterior",
        )
        .to_string(),
        Anchor::Step(id) => {
            let name = step_title.unwrap_or(id);
            match lang {
                Lang::Fr => format!("après la fin de l'étape « {name} »"),
                Lang::En => format!("from completion of the step “{name}”"),
                Lang::Es => format!("desde el fin de la etapa «{name}»"),
            }
        }
    }
}

/// Names of need codes, mechanisms and service areas; an unknown code is shown as itself.
pub fn target(lang: Lang, code: &str) -> String {
    let s = match code {
        "child_protection" => {
            t(lang, "Protection de l'enfance", "Child protection", "Protección de la infancia")
        }
        "gbv" => t(
            lang,
            "Violences basées sur le genre",
            "Gender-based violence services",
            "Servicios de violencia de género",
        ),
        "counter_trafficking" => {
            t(lang, "Lutte contre la traite", "Counter-trafficking", "Lucha contra la trata")
        }
        "psychosocial" => {
            t(lang, "Soutien psychosocial", "Psychosocial support", "Apoyo psicosocial")
        }
        "health" => t(lang, "Santé", "Health care", "Salud"),
        "legal_aid" => t(lang, "Aide juridique", "Legal aid", "Asistencia jurídica"),
        "shelter" => t(lang, "Hébergement", "Shelter", "Alojamiento"),
        "food" => t(lang, "Aide alimentaire", "Food assistance", "Asistencia alimentaria"),
        "cash_assistance" => {
            t(lang, "Aide financière", "Cash assistance", "Asistencia en efectivo")
        }
        "education" => t(lang, "Éducation", "Education", "Educación"),
        "vocational_training" => {
            t(lang, "Formation professionnelle", "Vocational training", "Formación profesional")
        }
        "employment" => t(lang, "Emploi", "Employment", "Empleo"),
        "older_persons_care" => t(
            lang,
            "Accompagnement des personnes âgées",
            "Older persons' care",
            "Atención a personas mayores",
        ),
        "disability" => t(lang, "Handicap", "Disability services", "Discapacidad"),
        "interpretation" => t(lang, "Interprétariat", "Interpretation", "Interpretación"),
        "statutory_child_protection" => t(
            lang,
            "Autorité légale de protection de l'enfance",
            "Statutory child protection authority",
            "Autoridad legal de protección de la infancia",
        ),
        "national_referral_mechanism" => t(
            lang,
            "Mécanisme national d'orientation",
            "National referral mechanism",
            "Mecanismo nacional de derivación",
        ),
        "youth_at_risk" => t(
            lang,
            "Jeunes en situation de risque",
            "Youth at risk",
            "Jóvenes en situación de riesgo",
        ),
        "social_welfare" => t(
            lang,
            "Aide et action sociales",
            "Social welfare and assistance",
            "Bienestar y asistencia social",
        ),
        "homelessness" => t(
            lang,
            "Sans-abrisme et logement",
            "Homelessness and housing",
            "Sinhogarismo y vivienda",
        ),
        "employment_integration" => t(
            lang,
            "Insertion professionnelle des personnes migrantes et réfugiées",
            "Employment integration of migrants and refugees",
            "Inserción laboral de personas migrantes y refugiadas",
        ),
        other => return other.to_string(),
    };
    s.to_string()
}

pub(super) fn form(lang: Lang, id: &str) -> String {
    let s = match id {
        "registration" => {
            t(lang, "Fiche d'enregistrement", "Registration form", "Formulario de registro")
        }
        "cp_assessment" => t(
            lang,
            "Évaluation de protection de l'enfance",
            "Child protection assessment",
            "Evaluación de protección de la infancia",
        ),
        "best_interests_assessment" => t(
            lang,
            "Évaluation de l'intérêt supérieur de l'enfant",
            "Best interests assessment",
            "Evaluación del interés superior del niño",
        ),
        "gbv_intake" => {
            t(lang, "Entretien d'accueil VBG", "GBV intake", "Entrevista de acogida VBG")
        }
        "older_person_assessment" => t(
            lang,
            "Évaluation de la personne âgée",
            "Older person assessment",
            "Evaluación de la persona mayor",
        ),
        "trafficking_screening" => t(
            lang,
            "Entretien d'identification (traite)",
            "Trafficking screening",
            "Entrevista de identificación (trata)",
        ),
        "case_plan" => t(lang, "Plan d'intervention", "Case plan", "Plan de caso"),
        "follow_up" => t(lang, "Fiche de suivi", "Follow-up form", "Formulario de seguimiento"),
        "closure" => t(lang, "Fiche de clôture", "Closure form", "Formulario de cierre"),
        "needs_assessment" => {
            t(lang, "Évaluation des besoins", "Needs assessment", "Evaluación de necesidades")
        }
        other => return other.to_string(),
    };
    s.to_string()
}

fn flag(lang: Lang, code: &str) -> String {
    let s = match code {
        "unaccompanied_or_separated_child" => t(
            lang,
            "enfant non accompagné ou séparé",
            "unaccompanied or separated child",
            "niño o niña no acompañado o separado",
        ),
        "presumed_trafficking_victim" => t(
            lang,
            "victime présumée de la traite",
            "presumed victim of trafficking",
            "presunta víctima de trata",
        ),
        "immediate_danger" => t(lang, "danger immédiat", "immediate danger", "peligro inmediato"),
        "perpetrator_in_household" => t(
            lang,
            "l'auteur vit sous le même toit",
            "the perpetrator lives in the household",
            "el agresor vive en el hogar",
        ),
        "sexual_violence_within_72h" => t(
            lang,
            "violence sexuelle depuis moins de 72 heures",
            "sexual violence within the last 72 hours",
            "violencia sexual en las últimas 72 horas",
        ),
        "pregnant" => t(lang, "grossesse", "pregnancy", "embarazo"),
        "disability" => t(lang, "handicap", "disability", "discapacidad"),
        "no_shelter" => t(lang, "sans hébergement", "no shelter", "sin alojamiento"),
        "mental_health_crisis" => {
            t(lang, "crise de santé mentale", "mental health crisis", "crisis de salud mental")
        }
        "self_neglect" => t(lang, "auto-négligence", "self-neglect", "autoabandono"),
        "without_documents" => t(
            lang,
            "sans papiers d'identité",
            "without identity documents",
            "sin documentos de identidad",
        ),
        "wishes_to_return" => t(
            lang,
            "souhaite rentrer dans son pays",
            "wishes to return home",
            "desea regresar a su país",
        ),
        other => return other.to_string(),
    };
    s.to_string()
}

/// A condition as a sentence fragment: "risk level at least high; the person is a child".
pub(super) fn condition(lang: Lang, c: &Condition) -> String {
    let mut parts = Vec::new();
    if let Some(r) = c.min_risk {
        parts.push(match lang {
            Lang::Fr => format!("niveau de risque {} ou plus", risk_word(lang, r)),
            Lang::En => format!("risk level {} or above", risk_word(lang, r)),
            Lang::Es => format!("nivel de riesgo {} o superior", risk_word(lang, r)),
        });
    }
    match c.child {
        Some(true) => parts.push(
            t(
                lang,
                "la personne est un enfant (ou son âge est inconnu)",
                "the person is a child (or their age is unknown)",
                "la persona es menor de edad (o se desconoce su edad)",
            )
            .to_string(),
        ),
        Some(false) => parts.push(
            t(
                lang,
                "la personne est majeure",
                "the person is an adult",
                "la persona es mayor de edad",
            )
            .to_string(),
        ),
        None => {}
    }
    parts.extend(c.flags.iter().map(|f| flag(lang, f)));
    if parts.is_empty() {
        t(lang, "toujours", "always", "siempre").to_string()
    } else {
        parts.join("; ")
    }
}

pub(super) fn yes_no(lang: Lang, b: bool) -> &'static str {
    if b { t(lang, "Oui", "Yes", "Sí") } else { t(lang, "Non", "No", "No") }
}
