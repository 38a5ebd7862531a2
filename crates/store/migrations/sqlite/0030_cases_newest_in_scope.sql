-- A list of cases is the newest cases of one scope (a caseworker's, a team's, an agency's) or
-- shared with the viewer: each found through its index in the list's order, a page at a time,
-- instead of reading every case newest first until a page of the viewer's is found.
CREATE INDEX cases_assigned_newest ON cases(assigned_to, opened_at, id);
CREATE INDEX cases_team_newest ON cases(team_id, opened_at, id);
CREATE INDEX cases_agency_newest ON cases(agency_id, opened_at, id);
CREATE INDEX case_members_user ON case_members(user_id);
