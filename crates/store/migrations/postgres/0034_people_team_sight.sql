-- The people a team registered, read through the team: a supervisor whose sight is their team
-- sees a hundredth of a national register, and their person search walked each name's block of
-- the country to find the team's (people_registered does the same for a caseworker). It holds
-- the person's id and the sight's columns so that the search reads no person's row. It starts
-- with the team, so it also serves what people_team (the team alone) served.
DROP INDEX people_team;
CREATE INDEX people_team_sight ON people(team_id, created_at, id, agency_id, registered_by, restricted, merged_into);
