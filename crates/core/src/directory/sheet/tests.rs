use std::collections::HashSet;

use super::*;
use crate::directory::hsds::{RecordKind, ServiceStatus, export_service};
use crate::directory::profile;
use crate::directory::taxonomy::Taxonomy;

fn ctx<'a>(areas: &'a [Area]) -> SheetContext<'a> {
    SheetContext {
        vocabulary: Vocabulary::builtin(),
        areas,
        country: "HT",
        lang: Lang::Fr,
        today: NaiveDate::from_ymd_opt(2026, 11, 25).unwrap(),
    }
}

fn mapping() -> ColumnMapping {
    ColumnMapping::standard(Taxonomy::protection())
}

fn areas() -> Vec<Area> {
    vec![
        Area { id: "HT-OU".into(), name: "Ouest".into() },
        Area { id: "HT-NO".into(), name: "Nord-Ouest".into() },
        Area { id: "HT-AR".into(), name: "Artibonite".into() },
    ]
}

/// A French team's sheet as Excel writes it: BOM, semicolons, a title row above the header.
const FRENCH: &str = "\u{feff}Cartographie des services - Ouest;;;;;;;;;\r\n\
Organisation;Nom du service;Besoins;Zone;Adresse;Ville;Téléphone;Horaires;Gratuit ? (oui/non);Langues\r\n\
Croix Solidaire;Abri de nuit Delmas;Hébergement d'urgence, VBG;Ouest;12 rue Capois;Port-au-Prince;+509 3456-7890 / 115;tous les jours 20h-8h;oui;Français, Kreyòl\r\n\
Clinique Espoir;Consultations;Santé;HT-AR;;Gonaïves;2222 3333;lun-ven 8h-16h;non;fr\r\n\
;;;;;;;;;\r\n";

#[test]
fn a_french_semicolon_sheet_with_bom_gives_hsds_services() {
    let a = areas();
    let out = read_services_csv(FRENCH.as_bytes(), &mapping(), &ctx(&a)).unwrap();
    assert_eq!(out.errors, vec![]);
    assert_eq!(out.encoding, "UTF-8");
    assert_eq!(out.source, ";");
    assert_eq!(out.rows.iter().map(|r| r.row).collect::<Vec<_>>(), vec![3, 4]);
    let s = &out.rows[0].service;
    assert_eq!(s.name, "Abri de nuit Delmas");
    assert_eq!(s.fields.organization.as_ref().unwrap().name, "Croix Solidaire");
    assert_eq!(profile::codes(s, Taxonomy::needs()), vec!["shelter_emergency", "gbv"]);
    assert_eq!(profile::codes(s, Taxonomy::protection()), vec!["free_of_charge"]);
    assert_eq!(profile::area_ids(s), vec!["HT-OU"]);
    assert_eq!(profile::language_codes(s), vec!["fr", "ht"]);
    assert_eq!(s.fields.phones.len(), 2);
    assert_eq!(s.fields.schedules[0].fields.byday.as_deref(), Some("MO,TU,WE,TH,FR,SA,SU"));
    assert_eq!(s.fields.schedules[0].fields.opens_at.as_deref(), Some("20:00:00"));
    let loc = s.fields.service_at_locations[0].fields.location.as_ref().unwrap();
    assert_eq!(loc.fields.addresses[0].city, "Port-au-Prince");
    assert_eq!(loc.fields.addresses[0].country, "HT");
    let s2 = &out.rows[1].service;
    assert_eq!(profile::codes(s2, Taxonomy::protection()), Vec::<String>::new());
    assert_eq!(profile::area_ids(s2), vec!["HT-AR"]);
    // The same sheet read again gives the same ids: a second import updates.
    let again = read_services_csv(FRENCH.as_bytes(), &mapping(), &ctx(&a)).unwrap();
    assert_eq!(again.rows[0].service.id, s.id);
}

#[test]
fn sheet_preview_creates_organisations_and_services_and_updates_known_ones() {
    let a = areas();
    let out = read_services_csv(FRENCH.as_bytes(), &mapping(), &ctx(&a)).unwrap();
    let p = out.preview(&HashSet::new(), Vocabulary::builtin());
    assert!(p.reject.is_empty(), "{:?}", p.reject);
    assert_eq!(p.create.iter().filter(|c| c.kind == RecordKind::Organization).count(), 2);
    assert_eq!(p.create.iter().filter(|c| c.kind == RecordKind::Service).count(), 2);
    assert!(p.accepts("/rows/3"));
    let known: HashSet<String> = [out.rows[1].service.id.clone()].into();
    let p = out.preview(&known, Vocabulary::builtin());
    assert_eq!(p.update.len(), 1);
    assert_eq!(p.update[0].pointer, "/rows/4");
}

#[test]
fn windows_1252_comma_sheet_in_english_is_decoded_with_a_warning() {
    let text = "Organization,Service name,Needs,Phone,Email,Opening hours,Status\r\n\
NGO Caf\u{e9},Legal clinic,legal aid,+33 1 23 45 67 89,Contact@NGO.example,Mon-Fri 9:00-17:00,temporarily closed\r\n";
    let (bytes, _, _) = encoding_rs::WINDOWS_1252.encode(text);
    let out = read_services_csv(&bytes, &mapping(), &ctx(&[])).unwrap();
    assert_eq!(out.encoding, "windows-1252");
    assert_eq!(out.warnings.iter().map(SheetError::code).collect::<Vec<_>>(), vec!["sheet-decoded"]);
    let s = &out.rows[0].service;
    assert_eq!(s.fields.organization.as_ref().unwrap().name, "NGO Café");
    assert_eq!(s.status, ServiceStatus::TemporarilyClosed);
    assert_eq!(s.fields.email.as_deref(), Some("contact@ngo.example"));
}

#[test]
fn spanish_headers_are_understood() {
    let text = "Nombre de la organización,Nombre del servicio,Necesidades,Zona,Teléfono,Horario,Accesible en silla de ruedas\n\
Fundación Sol,Atención psicológica,Apoyo psicosocial y salud mental,Nord-Ouest,809-555-0101,lunes a viernes de 8 a 16h,sí\n";
    let a = areas();
    let out = read_services_csv(text.as_bytes(), &mapping(), &ctx(&a)).unwrap();
    assert_eq!(out.errors, vec![]);
    let s = &out.rows[0].service;
    assert_eq!(profile::codes(s, Taxonomy::needs()), vec!["psychosocial"]);
    assert_eq!(profile::codes(s, Taxonomy::protection()), vec!["wheelchair_accessible"]);
    assert_eq!(profile::area_ids(s), vec!["HT-NO"]);
}

#[test]
fn bad_encodings_are_refused_with_the_line() {
    let mut bytes = "Organisation;Nom du service;Besoins\nCroix;Abri;Santé\n".as_bytes().to_vec();
    bytes.extend_from_slice(b"Clinique;Soins;Sant\xe9\n");
    let errs = read_services_csv(&bytes, &mapping(), &ctx(&[])).unwrap_err();
    assert_eq!(errs, vec![SheetError::Encoding { line: 3 }]);
    assert!(errs[0].to_string().contains("line 3"));
}

#[test]
fn wrong_columns_are_fatal_and_named() {
    let text = "Name;Colour;Téléphone;Tel\nA;red;1234;5678\n";
    let errs = read_services_csv(text.as_bytes(), &mapping(), &ctx(&[])).unwrap_err();
    assert_eq!(
        errs,
        vec![
            SheetError::DuplicateColumn { column: "D".into(), header: "Tel".into(), first: "C".into(), field: "phone".into() },
            SheetError::MissingColumn { field: "organization_name".into() },
            SheetError::MissingColumn { field: "service_name".into() },
            SheetError::MissingColumn { field: "needs".into() },
        ]
    );
    assert_eq!(read_services_csv(b"", &mapping(), &ctx(&[])).unwrap_err(), vec![SheetError::Empty]);
}

#[test]
fn row_errors_name_row_and_column() {
    let text = "Organisation;Nom du service;Besoins;Téléphone;Email;Site web;Horaires;Zone;Couleur\n\
Croix;Abri;shelter;+509 3456 7890;a@b.org;www.croix.org;lun-ven 8h-16h;Ouest;bleu\n\
Croix;;shelter;;;;;;\n\
Croix;Repas;astrologie;call me;not-mail;facebook page;sometimes;Mars;\n\
Croix;Abri;shelter;+509 3456 7890;a@b.org;www.croix.org;lun-ven 8h-16h;Ouest;vert\n\
Croix;Douches;shelter;1234567;;;Mon-Fri 8:00-16:00;ouest;\n";
    let a = areas();
    let out = read_services_csv(text.as_bytes(), &mapping(), &ctx(&a)).unwrap();
    let got: Vec<(&str, Option<usize>, Option<&str>)> =
        out.errors.iter().map(|e| (e.code(), e.row(), e.column())).collect();
    assert_eq!(
        got,
        vec![
            ("sheet-required", Some(3), Some("B")),
            ("sheet-unknown-area", Some(4), Some("H")),
            ("sheet-unknown-term", Some(4), Some("C")),
            ("sheet-bad-phone", Some(4), Some("D")),
            ("sheet-bad-email", Some(4), Some("E")),
            ("sheet-bad-url", Some(4), Some("F")),
            ("sheet-bad-schedule", Some(4), Some("G")),
            ("sheet-duplicate-row", Some(5), None),
        ]
    );
    assert_eq!(out.rows.iter().map(|r| r.row).collect::<Vec<_>>(), vec![2, 6]);
    assert_eq!(out.rejected_rows(), vec![3, 4, 5]);
    assert_eq!(out.errors[2].cell().unwrap().value, "astrologie");
    assert_eq!(out.errors[7], SheetError::DuplicateRow { row: 5, first_row: 2 });
    let msg = out.errors[3].to_string();
    assert!(msg.contains("row 4") && msg.contains("column D") && msg.contains("Téléphone"), "{msg}");
    assert_eq!(out.warnings, vec![SheetError::UnknownColumn { column: "I".into(), header: "Couleur".into() }]);
    assert_eq!(out.rows[0].service.fields.url.as_deref(), Some("https://www.croix.org"));
}

#[test]
fn exported_sheet_services_validate_against_hsds() {
    let a = areas();
    let text = "Organisation;Nom du service;Besoins;Zone;Adresse;Ville;Téléphone;Horaires;Critères;Capacité;Vérifié le;Vérifié par;Documents requis;Âge minimum;Latitude;Longitude;Site web;Email\n\
Croix;Abri;Accueil à bas seuil;Ouest;12 rue Capois;Port-au-Prince;115;24/7;ouvert aux migrants, confidentiel;40;15/10/2026;focal@croix.org;aucun;18;18,54;-72,33;croix.org;abri@croix.org\n";
    let out = read_services_csv(text.as_bytes(), &mapping(), &ctx(&a)).unwrap();
    assert_eq!(out.errors, vec![]);
    let s = &out.rows[0].service;
    assert_eq!(
        profile::codes(s, Taxonomy::protection()),
        vec!["open_to_migrants", "confidential", "no_documents_required"]
    );
    assert_eq!(profile::last_verified(s), NaiveDate::from_ymd_opt(2026, 10, 15));
    assert_eq!(profile::capacities(s)[0].available.as_u64(), Some(40));
    let json = export_service(s);
    let v = crate::directory::hsds::testkit::validator("service.json");
    assert_eq!(crate::directory::hsds::testkit::schema_errors(&v, &json), Vec::<String>::new());
    let v = crate::directory::hsds::testkit::validator("compiled/service.json");
    assert_eq!(crate::directory::hsds::testkit::schema_errors(&v, &json), Vec::<String>::new());
}

fn xlsx(rows: &[&[&str]]) -> Vec<u8> {
    let mut book = rust_xlsxwriter::Workbook::new();
    let notes = book.add_worksheet();
    notes.set_name("Lisez-moi").unwrap();
    notes.write_string(0, 0, "Instructions").unwrap();
    let ws = book.add_worksheet();
    ws.set_name("Services").unwrap();
    for (r, row) in rows.iter().enumerate() {
        for (c, cell) in row.iter().enumerate() {
            let (r, c) = (r as u32, c as u16);
            if let Some(n) = cell.strip_prefix("=n:") {
                ws.write_number(r, c, n.parse::<f64>().unwrap()).unwrap();
            } else if !cell.is_empty() {
                ws.write_string(r, c, *cell).unwrap();
            }
        }
    }
    book.save_to_buffer().unwrap()
}

#[test]
fn xlsx_sheets_are_read_like_csv() {
    let bytes = xlsx(&[
        &["Organisation", "Nom du service", "Besoins", "Téléphone", "Capacité"],
        &["Croix", "Abri", "shelter", "=n:50934567890", "=n:12"],
        &["Croix", "Repas", "food", "abc", ""],
    ]);
    let out = read_services_xlsx(&bytes, &mapping(), &ctx(&[])).unwrap();
    assert_eq!(out.source, "Services");
    assert_eq!(out.encoding, "xlsx");
    assert_eq!(out.rows.len(), 1);
    assert_eq!(out.rows[0].service.fields.phones[0].number, "50934567890");
    assert_eq!(profile::capacities(&out.rows[0].service)[0].available.as_u64(), Some(12));
    assert_eq!(out.errors.iter().map(|e| (e.code(), e.row(), e.column())).collect::<Vec<_>>(), vec![("sheet-bad-phone", Some(3), Some("D"))]);
}

#[test]
fn broken_workbooks_are_refused() {
    let errs = read_services_xlsx(b"PK\x03\x04 not really", &mapping(), &ctx(&[])).unwrap_err();
    assert_eq!(errs[0].code(), "sheet-unreadable");
    let bytes = xlsx(&[&["Colour"], &["red"]]);
    let errs = read_services_xlsx(&bytes, &mapping(), &ctx(&[])).unwrap_err();
    assert!(errs.iter().all(|e| e.code() == "sheet-missing-column"), "{errs:?}");
}

#[test]
fn xlsx_cells_become_text() {
    assert_eq!(cell_text(&Data::Float(50934567890.0)).unwrap(), "50934567890");
    assert_eq!(cell_text(&Data::Float(18.54)).unwrap(), "18.54");
    let date = calamine::ExcelDateTime::new(46310.0, calamine::ExcelDateTimeType::DateTime, false);
    assert_eq!(cell_text(&Data::DateTime(date)).unwrap(), "2026-10-15");
    let time = calamine::ExcelDateTime::new(0.5, calamine::ExcelDateTimeType::DateTime, false);
    assert_eq!(cell_text(&Data::DateTime(time)).unwrap(), "12:00");
    assert_eq!(cell_text(&Data::Error(calamine::CellErrorType::NA)), None);
}

mod properties {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn any_bytes_give_a_result_not_a_panic(bytes in prop::collection::vec(any::<u8>(), 0..400)) {
            let _ = read_services_csv(&bytes, &mapping(), &ctx(&[]));
            let _ = read_services_xlsx(&bytes, &mapping(), &ctx(&[]));
        }

        #[test]
        fn any_row_under_a_good_header_gives_a_service_or_named_errors(
            cells in prop::collection::vec("[^;\"\\p{C}]{0,20}", 12)
        ) {
            let text = format!(
                "Organisation;Nom du service;Besoins;Zone;Téléphone;Email;Site web;Horaires;Langues;Capacité;Gratuit;Vérifié le\n{}\n",
                cells.join(";")
            );
            let out = read_services_csv(text.as_bytes(), &mapping(), &ctx(&[])).unwrap();
            for e in &out.errors {
                prop_assert!(e.row() == Some(2), "{e:?}");
            }
            prop_assert!(out.rows.len() + usize::from(!out.errors.is_empty()) <= 1);
        }

        #[test]
        fn opening_hours_never_panic(text in "\\PC{0,60}") {
            let _ = crate::directory::hours::parse(&text);
        }
    }
}

/// Found by cargo fuzz (target `outreach_rows`): a cell reference with too many column letters
/// made calamine overflow; the workbook is now refused as damaged, whichever reader opens it.
#[test]
fn fuzz_regression_a_damaged_cell_reference_is_an_error_not_a_panic() {
    let bytes = include_bytes!("../../../tests/fuzz-regressions/outreach_rows-cell-reference-overflow.xlsx");
    assert!(matches!(xlsx_sheets(bytes), Err(SheetError::Unreadable { .. })));
    assert!(crate::people_sheet::read(bytes).is_err());
    let bytes = include_bytes!("../../../tests/fuzz-regressions/xlsform_xlsx-cell-reference-overflow.xlsx");
    assert!(matches!(xlsx_sheets(bytes), Err(SheetError::Unreadable { .. })));
}
