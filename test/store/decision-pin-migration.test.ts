/**
 * Migration 003 (decisions.pin_to, decisions.version_as_of) on a log written before it: the old
 * rows read as decided by the version active at `at` (pinTo "decision", versionAsOf = at), and
 * new rows keep what decide chose, storing version_as_of only when it is not `at`.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../server/store/client.ts';
import { getDecision, insertDecisionsStmts, queryDecisions } from '../../server/store/decisions.ts';
import { loadMigrations, migrate } from '../../server/store/migrate.ts';

const dir = mkdtempSync(join(tmpdir(), 'policy-pin-migration-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('decisions logged before and after migration 003', () => {
  it('reads old rows as pinned to the decision, and keeps the instant of new ones', async () => {
    const db = await openDatabase({ databaseUrl: `file:${join(dir, 'log.db')}` });
    try {
      const all = loadMigrations();
      await migrate(db, all.filter((m) => m.version < 3));
      await db.execute({
        sql: 'INSERT INTO decisions (id, tenant, policy, version, at, input, decision, rule, created_at, duration_ms) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
        args: ['old-1', 'solum', 'returns', 2, '2024-01-20T15:00:00.000Z', '{"order":{}}', '{"rule":"refund"}', 'refund', '2024-01-20T15:00:00.010Z', 1.5],
      });
      expect((await migrate(db)).applied).toEqual(all.filter((m) => m.version >= 3).map((m) => m.version));

      const old = await getDecision(db, 'solum', 'old-1');
      expect(old).toMatchObject({ version: 2, pinTo: 'decision', versionAsOf: '2024-01-20T15:00:00.000Z' });

      const base = { tenant: 'solum', policy: 'returns', input: {}, decision: { rule: 'x' }, trace: null, rule: 'x', error: null, keyId: null, createdAt: '2024-02-10T12:00:00Z', durationMs: 1 };
      await db.batch([
        ...insertDecisionsStmts([
          { ...base, id: 'new-order', version: 2, at: '2024-02-10T12:00:00Z', versionAsOf: '2023-11-20T10:00:00Z', pinTo: 'order.placedAt' },
          { ...base, id: 'new-decision', version: 1, at: '2024-02-10T12:00:00Z', versionAsOf: '2024-02-10T12:00:00Z', pinTo: 'decision' },
        ]),
      ], 'write');
      const stored = await db.execute("SELECT id, pin_to, version_as_of FROM decisions WHERE id LIKE 'new-%' ORDER BY id");
      expect(stored.rows.map((r) => [r.id, r.pin_to, r.version_as_of])).toEqual([
        ['new-decision', 'decision', null],
        ['new-order', 'order.placedAt', '2023-11-20T10:00:00.000Z'],
      ]);
      expect(await getDecision(db, 'solum', 'new-order')).toMatchObject({ version: 2, pinTo: 'order.placedAt', versionAsOf: '2023-11-20T10:00:00.000Z' });
      const listed = await queryDecisions(db, 'solum', { policy: 'returns', limit: 10 });
      expect(Object.fromEntries(listed.map((d) => [d.id, [d.pinTo, d.versionAsOf]]))).toEqual({
        'old-1': ['decision', '2024-01-20T15:00:00.000Z'],
        'new-order': ['order.placedAt', '2023-11-20T10:00:00.000Z'],
        'new-decision': ['decision', '2024-02-10T12:00:00.000Z'],
      });
    } finally {
      db.close();
    }
  });
});
