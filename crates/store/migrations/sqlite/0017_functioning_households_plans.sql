-- Functioning (Washington Group Short Set), household and family links between people, and the
-- case plan as structured data (goals and the actions under them).
-- SQLite dialect; postgres/0017_functioning_households_plans.sql is the same in PostgreSQL's types.

-- One row per time the six questions were asked: answers are codes, history is kept (a newer
-- row never replaces an older one). `disability` is the WG cut-off derived when recorded
-- (yes/no/unknown), stored so indicators group on it without re-deriving.
CREATE TABLE person_functioning (
    id BLOB PRIMARY KEY NOT NULL,
    person_id BLOB NOT NULL REFERENCES people(id),
    asked_on TEXT NOT NULL,
    asked_by BLOB NOT NULL REFERENCES users(id),
    seeing TEXT NOT NULL,
    hearing TEXT NOT NULL,
    walking TEXT NOT NULL,
    cognition TEXT NOT NULL,
    self_care TEXT NOT NULL,
    communication TEXT NOT NULL,
    disability TEXT NOT NULL,
    recorded_at TEXT NOT NULL
);
CREATE INDEX person_functioning_person ON person_functioning(person_id, asked_on);

-- A link says what `person_a` is to `person_b` (parent, sibling, partner, caregiver,
-- household); the reverse is named when read from b's side. One link per pair, either way.
CREATE TABLE person_links (
    id BLOB PRIMARY KEY NOT NULL,
    person_a BLOB NOT NULL REFERENCES people(id),
    person_b BLOB NOT NULL REFERENCES people(id),
    relation TEXT NOT NULL,
    created_by BLOB NOT NULL REFERENCES users(id),
    created_at TEXT NOT NULL,
    UNIQUE (person_a, person_b)
);
CREATE INDEX person_links_b ON person_links(person_b);

CREATE TABLE case_plan_goals (
    id BLOB PRIMARY KEY NOT NULL,
    case_id BLOB NOT NULL REFERENCES cases(id),
    title TEXT NOT NULL,
    created_by BLOB NOT NULL REFERENCES users(id),
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    version INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX case_plan_goals_case ON case_plan_goals(case_id);

-- Who does an action: a user, an agency or a directory service (at most one of the three).
CREATE TABLE case_plan_actions (
    id BLOB PRIMARY KEY NOT NULL,
    goal_id BLOB NOT NULL REFERENCES case_plan_goals(id),
    case_id BLOB NOT NULL REFERENCES cases(id),
    description TEXT NOT NULL,
    assignee_user BLOB REFERENCES users(id),
    assignee_agency BLOB REFERENCES agencies(id),
    assignee_service BLOB REFERENCES directory_services(id),
    due_on TEXT,
    status TEXT NOT NULL,
    created_by BLOB NOT NULL REFERENCES users(id),
    created_at TEXT NOT NULL,
    updated_by BLOB NOT NULL REFERENCES users(id),
    updated_at TEXT NOT NULL,
    version INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX case_plan_actions_case ON case_plan_actions(case_id);
CREATE INDEX case_plan_actions_due ON case_plan_actions(status, due_on);
