/**
 * The operator registry is documented: unique names, a doc for each, one to three examples
 * for the library operators, and every example holds when compiled and evaluated exactly as
 * a policy would (so the docs the editor shows can never drift from the behaviour).
 */
import { describe, expect, it } from 'vitest';
import { operators } from '../../../server/engine/operators/index.ts';
import { evalExpr } from '../../helpers/engine.ts';

describe('operator registry', () => {
  it('gives every operator a unique name', () => {
    expect(new Set(operators.map((o) => o.name)).size).toBe(operators.length);
  });

  it.each(operators.map((o) => [o.name, o] as const))('documents %s with a non-empty doc', (_name, spec) => {
    expect(spec.doc.trim().length).toBeGreaterThan(0);
    expect(spec.fn !== undefined || spec.lazy === true).toBe(true);
  });

  it.each(operators.filter((o) => ['time', 'money', 'collections'].includes(o.family)).map((o) => [o.name, o] as const))(
    'gives %s one to three examples', (_name, spec) => {
      expect(spec.examples.length).toBeGreaterThanOrEqual(1);
      expect(spec.examples.length).toBeLessThanOrEqual(3);
    });
});

const cases = operators.flatMap((spec) => spec.examples.map(([expr, want], i) => [`${spec.name} #${i + 1}: ${JSON.stringify(expr)}`, spec, expr, want] as const));

describe('operator examples', () => {
  it.each(cases)('%s', (_title, spec, expr, want) => {
    expect(Object.keys(expr as object)).toEqual([spec.name]);
    expect(evalExpr(expr, {})).toEqual(want);
  });
});
