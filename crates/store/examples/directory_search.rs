//! How long the finder's search takes over the demo directory and over 10,000 services:
//! building the search index (done once, then updated service by service and cached by the
//! web layer) and answering a query (done on every search).
//!
//! `cargo run -p passerelle-store --example directory_search` (add `--release` for production
//! figures; a debug build is several times slower).

use std::time::Instant;

use passerelle_core::directory::import::Vocabulary;
use passerelle_core::directory::search::{SearchDocument, SearchIndex};
use passerelle_core::directory::sheet::{read_services_csv, Area, ColumnMapping, SheetContext};
use passerelle_core::directory::taxonomy::Taxonomy;
use passerelle_core::lang::Lang;
use passerelle_store::demo_directory::demo_sheet;

fn main() {
    let parishes: Vec<(String, String)> = ["Saint-Aubin", "Grand-Anse", "Rivière-Salée", "Morne-Vert", "Anse-Corail", "Pointe-Lumière"]
        .iter()
        .enumerate()
        .map(|(i, n)| (format!("BT-0{}", i + 1), n.to_string()))
        .collect();
    let today = chrono::NaiveDate::from_ymd_opt(2026, 11, 26).unwrap_or_default();
    let sheet = demo_sheet(&parishes, today);
    let areas: Vec<Area> = parishes.iter().map(|(id, name)| Area { id: id.clone(), name: name.clone() }).collect();
    let ctx = SheetContext { vocabulary: Vocabulary::builtin(), areas: &areas, country: "BT", lang: Lang::Fr, today };
    let Ok(read) = read_services_csv(sheet.as_bytes(), &ColumnMapping::standard(Taxonomy::protection()), &ctx) else {
        eprintln!("the demo sheet does not read");
        return;
    };
    let demo: Vec<_> = read.rows.iter().map(|r| r.service.clone()).collect();
    for (label, target) in [("demo", demo.len()), ("10,000", 10_000)] {
        let services: Vec<_> = (0..target)
            .map(|i| {
                let mut s = demo[i % demo.len()].clone();
                s.id = format!("{i}");
                if i >= demo.len() {
                    s.name = format!("{} {}", s.name, i / demo.len());
                }
                s
            })
            .collect();
        let t = Instant::now();
        let index: SearchIndex = services.iter().map(|s| SearchDocument::from_service(s, Taxonomy::needs(), Taxonomy::protection())).collect();
        let prepare = t.elapsed();
        for q in ["hebergment", "clinique sante", "aide juridique migrants", "albergue"] {
            let t = Instant::now();
            let hits = index.search(q, usize::MAX);
            println!("{label:>7} services ({}): prepare {prepare:?}; search {q:?}: {:?}, {} hits", services.len(), t.elapsed(), hits.len());
        }
    }
}
