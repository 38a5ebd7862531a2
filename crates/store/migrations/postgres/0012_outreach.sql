-- Community outreach: campaigns, activities (visits, information sessions, events, hotline,
-- media), the agents who ran them, the people reached as counts per breakdown (nobody is
-- registered to be counted), and the individual follow-ups of people who consented to be
-- registered. Laid out so that the indicator engine's `outreach_activities` and
-- `people_reached` entities are plain SELECTs over these tables.
CREATE TABLE outreach_campaigns (
    id UUID PRIMARY KEY,
    name TEXT NOT NULL,
    objectives TEXT NOT NULL,
    audiences TEXT NOT NULL,
    -- Space-separated channel codes (the activity kinds the campaign uses).
    channels TEXT NOT NULL,
    starts_on DATE NOT NULL,
    ends_on DATE NOT NULL,
    agency_id UUID REFERENCES agencies(id),
    created_by UUID NOT NULL REFERENCES users(id),
    created_at TIMESTAMPTZ NOT NULL
);

CREATE TABLE outreach_campaign_materials (
    id UUID PRIMARY KEY,
    campaign_id UUID NOT NULL REFERENCES outreach_campaigns(id),
    file_name TEXT NOT NULL,
    content_type TEXT NOT NULL,
    size_bytes BIGINT NOT NULL,
    sha256 TEXT NOT NULL,
    uploaded_by UUID NOT NULL REFERENCES users(id),
    uploaded_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX outreach_campaign_materials_campaign ON outreach_campaign_materials(campaign_id);

CREATE TABLE outreach_activities (
    id UUID PRIMARY KEY,
    -- Chosen by the device that filled the form (offline drafts, imports): sending it twice
    -- finds this row instead of creating another.
    submission_id TEXT UNIQUE,
    kind TEXT NOT NULL,
    -- Where an information session or event took place: in an agency, in the community, remote.
    setting TEXT NOT NULL,
    held_on DATE NOT NULL,
    area_id UUID REFERENCES areas(id),
    community_id UUID REFERENCES communities(id),
    host_agency_id UUID REFERENCES agencies(id),
    campaign_id UUID REFERENCES outreach_campaigns(id),
    -- Space-separated need codes of the taxonomy.
    topics TEXT NOT NULL,
    language TEXT NOT NULL,
    women_only BOOLEAN NOT NULL,
    people_reached BIGINT NOT NULL,
    notes TEXT NOT NULL,
    -- Scope: whoever recorded it, their agency and team.
    recorded_by UUID NOT NULL REFERENCES users(id),
    agency_id UUID REFERENCES agencies(id),
    team_id UUID REFERENCES teams(id),
    source TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL,
    version BIGINT NOT NULL
);
CREATE INDEX outreach_activities_held_on ON outreach_activities(held_on);
CREATE INDEX outreach_activities_campaign ON outreach_activities(campaign_id);

CREATE TABLE outreach_activity_agents (
    activity_id UUID NOT NULL REFERENCES outreach_activities(id),
    user_id UUID NOT NULL REFERENCES users(id),
    PRIMARY KEY (activity_id, user_id)
);

-- People reached, one row per cell of a breakdown: `sex_age` cells have a sex in `value` and
-- an age band in `age_band`; the other breakdowns (nationality_group, migration_status,
-- disability) have their code in `value`. Each breakdown given adds up to people_reached.
CREATE TABLE outreach_reached (
    activity_id UUID NOT NULL REFERENCES outreach_activities(id),
    breakdown TEXT NOT NULL,
    value TEXT NOT NULL,
    age_band TEXT NOT NULL,
    people BIGINT NOT NULL,
    PRIMARY KEY (activity_id, breakdown, value, age_band)
);

-- A person met during an activity who consented to be registered: the consent (who gave it,
-- for what) is kept here with the registration; `referral_id` is filled in by the referral
-- module when the wanted referral is made.
CREATE TABLE outreach_follow_ups (
    id UUID PRIMARY KEY,
    activity_id UUID NOT NULL REFERENCES outreach_activities(id),
    person_id UUID NOT NULL REFERENCES people(id),
    consent_given_by TEXT NOT NULL,
    consent_scope TEXT NOT NULL,
    need_code TEXT,
    service_id UUID,
    referral_id UUID,
    recorded_by UUID NOT NULL REFERENCES users(id),
    created_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX outreach_follow_ups_activity ON outreach_follow_ups(activity_id);

-- The agent's sex, for the figures on female agents (optional; set by an administrator).
ALTER TABLE users ADD COLUMN sex TEXT;
