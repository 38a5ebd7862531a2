-- The rest of a case's work: transfers between caseworkers and agencies (the receiving side
-- accepts), consent records with their withdrawal, attachments (the file lives outside the
-- database, under the data directory; the row says what it is), and person merges that can be
-- undone.
CREATE TABLE case_transfers (
    id BLOB PRIMARY KEY,
    case_id BLOB NOT NULL REFERENCES cases(id),
    from_user BLOB NOT NULL REFERENCES users(id),
    to_agency BLOB NOT NULL REFERENCES agencies(id),
    to_team BLOB REFERENCES teams(id),
    reason TEXT NOT NULL,
    requested_at TEXT NOT NULL,
    status TEXT NOT NULL,
    decided_by BLOB REFERENCES users(id),
    decided_at TEXT,
    comment TEXT
);
CREATE INDEX case_transfers_case ON case_transfers(case_id);
CREATE INDEX case_transfers_to ON case_transfers(to_agency, status);

CREATE TABLE case_consents (
    id BLOB PRIMARY KEY,
    case_id BLOB NOT NULL REFERENCES cases(id),
    given_by TEXT NOT NULL,
    scope TEXT NOT NULL,
    notes TEXT,
    given_at TEXT NOT NULL,
    recorded_by BLOB NOT NULL REFERENCES users(id),
    withdrawn_at TEXT,
    withdrawn_by BLOB REFERENCES users(id)
);
CREATE INDEX case_consents_case ON case_consents(case_id);

CREATE TABLE case_attachments (
    id BLOB PRIMARY KEY,
    case_id BLOB NOT NULL REFERENCES cases(id),
    file_name TEXT NOT NULL,
    content_type TEXT NOT NULL,
    size_bytes INTEGER NOT NULL,
    sha256 TEXT NOT NULL,
    uploaded_by BLOB NOT NULL REFERENCES users(id),
    uploaded_at TEXT NOT NULL
);
CREATE INDEX case_attachments_case ON case_attachments(case_id);

ALTER TABLE people ADD COLUMN merged_into BLOB REFERENCES people(id);

CREATE TABLE person_merges (
    id BLOB PRIMARY KEY,
    kept_id BLOB NOT NULL REFERENCES people(id),
    merged_id BLOB NOT NULL REFERENCES people(id),
    moved_cases TEXT NOT NULL,
    merged_by BLOB NOT NULL REFERENCES users(id),
    merged_at TEXT NOT NULL,
    undone_by BLOB REFERENCES users(id),
    undone_at TEXT
);
CREATE INDEX person_merges_kept ON person_merges(kept_id);

-- Pairs a caseworker judged to be two different people: not proposed again.
CREATE TABLE person_distinct (
    a BLOB NOT NULL REFERENCES people(id),
    b BLOB NOT NULL REFERENCES people(id),
    decided_by BLOB NOT NULL REFERENCES users(id),
    decided_at TEXT NOT NULL,
    PRIMARY KEY (a, b)
);
