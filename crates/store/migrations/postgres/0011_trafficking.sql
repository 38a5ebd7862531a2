-- Counter-trafficking: screening results scored on the Delphi indicators (linked to the form
-- response they were scored from, and to the case once one is opened), and the HTCDS record of
-- a trafficking case (one per case) with the consent record's "what the person was told".
CREATE TABLE trafficking_screenings (
    id UUID PRIMARY KEY,
    response_id UUID NOT NULL UNIQUE REFERENCES form_responses(id),
    case_id UUID REFERENCES cases(id),
    channel TEXT NOT NULL,
    age_group TEXT NOT NULL,
    rule_version TEXT NOT NULL,
    outcome TEXT NOT NULL,
    recommendation TEXT NOT NULL,
    result JSONB NOT NULL,
    screened_by UUID NOT NULL REFERENCES users(id),
    agency_id UUID REFERENCES agencies(id),
    team_id UUID REFERENCES teams(id),
    screened_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX trafficking_screenings_by ON trafficking_screenings(screened_by, screened_at);
CREATE INDEX trafficking_screenings_case ON trafficking_screenings(case_id);

CREATE TABLE trafficking_records (
    case_id UUID PRIMARY KEY REFERENCES cases(id),
    record JSONB NOT NULL,
    status TEXT NOT NULL,
    registration_year BIGINT NOT NULL,
    told_purpose BOOLEAN NOT NULL,
    told_uses BOOLEAN NOT NULL,
    told_research BOOLEAN NOT NULL,
    told_right_to_see BOOLEAN NOT NULL,
    told_retention BOOLEAN NOT NULL,
    told_withdrawal BOOLEAN NOT NULL,
    updated_by UUID NOT NULL REFERENCES users(id),
    updated_at TIMESTAMPTZ NOT NULL,
    version BIGINT NOT NULL
);
CREATE INDEX trafficking_records_status ON trafficking_records(status, registration_year);
