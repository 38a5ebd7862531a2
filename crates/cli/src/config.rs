//! Settings from a TOML file, environment variables and flags (flags win, then environment,
//! then the file, then defaults).

use anyhow::{Context, Result};
use serde::Deserialize;
use std::path::{Path, PathBuf};

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FileSettings {
    pub data_dir: Option<PathBuf>,
    pub database: Option<String>,
    pub addr: Option<String>,
    pub secure: Option<bool>,
    pub trust_forwarded_for: Option<bool>,
}

impl FileSettings {
    pub fn load(path: Option<&Path>) -> Result<FileSettings> {
        let Some(path) = path else { return Ok(FileSettings::default()) };
        let text = std::fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))?;
        toml::from_str(&text).with_context(|| format!("{} is not a valid Passerelle configuration", path.display()))
    }
}

pub struct Settings {
    pub data_dir: PathBuf,
    pub database: Option<String>,
    /// Where the data key comes from (`--data-key-file`, `PASSERELLE_DATA_KEY`, or the data dir).
    pub data_key: passerelle_store::sealing::DataKey,
}

impl Settings {
    pub fn resolve(file: &FileSettings, data_dir: Option<PathBuf>, database: Option<String>) -> Settings {
        Settings {
            data_dir: data_dir.or(file.data_dir.clone()).unwrap_or_else(|| PathBuf::from("passerelle-data")),
            database: database.or(file.database.clone()).filter(|d| !d.is_empty()),
            data_key: passerelle_store::sealing::DataKey::Default,
        }
    }

    /// Where the data are, for messages: never the password of a database URL.
    pub fn describe_database(&self) -> String {
        match &self.database {
            Some(url) => passerelle_store::db::redact_url(url),
            None => format!("SQLite in {}", self.data_dir.display()),
        }
    }
}
