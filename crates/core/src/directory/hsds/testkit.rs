//! Test helpers that read the official HSDS 3.0 files from `shared/hsds` (tests only: the
//! core crate itself never reads files).

use std::collections::HashMap;
use std::path::PathBuf;

use serde_json::Value;

/// `shared/hsds` beside the repository (the layout of the developers' machines and CI), or
/// the folder named by `PASSERELLE_HSDS_DIR`.
pub fn hsds_dir() -> PathBuf {
    if let Ok(dir) = std::env::var("PASSERELLE_HSDS_DIR") {
        return PathBuf::from(dir);
    }
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/hsds")
}

pub fn read(rel: &str) -> String {
    let path = hsds_dir().join(rel);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()))
}

pub fn json(rel: &str) -> Value {
    serde_json::from_str(&read(rel)).unwrap()
}

/// Serves the schema files by their file name: the HSDS schemas `$ref` each other as
/// `"phone.json"`, relative to the referring file.
struct SchemaFiles(HashMap<String, Value>);

impl jsonschema::Retrieve for SchemaFiles {
    fn retrieve(
        &self,
        uri: &jsonschema::Uri<String>,
    ) -> Result<Value, Box<dyn std::error::Error + Send + Sync>> {
        let name = uri.path().as_str().rsplit('/').next().unwrap_or("").to_string();
        self.0.get(&name).cloned().ok_or_else(|| format!("no HSDS schema named {name:?} ({uri})").into())
    }
}

/// A validator for one HSDS schema file (e.g. `service.json` or `compiled/service.json`),
/// with formats (uuid, email, uri, date-time) checked.
pub fn validator(rel: &str) -> jsonschema::Validator {
    let dir = hsds_dir().join("schema");
    let mut files = HashMap::new();
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "json") {
            let name = path.file_name().unwrap().to_string_lossy().to_string();
            let value: Value = serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
            files.insert(name, value);
        }
    }
    let schema = json(&format!("schema/{rel}"));
    jsonschema::options()
        .with_base_uri(format!("file:///hsds/schema/{rel}"))
        .with_retriever(SchemaFiles(files))
        .should_validate_formats(true)
        .build(&schema)
        .unwrap_or_else(|e| panic!("schema {rel}: {e}"))
}

/// Every validation error of `instance`, as readable lines (empty when valid).
pub fn schema_errors(validator: &jsonschema::Validator, instance: &Value) -> Vec<String> {
    validator.iter_errors(instance).map(|e| format!("{} at {}", e, e.instance_path())).collect()
}
