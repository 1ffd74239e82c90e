/** docs/operators.md is generated from the registry (the examples are checked in operators/examples.test.ts). */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { renderOperatorsDoc } from '../../scripts/operators-doc.ts';

describe('docs/operators.md', () => {
  it('is up to date with the operator registry (npm run docs:operators)', () => {
    expect(readFileSync(new URL('../../docs/operators.md', import.meta.url), 'utf8')).toBe(renderOperatorsDoc());
  });
});
