-- Follow-up visits on a case: when, how (home visit, office visit, phone call, other), who went,
-- and the next visit planned. Where it took place and what was seen are a case note's body:
-- kept only sealed (`sealed`, under data key `seal_key`), never in a clear column.
-- PostgreSQL dialect; sqlite/0022_case_visits.sql is the same in SQLite's types.
CREATE TABLE case_visits (
    id UUID PRIMARY KEY NOT NULL,
    case_id UUID NOT NULL REFERENCES cases(id),
    visited_on DATE NOT NULL,
    kind TEXT NOT NULL,
    who_went TEXT NOT NULL,
    next_on DATE,
    recorded_by UUID NOT NULL REFERENCES users(id),
    recorded_at TIMESTAMPTZ NOT NULL,
    sealed BYTEA,
    seal_key BIGINT
);
CREATE INDEX case_visits_case ON case_visits(case_id, visited_on);
CREATE INDEX case_visits_seal_key ON case_visits(seal_key);
