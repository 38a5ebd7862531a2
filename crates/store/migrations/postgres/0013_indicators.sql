-- Quality assessments: a member agency assessed (or self-assessed) against one version of the
-- quality referential for a period. Quantitative answers are figures computed from the data
-- when the assessment is submitted (kept, so that history does not move when data are
-- corrected later); qualitative answers are a level on the indicator's scale, with evidence
-- and a comment. draft -> submitted -> validated, or returned to draft with a comment.
CREATE TABLE quality_assessments (
    id UUID PRIMARY KEY NOT NULL,
    agency_id UUID NOT NULL REFERENCES agencies(id),
    referential_id TEXT NOT NULL,
    referential_version BIGINT NOT NULL,
    period TEXT NOT NULL,
    period_start DATE NOT NULL,
    period_end DATE NOT NULL,
    status TEXT NOT NULL,
    created_by UUID NOT NULL REFERENCES users(id),
    created_at TIMESTAMPTZ NOT NULL,
    submitted_by UUID REFERENCES users(id),
    submitted_at TIMESTAMPTZ,
    decided_by UUID REFERENCES users(id),
    decided_at TIMESTAMPTZ,
    decision_comment TEXT,
    updated_at TIMESTAMPTZ NOT NULL,
    version BIGINT NOT NULL DEFAULT 1
);
CREATE INDEX quality_assessments_agency ON quality_assessments(agency_id, period_start);

CREATE TABLE quality_answers (
    assessment_id UUID NOT NULL REFERENCES quality_assessments(id),
    indicator_id TEXT NOT NULL,
    level BIGINT,
    figure DOUBLE PRECISION,
    evidence TEXT NOT NULL DEFAULT '',
    comment TEXT NOT NULL DEFAULT '',
    updated_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (assessment_id, indicator_id)
);
