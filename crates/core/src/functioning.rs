//! Functioning: the Washington Group Short Set on Functioning (WG-SS), six questions asked of a
//! person about difficulties doing basic activities because of a health problem, and the
//! disability status the Washington Group recommends deriving from them: a person is counted as
//! having a disability when at least one domain is answered "a lot of difficulty" or "cannot do
//! at all". The wording of the questions is the Washington Group's own, in the translations
//! files (`functioning-q-…`), so every agency asks them alike and figures compare.

/// The six domains, in the order the questions are asked.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Domain {
    Seeing,
    Hearing,
    Walking,
    Cognition,
    SelfCare,
    Communication,
}

impl Domain {
    pub const ALL: [Domain; 6] = [Domain::Seeing, Domain::Hearing, Domain::Walking, Domain::Cognition, Domain::SelfCare, Domain::Communication];

    pub fn code(self) -> &'static str {
        match self {
            Domain::Seeing => "seeing",
            Domain::Hearing => "hearing",
            Domain::Walking => "walking",
            Domain::Cognition => "cognition",
            Domain::SelfCare => "self_care",
            Domain::Communication => "communication",
        }
    }
}

/// The four answers of the WG-SS, plus refused and don't know (which the Washington Group
/// treats as missing, never as "no difficulty").
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Answer {
    NoDifficulty,
    SomeDifficulty,
    ALotOfDifficulty,
    CannotDoAtAll,
    Refused,
    DontKnow,
}

impl Answer {
    pub const ALL: [Answer; 6] =
        [Answer::NoDifficulty, Answer::SomeDifficulty, Answer::ALotOfDifficulty, Answer::CannotDoAtAll, Answer::Refused, Answer::DontKnow];

    pub fn code(self) -> &'static str {
        match self {
            Answer::NoDifficulty => "no_difficulty",
            Answer::SomeDifficulty => "some_difficulty",
            Answer::ALotOfDifficulty => "a_lot_of_difficulty",
            Answer::CannotDoAtAll => "cannot_do_at_all",
            Answer::Refused => "refused",
            Answer::DontKnow => "dont_know",
        }
    }

    pub fn from_code(code: &str) -> Option<Answer> {
        Answer::ALL.into_iter().find(|a| a.code() == code)
    }

    fn is_answer(self) -> bool {
        !matches!(self, Answer::Refused | Answer::DontKnow)
    }
}

/// The derived disability status, with the codes of the indicator dimension `disability`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    Yes,
    No,
    Unknown,
}

impl Status {
    pub fn code(self) -> &'static str {
        match self {
            Status::Yes => "yes",
            Status::No => "no",
            Status::Unknown => "unknown",
        }
    }

    pub fn from_code(code: &str) -> Status {
        match code {
            "yes" => Status::Yes,
            "no" => Status::No,
            _ => Status::Unknown,
        }
    }
}

/// One asking of the six questions, answers in [`Domain::ALL`] order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ShortSet(pub [Answer; 6]);

impl ShortSet {
    pub fn answer(&self, d: Domain) -> Answer {
        self.0[d as usize]
    }

    /// The WG recommended cut-off ("disability 3"): yes when any domain is "a lot of
    /// difficulty" or "cannot do at all"; no when all six are answered and none is; unknown
    /// when some are refused or not known and none reaches the cut-off (a missing answer could
    /// have reached it).
    pub fn status(&self) -> Status {
        if self.0.iter().any(|a| matches!(a, Answer::ALotOfDifficulty | Answer::CannotDoAtAll)) {
            Status::Yes
        } else if self.0.iter().all(|a| a.is_answer()) {
            Status::No
        } else {
            Status::Unknown
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use Answer::*;

    #[test]
    fn a_lot_of_difficulty_in_one_domain_is_a_disability() {
        let mut a = [NoDifficulty; 6];
        a[Domain::Walking as usize] = ALotOfDifficulty;
        assert_eq!(ShortSet(a).status(), Status::Yes);
        a[Domain::Walking as usize] = CannotDoAtAll;
        assert_eq!(ShortSet(a).status(), Status::Yes);
    }

    #[test]
    fn some_difficulty_everywhere_is_below_the_cut_off() {
        assert_eq!(ShortSet([SomeDifficulty; 6]).status(), Status::No);
        assert_eq!(ShortSet([NoDifficulty; 6]).status(), Status::No);
    }

    #[test]
    fn refused_or_unknown_answers_leave_the_status_unknown_unless_the_cut_off_is_reached() {
        let mut a = [NoDifficulty; 6];
        a[Domain::Cognition as usize] = Refused;
        assert_eq!(ShortSet(a).status(), Status::Unknown);
        a[Domain::Seeing as usize] = DontKnow;
        assert_eq!(ShortSet(a).status(), Status::Unknown);
        a[Domain::Communication as usize] = CannotDoAtAll;
        assert_eq!(ShortSet(a).status(), Status::Yes);
    }

    #[test]
    fn codes_read_back() {
        for a in Answer::ALL {
            assert_eq!(Answer::from_code(a.code()), Some(a));
        }
        assert_eq!(Answer::from_code("maybe"), None);
        assert_eq!(Domain::ALL.map(|d| d.code()), ["seeing", "hearing", "walking", "cognition", "self_care", "communication"]);
        for s in [Status::Yes, Status::No, Status::Unknown] {
            assert_eq!(Status::from_code(s.code()), s);
        }
    }
}
