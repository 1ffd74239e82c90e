/**
 * Documents inside every static bound whose evaluation used to build far more than the
 * iteration steps it spent (found by the hostile-document work of issue 7): two nested maps are
 * allowed, and each step could build or copy a 1,000- or 10,000-element array or a
 * 100,000-character string, 10^9-10^10 values in all, so one evaluation exhausted the heap and
 * aborted the whole process. Each is now stopped by the work budget, as a structured runtime
 * error, both by the closures and by the generated code a hot policy runs (after 500 evaluations).
 */
import { describe, expect, it } from 'vitest';
import { evaluate } from '../../server/engine/index.ts';
import { frameLayouts } from '../../server/engine/frames.ts';
import { compileOk } from '../helpers/engine.ts';

const thousand = Array.from({ length: 1000 }, (_, i) => i);
const big = Array.from({ length: 10_000 }, (_, i) => i);
const long = 'x'.repeat(50_000);

const policy = (x: unknown, params: Record<string, unknown> = {}) => ({
  key: 'heavy', title: 'heavy but within the static bounds', input: { type: 'object' }, params,
  rules: [{ id: 'r', when: true, then: { x } }],
  otherwise: { then: { x: null } },
});

const documents: Record<string, ReturnType<typeof policy>> = {
  'merge of a 1,000-element array per step': policy({ map: [thousand, { map: [thousand, { merge: [thousand, { var: '' }] }] }] }),
  'a 10,000-element literal array per step': policy({ map: [thousand, { map: [thousand, big] }] }),
  'cat of 100,000 characters per step': policy({ map: [thousand, { map: [thousand, { cat: [long, long] }] }] }),
  'a 10,000-element param in every result (copied into the answer)': policy({ map: [thousand.slice(0, 300), { map: [thousand.slice(0, 300), { root: 'params.big' }] }] }, { big: { value: big, description: 'a big list' } }),
};

describe('the work budget covers what an evaluation builds, not only its iterations', () => {
  it.each(Object.keys(documents))('%s: stopped by the budget, closures and generated code alike', (name) => {
    const compiled = compileOk(documents[name]);
    // Once as closures, then as the JavaScript generated for a hot policy (frames.ts tierUp,
    // which 500 evaluations would trigger).
    for (const generated of [false, true]) {
      const layout = frameLayouts.get(compiled.main)!;
      if (generated) layout.tierUp?.();
      expect(layout.program !== null && layout.program !== undefined).toBe(generated);
      const result = evaluate(compiled, {}, '2024-01-01T00:00:00Z');
      expect(result.ok).toBe(false);
      if (result.ok) return;
      expect(result.error).toMatchObject({ kind: 'runtime', budgetExceeded: true });
      expect((result.error as { path: string }).path).toMatch(/^\/rules\/0\/then\/x/);
      expect((result.error as { message: string }).message).toMatch(/budget/);
    }
    expect(process.memoryUsage().heapUsed).toBeLessThan(1024 * 1024 * 1024);
  });

  it('a normal result still spends little: a 300 × 3 list of small arrays is decided', () => {
    const compiled = compileOk(policy({ map: [thousand.slice(0, 300), { map: [[1, 2, 3], [{ var: '' }, 1]] }] }));
    const result = evaluate(compiled, {}, '2024-01-01T00:00:00Z');
    expect(result.ok).toBe(true);
    if (result.ok) expect((result.decision.x as unknown[][]).length).toBe(300);
  });
});
