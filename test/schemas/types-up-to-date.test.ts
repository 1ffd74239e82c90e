/** The TypeScript types are generated from schemas/ (the single source of truth) and committed; they must not drift. */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { generateSchemaTypes } from '../../scripts/schema-types.ts';

describe('server/types/schemas.gen.ts', () => {
  it('is what `npm run gen:types` generates from schemas/ now', async () => {
    const committed = readFileSync(new URL('../../server/types/schemas.gen.ts', import.meta.url), 'utf8');
    expect(committed, 'run `npm run gen:types` and commit the result').toBe(await generateSchemaTypes());
  }, 60_000);
});
