/**
 * Decision-log queries across a tenant's policies (migration 006 dropped the (tenant, at, id)
 * index): they walk (tenant, policy, at, id) once per policy and answer the newest rows of
 * those walks, which must be exactly the rows a full sort would give, page after page, with
 * every filter, for any number of policies, and never read the table without the index.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../server/store/client.ts';
import type { Client } from '../../server/store/client.ts';
import { insertDecisionsStmts, queryDecisions } from '../../server/store/decisions.ts';
import type { DecisionFilter, DecisionRecord, DecisionSummary } from '../../server/store/decisions.ts';
import { migrate } from '../../server/store/migrate.ts';

const dir = mkdtempSync(join(tmpdir(), 'policy-decision-queries-'));
let db: Client;

/** A deterministic spread of instants, several decisions sharing an instant (so id breaks ties). */
function decisions(tenant: string, policies: string[], count: number): DecisionRecord[] {
  return Array.from({ length: count }, (_, i) => {
    const policy = policies[(i * 7) % policies.length]!;
    const minute = (i * 37) % 500;
    return {
      id: `${tenant}-${String(i).padStart(5, '0')}`, tenant, policy, version: 1 + (i % 3),
      at: new Date(Date.UTC(2024, 0, 1, 0, minute)).toISOString(),
      input: { i }, decision: { eligible: i % 4 !== 0, rule: i % 5 === 0 ? 'late' : 'window' }, trace: null,
      rule: i % 5 === 0 ? 'late' : 'window', error: null, keyId: null, createdAt: '2024-01-01T00:00:00.000Z', durationMs: 1,
    };
  });
}

async function seedTenant(tenant: string, policies: string[], count: number): Promise<DecisionRecord[]> {
  await db.execute({ sql: "INSERT INTO tenants (id, name, created_at, created_by) VALUES (?, ?, '2024-01-01T00:00:00.000Z', 'test')", args: [tenant, tenant] });
  for (const p of policies) {
    await db.execute({ sql: "INSERT INTO policies (tenant, key, title, created_at, created_by) VALUES (?, ?, ?, '2024-01-01T00:00:00.000Z', 'test')", args: [tenant, p, p] });
  }
  const rows = decisions(tenant, policies, count);
  await db.batch(insertDecisionsStmts(rows), 'write');
  return rows;
}

/** What the query must answer: every row matching the filter, newest first by (at, id). */
function expected(rows: DecisionRecord[], q: Omit<DecisionFilter, 'limit'>): string[] {
  return rows
    .filter((r) => (q.version === undefined || r.version === q.version) && (q.rule === undefined || r.rule === q.rule))
    .filter((r) => (q.from === undefined || r.at >= q.from) && (q.until === undefined || r.at < q.until))
    .filter((r) => q.field === undefined || (r.decision as Record<string, unknown>)[q.field.path[0]!] === q.field.value)
    .sort((a, b) => (a.at !== b.at ? (a.at < b.at ? 1 : -1) : a.id < b.id ? 1 : -1))
    .map((r) => r.id);
}

/** Every page of a query, following its keyset cursor (the last row's at and id) as the API does. */
async function allPages(tenant: string, q: Omit<DecisionFilter, 'limit' | 'before'>, limit: number): Promise<string[]> {
  const ids: string[] = [];
  let before: DecisionFilter['before'];
  for (;;) {
    const page: DecisionSummary[] = await queryDecisions(db, tenant, { ...q, limit, ...(before ? { before } : {}) });
    ids.push(...page.map((d) => d.id));
    if (page.length < limit) return ids;
    const last = page[page.length - 1]!;
    before = { at: last.at, id: last.id };
  }
}

let small: DecisionRecord[];
let many: DecisionRecord[];
const manyPolicies = Array.from({ length: 450 }, (_, i) => `p${String(i).padStart(3, '0')}`);

beforeAll(async () => {
  db = await openDatabase({ databaseUrl: `file:${join(dir, 'log.db')}` });
  await migrate(db);
  small = await seedTenant('acme', ['cancellation', 'returns', 'warranty'], 600);
  // More policies than one statement takes (200 a statement: SQLite allows 500 compound terms).
  many = await seedTenant('wide', manyPolicies, 1500);
  await seedTenant('other', ['returns'], 50);
});
afterAll(() => {
  db?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('decision queries across a tenant\'s policies', () => {
  it('keeps one time index on the decision log: (tenant, policy, at, id)', async () => {
    const rs = await db.execute("SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'decisions' AND sql IS NOT NULL");
    expect(rs.rows.map((r) => r.name)).toEqual(['decisions_by_policy_at_id']);
  });

  it('answers the newest rows of all policies, page after page, exactly as a full sort', async () => {
    for (const limit of [1, 7, 100, 1000]) expect(await allPages('acme', {}, limit)).toEqual(expected(small, {}));
  });

  it('applies every filter on each policy\'s walk', async () => {
    const filters: Array<Omit<DecisionFilter, 'limit'>> = [
      { version: 2 },
      { rule: 'late' },
      { from: '2024-01-01T02:00:00.000Z', until: '2024-01-01T05:00:00.000Z' },
      { field: { path: ['eligible'], value: false }, version: 3 },
    ];
    for (const f of filters) expect(await allPages('acme', f, 25)).toEqual(expected(small, f));
  });

  it('sees only the asking tenant\'s decisions', async () => {
    const ids = await allPages('other', {}, 20);
    expect(ids).toHaveLength(50);
    expect(ids.every((id) => id.startsWith('other-'))).toBe(true);
    expect(await queryDecisions(db, 'nobody', { limit: 10 })).toEqual([]);
  });

  it('merges several statements for a tenant with hundreds of policies', async () => {
    expect(await allPages('wide', {}, 60)).toEqual(expected(many, {}));
    expect(await allPages('wide', { rule: 'late' }, 33)).toEqual(expected(many, { rule: 'late' }));
  });

  it('reads the decision log only through its index', async () => {
    const statements: string[] = [];
    const spy = { execute: (s: { sql: string; args: unknown[] }) => (statements.push(s.sql), db.execute(s as never)) } as unknown as Client;
    await queryDecisions(spy, 'acme', { limit: 10, version: 2, before: { at: '2024-01-01T05:00:00.000Z', id: 'acme-00100' } });
    const query = statements.find((s) => s.includes('FROM decisions'))!;
    const plan = await db.execute({ sql: `EXPLAIN QUERY PLAN ${query}`, args: [...['cancellation', 'returns', 'warranty'].flatMap((p) => ['acme', p, '2024-01-01T05:00:00.000Z', 'acme-00100', 2, 10]), 10] });
    const details = plan.rows.map((r) => String(r.detail));
    const reads = details.filter((d) => /\bdecisions\b/.test(d) && /^(SCAN|SEARCH)/.test(d));
    expect(reads.length).toBeGreaterThanOrEqual(3);
    for (const d of reads) expect(d).toMatch(/USING INDEX decisions_by_policy_at_id|USING INTEGER PRIMARY KEY/);
  });
});
