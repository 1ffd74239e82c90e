/**
 * docs/api.md is generated from the route table and committed: it must match what the server
 * registers (run `npm run docs:api` after adding or changing a route).
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { renderApiDoc } from '../../scripts/api-doc.ts';
import { allRouteSpecs } from '../../server/api/routes/index.ts';

describe('docs/api.md', () => {
  const committed = readFileSync(new URL('../../docs/api.md', import.meta.url), 'utf8');

  it('matches the route table (npm run docs:api regenerates it)', () => {
    expect(committed).toBe(renderApiDoc());
  });

  it('lists every /v1 route', () => {
    for (const spec of allRouteSpecs) expect(committed).toContain(`\`${spec.method.toUpperCase()} ${spec.path}\``);
  });
});
