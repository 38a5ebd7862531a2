use serde_json::{Value, json};

use super::testkit::{json as example, read, schema_errors, validator};
use super::*;

const DATA_EXAMPLES: &[&str] = &[
    "examples/location.json",
    "examples/organization_full.json",
    "examples/organization_list.json",
    "examples/service_at_location_full.json",
    "examples/service_at_location_list.json",
    "examples/service_full.json",
    "examples/service_list.json",
    "examples/taxonomy.json",
    "examples/taxonomy_list.json",
    "examples/taxonomy_term.json",
    "examples/taxonomy_term_list.json",
];

#[test]
fn every_official_example_parses_and_exports_back_identically() {
    for rel in DATA_EXAMPLES {
        let text = read(rel);
        let ds = parse_dataset(&text).unwrap_or_else(|e| panic!("{rel}: {e:?}"));
        assert!(ds.unreadable.is_empty(), "{rel}: {:?}", ds.unreadable);
        assert!(!ds.records.is_empty(), "{rel}");
        let original: Value = serde_json::from_str(&text).unwrap();
        assert_eq!(export_dataset(&ds), original, "{rel} changed in the round trip");
    }
}

#[test]
fn kinds_are_recognised_in_the_examples() {
    let kind = |rel: &str| parse_dataset(&read(rel)).unwrap().records[0].kind();
    assert_eq!(kind("examples/service_full.json"), RecordKind::Service);
    assert_eq!(kind("examples/organization_full.json"), RecordKind::Organization);
    assert_eq!(kind("examples/location.json"), RecordKind::Location);
    assert_eq!(kind("examples/service_at_location_full.json"), RecordKind::ServiceAtLocation);
    assert_eq!(kind("examples/taxonomy.json"), RecordKind::Taxonomy);
    assert_eq!(kind("examples/taxonomy_term_list.json"), RecordKind::TaxonomyTerm);
    assert_eq!(kind("examples/organization_list.json"), RecordKind::Organization);
}

#[test]
fn service_full_fields_are_typed_not_left_in_extra() {
    let ds = parse_dataset(&read("examples/service_full.json")).unwrap();
    let Record::Service(s) = &ds.records[0] else { panic!() };
    assert_eq!(s.status, ServiceStatus::Active);
    assert!(s.fields.extra.is_empty(), "{:?}", s.fields.extra.keys());
    assert_eq!(s.fields.assured_date.as_deref(), Some("2005-01-01"));
    assert_eq!(s.fields.minimum_age.as_ref().and_then(|n| n.as_u64()), Some(12));
    let loc = s.fields.service_at_locations[0].fields.location.as_ref().unwrap();
    assert_eq!(loc.fields.addresses[0].city, "MyCity");
    assert!(loc.fields.addresses[0].fields.extra.is_empty());
    assert_eq!(s.fields.attributes[0].fields.taxonomy_term.as_ref().unwrap().fields.code.as_deref(), Some("code"));
    assert_eq!(s.fields.phones[0].fields.r#type.as_deref(), Some("voice"));
}

#[test]
fn unknown_fields_survive_the_round_trip() {
    let doc = json!({
        "id": "ac148810-d857-441c-9679-408f346de14b",
        "name": "Abri de nuit",
        "status": "temporarily closed",
        "x_capacity": {"beds": 12},
        "phones": [{"id": "1554f2e2-a373-45db-a3fa-9fc48a61c15e", "number": "+33 1 23", "x_whatsapp": true}]
    });
    let ds = parse_dataset(&doc.to_string()).unwrap();
    let Record::Service(s) = &ds.records[0] else { panic!() };
    assert_eq!(s.status, ServiceStatus::TemporarilyClosed);
    assert_eq!(s.fields.extra["x_capacity"], json!({"beds": 12}));
    assert_eq!(export_dataset(&ds), doc);
}

#[test]
fn nulls_read_as_absent() {
    let doc = json!({"id": "ac148810-d857-441c-9679-408f346de14b", "name": "A", "status": "active",
        "url": null, "phones": null});
    let ds = parse_dataset(&doc.to_string()).unwrap();
    assert_eq!(export_dataset(&ds), json!({"id": "ac148810-d857-441c-9679-408f346de14b", "name": "A", "status": "active"}));
}

#[test]
fn bad_records_are_set_aside_with_their_pointer_and_the_rest_is_read() {
    let doc = json!({"services": [
        {"id": "ac148810-d857-441c-9679-408f346de14b", "name": "Good", "status": "active"},
        {"id": "bc148810-d857-441c-9679-408f346de14b", "name": "No status"},
        {"id": "cc148810-d857-441c-9679-408f346de14b", "name": "Odd", "status": "open"},
        {"id": "dc148810-d857-441c-9679-408f346de14b", "name": "Bad age", "status": "active", "minimum_age": "twelve"},
        "not an object"
    ]});
    let ds = parse_dataset(&doc.to_string()).unwrap();
    assert_eq!(ds.records.len(), 1);
    let codes: Vec<(String, Vec<&str>)> = ds
        .unreadable
        .iter()
        .map(|u| (u.pointer.clone(), u.errors.iter().map(ImportError::code).collect()))
        .collect();
    assert_eq!(
        codes,
        vec![
            ("/services/1".into(), vec!["missing-field"]),
            ("/services/2".into(), vec!["bad-status"]),
            ("/services/3".into(), vec!["bad-value"]),
            ("/services/4".into(), vec!["not-an-object"]),
        ]
    );
    assert!(ds.unreadable[0].errors[0].to_string().contains("\"status\""));
}

#[test]
fn whole_document_errors() {
    let e = parse_dataset("{\"id\": ").unwrap_err();
    assert_eq!(e[0].code(), "invalid-json");
    assert!(matches!(e[0], ImportError::Json { line: 1, .. }));
    assert_eq!(parse_dataset("42").unwrap_err()[0].code(), "unsupported-shape");
    assert_eq!(parse_dataset(&read("examples/tabular.json")).unwrap_err()[0], ImportError::UnsupportedShape { hint: "tabular".into() });
    assert_eq!(parse_dataset("[]").unwrap_err()[0].code(), "empty-dataset");
    // A byte-order mark in front of the JSON is not an error.
    assert!(parse_dataset(&format!("\u{feff}{}", read("examples/taxonomy.json"))).is_ok());
}

#[test]
fn collections_documents_round_trip_and_keep_extra_keys() {
    let doc = json!({
        "version": "3.0",
        "organizations": [{"id": "d9d5e0f5-d3ce-4f73-9a2f-4dd0ecc6c610", "name": "O", "description": "D"}],
        "services": [{"id": "ac148810-d857-441c-9679-408f346de14b", "name": "S", "status": "inactive",
                      "organization_id": "d9d5e0f5-d3ce-4f73-9a2f-4dd0ecc6c610"}]
    });
    let ds = parse_dataset(&doc.to_string()).unwrap();
    assert_eq!(ds.pointers, vec!["/organizations/0", "/services/0"]);
    assert_eq!(export_dataset(&ds), doc);
    let rebuilt = Dataset::from_records(ds.records.clone());
    assert_eq!(parse_dataset(&export_dataset(&rebuilt).to_string()).unwrap().records, ds.records);
}

#[test]
fn official_examples_are_valid_against_the_schemas_we_test_with() {
    // Guards the test harness itself: if the retriever or formats were wrong, the export
    // tests below would pass or fail for the wrong reason.
    let v = validator("service.json");
    assert_eq!(schema_errors(&v, &example("examples/service_full.json")), Vec::<String>::new());
    let v = validator("compiled/organization.json");
    assert_eq!(schema_errors(&v, &example("examples/organization_full.json")), Vec::<String>::new());
    let bad = json!({"id": "not-a-uuid", "name": "S", "status": "open"});
    assert_eq!(schema_errors(&validator("service.json"), &bad).len(), 2);
}

#[test]
fn exported_examples_validate_against_the_official_schemas() {
    let ds = parse_dataset(&read("examples/service_full.json")).unwrap();
    let Record::Service(s) = &ds.records[0] else { panic!() };
    let out = export_service(s);
    for schema in ["service.json", "compiled/service.json"] {
        assert_eq!(schema_errors(&validator(schema), &out), Vec::<String>::new(), "{schema}");
    }
    let ds = parse_dataset(&read("examples/organization_full.json")).unwrap();
    let Record::Organization(o) = &ds.records[0] else { panic!() };
    assert_eq!(schema_errors(&validator("organization.json"), &export_organization(o)), Vec::<String>::new());
}

mod properties {
    use super::*;
    use proptest::prelude::*;

    fn status() -> impl Strategy<Value = ServiceStatus> {
        prop::sample::select(ServiceStatus::ALL.to_vec())
    }

    prop_compose! {
        fn service()(
            id in "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}",
            name in "\\PC{0,40}",
            status in status(),
            description in proptest::option::of("\\PC{0,80}"),
            min_age in proptest::option::of(0u64..120),
            latitude in proptest::option::of(-90.0f64..90.0),
            extra_key in "x_[a-z]{1,8}",
            extra_value in proptest::option::of("\\PC{0,20}"),
            phones in proptest::collection::vec(("[0-9 +]{3,15}", proptest::option::of(0u64..999)), 0..3),
        ) -> Value {
            let mut s = json!({"id": id, "name": name, "status": status.as_str()});
            if let Some(d) = description { s["description"] = json!(d); }
            if let Some(a) = min_age { s["minimum_age"] = json!(a); }
            if let Some(v) = extra_value { s[extra_key.as_str()] = json!(v); }
            if let Some(lat) = latitude {
                s["service_at_locations"] = json!([{"id": id, "location": {"id": id, "location_type": "physical", "latitude": lat}}]);
            }
            if !phones.is_empty() {
                s["phones"] = Value::Array(phones.iter().map(|(n, ext)| {
                    let mut p = json!({"id": id, "number": n});
                    if let Some(e) = ext { p["extension"] = json!(e); }
                    p
                }).collect());
            }
            s
        }
    }

    proptest! {
        #[test]
        fn any_service_document_round_trips(doc in service()) {
            let ds = parse_dataset(&doc.to_string()).unwrap();
            prop_assert!(ds.unreadable.is_empty());
            prop_assert_eq!(export_dataset(&ds), doc);
        }

        #[test]
        fn parsing_never_panics(text in "\\PC{0,200}") {
            let _ = parse_dataset(&text);
        }

        #[test]
        fn parsing_json_of_any_shape_never_panics(v in any_json()) {
            let _ = parse_dataset(&v.to_string());
        }
    }

    fn any_json() -> impl Strategy<Value = Value> {
        let leaf = prop_oneof![
            Just(Value::Null),
            any::<bool>().prop_map(Value::from),
            any::<i64>().prop_map(Value::from),
            "[a-z_]{0,8}".prop_map(Value::from),
        ];
        leaf.prop_recursive(4, 32, 6, |inner| {
            prop_oneof![
                prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
                prop::collection::btree_map(
                    prop::sample::select(vec!["id", "name", "status", "contents", "services", "phones", "location", "code", "x"]),
                    inner,
                    0..6
                )
                .prop_map(|m| Value::Object(m.into_iter().map(|(k, v)| (k.to_string(), v)).collect())),
            ]
        })
    }
}
