-- Published XLSForm versions, kept as the CSV sheets they were read from. A version is never
-- changed once published: answers record (form_id, version) and are read with that version.
CREATE TABLE form_versions (
    form_id TEXT NOT NULL,
    version TEXT NOT NULL,
    survey TEXT NOT NULL,
    choices TEXT,
    settings TEXT,
    published_at TIMESTAMPTZ NOT NULL,
    published_by UUID REFERENCES users(id),
    PRIMARY KEY (form_id, version)
);

CREATE FUNCTION form_versions_frozen() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'a published form version never changes';
END;
$$;
CREATE TRIGGER form_versions_no_update BEFORE UPDATE ON form_versions
    FOR EACH ROW EXECUTE FUNCTION form_versions_frozen();
