-- An offline (or late) edit of an outreach activity that was changed meanwhile is kept here
-- instead of being lost or written over the other edit, until someone in scope keeps the
-- current record or applies the submitted one.
CREATE TABLE outreach_conflicts (
    id UUID PRIMARY KEY,
    activity_id UUID NOT NULL REFERENCES outreach_activities(id),
    -- The device's id for this edit: the same edit sent twice makes one conflict.
    submission_id TEXT,
    -- The submitted fields, as checked, in JSON (the activity form's content).
    submitted TEXT NOT NULL,
    -- The version of the activity the edit was made from.
    base_version BIGINT NOT NULL,
    submitted_by UUID NOT NULL REFERENCES users(id),
    submitted_at TIMESTAMPTZ NOT NULL,
    -- open, kept_mine (the submitted version applied) or kept_theirs (the current record kept).
    resolution TEXT NOT NULL DEFAULT 'open',
    resolved_by UUID REFERENCES users(id),
    resolved_at TIMESTAMPTZ
);
CREATE UNIQUE INDEX outreach_conflicts_submission ON outreach_conflicts(submitted_by, submission_id);
CREATE INDEX outreach_conflicts_activity ON outreach_conflicts(activity_id);
