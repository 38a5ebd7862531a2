-- Quality assessments: a member agency assessed (or self-assessed) against one version of the
-- quality referential for a period. Quantitative answers are figures computed from the data
-- when the assessment is submitted (kept, so that history does not move when data are
-- corrected later); qualitative answers are a level on the indicator's scale, with evidence
-- and a comment. draft -> submitted -> validated, or returned to draft with a comment.
CREATE TABLE quality_assessments (
    id BLOB PRIMARY KEY NOT NULL,
    agency_id BLOB NOT NULL REFERENCES agencies(id),
    referential_id TEXT NOT NULL,
    referential_version INTEGER NOT NULL,
    period TEXT NOT NULL,
    period_start TEXT NOT NULL,
    period_end TEXT NOT NULL,
    status TEXT NOT NULL,
    created_by BLOB NOT NULL REFERENCES users(id),
    created_at TEXT NOT NULL,
    submitted_by BLOB REFERENCES users(id),
    submitted_at TEXT,
    decided_by BLOB REFERENCES users(id),
    decided_at TEXT,
    decision_comment TEXT,
    updated_at TEXT NOT NULL,
    version INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX quality_assessments_agency ON quality_assessments(agency_id, period_start);

CREATE TABLE quality_answers (
    assessment_id BLOB NOT NULL REFERENCES quality_assessments(id),
    indicator_id TEXT NOT NULL,
    level INTEGER,
    figure REAL,
    evidence TEXT NOT NULL DEFAULT '',
    comment TEXT NOT NULL DEFAULT '',
    updated_at TEXT NOT NULL,
    PRIMARY KEY (assessment_id, indicator_id)
);
