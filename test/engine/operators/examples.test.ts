/**
 * Every operator's documented examples are true: each example is evaluated by calling the
 * operators' fn directly (nested non-lazy operators first, literals as they are), so the docs
 * the editor shows can never drift from the behaviour. Examples that need a lazy operator
 * (var, map, if...) are left to the compiler's tests.
 */
import { describe, expect, it } from 'vitest';
import { operators, operatorsByName } from '../../../server/engine/operators/index.ts';
import { testEnv } from './env.ts';

const LAZY = Symbol('lazy');

/** json-logic: an object with exactly one key is an operation; arrays evaluate element-wise; anything else is a literal. */
function evaluate(expr: unknown): unknown {
  if (Array.isArray(expr)) {
    const items = expr.map(evaluate);
    return items.includes(LAZY) ? LAZY : items;
  }
  if (expr === null || typeof expr !== 'object' || Object.keys(expr).length !== 1) return expr;
  const [name, raw] = Object.entries(expr)[0]!;
  const spec = operatorsByName.get(name);
  if (!spec) throw new Error(`unknown operator ${name}`);
  if (spec.lazy || !spec.fn) return LAZY;
  const args = (Array.isArray(raw) ? raw : [raw]).map(evaluate);
  if (args.includes(LAZY)) return LAZY;
  return spec.fn(args, testEnv());
}

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
    const got = evaluate(expr);
    if (got === LAZY) return; // needs the compiler
    expect(got).toEqual(want);
  });

  it('checks every example of the time, money and collection operators directly', () => {
    const mine = operators.filter((o) => ['time', 'money', 'collections'].includes(o.family));
    for (const spec of mine) for (const [expr] of spec.examples) expect(evaluate(expr)).not.toBe(LAZY);
  });
});
