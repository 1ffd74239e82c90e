/**
 * Frame mode (scope reads as array slots, server/engine/frames.ts) answers exactly as object
 * mode (the scope as an object copied from the input), on the seed policies and on documents
 * written to hit the corners: derived values that shadow input keys or are read before they
 * are defined, per-item values shadowing the order's, "items" read before the items exist, an
 * input key "__proto__", root inside iterations, defaults, and the trace of every read; with
 * closures, and with the phases generated as JavaScript once a policy is hot (codegen.ts).
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { evaluate, testInput } from '../../server/engine/index.ts';
import type { CompiledPolicy } from '../../server/engine/index.ts';
import { frameLayouts, HOT_AFTER } from '../../server/engine/frames.ts';
import { LocalCatalog } from '../../server/catalog/local-catalog.ts';
import { compileOk } from '../helpers/engine.ts';

/** The same document compiled in object mode: one derived value reads the scope as a whole. */
function objectMode(doc: Record<string, unknown>): Record<string, unknown> {
  return { ...doc, totals: [...((doc.totals as unknown[] | undefined) ?? []), { name: 'zzScope', value: { '!!': [{ var: '' }] } }] };
}
/** The answer without the extra derived value objectMode adds. */
function strip(result: ReturnType<typeof evaluate>): unknown {
  const copy = JSON.parse(JSON.stringify(result)) as { trace?: { totals?: Array<{ name: string }> } };
  if (copy.trace?.totals) copy.trace.totals = copy.trace.totals.filter((t) => t.name !== 'zzScope');
  return copy;
}

function pair(doc: Record<string, unknown>): [CompiledPolicy, CompiledPolicy] {
  const frame = compileOk(doc);
  const object = compileOk(objectMode(doc));
  expect(frameLayouts.has(frame.main)).toBe(true);
  expect(frameLayouts.has(object.main)).toBe(false);
  return [frame, object];
}

const corners = {
  key: 'corners',
  title: 'Frame corners',
  input: { type: 'object' },
  params: { limit: { value: 2, description: 'A limit.' } },
  let: [
    { name: 'early', value: { var: 'late', 'x': 1 } },
    { name: 'late', value: { cat: ['late:', { var: 'late' }] } },
    { name: 'orderId', value: { var: 'order.id' } },
    { name: 'seenItems', value: { var: ['items', 'none yet'] } },
    { name: 'proto', value: { var: 'zz' } },
    { name: 'limit', value: { var: 'params.limit' } },
    { name: 'now2', value: { var: 'now' } },
  ],
  each: {
    over: { var: 'request.lines' },
    let: [
      { name: 'early3', value: { cat: [{ var: 'early' }, '/', { var: 'item.sku' }, { var: 'late3' }] } },
      { name: 'late3', value: { var: 'item' } },
      { name: 'siblings', value: { filter: [{ var: 'request.lines' }, { '!==': [{ var: 'sku' }, { root: 'item.sku' }] }] } },
      { name: 'idx', value: { '+': [{ var: 'itemIndex' }, { root: ['missing.path', 10] }] } },
      { name: 'mapped', value: { map: [{ var: 'siblings' }, { cat: [{ var: 'sku' }, { root: 'early' }, { var: ['nope', '-'] }] }] } },
    ],
    rules: [{ id: 'first', when: { '===': [{ var: 'itemIndex' }, 0] }, then: { sku: { var: 'item.sku' }, early: { var: 'early' }, idx: { var: 'idx' }, mapped: { var: 'mapped' }, params: { var: 'params' }, early3: { var: 'early3' }, late3: { var: 'late3' } } }],
    otherwise: { then: { sku: { var: 'item.sku' }, early: { var: 'early' }, siblings: { count: [{ var: 'siblings' }] } } },
  },
  totals: [{ name: 'n', value: { count: [{ var: 'items' }] } }, { name: 'early2', value: { var: 'early' } }],
  rules: [{ id: 'r', when: { var: 'n' }, then: { early: { var: 'early' }, late: { var: 'late' }, orderId: { var: 'orderId' }, seenItems: { var: 'seenItems' }, proto: { var: 'proto' }, limit: { var: 'limit' }, late3: { var: 'late3' }, now2: { var: 'now2' }, n: { var: 'n' } } }],
  otherwise: { then: { none: true } },
};

const inputs = [
  { order: { id: 'O-1' }, request: { lines: [{ sku: 'A' }, { sku: 'B' }, { sku: 'A' }] }, late: 'input-late', items: 'input-items', early: 'input-early' },
  JSON.parse('{"__proto__": {"a": "own proto key"}, "zz": "zz", "late3": "input late3", "order": {"id": 7}, "request": {"lines": [{"sku": "Z"}]}, "params": "input params", "now": "input now"}'),
  { request: { lines: [] } },
  { order: null, request: { lines: [{ sku: null }, {}] }, item: 'input item', itemIndex: 'input index' },
];

describe('frame mode', () => {
  const [frame, object] = pair(corners);
  const [hot] = pair(corners);
  frameLayouts.get(hot.main)!.tierUp!();
  it.each(inputs.map((input, i) => [i, input]))('answers corner input %i as object mode, decision and trace, closures and generated phases', (_i, input) => {
    for (const trace of [false, true]) {
      const a = evaluate(frame, structuredClone(input), '2024-01-15T10:00:00Z', { trace });
      const b = evaluate(object, structuredClone(input), '2024-01-15T10:00:00Z', { trace });
      const c = evaluate(hot, structuredClone(input), '2024-01-15T10:00:00Z', { trace });
      expect(strip(a)).toEqual(strip(b));
      expect(strip(c)).toEqual(strip(b));
      expect(a.ok).toBe(true);
    }
  });
  it('generates the phases once the policy is hot', () => {
    const [policy] = pair(corners);
    const layout = frameLayouts.get(policy.main)!;
    for (let i = 0; i < HOT_AFTER - 1; i++) evaluate(policy, inputs[0], '2024-01-15T10:00:00Z');
    expect(layout.program).toBeNull();
    evaluate(policy, inputs[0], '2024-01-15T10:00:00Z');
    expect(layout.program).not.toBeNull();
  });

  it('reads a derived value before its definition from the input', () => {
    const r = evaluate(frame, inputs[1], '2024-01-15T10:00:00Z');
    expect(r.ok && r.decision.proto).toBe('zz');
    expect(r.ok && r.decision.limit).toBe(2);
    expect(r.ok && r.decision.late3).toBe('input late3');
    const first = evaluate(frame, inputs[0], '2024-01-15T10:00:00Z');
    expect(first.ok && first.decision.late).toBe('late:input-late');
    expect(first.ok && first.decision.seenItems).toBe('input-items');
  });

  it('answers random inputs as object mode', () => {
    const value = fc.oneof(fc.string({ maxLength: 3 }), fc.integer({ min: -3, max: 3 }), fc.constant(null), fc.boolean());
    const line = fc.record({ sku: fc.oneof(fc.constantFrom('A', 'B'), value) }, { requiredKeys: [] });
    const input = fc.record({
      order: fc.oneof(fc.record({ id: value }), value),
      request: fc.record({ lines: fc.array(line, { maxLength: 4 }) }),
      late: value, items: value, early: value, item: value, itemIndex: value, params: value, now: value, n: value, late3: value, zz: value,
    }, { requiredKeys: ['request'] });
    fc.assert(fc.property(input, fc.boolean(), (inp, trace) => {
      const want = strip(evaluate(object, inp, '2024-01-15T10:00:00Z', { trace }));
      expect(strip(evaluate(frame, inp, '2024-01-15T10:00:00Z', { trace }))).toEqual(want);
      expect(strip(evaluate(hot, inp, '2024-01-15T10:00:00Z', { trace }))).toEqual(want);
    }), { numRuns: 500 });
  });
});

describe('frame mode on the seed policies', () => {
  const catalog = LocalCatalog.load();
  for (const ref of catalog.refs()) {
    const [tenant, key] = ref.split('/') as [string, string];
    const source = catalog.policy(tenant, key)!;
    for (const v of source.versions) {
      it(`${ref} version ${v.version} decides its samples and tests as object mode`, () => {
        const [frame, object] = pair(v.document as unknown as Record<string, unknown>);
        const samples = catalog.tenants.find((t) => t.tenant === tenant)!.samples.filter((s) => (s.sample.requests as Record<string, unknown>)?.[key] !== undefined);
        const cases = [
          ...samples.map((s) => ({ input: { order: s.sample.order, request: (s.sample.requests as Record<string, unknown>)[key] }, at: s.sample.at as string, params: undefined })),
          ...(frame.document.tests ?? []).map((t) => ({ input: testInput(frame, t), at: t.at, params: t.params })),
        ];
        expect(cases.length).toBeGreaterThan(0);
        const layout = frameLayouts.get(frame.main)!;
        // Closures first, then the phases generated as JavaScript (as once the policy is hot).
        for (const generated of [false, true]) {
          if (generated) {
            layout.tierUp!();
            expect(layout.program).not.toBeNull();
          }
          for (const c of cases) {
            for (const trace of [false, true]) {
              const options = { trace, ...(c.params ? { params: c.params } : {}) };
              expect(strip(evaluate(frame, c.input, c.at, options))).toEqual(strip(evaluate(object, c.input, c.at, options)));
            }
          }
        }
      });
    }
  }
});
