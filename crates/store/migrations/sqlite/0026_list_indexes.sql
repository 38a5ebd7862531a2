-- Lists read one page at a time, in the order they are shown, without sorting the whole
-- register first: the caseload newest first (with the case id to break ties, which the next
-- page starts after), the referral inbox with unanswered referrals first by deadline, and the
-- referrals of one's cases newest first. A person's blocking keys are found by person too
-- (replaced when their record changes, removed on erasure): without this index each of those
-- read the whole key table, which made registering slower as the register grew.
CREATE INDEX cases_opened ON cases(opened_at, id);
CREATE INDEX referrals_inbox ON referrals(to_agency_id, (CASE WHEN status = 'requested' THEN 0 ELSE 1 END), due_at, created_at DESC);
CREATE INDEX referrals_created ON referrals(created_at);
CREATE INDEX person_match_keys_person ON person_match_keys(person_id);
