/** docs/operators.md is generated from the registry, and every documented example holds through the compiler. */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { operators } from '../../server/engine/index.ts';
import { renderOperatorsDoc } from '../../scripts/operators-doc.ts';
import { evalExpr } from '../helpers/engine.ts';

describe('docs/operators.md', () => {
  it('is up to date with the operator registry (npm run docs:operators)', () => {
    expect(readFileSync(new URL('../../docs/operators.md', import.meta.url), 'utf8')).toBe(renderOperatorsDoc());
  });

  const examples = operators.flatMap((op) => op.examples.map((ex, i) => [`${op.name} #${i + 1}`, ex] as const));
  it.each(examples)('example %s evaluates as documented', (_label, [rule, want]) => {
    expect(evalExpr(rule, {})).toEqual(want);
  });
});
