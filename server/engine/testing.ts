/**
 * Runs a policy's embedded tests: each `{at, input, expect}` is evaluated and the decision
 * must match `expect` partially (every key given equal; arrays element by element and by
 * length) and satisfy the policy's output schema. Publishing is refused while any fails.
 */
import { evaluate } from './evaluate.ts';
import type { Decision, EvaluationError } from './evaluate.ts';
import type { CompiledPolicy, TestDoc } from './policy.ts';

export interface Mismatch {
  /** JSON Pointer into the decision. */
  path: string;
  expected: unknown;
  actual: unknown;
  message: string;
}

export interface TestOutcome {
  name: string;
  /** JSON Pointer of the test in the document, e.g. "/tests/4". */
  path: string;
  passed: boolean;
  mismatches: Mismatch[];
  error?: EvaluationError;
  decision?: Decision;
  /** The rule that decided, to point the author at it. */
  rule?: string;
}

export function runPolicyTests(policy: CompiledPolicy): TestOutcome[] {
  return (policy.document.tests ?? []).map((test, i) => runTest(policy, test, i));
}

export function testInput(policy: CompiledPolicy, test: TestDoc): Record<string, unknown> {
  const base = test.base ? policy.document.fixtures?.[test.base] : undefined;
  return base ? (deepMerge(base, test.input) as Record<string, unknown>) : test.input;
}

function runTest(policy: CompiledPolicy, test: TestDoc, index: number): TestOutcome {
  const path = `/tests/${index}`;
  const result = evaluate(policy, testInput(policy, test), test.at, test.params ? { params: test.params } : {});
  if (!result.ok) {
    return { name: test.name, path, passed: false, mismatches: [], error: result.error };
  }
  const mismatches = partialMatch(test.expect, result.decision, '');
  for (const p of policy.validateOutput?.(result.decision) ?? []) {
    mismatches.push({ path: p.path, expected: 'a decision valid against the output schema', actual: undefined, message: `output schema: ${p.message}` });
  }
  return { name: test.name, path, passed: mismatches.length === 0, mismatches, decision: result.decision, rule: result.decision.rule as string };
}

/** Objects merge recursively; arrays and scalars in `over` replace those in `base`. */
export function deepMerge(base: unknown, over: unknown): unknown {
  if (!isPlainObject(base) || !isPlainObject(over)) return over === undefined ? base : over;
  const out: Record<string, unknown> = { ...base };
  for (const [k, v] of Object.entries(over)) {
    // Own keys only, and "__proto__" as a plain key: a test input {"__proto__": {...}} read
    // base.__proto__ (Object.prototype) and then set the merged input's prototype.
    const merged = deepMerge(Object.prototype.hasOwnProperty.call(base, k) ? base[k] : undefined, v);
    if (k === '__proto__') Object.defineProperty(out, k, { value: merged, enumerable: true, writable: true, configurable: true });
    else out[k] = merged;
  }
  return out;
}

export function partialMatch(expected: unknown, actual: unknown, path: string): Mismatch[] {
  if (isPlainObject(expected)) {
    if (!isPlainObject(actual)) return [mismatch(path, expected, actual)];
    return Object.entries(expected).flatMap(([k, v]) =>
      Object.prototype.hasOwnProperty.call(actual, k) ? partialMatch(v, actual[k], `${path}/${k}`) : [mismatch(`${path}/${k}`, v, undefined)],
    );
  }
  if (Array.isArray(expected)) {
    if (!Array.isArray(actual)) return [mismatch(path, expected, actual)];
    if (actual.length !== expected.length) return [{ ...mismatch(path, expected, actual), message: `expected ${expected.length} elements, got ${actual.length}` }];
    return expected.flatMap((v, i) => partialMatch(v, actual[i], `${path}/${i}`));
  }
  return Object.is(expected, actual) || (expected === 0 && actual === 0) ? [] : [mismatch(path, expected, actual)];
}

function mismatch(path: string, expected: unknown, actual: unknown): Mismatch {
  return { path, expected, actual, message: `expected ${JSON.stringify(expected)}, got ${actual === undefined ? 'nothing' : JSON.stringify(actual)}` };
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}
