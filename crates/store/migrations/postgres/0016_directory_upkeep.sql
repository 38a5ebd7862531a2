-- Upkeep of the directory: needs terms administrators add to the shipped taxonomy (merged
-- after content/taxonomy/needs.toml when the taxonomy is loaded), terms retired from offer
-- (shipped or added: a code is never deleted once records may carry it), archived
-- communities, and the index the finder's search index uses to pick up changed services.
-- PostgreSQL dialect; sqlite/0016_directory_upkeep.sql is the same schema.

CREATE TABLE directory_need_terms (
    code TEXT PRIMARY KEY NOT NULL,
    parent TEXT,
    label_fr TEXT NOT NULL,
    label_en TEXT NOT NULL,
    label_es TEXT NOT NULL,
    description TEXT NOT NULL,
    created_by UUID REFERENCES users(id),
    created_at TIMESTAMPTZ NOT NULL
);

CREATE TABLE directory_need_retirements (
    code TEXT PRIMARY KEY NOT NULL,
    retired_by UUID REFERENCES users(id),
    retired_at TIMESTAMPTZ NOT NULL
);

ALTER TABLE communities ADD COLUMN archived_at TIMESTAMPTZ;

CREATE INDEX directory_services_updated ON directory_services(updated_at);
