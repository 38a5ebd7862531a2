-- Published versions of Standard Operating Procedures. A version is never changed once
-- published: cases record (sop_id, version) and keep following it.
CREATE TABLE sop_versions (
    sop_id TEXT NOT NULL,
    version BIGINT NOT NULL,
    source TEXT NOT NULL,
    published_at TIMESTAMPTZ NOT NULL,
    published_by UUID REFERENCES users(id),
    PRIMARY KEY (sop_id, version)
);

CREATE FUNCTION sop_versions_frozen() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'a published SOP version never changes';
END;
$$;
CREATE TRIGGER sop_versions_no_update BEFORE UPDATE ON sop_versions
    FOR EACH ROW EXECUTE FUNCTION sop_versions_frozen();
