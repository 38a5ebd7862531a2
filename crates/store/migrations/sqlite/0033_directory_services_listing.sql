-- The directory's lists and searches select services by their filter columns, in name order,
-- then read the documents of the page shown. This index holds those columns in that order, so
-- that selecting among 10,000 services reads it alone: the table's rows carry each service's
-- HSDS document (about 5 KB), 50 MB read at every public search without it.
CREATE INDEX directory_services_listing ON directory_services(name, id, status, organization_id, verified_on, need_codes, area_codes, language_codes, attribute_codes);
