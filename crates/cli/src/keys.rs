//! `passerelle keys`: the data key that seals personal data at rest (see SECURITY.md).

use crate::config::Settings;
use anyhow::{bail, Context, Result};
use clap::Subcommand;
use passerelle_core::privacy::seal;
use passerelle_store::sealing::{self, DataKey};
use std::path::PathBuf;

#[derive(Subcommand, Debug)]
pub enum KeysCommand {
    /// Print a new data key as a key-file line (`<id>:<base64>`), or write it to a new file
    /// readable by its owner only (an existing file is never overwritten).
    Generate {
        #[arg(long, value_name = "FILE")]
        to: Option<PathBuf>,
        #[arg(long, default_value_t = 1)]
        id: u32,
    },
    /// Add a new key to the key file, then re-seal every sealed value and recompute every blind
    /// index under it, in batches of 200 rows, one transaction each. Stop the servers first.
    /// Interrupted? Run `keys rotate --resume`: rows already under the newest key are skipped.
    /// With PASSERELLE_DATA_KEY, add the new key to the variable first (the highest id is used)
    /// and run with --resume.
    Rotate {
        /// Do not add a key: finish re-sealing under the newest key already in the keyring.
        #[arg(long)]
        resume: bool,
    },
}

/// The data key's source: `--data-key-file`, else `PASSERELLE_DATA_KEY`, else the data dir.
pub fn source(file: Option<PathBuf>) -> DataKey {
    if let Some(f) = file {
        return DataKey::File(f);
    }
    match std::env::var("PASSERELLE_DATA_KEY") {
        Ok(k) if !k.trim().is_empty() => DataKey::Text(k),
        _ => DataKey::Default,
    }
}

pub async fn run(settings: &Settings, command: KeysCommand) -> Result<i32> {
    match command {
        KeysCommand::Generate { to, id } => {
            match to {
                Some(path) => {
                    sealing::write_new_key_file(&path, id).with_context(|| format!("cannot write {}", path.display()))?;
                    println!("data key {id} written to {} (mode 0600); keep a copy apart from the database backups", path.display());
                }
                None => println!("{}", seal::key_line(id, &seal::generate_key())),
            }
            Ok(0)
        }
        KeysCommand::Rotate { resume } => {
            let file = match &settings.data_key {
                DataKey::File(f) => Some(f.clone()),
                DataKey::Default => Some(sealing::default_key_file(&settings.data_dir)),
                DataKey::Text(_) => None,
            };
            if !resume {
                let Some(file) = file else {
                    bail!("the data key comes from PASSERELLE_DATA_KEY: add a new `<id>:<base64>` entry to it (passerelle keys generate --id N) and run `keys rotate --resume`");
                };
                if !file.exists() {
                    bail!("no data key file at {}", file.display());
                }
                let id = sealing::append_new_key(&file).with_context(|| format!("cannot add a key to {}", file.display()))?;
                println!("added data key {id} to {}", file.display());
            }
            // Opening checks every key against the database and records the new one.
            let store = crate::open(settings).await?;
            let current = store.keyring().current().unwrap_or(0);
            let done = sealing::rotate(&store).await?;
            println!(
                "re-sealed under data key {current}: {} people, {} notes, {} attachment files, {} consent records, {} visits, {} rows of other free text (answers, referrals, reasons, comments); blind indexes recomputed",
                done.people, done.notes, done.files, done.consents, done.visits, done.narratives
            );
            let old: Vec<String> = store.keyring().ids().into_iter().filter(|k| *k != current).map(|k| k.to_string()).collect();
            if !old.is_empty() {
                println!(
                    "keys {} seal nothing in the database any more; keep them while backups taken before now exist, then remove their lines",
                    old.join(", ")
                );
            }
            Ok(0)
        }
    }
}
