-- Closed-loop referrals. A referral is made from a case to a directory service; the receiving
-- agency is the one keeping that service's entry (NULL when the service does not use Passerelle,
-- and the referrer records its answers). `shared` is the JSON copy of the fields the referrer
-- chose to share, taken when sending: the receiver reads it and never the case. Each status
-- change is a row of referral_events. Anonymous feedback keeps the service, never the referral,
-- so that what a person said cannot be traced back to them. The feedback code is printed on the
-- slip the person takes away; it is good for one answer.
CREATE TABLE referrals (
    id UUID PRIMARY KEY,
    reference TEXT NOT NULL UNIQUE,
    case_id UUID NOT NULL REFERENCES cases(id),
    person_id UUID NOT NULL REFERENCES people(id),
    from_agency_id UUID REFERENCES agencies(id),
    from_team_id UUID REFERENCES teams(id),
    from_user UUID NOT NULL REFERENCES users(id),
    service_id UUID NOT NULL REFERENCES directory_services(id),
    service_name TEXT NOT NULL,
    to_agency_id UUID REFERENCES agencies(id),
    need TEXT NOT NULL,
    sop_id TEXT NOT NULL,
    sop_step TEXT,
    urgency TEXT NOT NULL,
    -- Set when the SOP fixes the response time for this referral; else the urgency decides.
    respond_within_hours BIGINT,
    status TEXT NOT NULL,
    reason TEXT NOT NULL,
    shared TEXT NOT NULL,
    consent_id UUID REFERENCES case_consents(id),
    legal_ground TEXT,
    created_at TIMESTAMPTZ NOT NULL,
    sent_at TIMESTAMPTZ,
    due_at TIMESTAMPTZ,
    responded_at TIMESTAMPTZ,
    accepted_at TIMESTAMPTZ,
    completed_at TIMESTAMPTZ,
    assigned_to UUID REFERENCES users(id),
    outcome TEXT,
    status_reason TEXT,
    feedback_code TEXT UNIQUE,
    feedback_given BOOLEAN NOT NULL DEFAULT FALSE,
    updated_at TIMESTAMPTZ NOT NULL,
    version BIGINT NOT NULL DEFAULT 1
);
CREATE INDEX referrals_case ON referrals(case_id);
CREATE INDEX referrals_to ON referrals(to_agency_id, status);
CREATE INDEX referrals_from ON referrals(from_agency_id, status);
CREATE INDEX referrals_service ON referrals(service_id);

CREATE TABLE referral_events (
    id UUID PRIMARY KEY,
    referral_id UUID NOT NULL REFERENCES referrals(id),
    status TEXT NOT NULL,
    side TEXT NOT NULL,
    actor UUID NOT NULL REFERENCES users(id),
    at TIMESTAMPTZ NOT NULL,
    note TEXT
);
CREATE INDEX referral_events_referral ON referral_events(referral_id, at);

CREATE TABLE referral_feedback (
    id UUID PRIMARY KEY,
    service_id UUID NOT NULL REFERENCES directory_services(id),
    received BOOLEAN NOT NULL,
    quality BIGINT,
    waiting_days BIGINT,
    difficulty TEXT NOT NULL,
    given_on DATE NOT NULL
);
CREATE INDEX referral_feedback_service ON referral_feedback(service_id);

-- The agreed path for a need in an area (NULL: everywhere): which service first, which next.
CREATE TABLE referral_pathways (
    id UUID PRIMARY KEY,
    need TEXT NOT NULL,
    area_code TEXT,
    position BIGINT NOT NULL,
    service_id UUID NOT NULL REFERENCES directory_services(id),
    note TEXT NOT NULL,
    updated_by UUID REFERENCES users(id),
    updated_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX referral_pathways_need ON referral_pathways(need, area_code, position);
