/**
 * The official JsonLogic conformance suite (../shared/conformance/jsonlogic-tests.json, 278
 * cases) run through our compiler, and a differential check against json-logic-js 2.0.5 on
 * the same cases. Every case for an operator we keep must pass; deliberate deviations are
 * listed below with their reason.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import jsonLogic from 'json-logic-js';
import { describe, expect, it } from 'vitest';
import { compileExpression } from '../../server/engine/compiler.ts';
import { testEnv } from '../helpers/engine.ts';

const suitePath = fileURLToPath(new URL('../../../shared/conformance/jsonlogic-tests.json', import.meta.url));
const raw = JSON.parse(readFileSync(suitePath, 'utf8')) as unknown[];
const cases = raw.filter((c): c is [unknown, unknown, unknown] => Array.isArray(c));

/** Operators json-logic-js has that we refuse on purpose (see README, Operators); the suite uses neither. */
const usesRefused = (rule: unknown): boolean => /"(method|log)":/.test(JSON.stringify(rule));

function run(rule: unknown, data: unknown): unknown {
  const fn = compileExpression(rule, '');
  const root = data ?? {};
  return fn(root, { env: testEnv(), root, rec: null });
}

describe('JsonLogic conformance suite', () => {
  it('has the 278 official cases', () => {
    expect(cases).toHaveLength(278);
  });

  const kept = cases.filter(([rule]) => !usesRefused(rule));
  it.each(kept.map((c, i) => [i, JSON.stringify(c[0]).slice(0, 80), c] as const))('case %i %s', (_i, _label, [rule, data, want]) => {
    expect(run(rule, data)).toEqual(want);
  });

  it('gives the same answer as json-logic-js 2.0.5 on every kept case', () => {
    const differ = kept.filter(([rule, data]) => JSON.stringify(run(rule, data)) !== JSON.stringify(jsonLogic.apply(rule as never, data)));
    expect(differ).toEqual([]);
  });
});
