-- Follow-up visits on a case: when, how (home visit, office visit, phone call, other), who went,
-- and the next visit planned. Where it took place and what was seen are a case note's body:
-- kept only sealed (`sealed`, under data key `seal_key`), never in a clear column.
-- SQLite dialect; postgres/0022_case_visits.sql is the same in PostgreSQL's types.
CREATE TABLE case_visits (
    id BLOB PRIMARY KEY NOT NULL,
    case_id BLOB NOT NULL REFERENCES cases(id),
    visited_on TEXT NOT NULL,
    kind TEXT NOT NULL,
    who_went TEXT NOT NULL,
    next_on TEXT,
    recorded_by BLOB NOT NULL REFERENCES users(id),
    recorded_at TEXT NOT NULL,
    sealed BLOB,
    seal_key INTEGER
);
CREATE INDEX case_visits_case ON case_visits(case_id, visited_on);
CREATE INDEX case_visits_seal_key ON case_visits(seal_key);
