-- Services a person received during a case, from the directory (the service's name is kept as
-- it was, so the record reads the same if the entry changes or goes), with the day and a note.
CREATE TABLE case_services (
    id BLOB PRIMARY KEY,
    case_id BLOB NOT NULL REFERENCES cases(id),
    service_id BLOB REFERENCES directory_services(id),
    service_name TEXT NOT NULL,
    need TEXT NOT NULL,
    provided_on TEXT NOT NULL,
    notes TEXT NOT NULL,
    referral_id BLOB REFERENCES referrals(id),
    recorded_by BLOB NOT NULL REFERENCES users(id),
    recorded_at TEXT NOT NULL
);
CREATE INDEX case_services_case ON case_services(case_id);
