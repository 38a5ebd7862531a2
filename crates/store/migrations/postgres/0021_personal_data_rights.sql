-- Issue 10, a person's rights. `anonymised_at`: the person's identifying data were removed at
-- their request; the row keeps only the statistical skeleton so figures still count them.
-- `legal_hold`: a case under a legal hold (an inquiry, a court) may not be erased or
-- anonymised, nor deleted by the retention job, until the hold is lifted.
ALTER TABLE people ADD COLUMN anonymised_at TIMESTAMPTZ;
ALTER TABLE cases ADD COLUMN legal_hold BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE cases ADD COLUMN legal_hold_reason TEXT;
