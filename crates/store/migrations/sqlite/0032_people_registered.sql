-- The people a caseworker registered, read through the registering user: a caseworker whose
-- sight is their own registrations sees a thousandth of a national register, and a search
-- that walked each name's block for them read every Mohamed of the country to find three.
-- It carries the person's id and the sight's columns so that the search reads no person's row
-- (a SQLite table's index holds the row number, not the id).
CREATE INDEX people_registered ON people(registered_by, created_at, id, agency_id, team_id, restricted, merged_into);
