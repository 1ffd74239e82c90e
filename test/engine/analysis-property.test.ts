/**
 * The static analysis is sound: over random policies (rules of comparisons, equalities, `in`,
 * truthiness, `!`, `and`, `or` on an input with an enum, an integer and booleans, and a random
 * decision table whose columns are fed from the schema, an optional field or a computed number),
 * every claim is checked by evaluating the policy on every class of input
 * (each enum value, each boolean or absent, every integer at and around each bound):
 *   - a rule reported unreachable never decides, nor does a dead `otherwise`;
 *   - a table row reported unreachable never hits;
 *   - the example combination of a reported gap makes the lookup give null.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { analyzePolicy } from '../../server/engine/analysis/index.ts';
import { compile, evaluate } from '../../server/engine/index.ts';
import { schemaRegistry } from '../../server/catalog/schema-files.ts';

const REASONS = ['defective', 'changed_mind', 'wrong_item'];
const BOUNDS = [0, 5, 10, 20, 30];
const DAYS = [...new Set(BOUNDS.flatMap((b) => [b - 1, b, b + 1]).filter((d) => d >= 0).concat([100]))];

const input = {
  type: 'object',
  required: ['request'],
  properties: {
    request: {
      type: 'object',
      required: ['reason', 'days', 'member'],
      properties: { reason: { enum: REASONS }, days: { type: 'integer', minimum: 0 }, member: { type: 'boolean' }, coupon: { type: 'boolean' } },
    },
  },
};

const days = { var: 'request.days' };
const reason = { var: 'request.reason' };

const leaf: fc.Arbitrary<unknown> = fc.oneof(
  fc.tuple(fc.constantFrom('<', '<=', '>', '>='), fc.constantFrom(...BOUNDS), fc.boolean()).map(([op, n, flip]) => ({ [op]: flip ? [n, days] : [days, n] })),
  fc.tuple(fc.constantFrom(...BOUNDS), fc.constantFrom(...BOUNDS)).map(([a, b]) => ({ '<=': [Math.min(a, b), days, Math.max(a, b)] })),
  fc.tuple(fc.constantFrom('===', '==', '!==', '!='), fc.constantFrom(...REASONS)).map(([op, r]) => ({ [op]: [reason, r] })),
  fc.subarray(REASONS, { minLength: 1 }).map((s) => ({ in: [reason, s] })),
  fc.constantFrom({ var: 'request.member' }, { var: 'request.coupon' }, { '===': [{ var: 'request.coupon' }, null] }),
  fc.constantFrom(true, false),
);

const condition: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
  node: fc.oneof({ depthSize: 'small', withCrossShrink: true }, leaf, leaf, fc.record({ '!': tie('node') }), fc.record({ and: fc.array(tie('node'), { minLength: 1, maxLength: 3 }) }), fc.record({ or: fc.array(tie('node'), { minLength: 1, maxLength: 3 }) })),
})).node;

const cell: fc.Arbitrary<unknown> = fc.oneof(
  fc.constant('-'),
  fc.constantFrom(...REASONS, 'lost', true, false),
  fc.subarray([...REASONS, 'lost'], { minLength: 1 }).map((s) => ({ in: s })),
  fc.tuple(fc.constantFrom('<', '<=', '>', '>='), fc.constantFrom(...BOUNDS)).map(([op, n]) => ({ [op]: n })),
  fc.tuple(fc.constantFrom(...BOUNDS), fc.constantFrom(...BOUNDS)).map(([a, b]) => ({ '>=': Math.min(a, b), '<=': Math.max(a, b) })),
);

const row = fc.record({ reason: cell, member: cell, days: cell }, { requiredKeys: [] });

const policy = fc.record({
  whens: fc.array(condition, { minLength: 1, maxLength: 5 }),
  rows: fc.array(row, { minLength: 1, maxLength: 5 }),
  withDefault: fc.boolean(),
  // A computed value: the analysis cannot know its values (no gap claims; dead rows over anything).
  computedDays: fc.boolean(),
  couponAsMember: fc.boolean(),
});

function build({ whens, rows, withDefault, computedDays, couponAsMember }: { whens: unknown[]; rows: Array<Record<string, unknown>>; withDefault: boolean; computedDays: boolean; couponAsMember: boolean }) {
  const then = (i: number) => ({ out: i, tableRow: { var: 'hit' } });
  return {
    key: 'prop',
    title: 'Property',
    input,
    tables: {
      t: {
        inputs: [{ name: 'reason' }, { name: 'member' }, { name: 'days' }],
        outputs: [{ name: 'row' }],
        rows: rows.map((when, k) => ({ when, then: { row: k } })),
        ...(withDefault ? { default: { row: -1 } } : {}),
      },
    },
    let: [{ name: 'hit', value: { table: ['t', { reason, member: { var: couponAsMember ? 'request.coupon' : 'request.member' }, days: computedDays ? { '+': [days, 0] } : days }, 'row'] } }],
    rules: whens.map((when, i) => ({ id: `r${i}`, when, then: then(i) })),
    otherwise: { then: then(-1) },
  };
}

/** Every class of input: each reason, member, coupon true/false/absent, days at and around each bound. */
const INPUTS = REASONS.flatMap((r) =>
  [true, false].flatMap((member) => [true, false, undefined].flatMap((coupon) => DAYS.map((d) => ({ request: { reason: r, days: d, member, ...(coupon === undefined ? {} : { coupon }) } })))),
);

const registry = schemaRegistry();

describe('static analysis soundness (property)', () => {
  it('never claims what an evaluation contradicts', () => {
    let claims = 0;
    fc.assert(
      fc.property(policy, (p) => {
        const doc = build(p);
        const compiled = compile(doc, { registry });
        if (!compiled.ok) throw new Error(JSON.stringify(compiled.problems));
        const decided = new Set<string>();
        const rowsHit = new Set<unknown>();
        for (const inp of INPUTS) {
          const r = evaluate(compiled.policy, inp, '2024-01-01T00:00:00Z');
          if (!r.ok) throw new Error(JSON.stringify(r.error));
          decided.add(String(r.decision.rule));
          rowsHit.add(r.decision.tableRow);
        }
        for (const w of analyzePolicy(doc, { schema: registry.schema })) {
          claims++;
          const rule = /^\/rules\/(\d+)\/when$/.exec(w.path);
          if (w.code === 'unreachable-rule') expect(decided.has(`r${rule![1]}`), w.message).toBe(false);
          else if (w.code === 'unreachable-otherwise') expect(decided.has('otherwise'), w.message).toBe(false);
          else if (w.code === 'table-unreachable-row') expect(rowsHit.has(Number(/rows\/(\d+)$/.exec(w.path)![1])), w.message).toBe(false);
          else if (w.code === 'table-gap') {
            const example = /has no row for (.*?)(;|$)/.exec(w.message)![1]!;
            const values = Object.fromEntries(example.split(', ').map((pair) => pair.split(' = ')).map(([k, v]) => [k, JSON.parse(v!)]));
            // The member column reads request.coupon when couponAsMember (null: the field absent).
            const request: Record<string, unknown> = { reason: REASONS[0], days: 0, member: false, ...values };
            if (p.couponAsMember) {
              delete request.coupon;
              if (values.member !== null && values.member !== undefined) request.coupon = values.member;
              request.member = false;
            }
            const r = evaluate(compiled.policy, { request }, '2024-01-01T00:00:00Z');
            if (!r.ok) throw new Error(JSON.stringify(r.error));
            expect(r.ok && r.decision.tableRow, w.message).toBe(null);
          }
        }
      }),
      { numRuns: 300, seed: 20261123 },
    );
    // The generator does make the analysis claim things.
    expect(claims).toBeGreaterThan(100);
  });
});

describe('date windows (property)', () => {
  const DATES = ['2024-01-01', '2024-01-02', '2024-01-03', '2024-01-05'];
  const x = { var: 'request.when' };
  const bound: fc.Arbitrary<unknown> = fc.oneof(
    fc.tuple(fc.constantFrom('isBefore', 'isOnOrBefore'), fc.constantFrom(...DATES), fc.boolean()).map(([op, d, lower]) => ({ [op]: lower ? [d, x] : [x, d] })),
    fc.tuple(fc.constantFrom('<', '<=', '>', '>='), fc.constantFrom(...DATES), fc.boolean(), fc.integer({ min: -2, max: 2 }), fc.boolean()).map(([op, d, fromDate, k, flip]) => {
      const days = { daysBetween: fromDate ? [d, x] : [x, d] };
      return { [op]: flip ? [k, days] : [days, k] };
    }),
  );
  const doc = (conds: unknown[]) => ({
    key: 'dates',
    title: 'Dates',
    input: { type: 'object', required: ['request'], properties: { request: { type: 'object', required: ['when'], properties: { when: { type: 'string' } } } } },
    rules: [{ id: 'window', when: { and: conds }, then: { open: true } }],
    otherwise: { then: { open: false } },
  });
  // Every day around the bounds, at its first and last instant.
  const INSTANTS = ['2023-12-29', '2023-12-30', '2023-12-31', ...Array.from({ length: 9 }, (_, i) => `2024-01-0${i + 1}`)].flatMap((d) => [d, `${d}T00:00:00Z`, `${d}T23:59:59.999Z`]);

  it('a window reported never open is open for no instant', () => {
    let claims = 0;
    fc.assert(
      fc.property(fc.array(bound, { minLength: 2, maxLength: 3 }), (conds) => {
        const d = doc(conds);
        const compiled = compile(d, { registry });
        if (!compiled.ok) throw new Error(JSON.stringify(compiled.problems));
        const warned = analyzePolicy(d, { schema: registry.schema }).filter((w) => w.code === 'empty-date-window');
        if (warned.length === 0) return;
        claims++;
        for (const when of INSTANTS) {
          const r = evaluate(compiled.policy, { request: { when } }, '2024-01-01T00:00:00Z');
          expect(r.ok && r.decision.rule, `${when}: ${warned[0]!.message}`).toBe('otherwise');
        }
      }),
      { numRuns: 400, seed: 20261124 },
    );
    expect(claims).toBeGreaterThan(20);
  });
});
