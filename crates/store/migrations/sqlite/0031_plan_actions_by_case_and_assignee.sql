-- A case's overdue actions (the case page's count) and a user's overdue actions (the
-- dashboard) are read through indexes that start with the case or the assignee: the planner
-- took `case_plan_actions_due` (status, due date), which walks every overdue action of the
-- register — 5 million actions at a million cases — to find the few of one case or one user.
DROP INDEX case_plan_actions_case;
CREATE INDEX case_plan_actions_case ON case_plan_actions(case_id, status, due_on);
CREATE INDEX case_plan_actions_assignee ON case_plan_actions(assignee_user, status, due_on);
