/**
 * The static safety analysis (server/engine/safety.ts) as a spec: every hostile document of
 * test/fixtures/hostile/ is refused at the exact JSON Pointer of the offending node, with a
 * message naming the problem; documents too big or too deep to commit are generated here; a
 * realistic policy passes; and random JSON never makes checkShape throw.
 */
import { readdirSync, readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkDocument, checkShape, defaultLimits } from '../../server/engine/safety.ts';
import { schemaRegistry } from '../../server/catalog/schema-files.ts';
import { expectOnly, policy, realisticPolicy } from './safety-helpers.ts';

/** Expected first problem of each fixture (fixtures stay valid policy documents, so expectations live here). */
const hostile: Record<string, { path: string; message: RegExp }> = {
  'method-function-constructor': { path: '/rules/0/when', message: /"method" is not allowed/ },
  'method-json-logic-1x-exploit': { path: '/rules/0/then/result', message: /"method" is not allowed/ },
  log: { path: '/otherwise/then/note', message: /"log" is not allowed/ },
  'var-constructor-constructor': { path: '/let/0/value/var', message: /"constructor\.constructor" reads "constructor"/ },
  'var-proto': { path: '/rules/0/when/==/0/var', message: /reads "__proto__"/ },
  'var-prototype-array': { path: '/rules/0/when/!!/0/var/0', message: /reads "prototype"/ },
  'missing-proto': { path: '/each/rules/0/when/missing/1', message: /reads "__proto__"/ },
  'get-constructor': { path: '/totals/0/value/get/1', message: /reads "constructor"/ },
  'seven-nested-maps': { path: '/rules/0/when/map/1/map/1', message: /"map" is nested 3 deep .*the limit is 2/ },
  'reduce-merge-doubling': { path: '/totals/0/value/reduce/1', message: /"merge" uses the reduce accumulator 2 times/ },
  'reduce-cat-doubling': { path: '/rules/0/when/reduce/1', message: /"cat" uses the reduce accumulator 2 times/ },
  'unknown-operator-untaken-branch': { path: '/rules/0/when/if/1', message: /unknown operator "bogus" \(see README, Operators\)/ },
  'table-unknown': { path: '/rules/0/then/fee/table/0', message: /no table named "feez"; tables: fees/ },
  'duplicate-rule-id': { path: '/rules/1/id', message: /rule id "same" is already used at \/rules\/0\/id/ },
  'derived-named-order': { path: '/let/0/name', message: /"order" is a reserved name/ },
  'merge-var-proto': { path: '/let/0/value/merge/1/var', message: /reads "constructor"/ },
  'method-sets-global': { path: '/rules/0/then/ran', message: /"method" is not allowed/ },
  'object-proto-key': { path: '/rules/0/then/ok/object/__proto__', message: /the key "__proto__" is not allowed/ },
  'runaway-reduce-in-maps': { path: '/totals/0/value/map/1/map/1', message: /"reduce" is nested 3 deep .*the limit is 2/ },
  'unknown-operator-in-totals': { path: '/totals/0/value', message: /unknown operator "eval"/ },
};

const fixtureDir = new URL('../fixtures/hostile/', import.meta.url);
const fixtureNames = readdirSync(fixtureDir).filter((f) => f.endsWith('.json')).map((f) => f.slice(0, -5)).sort();

describe('hostile fixtures (test/fixtures/hostile)', () => {
  it('has an expectation for every fixture and a fixture for every expectation', () => {
    expect(fixtureNames).toEqual(Object.keys(hostile).sort());
  });

  for (const name of fixtureNames) {
    it(`refuses ${name} at ${hostile[name]?.path}`, () => {
      const text = readFileSync(new URL(`${name}.json`, fixtureDir), 'utf8');
      const doc: unknown = JSON.parse(text);
      // Otherwise valid: the JSON Schema accepts it, so only the safety checks stand in the way.
      expect(schemaRegistry().validatePolicy(doc)).toEqual([]);
      const want = hostile[name]!;
      const problems = checkDocument(doc, undefined, text);
      expect(problems[0]).toEqual({ path: want.path, message: expect.stringMatching(want.message) });
      // Nothing outside the hostile part is flagged (nested payloads may add more inside it).
      for (const p of problems) expect(p.path.startsWith(want.path)).toBe(true);
    });
  }

  it('also flags what the 1.x exploit reads through var', () => {
    const text = readFileSync(new URL('method-json-logic-1x-exploit.json', fixtureDir), 'utf8');
    expect(checkDocument(JSON.parse(text))).toContainEqual({
      path: '/rules/0/then/result/method/0/method/0/var',
      message: expect.stringMatching(/reads "__proto__"/),
    });
  });
});

describe('checkShape: size and depth before anything recursive runs', () => {
  const deepWhen = (n: number) => `{"!":[`.repeat(n) + 'true' + `]}`.repeat(n);

  it('refuses 10,000-deep nesting at the first level past 64', () => {
    const text = `{"key":"p","title":"P","input":{"type":"object"},"rules":[{"id":"r1","when":${deepWhen(10_000)},"then":{}}],"otherwise":{"then":{}}}`;
    // Levels: root 1, /rules 2, /rules/0 3, when 4, then "!" arrays and their objects alternate.
    expectOnly(checkDocument(JSON.parse(text), undefined, text), '/rules/0/when' + '/!/0'.repeat(30) + '/!', /nested deeper than 64 levels/);
  });

  it('walks 100,000-deep nesting without recursion and stops at the first problem', () => {
    let deep: unknown = 0;
    for (let i = 0; i < 100_000; i++) deep = [deep];
    const started = Date.now();
    const problems = checkShape(deep);
    expect(Date.now() - started).toBeLessThan(1_000);
    expectOnly(problems, '/0'.repeat(64), /nested deeper than 64 levels/);
  });

  it('refuses a 2 MB document by its source text, and by walking without it', () => {
    const doc = policy(true, { otherwise: { then: { note: 'x'.repeat(2_000_000) } } });
    expectOnly(checkShape(doc, undefined, JSON.stringify(doc)), '', /larger than 1000000 bytes/);
    expectOnly(checkShape(doc), '', /larger than 1000000 bytes/);
  });

  it('counts the source text in UTF-8 bytes, not characters', () => {
    const doc = policy(true, { description: '€'.repeat(400_000) }); // 400,000 characters, 1.2 MB
    expectOnly(checkShape(doc, undefined, JSON.stringify(doc)), '', /larger than 1000000 bytes/);
  });

  it('refuses a 20,000-element literal array without walking into it', () => {
    const doc = policy({ in: [{ var: 'request.sku' }, Array.from({ length: 20_000 }, (_, i) => `sku-${i}`)] });
    expectOnly(checkDocument(doc), '/rules/0/when/in/1', /this array has 20000 elements; the limit is 10000/);
  });

  it('refuses an object with too many keys, and too many values overall', () => {
    const wide = Object.fromEntries(Array.from({ length: 30 }, (_, i) => [`k${i}`, i]));
    expectOnly(checkShape(policy(true, { params: wide }), { maxArrayLiteral: 20 }), '/params', /more than 20 keys/);
    // Root, key, title, input, input.type: the sixth value is /rules.
    expectOnly(checkShape(policy(true), { maxNodes: 5 }), '/rules', /more than 5 values/);
  });

  it('terminates on a cyclic value (not JSON, but never hangs)', () => {
    const cycle: unknown[] = [];
    cycle.push(cycle);
    expectOnly(checkShape(cycle), '/0'.repeat(64), /nested deeper/);
  });

});

describe('checkDocument', () => {
  it('accepts a realistic policy with tables, each, derived values and tests', () => {
    expect(schemaRegistry().validatePolicy(realisticPolicy)).toEqual([]);
    expect(checkDocument(realisticPolicy, undefined, JSON.stringify(realisticPolicy))).toEqual([]);
  });

  it('stops after a shape problem (the compiler validates the schema in between)', () => {
    const doc = policy({ if: [{ bogus: 1 }, Array.from({ length: 11 }, () => 0)] });
    expectOnly(checkDocument(doc, { maxArrayLiteral: 10 }), '/rules/0/when/if/1', /11 elements/);
    expectOnly(checkDocument(doc), '/rules/0/when/if/0', /unknown operator "bogus"/);
  });
});

describe('checkShape on random JSON (property)', () => {
  const limitsArb = fc.record({
    maxDepth: fc.integer({ min: 1, max: 8 }),
    maxNodes: fc.integer({ min: 1, max: 300 }),
    maxArrayLiteral: fc.integer({ min: 0, max: 8 }),
    maxDocumentBytes: fc.integer({ min: 1, max: 3_000 }),
  });

  it('never throws, stays within its bounds, and agrees with a recursive reference', () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 10 }), limitsArb, fc.boolean(), (value, limits, withText) => {
        const text = JSON.stringify(value);
        const problems = checkShape(value, limits, withText ? text : undefined);
        expect(problems.length).toBeLessThanOrEqual(21);
        for (const p of problems) expect(resolves(value, p.path)).toBe(true);
        const m = measure(value);
        const within = m.depth <= limits.maxDepth && m.nodes <= limits.maxNodes && m.widest <= limits.maxArrayLiteral;
        if (withText) {
          const fits = within && new TextEncoder().encode(text).length <= limits.maxDocumentBytes;
          expect(problems.length === 0).toBe(fits);
        } else if (!within) {
          expect(problems.length).toBeGreaterThan(0); // the byte estimate may refuse more, never less
        }
      }),
      { numRuns: 500 },
    );
  });

  it('handles deep and wide generated documents with the default limits', () => {
    const shapeArb = fc.array(fc.constantFrom('array', 'object', 'wide'), { minLength: 1, maxLength: 3_000 });
    fc.assert(
      fc.property(shapeArb, (steps) => {
        let value: unknown = 'leaf';
        for (const step of steps) {
          if (step === 'array') value = [value];
          else if (step === 'object') value = { k: value };
          else value = Array.from({ length: 200 }, (_, i) => (i === 0 ? value : i));
        }
        const problems = checkShape(value);
        expect(problems.length).toBeLessThanOrEqual(1);
        if (steps.length > defaultLimits.maxDepth) expect(problems[0]?.message).toMatch(/nested deeper than 64 levels/);
        for (const p of problems) expect(resolves(value, p.path)).toBe(true);
      }),
      { numRuns: 50 },
    );
  });
});

/** Reference measures, recursive (fine for fast-check's small values). */
function measure(v: unknown, depth = 1): { depth: number; nodes: number; widest: number } {
  if (v === null || typeof v !== 'object') return { depth: 0, nodes: 1, widest: 0 };
  const children = Array.isArray(v) ? v : Object.keys(v).map((k) => (v as Record<string, unknown>)[k]);
  let out = { depth, nodes: 1, widest: children.length };
  for (const c of children) {
    const m = measure(c, depth + 1);
    out = { depth: Math.max(out.depth, m.depth), nodes: out.nodes + m.nodes, widest: Math.max(out.widest, m.widest) };
  }
  return out;
}

/** Whether a JSON Pointer names a node of `value`. */
function resolves(value: unknown, path: string): boolean {
  if (path === '') return true;
  let cur = value;
  for (const token of path.slice(1).split('/').map((t) => t.replace(/~1/g, '/').replace(/~0/g, '~'))) {
    if (cur === null || typeof cur !== 'object' || !Object.hasOwn(cur, token)) return false;
    cur = (cur as Record<string, unknown>)[token];
  }
  return true;
}
