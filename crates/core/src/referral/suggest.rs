//! Which services fit a referral. A service must offer the need (or a narrower one) and be
//! active; among those, the ones in the person's area, in their language, open to people of
//! their status and with the protection attributes asked for come first. A full service is
//! still listed, marked as such, below the ones with places: the referrer sees it before
//! referring instead of finding out from a rejection.

use serde::Serialize;

/// What the referral needs.
#[derive(Debug, Clone, Default)]
pub struct Request {
    pub need: String,
    pub area: Option<String>,
    pub language: Option<String>,
    /// The person is a migrant (any status other than national): services open to migrants
    /// whatever their status rank first.
    pub migrant: bool,
    /// Protection attributes the referrer asks for (e.g. `women_staff_available`).
    pub attributes: Vec<String>,
}

/// A service as matching sees it.
#[derive(Debug, Clone, Default)]
pub struct Candidate {
    pub id: String,
    /// Need codes with their broader terms (a shelter for women lists `shelter` too).
    pub needs: Vec<String>,
    pub areas: Vec<String>,
    pub languages: Vec<String>,
    pub attributes: Vec<String>,
    pub active: bool,
    /// `Some(false)` when the service said it takes no referrals now, or has no place left.
    pub taking_referrals: Option<bool>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Suggestion {
    pub id: String,
    pub score: u32,
    /// Why it ranks where it does: `area`, `language`, `open_to_migrants`, `attribute:<code>`.
    pub reasons: Vec<String>,
    pub full: bool,
}

/// The services fitting `request`, best first (ties by id, so the order is stable).
pub fn suggest(request: &Request, candidates: &[Candidate]) -> Vec<Suggestion> {
    let mut out: Vec<Suggestion> = candidates
        .iter()
        .filter(|c| c.active && c.needs.iter().any(|n| n == &request.need))
        .map(|c| {
            let mut score = 0;
            let mut reasons = Vec::new();
            if request.area.as_ref().is_some_and(|a| c.areas.contains(a)) {
                score += 40;
                reasons.push("area".to_string());
            }
            if request.language.as_ref().is_some_and(|l| c.languages.iter().any(|x| x.eq_ignore_ascii_case(l))) {
                score += 30;
                reasons.push("language".to_string());
            }
            if request.migrant && c.attributes.iter().any(|a| a == "open_to_migrants") {
                score += 20;
                reasons.push("open_to_migrants".to_string());
            }
            for a in &request.attributes {
                if c.attributes.contains(a) {
                    score += 10;
                    reasons.push(format!("attribute:{a}"));
                }
            }
            Suggestion { id: c.id.clone(), score, reasons, full: c.taking_referrals == Some(false) }
        })
        .collect();
    out.sort_by(|a, b| a.full.cmp(&b.full).then(b.score.cmp(&a.score)).then(a.id.cmp(&b.id)));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn c(id: &str, needs: &[&str], areas: &[&str], langs: &[&str], attrs: &[&str]) -> Candidate {
        let v = |x: &[&str]| x.iter().map(|s| s.to_string()).collect();
        Candidate { id: id.into(), needs: v(needs), areas: v(areas), languages: v(langs), attributes: v(attrs), active: true, taking_referrals: None }
    }

    #[test]
    fn need_is_required_and_closed_services_are_left_out() {
        let mut closed = c("closed", &["shelter"], &[], &[], &[]);
        closed.active = false;
        let found = suggest(&Request { need: "shelter".into(), ..Default::default() }, &[c("food", &["food"], &[], &[], &[]), closed, c("s", &["shelter"], &[], &[], &[])]);
        assert_eq!(found.iter().map(|s| s.id.as_str()).collect::<Vec<_>>(), vec!["s"]);
    }

    #[test]
    fn area_language_status_and_attributes_rank() {
        let r = Request { need: "legal_aid".into(), area: Some("north".into()), language: Some("ES".into()), migrant: true, attributes: vec!["women_staff_available".into()] };
        let all = [
            c("a-far", &["legal_aid"], &["south"], &["fr"], &[]),
            c("b-near", &["legal_aid"], &["north"], &["fr"], &[]),
            c("c-near-lang", &["legal_aid"], &["north"], &["es"], &["open_to_migrants"]),
            c("d-lang", &["legal_aid"], &["south"], &["es"], &["women_staff_available"]),
        ];
        let found = suggest(&r, &all);
        assert_eq!(found.iter().map(|s| s.id.as_str()).collect::<Vec<_>>(), vec!["c-near-lang", "b-near", "d-lang", "a-far"]);
        assert_eq!(found[0].reasons, vec!["area", "language", "open_to_migrants"]);
        assert_eq!(found[2].reasons, vec!["language", "attribute:women_staff_available"]);
    }

    #[test]
    fn full_services_come_last_but_are_shown() {
        let mut full = c("a-full", &["shelter"], &["north"], &[], &[]);
        full.taking_referrals = Some(false);
        let found = suggest(&Request { need: "shelter".into(), area: Some("north".into()), ..Default::default() }, &[full, c("z", &["shelter"], &[], &[], &[])]);
        assert_eq!(found.iter().map(|s| (s.id.as_str(), s.full)).collect::<Vec<_>>(), vec![("z", false), ("a-full", true)]);
    }
}
