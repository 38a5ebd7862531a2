//! The whole directory as one HSDS 3.0 collections document: organisations, services,
//! locations, and the Passerelle taxonomies their attributes refer to, so that a reader needs
//! nothing else to understand the need codes and protection attributes.

use serde_json::Value;

use super::hsds::{Dataset, Location, Organization, Record, Service, export_dataset};
use super::import::Vocabulary;
use crate::lang::Lang;

/// The directory as `{"organizations": [..], "services": [..], "locations": [..],
/// "taxonomies": [..], "taxonomy_terms": [..]}`, terms labelled in `lang`. Reading it back
/// with [`parse_dataset`](super::hsds::parse_dataset) gives the same records.
pub fn export_directory(
    organizations: &[Organization],
    services: &[Service],
    locations: &[Location],
    vocabulary: Vocabulary<'_>,
    lang: Lang,
) -> Value {
    export_dataset(&directory_dataset(organizations, services, locations, vocabulary, lang))
}

/// The records [`export_directory`] writes.
pub fn directory_dataset(
    organizations: &[Organization],
    services: &[Service],
    locations: &[Location],
    vocabulary: Vocabulary<'_>,
    lang: Lang,
) -> Dataset {
    let mut records: Vec<Record> = Vec::new();
    records.extend(organizations.iter().cloned().map(Record::Organization));
    records.extend(services.iter().cloned().map(Record::Service));
    records.extend(locations.iter().cloned().map(Record::Location));
    for taxonomy in [vocabulary.needs, vocabulary.protection] {
        records.push(Record::Taxonomy(taxonomy.to_hsds(lang)));
        records.extend(taxonomy.hsds_terms(lang).into_iter().map(Record::TaxonomyTerm));
    }
    Dataset::from_records(records)
}

#[cfg(test)]
mod tests {
    use std::collections::HashSet;

    use super::*;
    use crate::directory::hsds::testkit::{schema_errors, validator};
    use crate::directory::hsds::{RecordKind, parse_dataset};
    use crate::directory::import::preview;
    use crate::directory::sheet::{ColumnMapping, SheetContext, read_services_csv};
    use crate::directory::taxonomy::Taxonomy;

    fn sample() -> (Vec<Organization>, Vec<Service>) {
        let csv = "Organisation;Nom du service;Besoins;Zone;Adresse;Ville;Téléphone;Horaires;Critères;Langues\n\
Croix Solidaire;Abri de nuit;Accueil à bas seuil;HT-OU;12 rue Capois;Port-au-Prince;115;tous les jours 20h-8h;Gratuit, Confidentiel;fr, ht\n\
Femmes Debout;Ligne d'écoute;gbv_helpline, psychosocial;HT-OU, HT-NO;;;+509 2222 3333;24/7;ouvert aux migrants;es\n";
        let ctx = SheetContext {
            vocabulary: Vocabulary::builtin(),
            areas: &[],
            country: "HT",
            lang: Lang::Fr,
            today: chrono::NaiveDate::from_ymd_opt(2026, 11, 25).unwrap(),
        };
        let out = read_services_csv(csv.as_bytes(), &ColumnMapping::standard(Taxonomy::protection()), &ctx).unwrap();
        assert!(out.errors.is_empty(), "{:?}", out.errors);
        let services: Vec<Service> = out.rows.iter().map(|r| r.service.clone()).collect();
        let orgs = services.iter().filter_map(|s| s.fields.organization.as_deref().cloned()).collect();
        (orgs, services)
    }

    #[test]
    fn directory_export_validates_record_by_record_against_hsds_schemas() {
        let (orgs, services) = sample();
        let json = export_directory(&orgs, &services, &[], Vocabulary::builtin(), Lang::Es);
        for (key, schema) in [
            ("organizations", "organization.json"),
            ("services", "service.json"),
            ("taxonomies", "taxonomy.json"),
            ("taxonomy_terms", "taxonomy_term.json"),
        ] {
            let v = validator(schema);
            let items = json[key].as_array().unwrap();
            assert!(!items.is_empty(), "{key}");
            for item in items {
                assert_eq!(schema_errors(&v, item), Vec::<String>::new(), "{key}: {item}");
            }
        }
        let compiled = validator("compiled/service.json");
        for s in json["services"].as_array().unwrap() {
            assert_eq!(schema_errors(&compiled, s), Vec::<String>::new());
        }
        assert_eq!(json["taxonomy_terms"][0]["language"], "es");
    }

    #[test]
    fn directory_export_round_trips_and_reimports_as_updates() {
        let (orgs, services) = sample();
        let ds = directory_dataset(&orgs, &services, &[], Vocabulary::builtin(), Lang::Fr);
        let json = export_dataset(&ds);
        let back = parse_dataset(&json.to_string()).unwrap();
        assert!(back.unreadable.is_empty());
        assert_eq!(back.records, ds.records);
        assert_eq!(export_dataset(&back), json);
        // Importing one's own export into the same directory changes nothing but updates.
        let existing: HashSet<String> = back.records.iter().map(|r| r.id().to_string()).collect();
        let p = preview(&existing, &back, Vocabulary::builtin());
        assert!(p.reject.is_empty(), "{:?}", p.reject);
        assert!(p.create.is_empty());
        let services_updated = p.update.iter().filter(|u| u.kind == RecordKind::Service).count();
        assert_eq!(services_updated, 2);
    }
}
