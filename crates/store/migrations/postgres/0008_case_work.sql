-- The rest of a case's work: transfers between caseworkers and agencies (the receiving side
-- accepts), consent records with their withdrawal, attachments (the file lives outside the
-- database, under the data directory; the row says what it is), and person merges that can be
-- undone.
CREATE TABLE case_transfers (
    id UUID PRIMARY KEY,
    case_id UUID NOT NULL REFERENCES cases(id),
    from_user UUID NOT NULL REFERENCES users(id),
    to_agency UUID NOT NULL REFERENCES agencies(id),
    to_team UUID REFERENCES teams(id),
    reason TEXT NOT NULL,
    requested_at TIMESTAMPTZ NOT NULL,
    status TEXT NOT NULL,
    decided_by UUID REFERENCES users(id),
    decided_at TIMESTAMPTZ,
    comment TEXT
);
CREATE INDEX case_transfers_case ON case_transfers(case_id);
CREATE INDEX case_transfers_to ON case_transfers(to_agency, status);

CREATE TABLE case_consents (
    id UUID PRIMARY KEY,
    case_id UUID NOT NULL REFERENCES cases(id),
    given_by TEXT NOT NULL,
    scope TEXT NOT NULL,
    notes TEXT,
    given_at TIMESTAMPTZ NOT NULL,
    recorded_by UUID NOT NULL REFERENCES users(id),
    withdrawn_at TIMESTAMPTZ,
    withdrawn_by UUID REFERENCES users(id)
);
CREATE INDEX case_consents_case ON case_consents(case_id);

CREATE TABLE case_attachments (
    id UUID PRIMARY KEY,
    case_id UUID NOT NULL REFERENCES cases(id),
    file_name TEXT NOT NULL,
    content_type TEXT NOT NULL,
    size_bytes BIGINT NOT NULL,
    sha256 TEXT NOT NULL,
    uploaded_by UUID NOT NULL REFERENCES users(id),
    uploaded_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX case_attachments_case ON case_attachments(case_id);

ALTER TABLE people ADD COLUMN merged_into UUID REFERENCES people(id);

CREATE TABLE person_merges (
    id UUID PRIMARY KEY,
    kept_id UUID NOT NULL REFERENCES people(id),
    merged_id UUID NOT NULL REFERENCES people(id),
    moved_cases TEXT NOT NULL,
    merged_by UUID NOT NULL REFERENCES users(id),
    merged_at TIMESTAMPTZ NOT NULL,
    undone_by UUID REFERENCES users(id),
    undone_at TIMESTAMPTZ
);
CREATE INDEX person_merges_kept ON person_merges(kept_id);

-- Pairs a caseworker judged to be two different people: not proposed again.
CREATE TABLE person_distinct (
    a UUID NOT NULL REFERENCES people(id),
    b UUID NOT NULL REFERENCES people(id),
    decided_by UUID NOT NULL REFERENCES users(id),
    decided_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (a, b)
);
