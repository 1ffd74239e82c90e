/**
 * A hot policy lets its closures go once its phases are generated (closure-tree.ts) and builds
 * them again for the next traced evaluation: decisions, traces, explanations and run-time
 * errors stay those of a policy that never let them go, on every seed policy and sample.
 */
import { describe, expect, it } from 'vitest';
import { evaluate, explain, testInput } from '../../server/engine/index.ts';
import type { CompiledPolicy } from '../../server/engine/index.ts';
import { LazyPhase } from '../../server/engine/closure-tree.ts';
import { frameLayouts } from '../../server/engine/frames.ts';
import { LocalCatalog } from '../../server/catalog/local-catalog.ts';
import { compileOk } from '../helpers/engine.ts';

/** Whether the policy holds its closures now. */
function holding(policy: CompiledPolicy): boolean {
  expect(policy.main).toBeInstanceOf(LazyPhase);
  return (policy.main as LazyPhase).tree.holding;
}

function tierUp(policy: CompiledPolicy): void {
  const layout = frameLayouts.get(policy.main)!;
  layout.tierUp!();
  expect(layout.program).not.toBeNull();
}

describe('closures let go once the phases are generated', () => {
  const catalog = LocalCatalog.load();
  for (const ref of catalog.refs()) {
    const [tenant, key] = ref.split('/') as [string, string];
    const source = catalog.policy(tenant, key)!;
    for (const v of source.versions) {
      it(`${ref} version ${v.version}: the same decisions, traces and explanations after the closures are built again`, () => {
        const cold = compileOk(v.document);
        const hot = compileOk(v.document);
        expect(holding(hot)).toBe(true);
        tierUp(hot);
        expect(holding(hot)).toBe(false);
        const samples = catalog.tenants.find((t) => t.tenant === tenant)!.samples.filter((s) => (s.sample.requests as Record<string, unknown>)?.[key] !== undefined);
        const cases = [
          ...samples.map((s) => ({ input: { order: s.sample.order, request: (s.sample.requests as Record<string, unknown>)[key] }, at: s.sample.at as string, params: undefined })),
          ...(cold.document.tests ?? []).map((t) => ({ input: testInput(cold, t), at: t.at, params: t.params })),
        ];
        expect(cases.length).toBeGreaterThan(0);
        for (const c of cases) {
          const options = c.params ? { params: c.params } : {};
          // Untraced first: the generated phases, the closures still let go.
          expect(evaluate(hot, c.input, c.at, options)).toEqual(evaluate(cold, c.input, c.at, options));
          expect(holding(hot)).toBe(false);
        }
        for (const c of cases) {
          const options = { trace: true, ...(c.params ? { params: c.params } : {}) };
          const want = evaluate(cold, c.input, c.at, options);
          const got = evaluate(hot, c.input, c.at, options);
          expect(got).toEqual(want);
          expect(holding(hot)).toBe(true);
          if (want.ok && got.ok) expect(explain(hot, c.input, got.trace!, got.decision)).toEqual(explain(cold, c.input, want.trace!, want.decision));
        }
      });
    }
  }
});

describe('a policy with items decides through its generated list', () => {
  const doc = {
    key: 'lines',
    title: 'Lines',
    input: { type: 'object' },
    each: {
      over: { var: 'request.lines' },
      rules: [{ id: 'big', when: { '>': [{ var: 'item.qty' }, 2] }, then: { big: true } }],
      otherwise: { then: { big: false } },
    },
    totals: [{ name: 'bigLines', value: { count: [{ filter: [{ var: 'items' }, { var: 'big' }] }] } }],
    rules: [{ id: 'some', when: { '>': [{ var: 'bigLines' }, 0] }, then: { bigLines: { var: 'bigLines' } } }],
    otherwise: { then: { bigLines: 0 } },
  };
  const inputs = [
    { request: { lines: [{ qty: 1 }, { qty: 3 }, { qty: 5 }] } },
    { request: { lines: [] } },
    { request: { lines: 'not a list' } },
    { request: {} },
  ];
  it('answers each input, its items and the error of a list that is not one, as before the closures were let go', () => {
    const cold = compileOk(doc);
    const hot = compileOk(doc);
    tierUp(hot);
    for (const input of inputs) {
      for (const trace of [false, true]) {
        expect(evaluate(hot, input, '2024-01-15T10:00:00Z', { trace })).toEqual(evaluate(cold, input, '2024-01-15T10:00:00Z', { trace }));
      }
    }
    const wrong = evaluate(hot, inputs[2], '2024-01-15T10:00:00Z');
    expect(wrong.ok === false && wrong.error.kind === 'runtime' && wrong.error.path).toBe('/each/over');
  });
});
