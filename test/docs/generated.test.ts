/** Generated docs are committed and must match their sources (run `npm run docs` after a change). */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { renderOperatorsDoc } from '../../scripts/operators-doc.ts';
import { renderPoliciesDoc } from '../../scripts/policies-doc.ts';

const committed = (file: string) => readFileSync(new URL(`../../docs/${file}`, import.meta.url), 'utf8');

describe('generated docs', () => {
  it('docs/operators.md matches the operator registry', () => {
    expect(committed('operators.md')).toBe(renderOperatorsDoc());
  });
  it('docs/policies.md matches policies/', () => {
    expect(committed('policies.md')).toBe(renderPoliciesDoc());
  });
});
