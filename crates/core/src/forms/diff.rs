//! What changes between two versions of a form, question by question, so the administrator
//! who publishes a new version sees what the people filling it will meet before it is live.

use super::model::{Field, Form, Item};
use serde::Serialize;
use std::collections::BTreeMap;

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "change", rename_all = "snake_case")]
pub enum QuestionChange {
    Added { name: String },
    Removed { name: String },
    /// The question stays, with these aspects changed (`type`, `label`, `hint`, `required`,
    /// `relevant`, `constraint`, `calculation`, `choices`, `default`, `group`).
    Changed { name: String, aspects: Vec<&'static str> },
}

impl QuestionChange {
    pub fn name(&self) -> &str {
        match self {
            QuestionChange::Added { name } | QuestionChange::Removed { name } | QuestionChange::Changed { name, .. } => name,
        }
    }
}

/// Each field with the names of the groups and repeats around it (moving a question to another
/// section changes what it means to the person reading it).
fn fields(items: &[Item], parents: &mut Vec<String>, out: &mut BTreeMap<String, (usize, String, Field)>) {
    for item in items {
        match item {
            Item::Field(f) => {
                let order = out.len();
                out.insert(f.name.clone(), (order, parents.join("/"), f.clone()));
            }
            Item::Group(g) => {
                parents.push(g.name.clone());
                fields(&g.items, parents, out);
                parents.pop();
            }
            Item::Repeat(r) => {
                parents.push(r.name.clone());
                fields(&r.items, parents, out);
                parents.pop();
            }
        }
    }
}

fn src(e: &Option<super::expr::Expression>) -> Option<&str> {
    e.as_ref().map(|e| e.source())
}

/// The choices a field offers, as (name, label) pairs in order.
fn choices(form: &Form, f: &Field) -> Option<Vec<(String, super::model::Text)>> {
    let list = f.field_type.list()?;
    Some(form.choices.get(list).map(|cs| cs.iter().map(|c| (c.name.clone(), c.label.clone())).collect()).unwrap_or_default())
}

/// Changes from `old` to `new`, in the order of the new form, removed questions last.
pub fn compare(old: &Form, new: &Form) -> Vec<QuestionChange> {
    let (mut before, mut after) = (BTreeMap::new(), BTreeMap::new());
    fields(&old.items, &mut Vec::new(), &mut before);
    fields(&new.items, &mut Vec::new(), &mut after);
    let mut ordered: Vec<_> = after.iter().collect();
    ordered.sort_by_key(|(_, (order, _, _))| *order);
    let mut out = Vec::new();
    for (name, (_, group, f)) in ordered {
        let Some((_, old_group, o)) = before.get(name) else {
            out.push(QuestionChange::Added { name: name.clone() });
            continue;
        };
        let mut aspects = Vec::new();
        let checks: [(&'static str, bool); 10] = [
            ("type", o.field_type != f.field_type),
            ("label", o.label != f.label),
            ("hint", o.hint != f.hint),
            ("required", src(&o.bind.required) != src(&f.bind.required)),
            ("relevant", src(&o.bind.relevant) != src(&f.bind.relevant)),
            ("constraint", src(&o.bind.constraint) != src(&f.bind.constraint)),
            ("calculation", src(&o.bind.calculation) != src(&f.bind.calculation)),
            ("choices", choices(old, o) != choices(new, f) || src(&o.choice_filter) != src(&f.choice_filter)),
            ("default", o.default != f.default),
            ("group", old_group != group),
        ];
        for (aspect, changed) in checks {
            if changed {
                aspects.push(aspect);
            }
        }
        if !aspects.is_empty() {
            out.push(QuestionChange::Changed { name: name.clone(), aspects });
        }
    }
    let mut removed: Vec<_> = before.iter().filter(|(n, _)| !after.contains_key(*n)).collect();
    removed.sort_by_key(|(_, (order, _, _))| *order);
    out.extend(removed.into_iter().map(|(n, _)| QuestionChange::Removed { name: n.clone() }));
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::forms::xlsform::read_csv;

    fn form(survey: &str, choices: &str) -> Form {
        read_csv(survey.as_bytes(), Some(choices.as_bytes()), Some(b"form_id,version\nf,1\n")).unwrap().form
    }

    const CHOICES: &str = "list_name,name,label\nyn,yes,Yes\nyn,no,No\n";

    #[test]
    fn same_form_has_no_change() {
        let s = "type,name,label\ntext,a,A\nselect_one yn,b,B\n";
        assert!(compare(&form(s, CHOICES), &form(s, CHOICES)).is_empty());
    }

    #[test]
    fn added_removed_and_each_aspect_changed() {
        let old = form(
            "type,name,label,required,relevant\ntext,gone,Gone,,\ntext,name,Name,,\nselect_one yn,ok,OK?,,\ninteger,age,Age,,\nbegin group,g,G,,\ntext,moved,Moved,,\nend group,,,,\n",
            CHOICES,
        );
        let new = form(
            "type,name,label,required,relevant\ntext,name,Full name,yes,\nselect_one yn,ok,OK?,,\ndecimal,age,Age,,${ok} = 'yes'\ntext,moved,Moved,,\ntext,fresh,Fresh,,\n",
            "list_name,name,label\nyn,yes,Yes\nyn,no,No\nyn,maybe,Maybe\n",
        );
        let changes = compare(&old, &new);
        assert_eq!(
            changes,
            vec![
                QuestionChange::Changed { name: "name".into(), aspects: vec!["label", "required"] },
                QuestionChange::Changed { name: "ok".into(), aspects: vec!["choices"] },
                QuestionChange::Changed { name: "age".into(), aspects: vec!["type", "relevant"] },
                QuestionChange::Changed { name: "moved".into(), aspects: vec!["group"] },
                QuestionChange::Added { name: "fresh".into() },
                QuestionChange::Removed { name: "gone".into() },
            ]
        );
        assert_eq!(changes[4].name(), "fresh");
    }
}
