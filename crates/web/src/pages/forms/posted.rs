//! What the fill page posts, turned back into the answers document the validator reads.
//!
//! Inputs are named by their answer path (`age`, `members/0/age`), so the page needs no
//! JavaScript to post a whole form with its repeats: each repeat posts its number of instances
//! as `<repeat path>/_n`, checkboxes of a `select_multiple` post one pair each, and the controls
//! of the page itself start with `_` (`_action`, `_version`, `_hidden`).

use serde_json::{Map, Value as Json};

/// More instances of one repeat than a person could enter on one page: refused.
pub const MAX_INSTANCES: usize = 200;

/// What the person asked for with the button they pressed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Action {
    /// Validate and store.
    Save,
    /// Show the questions that apply to the answers so far (without JavaScript).
    Update,
    /// Add an instance to the repeat at this path.
    Add(String),
    /// Remove the instance at this path (`members/1`).
    Remove(String),
}

#[derive(Debug, Clone, PartialEq)]
pub struct Posted {
    pub answers: Json,
    pub action: Action,
    /// The form version the page showed.
    pub version: Option<String>,
    /// Paths that were hidden when the page was shown (kept up to date by the script).
    pub hidden: Vec<String>,
    /// The case and SOP step the form is filled for, when it is filled from a case.
    pub case: Option<String>,
    pub step: Option<String>,
}

/// Why a posted page could not be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PostedError {
    /// A repeat instance number beyond [`MAX_INSTANCES`] or not a number.
    BadInstance(String),
    /// The same path is used both as an answer and as a repeat.
    Conflict(String),
}

fn is_index(s: &str) -> Option<usize> {
    if s.is_empty() || !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    s.parse().ok()
}

/// The object at `segments` (every second segment an instance number), created on the way.
fn object_at<'a>(root: &'a mut Map<String, Json>, segments: &[&str], key: &str) -> Result<&'a mut Map<String, Json>, PostedError> {
    let mut here = root;
    for pair in segments.chunks(2) {
        let [name, index] = pair else { return Err(PostedError::BadInstance(key.to_string())) };
        let i = is_index(index).filter(|i| *i < MAX_INSTANCES).ok_or_else(|| PostedError::BadInstance(key.to_string()))?;
        let slot = here.entry(name.to_string()).or_insert_with(|| Json::Array(vec![]));
        let Json::Array(list) = slot else { return Err(PostedError::Conflict(key.to_string())) };
        while list.len() <= i {
            list.push(Json::Object(Map::new()));
        }
        let Json::Object(next) = &mut list[i] else { return Err(PostedError::Conflict(key.to_string())) };
        here = next;
    }
    Ok(here)
}

/// Makes sure the repeat at `path` has at least `n` instances.
fn ensure_instances(root: &mut Map<String, Json>, path: &str, n: usize) -> Result<(), PostedError> {
    let segments: Vec<&str> = path.split('/').collect();
    let (name, parents) = segments.split_last().ok_or_else(|| PostedError::BadInstance(path.to_string()))?;
    let parent = object_at(root, parents, path)?;
    let slot = parent.entry(name.to_string()).or_insert_with(|| Json::Array(vec![]));
    let Json::Array(list) = slot else { return Err(PostedError::Conflict(path.to_string())) };
    while list.len() < n {
        list.push(Json::Object(Map::new()));
    }
    Ok(())
}

pub fn parse(pairs: Vec<(String, String)>) -> Result<Posted, PostedError> {
    let mut root = Map::new();
    let mut action = Action::Save;
    let mut version = None;
    let mut hidden = Vec::new();
    let (mut case, mut step) = (None, None);
    for (key, value) in pairs {
        match key.as_str() {
            "csrf_token" => continue,
            "_action" => {
                action = match value.split_once(':') {
                    Some(("add", p)) => Action::Add(p.to_string()),
                    Some(("remove", p)) => Action::Remove(p.to_string()),
                    _ if value == "update" => Action::Update,
                    _ => Action::Save,
                };
                continue;
            }
            "_version" => {
                version = Some(value);
                continue;
            }
            "_hidden" => {
                hidden = value.split_whitespace().map(str::to_string).collect();
                continue;
            }
            "_case" => {
                case = Some(value).filter(|v| !v.is_empty());
                continue;
            }
            "_step" => {
                step = Some(value).filter(|v| !v.is_empty());
                continue;
            }
            _ => {}
        }
        if let Some(repeat) = key.strip_suffix("/_n") {
            let n = is_index(value.trim()).filter(|n| *n <= MAX_INSTANCES).ok_or_else(|| PostedError::BadInstance(key.clone()))?;
            ensure_instances(&mut root, repeat, n)?;
            continue;
        }
        let segments: Vec<&str> = key.split('/').collect();
        let Some((name, parents)) = segments.split_last() else { continue };
        let obj = object_at(&mut root, parents, &key)?;
        match obj.get_mut(*name) {
            // A select_multiple posts one pair per ticked box: answers are space-separated.
            Some(Json::String(prev)) if !value.is_empty() => {
                if prev.is_empty() {
                    *prev = value;
                } else {
                    prev.push(' ');
                    prev.push_str(&value);
                }
            }
            Some(Json::String(_)) => {}
            Some(_) => return Err(PostedError::Conflict(key.clone())),
            None => {
                obj.insert(name.to_string(), Json::String(value));
            }
        }
    }
    Ok(Posted { answers: Json::Object(root), action, version, hidden, case, step })
}

/// Applies an add or remove action to the answers, so the page shows one instance more or less.
pub fn apply(answers: &mut Json, action: &Action) -> Result<(), PostedError> {
    let Json::Object(root) = answers else { return Ok(()) };
    match action {
        Action::Add(path) => {
            let segments: Vec<&str> = path.split('/').collect();
            let (name, parents) = segments.split_last().ok_or_else(|| PostedError::BadInstance(path.clone()))?;
            let parent = object_at(root, parents, path)?;
            let slot = parent.entry(name.to_string()).or_insert_with(|| Json::Array(vec![]));
            let Json::Array(list) = slot else { return Err(PostedError::Conflict(path.clone())) };
            if list.len() >= MAX_INSTANCES {
                return Err(PostedError::BadInstance(path.clone()));
            }
            list.push(Json::Object(Map::new()));
        }
        Action::Remove(path) => {
            let segments: Vec<&str> = path.split('/').collect();
            let Some((index, rest)) = segments.split_last() else { return Ok(()) };
            let Some((name, parents)) = rest.split_last() else { return Ok(()) };
            let i = is_index(index).ok_or_else(|| PostedError::BadInstance(path.clone()))?;
            let parent = object_at(root, parents, path)?;
            if let Some(Json::Array(list)) = parent.get_mut(*name)
                && i < list.len()
            {
                list.remove(i);
            }
        }
        Action::Save | Action::Update => {}
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
        list.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()
    }

    #[test]
    fn answers_repeats_multiple_choices_and_controls() {
        let p = parse(pairs(&[
            ("csrf_token", "t"),
            ("_version", "3"),
            ("_hidden", "stop who/name"),
            ("_case", "c1"),
            ("_step", "assessment"),
            ("name", "Ana"),
            ("needs", "food"),
            ("needs", "water"),
            ("members/_n", "2"),
            ("members/1/age", "9"),
            ("members/0/age", "3"),
            ("members/1/kids/_n", "1"),
            ("_action", "update"),
        ]))
        .unwrap();
        assert_eq!(p.action, Action::Update);
        assert_eq!(p.version.as_deref(), Some("3"));
        assert_eq!(p.hidden, vec!["stop", "who/name"]);
        assert_eq!((p.case.as_deref(), p.step.as_deref()), (Some("c1"), Some("assessment")));
        assert_eq!(
            p.answers,
            json!({"name": "Ana", "needs": "food water", "members": [{"age": "3"}, {"age": "9", "kids": [{}]}]})
        );
    }

    #[test]
    fn a_repeat_with_no_answers_keeps_its_instances() {
        let p = parse(pairs(&[("members/_n", "2")])).unwrap();
        assert_eq!(p.answers, json!({"members": [{}, {}]}));
        assert_eq!(p.action, Action::Save);
    }

    #[test]
    fn an_empty_box_does_not_add_a_space() {
        let p = parse(pairs(&[("needs", ""), ("needs", "food"), ("needs", "")])).unwrap();
        assert_eq!(p.answers, json!({"needs": "food"}));
    }

    #[test]
    fn instance_numbers_are_bounded_and_must_be_numbers() {
        assert_eq!(parse(pairs(&[("m/999999/age", "1")])), Err(PostedError::BadInstance("m/999999/age".into())));
        assert_eq!(parse(pairs(&[("m/x/age", "1")])), Err(PostedError::BadInstance("m/x/age".into())));
        assert_eq!(parse(pairs(&[("m/_n", "100000")])), Err(PostedError::BadInstance("m/_n".into())));
        assert_eq!(parse(pairs(&[("m", "a"), ("m/0/age", "1")])), Err(PostedError::Conflict("m/0/age".into())));
    }

    #[test]
    fn add_and_remove_instances() {
        let mut a = json!({"members": [{"age": "3"}, {"age": "9"}]});
        apply(&mut a, &Action::Remove("members/0".into())).unwrap();
        assert_eq!(a, json!({"members": [{"age": "9"}]}));
        apply(&mut a, &Action::Add("members/0/kids".into())).unwrap();
        apply(&mut a, &Action::Add("pets".into())).unwrap();
        assert_eq!(a, json!({"members": [{"age": "9", "kids": [{}]}], "pets": [{}]}));
        apply(&mut a, &Action::Remove("members/7".into())).unwrap();
        assert_eq!(a, json!({"members": [{"age": "9", "kids": [{}]}], "pets": [{}]}));
    }
}
