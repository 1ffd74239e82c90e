/**
 * Generated JavaScript (server/engine/codegen.ts) computes exactly what the closures of
 * compiler.ts compute (the definition), in frame mode: on random expressions over random scopes
 * (standard operators, var and root with paths and defaults, iteration, reduce, object, table,
 * money and time operators), the same value or the same error, and the same trace reads.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compileExpression, EvalFault } from '../../server/engine/compiler.ts';
import type { CompileScope, Compiled, EvalContext } from '../../server/engine/compiler.ts';
import { generateExpressions } from '../../server/engine/codegen.ts';
import { FrameBuilder } from '../../server/engine/frames.ts';
import { compileTable } from '../../server/engine/tables.ts';
import { testEnv } from '../helpers/engine.ts';

const names = ['a', 'b', 'xs', 'o', 'item', 'missing'];
const scalar = fc.oneof(fc.integer({ min: -5, max: 5 }), fc.constantFrom(0.5, 1.005, 'a', 'b', '1', '', '0', 'x.y', '2024-01-31', '2024-02-29T10:00:00Z', 'esl'), fc.boolean(), fc.constant(null));
const value = fc.oneof(scalar, fc.array(scalar, { maxLength: 4 }), fc.record({ p: scalar, q: fc.array(scalar, { maxLength: 3 }) }, { requiredKeys: [] }));
const scopeValues = fc.record({ a: value, b: value, xs: fc.array(fc.oneof(scalar, fc.record({ sku: scalar, n: scalar })), { maxLength: 4 }), o: fc.record({ p: scalar, q: fc.array(scalar, { maxLength: 3 }) }), item: fc.record({ sku: scalar }) }, { requiredKeys: [] });
const path = fc.constantFrom('a', 'b', 'xs', 'o.p', 'o', 'o.q.1', 'xs.0', 'xs.0.sku', 'missing', 'item.sku', 'sku', 'n', 'current', 'accumulator', 'current.sku', 'a.length', 'b.0');

const expr: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
  node: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    scalar,
    path.map((p) => ({ var: p })),
    fc.tuple(path, scalar).map(([p, d]) => ({ var: [p, d] })),
    path.map((p) => ({ root: p })),
    fc.tuple(fc.constantFrom('==', '===', '!=', '!==', '>', '>=', '<', '<=', '+', '-', '*', '/', '%', 'in', 'cat', 'min', 'max', 'merge'), tie('node'), tie('node')).map(([op, x, y]) => ({ [op]: [x, y] })),
    fc.tuple(fc.constantFrom('<', '<=', '+', '*', 'if', 'and', 'or'), tie('node'), tie('node'), tie('node')).map(([op, x, y, z]) => ({ [op]: [x, y, z] })),
    fc.tuple(fc.constantFrom('and', 'or', 'if', '?:', 'merge', 'cat', '+', '-', '*'), fc.array(tie('node'), { maxLength: 5 })).map(([op, xs]) => ({ [op]: xs })),
    fc.tuple(fc.constantFrom('!', '!!', '-', '+'), tie('node')).map(([op, x]) => ({ [op]: [x] })),
    fc.tuple(fc.constantFrom('map', 'filter', 'all', 'some', 'none'), fc.constantFrom({ var: 'xs' }, { var: 'o.q' }, { var: 'a' }), tie('node')).map(([op, s, x]) => ({ [op]: [s, x] })),
    fc.tuple(tie('node'), scalar).map(([x, init]) => ({ reduce: [{ var: 'xs' }, { '+': [{ var: 'accumulator' }, x] }, init] })),
    fc.tuple(tie('node'), tie('node')).map(([x, y]) => ({ object: { k: x, l: y } })),
    tie('node').map((x) => [x, 1]),
    fc.tuple(fc.constantFrom('money', 'round', 'floor', 'date', 'sum', 'count', 'maxOf', 'get'), tie('node')).map(([op, x]) => ({ [op]: op === 'get' ? [x, 'p'] : [x] })),
    fc.tuple(fc.constantFrom('daysBetween', 'addDays', 'round'), tie('node'), tie('node')).map(([op, x, y]) => ({ [op]: [x, y] })),
    tie('node').map((x) => ({ table: ['t', { category: x }, 'rate'] })),
    tie('node').map((x) => ({ table: ['t', { category: x }] })),
    fc.tuple(tie('node'), tie('node'), fc.constantFrom('rate', 'eta', 'list', 'none')).map(([x, y, col]) => ({ table: ['t', { n: y, category: x }, col] })),
    fc.tuple(tie('node'), tie('node')).map(([x, col]) => ({ table: ['u', { category: x }, col] })),
    tie('node').map((x) => ({ table: ['t', { category: x, other: 1 }, 'eta'] })),
    fc.constant({ missing: ['a', 'b'] }).map(() => ({ map: [{ var: 'xs' }, { missing: ['sku', 'n'] }] })),
    fc.constant({ now: [] }),
    fc.constant({ and: [] }), // undefined, which some operators test for
  ),
})).node;

const tables = new Map([
  ['t', compileTable('t', { inputs: [{ name: 'category' }, { name: 'n' }], outputs: [{ name: 'rate' }], rows: [
    { when: { category: 'esl', n: '-' }, then: { rate: 0.5, eta: { min: 1 } } },
    { when: { category: { in: [1, 2] } }, then: { rate: 1, list: [1, { a: 'b' }] } },
    { when: { n: { '<': 2, '>=': -1 }, category: { '!=': 'b' } }, then: { rate: 2 } },
    { when: { category: { notIn: ['a', null, true] }, n: { '>': 'a' } }, then: { rate: 3 } },
    { when: { category: { '==': null } }, then: { rate: 4 } },
  ], default: { rate: 0 } })],
  ['u', compileTable('u', { inputs: [{ name: 'category' }], outputs: [{ name: 'x' }], rows: [{ when: { category: 'a' }, then: { x: 1 } }] })],
]);

function outcome(fn: Compiled, frame: unknown[], trace: boolean, steps = 1_000_000): string {
  const ctx: EvalContext = { env: testEnv({ tables, budget: { steps, maxCollection: 1000 } }), root: frame, rec: trace ? new Map() : null };
  try {
    const v = fn(frame, ctx);
    return JSON.stringify({ v: v === undefined ? 'undefined' : v, rec: ctx.rec ? [...ctx.rec] : null, steps: ctx.env.budget.steps });
  } catch (err) {
    return JSON.stringify({ error: err instanceof EvalFault ? [err.path, err.message, err.budget] : [(err as Error).name, (err as Error).message] });
  }
}

describe('generated code vs closures (frame mode)', () => {
  it('give the same value, error and trace reads on random expressions and scopes', () => {
    fc.assert(
      fc.property(fc.array(expr, { minLength: 1, maxLength: 4 }), scopeValues, fc.boolean(), fc.constantFrom(1_000_000, 3), (exprs, values, trace, steps) => {
        const frame = new FrameBuilder();
        const scope: CompileScope = { tableInputs: (n) => (n === 't' ? ['category', 'n'] : n === 'u' ? ['category'] : null), slot: (n) => frame.slot(n), escape: () => {}, table: (n) => tables.get(n) ?? null };
        const closures = exprs.map((e, i) => compileExpression(e, `/e/${i}`, scope));
        const generated = generateExpressions(exprs.map((node, i) => ({ node, path: `/e/${i}` })), scope)!;
        expect(generated).not.toBeNull();
        const layout = frame.layout({ main: [], each: [], totals: [] });
        const slots = layout.blank.slice();
        for (const n of names) if (Object.prototype.hasOwnProperty.call(values, n) && layout.index.has(n)) slots[layout.index.get(n)!] = (values as Record<string, unknown>)[n];
        exprs.forEach((_e, i) => {
          expect(outcome(generated[i]!, slots.slice(), trace, steps)).toBe(outcome(closures[i]!, slots.slice(), trace, steps));
        });
      }),
      { numRuns: Number(process.env.CODEGEN_RUNS ?? 4000) },
    );
  });

  it('reads own properties only, as the closures do, whatever the prototypes (also with Object.prototype given such a property)', () => {
    // Read first, ownness after: objects without a prototype, plain objects, objects whose prototype
    // has the property, arrays, strings, own undefined, and Object.prototype changed after the code was made.
    class Box { constructor(public p: unknown) {} }
    const inherited = { p: 'inherited p', z: 'inherited z', q: [1, 2] };
    const data = fc.oneof(
      fc.record({ p: scalar, z: scalar }, { requiredKeys: [] }),
      fc.record({ p: scalar, z: scalar }, { requiredKeys: [] }).map((r) => Object.assign(Object.create(null), r)),
      fc.record({ p: scalar }, { requiredKeys: [] }).map((r) => Object.assign(Object.create(inherited), r)),
      fc.constantFrom({ p: undefined, z: 1 }, Object.assign(Object.create(null), { p: undefined }), [1, 2, 3], 'text', '', 0, null, new Box('box p'), { q: { z: 'deep' } }, { toString: 'own', constructor: 1 }),
    );
    const segments = fc.constantFrom('p', 'z', 'q', 'q.z', 'q.1', 'length', '0', 'toString', 'constructor', '__proto__', 'hasOwnProperty', 'p.length');
    const frame = new FrameBuilder();
    const scope: CompileScope = { tableInputs: () => null, slot: (n) => frame.slot(n), escape: () => {} };
    const all = ['p', 'z', 'q', 'q.z', 'q.1', 'length', '0', 'toString', 'constructor', '__proto__', 'hasOwnProperty', 'p.length'];
    const exprs = all.flatMap((seg) => [{ var: `o.${seg}` }, { map: [{ var: 'xs' }, { var: seg }] }, { map: [{ var: 'xs' }, { root: `o.${seg}` }] }]);
    const closures = exprs.map((e, i) => compileExpression(e, `/r/${i}`, scope));
    const generated = generateExpressions(exprs.map((node, i) => ({ node, path: `/r/${i}` })), scope)!;
    const layout = frame.layout({ main: [], each: [], totals: [] });
    const check = () => fc.assert(fc.property(data, fc.array(data, { maxLength: 3 }), segments, (o, xs, seg) => {
      const slots = layout.blank.slice();
      slots[layout.index.get('o')!] = o;
      slots[layout.index.get('xs')!] = xs;
      const i = all.indexOf(seg) * 3;
      for (let j = i; j < i + 3; j++) expect(outcome(generated[j]!, slots.slice(), false)).toBe(outcome(closures[j]!, slots.slice(), false));
    }), { numRuns: 3000 });
    check();
    const added = ['z', 'p', 'q'] as const;
    try {
      for (const k of added) Object.defineProperty(Object.prototype, k, { value: `polluted ${k}`, configurable: true, writable: true });
      check();
    } finally {
      for (const k of added) delete (Object.prototype as Record<string, unknown>)[k];
    }
    expect(({} as Record<string, unknown>).z).toBeUndefined();
  });

  it('puts nothing of the document into the source but JSON string literals and plain numbers', () => {
    const hostile = { cat: ['"); throw 1; ("', { var: 'a"]; throw 1; //' }, { var: ['b', '\u2028\u2029</script>'] }, 1e21, -0, 0.1] };
    const frame = new FrameBuilder();
    const scope: CompileScope = { tableInputs: () => null, slot: (n) => frame.slot(n), escape: () => {} };
    const [fn] = generateExpressions([{ node: hostile, path: '/x' }], scope)!;
    const closure = compileExpression(hostile, '/x', scope);
    const slots = frame.layout({ main: [], each: [], totals: [] }).blank.slice();
    expect(outcome(fn!, slots.slice(), true)).toBe(outcome(closure, slots.slice(), true));
  });
});
