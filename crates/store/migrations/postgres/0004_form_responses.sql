-- Answers to a form, kept with the form version they were entered and validated with. The
-- author's agency and team are copied at submission so that who may read them never depends
-- on later moves of staff between teams.
CREATE TABLE form_responses (
    id UUID PRIMARY KEY,
    form_id TEXT NOT NULL,
    form_version TEXT NOT NULL,
    answers JSONB NOT NULL,
    submitted_by UUID NOT NULL REFERENCES users(id),
    agency_id UUID REFERENCES agencies(id),
    team_id UUID REFERENCES teams(id),
    submitted_at TIMESTAMPTZ NOT NULL,
    FOREIGN KEY (form_id, form_version) REFERENCES form_versions(form_id, version)
);
CREATE INDEX form_responses_form ON form_responses(form_id, submitted_at);
CREATE INDEX form_responses_author ON form_responses(submitted_by, submitted_at);
