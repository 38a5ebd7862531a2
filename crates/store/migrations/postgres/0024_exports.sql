-- Exports of personal data (a caseload, a subject-access dossier): each is an AES-256 encrypted
-- ZIP archive kept under `<data dir>/exports/`, named by the export's id, until it expires. The
-- passphrase is shown once to the requester and never stored; a row records who asked, what
-- kind, how many rows and until when, never the content. `removed_at` is set when the file is
-- deleted (expiry), so that a late download answers "gone" rather than "not found".
-- PostgreSQL dialect; sqlite/0024_exports.sql is the same in SQLite's types.
CREATE TABLE exports (
    id UUID PRIMARY KEY NOT NULL,
    user_id UUID NOT NULL REFERENCES users(id),
    kind TEXT NOT NULL,
    file_name TEXT NOT NULL,
    row_count BIGINT NOT NULL,
    size_bytes BIGINT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    expires_at TIMESTAMPTZ NOT NULL,
    removed_at TIMESTAMPTZ
);
CREATE INDEX exports_user ON exports(user_id, created_at);
