/**
 * Documents that differ only in their texts for people (title, descriptions, sources, units)
 * share one compiled logic in the policy cache; anything that can change a decision keeps them
 * apart. Each version still carries its own document and title.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { schemaRegistry } from '../../server/catalog/schema-files.ts';
import { compile, evaluate } from '../../server/engine/index.ts';
import { PolicyCache } from '../../server/services/policy-cache.ts';
import { logicKey } from '../../server/services/policy-logic.ts';
import type { Client } from '../../server/store/client.ts';
import { contentHash } from '../../server/store/content-hash.ts';
import { insertPolicyStmt, insertVersionStmt } from '../../server/store/policies.ts';
import { samples } from '../helpers/orders.ts';
import { tempSeededDatabase } from '../helpers/database.ts';

const solumReturns = () => JSON.parse(readFileSync(new URL('../../policies/solum/returns.json', import.meta.url), 'utf8')) as Record<string, any>;

/** Every text for people rewritten, at every place the DSL has one. */
function retexted(doc: Record<string, any>): Record<string, any> {
  const d = structuredClone(doc);
  const t = (o: Record<string, any> | undefined) => {
    if (!o) return;
    if ('description' in o) o.description = `${o.description} (reworded)`;
    if ('source' in o) o.source = 'another source';
  };
  d.title = 'Another title';
  d.description = 'Another description';
  for (const p of Object.values(d.params ?? {}) as Array<Record<string, any>>) {
    t(p);
    if ('unit' in p) p.unit = 'other unit';
  }
  for (const table of Object.values(d.tables ?? {}) as Array<Record<string, any>>) {
    t(table);
    for (const c of [...(table.inputs ?? []), ...(table.outputs ?? [])]) t(c);
    for (const r of table.rows ?? []) t(r);
  }
  for (const x of [...(d.let ?? []), ...(d.rules ?? []), d.otherwise, ...(d.totals ?? []), ...(d.each?.let ?? []), ...(d.each?.rules ?? []), d.each?.otherwise]) t(x);
  return d;
}

describe('logicKey', () => {
  it('is the same whatever the texts for people say', () => {
    const doc = solumReturns();
    expect(JSON.stringify(retexted(doc))).not.toBe(JSON.stringify(doc));
    expect(logicKey(retexted(doc))).toBe(logicKey(doc));
  });

  it('differs for a param value, an expression, an explanation or an outcome field named "description"', () => {
    const doc = solumReturns();
    const param = structuredClone(doc);
    param.params.returnWindowDays.value = 45;
    const expression = structuredClone(doc);
    expression.rules[0].when = { '!': [expression.rules[0].when] };
    const outcome = structuredClone(doc);
    outcome.otherwise.then.description = 'a decision field';
    const explain = structuredClone(doc);
    explain.rules[0].explain = { reason: 'another reason' };
    for (const other of [param, expression, outcome, explain]) expect(logicKey(other)).not.toBe(logicKey(doc));
  });
});

describe('PolicyCache: one compiled logic for documents that differ only in texts', () => {
  let db: Client;
  let database: Awaited<ReturnType<typeof tempSeededDatabase>>;
  beforeAll(async () => {
    database = await tempSeededDatabase('policy-logic-');
    db = database.db;
  });
  afterAll(() => database.close());

  it('shares the closures, keeps each version\'s own document and title, and decides as each document compiled alone', async () => {
    const doc = solumReturns();
    const reworded = retexted(doc);
    const longer = structuredClone(doc);
    longer.params.returnWindowDays.value = 45;
    await db.batch([
      { sql: "INSERT INTO tenants (id, name, created_at, created_by) VALUES ('copy', 'Copy', '2024-01-01T00:00:00.000Z', 'test')", args: [] },
      insertPolicyStmt({ tenant: 'copy', key: 'returns', title: 'Copy', createdBy: 'test' }),
      insertVersionStmt({ tenant: 'copy', policy: 'returns', version: 1, contentHash: contentHash(reworded), document: reworded, createdBy: 'test' }),
      insertVersionStmt({ tenant: 'copy', policy: 'returns', version: 2, contentHash: contentHash(longer), document: longer, createdBy: 'test' }),
    ], 'write');
    const cache = new PolicyCache(db, { max: 100, registry: schemaRegistry() });
    const original = await cache.compiled('solum', 'returns', 1);
    const copy = await cache.compiled('copy', 'returns', 1);
    const other = await cache.compiled('copy', 'returns', 2);
    if (!original.ok || !copy.ok || !other.ok) throw new Error('does not compile');
    expect(copy.policy.main).toBe(original.policy.main);
    expect(copy.policy.tables).toBe(original.policy.tables);
    expect(copy.policy.title).toBe('Another title');
    expect(copy.policy.document.description).toBe('Another description');
    expect(other.policy.main).not.toBe(original.policy.main);

    const alone = compile(reworded, { registry: schemaRegistry() });
    if (!alone.ok) throw new Error('does not compile');
    for (const s of samples('solum').filter((x) => x.requests.returns)) {
      const input = { order: s.order, request: s.requests.returns };
      expect(evaluate(copy.policy, input, s.at, { trace: true })).toEqual(evaluate(alone.policy, input, s.at, { trace: true }));
    }
  });
});
