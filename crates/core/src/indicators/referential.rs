//! The quality referential: principles, then domains of practice, each with general
//! objectives, specific objectives and the indicators that show them met. A referential is
//! versioned and adopted on a date (by a federation's assembly, a ministry's order): an
//! assessment records the version it was made against.
//!
//! Files (TOML, documented in `content/quality/README.md`) may split a referential: exactly
//! one file holds the `[referential]` table; any file may hold `[[principles]]` and
//! `[[domains]]`. Everything is checked across files, and every problem is reported.

use super::catalogue::{Indicator, read_indicator};
use super::plan::Codes;
use super::reader::{Diagnostic, LoadError, Reader, join};
use crate::sop::Localized;
use chrono::NaiveDate;
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};
use std::ops::Range;

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Referential {
    pub id: String,
    pub version: u32,
    pub adopted_on: NaiveDate,
    pub title: Localized,
    pub principles: Vec<Principle>,
    pub domains: Vec<Domain>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Principle {
    pub id: String,
    pub title: Localized,
    pub description: Localized,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Domain {
    pub id: String,
    pub title: Localized,
    /// Ids of the principles this domain's practice puts to work.
    pub principles: Vec<String>,
    pub general_objectives: Vec<GeneralObjective>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct GeneralObjective {
    pub id: String,
    pub title: Localized,
    pub specific_objectives: Vec<SpecificObjective>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SpecificObjective {
    pub id: String,
    pub title: Localized,
    pub indicators: Vec<Indicator>,
}

impl Referential {
    /// Every indicator with the path of ids leading to it (domain, general, specific).
    pub fn indicators(&self) -> Vec<(&Domain, &GeneralObjective, &SpecificObjective, &Indicator)> {
        let mut out = Vec::new();
        for d in &self.domains {
            for g in &d.general_objectives {
                for s in &g.specific_objectives {
                    for i in &s.indicators {
                        out.push((d, g, s, i));
                    }
                }
            }
        }
        out
    }

    pub fn indicator(&self, id: &str) -> Option<&Indicator> {
        self.indicators()
            .into_iter()
            .map(|x| x.3)
            .find(|i| i.id == id)
    }
}

/// An id seen, and where, to report a second use against.
struct Seen {
    ids: BTreeSet<String>,
}

impl Seen {
    fn check(&mut self, r: &mut Reader<'_>, id: &Option<String>, span: Range<usize>, field: &str) {
        if let Some(id) = id
            && !self.ids.insert(id.clone())
        {
            r.report(&span, field, LoadError::DuplicateId(id.clone()));
        }
    }
}

struct DomainRef {
    file: usize,
    principles: Vec<(String, Range<usize>, String)>,
}

/// Loads a referential from `(file name, text)` pairs. `codes` checks the quantitative
/// indicators' definitions (SOP and step ids).
pub fn load_referential(
    files: &[(&str, &str)],
    codes: &Codes,
) -> Result<Referential, Vec<Diagnostic>> {
    let mut diags: Vec<Diagnostic> = Vec::new();
    let mut header: Option<(String, u32, NaiveDate, Localized)> = None;
    let mut header_file: Option<String> = None;
    let mut principles = Vec::new();
    let mut domains = Vec::new();
    let mut domain_refs = Vec::new();
    let mut readers = Vec::new();
    // Ids are unique across the whole referential, whatever their level: they end up in URLs
    // and assessment rows side by side.
    let mut seen = Seen {
        ids: BTreeSet::new(),
    };
    let mut seen_indicators = Seen {
        ids: BTreeSet::new(),
    };
    for (n, (file, text)) in files.iter().enumerate() {
        let mut r = Reader::new(file, text);
        let Some(root) = r.parse() else {
            readers.push(r);
            continue;
        };
        let t = root.get_ref();
        r.only_keys(t, "", &["referential", "principles", "domains"]);
        if let Some(v) = t.get("referential") {
            if let Some(first) = &header_file {
                r.report(
                    &v.span(),
                    "referential",
                    LoadError::DuplicateHeader(first.clone()),
                );
            } else if let Some(h) = r.table(v, "referential") {
                header_file = Some(file.to_string());
                let span = v.span();
                r.only_keys(h, "referential", &["id", "version", "adopted_on", "title"]);
                let id = r
                    .required(h, &span, "referential", "id")
                    .and_then(|x| r.id(x, "referential.id"));
                let version = r
                    .required(h, &span, "referential", "version")
                    .and_then(|x| {
                        let n = r.integer(x, "referential.version")?;
                        match u32::try_from(n) {
                            Ok(v) if v >= 1 => Some(v),
                            _ => {
                                r.report(
                                    &x.span(),
                                    "referential.version",
                                    LoadError::InvalidVersion,
                                );
                                None
                            }
                        }
                    });
                let adopted = r
                    .required(h, &span, "referential", "adopted_on")
                    .and_then(|x| r.date(x, "referential.adopted_on"));
                let title = r.required_localized(h, &span, "referential", "title");
                if let (Some(i), Some(v), Some(a), Some(t)) = (id, version, adopted, title) {
                    header = Some((i, v, a, t));
                }
            }
        }
        if let Some(v) = t.get("principles") {
            for (pt, pspan, ppath) in r.tables(v, "principles") {
                r.only_keys(pt, &ppath, &["id", "title", "description"]);
                let id = r
                    .required(pt, &pspan, &ppath, "id")
                    .and_then(|x| r.id(x, &join(&ppath, "id")));
                let at = pt.get("id").map(|x| x.span()).unwrap_or(pspan.clone());
                seen.check(&mut r, &id, at, &join(&ppath, "id"));
                let title = r.required_localized(pt, &pspan, &ppath, "title");
                let description = r.required_localized(pt, &pspan, &ppath, "description");
                if let (Some(id), Some(title), Some(description)) = (id, title, description) {
                    principles.push(Principle {
                        id,
                        title,
                        description,
                    });
                }
            }
        }
        if let Some(v) = t.get("domains") {
            for (dt, dspan, dpath) in r.tables(v, "domains") {
                r.only_keys(
                    dt,
                    &dpath,
                    &["id", "title", "principles", "general_objectives"],
                );
                let id = r
                    .required(dt, &dspan, &dpath, "id")
                    .and_then(|x| r.id(x, &join(&dpath, "id")));
                let at = dt.get("id").map(|x| x.span()).unwrap_or(dspan.clone());
                seen.check(&mut r, &id, at, &join(&dpath, "id"));
                let title = r.required_localized(dt, &dspan, &dpath, "title");
                let prefs = r
                    .required(dt, &dspan, &dpath, "principles")
                    .and_then(|x| r.strings(x, &join(&dpath, "principles")));
                if let Some(p) = &prefs {
                    let field = join(&dpath, "principles");
                    domain_refs.push(DomainRef {
                        file: n,
                        principles: p
                            .iter()
                            .enumerate()
                            .map(|(i, (s, sp))| (s.clone(), sp.clone(), format!("{field}[{i}]")))
                            .collect(),
                    });
                }
                let mut generals = Vec::new();
                let mut ok = true;
                match r.required(dt, &dspan, &dpath, "general_objectives") {
                    None => ok = false,
                    Some(gv) => {
                        let gpath_root = join(&dpath, "general_objectives");
                        let items = r.tables(gv, &gpath_root);
                        if items.is_empty() {
                            r.report(
                                &gv.span(),
                                &gpath_root,
                                LoadError::Empty("general objectives"),
                            );
                            ok = false;
                        }
                        for (gt, gspan, gpath) in items {
                            r.only_keys(gt, &gpath, &["id", "title", "specific_objectives"]);
                            let gid = r
                                .required(gt, &gspan, &gpath, "id")
                                .and_then(|x| r.id(x, &join(&gpath, "id")));
                            let at = gt.get("id").map(|x| x.span()).unwrap_or(gspan.clone());
                            seen.check(&mut r, &gid, at, &join(&gpath, "id"));
                            let gtitle = r.required_localized(gt, &gspan, &gpath, "title");
                            let mut specifics = Vec::new();
                            match r.required(gt, &gspan, &gpath, "specific_objectives") {
                                None => ok = false,
                                Some(sv) => {
                                    let spath_root = join(&gpath, "specific_objectives");
                                    let items = r.tables(sv, &spath_root);
                                    if items.is_empty() {
                                        r.report(
                                            &sv.span(),
                                            &spath_root,
                                            LoadError::Empty("specific objectives"),
                                        );
                                        ok = false;
                                    }
                                    for (st, sspan, spath) in items {
                                        r.only_keys(st, &spath, &["id", "title", "indicators"]);
                                        let sid = r
                                            .required(st, &sspan, &spath, "id")
                                            .and_then(|x| r.id(x, &join(&spath, "id")));
                                        let at =
                                            st.get("id").map(|x| x.span()).unwrap_or(sspan.clone());
                                        seen.check(&mut r, &sid, at, &join(&spath, "id"));
                                        let stitle =
                                            r.required_localized(st, &sspan, &spath, "title");
                                        let mut indicators = Vec::new();
                                        match r.required(st, &sspan, &spath, "indicators") {
                                            None => ok = false,
                                            Some(iv) => {
                                                let ipath_root = join(&spath, "indicators");
                                                let items = r.tables(iv, &ipath_root);
                                                if items.is_empty() {
                                                    r.report(
                                                        &iv.span(),
                                                        &ipath_root,
                                                        LoadError::Empty("indicators"),
                                                    );
                                                    ok = false;
                                                }
                                                for (it, ispan, ipath) in items {
                                                    match read_indicator(
                                                        &mut r, it, &ispan, &ipath, codes,
                                                    ) {
                                                        Some(ind) => {
                                                            let at = it
                                                                .get("id")
                                                                .map(|x| x.span())
                                                                .unwrap_or(ispan.clone());
                                                            seen_indicators.check(
                                                                &mut r,
                                                                &Some(ind.id.clone()),
                                                                at,
                                                                &join(&ipath, "id"),
                                                            );
                                                            indicators.push(ind);
                                                        }
                                                        None => ok = false,
                                                    }
                                                }
                                            }
                                        }
                                        match (sid, stitle) {
                                            (Some(id), Some(title)) => {
                                                specifics.push(SpecificObjective {
                                                    id,
                                                    title,
                                                    indicators,
                                                })
                                            }
                                            _ => ok = false,
                                        }
                                    }
                                }
                            }
                            match (gid, gtitle) {
                                (Some(id), Some(title)) => generals.push(GeneralObjective {
                                    id,
                                    title,
                                    specific_objectives: specifics,
                                }),
                                _ => ok = false,
                            }
                        }
                    }
                }
                if let (Some(id), Some(title), Some(p), true) = (id, title, prefs, ok) {
                    domains.push(Domain {
                        id,
                        title,
                        principles: p.into_iter().map(|x| x.0).collect(),
                        general_objectives: generals,
                    });
                }
            }
        }
        readers.push(r);
    }
    // Cross-file checks: principles named by domains exist.
    let principle_ids: BTreeSet<&str> = principles.iter().map(|p| p.id.as_str()).collect();
    for d in &domain_refs {
        let mut dup = BTreeMap::new();
        for (p, span, field) in &d.principles {
            let Some(r) = readers.get_mut(d.file) else {
                continue;
            };
            if dup.insert(p.clone(), ()).is_some() {
                r.report(span, field, LoadError::DuplicateId(p.clone()));
            } else if !principle_ids.contains(p.as_str()) {
                r.report(span, field, LoadError::UnknownPrinciple(p.clone()));
            }
        }
    }
    for r in readers {
        diags.extend(r.diags);
    }
    let first_file = files.first().map(|f| f.0).unwrap_or("");
    let no_header = header_file.is_none();
    let nothing = |what: &'static str| Diagnostic {
        file: first_file.to_string(),
        line: 1,
        column: 1,
        field: String::new(),
        error: LoadError::Empty(what),
    };
    if no_header
        && diags
            .iter()
            .all(|d| d.field != "referential" && !d.field.starts_with("referential."))
    {
        diags.push(Diagnostic {
            error: LoadError::NoHeader,
            ..nothing("")
        });
    }
    if principles.is_empty() && diags.iter().all(|d| !d.field.starts_with("principles")) {
        diags.push(nothing("principles"));
    }
    if domains.is_empty() && diags.iter().all(|d| !d.field.starts_with("domains")) {
        diags.push(nothing("domains"));
    }
    match header {
        Some((id, version, adopted_on, title)) if diags.is_empty() => Ok(Referential {
            id,
            version,
            adopted_on,
            title,
            principles,
            domains,
        }),
        _ => Err(diags),
    }
}

/// The example referential shipped in `content/quality/`, embedded at build time.
pub fn default_referential() -> Vec<(&'static str, &'static str)> {
    vec![
        (
            "referential.toml",
            include_str!("../../../../content/quality/referential.toml"),
        ),
        (
            "domain_homelessness_housing.toml",
            include_str!("../../../../content/quality/domain_homelessness_housing.toml"),
        ),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::indicators::catalogue::Measure;
    use crate::indicators::plan::tests::codes;

    #[test]
    fn the_shipped_referential_validates() {
        let r = match load_referential(&default_referential(), &codes()) {
            Ok(r) => r,
            Err(d) => {
                let all: Vec<String> = d.iter().map(|d| d.to_string()).collect();
                panic!("referential has problems:\n{}", all.join("\n"));
            }
        };
        assert_eq!(r.principles.len(), 8, "the eight Istanbul principles");
        assert_eq!(r.version, 1);
        assert_eq!(r.domains.len(), 1);
        let all = r.indicators();
        assert!(
            all.iter()
                .any(|x| matches!(x.3.measure, Measure::Quantitative(_)))
        );
        assert!(
            all.iter()
                .any(|x| matches!(x.3.measure, Measure::Qualitative(_)))
        );
        let first = all[0].3.id.clone();
        assert!(r.indicator(&first).is_some());
        assert!(r.indicator("nope").is_none());
        for d in &r.domains {
            for p in &d.principles {
                assert!(r.principles.iter().any(|x| &x.id == p));
            }
        }
    }

    const HEAD: &str = r#"[referential]
id = "ref"
version = 1
adopted_on = 2025-06-30
title = { fr = "R", en = "R", es = "R" }

[[principles]]
id = "p1"
title = { fr = "P", en = "P", es = "P" }
description = { fr = "D", en = "D", es = "D" }
"#;

    const DOMAIN: &str = r#"[[domains]]
id = "d1"
title = { fr = "D", en = "D", es = "D" }
principles = ["p1", "p9"]

[[domains.general_objectives]]
id = "g1"
title = { fr = "G", en = "G", es = "G" }

[[domains.general_objectives.specific_objectives]]
id = "s1"
title = { fr = "S", en = "S", es = "S" }

[[domains.general_objectives.specific_objectives.indicators]]
id = "i1"
kind = "quantitative"
title = { fr = "I", en = "I", es = "I" }
definition = "count(cases where sop = \"homelessnes\")"
unit = "count"
period = "year"

[[domains.general_objectives.specific_objectives.indicators]]
id = "p1"
kind = "qualitative"
title = { fr = "I", en = "I", es = "I" }
"#;

    #[test]
    fn reports_every_error_across_files_with_file_line_and_field() {
        let d =
            load_referential(&[("head.toml", HEAD), ("dom.toml", DOMAIN)], &codes()).unwrap_err();
        let got: Vec<(String, u32, String, &str)> = d
            .iter()
            .map(|x| (x.file.clone(), x.line, x.field.clone(), x.code()))
            .collect();
        assert!(
            got.contains(&(
                "dom.toml".into(),
                4,
                "domains[0].principles[1]".into(),
                "quality-unknown-principle"
            )),
            "{got:#?}"
        );
        assert!(
            got.contains(&(
                "dom.toml".into(),
                18,
                "domains[0].general_objectives[0].specific_objectives[0].indicators[0].definition"
                    .into(),
                "indicator-unknown-sop"
            )),
            "{got:#?}"
        );
        // The second indicator's id equals a principle's: indicators have their own namespace.
        assert_eq!(got.len(), 2, "{got:#?}");
    }

    #[test]
    fn header_problems() {
        let dom_ok = DOMAIN
            .replace(", \"p9\"", "")
            .replace("homelessnes", "homelessness");
        assert!(load_referential(&[("h.toml", HEAD), ("d.toml", &dom_ok)], &codes()).is_ok());
        // No header anywhere.
        let body = HEAD.split("[[principles]]").nth(1).unwrap();
        let d = load_referential(
            &[("d.toml", &format!("[[principles]]{body}\n{dom_ok}"))],
            &codes(),
        )
        .unwrap_err();
        assert_eq!(
            d.iter().map(|x| x.code()).collect::<Vec<_>>(),
            vec!["quality-no-header"]
        );
        // Two headers.
        let d = load_referential(
            &[("a.toml", HEAD), ("b.toml", &format!("{HEAD}\n{dom_ok}"))],
            &codes(),
        )
        .unwrap_err();
        let codes_: Vec<&str> = d.iter().map(|x| x.code()).collect();
        assert!(codes_.contains(&"quality-duplicate-header"), "{codes_:?}");
        assert!(codes_.contains(&"quality-duplicate-id"), "{codes_:?}");
        // Bad version and date.
        let bad = HEAD
            .replace("version = 1", "version = 0")
            .replace("2025-06-30", "\"30/06/2025\"");
        let d = load_referential(&[("h.toml", &bad), ("d.toml", &dom_ok)], &codes()).unwrap_err();
        let got: Vec<(u32, &str, &str)> = d
            .iter()
            .map(|x| (x.line, x.field.as_str(), x.code()))
            .collect();
        assert_eq!(
            got,
            vec![
                (3, "referential.version", "quality-invalid-version"),
                (4, "referential.adopted_on", "quality-invalid-date"),
            ]
        );
        // A specific objective with no indicators.
        let empty = dom_ok
            .split("[[domains.general_objectives.specific_objectives.indicators]]")
            .next()
            .unwrap();
        let d = load_referential(&[("h.toml", HEAD), ("d.toml", empty)], &codes()).unwrap_err();
        assert_eq!(d[0].code(), "quality-missing");
        assert_eq!(
            d[0].field,
            "domains[0].general_objectives[0].specific_objectives[0].indicators"
        );
    }
}
