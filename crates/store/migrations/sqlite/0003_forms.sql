-- Published XLSForm versions, kept as the CSV sheets they were read from. A version is never
-- changed once published: answers record (form_id, version) and are read with that version.
CREATE TABLE form_versions (
    form_id TEXT NOT NULL,
    version TEXT NOT NULL,
    survey TEXT NOT NULL,
    choices TEXT,
    settings TEXT,
    published_at TEXT NOT NULL,
    published_by BLOB REFERENCES users(id),
    PRIMARY KEY (form_id, version)
);

CREATE TRIGGER form_versions_no_update BEFORE UPDATE ON form_versions
BEGIN SELECT RAISE(ABORT, 'a published form version never changes'); END;
