-- 001: the initial schema. Times are ISO-8601 UTC text with milliseconds
-- (2024-01-20T15:00:00.000Z), so they compare correctly as strings. JSON documents are text.
-- Every tenant-owned table has the tenant in its key: repositories filter by it in every query.
-- Statements end with a semicolon at the end of a line (migrate.ts splits on that).

CREATE TABLE tenants (
  id          TEXT PRIMARY KEY,
  name        TEXT NOT NULL,
  description TEXT,
  created_at  TEXT NOT NULL,
  created_by  TEXT NOT NULL
);

-- Keys are shown once and stored as sha256(secret); `prefix` finds the row, the hash proves it.
CREATE TABLE api_keys (
  id           TEXT PRIMARY KEY,
  tenant       TEXT NOT NULL REFERENCES tenants(id),
  role         TEXT NOT NULL CHECK (role IN ('admin', 'editor', 'decider', 'viewer')),
  prefix       TEXT NOT NULL UNIQUE,
  hash         TEXT NOT NULL,
  name         TEXT,
  created_at   TEXT NOT NULL,
  created_by   TEXT NOT NULL,
  last_used_at TEXT,
  revoked_at   TEXT,
  revoked_by   TEXT
);
CREATE INDEX api_keys_by_tenant ON api_keys (tenant, created_at);

CREATE TABLE policies (
  tenant     TEXT NOT NULL REFERENCES tenants(id),
  key        TEXT NOT NULL,
  title      TEXT NOT NULL,
  created_at TEXT NOT NULL,
  created_by TEXT NOT NULL,
  PRIMARY KEY (tenant, key)
);

-- Immutable: rows are only ever inserted. content_hash = sha256 of the canonical JSON document.
CREATE TABLE policy_versions (
  tenant       TEXT NOT NULL,
  policy       TEXT NOT NULL,
  version      INTEGER NOT NULL CHECK (version >= 1),
  content_hash TEXT NOT NULL,
  document     TEXT NOT NULL,
  note         TEXT,
  reason       TEXT,
  created_at   TEXT NOT NULL,
  created_by   TEXT NOT NULL,
  PRIMARY KEY (tenant, policy, version),
  FOREIGN KEY (tenant, policy) REFERENCES policies (tenant, key)
);

-- At most one editable draft per policy; etag changes on every save (optimistic concurrency).
CREATE TABLE drafts (
  tenant       TEXT NOT NULL,
  policy       TEXT NOT NULL,
  document     TEXT NOT NULL,
  etag         TEXT NOT NULL,
  base_version INTEGER,
  updated_at   TEXT NOT NULL,
  updated_by   TEXT NOT NULL,
  PRIMARY KEY (tenant, policy),
  FOREIGN KEY (tenant, policy) REFERENCES policies (tenant, key)
);

-- Which version decides when. Ordered by seq: a later activation overrides earlier ones where
-- their windows overlap (server/engine/activations.ts). Rollback = a new row; deleting sets
-- deleted_at, so the history of what was in force stays readable.
CREATE TABLE activations (
  seq          INTEGER PRIMARY KEY AUTOINCREMENT,
  tenant       TEXT NOT NULL,
  policy       TEXT NOT NULL,
  version      INTEGER NOT NULL,
  active_from  TEXT,
  active_until TEXT,
  reason       TEXT,
  created_at   TEXT NOT NULL,
  created_by   TEXT NOT NULL,
  deleted_at   TEXT,
  deleted_by   TEXT,
  CHECK (active_from IS NULL OR active_until IS NULL OR active_until > active_from),
  FOREIGN KEY (tenant, policy, version) REFERENCES policy_versions (tenant, policy, version)
);
CREATE INDEX activations_by_policy ON activations (tenant, policy, seq);

CREATE TABLE samples (
  tenant      TEXT NOT NULL REFERENCES tenants(id),
  name        TEXT NOT NULL,
  description TEXT NOT NULL,
  at          TEXT NOT NULL,
  document    TEXT NOT NULL,
  created_at  TEXT NOT NULL,
  created_by  TEXT NOT NULL,
  PRIMARY KEY (tenant, name)
);

-- The decision log (a versioned record, like OPA's decision log EventV1). Written in groups
-- by server/decisions/log-writer.ts; no foreign keys so the hot path checks nothing extra.
-- decision is null and error set when evaluation failed at run time; trace only on request
-- (a decision is replayable, so the trace can always be recomputed).
CREATE TABLE decisions (
  id          TEXT PRIMARY KEY,
  tenant      TEXT NOT NULL,
  policy      TEXT NOT NULL,
  version     INTEGER NOT NULL,
  at          TEXT NOT NULL,
  input       TEXT NOT NULL,
  decision    TEXT,
  trace       TEXT,
  rule        TEXT,
  error       TEXT,
  key_id      TEXT,
  created_at  TEXT NOT NULL,
  duration_ms REAL NOT NULL
);
CREATE INDEX decisions_by_policy_at ON decisions (tenant, policy, at);

-- Every change: who (a key id, "seed" or "cli"), what, to which target, why.
CREATE TABLE audit_log (
  id     TEXT PRIMARY KEY,
  tenant TEXT NOT NULL,
  actor  TEXT NOT NULL,
  action TEXT NOT NULL,
  target TEXT NOT NULL,
  reason TEXT,
  detail TEXT,
  at     TEXT NOT NULL
);
CREATE INDEX audit_log_by_tenant_at ON audit_log (tenant, at);

-- Change feed: every process polls it and drops what it cached about (tenant, policy) or the
-- tenant's keys, so a publish or revocation on one process is in force on all of them.
CREATE TABLE change_feed (
  seq    INTEGER PRIMARY KEY AUTOINCREMENT,
  tenant TEXT NOT NULL,
  kind   TEXT NOT NULL,
  policy TEXT,
  at     TEXT NOT NULL
);
