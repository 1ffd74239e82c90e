-- 004: platform-operator keys. An operator key belongs to no tenant: it may only create tenants
-- (POST /v1/tenants) and list templates (GET /v1/templates), never read or change a tenant's
-- data. Stored like tenant keys: sha256 of the secret, found by its public prefix. The key is
-- po_<prefix>_<secret>, so it can never be mistaken for a tenant key (pk_...).
CREATE TABLE operator_keys (
  id         TEXT PRIMARY KEY,
  prefix     TEXT NOT NULL UNIQUE,
  hash       TEXT NOT NULL,
  name       TEXT,
  created_at TEXT NOT NULL,
  created_by TEXT NOT NULL,
  revoked_at TEXT,
  revoked_by TEXT
);
