//! The demo directory of Belleterre: about a hundred fictional services of the demo agencies
//! and of a few invented NGOs, across the parishes, in French, English and Spanish, with some
//! entries stale (not verified for months) and some temporarily closed.
//!
//! It is written as the spreadsheet a field team would fill in and goes through the same
//! reader, preview and import as a real mapping, so the demo also exercises the importer.
//! Every name, phone number and address is invented.

use chrono::{Months, NaiveDate};
use passerelle_core::directory::import::Vocabulary;
use passerelle_core::directory::sheet::{read_services_csv, Area, ColumnMapping, SheetContext};
use passerelle_core::directory::taxonomy::Taxonomy;
use passerelle_core::lang::Lang;
use uuid::Uuid;

use crate::agencies::Agency;
use crate::db::Tx;
use crate::directory;
use crate::error::{StoreError, StoreResult};

/// Organisations that are not demo agencies (and so have no focal point account).
const OTHER_ORGANISATIONS: &[&str] = &[
    "Croix Solidaire de Belleterre",
    "Clinique Communautaire Bon Port",
    "Asociación Puentes Belleterre",
    "Belleterre Legal Aid Collective",
    "Banque Alimentaire de l'Anse",
];

/// One service offered in several parishes:
/// (organisation, name, needs, protection attributes, hours, how to apply, documents, fees,
/// languages, description, parishes).
type Template = (&'static str, &'static str, &'static str, &'static str, &'static str, &'static str, &'static str, &'static str, &'static str, &'static str, &'static [usize]);

const TEMPLATES: &[Template] = &[
    ("Maison des Femmes de Belleterre", "Écoute et accompagnement des survivantes", "gbv_case_management, psychosocial_counselling",
     "women_staff_available, confidential, free_of_charge, open_to_migrants", "lun-ven 8h-17h",
     "Venir sans rendez-vous ou appeler la ligne d'écoute.", "aucun", "gratuit", "fr, en, es",
     "Accueil confidentiel des femmes survivantes de violences, écoute, plan de sécurité et orientation.", &[0, 1, 2, 3, 4, 5]),
    ("Maison des Femmes de Belleterre", "Ligne d'écoute violences 24h/24", "gbv_helpline", "women_staff_available, confidential, free_of_charge, open_to_migrants, interpreter_available",
     "24/7", "Appeler le 1515, gratuit et anonyme.", "aucun", "gratuit", "fr, en, es, ht",
     "Une écoutante répond jour et nuit, en plusieurs langues.", &[0]),
    ("Maison des Femmes de Belleterre", "Hébergement d'urgence pour femmes", "gbv_safe_shelter, shelter_emergency", "women_staff_available, confidential, free_of_charge, child_friendly",
     "24/7", "Après un entretien avec une travailleuse sociale, de jour comme de nuit.", "aucun", "gratuit", "fr, en",
     "Chambres sûres pour les femmes et leurs enfants, adresse tenue secrète.", &[3]),
    ("Solidarité Migrants Belleterre", "Permanence d'accueil des migrants", "legal_aid_residence, interpretation_cultural_mediation",
     "open_to_migrants, free_of_charge, interpreter_available, no_documents_required", "lun, mer, ven 9h-13h",
     "Venir à la permanence; un médiateur parle votre langue.", "aucun", "gratuit", "fr, en, es, ar",
     "Information sur les droits, aide aux démarches de séjour, orientation vers les services.", &[1, 2, 4]),
    ("Solidarité Migrants Belleterre", "Cours de français pour adultes", "education_language_classes", "open_to_migrants, free_of_charge",
     "mar, jeu 18h-20h", "S'inscrire à la permanence ou par téléphone.", "aucun", "gratuit", "fr",
     "Cours du soir, tous niveaux, garderie sur place.", &[2, 5]),
    ("Asociación Puentes Belleterre", "Orientación jurídica para personas migrantes", "legal_aid_asylum, legal_aid_residence",
     "open_to_migrants, free_of_charge, confidential, interpreter_available", "lunes a viernes de 9 a 15h",
     "Pedir cita por teléfono o por WhatsApp.", "Pasaporte o cualquier documento de identidad; Documentos del procedimiento en curso", "gratis", "es, fr, en",
     "Abogadas y abogados voluntarios acompañan las solicitudes de asilo y de residencia.", &[0, 2, 4]),
    ("Asociación Puentes Belleterre", "Acompañamiento psicosocial en grupo", "psychosocial_group_support", "open_to_migrants, free_of_charge, confidential",
     "miércoles 15h-17h", "Llamar para inscribirse en un grupo.", "ninguno", "gratis", "es",
     "Grupos de apoyo mutuo para personas recién llegadas.", &[2]),
    ("Grand-Anse Health Centre", "Primary health care clinic", "health_primary_care, health_sexual_reproductive",
     "open_to_migrants, wheelchair_accessible, child_friendly", "Mon-Fri 7:30-16:00; Sat 8:00-12:00",
     "Walk in; emergencies are seen first.", "Health card if you have one", "Free for children under 5; small fee for adults", "en, fr",
     "General consultations, vaccination, antenatal care and family planning.", &[1, 2]),
    ("Grand-Anse Health Centre", "Emergency department", "health_emergency", "open_to_migrants, wheelchair_accessible, no_documents_required",
     "24/7", "Come straight to the emergency entrance.", "none", "free", "en, fr",
     "Urgent care day and night, nobody is turned away.", &[1]),
    ("Clinique Communautaire Bon Port", "Consultations VIH et tuberculose", "health_hiv_tb", "confidential, free_of_charge, open_to_migrants",
     "lun-ven 8h-14h", "Sans rendez-vous, résultats confidentiels.", "aucun", "gratuit", "fr, ht",
     "Dépistage, traitement et suivi, soutien par des pairs.", &[4, 5]),
    ("Child Protection Unit", "Child protection case management", "child_protection_case_management, child_protection_unaccompanied",
     "child_friendly, confidential, free_of_charge, open_to_migrants", "Mon-Fri 8:00-16:30",
     "Call the unit or come in person; any adult worried about a child may ask.", "none", "free", "en, fr",
     "Social workers assess the child's safety and plan support with the family.", &[0, 1, 2, 3, 4, 5]),
    ("Child Protection Unit", "Family tracing and reunification", "child_protection_family_tracing", "child_friendly, free_of_charge, open_to_migrants",
     "Mon-Fri 8:00-16:30", "Through a caseworker's referral.", "Any document about the family, if available", "free", "en, fr, es",
     "Finding the family of separated children, in Belleterre and abroad.", &[0]),
    ("Belleterre Police — Family and Victim Support Unit", "Victim support desk", "counter_trafficking_identification, gbv",
     "women_staff_available, confidential, free_of_charge", "24/7", "Go to any police station and ask for the victim support desk.", "none", "free", "en, fr",
     "Officers trained to receive complaints of violence and trafficking, with a woman officer on request.", &[0, 1, 3, 5]),
    ("Ministry of Social Welfare — Social Welfare Division", "Social assistance desk", "cash_assistance_social_benefits, cash_assistance_emergency",
     "wheelchair_accessible", "Mon-Thu 8:30-15:30", "Book an appointment at the parish office.",
     "Identity document; Proof of address; Household income statement", "free", "en, fr",
     "Applications for social benefits and one-off emergency grants.", &[0, 1, 2, 3, 4, 5]),
    ("Ministry of Social Welfare — Social Welfare Division", "Home care for older persons", "older_persons_home_care", "wheelchair_accessible, free_of_charge",
     "Mon-Fri 8:00-16:00", "A family member or neighbour may ask at the parish office.", "Identity document", "free", "en, fr",
     "Carers visit older people who live alone, for meals, hygiene and company.", &[0, 3, 5]),
    ("Ministry of Social Welfare — Social Welfare Division", "Disability benefits and rehabilitation referral", "disability_benefits, disability_rehabilitation",
     "wheelchair_accessible, free_of_charge", "Tue, Thu 9:00-13:00", "Book an appointment; bring a medical certificate.", "Medical certificate; Identity document", "free", "en",
     "Assessment of needs, disability allowance, referral to rehabilitation.", &[0, 2]),
    ("Public Employment Agency", "Job placement for jobseekers", "employment_job_placement, vocational_training_courses",
     "open_to_migrants, free_of_charge", "Mon-Fri 8:00-15:00", "Register online or at the agency.", "Identity document; Work permit if you have one", "free", "en, fr, es",
     "Job offers, CV workshops and short training courses.", &[0, 1, 4]),
    ("Public Employment Agency", "Support to start a small business", "employment_self_employment", "open_to_migrants, free_of_charge",
     "Wed 9:00-12:00", "Attend an information session, then book an adviser.", "Identity document", "free", "en, fr",
     "Business plan coaching and small grants for self-employment.", &[0]),
    ("Croix Solidaire de Belleterre", "Abri de nuit à bas seuil", "shelter_low_threshold, food_hot_meals",
     "open_to_migrants, free_of_charge, no_documents_required", "tous les jours 19h-8h",
     "Se présenter à partir de 19h; aucune question sur les papiers.", "aucun", "gratuit", "fr, en",
     "Un lit, une douche et un repas chaud pour la nuit.", &[0, 2]),
    ("Croix Solidaire de Belleterre", "Vestiaire et kits d'hygiène", "cash_assistance_non_food_items", "open_to_migrants, free_of_charge, no_documents_required",
     "sam 9h-12h", "Venir sur place.", "aucun", "gratuit", "fr",
     "Vêtements, couvertures et kits d'hygiène.", &[0, 1, 2, 3]),
    ("Banque Alimentaire de l'Anse", "Distribution de colis alimentaires", "food_distribution, food_infant_nutrition",
     "open_to_migrants, free_of_charge, no_documents_required", "mar, ven 14h-17h", "Venir avec un sac; inscription sur place.", "aucun", "gratuit", "fr, es",
     "Colis alimentaires et lait infantile pour les familles.", &[4, 5]),
    ("Belleterre Legal Aid Collective", "Free legal advice and court support", "legal_aid_court_support, legal_aid_civil_documentation, counter_trafficking_assistance",
     "free_of_charge, confidential, open_to_migrants", "Mon, Wed 10:00-16:00", "Call to book; urgent cases seen the same day.", "Any papers about your case", "free", "en, fr",
     "Lawyers help with birth certificates, identity papers and court cases, including for survivors of trafficking.", &[0, 3]),
    ("Federation of Social Organisations", "Remote interpretation for services", "interpretation_remote, interpretation_in_person",
     "interpreter_available, free_of_charge, confidential", "Mon-Fri 8:00-18:00", "Services call the line; individuals ask the service they are in.", "none", "free for public and NGO services", "en, fr, es, ar, ht",
     "Interpreters by phone or in person, trained in confidentiality.", &[0]),
    ("Federation of Social Organisations", "Digital skills workshops", "vocational_training_digital_skills, education_non_formal",
     "open_to_migrants, free_of_charge, wheelchair_accessible", "Sat 9:00-12:00", "Sign up at the front desk.", "none", "free", "en, fr, es",
     "Using a phone and a computer for forms, banking and job searches.", &[0, 1]),
];

const PARISH_CITIES: &[&str] = &["Port-Aubin", "Grand-Anse", "Rivière-Salée", "Morne-Vert", "Anse-Corail", "Pointe-Lumière"];

/// A CSV field, always quoted (texts hold commas and semicolons).
fn q(s: &str) -> String {
    format!("\"{}\"", s.replace('"', "\"\""))
}

/// The demo mapping as the spreadsheet a field team would send, with `today` the date
/// verification ages are counted from.
pub fn demo_sheet(parishes: &[(String, String)], today: NaiveDate) -> String {
    sheet(parishes, today, 0..1)
}

/// The services of the demo mapping with each organisation's `branches`: branch 0 is the
/// organisation itself, branch b its b-th local office ("… — antenne b"), another organisation
/// with the same services. The benchmark's national directory (`demo --scale`) is made of them.
pub fn sheet(parishes: &[(String, String)], today: NaiveDate, branches: std::ops::Range<usize>) -> String {
    let mut out = String::from(
        "Organisation;Service name;Needs;Area;Address;City;Phone;Opening hours;Languages;Attributes;Required documents;Fees;Application process;Status;Last verified;Verified by;Description\n",
    );
    let mut n = 0usize;
    for (branch, t) in branches.flat_map(|b| TEMPLATES.iter().map(move |t| (b, t))) {
        let (org, name, needs, attrs, hours, apply, docs, fees, langs, desc, places) = *t;
        let org = if branch == 0 { org.to_string() } else { format!("{org} — antenne {branch}") };
        for &p in places {
            let Some((code, parish)) = parishes.get(p) else { continue };
            n += 1;
            // Every seventh entry is stale (verified 7 to 13 months ago), every eleventh was
            // never verified, every thirteenth is temporarily closed.
            let verified = if n % 11 == 0 {
                String::new()
            } else {
                let months = if n % 7 == 0 { 7 + (n % 7) as u32 + (n % 5) as u32 } else { (n % 5) as u32 };
                today.checked_sub_months(Months::new(months)).map(|d| d.format("%Y-%m-%d").to_string()).unwrap_or_default()
            };
            let status = if n % 13 == 0 { "temporarily closed" } else { "active" };
            let city = PARISH_CITIES.get(p).copied().unwrap_or(parish.as_str());
            let service_name = if places.len() > 1 { format!("{name} — {parish}") } else { name.to_string() };
            let service_name = if branch == 0 { service_name } else { format!("{service_name} — antenne {branch}") };
            let row = [
                org.clone(),
                service_name,
                needs.to_string(),
                code.clone(),
                format!("{} rue des Flamboyants", 3 + (n * 7) % 90),
                city.to_string(),
                format!("+1 767 555 {:04}", 1000 + n * 37 % 9000),
                hours.to_string(),
                langs.to_string(),
                attrs.to_string(),
                docs.to_string(),
                fees.to_string(),
                apply.to_string(),
                status.to_string(),
                verified.clone(),
                if verified.is_empty() { String::new() } else { "admin@demo.passerelle.test".to_string() },
                desc.to_string(),
            ];
            out.push_str(&row.iter().map(|c| q(c)).collect::<Vec<_>>().join(";"));
            out.push('\n');
        }
    }
    out
}

/// Loads the demo directory and links each organisation that is a demo agency to it, so the
/// agency's service focal point keeps its entries.
pub async fn load(tx: &mut Tx, parishes: &[(String, String)], agencies: &[Agency], today: NaiveDate) -> StoreResult<usize> {
    let created = import(tx, parishes, &demo_sheet(parishes, today), today).await?;
    for org in directory::list_organizations(tx, None).await? {
        if let Some(a) = agencies.iter().find(|a| a.name == org.organization.name) {
            let id = Uuid::parse_str(&org.organization.id).map_err(|e| StoreError::Config(e.to_string()))?;
            directory::link_organization(tx, None, id, Some(a.id)).await?;
        }
    }
    debug_assert!(OTHER_ORGANISATIONS.iter().all(|o| TEMPLATES.iter().any(|t| t.0 == *o)));
    Ok(created)
}

/// How many services one branch of every demo organisation adds (`load_branches`).
pub fn services_per_branch(parishes: &[(String, String)]) -> usize {
    TEMPLATES.iter().map(|t| t.10.iter().filter(|p| **p < parishes.len()).count()).sum()
}

/// Adds the local offices `branches` (from 1) of every demo organisation, through the same
/// import as the demo mapping; their organisations are no agency's. Returns the services created.
pub async fn load_branches(tx: &mut Tx, parishes: &[(String, String)], branches: std::ops::Range<usize>, today: NaiveDate) -> StoreResult<usize> {
    import(tx, parishes, &sheet(parishes, today, branches.start.max(1)..branches.end), today).await
}

async fn import(tx: &mut Tx, parishes: &[(String, String)], sheet: &str, today: NaiveDate) -> StoreResult<usize> {
    let areas: Vec<Area> = parishes.iter().map(|(id, name)| Area { id: id.clone(), name: name.clone() }).collect();
    let ctx = SheetContext { vocabulary: Vocabulary::builtin(), areas: &areas, country: "BT", lang: Lang::Fr, today };
    let read = read_services_csv(sheet.as_bytes(), &ColumnMapping::standard(Taxonomy::protection()), &ctx)
        .map_err(|e| StoreError::Config(format!("the demo directory does not read: {e:?}")))?;
    if !read.errors.is_empty() {
        return Err(StoreError::Config(format!("the demo directory has bad rows: {:?}", read.errors)));
    }
    let existing = directory::existing_ids(tx).await?;
    let preview = read.preview(&existing, Vocabulary::builtin());
    if !preview.reject.is_empty() {
        return Err(StoreError::Config(format!("the demo directory is rejected: {:?}", preview.reject)));
    }
    let applied = directory::apply_import(tx, None, "demo", &read.dataset(), &preview).await?;
    Ok(applied.created)
}

/// Three fictional communities (their areas are set by the caller): a migrant neighbourhood,
/// a host fishing village, a mixed district. Focal roles are roles, never people.
pub fn communities() -> Vec<crate::communities::CommunityInput> {
    use crate::communities::CommunityInput;
    let pop = |f: [u32; 5], m: [u32; 5]| {
        let bands = crate::communities::AGE_BANDS;
        let mut p = crate::communities::Population::new();
        p.insert("female".into(), bands.iter().zip(f).map(|(b, n)| (b.to_string(), n)).collect());
        p.insert("male".into(), bands.iter().zip(m).map(|(b, n)| (b.to_string(), n)).collect());
        p
    };
    vec![
        CommunityInput {
            name: "Quartier des Palmiers".into(),
            kind: "migrant".into(),
            population: pop([40, 55, 30, 210, 12], [35, 60, 45, 380, 9]),
            languages: "fr, es, ht".into(),
            nationalities: "Haitian, Venezuelan, Cuban".into(),
            vulnerabilities: "Many people without residence papers; overcrowded rented rooms.".into(),
            protection_risks: "Labour exploitation on building sites; fear of reporting violence to the police.".into(),
            formal_mechanisms: "Parish social welfare office; Solidarité Migrants weekly desk.".into(),
            informal_mechanisms: "Church mutual-aid group; WhatsApp group of community leaders.".into(),
            focal_roles: "Pastor of the evangelical church; women's savings group treasurer (Tuesday meetings).".into(),
            gender_notes: "Women rarely leave home alone in the evening; a woman interpreter is needed for GBV cases.".into(),
            estimate_date: chrono::NaiveDate::from_ymd_opt(2026, 3, 1),
            estimate_source: "Community agents' household count, March 2026".into(),
            ..Default::default()
        },
        CommunityInput {
            name: "Village de pêcheurs d'Anse-Corail".into(),
            kind: "host".into(),
            population: pop([60, 80, 70, 300, 90], [65, 85, 75, 310, 70]),
            languages: "fr".into(),
            nationalities: "Belleterrian".into(),
            vulnerabilities: "Older people living alone; school drop-out after 14.".into(),
            protection_risks: "Child labour on boats in the holiday season.".into(),
            formal_mechanisms: "Child Protection Unit visits monthly.".into(),
            informal_mechanisms: "Fishers' cooperative solidarity fund.".into(),
            focal_roles: "Cooperative secretary; school head teacher.".into(),
            gender_notes: "Girls leave school earlier than boys to care for siblings.".into(),
            estimate_date: chrono::NaiveDate::from_ymd_opt(2025, 11, 15),
            estimate_source: "2025 parish census".into(),
            ..Default::default()
        },
        CommunityInput {
            name: "Cité Nouvelle".into(),
            kind: "mixed".into(),
            population: pop([90, 120, 100, 600, 60], [95, 125, 110, 640, 50]),
            languages: "fr, en, es".into(),
            nationalities: "Belleterrian, Dominican, Venezuelan".into(),
            vulnerabilities: "Unemployed young adults; single mothers.".into(),
            protection_risks: "Domestic violence; recruitment for trafficking through false job offers.".into(),
            formal_mechanisms: "Police victim support desk; employment agency outreach.".into(),
            informal_mechanisms: "Neighbourhood watch; youth football club.".into(),
            focal_roles: "Youth club coordinator; community centre reception desk.".into(),
            gender_notes: "Job offers abroad target young women through social media.".into(),
            estimate_date: chrono::NaiveDate::from_ymd_opt(2026, 6, 30),
            estimate_source: "Federation of Social Organisations survey".into(),
            ..Default::default()
        },
    ]
}
