/** First-start seeding from policies/: both tenants, 7 policies, Solum's holiday version and window, samples; once only. */
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadPolicyDir } from '../../server/catalog/policy-files.ts';
import { listActivations } from '../../server/store/activations.ts';
import { listAudit } from '../../server/store/audit.ts';
import type { Client } from '../../server/store/client.ts';
import { openDatabase } from '../../server/store/client.ts';
import { contentHash } from '../../server/store/content-hash.ts';
import { migrate } from '../../server/store/migrate.ts';
import { getVersion, listPolicies, listVersions } from '../../server/store/policies.ts';
import { listSamples } from '../../server/store/samples.ts';
import { seedIfEmpty } from '../../server/store/seed.ts';
import { listTenantIds } from '../../server/store/tenants.ts';

const dir = mkdtempSync(join(tmpdir(), 'policy-seed-'));
let db: Client;

beforeAll(async () => {
  db = await openDatabase({ databaseUrl: `file:${join(dir, 'seed.db')}` });
  await migrate(db);
});
afterAll(() => {
  db.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('seedIfEmpty', () => {
  it('seeds an empty database with both tenants and their 7 policies', async () => {
    const report = await seedIfEmpty(db);
    expect(report.seeded).toBe(true);
    expect(await listTenantIds(db)).toEqual(['solum', 'soom']);
    const policies = [...(await listPolicies(db, 'solum')), ...(await listPolicies(db, 'soom'))].map((p) => `${p.tenant}/${p.key}`);
    expect(policies).toHaveLength(7);
    expect(policies).toContain('solum/returns');
    expect(policies).toEqual(expect.arrayContaining(['soom/points', 'soom/layaway', 'soom/cancellation', 'soom/returns', 'soom/after-service', 'soom/membership']));
  });

  it('gives Solum returns 2 versions with content hashes, and the holiday window over version 1', async () => {
    const versions = await listVersions(db, 'solum', 'returns');
    expect(versions.map((v) => v.version)).toEqual([1, 2]);
    const files = loadPolicyDir().tenants.find((t) => t.tenant === 'solum')!.policies.find((p) => p.key === 'returns')!;
    for (const v of versions) {
      const stored = await getVersion(db, 'solum', 'returns', v.version);
      expect(v.contentHash).toMatch(/^sha256:[0-9a-f]{64}$/);
      expect(v.contentHash).toBe(contentHash(files.versions[v.version - 1]!.document));
      expect(contentHash(stored!.document)).toBe(v.contentHash);
    }
    expect(versions[0]!.contentHash).not.toBe(versions[1]!.contentHash);
    const activations = await listActivations(db, 'solum', 'returns');
    expect(activations.map((a) => ({ version: a.version, from: a.from, until: a.until }))).toEqual([
      { version: 1, from: null, until: null },
      { version: 2, from: '2023-10-11T00:00:00.000Z', until: '2024-02-01T00:00:00.000Z' },
    ]);
  });

  it('stores every sample file of each tenant', async () => {
    for (const tenant of ['solum', 'soom']) {
      const files = readdirSync(join('policies', tenant, 'samples')).filter((f) => f.endsWith('.json'));
      expect((await listSamples(db, tenant)).map((s) => `${s.name}.json`).sort()).toEqual(files.sort());
    }
  });

  it('records every seeded change in the audit log with the actor "seed"', async () => {
    const audit = await listAudit(db, 'solum', { limit: 1000 });
    expect(audit.length).toBeGreaterThan(0);
    expect(new Set(audit.map((a) => a.actor))).toEqual(new Set(['seed']));
    expect(audit.filter((a) => a.action === 'version.publish').map((a) => a.target).sort()).toEqual(['returns@1', 'returns@2']);
    expect(audit.some((a) => a.action === 'activation.create' && a.target === 'returns@2')).toBe(true);
  });

  it('does nothing on a database that is already seeded', async () => {
    const before = await db.execute('SELECT (SELECT COUNT(*) FROM policy_versions) AS v, (SELECT COUNT(*) FROM audit_log) AS a');
    expect((await seedIfEmpty(db)).seeded).toBe(false);
    const after = await db.execute('SELECT (SELECT COUNT(*) FROM policy_versions) AS v, (SELECT COUNT(*) FROM audit_log) AS a');
    expect(after.rows[0]).toEqual(before.rows[0]);
  });

  it('seeds exactly once when two processes start on the same empty database', async () => {
    const url = `file:${join(dir, 'race.db')}`;
    const [a, b] = [await openDatabase({ databaseUrl: url }), await openDatabase({ databaseUrl: url })];
    try {
      await migrate(a);
      const reports = await Promise.all([seedIfEmpty(a), seedIfEmpty(b)]);
      expect(reports.filter((r) => r.seeded)).toHaveLength(1);
      expect(Number((await a.execute('SELECT COUNT(*) AS n FROM policies')).rows[0]!.n)).toBe(7);
    } finally {
      a.close();
      b.close();
    }
  });
});
