-- Issue 10: the most sensitive fields are sealed (encrypted, authenticated) under a data key
-- kept outside the database. `sealed` holds a person's names, birth date, phone and address
-- together; `seal_key` is the id of the key that sealed the row and computed its blind indexes
-- (NULL: a row written before sealing, sealed at the next start-up). The plaintext columns
-- stay in the schema (older code reads them) but are emptied once a row is sealed.
-- person_match_keys.key holds keyed blind indexes (HMAC) of the blocking keys from now on.
ALTER TABLE people ADD COLUMN sealed BLOB;
ALTER TABLE people ADD COLUMN seal_key INTEGER;
CREATE INDEX people_seal_key ON people(seal_key);

ALTER TABLE case_notes ADD COLUMN sealed BLOB;
ALTER TABLE case_notes ADD COLUMN seal_key INTEGER;
CREATE INDEX case_notes_seal_key ON case_notes(seal_key);

-- What a person said when giving or refusing consent (free text).
ALTER TABLE case_consents ADD COLUMN sealed BLOB;
ALTER TABLE case_consents ADD COLUMN seal_key INTEGER;

-- Attachment files on disk are sealed too; NULL: a file written in the clear before.
ALTER TABLE case_attachments ADD COLUMN seal_key INTEGER;

-- One check value per data key (an HMAC of a fixed label under a key derived from it): the
-- server refuses to start with a key that is not the one the data were sealed with, instead
-- of sealing new rows under a second, unrelated key.
CREATE TABLE data_keys (
    key_id INTEGER PRIMARY KEY,
    key_check BLOB NOT NULL,
    added_at TEXT NOT NULL
);
