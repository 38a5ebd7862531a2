//! `passerelle import hsds|services` and `passerelle export hsds`: the directory on the
//! command line, through the same reading, preview and one-transaction import as the web.
//!
//! An import is all or nothing: the preview (created, updated, rejected with every reason) is
//! printed; with any rejected record or unreadable row nothing is written and the exit code is
//! 1, so a script notices. `--dry-run` prints the same preview and writes nothing; it exits 1
//! on the same problems, so it doubles as a check of a file before a real import.

use anyhow::{Context, Result};
use passerelle_core::lang::Lang;
use passerelle_store::directory::{self, ImportFailure};
use passerelle_store::Store;
use std::path::Path;

pub async fn import(store: &Store, format: Option<&str>, file: &Path, dry_run: bool) -> Result<i32> {
    let bytes = std::fs::read(file).with_context(|| format!("cannot read {}", file.display()))?;
    let name = file.file_name().map(|n| n.to_string_lossy().to_string()).unwrap_or_default();
    let format = match format.or_else(|| directory::format_of(&name).filter(|f| *f != "hsds")) {
        Some(f) => f,
        None => {
            println!("{}: not a .csv or .xlsx file", file.display());
            return Ok(1);
        }
    };
    let mut tx = store.write().await?;
    // The needs administrators added on the web are part of the vocabulary a file may use.
    passerelle_store::need_terms::load(&mut tx).await?;
    let (areas, country) = directory::import_areas(&mut tx).await?;
    let today = passerelle_store::db::now().date_naive();
    let read = match directory::read_import(format, &bytes, &areas, &country, today) {
        Ok(r) => r,
        Err(ImportFailure::Hsds(errs)) => {
            println!("{}: cannot be imported", file.display());
            for e in errs {
                println!("  {e}");
            }
            return Ok(1);
        }
        Err(ImportFailure::Sheet(errs)) => {
            println!("{}: cannot be imported", file.display());
            for e in errs {
                println!("  {e}");
            }
            return Ok(1);
        }
    };
    let preview = directory::preview_import(&mut tx, &read).await?;
    for w in read.warnings() {
        println!("note: {w}");
    }
    println!("create: {}", preview.create.len());
    for p in &preview.create {
        println!("  + {} {} ({})", p.kind.code(), p.name.as_deref().unwrap_or(&p.id), if p.pointer.is_empty() { "/" } else { &p.pointer });
    }
    println!("update: {}", preview.update.len());
    for p in &preview.update {
        println!("  ~ {} {} ({})", p.kind.code(), p.name.as_deref().unwrap_or(&p.id), if p.pointer.is_empty() { "/" } else { &p.pointer });
    }
    let rejected = preview.reject.len() + read.row_errors().len();
    println!("rejected: {rejected}");
    for e in read.row_errors() {
        println!("  ! {e}");
    }
    for r in &preview.reject {
        for reason in &r.reasons {
            println!("  ! {} {}: {reason}", r.kind.code(), r.name.as_deref().or(r.id.as_deref()).unwrap_or("?"));
        }
    }
    if !directory::is_clean(&read, &preview) {
        println!("nothing imported: fix the problems above and run the import again");
        return Ok(1);
    }
    if dry_run {
        println!("dry run: nothing written");
        return Ok(0);
    }
    let applied = directory::apply_import(&mut tx, None, &name, &read.dataset(), &preview).await?;
    tx.commit().await?;
    println!("imported: {} created, {} updated", applied.created, applied.updated);
    Ok(0)
}

pub async fn export(store: &Store, to: &Path) -> Result<i32> {
    let mut tx = store.read().await?;
    let doc = directory::export_document(&mut tx, Lang::En).await?;
    let text = serde_json::to_string_pretty(&doc)?;
    std::fs::write(to, text).with_context(|| format!("cannot write {}", to.display()))?;
    let count = |k: &str| doc.get(k).and_then(|v| v.as_array()).map(Vec::len).unwrap_or(0);
    println!("exported {} organisations and {} services to {}", count("organizations"), count("services"), to.display());
    Ok(0)
}
