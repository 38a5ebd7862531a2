-- Counter-trafficking: screening results scored on the Delphi indicators (linked to the form
-- response they were scored from, and to the case once one is opened), and the HTCDS record of
-- a trafficking case (one per case) with the consent record's "what the person was told".
CREATE TABLE trafficking_screenings (
    id BLOB PRIMARY KEY,
    response_id BLOB NOT NULL UNIQUE REFERENCES form_responses(id),
    case_id BLOB REFERENCES cases(id),
    channel TEXT NOT NULL,
    age_group TEXT NOT NULL,
    rule_version TEXT NOT NULL,
    outcome TEXT NOT NULL,
    recommendation TEXT NOT NULL,
    result TEXT NOT NULL,
    screened_by BLOB NOT NULL REFERENCES users(id),
    agency_id BLOB REFERENCES agencies(id),
    team_id BLOB REFERENCES teams(id),
    screened_at TEXT NOT NULL
);
CREATE INDEX trafficking_screenings_by ON trafficking_screenings(screened_by, screened_at);
CREATE INDEX trafficking_screenings_case ON trafficking_screenings(case_id);

CREATE TABLE trafficking_records (
    case_id BLOB PRIMARY KEY REFERENCES cases(id),
    record TEXT NOT NULL,
    status TEXT NOT NULL,
    registration_year INTEGER NOT NULL,
    told_purpose INTEGER NOT NULL,
    told_uses INTEGER NOT NULL,
    told_research INTEGER NOT NULL,
    told_right_to_see INTEGER NOT NULL,
    told_retention INTEGER NOT NULL,
    told_withdrawal INTEGER NOT NULL,
    updated_by BLOB NOT NULL REFERENCES users(id),
    updated_at TEXT NOT NULL,
    version INTEGER NOT NULL
);
CREATE INDEX trafficking_records_status ON trafficking_records(status, registration_year);
