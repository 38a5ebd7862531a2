-- Where a person can be found, as they give it (a street, a camp block, a landmark).
ALTER TABLE people ADD COLUMN address TEXT;
