//! Any bytes uploaded as a directory service sheet, CSV or XLSX, must give services or a list
//! of errors, never a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;

#[path = "panics.rs"]
mod panics;
use passerelle_core::directory::import::Vocabulary;
use passerelle_core::directory::sheet::{Area, ColumnMapping, SheetContext, read_services_csv, read_services_xlsx};
use passerelle_core::directory::taxonomy::Taxonomy;
use passerelle_core::lang::Lang;

fuzz_target!(|data: &[u8]| {
    panics::only_uncaught_panics_crash();
    let areas = [Area { id: "HT-OU".into(), name: "Ouest".into() }];
    let Some(today) = chrono::NaiveDate::from_ymd_opt(2026, 11, 25) else { return };
    let ctx = SheetContext { vocabulary: Vocabulary::builtin(), areas: &areas, country: "HT", lang: Lang::Fr, today };
    let mapping = ColumnMapping::standard(Taxonomy::protection());
    if let Ok(sheet) = read_services_csv(data, &mapping, &ctx) {
        let _ = sheet.preview(&Default::default(), Vocabulary::builtin());
    }
    if let Ok(sheet) = read_services_xlsx(data, &mapping, &ctx) {
        let _ = sheet.preview(&Default::default(), Vocabulary::builtin());
    }
});
