//! Commands that check what administrators write: SOP files and XLSForm forms.

use anyhow::{Context, Result};
use passerelle_core::forms::xlsform;
use passerelle_core::sop;
use std::path::{Path, PathBuf};

/// The `.toml` files among `paths` (a directory stands for the SOP files in it).
fn sop_files(paths: &[PathBuf]) -> Result<Vec<PathBuf>> {
    let mut files = Vec::new();
    for p in paths {
        if p.is_dir() {
            let mut inside: Vec<PathBuf> = std::fs::read_dir(p)
                .with_context(|| format!("cannot read {}", p.display()))?
                .filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|f| f.extension().is_some_and(|x| x == "toml"))
                .collect();
            inside.sort();
            files.extend(inside);
        } else {
            files.push(p.clone());
        }
    }
    Ok(files)
}

/// `passerelle sop check PATH…`: every problem of every file, then exit 1 if there was any.
pub fn sop_check(paths: &[PathBuf], json: bool) -> Result<i32> {
    let files = sop_files(paths)?;
    let mut texts = Vec::new();
    for f in &files {
        let text = std::fs::read_to_string(f).with_context(|| format!("cannot read {}", f.display()))?;
        texts.push((f.display().to_string(), text));
    }
    let refs: Vec<(&str, &str)> = texts.iter().map(|(n, t)| (n.as_str(), t.as_str())).collect();
    let diagnostics = sop::check(&refs, &sop::Known::default());
    if json {
        println!("{}", serde_json::to_string_pretty(&diagnostics)?);
    } else {
        for d in &diagnostics {
            println!("{d}");
        }
        if diagnostics.is_empty() {
            println!("{} SOP file(s) checked: no problem found", files.len());
        } else {
            println!("{} problem(s) in {} SOP file(s)", diagnostics.len(), files.len());
        }
    }
    Ok(if diagnostics.is_empty() { 0 } else { 1 })
}

/// Reads an XLSForm from an `.xlsx` file, a single pyxform-style `.csv`, or a directory
/// holding `survey.csv` (and `choices.csv`, `settings.csv`).
fn read_form(path: &Path) -> Result<Result<xlsform::Loaded, Vec<xlsform::FormError>>> {
    if path.is_dir() {
        let read = |name: &str| std::fs::read(path.join(name)).ok();
        let survey = read("survey.csv").with_context(|| format!("{} has no survey.csv", path.display()))?;
        return Ok(xlsform::read_csv(&survey, read("choices.csv").as_deref(), read("settings.csv").as_deref()));
    }
    let bytes = std::fs::read(path).with_context(|| format!("cannot read {}", path.display()))?;
    match path.extension().and_then(|e| e.to_str()).map(str::to_ascii_lowercase).as_deref() {
        Some("xlsx") => Ok(xlsform::read_xlsx(&bytes)),
        Some("csv") => Ok(xlsform::read_single_csv(&bytes)),
        _ => anyhow::bail!("{}: an XLSForm is an .xlsx file, a .csv file or a folder of CSV sheets", path.display()),
    }
}

/// `passerelle form inspect FILE [--json]`: the form as Passerelle reads it, or every problem.
pub fn form_inspect(path: &Path, json: bool) -> Result<i32> {
    match read_form(path)? {
        Ok(loaded) => {
            if json {
                println!("{}", serde_json::to_string_pretty(&loaded.form)?);
            } else {
                let form = &loaded.form;
                println!("form {} version {}", form.id, form.version.as_deref().unwrap_or("-"));
                println!("{}", serde_json::to_string_pretty(&form.items)?);
            }
            for w in &loaded.warnings {
                eprintln!("warning: {w:?}");
            }
            Ok(0)
        }
        Err(errors) => {
            if json {
                println!("{}", serde_json::to_string_pretty(&serde_json::json!({ "errors": errors }))?);
            } else {
                for e in &errors {
                    println!("{e}");
                }
                println!("{} problem(s) in {}", errors.len(), path.display());
            }
            Ok(1)
        }
    }
}
