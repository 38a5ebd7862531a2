//! Plausible answers to a form, for generated data (`passerelle demo --scale`): every question
//! answered as a caseworker might, then checked by [`validate`] as the fill page checks what a
//! person typed. A generated response is one the server would have taken: its relevance,
//! required answers, choice lists and constraints hold, and its calculations are the server's.
//!
//! The answers are found by trial, not by reading the form's expressions: each question starts
//! from a candidate chosen by `n`, and a question the validator refuses moves on to its next
//! candidate until the whole form passes. Deterministic for a given form, `n` and clock.

use super::model::{Field, FieldType, Form, Item};
use super::validate::{Options, validate};
use chrono::Duration;
use serde_json::{Map, Value as Json};
use std::collections::{HashMap, HashSet};

/// Rounds of validation before giving up on a form.
const ROUNDS: usize = 60;
/// Candidates tried for one question before an optional one is left unanswered.
const TRIES: usize = 16;

const TEXTS: &[&str] = &[
    "Seen at the office; follow-up agreed (generated)",
    "Lives with relatives; no immediate danger reported (generated)",
    "None reported (generated)",
    "Asked for help with documents and school enrolment (generated)",
    "Prefers to be called in the afternoon (generated)",
    "12345",
];
const INTEGERS: &[i64] = &[2, 1, 3, 0, 5, 8, 12, 17, 25, 34, 45, 60, 75, 90];
const DECIMALS: &[&str] = &["1.5", "0", "2.75", "10", "0.5", "40"];
/// Days before the clock's date; negative: after it (a planned date).
const DAYS_AGO: &[i64] = &[3, 0, 15, 40, 120, 400, 1_500, 4_000, 9_000, 15_000, -7, -30];
const TIMES: &[&str] = &["10:30", "14:15", "08:45", "17:00"];

/// Valid answers to `form` for the `n`-th generated record, as [`validate`] stores them
/// (irrelevant answers dropped, calculations filled in); `None` when no combination of the
/// candidates passes (a form whose constraints ask for what no candidate gives).
pub fn answers(form: &Form, n: u64, opts: &Options) -> Option<Json> {
    let mut draft = Draft { form, n, today: opts.now.date(), tries: HashMap::new(), left_out: HashSet::new() };
    for _ in 0..ROUNDS {
        let answers = Json::Object(draft.level(&form.items, ""));
        let checked = validate(form, &answers, opts);
        if checked.is_valid() {
            return Some(checked.answers);
        }
        for e in &checked.errors {
            let tried = draft.tries.entry(e.path.clone()).or_default();
            *tried += 1;
            // An answer no candidate satisfies is left out, which only an optional question
            // allows: a required one keeps failing, and the form is given up.
            if *tried >= TRIES && e.code != "required" {
                draft.left_out.insert(e.path.clone());
            }
        }
    }
    None
}

struct Draft<'f> {
    form: &'f Form,
    n: u64,
    today: chrono::NaiveDate,
    /// Candidates refused so far, by answer path (`age`, `members/0/age`).
    tries: HashMap<String, usize>,
    left_out: HashSet<String>,
}

impl Draft<'_> {
    /// The candidate index of the answer at `path`: the record's, shifted by the question (so
    /// that one record's answers differ from each other) and by the candidates refused.
    fn pick(&self, path: &str) -> usize {
        let question = path.bytes().fold(0usize, |h, b| h.wrapping_mul(31).wrapping_add(usize::from(b)));
        (self.n as usize).wrapping_add(question).wrapping_add(self.tries.get(path).copied().unwrap_or(0))
    }

    /// The answers of one level (the root, or one instance of a repeat): groups do not nest in
    /// the answers, a repeat is an array of instances.
    fn level(&self, items: &[Item], prefix: &str) -> Map<String, Json> {
        let mut out = Map::new();
        self.fill(items, prefix, &mut out);
        out
    }

    fn fill(&self, items: &[Item], prefix: &str, out: &mut Map<String, Json>) {
        for item in items {
            match item {
                Item::Field(f) => {
                    let path = format!("{prefix}{}", f.name);
                    if self.left_out.contains(&path) {
                        continue;
                    }
                    if let Some(v) = self.candidate(f, self.pick(&path)) {
                        out.insert(f.name.clone(), Json::String(v));
                    }
                }
                Item::Group(g) => self.fill(&g.items, prefix, out),
                Item::Repeat(r) => {
                    let path = format!("{prefix}{}", r.name);
                    // One to three instances, then other counts if the form fixes one.
                    let count = 1 + self.pick(&path) % 3 + self.tries.get(&path).map_or(0, |t| t / 3);
                    let instances = (0..count).map(|i| Json::Object(self.level(&r.items, &format!("{path}/{i}/")))).collect();
                    out.insert(r.name.clone(), Json::Array(instances));
                }
            }
        }
    }

    /// The `k`-th candidate answer to `f`; `None` for what nobody answers (notes,
    /// calculations, the collecting device's metadata).
    fn candidate(&self, f: &Field, k: usize) -> Option<String> {
        let date = |k: usize| (self.today - Duration::days(DAYS_AGO[k % DAYS_AGO.len()])).format("%Y-%m-%d").to_string();
        Some(match &f.field_type {
            FieldType::Text => TEXTS[k % TEXTS.len()].to_string(),
            FieldType::Integer => INTEGERS[k % INTEGERS.len()].to_string(),
            FieldType::Decimal => DECIMALS[k % DECIMALS.len()].to_string(),
            FieldType::Date => date(k),
            FieldType::DateTime => format!("{}T{}", date(k), TIMES[k % TIMES.len()]),
            FieldType::Time => TIMES[k % TIMES.len()].to_string(),
            // One choice, also for a multiple select: "none of these" choices exclude others.
            FieldType::SelectOne { list, .. } | FieldType::SelectMultiple { list, .. } => {
                let choices = self.form.choices.get(list).filter(|c| !c.is_empty())?;
                choices[k % choices.len()].name.clone()
            }
            FieldType::Acknowledge => "OK".to_string(),
            FieldType::Note | FieldType::Calculate | FieldType::Metadata { .. } => return None,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::forms::xlsform::read_csv;
    use chrono::NaiveDate;

    fn opts() -> Options<'static> {
        Options { now: NaiveDate::from_ymd_opt(2026, 3, 14).unwrap().and_hms_opt(9, 0, 0).unwrap(), lang: "en" }
    }

    /// Every form shipped in `content/forms`, read as publishing reads it.
    fn shipped() -> Vec<Form> {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../content/forms");
        let mut out = Vec::new();
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            let Ok(survey) = std::fs::read(path.join("survey.csv")) else { continue };
            let choices = std::fs::read(path.join("choices.csv")).ok();
            let settings = std::fs::read(path.join("settings.csv")).ok();
            out.push(read_csv(&survey, choices.as_deref(), settings.as_deref()).unwrap().form);
        }
        assert!(out.len() >= 10, "the shipped forms were not found in {}", dir.display());
        out
    }

    #[test]
    fn every_shipped_form_gets_answers_its_validation_takes() {
        for form in shipped() {
            for n in 0..100 {
                let answers = answers(&form, n, &opts()).unwrap_or_else(|| panic!("{}: no valid answers for n = {n}", form.id));
                let checked = validate(&form, &answers, &opts());
                assert!(checked.is_valid(), "{} n = {n}: {:?}", form.id, checked.errors);
                assert!(answers.as_object().is_some_and(|o| !o.is_empty()), "{} n = {n}: nothing answered", form.id);
            }
        }
    }

    #[test]
    fn answers_vary_with_n_and_repeat_for_the_same_n() {
        for form in shipped() {
            let all: HashSet<String> = (0..20).map(|n| answers(&form, n, &opts()).unwrap().to_string()).collect();
            assert!(all.len() > 1, "{}: every record answered alike", form.id);
            assert_eq!(answers(&form, 7, &opts()), answers(&form, 7, &opts()), "{}", form.id);
        }
    }

    fn form(survey: &str, choices: &str) -> Form {
        read_csv(survey.as_bytes(), Some(choices.as_bytes()), Some(b"form_id,version\nt,1\n")).unwrap().form
    }

    #[test]
    fn constraints_relevance_and_repeat_counts_are_met_by_trial() {
        let f = form(
            "type,name,label,required,relevant,constraint,calculation,repeat_count\n\
             integer,size,Size,yes,,. >= 40 and . <= 50,,\n\
             select_one yn,working,Working?,yes,,,,\n\
             text,employer,Employer,yes,${working} = 'yes',,,\n\
             date,next,Next visit,yes,,. > today(),,\n\
             begin repeat,members,Members,,,,,4\n\
             integer,age,Age,yes,,. < 18,,\n\
             end repeat,,,,,,,\n\
             calculate,double,,,,,${size} * 2,\n",
            "list_name,name,label\nyn,yes,Yes\nyn,no,No\n",
        );
        for n in 0..10 {
            let a = answers(&f, n, &opts()).unwrap_or_else(|| panic!("n = {n}"));
            let size: i64 = a["size"].as_str().unwrap().parse().unwrap();
            assert!((40..=50).contains(&size), "{a}");
            assert!(a["next"].as_str().unwrap() > "2026-03-14", "{a}");
            assert_eq!(a["members"].as_array().unwrap().len(), 4, "{a}");
            assert_eq!(a["double"].as_str().unwrap(), (size * 2).to_string(), "the server's calculation: {a}");
            // The employer only where it was asked.
            assert_eq!(a.get("employer").is_some(), a["working"] == "yes", "{a}");
        }
    }

    #[test]
    fn a_form_no_candidate_satisfies_gets_none() {
        let f = form("type,name,label,required,constraint\ninteger,code,Code,yes,. = 123457\n", "list_name,name,label\n");
        assert_eq!(answers(&f, 0, &opts()), None);
        // Optional, the same question is left unanswered instead.
        let f = form("type,name,label,required,constraint\ninteger,code,Code,,. = 123457\ntext,note,Note,yes,\n", "list_name,name,label\n");
        let a = answers(&f, 0, &opts()).unwrap();
        assert!(a.get("code").is_none() && a.get("note").is_some(), "{a}");
    }
}
