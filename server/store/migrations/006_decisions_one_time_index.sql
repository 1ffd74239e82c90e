-- 006: the decision log keeps one time index, (tenant, policy, at, id). Every decision written
-- updated three indexes (the primary key, this one, and (tenant, at, id)); the third served only
-- queries across all of a tenant's policies, which now walk this index once per policy and take
-- the newest rows of those walks (store/decisions.ts queryDecisions). Measured on 25-row groups
-- of Solum decisions written through prepared statements: ~30 -> ~24 us of CPU a row.
DROP INDEX IF EXISTS decisions_by_tenant_at_id;
