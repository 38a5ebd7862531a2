-- People and their cases. A person is registered once (duplicates are looked for through the
-- blocking keys of person_match_keys) and may have several cases over time. A case follows one
-- SOP version for its whole life; its steps' completion, approvals and notes are kept as rows,
-- and its deadlines are computed from them, never stored.
CREATE TABLE people (
    id UUID PRIMARY KEY,
    given_names TEXT NOT NULL,
    family_names TEXT NOT NULL,
    other_names TEXT NOT NULL DEFAULT '',
    sex TEXT,
    birth_date TEXT,
    birth_year_estimated BIGINT,
    nationality TEXT,
    migration_status TEXT NOT NULL DEFAULT 'unknown',
    languages TEXT NOT NULL DEFAULT '',
    phone TEXT,
    area_id UUID REFERENCES areas(id),
    community TEXT,
    external_id TEXT,
    restricted BOOLEAN NOT NULL DEFAULT FALSE,
    registered_by UUID NOT NULL REFERENCES users(id),
    agency_id UUID REFERENCES agencies(id),
    team_id UUID REFERENCES teams(id),
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL,
    version BIGINT NOT NULL DEFAULT 1
);
CREATE INDEX people_team ON people(team_id);
CREATE INDEX people_external ON people(external_id);

CREATE TABLE person_match_keys (
    person_id UUID NOT NULL REFERENCES people(id),
    key TEXT NOT NULL,
    PRIMARY KEY (key, person_id)
);

CREATE TABLE cases (
    id UUID PRIMARY KEY,
    reference TEXT NOT NULL UNIQUE,
    person_id UUID NOT NULL REFERENCES people(id),
    sop_id TEXT NOT NULL,
    sop_version BIGINT NOT NULL,
    risk TEXT NOT NULL,
    status TEXT NOT NULL,
    restricted BOOLEAN NOT NULL DEFAULT FALSE,
    time_zone TEXT NOT NULL,
    assigned_to UUID NOT NULL REFERENCES users(id),
    agency_id UUID REFERENCES agencies(id),
    team_id UUID REFERENCES teams(id),
    opened_by UUID NOT NULL REFERENCES users(id),
    opened_at TIMESTAMPTZ NOT NULL,
    closed_at TIMESTAMPTZ,
    closure_reason TEXT,
    updated_at TIMESTAMPTZ NOT NULL,
    version BIGINT NOT NULL DEFAULT 1,
    FOREIGN KEY (sop_id, sop_version) REFERENCES sop_versions(sop_id, version)
);
CREATE INDEX cases_person ON cases(person_id);
CREATE INDEX cases_assigned ON cases(assigned_to, status);
CREATE INDEX cases_team ON cases(team_id, status);

CREATE TABLE case_steps (
    case_id UUID NOT NULL REFERENCES cases(id),
    step_id TEXT NOT NULL,
    completed_at TIMESTAMPTZ NOT NULL,
    completed_by UUID NOT NULL REFERENCES users(id),
    PRIMARY KEY (case_id, step_id)
);

CREATE TABLE case_approvals (
    id UUID PRIMARY KEY,
    case_id UUID NOT NULL REFERENCES cases(id),
    step_id TEXT NOT NULL,
    requested_by UUID NOT NULL REFERENCES users(id),
    requested_at TIMESTAMPTZ NOT NULL,
    decision TEXT,
    decided_by UUID REFERENCES users(id),
    decided_at TIMESTAMPTZ,
    comment TEXT
);
CREATE INDEX case_approvals_case ON case_approvals(case_id, step_id);

CREATE TABLE case_notes (
    id UUID PRIMARY KEY,
    case_id UUID NOT NULL REFERENCES cases(id),
    author UUID NOT NULL REFERENCES users(id),
    body TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX case_notes_case ON case_notes(case_id, created_at);

-- Named users who may see a restricted case besides its caseworker and their supervisor.
CREATE TABLE case_members (
    case_id UUID NOT NULL REFERENCES cases(id),
    user_id UUID NOT NULL REFERENCES users(id),
    PRIMARY KEY (case_id, user_id)
);

ALTER TABLE form_responses ADD COLUMN case_id UUID REFERENCES cases(id);
ALTER TABLE form_responses ADD COLUMN step_id TEXT;
CREATE INDEX form_responses_case ON form_responses(case_id, step_id);
