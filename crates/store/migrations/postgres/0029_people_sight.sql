-- What a block read tests for each person it meets: whether the viewer may see them, and
-- whether they were merged into someone else. With these columns in one index beside the id,
-- a search meets a block's people without reading their rows; it then reads and opens only the
-- few it ranks.
CREATE INDEX people_sight ON people(id, agency_id, team_id, registered_by, restricted, merged_into);
