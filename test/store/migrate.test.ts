/** Migrations: numbered, applied once, idempotent, safe when two processes start together. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../server/store/client.ts';
import { loadMigrations, migrate } from '../../server/store/migrate.ts';

const dir = mkdtempSync(join(tmpdir(), 'policy-migrate-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('migrate', () => {
  it('applies every migration on a fresh database and nothing the second time', async () => {
    const db = await openDatabase({ databaseUrl: `file:${join(dir, 'a.db')}` });
    try {
      const all = loadMigrations().map((m) => m.version);
      expect(all[0]).toBe(1);
      expect((await migrate(db)).applied).toEqual(all);
      expect((await migrate(db)).applied).toEqual([]);
      const rows = await db.execute('SELECT version FROM schema_migrations ORDER BY version');
      expect(rows.rows.map((r) => Number(r.version))).toEqual(all);
      const tables = await db.execute("SELECT name FROM sqlite_master WHERE type = 'table'");
      const names = tables.rows.map((r) => String(r.name));
      for (const t of ['tenants', 'api_keys', 'policies', 'policy_versions', 'drafts', 'activations', 'samples', 'decisions', 'audit_log', 'change_feed']) {
        expect(names).toContain(t);
      }
    } finally {
      db.close();
    }
  });

  it('is safe when two clients migrate the same file at once', async () => {
    const url = `file:${join(dir, 'b.db')}`;
    const [a, b] = [await openDatabase({ databaseUrl: url }), await openDatabase({ databaseUrl: url })];
    try {
      const [ra, rb] = await Promise.all([migrate(a), migrate(b)]);
      expect([...ra.applied, ...rb.applied].sort()).toEqual(loadMigrations().map((m) => m.version));
      expect((await a.execute('SELECT COUNT(*) AS n FROM schema_migrations')).rows[0]!.n).toBe(loadMigrations().length);
    } finally {
      a.close();
      b.close();
    }
  });

  it('opens a file database in WAL mode with foreign keys on', async () => {
    const db = await openDatabase({ databaseUrl: `file:${join(dir, 'nested', 'folder', 'c.db')}` });
    try {
      expect((await db.execute('PRAGMA journal_mode')).rows[0]!.journal_mode).toBe('wal');
      expect(Number((await db.execute('PRAGMA foreign_keys')).rows[0]!.foreign_keys)).toBe(1);
    } finally {
      db.close();
    }
  });
});
