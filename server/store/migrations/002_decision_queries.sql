-- 002: indexes for reading the decision log (GET /v1/decisions, simulation over logged decisions).
-- Pages are keyed by (at, id) (newest first for queries, oldest first for replays), so both
-- indexes end in id: the next page starts exactly after the last row, without a sort.
-- (tenant, policy, at, id) replaces 001's (tenant, policy, at), which is its prefix: one index
-- fewer to maintain on the decision-log write path. Version, rule and outcome filters are
-- checked on the rows this index yields (most queries name a policy and a time range).
CREATE INDEX decisions_by_policy_at_id ON decisions (tenant, policy, at, id);
DROP INDEX decisions_by_policy_at;
-- Queries across all of a tenant's policies, newest first.
CREATE INDEX decisions_by_tenant_at_id ON decisions (tenant, at, id);
