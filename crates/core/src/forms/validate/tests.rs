use super::*;
use crate::forms::xlsform::read_csv;
use chrono::NaiveDate;
use serde_json::json;

fn form(survey: &str, choices: &str) -> Form {
    let settings = "form_id\nf\n";
    let choices = if choices.is_empty() {
        None
    } else {
        Some(choices.as_bytes())
    };
    match read_csv(survey.as_bytes(), choices, Some(settings.as_bytes())) {
        Ok(l) => l.form,
        Err(e) => panic!(
            "{}",
            e.iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join("\n")
        ),
    }
}

fn opts() -> Options<'static> {
    Options {
        now: NaiveDate::from_ymd_opt(2024, 3, 15)
            .unwrap()
            .and_hms_opt(9, 0, 0)
            .unwrap(),
        lang: "en",
    }
}

fn check(f: &Form, answers: Json) -> Checked {
    validate(f, &answers, &opts())
}

fn errs(c: &Checked) -> Vec<(String, &'static str)> {
    c.errors.iter().map(|e| (e.path.clone(), e.code)).collect()
}

fn e(path: &str, code: &'static str) -> (String, &'static str) {
    (path.to_string(), code)
}

const YES_NO: &str = "list_name,name,label::English (en),label::Français (fr),region\nyn,yes,Yes,Oui,\nyn,no,No,Non,\nregion,north,North,Nord,\nregion,south,South,Sud,\ntown,t1,Town 1,Ville 1,north\ntown,t2,Town 2,Ville 2,south\nneeds,food,Food,Nourriture,\nneeds,water,Water,Eau,\n";

#[test]
fn required_answers_with_the_forms_own_message() {
    let f = form(
        "type,name,label,required,required_message::English (en),required_message::Français (fr)\ntext,name,Name,yes,Give a name,Donnez un nom\ntext,nick,Nick,,,\n",
        "",
    );
    let c = check(&f, json!({}));
    assert_eq!(errs(&c), vec![e("name", "required")]);
    let msg = c.errors[0].message.as_ref().unwrap();
    assert_eq!(msg.get("fr", None), Some("Donnez un nom"));
    assert_eq!(c.errors[0].field, "name");
    assert_eq!(
        errs(&check(&f, json!({"name": "   "}))),
        vec![e("name", "required")],
        "blank is empty"
    );
    let ok = check(&f, json!({"name": "Ana"}));
    assert!(ok.is_valid());
    assert_eq!(ok.answers, json!({"name": "Ana"}));
}

#[test]
fn conditional_required() {
    let f = form(
        "type,name,label,required\ntext,phone,Phone,\ntext,carrier,Carrier,${phone} != ''\n",
        "",
    );
    assert!(check(&f, json!({})).is_valid());
    assert_eq!(
        errs(&check(&f, json!({"phone": "123"}))),
        vec![e("carrier", "required")]
    );
}

#[test]
fn irrelevant_answers_are_dropped_and_not_checked() {
    let f = form(
        "type,name,label,relevant,required\nselect_one yn,consent,Consent,,yes\nbegin group,g,G,${consent} = 'yes',\ninteger,age,Age,,yes\ntext,why,Why,${age} > 60,yes\nend group,,,,\n",
        YES_NO,
    );
    let c = check(&f, json!({"consent": "no", "age": "70", "why": "x"}));
    assert!(c.is_valid(), "{:?}", c.errors);
    assert_eq!(
        c.answers,
        json!({"consent": "no"}),
        "answers under an irrelevant group are cleared"
    );
    let c = check(&f, json!({"consent": "yes", "age": "30", "why": "x"}));
    assert_eq!(c.answers, json!({"consent": "yes", "age": "30"}));
    let c = check(&f, json!({"consent": "yes", "age": "70"}));
    assert_eq!(errs(&c), vec![e("why", "required")]);
    assert_eq!(
        errs(&check(&f, json!({"consent": "yes"}))),
        vec![e("age", "required")]
    );
}

#[test]
fn calculations_are_recomputed_whatever_their_order() {
    // `total` is computed from `double`, which comes after it in the sheet.
    let f = form(
        "type,name,label,calculation,relevant,required\ncalculate,total,,${double} + 1,,\ninteger,n,N,,,\ncalculate,double,,${n} * 2,,\ntext,big,Big,,${total} > 10,yes\n",
        "",
    );
    let c = check(&f, json!({"n": "3", "total": "999"}));
    assert_eq!(c.answers["double"], "6");
    assert_eq!(
        c.answers["total"], "7",
        "the client's value is never trusted"
    );
    assert!(c.is_valid());
    let c = check(&f, json!({"n": "5"}));
    assert_eq!(c.answers["total"], "11");
    assert_eq!(
        errs(&c),
        vec![e("big", "required")],
        "a calculation feeds relevance"
    );
}

#[test]
fn a_cycle_of_calculations_stops() {
    let f = form(
        "type,name,label,calculation\ncalculate,a,,${b} + 1\ncalculate,b,,${a} + 1\n",
        "",
    );
    let c = check(&f, json!({}));
    assert!(c.answers.get("a").is_some());
}

#[test]
fn types_are_checked() {
    let f = form(
        "type,name,label\ninteger,i,I\ndecimal,d,D\ndate,dt,Dt\ndatetime,dtt,Dtt\ntime,t,T\nselect_one yn,s,S\nselect_multiple needs,m,M\nacknowledge,ack,Ack\ntext,x,X\n",
        YES_NO,
    );
    let bad = check(
        &f,
        json!({"i": "3.5", "d": "1,5", "dt": "2024-02-30", "dtt": "yesterday", "t": "25:00", "s": "maybe", "m": "food wine", "ack": "yes", "x": "free"}),
    );
    assert_eq!(
        errs(&bad),
        vec![
            e("i", "not-integer"),
            e("d", "not-decimal"),
            e("dt", "not-date"),
            e("dtt", "not-datetime"),
            e("t", "not-time"),
            e("s", "unknown-choice"),
            e("m", "unknown-choice"),
            e("ack", "not-acknowledged"),
        ]
    );
    let good = check(
        &f,
        json!({"i": -12, "d": 1.5, "dt": "2024-02-29", "dtt": "2024-02-29T10:00:00.000+01:00", "t": "10:30", "s": "yes", "m": ["food", "water"], "ack": "OK"}),
    );
    assert!(good.is_valid(), "{:?}", good.errors);
    assert_eq!(good.answers["i"], "-12");
    assert_eq!(good.answers["d"], "1.5");
    assert_eq!(
        good.answers["m"], "food water",
        "arrays become ODK's space-separated text"
    );
    assert_eq!(
        errs(&check(&f, json!({"s": "yes no"}))),
        vec![e("s", "unknown-choice")],
        "one answer only"
    );
    assert_eq!(
        errs(&check(&f, json!({"i": "99999999999999999999"}))),
        vec![e("i", "not-integer")]
    );
}

#[test]
fn or_other_accepts_other() {
    let f = form("type,name,label\nselect_one yn or_other,s,S\n", YES_NO);
    let c = check(&f, json!({"s": "other", "s_other": "Perhaps"}));
    assert!(c.is_valid());
    assert_eq!(c.answers["s_other"], "Perhaps");
    let c = check(&f, json!({"s": "yes", "s_other": "Perhaps"}));
    assert_eq!(
        c.answers,
        json!({"s": "yes"}),
        "the detail is dropped when 'other' is not chosen"
    );
}

#[test]
fn constraints_use_the_current_value_and_carry_the_message() {
    let f = form(
        "type,name,label,constraint,constraint_message::English (en)\ninteger,age,Age,. >= 0 and . <= 120,Age 0-120\ndate,dob,Birth,. <= today(),\ntext,code,Code,\"regex(., '^[A-Z]{2}[0-9]{3}$')\",\n",
        "",
    );
    let c = check(
        &f,
        json!({"age": "130", "dob": "2024-03-16", "code": "ab123"}),
    );
    assert_eq!(
        errs(&c),
        vec![
            e("age", "constraint"),
            e("dob", "constraint"),
            e("code", "constraint")
        ]
    );
    assert_eq!(
        c.errors[0].message.as_ref().and_then(|m| m.get("en", None)),
        Some("Age 0-120")
    );
    assert_eq!(
        c.errors[1].message, None,
        "no message given, the web layer uses its own"
    );
    let c = check(
        &f,
        json!({"age": "30", "dob": "2024-03-15", "code": "AB123"}),
    );
    assert!(c.is_valid(), "{:?}", c.errors);
    assert!(
        check(&f, json!({})).is_valid(),
        "an empty answer is not constrained"
    );
    assert_eq!(
        errs(&check(&f, json!({"age": "x"}))),
        vec![e("age", "not-integer")],
        "a type error hides the constraint"
    );
}

#[test]
fn choice_filters_limit_what_can_be_picked() {
    let f = form(
        "type,name,label,choice_filter\nselect_one region,region,Region,\nselect_one town,town,Town,region = ${region}\n",
        YES_NO,
    );
    assert!(check(&f, json!({"region": "north", "town": "t1"})).is_valid());
    assert_eq!(
        errs(&check(&f, json!({"region": "north", "town": "t2"}))),
        vec![e("town", "unknown-choice")]
    );
    // The page is told which choices to offer.
    assert_eq!(check(&f, json!({"region": "south"})).choices, vec![("town".to_string(), vec!["t2".to_string()])]);
    assert_eq!(check(&f, json!({})).choices, vec![("town".to_string(), vec![])]);
}

#[test]
fn repeats_positions_counts_and_sums() {
    let f = form(
        "type,name,label,calculation,constraint,repeat_count,required\n\
         integer,n,How many,,,,yes\n\
         begin repeat,members,Members,,,${n},\n\
         text,mname,Name,,,,yes\n\
         integer,age,Age,,. < 130,,\n\
         calculate,pos,,position(..),,,\n\
         calculate,label,,\"concat(position(..), ':', ${mname})\",,,\n\
         text,head_note,Head note,,,,position(..) = 1\n\
         end repeat,,,,,,\n\
         calculate,count,,count(${members}),,,\n\
         calculate,total_age,,sum(${age}),,,\n\
         calculate,oldest,,max(${age}),,,\n",
        "",
    );
    let c = check(
        &f,
        json!({"n": 3, "members": [
            {"mname": "Ana", "age": "40", "head_note": "head"},
            {"mname": "Ben", "age": "12"},
            {"mname": "", "age": "200"}
        ]}),
    );
    assert_eq!(
        errs(&c),
        vec![
            e("members/2/mname", "required"),
            e("members/2/age", "constraint")
        ]
    );
    assert_eq!(c.answers["count"], "3");
    assert_eq!(c.answers["total_age"], "252");
    assert_eq!(c.answers["oldest"], "200");
    assert_eq!(c.answers["members"][0]["pos"], "1");
    assert_eq!(
        c.answers["members"][1]["label"], "2:Ben",
        "references stay inside their own instance"
    );
    let c = check(&f, json!({"n": 2, "members": [{"mname": "Ana"}]}));
    assert_eq!(
        errs(&c),
        vec![
            e("members", "repeat-count"),
            e("members/0/head_note", "required")
        ]
    );
    let c = check(&f, json!({"n": "0"}));
    assert!(c.is_valid(), "{:?}", c.errors);
    assert_eq!(c.answers["count"], "0");
}

#[test]
fn nested_repeats_resolve_by_shared_instances() {
    let f = form(
        "type,name,label,calculation\n\
         begin repeat,households,Households,\n\
         text,hh,HH,\n\
         begin repeat,people,People,\n\
         text,who,Who,\n\
         calculate,tag,,\"concat(${hh}, '-', ${who}, '-', position(..))\"\n\
         end repeat,,,\n\
         calculate,size,,count(${people})\n\
         end repeat,,,\n\
         calculate,everyone,,count(${who})\n",
        "",
    );
    let c = check(
        &f,
        json!({"households": [
            {"hh": "A", "people": [{"who": "x"}, {"who": "y"}]},
            {"hh": "B", "people": [{"who": "z"}]}
        ]}),
    );
    assert!(c.is_valid(), "{:?}", c.errors);
    assert_eq!(c.answers["households"][0]["people"][1]["tag"], "A-y-2");
    assert_eq!(c.answers["households"][1]["people"][0]["tag"], "B-z-1");
    assert_eq!(c.answers["households"][0]["size"], "2");
    assert_eq!(c.answers["households"][1]["size"], "1");
    assert_eq!(c.answers["everyone"], "3");
}

#[test]
fn irrelevant_repeats_are_dropped() {
    let f = form(
        "type,name,label,relevant\ninteger,n,N,\nbegin repeat,r,R,${n} > 0\ntext,x,X,\nend repeat,,,\n",
        "",
    );
    let c = check(&f, json!({"n": "0", "r": [{"x": "a"}]}));
    assert_eq!(c.answers, json!({"n": "0"}));
}

#[test]
fn json_shapes_are_checked() {
    let f = form(
        "type,name,label\ntext,t,T\nbegin repeat,r,R\ntext,x,X\nend repeat,,\nnote,n,Note\n",
        "",
    );
    let c = check(
        &f,
        json!({"t": {"nested": 1}, "r": "nope", "zz": "1", "n": "ignored"}),
    );
    assert_eq!(
        errs(&c),
        vec![
            e("r", "not-a-list"),
            e("t", "not-a-value"),
            e("zz", "unknown-field")
        ]
    );
    assert_eq!(c.answers, json!({}), "notes hold no answer");
    let c = check(&f, json!({"r": [{"x": "a"}, 5, {"x": ["no"]}]}));
    assert_eq!(
        errs(&c),
        vec![e("r/1", "not-an-object"), e("r/2/x", "not-a-value")]
    );
    assert_eq!(errs(&check(&f, json!([1]))), vec![e("", "not-an-object")]);
    assert!(check(&f, json!({"t": null, "r": null})).is_valid());
    assert_eq!(check(&f, json!({"t": true})).answers["t"], "true");
}

#[test]
fn defaults_and_read_only() {
    let f = form(
        "type,name,label,default,read_only\ninteger,n,N,5,\ntext,fixed,Fixed,abc,yes\n",
        "",
    );
    let c = check(&f, json!({"fixed": "changed"}));
    assert_eq!(c.answers, json!({"n": "5", "fixed": "abc"}));
    let c = check(&f, json!({"n": ""}));
    assert_eq!(
        c.answers,
        json!({"fixed": "abc"}),
        "a present but cleared answer keeps no default"
    );
}

#[test]
fn choice_names_use_the_readers_language() {
    let f = form(
        "type,name,label,calculation\nselect_one yn,s,S,\ncalculate,shown,,\"jr:choice-name(${s}, '${s}')\"\n",
        YES_NO,
    );
    let c = check(&f, json!({"s": "no"}));
    assert_eq!(c.answers["shown"], "No");
    let fr = validate(
        &f,
        &json!({"s": "no"}),
        &Options {
            lang: "fr",
            ..opts()
        },
    );
    assert_eq!(fr.answers["shown"], "Non");
}

#[test]
fn evaluation_failures_are_reported() {
    let f = form(
        "type,name,label,constraint,calculation\ntext,p,Pattern,,\ntext,v,Value,\"regex(., ${p})\",\ncalculate,d,,,date(${v})\n",
        "",
    );
    let c = check(&f, json!({"p": "[", "v": "x"}));
    assert_eq!(
        errs(&c),
        vec![e("d", "expression-error"), e("v", "expression-error")]
    );
}

#[test]
fn today_comes_from_the_injected_clock() {
    let f = form(
        "type,name,label,calculation\ncalculate,t,,today()\ncalculate,age,,int((today() - date('2000-03-16')) div 365.25)\n",
        "",
    );
    let c = check(&f, json!({}));
    assert_eq!(c.answers["t"], "2024-03-15");
    assert_eq!(c.answers["age"], "23");
}

mod never_panics {
    use super::*;
    use proptest::prelude::*;

    fn scalar() -> impl Strategy<Value = Json> {
        prop_oneof![
            Just(Json::Null),
            any::<bool>().prop_map(Json::Bool),
            any::<i64>().prop_map(|n| json!(n)),
            any::<f64>().prop_map(|n| json!(n)),
            prop_oneof![
                Just("yes".to_string()),
                Just("north".to_string()),
                Just("2024-02-29".to_string()),
                "\\PC{0,10}"
            ]
            .prop_map(Json::String),
        ]
    }

    fn answers() -> impl Strategy<Value = Json> {
        let keys = prop_oneof![
            Just("n"),
            Just("s"),
            Just("r"),
            Just("x"),
            Just("d"),
            Just("region"),
            Just("town"),
            Just("other")
        ];
        scalar().prop_recursive(3, 32, 6, move |inner| {
            prop_oneof![
                proptest::collection::vec(inner.clone(), 0..4).prop_map(Json::Array),
                proptest::collection::btree_map(keys.clone().prop_map(str::to_string), inner, 0..6)
                    .prop_map(|m| Json::Object(m.into_iter().collect())),
            ]
        })
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(300))]

        #[test]
        fn validation_on_arbitrary_answers(a in answers()) {
            let f = form(
                "type,name,label,relevant,constraint,calculation,choice_filter,repeat_count\n\
                 integer,n,N,,. < 10,,,\n\
                 select_one yn,s,S,${n} > 1,,,,\n\
                 select_one region,region,Region,,,,,\n\
                 select_one town,town,Town,,,,region = ${region},\n\
                 begin repeat,r,R,,,,,${n}\n\
                 text,x,X,,\"regex(., ${x})\",,,\n\
                 date,d,D,,. < today(),,,\n\
                 calculate,p,,,,\"concat(position(..), ${x}, sum(${n}))\",,\n\
                 end repeat,,,,,,,\n\
                 calculate,c,,,,count(${r}) + sum(${d}),,\n",
                YES_NO,
            );
            let checked = check(&f, a);
            prop_assert!(checked.answers.is_object());
        }
    }
}

#[test]
fn hidden_lists_what_is_not_relevant_including_the_questions_of_a_hidden_group() {
    let f = form(
        "type,name,label,relevant\nselect_one yn,consent,Consent,\nnote,stop,Do not register,${consent} = 'no'\nbegin group,who,Identity,${consent} = 'yes'\ntext,name,Name,\nend group,,,\nbegin repeat,kids,Children,${consent} = 'yes'\ninteger,age,Age,\ntext,school,School,${age} >= 6\nend repeat,,,\n",
        YES_NO,
    );
    let none = check(&f, json!({}));
    assert_eq!(none.hidden, vec!["stop", "who", "name", "kids"]);
    let no = check(&f, json!({"consent": "no"}));
    assert_eq!(no.hidden, vec!["who", "name", "kids"]);
    let yes = check(&f, json!({"consent": "yes", "kids": [{"age": "3"}, {"age": "9"}]}));
    assert_eq!(yes.hidden, vec!["stop", "kids/0/school"]);
}
