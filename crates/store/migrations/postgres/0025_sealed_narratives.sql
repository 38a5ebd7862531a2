-- Issue 10: the free text written about a person outside case notes is sealed like case notes
-- (see 0019): each row's free-text columns together, as a JSON object column -> text, in
-- `sealed`, under the data key `seal_key` (NULL: written before, sealed at the next start-up).
-- The clear columns stay and hold only an empty value once the row is sealed; codes, dates and
-- statuses stay in the clear (figures and filters need them).
ALTER TABLE form_responses ADD COLUMN sealed BYTEA;
ALTER TABLE form_responses ADD COLUMN seal_key BIGINT;
ALTER TABLE referrals ADD COLUMN sealed BYTEA;
ALTER TABLE referrals ADD COLUMN seal_key BIGINT;
ALTER TABLE referral_events ADD COLUMN sealed BYTEA;
ALTER TABLE referral_events ADD COLUMN seal_key BIGINT;
ALTER TABLE cases ADD COLUMN sealed BYTEA;
ALTER TABLE cases ADD COLUMN seal_key BIGINT;
ALTER TABLE case_approvals ADD COLUMN sealed BYTEA;
ALTER TABLE case_approvals ADD COLUMN seal_key BIGINT;
ALTER TABLE case_transfers ADD COLUMN sealed BYTEA;
ALTER TABLE case_transfers ADD COLUMN seal_key BIGINT;
ALTER TABLE case_services ADD COLUMN sealed BYTEA;
ALTER TABLE case_services ADD COLUMN seal_key BIGINT;
ALTER TABLE case_plan_goals ADD COLUMN sealed BYTEA;
ALTER TABLE case_plan_goals ADD COLUMN seal_key BIGINT;
ALTER TABLE case_plan_actions ADD COLUMN sealed BYTEA;
ALTER TABLE case_plan_actions ADD COLUMN seal_key BIGINT;
