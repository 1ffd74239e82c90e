-- 005: a tenant's default language for decision explanations (policies/<tenant>/tenant.json
-- "language"); null means English. Read once per tenant by the decide path's cache.
ALTER TABLE tenants ADD COLUMN language TEXT;
