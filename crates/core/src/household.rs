//! Household and family links between two registered people. A link is stored one way, as what
//! the first person is to the second (parent, sibling, partner, caregiver, household member);
//! read from the second person's side it is named by its reverse (child, child in care…), so
//! both pages say the right thing from one row.

/// What a person can be to another, as chosen on a form: the stored relations and their
/// reverses.
pub const CHOICES: &[&str] = &["parent", "child", "sibling", "partner", "caregiver", "in_care", "household"];

/// The relations kept in storage (what `person_a` is to `person_b`).
pub const STORED: &[&str] = &["parent", "sibling", "partner", "caregiver", "household"];

/// Turns "`this` is `choice` to `other`" into the stored form: (is `this` the first person?,
/// stored relation). `None` for a choice that does not exist.
pub fn normalise(choice: &str) -> Option<(bool, &'static str)> {
    match choice {
        "parent" => Some((true, "parent")),
        "child" => Some((false, "parent")),
        "sibling" => Some((true, "sibling")),
        "partner" => Some((true, "partner")),
        "caregiver" => Some((true, "caregiver")),
        "in_care" => Some((false, "caregiver")),
        "household" => Some((true, "household")),
        _ => None,
    }
}

/// The stored relation read from the second person's side: what the first person is to them
/// is `relation`; what the second is to the first is the reverse.
pub fn reverse(relation: &str) -> &str {
    match relation {
        "parent" => "child",
        "caregiver" => "in_care",
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_choice_round_trips_through_storage() {
        for choice in CHOICES {
            let (first, stored) = normalise(choice).unwrap_or_else(|| panic!("{choice}"));
            assert!(STORED.contains(&stored));
            // Read back from the side of the person the choice was made on.
            let named = if first { stored } else { reverse(stored) };
            assert_eq!(named, *choice);
        }
        assert_eq!(normalise("cousin"), None);
    }

    #[test]
    fn reverses_name_the_other_side() {
        assert_eq!(reverse("parent"), "child");
        assert_eq!(reverse("caregiver"), "in_care");
        assert_eq!(reverse("sibling"), "sibling");
        assert_eq!(reverse("partner"), "partner");
        assert_eq!(reverse("household"), "household");
    }
}
