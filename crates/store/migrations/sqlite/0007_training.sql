-- Training and capacity building: curricula of modules, their costs, sessions, participants
-- (staff accounts or external professionals), enrolments, attendance per day, test scores and
-- certificates. Who holds a seat and who waits is not stored: it is computed from the
-- enrolments by passerelle_core::training::allocate, so a withdrawal moves the waiting list up.
CREATE TABLE training_curricula (
    id BLOB PRIMARY KEY NOT NULL,
    code TEXT NOT NULL,
    version INTEGER NOT NULL,
    title_fr TEXT NOT NULL,
    title_en TEXT NOT NULL,
    title_es TEXT NOT NULL,
    currency TEXT NOT NULL,
    -- How many optional modules complete the curriculum, besides every mandatory one.
    optional_required INTEGER NOT NULL DEFAULT 0,
    created_at TEXT NOT NULL,
    UNIQUE (code, version)
);

CREATE TABLE training_modules (
    id BLOB PRIMARY KEY NOT NULL,
    curriculum_id BLOB NOT NULL REFERENCES training_curricula(id),
    position INTEGER NOT NULL,
    code TEXT NOT NULL,
    title_fr TEXT NOT NULL,
    title_en TEXT NOT NULL,
    title_es TEXT NOT NULL,
    objectives_fr TEXT NOT NULL,
    objectives_en TEXT NOT NULL,
    objectives_es TEXT NOT NULL,
    outline_fr TEXT NOT NULL,
    outline_en TEXT NOT NULL,
    outline_es TEXT NOT NULL,
    duration_hours INTEGER NOT NULL,
    mode TEXT NOT NULL,
    prerequisites TEXT NOT NULL,
    audience TEXT NOT NULL,
    trainers TEXT NOT NULL,
    -- Space-separated SOP ids and need codes the module trains on.
    sop_ids TEXT NOT NULL,
    need_codes TEXT NOT NULL,
    mandatory INTEGER NOT NULL,
    UNIQUE (curriculum_id, code)
);

CREATE TABLE training_cost_lines (
    id BLOB PRIMARY KEY NOT NULL,
    module_id BLOB NOT NULL REFERENCES training_modules(id),
    label TEXT NOT NULL,
    kind TEXT NOT NULL,
    amount_minor INTEGER NOT NULL,
    payer TEXT
);
CREATE INDEX training_cost_lines_module ON training_cost_lines(module_id);

CREATE TABLE training_sessions (
    id BLOB PRIMARY KEY NOT NULL,
    module_id BLOB NOT NULL REFERENCES training_modules(id),
    status TEXT NOT NULL,
    place TEXT NOT NULL,
    trainer TEXT NOT NULL,
    min_participants INTEGER NOT NULL,
    max_participants INTEGER NOT NULL,
    go_no_go TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE INDEX training_sessions_module ON training_sessions(module_id);

CREATE TABLE training_session_days (
    id BLOB PRIMARY KEY NOT NULL,
    session_id BLOB NOT NULL REFERENCES training_sessions(id),
    day TEXT NOT NULL,
    UNIQUE (session_id, day)
);

CREATE TABLE training_participants (
    id BLOB PRIMARY KEY NOT NULL,
    -- A staff account, or NULL for an external professional.
    user_id BLOB UNIQUE REFERENCES users(id),
    name TEXT NOT NULL,
    email TEXT,
    organisation TEXT NOT NULL,
    agency_id BLOB REFERENCES agencies(id),
    job_role TEXT NOT NULL,
    sector TEXT NOT NULL,
    -- Recorded for external professionals only (staff accounts have no such field).
    sex TEXT,
    created_at TEXT NOT NULL
);

CREATE TABLE training_enrolments (
    id BLOB PRIMARY KEY NOT NULL,
    session_id BLOB NOT NULL REFERENCES training_sessions(id),
    participant_id BLOB NOT NULL REFERENCES training_participants(id),
    -- The member agency that nominated the participant: nominees of members come first.
    nominated_by_agency BLOB REFERENCES agencies(id),
    requested_by BLOB REFERENCES users(id),
    requested_at TEXT NOT NULL,
    withdrawn_at TEXT
);
-- One live request per participant and session; a withdrawn one may be renewed.
CREATE UNIQUE INDEX training_enrolments_live ON training_enrolments(session_id, participant_id) WHERE withdrawn_at IS NULL;

CREATE TABLE training_attendance (
    enrolment_id BLOB NOT NULL REFERENCES training_enrolments(id),
    day_id BLOB NOT NULL REFERENCES training_session_days(id),
    present INTEGER NOT NULL,
    recorded_by BLOB REFERENCES users(id),
    recorded_at TEXT NOT NULL,
    PRIMARY KEY (enrolment_id, day_id)
);

-- A pre-test, post-test or evaluation: the stored form response and the score read from it.
CREATE TABLE training_test_results (
    enrolment_id BLOB NOT NULL REFERENCES training_enrolments(id),
    kind TEXT NOT NULL,
    response_id BLOB NOT NULL REFERENCES form_responses(id),
    score INTEGER NOT NULL,
    PRIMARY KEY (enrolment_id, kind)
);

CREATE TABLE training_certificates (
    id BLOB PRIMARY KEY NOT NULL,
    participant_id BLOB NOT NULL REFERENCES training_participants(id),
    curriculum_id BLOB NOT NULL REFERENCES training_curricula(id),
    code TEXT NOT NULL UNIQUE,
    holder_name TEXT NOT NULL,
    -- The ids of the modules completed, as a JSON array, fixed at issue.
    modules TEXT NOT NULL,
    issued_at TEXT NOT NULL,
    issued_by BLOB REFERENCES users(id),
    revoked_at TEXT,
    revoked_by BLOB REFERENCES users(id),
    revoke_reason TEXT
);
CREATE UNIQUE INDEX training_certificates_live ON training_certificates(participant_id, curriculum_id) WHERE revoked_at IS NULL;

-- Instance-wide secrets generated on first use (the certificate signing key), shared by every
-- server of the instance.
CREATE TABLE instance_secrets (
    name TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
