-- Published versions of Standard Operating Procedures. A version is never changed once
-- published: cases record (sop_id, version) and keep following it.
CREATE TABLE sop_versions (
    sop_id TEXT NOT NULL,
    version INTEGER NOT NULL,
    source TEXT NOT NULL,
    published_at TEXT NOT NULL,
    published_by BLOB REFERENCES users(id),
    PRIMARY KEY (sop_id, version)
);

CREATE TRIGGER sop_versions_no_update BEFORE UPDATE ON sop_versions
BEGIN SELECT RAISE(ABORT, 'a published SOP version never changes'); END;
