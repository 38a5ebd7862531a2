use super::*;
use crate::forms::model::{FieldType, Item};

const SETTINGS: &str = "form_id,version,form_title::Français (fr),form_title::English (en),default_language\nhh,2024-01,Ménage,Household,fr\n";

fn csv(survey: &str, choices: &str) -> Result<Loaded, Vec<FormError>> {
    read_csv(
        survey.as_bytes(),
        Some(choices.as_bytes()),
        Some(SETTINGS.as_bytes()),
    )
}

fn errors(survey: &str, choices: &str) -> Vec<FormError> {
    csv(survey, choices).expect_err("the form should be refused")
}

fn codes(errs: &[FormError]) -> Vec<&'static str> {
    errs.iter().map(FormError::code).collect()
}

/// Builds an .xlsx workbook in memory. A cell `=n:12` is written as a number, `=b:true` as a
/// boolean, anything else as text.
fn xlsx(sheets: &[(&str, &[&[&str]])]) -> Vec<u8> {
    let mut book = rust_xlsxwriter::Workbook::new();
    for (name, rows) in sheets {
        let ws = book.add_worksheet();
        ws.set_name(*name).unwrap();
        for (r, row) in rows.iter().enumerate() {
            for (c, cell) in row.iter().enumerate() {
                let (r, c) = (r as u32, c as u16);
                if let Some(n) = cell.strip_prefix("=n:") {
                    ws.write_number(r, c, n.parse::<f64>().unwrap()).unwrap();
                } else if let Some(b) = cell.strip_prefix("=b:") {
                    ws.write_boolean(r, c, b == "true").unwrap();
                } else if !cell.is_empty() {
                    ws.write_string(r, c, *cell).unwrap();
                }
            }
        }
    }
    book.save_to_buffer().unwrap()
}

const SURVEY: &str = "\
type,name,label::Français (fr),label::English (en),hint::English (en),required,required_message::Français (fr),relevant,constraint,constraint_message::English (en),calculation,default,choice_filter,appearance,media::image
text,full_name,Nom,Name,First and last,yes,Obligatoire,,,,,,,,photo.png
integer,age,Âge,Age,,TRUE,,,. >= 0 and . < 130,Between 0 and 129,,,,,
select_one yes_no,consent,Consentement,Consent,,1,,,,,,no,,minimal,
begin group,details,Détails,Details,,,,${consent} = 'yes',,,,,,field-list,
select_one region,region,Région,Region,,,,,,,,,,,
select_one town,town,Ville,Town,,,,,,,,,region = ${region},,
select_multiple needs or_other,needs,Besoins,Needs,,,,,,,,,,,
end group,,,,,,,,,,,,,,
begin_repeat,members,Membres,Members,,,,,,,,,,,
text,member_name,Nom,Name,,yes,,,,,,,,,
calculate,member_pos,,,,,,,,,position(..),,,,
end_repeat,,,,,,,,,,,,,,
calculate,member_count,,,,,,,,,count(${members}),,,,
note,thanks,Merci,Thanks,,,,,,,,,,,
";

const CHOICES: &str = "\
list_name,name,label::Français (fr),label::English (en),region
yes_no,yes,Oui,Yes,
yes_no,no,Non,No,
region,north,Nord,North,
region,south,Sud,South,
town,t1,Ville 1,Town 1,north
town,t2,Ville 2,Town 2,south
needs,food,Nourriture,Food,
needs,water,Eau,Water,
";

#[test]
fn reads_a_complete_form_from_csv() {
    let loaded = csv(SURVEY, CHOICES).unwrap();
    let f = &loaded.form;
    assert_eq!(f.id, "hh");
    assert_eq!(f.version.as_deref(), Some("2024-01"));
    assert_eq!(f.title.get("en", None), Some("Household"));
    assert_eq!(f.default_language.as_deref(), Some("fr"));
    let keys: Vec<&str> = f.languages.iter().map(|l| l.key.as_str()).collect();
    assert_eq!(keys, vec!["fr", "en"]);
    assert_eq!(f.languages[0].name, "Français (fr)");

    let names: Vec<&str> = f.items.iter().map(Item::name).collect();
    assert_eq!(
        names,
        vec![
            "full_name",
            "age",
            "consent",
            "details",
            "members",
            "member_count",
            "thanks"
        ]
    );

    let name = f.field("full_name").unwrap();
    assert_eq!(name.label.get("fr", None), Some("Nom"));
    assert_eq!(name.hint.get("en", None), Some("First and last"));
    assert_eq!(
        name.bind.required.as_ref().map(|e| e.source()),
        Some("true()")
    );
    assert_eq!(
        name.bind.required_message.get("fr", None),
        Some("Obligatoire")
    );
    assert_eq!(name.row, 2);

    let age = f.field("age").unwrap();
    assert_eq!(age.field_type, FieldType::Integer);
    assert_eq!(
        age.bind.constraint.as_ref().map(|e| e.source()),
        Some(". >= 0 and . < 130")
    );
    assert_eq!(
        age.bind.constraint_message.get("en", None),
        Some("Between 0 and 129")
    );

    let consent = f.field("consent").unwrap();
    assert_eq!(consent.default.as_deref(), Some("no"));
    assert_eq!(consent.appearance.as_deref(), Some("minimal"));

    let Item::Group(details) = &f.items[3] else {
        panic!("details is a group")
    };
    assert_eq!(
        details.relevant.as_ref().map(|e| e.source()),
        Some("${consent} = 'yes'")
    );
    assert_eq!(details.appearance.as_deref(), Some("field-list"));
    let inner: Vec<&str> = details.items.iter().map(Item::name).collect();
    assert_eq!(
        inner,
        vec!["region", "town", "needs", "needs_other"],
        "or_other adds a detail field"
    );
    let other = f.field("needs_other").unwrap();
    assert_eq!(
        other.bind.relevant.as_ref().map(|e| e.source()),
        Some("selected(${needs}, 'other')")
    );
    assert_eq!(
        f.field("needs").unwrap().field_type,
        FieldType::SelectMultiple {
            list: "needs".into(),
            or_other: true
        }
    );
    assert_eq!(
        f.field("town")
            .unwrap()
            .choice_filter
            .as_ref()
            .map(|e| e.source()),
        Some("region = ${region}")
    );

    let Item::Repeat(members) = &f.items[4] else {
        panic!("members is a repeat")
    };
    assert_eq!(members.items.len(), 2);
    assert_eq!(
        f.field("member_pos").unwrap().field_type,
        FieldType::Calculate
    );

    assert_eq!(f.choices["yes_no"].len(), 2);
    assert_eq!(
        f.choices["town"][0].extra.get("region").map(String::as_str),
        Some("north")
    );
    assert_eq!(f.choice_label("consent", "yes", "en"), Some("Yes"));
    assert_eq!(
        f.choice_label("consent", "yes", "es"),
        Some("Oui"),
        "falls back to the default language"
    );

    assert_eq!(loaded.warnings.len(), 1);
    assert_eq!(loaded.warnings[0].code, "cosmetic-column");
    assert_eq!(loaded.warnings[0].column.as_deref(), Some("media::image"));
}

#[test]
fn the_form_serializes_to_the_documented_json_shape() {
    let f = csv(SURVEY, CHOICES).unwrap().form;
    let v = serde_json::to_value(&f).unwrap();
    assert_eq!(v["id"], "hh");
    assert_eq!(v["title"]["fr"], "Ménage");
    assert_eq!(v["languages"][1]["key"], "en");
    assert_eq!(v["items"][0]["kind"], "field");
    assert_eq!(v["items"][0]["type"], "text");
    assert_eq!(v["items"][2]["type"], "select_one");
    assert_eq!(v["items"][2]["list"], "yes_no");
    assert_eq!(v["items"][3]["kind"], "group");
    assert_eq!(v["items"][3]["items"][2]["or_other"], true);
    assert_eq!(v["items"][4]["kind"], "repeat");
    assert_eq!(v["items"][1]["bind"]["constraint"], ". >= 0 and . < 130");
    assert_eq!(v["choices"]["town"][1]["extra"]["region"], "south");
}

#[test]
fn xlsx_and_csv_give_the_same_form() {
    let to_rows = |text: &str| -> Vec<Vec<String>> {
        csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .from_reader(text.as_bytes())
            .records()
            .map(|r| r.unwrap().iter().map(str::to_string).collect())
            .collect()
    };
    let (s, c, t) = (to_rows(SURVEY), to_rows(CHOICES), to_rows(SETTINGS));
    fn refs(rows: &[Vec<String>]) -> Vec<Vec<&str>> {
        rows.iter()
            .map(|r| r.iter().map(String::as_str).collect())
            .collect()
    }
    fn slices<'a>(rows: &'a [Vec<&'a str>]) -> Vec<&'a [&'a str]> {
        rows.iter().map(Vec::as_slice).collect()
    }
    let (s, c, t) = (refs(&s), refs(&c), refs(&t));
    let (s2, c2, t2) = (slices(&s), slices(&c), slices(&t));
    let book = xlsx(&[("survey", &s2), ("choices", &c2), ("settings", &t2)]);
    let from_xlsx = read_xlsx(&book).unwrap();
    let from_csv = csv(SURVEY, CHOICES).unwrap();
    assert_eq!(from_xlsx.form, from_csv.form);
}

#[test]
fn xlsx_converted_to_csv_sheets_reads_as_the_same_form_with_the_same_row_numbers() {
    // Row 3 is blank and the question on row 4 has a broken relevance: once stored as CSV the
    // form must read the same, and a problem must still point at row 4.
    let book = xlsx(&[
        (
            "survey",
            &[
                &["type", "name", "label", "relevant"],
                &["integer", "age", "Âge, \"années\"", ""],
                &["", "", "", ""],
                &["text", "school", "School", "${age} >= 6"],
            ],
        ),
        ("settings", &[&["form_id", "version"], &["kids", "=n:3"]]),
        ("notes", &[&["ignored"]]),
    ]);
    let (sheets, loaded) = xlsx_to_csv(&book).unwrap();
    assert!(sheets.choices.is_none());
    let again = read_csv(
        sheets.survey.as_bytes(),
        None,
        sheets.settings.as_deref().map(str::as_bytes),
    )
    .unwrap();
    assert_eq!(again.form, loaded.form);
    assert_eq!(again.form.version.as_deref(), Some("3"));
    assert_eq!(again.form.field("school").unwrap().row, 4);

    let broken = xlsx(&[(
        "survey",
        &[&["type", "name", "label"], &[""], &["", "", ""], &["integer", "", "Age"]],
    )]);
    let errors = xlsx_to_csv(&broken).unwrap_err();
    assert!(errors.iter().any(|e| e.row == Some(4)), "{errors:?}");
}

#[test]
fn xlsx_cells_that_are_numbers_and_booleans_read_as_text() {
    let book = xlsx(&[
        (
            "survey",
            &[
                &["type", "name", "label", "required", "default"],
                &["integer", "n", "N", "=b:true", "=n:3"],
            ],
        ),
        (
            "settings",
            &[&["form_id", "version"], &["f", "=n:20240101"]],
        ),
    ]);
    let f = read_xlsx(&book).unwrap().form;
    assert_eq!(f.version.as_deref(), Some("20240101"));
    let n = f.field("n").unwrap();
    assert!(
        n.bind.required.is_some(),
        "a TRUE boolean cell means required"
    );
    assert_eq!(n.default.as_deref(), Some("3"));
}

#[test]
fn xlsx_errors_name_sheet_row_and_column() {
    let book = xlsx(&[
        (
            "survey",
            &[
                &["type", "name", "label", "relevant"],
                &["text", "a", "A", ""],
                &["text", "b", "B", "${nope} = 1"],
            ],
        ),
        ("settings", &[&["form_id"], &["f"]]),
        ("notes", &[&["anything"]]),
    ]);
    let errs = read_xlsx(&book).unwrap_err();
    assert_eq!(errs.len(), 1);
    let e = &errs[0];
    assert_eq!(
        (
            e.sheet.as_str(),
            e.row,
            e.column.as_deref(),
            e.column_letter.as_deref()
        ),
        ("survey", Some(3), Some("relevant"), Some("D"))
    );
    assert_eq!(e.code(), "unknown-reference");
    assert_eq!(
        e.to_string(),
        "survey!D3 (relevant): ${nope} does not name any field, group or repeat of the survey"
    );
}

#[test]
fn xlsx_unknown_sheets_are_warnings() {
    let book = xlsx(&[
        ("survey", &[&["type", "name", "label"], &["text", "a", "A"]]),
        ("settings", &[&["form_id", "style"], &["f", "pages"]]),
        ("notes", &[&["anything"]]),
    ]);
    let mut w: Vec<&str> = read_xlsx(&book)
        .unwrap()
        .warnings
        .iter()
        .map(|w| w.code)
        .collect();
    w.sort();
    assert_eq!(w, vec!["cosmetic-column", "unknown-sheet"]);
}

#[test]
fn unreadable_workbook() {
    let errs = read_xlsx(b"this is not a zip file").unwrap_err();
    assert_eq!(codes(&errs), vec!["unreadable"]);
    assert_eq!(errs[0].to_string().split(':').next(), Some("workbook"));
}

#[test]
fn single_file_csv_layout() {
    let src = "survey,type,name,label\n,integer,n,N\nchoices\n,list_name,name,label\n,l,a,A\nsettings\n,form_id\n,single\n";
    let f = read_single_csv(src.as_bytes()).unwrap().form;
    assert_eq!(f.id, "single");
    assert_eq!(f.field("n").unwrap().field_type, FieldType::Integer);
    assert_eq!(f.choices["l"][0].name, "a");
}

#[test]
fn every_error_is_reported_at_once() {
    let survey = "type,name,label\ntext,1bad,A\ntexte,b,B\nselect_one missing,c,C\ninteger,d,\n";
    let errs = errors(survey, CHOICES);
    assert_eq!(
        codes(&errs),
        vec![
            "bad-name",
            "unknown-type",
            "unknown-choice-list",
            "missing-label"
        ]
    );
    let rows: Vec<Option<u32>> = errs.iter().map(|e| e.row).collect();
    assert_eq!(rows, vec![Some(2), Some(3), Some(4), Some(5)]);
    assert_eq!(errs[0].column.as_deref(), Some("name"));
    assert_eq!(errs[1].column.as_deref(), Some("type"));
}

#[test]
fn duplicate_names_point_at_the_first_use() {
    let errs = errors(
        "type,name,label\ntext,a,A\nbegin group,g,G\ntext,a,A2\nend group,,\n",
        "",
    );
    assert_eq!(codes(&errs), vec!["duplicate-name"]);
    assert_eq!(errs[0].row, Some(4));
    assert_eq!(
        errs[0].kind,
        FormErrorKind::DuplicateName {
            name: "a".into(),
            first_row: 2
        }
    );
    // The or_other field's generated name collides too.
    let errs = errors(
        "type,name,label\nselect_one yes_no or_other,q,Q\ntext,q_other,Other\n",
        CHOICES,
    );
    assert_eq!(codes(&errs), vec!["duplicate-name"]);
}

#[test]
fn groups_and_repeats_must_match() {
    let errs = errors(
        "type,name,label\nbegin group,g,G\ntext,a,A\nend repeat,,\n",
        "",
    );
    assert_eq!(codes(&errs), vec!["unmatched-end", "unclosed-begin"]);
    assert_eq!((errs[0].row, errs[1].row), (Some(4), Some(2)));
    assert_eq!(
        codes(&errors("type,name,label\nend group,,\n", "")),
        vec!["unmatched-end"]
    );
    assert_eq!(
        codes(&errors(
            "type,name,label\nbegin repeat,r,R\nbegin group,g,G\nend group,,\n",
            ""
        )),
        vec!["unclosed-begin"]
    );
    assert_eq!(
        codes(&errors(
            "type,name,label\nbegin group,,G\nend group,,\n",
            ""
        )),
        vec!["missing-name"]
    );
}

#[test]
fn choice_list_problems() {
    assert_eq!(
        codes(&errors("type,name,label\nselect_one,a,A\n", CHOICES)),
        vec!["select-without-list"]
    );
    assert_eq!(
        codes(&errors(
            "type,name,label\nselect_multiple nope,a,A\n",
            CHOICES
        )),
        vec!["unknown-choice-list"]
    );
    let choices = "list_name,name,label\nempty,,\nl,x,X\nl,x,X again\nl,a b,AB\n,y,Y\nl,z,\n";
    let errs = errors(
        "type,name,label\nselect_one empty,a,A\nselect_one l,b,B\n",
        choices,
    );
    let mut c = codes(&errs);
    c.sort();
    assert_eq!(
        c,
        vec![
            "bad-choice-name",
            "duplicate-choice",
            "empty-choice-list",
            "missing-label",
            "missing-list-name",
            "missing-name",
            "unknown-choice-list"
        ]
    );
    let empty = errs
        .iter()
        .find(|e| e.code() == "empty-choice-list")
        .unwrap();
    assert_eq!((empty.sheet.as_str(), empty.row), ("choices", Some(2)));
    assert_eq!(
        codes(&errors("type,name,label\ntext,a,A\n", "name,label\nx,X\n")),
        vec!["missing-column"]
    );
}

#[test]
fn type_problems() {
    assert_eq!(
        codes(&errors("type,name,label\ngeopoint,a,A\n", "")),
        vec!["unsupported-type"]
    );
    assert_eq!(
        codes(&errors(
            "type,name,label\nselect_one_from_file a.csv,a,A\n",
            ""
        )),
        vec!["unsupported-type"]
    );
    assert_eq!(
        codes(&errors("type,name,label\nblah,a,A\n", "")),
        vec!["unknown-type"]
    );
    assert_eq!(
        codes(&errors("type,name,label\n,a,A\n", "")),
        vec!["missing-type"]
    );
    assert_eq!(
        codes(&errors("type,name,label\ncalculate,c,\n", "")),
        vec!["missing-calculation"]
    );
    assert_eq!(
        codes(&errors("type,name,label\ntext,,A\n", "")),
        vec!["missing-name"]
    );
    for bad in ["a b", "1a", "a:b", "a/b", "-a"] {
        assert_eq!(
            codes(&errors(&format!("type,name,label\ntext,\"{bad}\",A\n"), "")),
            vec!["bad-name"],
            "{bad}"
        );
    }
    // Metadata needs no label.
    assert!(
        csv(
            "type,name,label\nstart,start,\ntoday,today,\ntext,a,A\n",
            ""
        )
        .is_ok()
    );
}

#[test]
fn column_problems() {
    let errs = errors(
        "type,name,label,comments,bind::jr:preload,relevant::fr\ntext,a,A,,,\n",
        "",
    );
    assert_eq!(
        codes(&errs),
        vec!["unknown-column", "unsupported-column", "unknown-column"]
    );
    assert_eq!(
        (errs[0].row, errs[0].column_letter.as_deref()),
        (Some(1), Some("D"))
    );
    assert_eq!(
        codes(&errors("type,label\ntext,A\n", "")),
        vec!["missing-column"]
    );
    assert_eq!(
        codes(&errors("name,label\na,A\n", "")),
        vec!["missing-column"]
    );
    let misplaced = "type,name,label,constraint,choice_filter,repeat_count\nbegin group,g,G,. > 1,,\nend group,,,,,\ntext,t,T,,x = 1,\ntext,u,U,,,3\n";
    assert_eq!(
        codes(&errors(misplaced, "")),
        vec!["misplaced-column", "misplaced-column", "misplaced-column"]
    );
    assert_eq!(
        codes(&errors("type,name,label,read_only\ntext,a,A,maybe\n", "")),
        vec!["bad-boolean"]
    );
}

#[test]
fn expression_problems_name_the_column_and_offset() {
    let errs = errors(
        "type,name,label,relevant,constraint\ntext,a,A,${a} = ,\ntext,b,B,,frob(.)\n",
        "",
    );
    assert_eq!(codes(&errs), vec!["bad-expression", "bad-expression"]);
    assert_eq!(errs[0].column.as_deref(), Some("relevant"));
    let FormErrorKind::Expression(pe) = &errs[0].kind else {
        panic!()
    };
    assert_eq!(pe.offset, 6, "the end of the trimmed cell");
    assert!(errs[0].to_string().contains("at column 7"), "{}", errs[0]);
    assert_eq!(errs[1].column.as_deref(), Some("constraint"));

    assert_eq!(
        codes(&errors("type,name,label,relevant\ntext,a,A,x = 1\n", "")),
        vec!["bare-name"]
    );
    assert_eq!(
        codes(&errors(
            "type,name,label,calculation\ncalculate,c,,position(..)\n",
            ""
        )),
        vec!["position-outside-repeat"]
    );
    assert_eq!(
        codes(&errors(
            "type,name,label,choice_filter\nselect_one region,r,R,\nselect_one town,t,T,county = ${r}\n",
            CHOICES
        )),
        vec!["unknown-choice-column"]
    );
    assert_eq!(
        codes(&errors(
            "type,name,label,required\ntext,a,A,${zz} = 1\n",
            ""
        )),
        vec!["unknown-reference"]
    );
    assert_eq!(
        codes(&errors(
            "type,name,label,calculation\ncalculate,c,,\"jr:choice-name(1 + 1, '${nope}')\"\n",
            ""
        )),
        vec!["unknown-reference"]
    );
}

#[test]
fn conditional_required_is_kept_as_an_expression() {
    let f = csv(
        "type,name,label,required\ntext,a,A,\ntext,b,B,${a} != ''\n",
        "",
    )
    .unwrap()
    .form;
    assert_eq!(
        f.field("b")
            .unwrap()
            .bind
            .required
            .as_ref()
            .map(|e| e.source()),
        Some("${a} != ''")
    );
    assert!(f.field("a").unwrap().bind.required.is_none());
}

#[test]
fn defaults_must_fit_the_type() {
    let errs = errors(
        "type,name,label,default\ninteger,a,A,x\nselect_one yes_no,b,B,maybe\ndate,c,C,2024-13-01\n",
        CHOICES,
    );
    assert_eq!(
        codes(&errs),
        vec!["bad-default", "bad-default", "bad-default"]
    );
    assert_eq!(
        errs[0].to_string(),
        "survey!D2 (default): default 'x' is not a valid integer"
    );
}

#[test]
fn settings_problems() {
    let survey = "type,name,label\ntext,a,A\n";
    let e = read_csv(survey.as_bytes(), None, None).unwrap_err();
    assert_eq!(codes(&e), vec!["missing-sheet"]);
    let e = read_csv(survey.as_bytes(), None, Some(b"form_title\nT\n")).unwrap_err();
    assert_eq!(codes(&e), vec!["missing-form-id"]);
    let e = read_csv(survey.as_bytes(), None, Some(b"form_id\nnot ok\n")).unwrap_err();
    assert_eq!(codes(&e), vec!["bad-name"]);
    let e = read_csv(
        survey.as_bytes(),
        None,
        Some(b"form_id,public_key\nf,abc\nf2,\n"),
    )
    .unwrap_err();
    assert_eq!(codes(&e), vec!["extra-settings-row", "unknown-setting"]);
    let with_langs = "type,name,label::English (en)\ntext,a,A\n";
    let e = read_csv(
        with_langs.as_bytes(),
        None,
        Some(b"form_id,default_language\nf,Deutsch (de)\n"),
    )
    .unwrap_err();
    assert_eq!(codes(&e), vec!["unknown-language"]);
    assert!(
        read_csv(
            with_langs.as_bytes(),
            None,
            Some(b"form_id,default_language\nf,English (en)\n")
        )
        .is_ok()
    );
    assert!(
        read_csv(
            survey.as_bytes(),
            None,
            Some(b"form_id,default_language\nf,fr\n")
        )
        .is_ok(),
        "plain labels take any default"
    );
    let e = read_csv(b"", None, Some(b"form_id\nf\n")).unwrap_err();
    assert_eq!(codes(&e), vec!["missing-column", "missing-column"]);
    let w = read_csv(
        survey.as_bytes(),
        None,
        Some(b"form_id,instance_name\nf,x\n"),
    )
    .unwrap()
    .warnings;
    assert_eq!(w[0].code, "ignored-setting");
}

#[test]
fn error_codes_are_kebab_case_and_distinct() {
    let kinds = [
        FormErrorKind::Unreadable(String::new()),
        FormErrorKind::CellError(String::new()),
        FormErrorKind::MissingSheet("survey"),
        FormErrorKind::MissingColumn("type"),
        FormErrorKind::UnknownColumn(String::new()),
        FormErrorKind::UnsupportedColumn(String::new()),
        FormErrorKind::MisplacedColumn {
            column: String::new(),
            item: String::new(),
        },
        FormErrorKind::MissingType,
        FormErrorKind::UnknownType(String::new()),
        FormErrorKind::UnsupportedType(String::new()),
        FormErrorKind::MissingName,
        FormErrorKind::BadName(String::new()),
        FormErrorKind::DuplicateName {
            name: String::new(),
            first_row: 1,
        },
        FormErrorKind::UnmatchedEnd(String::new()),
        FormErrorKind::UnclosedBegin(String::new()),
        FormErrorKind::SelectWithoutList,
        FormErrorKind::UnknownChoiceList(String::new()),
        FormErrorKind::EmptyChoiceList(String::new()),
        FormErrorKind::DuplicateChoice {
            list: String::new(),
            name: String::new(),
        },
        FormErrorKind::BadChoiceName(String::new()),
        FormErrorKind::MissingListName,
        FormErrorKind::MissingLabel,
        FormErrorKind::BadBoolean(String::new()),
        FormErrorKind::UnknownReference(String::new()),
        FormErrorKind::BareName(String::new()),
        FormErrorKind::UnknownChoiceColumn {
            list: String::new(),
            name: String::new(),
        },
        FormErrorKind::PositionOutsideRepeat,
        FormErrorKind::MissingCalculation,
        FormErrorKind::BadDefault {
            value: String::new(),
            expected: String::new(),
        },
        FormErrorKind::MissingFormId,
        FormErrorKind::UnknownSetting(String::new()),
        FormErrorKind::ExtraSettingsRow,
        FormErrorKind::UnknownLanguage(String::new()),
    ];
    let mut seen = std::collections::BTreeSet::new();
    for k in &kinds {
        let c = k.code();
        assert!(
            c.chars().all(|ch| ch.is_ascii_lowercase() || ch == '-'),
            "{c}"
        );
        assert!(seen.insert(c), "duplicate code {c}");
    }
}

#[test]
fn errors_serialize_with_code_and_message() {
    let e = &errors("type,name,label\ntexte,a,A\n", "")[0];
    let v = serde_json::to_value(e).unwrap();
    assert_eq!(v["sheet"], "survey");
    assert_eq!(v["row"], 2);
    assert_eq!(v["column"], "type");
    assert_eq!(v["column_letter"], "A");
    assert_eq!(v["kind"]["code"], "unknown-type");
    assert_eq!(v["kind"]["message"], "unknown type 'texte'");
}

#[test]
fn column_letters() {
    assert_eq!(column_letter(0), "A");
    assert_eq!(column_letter(25), "Z");
    assert_eq!(column_letter(26), "AA");
    assert_eq!(column_letter(27), "AB");
    assert_eq!(column_letter(701), "ZZ");
    assert_eq!(column_letter(702), "AAA");
}

mod never_panics {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(400))]

        #[test]
        fn csv_reader_on_arbitrary_bytes(survey in proptest::collection::vec(any::<u8>(), 0..400),
                                         choices in proptest::collection::vec(any::<u8>(), 0..200)) {
            let _ = read_csv(&survey, Some(&choices), Some(SETTINGS.as_bytes()));
            let _ = read_single_csv(&survey);
        }

        #[test]
        fn csv_reader_on_form_like_text(rows in proptest::collection::vec(
            proptest::collection::vec(
                prop_oneof![
                    Just("text".to_string()), Just("begin group".to_string()), Just("end group".to_string()),
                    Just("begin repeat".to_string()), Just("end repeat".to_string()),
                    Just("select_one yes_no".to_string()), Just("select_multiple needs or_other".to_string()),
                    Just("calculate".to_string()), Just("${a} + 1".to_string()), Just("position(..)".to_string()),
                    Just("a".to_string()), Just("b".to_string()), Just("yes".to_string()), "[ -~]{0,12}",
                ],
                0..8),
            0..12)) {
            let header = "type,name,label,relevant,calculation,required,default,choice_filter\n";
            let body: Vec<String> = rows.iter().map(|r| r.iter().map(|c| format!("\"{}\"", c.replace('"', "\"\""))).collect::<Vec<_>>().join(",")).collect();
            let survey = format!("{header}{}", body.join("\n"));
            let _ = csv(&survey, CHOICES);
        }

        #[test]
        fn xlsx_reader_on_arbitrary_bytes(bytes in proptest::collection::vec(any::<u8>(), 0..300)) {
            let _ = read_xlsx(&bytes);
        }
    }
}

/// Found by cargo fuzz (target `xlsform_xlsx`): see `directory::sheet::calamine_guard`.
#[test]
fn fuzz_regression_a_damaged_cell_reference_is_an_unreadable_form() {
    let bytes = include_bytes!("../../../tests/fuzz-regressions/xlsform_xlsx-cell-reference-overflow.xlsx");
    let errs = read_xlsx(bytes).expect_err("a damaged workbook is refused");
    assert_eq!(codes(&errs), vec!["unreadable"]);
}
