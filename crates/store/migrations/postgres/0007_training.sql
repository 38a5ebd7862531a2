-- Training and capacity building: curricula of modules, their costs, sessions, participants
-- (staff accounts or external professionals), enrolments, attendance per day, test scores and
-- certificates. Who holds a seat and who waits is not stored: it is computed from the
-- enrolments by passerelle_core::training::allocate, so a withdrawal moves the waiting list up.
CREATE TABLE training_curricula (
    id UUID PRIMARY KEY,
    code TEXT NOT NULL,
    version BIGINT NOT NULL,
    title_fr TEXT NOT NULL,
    title_en TEXT NOT NULL,
    title_es TEXT NOT NULL,
    currency TEXT NOT NULL,
    -- How many optional modules complete the curriculum, besides every mandatory one.
    optional_required BIGINT NOT NULL DEFAULT 0,
    created_at TIMESTAMPTZ NOT NULL,
    UNIQUE (code, version)
);

CREATE TABLE training_modules (
    id UUID PRIMARY KEY,
    curriculum_id UUID NOT NULL REFERENCES training_curricula(id),
    position BIGINT NOT NULL,
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
    duration_hours BIGINT NOT NULL,
    mode TEXT NOT NULL,
    prerequisites TEXT NOT NULL,
    audience TEXT NOT NULL,
    trainers TEXT NOT NULL,
    -- Space-separated SOP ids and need codes the module trains on.
    sop_ids TEXT NOT NULL,
    need_codes TEXT NOT NULL,
    mandatory BOOLEAN NOT NULL,
    UNIQUE (curriculum_id, code)
);

CREATE TABLE training_cost_lines (
    id UUID PRIMARY KEY,
    module_id UUID NOT NULL REFERENCES training_modules(id),
    label TEXT NOT NULL,
    kind TEXT NOT NULL,
    amount_minor BIGINT NOT NULL,
    payer TEXT
);
CREATE INDEX training_cost_lines_module ON training_cost_lines(module_id);

CREATE TABLE training_sessions (
    id UUID PRIMARY KEY,
    module_id UUID NOT NULL REFERENCES training_modules(id),
    status TEXT NOT NULL,
    place TEXT NOT NULL,
    trainer TEXT NOT NULL,
    min_participants BIGINT NOT NULL,
    max_participants BIGINT NOT NULL,
    go_no_go DATE NOT NULL,
    created_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX training_sessions_module ON training_sessions(module_id);

CREATE TABLE training_session_days (
    id UUID PRIMARY KEY,
    session_id UUID NOT NULL REFERENCES training_sessions(id),
    day DATE NOT NULL,
    UNIQUE (session_id, day)
);

CREATE TABLE training_participants (
    id UUID PRIMARY KEY,
    -- A staff account, or NULL for an external professional.
    user_id UUID UNIQUE REFERENCES users(id),
    name TEXT NOT NULL,
    email TEXT,
    organisation TEXT NOT NULL,
    agency_id UUID REFERENCES agencies(id),
    job_role TEXT NOT NULL,
    sector TEXT NOT NULL,
    -- Recorded for external professionals only (staff accounts have no such field).
    sex TEXT,
    created_at TIMESTAMPTZ NOT NULL
);

CREATE TABLE training_enrolments (
    id UUID PRIMARY KEY,
    session_id UUID NOT NULL REFERENCES training_sessions(id),
    participant_id UUID NOT NULL REFERENCES training_participants(id),
    -- The member agency that nominated the participant: nominees of members come first.
    nominated_by_agency UUID REFERENCES agencies(id),
    requested_by UUID REFERENCES users(id),
    requested_at TIMESTAMPTZ NOT NULL,
    withdrawn_at TIMESTAMPTZ
);
-- One live request per participant and session; a withdrawn one may be renewed.
CREATE UNIQUE INDEX training_enrolments_live ON training_enrolments(session_id, participant_id) WHERE withdrawn_at IS NULL;

CREATE TABLE training_attendance (
    enrolment_id UUID NOT NULL REFERENCES training_enrolments(id),
    day_id UUID NOT NULL REFERENCES training_session_days(id),
    present BOOLEAN NOT NULL,
    recorded_by UUID REFERENCES users(id),
    recorded_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (enrolment_id, day_id)
);

-- A pre-test, post-test or evaluation: the stored form response and the score read from it.
CREATE TABLE training_test_results (
    enrolment_id UUID NOT NULL REFERENCES training_enrolments(id),
    kind TEXT NOT NULL,
    response_id UUID NOT NULL REFERENCES form_responses(id),
    score BIGINT NOT NULL,
    PRIMARY KEY (enrolment_id, kind)
);

CREATE TABLE training_certificates (
    id UUID PRIMARY KEY,
    participant_id UUID NOT NULL REFERENCES training_participants(id),
    curriculum_id UUID NOT NULL REFERENCES training_curricula(id),
    code TEXT NOT NULL UNIQUE,
    holder_name TEXT NOT NULL,
    -- The ids of the modules completed, as a JSON array, fixed at issue.
    modules TEXT NOT NULL,
    issued_at TIMESTAMPTZ NOT NULL,
    issued_by UUID REFERENCES users(id),
    revoked_at TIMESTAMPTZ,
    revoked_by UUID REFERENCES users(id),
    revoke_reason TEXT
);
CREATE UNIQUE INDEX training_certificates_live ON training_certificates(participant_id, curriculum_id) WHERE revoked_at IS NULL;

-- Instance-wide secrets generated on first use (the certificate signing key), shared by every
-- server of the instance.
CREATE TABLE instance_secrets (
    name TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
