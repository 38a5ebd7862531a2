-- The service directory (HSDS 3.0), community mapping, and imports waiting for confirmation.
-- Each organisation and service keeps its whole HSDS document as JSON text, so import and
-- export are lossless; the columns beside it are what lists filter on, derived from the
-- document every time it is written (crates/store/src/directory.rs).
-- Code lists (need_codes, ...) are written ' a b c ' so that `LIKE '% b %'` finds one code.
-- PostgreSQL dialect; sqlite/0005_directory.sql is the same schema in SQLite's types.

CREATE TABLE directory_organizations (
    id UUID PRIMARY KEY,
    name TEXT NOT NULL,
    -- The Passerelle agency whose service focal points keep this organisation's entries.
    agency_id UUID REFERENCES agencies(id),
    document TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX directory_organizations_agency ON directory_organizations(agency_id);

CREATE TABLE directory_services (
    id UUID PRIMARY KEY,
    organization_id UUID REFERENCES directory_organizations(id),
    name TEXT NOT NULL,
    status TEXT NOT NULL,
    need_codes TEXT NOT NULL,
    area_codes TEXT NOT NULL,
    attribute_codes TEXT NOT NULL,
    language_codes TEXT NOT NULL,
    verified_on DATE,
    document TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX directory_services_organization ON directory_services(organization_id);
CREATE INDEX directory_services_status ON directory_services(status);

-- Other HSDS records of an imported dataset (locations, service-at-locations, foreign
-- taxonomies and terms), kept as they came so that an export gives them back.
CREATE TABLE directory_records (
    kind TEXT NOT NULL,
    id UUID NOT NULL,
    document TEXT NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (kind, id)
);

CREATE TABLE communities (
    id UUID PRIMARY KEY,
    name TEXT NOT NULL,
    kind TEXT NOT NULL,
    area_id UUID REFERENCES areas(id),
    -- {"female": {"0-4": 120, ...}, "male": {...}}: estimated population by sex and age band.
    population TEXT NOT NULL,
    languages TEXT NOT NULL,
    nationalities TEXT NOT NULL,
    vulnerabilities TEXT NOT NULL,
    protection_risks TEXT NOT NULL,
    formal_mechanisms TEXT NOT NULL,
    informal_mechanisms TEXT NOT NULL,
    -- Roles and contact points (a desk, a phone line), never personal data.
    focal_roles TEXT NOT NULL,
    gender_notes TEXT NOT NULL,
    estimate_date DATE,
    estimate_source TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX communities_area ON communities(area_id);

-- An uploaded file waiting for the person to confirm its import after seeing the preview.
-- The directory itself is untouched until then.
CREATE TABLE directory_imports (
    id UUID PRIMARY KEY,
    format TEXT NOT NULL,
    file_name TEXT NOT NULL,
    content BYTEA NOT NULL,
    created_by UUID REFERENCES users(id),
    created_at TIMESTAMPTZ NOT NULL
);
