//! Reading and writing whole HSDS 3.0 JSON documents.
//!
//! HSDS data travels in several shapes: one object (an API `/services/{id}` answer), a page of
//! an API list (`{"total_items": .., "contents": [..]}`), a bare array, or the collections
//! document Passerelle exports (`{"organizations": [..], "services": [..], ...}`). The shape is
//! remembered in [`Dataset::shape`] so that [`export_dataset`] writes back what was read.
//!
//! One unreadable record does not stop the import: it is set aside in [`Dataset::unreadable`]
//! with what is wrong, and the import preview lists it as rejected.

use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::{Map, Value};

use super::model::{Location, Organization, Service, ServiceAtLocation, ServiceStatus, Taxonomy, TaxonomyTerm};
use super::ImportError;

/// The kinds of top-level record an HSDS document may carry.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum RecordKind {
    Organization,
    Service,
    Location,
    ServiceAtLocation,
    Taxonomy,
    TaxonomyTerm,
}

impl RecordKind {
    pub const ALL: [RecordKind; 6] = [
        RecordKind::Organization,
        RecordKind::Service,
        RecordKind::Location,
        RecordKind::ServiceAtLocation,
        RecordKind::Taxonomy,
        RecordKind::TaxonomyTerm,
    ];

    pub fn code(self) -> &'static str {
        match self {
            RecordKind::Organization => "organization",
            RecordKind::Service => "service",
            RecordKind::Location => "location",
            RecordKind::ServiceAtLocation => "service_at_location",
            RecordKind::Taxonomy => "taxonomy",
            RecordKind::TaxonomyTerm => "taxonomy_term",
        }
    }

    /// The key of this kind's list in a collections document.
    pub fn collection(self) -> &'static str {
        match self {
            RecordKind::Organization => "organizations",
            RecordKind::Service => "services",
            RecordKind::Location => "locations",
            RecordKind::ServiceAtLocation => "service_at_locations",
            RecordKind::Taxonomy => "taxonomies",
            RecordKind::TaxonomyTerm => "taxonomy_terms",
        }
    }

    /// Fields HSDS 3.0 requires on this kind of record.
    fn required(self) -> &'static [&'static str] {
        match self {
            RecordKind::Organization => &["id", "name", "description"],
            RecordKind::Service => &["id", "name", "status"],
            RecordKind::Location => &["id", "location_type"],
            RecordKind::ServiceAtLocation => &["id"],
            RecordKind::Taxonomy | RecordKind::TaxonomyTerm => &["id", "name", "description"],
        }
    }
}

/// One readable top-level record. Variants differ in size, but records live once in a
/// dataset's list, so boxing them would only add allocations.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone, PartialEq)]
pub enum Record {
    Organization(Organization),
    Service(Service),
    Location(Location),
    ServiceAtLocation(ServiceAtLocation),
    Taxonomy(Taxonomy),
    TaxonomyTerm(TaxonomyTerm),
}

impl Record {
    pub fn kind(&self) -> RecordKind {
        match self {
            Record::Organization(_) => RecordKind::Organization,
            Record::Service(_) => RecordKind::Service,
            Record::Location(_) => RecordKind::Location,
            Record::ServiceAtLocation(_) => RecordKind::ServiceAtLocation,
            Record::Taxonomy(_) => RecordKind::Taxonomy,
            Record::TaxonomyTerm(_) => RecordKind::TaxonomyTerm,
        }
    }

    pub fn id(&self) -> &str {
        match self {
            Record::Organization(r) => &r.id,
            Record::Service(r) => &r.id,
            Record::Location(r) => &r.id,
            Record::ServiceAtLocation(r) => &r.id,
            Record::Taxonomy(r) => &r.id,
            Record::TaxonomyTerm(r) => &r.id,
        }
    }

    /// A name to show in the preview (locations and service-at-locations may have none).
    pub fn name(&self) -> Option<&str> {
        match self {
            Record::Organization(r) => Some(&r.name),
            Record::Service(r) => Some(&r.name),
            Record::Location(r) => r.fields.name.as_deref(),
            Record::ServiceAtLocation(r) => r.fields.description.as_deref(),
            Record::Taxonomy(r) => Some(&r.name),
            Record::TaxonomyTerm(r) => Some(&r.name),
        }
    }

    pub fn to_json(&self) -> Value {
        match self {
            Record::Organization(r) => to_json(r),
            Record::Service(r) => to_json(r),
            Record::Location(r) => to_json(r),
            Record::ServiceAtLocation(r) => to_json(r),
            Record::Taxonomy(r) => to_json(r),
            Record::TaxonomyTerm(r) => to_json(r),
        }
    }
}

/// How the records were laid out in the document.
#[derive(Debug, Clone, PartialEq)]
pub enum Shape {
    /// One record, the whole document.
    Single,
    /// A bare JSON array of records.
    Array,
    /// A page of an HSDS API list; `meta` holds `total_items`, `page_number`, ...
    Page { meta: Map<String, Value> },
    /// `{"organizations": [..], "services": [..], ...}`; `meta` holds any other keys.
    Collections { meta: Map<String, Value> },
}

impl Default for Shape {
    fn default() -> Self {
        Shape::Collections { meta: Map::new() }
    }
}

/// A record that could not be read, and why.
#[derive(Debug, Clone, PartialEq)]
pub struct Unreadable {
    /// JSON pointer of the record in the document (`/services/3`).
    pub pointer: String,
    pub kind: RecordKind,
    pub id: Option<String>,
    pub name: Option<String>,
    pub errors: Vec<ImportError>,
}

/// A parsed HSDS document: its readable records in document order, and the unreadable ones.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Dataset {
    pub shape: Shape,
    pub records: Vec<Record>,
    /// JSON pointer of each record, same order as `records`.
    pub pointers: Vec<String>,
    pub unreadable: Vec<Unreadable>,
}

impl Dataset {
    /// A collections dataset from records, e.g. to export the whole directory. Records are
    /// grouped by kind (stable within a kind), the order a collections document has.
    pub fn from_records(mut records: Vec<Record>) -> Dataset {
        records.sort_by_key(Record::kind);
        let pointers = pointers_for_collections(&records);
        Dataset { shape: Shape::default(), records, pointers, unreadable: Vec::new() }
    }

    pub fn services(&self) -> impl Iterator<Item = &Service> {
        self.records.iter().filter_map(|r| match r {
            Record::Service(s) => Some(s),
            _ => None,
        })
    }

    pub fn organizations(&self) -> impl Iterator<Item = &Organization> {
        self.records.iter().filter_map(|r| match r {
            Record::Organization(o) => Some(o),
            _ => None,
        })
    }

    pub fn locations(&self) -> impl Iterator<Item = &Location> {
        self.records.iter().filter_map(|r| match r {
            Record::Location(l) => Some(l),
            _ => None,
        })
    }
}

fn pointers_for_collections(records: &[Record]) -> Vec<String> {
    let mut seen: std::collections::BTreeMap<RecordKind, usize> = Default::default();
    records
        .iter()
        .map(|r| {
            let n = seen.entry(r.kind()).or_default();
            let p = format!("/{}/{}", r.kind().collection(), n);
            *n += 1;
            p
        })
        .collect()
}

fn to_json<T: Serialize>(value: &T) -> Value {
    // These types hold only strings, numbers, lists and string-keyed maps: serialising them
    // cannot fail, so the fallback is never taken.
    serde_json::to_value(value).unwrap_or(Value::Null)
}

/// Parses an HSDS 3.0 JSON document. Fails only when the document as a whole cannot be read
/// (not JSON, not a shape HSDS uses, no record at all); a bad record is kept in
/// [`Dataset::unreadable`] instead, so the preview can show every problem at once.
pub fn parse_dataset(text: &str) -> Result<Dataset, Vec<ImportError>> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let doc: Value = serde_json::from_str(text).map_err(|e| {
        vec![ImportError::Json { line: e.line(), column: e.column(), message: e.to_string() }]
    })?;
    let mut ds = Dataset::default();
    match doc {
        Value::Array(items) => {
            ds.shape = Shape::Array;
            for (i, item) in items.into_iter().enumerate() {
                read_item(&mut ds, item, format!("/{i}"), None);
            }
        }
        Value::Object(mut obj) => {
            if let Some(Value::Array(_)) = obj.get("contents") {
                let Some(Value::Array(items)) = obj.remove("contents") else {
                    return Err(vec![ImportError::UnsupportedShape { hint: "contents".into() }]);
                };
                for (i, item) in items.into_iter().enumerate() {
                    read_item(&mut ds, item, format!("/contents/{i}"), None);
                }
                ds.shape = Shape::Page { meta: obj };
            } else if !obj.contains_key("id")
                && RecordKind::ALL.iter().any(|k| obj.get(k.collection()).is_some_and(Value::is_array))
            {
                for kind in RecordKind::ALL {
                    if let Some(Value::Array(items)) = obj.remove(kind.collection()) {
                        for (i, item) in items.into_iter().enumerate() {
                            read_item(&mut ds, item, format!("/{}/{i}", kind.collection()), Some(kind));
                        }
                    }
                }
                ds.shape = Shape::Collections { meta: obj };
            } else if obj.contains_key("id") {
                ds.shape = Shape::Single;
                read_item(&mut ds, Value::Object(obj), String::new(), None);
            } else {
                let hint = if obj.keys().any(|k| k.ends_with(".csv")) {
                    "tabular".to_string()
                } else {
                    obj.keys().take(5).cloned().collect::<Vec<_>>().join(", ")
                };
                return Err(vec![ImportError::UnsupportedShape { hint }]);
            }
        }
        _ => return Err(vec![ImportError::UnsupportedShape { hint: "not an object or array".into() }]),
    }
    if ds.records.is_empty() && ds.unreadable.is_empty() {
        return Err(vec![ImportError::Empty]);
    }
    Ok(ds)
}

/// Guesses what an object is from the fields only that kind has.
pub fn infer_kind(obj: &Map<String, Value>) -> RecordKind {
    const SERVICE_ONLY: &[&str] = &[
        "status",
        "eligibility_description",
        "service_areas",
        "service_at_locations",
        "assured_date",
        "application_process",
        "fees_description",
        "cost_options",
        "required_documents",
        "interpretation_services",
    ];
    const TERM_ONLY: &[&str] = &["code", "parent_id", "taxonomy", "taxonomy_detail", "taxonomy_id", "term_uri"];
    let has = |keys: &[&str]| keys.iter().any(|k| obj.contains_key(*k));
    if has(SERVICE_ONLY) {
        RecordKind::Service
    } else if has(&["location_type", "latitude", "longitude", "addresses", "accessibility"]) {
        RecordKind::Location
    } else if has(&["service", "location", "service_id", "location_id"]) {
        RecordKind::ServiceAtLocation
    } else if has(TERM_ONLY) {
        RecordKind::TaxonomyTerm
    } else if obj.contains_key("version") {
        RecordKind::Taxonomy
    } else {
        RecordKind::Organization
    }
}

fn read_item(ds: &mut Dataset, item: Value, pointer: String, kind: Option<RecordKind>) {
    let Value::Object(obj) = item else {
        ds.unreadable.push(Unreadable {
            pointer: pointer.clone(),
            kind: kind.unwrap_or(RecordKind::Service),
            id: None,
            name: None,
            errors: vec![ImportError::NotAnObject { pointer }],
        });
        return;
    };
    let kind = kind.unwrap_or_else(|| infer_kind(&obj));
    let mut errors = Vec::new();
    for field in kind.required() {
        match obj.get(*field) {
            Some(Value::String(_)) => {}
            None | Some(Value::Null) => errors.push(ImportError::MissingField {
                pointer: pointer.clone(),
                field: (*field).to_string(),
            }),
            Some(_) => errors.push(ImportError::BadValue {
                pointer: pointer.clone(),
                field: (*field).to_string(),
                message: "expected text".into(),
            }),
        }
    }
    if kind == RecordKind::Service
        && let Some(Value::String(status)) = obj.get("status")
        && ServiceStatus::parse(status).is_none()
    {
        errors.push(ImportError::BadStatus { pointer: pointer.clone(), value: status.clone() });
    }
    let text = |k: &str| obj.get(k).and_then(Value::as_str).map(str::to_string);
    let (id, name) = (text("id"), text("name"));
    if errors.is_empty() {
        let value = Value::Object(obj);
        let record = match kind {
            RecordKind::Organization => read::<Organization>(value).map(Record::Organization),
            RecordKind::Service => read::<Service>(value).map(Record::Service),
            RecordKind::Location => read::<Location>(value).map(Record::Location),
            RecordKind::ServiceAtLocation => read::<ServiceAtLocation>(value).map(Record::ServiceAtLocation),
            RecordKind::Taxonomy => read::<Taxonomy>(value).map(Record::Taxonomy),
            RecordKind::TaxonomyTerm => read::<TaxonomyTerm>(value).map(Record::TaxonomyTerm),
        };
        match record {
            Ok(r) => {
                ds.records.push(r);
                ds.pointers.push(pointer);
                return;
            }
            Err(message) => errors.push(ImportError::BadValue { pointer: pointer.clone(), field: String::new(), message }),
        }
    }
    ds.unreadable.push(Unreadable { pointer, kind, id, name, errors });
}

fn read<T: DeserializeOwned>(value: Value) -> Result<T, String> {
    serde_json::from_value(value).map_err(|e| e.to_string())
}

/// One service as an HSDS 3.0 `service` document (valid against `compiled/service.json`).
pub fn export_service(service: &Service) -> Value {
    to_json(service)
}

/// One organisation as an HSDS 3.0 `organization` document.
pub fn export_organization(organization: &Organization) -> Value {
    to_json(organization)
}

/// Writes a dataset back in the shape it was read in (a collections document for datasets
/// built with [`Dataset::from_records`]).
pub fn export_dataset(ds: &Dataset) -> Value {
    match &ds.shape {
        Shape::Single => ds.records.first().map(Record::to_json).unwrap_or(Value::Null),
        Shape::Array => Value::Array(ds.records.iter().map(Record::to_json).collect()),
        Shape::Page { meta } => {
            let mut out = meta.clone();
            out.insert("contents".into(), Value::Array(ds.records.iter().map(Record::to_json).collect()));
            Value::Object(out)
        }
        Shape::Collections { meta } => {
            let mut out = meta.clone();
            for kind in RecordKind::ALL {
                let items: Vec<Value> =
                    ds.records.iter().filter(|r| r.kind() == kind).map(Record::to_json).collect();
                if !items.is_empty() {
                    out.insert(kind.collection().into(), Value::Array(items));
                }
            }
            Value::Object(out)
        }
    }
}
