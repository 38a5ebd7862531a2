//! The demo's training programme: the Federation of Social Organisations' continuing
//! education curriculum of 17 modules (one mandatory, then any one of the 16 optional ones), its costs for
//! 10 to 15 participants, and a few sessions — two held with attendance, one confirmed, one
//! under its minimum before the go/no-go date, one with a waiting list. Everything is invented.

use crate::db::Tx;
use crate::responses::{self, Author};
use crate::error::StoreResult;
use crate::training::curricula::{self, CostLineInput, CurriculumInput, ModuleInput};
use crate::training::sessions::{self, ExternalInput, SessionInput};
use chrono::{Duration, NaiveDate};
use passerelle_core::directory::taxonomy::Taxonomy;
use uuid::Uuid;

/// (code, fr, en, es, SOP ids, need codes, mandatory, hours)
const MODULES: &[(&str, &str, &str, &str, &str, &str, bool, i64)] = &[
    ("sop-basics", "Travailler selon les procédures : bases de la gestion de cas", "Working under SOPs: case management basics", "Trabajar según los procedimientos: bases de la gestión de casos", "social_welfare child_protection gbv", "cash_assistance", true, 6),
    ("safeguarding", "Protection, confidentialité et données personnelles", "Safeguarding, confidentiality and personal data", "Salvaguarda, confidencialidad y datos personales", "social_welfare gbv trafficking", "", false, 6),
    ("referral", "Circuits d'orientation : orienter et boucler la boucle", "Referral pathways: referring and closing the loop", "Rutas de derivación: derivar y cerrar el ciclo", "social_welfare", "", false, 3),
    ("pfa", "Premiers secours psychologiques", "Psychological first aid", "Primeros auxilios psicológicos", "", "psychosocial", false, 6),
    ("child-protection", "Gestion de cas en protection de l'enfance", "Child protection case management", "Gestión de casos de protección de la infancia", "child_protection", "child_protection", false, 12),
    ("gbv", "Accompagnement des survivant·e·s de violences", "Supporting survivors of gender-based violence", "Acompañamiento de sobrevivientes de violencia de género", "gbv", "gbv", false, 12),
    ("trafficking", "Identifier et assister les victimes de la traite", "Identifying and assisting victims of trafficking", "Identificar y asistir a las víctimas de trata", "trafficking", "counter_trafficking", false, 6),
    ("migrants-rights", "Droits des personnes migrantes et statut administratif", "Migrants' rights and legal status", "Derechos de las personas migrantes y situación administrativa", "", "legal_aid", false, 6),
    ("interpreting", "Travailler avec des interprètes et médiateurs culturels", "Working with interpreters and cultural mediators", "Trabajar con intérpretes y mediadores culturales", "", "interpretation", false, 3),
    ("older-persons", "Accompagner les personnes âgées", "Supporting older persons", "Acompañar a las personas mayores", "older_persons", "older_persons_care", false, 6),
    ("disability", "Des services accessibles aux personnes handicapées", "Disability-inclusive services", "Servicios inclusivos para personas con discapacidad", "", "disability", false, 3),
    ("youth", "Les jeunes en situation de risque", "Young people at risk", "Jóvenes en situación de riesgo", "youth_at_risk", "education", false, 6),
    ("housing", "Sans-abrisme et accès au logement", "Homelessness and access to housing", "Sinhogarismo y acceso a la vivienda", "homelessness", "shelter", false, 6),
    ("employment", "Parcours d'insertion professionnelle", "Employment integration pathways", "Itinerarios de inserción laboral", "employment_integration", "employment vocational_training", false, 6),
    ("outreach", "Sensibilisation et travail de proximité", "Community outreach", "Sensibilización y trabajo de proximidad", "", "", false, 3),
    ("self-care", "Prendre soin de soi et prévenir l'épuisement", "Staff wellbeing and preventing burnout", "Autocuidado y prevención del agotamiento", "", "psychosocial", false, 3),
    ("data-quality", "Saisie, qualité des données et indicateurs", "Recording, data quality and indicators", "Registro, calidad de los datos e indicadores", "", "", false, 3),
];

/// (name, organisation, job title, sector, sex) of invented external professionals.
const EXTERNALS: &[(&str, &str, &str, &str, &str)] = &[
    ("Nadia Benali (demo)", "Croix-Verte Belleterre", "Social worker", "civil_society", "female"),
    ("Joseph Marcelin (demo)", "Anse-Corail Town Council", "Community development officer", "public", "male"),
    ("Lucía Herrera (demo)", "Refuge Sainte-Claire", "Shelter coordinator", "civil_society", "female"),
    ("Kwame Asante (demo)", "Belleterre Labour Inspectorate", "Labour inspector", "public", "male"),
    ("Mireille Toussaint (demo)", "École du Morne-Vert", "School counsellor", "public", "female"),
    ("Ahmed Karimi (demo)", "Solidarité Migrants Belleterre", "Cultural mediator", "civil_society", "male"),
    ("Sofia Lindqvist (demo)", "Pointe-Lumière Clinic", "Nurse", "private", "female"),
    ("Alex Moreau (demo)", "Youth Sports League", "Youth worker", "civil_society", "other"),
    ("Grace Okafor (demo)", "Belleterre Legal Clinic", "Paralegal", "civil_society", "female"),
    ("Pierre-Louis Jean (demo)", "Port Health Authority", "Health officer", "public", "male"),
    ("Esperanza Ruiz (demo)", "Maison des Femmes de Belleterre", "Counsellor", "civil_society", "not_stated"),
];

fn texts_for(title: (&str, &str, &str)) -> ((String, String, String), (String, String, String)) {
    let (fr, en, es) = title;
    (
        (
            format!("À la fin du module, les participant·e·s savent appliquer les pratiques du thème « {fr} » dans leur travail."),
            format!("By the end of the module, participants can apply the practices of “{en}” in their work."),
            format!("Al final del módulo, las personas participantes saben aplicar las prácticas de «{es}» en su trabajo."),
        ),
        (
            "1. Cadre et principes\n2. Études de cas\n3. Mises en situation\n4. Évaluation".to_string(),
            "1. Framework and principles\n2. Case studies\n3. Role play\n4. Assessment".to_string(),
            "1. Marco y principios\n2. Estudios de caso\n3. Juegos de rol\n4. Evaluación".to_string(),
        ),
    )
}

fn session_input(place: &str, min: i64, max: i64, go: NaiveDate, days: &[NaiveDate]) -> SessionInput {
    SessionInput {
        place: place.into(),
        trainer: "Théo Trainer (demo)".into(),
        min_participants: min.to_string(),
        max_participants: max.to_string(),
        go_no_go: go.to_string(),
        days: days.iter().map(|d| d.to_string()).collect::<Vec<_>>().join(" "),
    }
}

/// Loads the programme. `staff` are the demo accounts (user id, agency id) to enrol,
/// `federation` the agency that nominates external professionals.
/// The knowledge test's answers that score `right` points of 5.
fn test_answers(right: usize) -> serde_json::Value {
    let good = [("q_consent", "informed_consent"), ("q_urgency", "critical"), ("q_referral", "service_received"), ("q_restricted", "named_staff"), ("q_child", "primary")];
    let bad = [("q_consent", "supervisor_only"), ("q_urgency", "medium"), ("q_referral", "acknowledged"), ("q_restricted", "whole_team"), ("q_child", "one_factor")];
    let map: serde_json::Map<String, serde_json::Value> =
        (0..5).map(|i| { let (k, v) = if i < right { good[i] } else { bad[i] }; (k.to_string(), serde_json::Value::from(v)) }).collect();
    serde_json::Value::Object(map)
}

/// Pre- and post-tests of the seated participants of a session, entered by the trainer and
/// checked by the form engine like any other answers (so the score is the form's own).
async fn enter_tests(tx: &mut Tx, trainer: &Author, session_id: Uuid) -> StoreResult<()> {
    let Some(form) = crate::forms::latest(tx, "training_knowledge_test").await? else { return Ok(()) };
    let opts = passerelle_core::forms::validate::Options { now: crate::db::now().naive_utc(), lang: "en" };
    let version = form.form.version.clone().unwrap_or_default();
    let seated = sessions::enrolments(tx, session_id).await?;
    for (i, e) in seated.iter().filter(|e| e.seat == sessions::Seat::Seated).enumerate().take(10) {
        // Between 1 and 3 right before, 2 more after (at most 5).
        let pre = 1 + i % 3;
        for (kind, right) in [("pre", pre), ("post", (pre + 2).min(5))] {
            let checked = passerelle_core::forms::validate::validate(&form.form, &test_answers(right), &opts);
            let Some(score) = checked.is_valid().then(|| sessions::score_of(&checked.answers)).flatten() else { continue };
            let response = responses::submit(tx, trainer, &form.form.id, &version, &checked.answers, None).await?;
            sessions::record_test(tx, Some(trainer.id), e.id, kind, response, score).await?;
        }
    }
    Ok(())
}

pub async fn load(tx: &mut Tx, staff: &[(Uuid, Option<Uuid>)], trainer: &Author, federation: Uuid, today: NaiveDate) -> StoreResult<()> {
    let curriculum = curricula::create_curriculum(tx, None, &CurriculumInput {
        code: "federation-continuing-education".into(),
        version: "1".into(),
        title_fr: "Formation continue des professionnel·le·s de l'accompagnement social".into(),
        title_en: "Continuing education for social support professionals".into(),
        title_es: "Formación continua para profesionales del acompañamiento social".into(),
        currency: "EUR".into(),
        optional_required: "1".into(),
    }).await?;
    let sops: Vec<String> = crate::sops::list_latest(tx).await?.into_iter().map(|p| p.sop.id.clone()).collect();
    let needs: Vec<String> = Taxonomy::needs().top_level().map(|t| t.code.clone()).collect();
    let mut modules = Vec::new();
    for (i, (code, fr, en, es, sop_ids, need_codes, mandatory, hours)) in MODULES.iter().enumerate() {
        let (objectives, outline) = texts_for((fr, en, es));
        let input = ModuleInput {
            code: code.to_string(),
            title_fr: fr.to_string(),
            title_en: en.to_string(),
            title_es: es.to_string(),
            objectives_fr: objectives.0,
            objectives_en: objectives.1,
            objectives_es: objectives.2,
            outline_fr: outline.0,
            outline_en: outline.1,
            outline_es: outline.2,
            duration_hours: hours.to_string(),
            mode: if i % 5 == 4 { "remote" } else if i % 7 == 6 { "blended" } else { "in_person" }.into(),
            prerequisites: if *mandatory { String::new() } else { "Working under SOPs: case management basics".into() },
            audience: "Front-line staff of ministries and NGOs, supervisors".into(),
            trainers: "Théo Trainer (demo)".into(),
            // The demo's SOP pack may lack one of these on a trimmed instance: link what exists.
            sop_ids: sop_ids.split_whitespace().filter(|s| sops.iter().any(|x| x == s)).map(str::to_string).collect(),
            need_codes: need_codes.split_whitespace().map(str::to_string).collect(),
            mandatory: *mandatory,
        };
        let m = curricula::add_module(tx, None, curriculum.id, &input, &sops, &needs).await?;
        // Fixed: trainer by the day, room, design; per participant: materials, catering, certificate.
        let days = (*hours + 5) / 6;
        let lines: [(&str, &str, String, &str); 6] = [
            ("Trainer fees", "fixed", format!("{}", 400 * days), "donor"),
            ("Training room", "fixed", format!("{}", 150 * days), "ministry"),
            ("Design of materials", "fixed", "90".into(), "donor"),
            ("Printed materials", "per_participant", "12.50".into(), "donor"),
            ("Catering", "per_participant", format!("{}", 18 * days), "employer"),
            ("Certificate", "per_participant", "2".into(), ""),
        ];
        for (label, kind, amount, payer) in lines {
            curricula::add_cost_line(tx, None, m.id, &CostLineInput {
                label: label.into(),
                kind: kind.into(),
                amount,
                payer: payer.into(),
            }).await?;
        }
        modules.push(m);
    }
    let mut people = Vec::new();
    for (user, _) in staff {
        people.push((sessions::participant_for_user(tx, *user).await?.id, true));
    }
    for (name, org, role, sector, sex) in EXTERNALS {
        let p = sessions::create_external(tx, &ExternalInput {
            name: name.to_string(),
            email: String::new(),
            organisation: org.to_string(),
            job_role: role.to_string(),
            sector: sector.to_string(),
            sex: sex.to_string(),
        }).await?;
        people.push((p.id, false));
    }
    let staff_agency = |i: usize| staff.get(i).and_then(|s| s.1);
    let d = |days: i64| today + Duration::days(days);
    // Two held sessions of mandatory modules, with attendance: everyone came to the first;
    // two people missed a day of the second.
    for (module, start, absent) in [(0usize, -60i64, 0usize), (1, -30, 2)] {
        let days = [d(start), d(start + 1)];
        let s = sessions::create_session(tx, None, modules[module].id, &session_input("Federation training room, Saint-Aubin", 10, 15, d(start - 14), &days)).await?;
        for (i, (p, is_staff)) in people.iter().enumerate().take(14) {
            let nominated = if *is_staff { staff_agency(i) } else { Some(federation) };
            sessions::enrol(tx, None, s.id(), *p, nominated).await?;
        }
        let seated = sessions::enrolments(tx, s.id()).await?;
        let mut present = Vec::new();
        for (i, e) in seated.iter().enumerate() {
            for (j, day) in s.days.iter().enumerate() {
                if !(i < absent && j == 1) {
                    present.push((e.id, day.id));
                }
            }
        }
        sessions::record_attendance(tx, None, s.id(), &present, today).await?;
        sessions::set_status(tx, None, s.id(), "held", today).await?;
        // The second session's participants took the knowledge test before and after.
        if module == 1 {
            enter_tests(tx, trainer, s.id()).await?;
        }
    }
    // Confirmed, enough participants.
    let s = sessions::create_session(tx, None, modules[2].id, &session_input("Grand-Anse Health Centre, meeting room", 10, 15, d(10), &[d(20)])).await?;
    for (p, _) in people.iter().take(11) {
        sessions::enrol(tx, None, s.id(), *p, Some(federation)).await?;
    }
    sessions::set_status(tx, None, s.id(), "confirmed", today).await?;
    // Under its minimum, five days before the go/no-go date.
    let s = sessions::create_session(tx, None, modules[6].id, &session_input("Online", 10, 15, d(5), &[d(40), d(41)])).await?;
    for (p, _) in people.iter().skip(2).take(4) {
        sessions::enrol(tx, None, s.id(), *p, None).await?;
    }
    // A small workshop with a waiting list.
    let s = sessions::create_session(tx, None, modules[8].id, &session_input("Solidarité Migrants Belleterre", 3, 4, d(15), &[d(25)])).await?;
    for (p, is_staff) in people.iter().rev().take(6) {
        sessions::enrol(tx, None, s.id(), *p, if *is_staff { None } else { Some(federation) }).await?;
    }
    Ok(())
}
