-- Exports of personal data (a caseload, a subject-access dossier): each is an AES-256 encrypted
-- ZIP archive kept under `<data dir>/exports/`, named by the export's id, until it expires. The
-- passphrase is shown once to the requester and never stored; a row records who asked, what
-- kind, how many rows and until when, never the content. `removed_at` is set when the file is
-- deleted (expiry), so that a late download answers "gone" rather than "not found".
-- SQLite dialect; postgres/0024_exports.sql is the same in PostgreSQL's types.
CREATE TABLE exports (
    id BLOB PRIMARY KEY NOT NULL,
    user_id BLOB NOT NULL REFERENCES users(id),
    kind TEXT NOT NULL,
    file_name TEXT NOT NULL,
    row_count INTEGER NOT NULL,
    size_bytes INTEGER NOT NULL,
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL,
    removed_at TEXT
);
CREATE INDEX exports_user ON exports(user_id, created_at);
