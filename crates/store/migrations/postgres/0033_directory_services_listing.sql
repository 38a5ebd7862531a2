-- The directory's lists and searches select services by their filter columns, in name order,
-- then read the documents of the page shown. SQLite's index holds every filter column, because
-- its rows carry each service's HSDS document (about 5 KB, 50 MB at 10,000 services). PostgreSQL
-- keeps such documents out of line (TOAST), so its rows are small and a scan reads little; the
-- code lists (up to every area of a country) could also pass a B-tree entry's size limit. Here
-- the index gives the order only.
CREATE INDEX directory_services_listing ON directory_services(name, id);
