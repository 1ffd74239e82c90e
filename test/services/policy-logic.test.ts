/**
 * Documents that differ only in their texts for people (title, descriptions, sources, units)
 * or in their param values share one compiled logic in the policy cache; anything else that
 * can change a decision keeps them apart. Each version still carries its own document, title
 * and params, and decides with its own params.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { schemaRegistry } from '../../server/catalog/schema-files.ts';
import { compile, evaluate, explain } from '../../server/engine/index.ts';
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

  it('is the same whatever the params\' values are: the engine reads them at run time', () => {
    const doc = solumReturns();
    const longer = structuredClone(doc);
    longer.params.returnWindowDays.value = 45;
    expect(logicKey(longer)).toBe(logicKey(doc));
  });

  it('differs for a param\'s name or schema, an expression, an explanation or an outcome field named "description"', () => {
    const doc = solumReturns();
    const renamed = structuredClone(doc);
    renamed.params.windowDays = renamed.params.returnWindowDays;
    delete renamed.params.returnWindowDays;
    const schema = structuredClone(doc);
    schema.params.returnWindowDays.schema = { type: 'integer', minimum: 1 };
    const expression = structuredClone(doc);
    expression.rules[0].when = { '!': [expression.rules[0].when] };
    const outcome = structuredClone(doc);
    outcome.otherwise.then.description = 'a decision field';
    const explain = structuredClone(doc);
    explain.rules[0].explain = { reason: 'another reason' };
    for (const other of [renamed, schema, expression, outcome, explain]) expect(logicKey(other)).not.toBe(logicKey(doc));
  });
});

describe('PolicyCache: one compiled logic for documents that differ only in texts or param values', () => {
  let db: Client;
  let database: Awaited<ReturnType<typeof tempSeededDatabase>>;
  beforeAll(async () => {
    database = await tempSeededDatabase('policy-logic-');
    db = database.db;
  });
  afterAll(() => database.close());

  const returnsOf = (s: ReturnType<typeof samples>[number]) => ({ order: s.order, request: s.requests.returns });
  const decidedAlone = (doc: unknown) => {
    const alone = compile(doc, { registry: schemaRegistry() });
    if (!alone.ok) throw new Error('does not compile');
    return alone.policy;
  };

  it('shares the closures, keeps each version\'s own document, title and params, and decides and explains as each document compiled alone', async () => {
    const doc = solumReturns();
    const reworded = retexted(doc);
    const longer = structuredClone(doc);
    longer.params.returnWindowDays.value = 45;
    const negated = structuredClone(doc);
    negated.rules[0].when = { '!': [negated.rules[0].when] };
    await db.batch([
      { sql: "INSERT INTO tenants (id, name, created_at, created_by) VALUES ('copy', 'Copy', '2024-01-01T00:00:00.000Z', 'test')", args: [] },
      insertPolicyStmt({ tenant: 'copy', key: 'returns', title: 'Copy', createdBy: 'test' }),
      ...[reworded, longer, negated].map((d, i) => insertVersionStmt({ tenant: 'copy', policy: 'returns', version: i + 1, contentHash: contentHash(d), document: d, createdBy: 'test' })),
    ], 'write');
    const cache = new PolicyCache(db, { max: 100, registry: schemaRegistry() });
    const original = await cache.compiled('solum', 'returns', 1);
    const copy = await cache.compiled('copy', 'returns', 1);
    const other = await cache.compiled('copy', 'returns', 2);
    const different = await cache.compiled('copy', 'returns', 3);
    if (!original.ok || !copy.ok || !other.ok || !different.ok) throw new Error('does not compile');
    expect(copy.policy.main).toBe(original.policy.main);
    expect(copy.policy.tables).toBe(original.policy.tables);
    expect(copy.policy.title).toBe('Another title');
    expect(copy.policy.document.description).toBe('Another description');
    expect(other.policy.main).toBe(original.policy.main);
    expect(other.policy.params.returnWindowDays).toBe(45);
    // Its document is its own in content, and holds the parts it has in common once.
    const { tests: _tests, fixtures: _fixtures, ...longerForDeciding } = longer;
    expect(other.policy.document).toEqual(longerForDeciding);
    expect(other.policy.document.rules).toBe(original.policy.document.rules);
    expect(other.policy.document.params!.holidayExtension).toBe(original.policy.document.params!.holidayExtension);
    expect(other.policy.document.params!.returnWindowDays).not.toBe(original.policy.document.params!.returnWindowDays);
    expect(other.policy.document.params!.returnWindowDays!.description).toBe(original.policy.document.params!.returnWindowDays!.description);
    expect(original.policy.params.returnWindowDays).toBe(30);
    expect(different.policy.main).not.toBe(original.policy.main);
    // Logic of its own, and still the rules it did not change held once (document-parts.ts).
    expect(different.policy.document.rules[1]).toBe(original.policy.document.rules[1]);
    expect(different.policy.document.rules[0]).not.toBe(original.policy.document.rules[0]);

    let changedByWindow = 0;
    for (const [cached, doc] of [[copy, reworded], [other, longer]] as const) {
      const alone = decidedAlone(doc);
      for (const s of samples('solum').filter((x) => x.requests.returns)) {
        const shared = evaluate(cached.policy, returnsOf(s), s.at, { trace: true });
        const own = evaluate(alone, returnsOf(s), s.at, { trace: true });
        expect(shared).toEqual(own);
        if (!shared.ok || !own.ok) continue;
        expect(explain(cached.policy, returnsOf(s), shared.trace!, shared.decision)).toEqual(explain(alone, returnsOf(s), own.trace!, own.decision));
        const thirtyDays = evaluate(original.policy, returnsOf(s), s.at);
        if (cached === other && thirtyDays.ok && JSON.stringify(shared.decision) !== JSON.stringify(thirtyDays.decision)) changedByWindow++;
      }
    }
    // "Items ... can be returned within 30 days of delivery": a 45-day window decides some samples otherwise.
    expect(changedByWindow).toBeGreaterThan(0);
  });

  it('compiles a version whose param value breaks its param\'s schema, and answers its problem, instead of sharing', async () => {
    const doc = solumReturns();
    const broken = structuredClone(doc);
    broken.params.holidayExtension.value = 'all of December';
    await db.batch([
      insertPolicyStmt({ tenant: 'copy', key: 'broken', title: 'Broken', createdBy: 'test' }),
      insertVersionStmt({ tenant: 'copy', policy: 'broken', version: 1, contentHash: contentHash(broken), document: broken, createdBy: 'test' }),
    ], 'write');
    const cache = new PolicyCache(db, { max: 100, registry: schemaRegistry() });
    expect((await cache.compiled('solum', 'returns', 1)).ok).toBe(true);
    const result = await cache.compiled('copy', 'broken', 1);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.problems.map((p) => p.path)).toContain('/params/holidayExtension/value');
  });
});
