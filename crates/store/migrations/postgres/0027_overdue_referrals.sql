-- The dashboard counts the referrals still unanswered past their deadline at each view; without
-- this index it read every referral of the register (2 million at national scale) to find them.
CREATE INDEX referrals_overdue ON referrals(status, due_at);
