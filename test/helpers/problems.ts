/**
 * Assertions on API answers shared by the API tests: a body matches the response schema its
 * route declares, the shape of a problem, and the tenant-isolation rule that another tenant's
 * resource answers exactly like a missing one (same status, type, title, errors, headers; the
 * detail differing only by the id asked for).
 *
 * @example
 *   expectProblem(res, 403);
 *   expectSameAsMissing(await get(`/v1/samples/${soomSample}`), await get('/v1/samples/no-such'), soomSample, 'no-such');
 */
import { expect } from 'vitest';
import { schemaRegistry } from '../../server/catalog/schema-files.ts';
import type { ApiResponse } from './server.ts';

/** The answer's body satisfies the schema (an $id under schemas/), e.g. 'api/audit-page.schema.json'. */
export function expectSchema(res: ApiResponse, schemaId: string): void {
  expect(schemaRegistry().compile({ $ref: schemaId })(res.body), `${schemaId}: ${res.text.slice(0, 300)}`).toEqual([]);
}

export function expectProblem(res: ApiResponse, status: number, type?: string): void {
  expect(res.status, res.text).toBe(status);
  expect(res.headers.get('content-type')).toBe('application/problem+json');
  expect(res.body).toMatchObject({ status, type: expect.any(String), title: expect.any(String), detail: expect.any(String), errors: expect.any(Array) });
  if (type) expect(res.body.type).toBe(type);
}

/** The problem paths of a 4xx answer, sorted. */
export function problemPaths(res: ApiResponse): string[] {
  return (res.body.errors as Array<{ path: string }>).map((e) => e.path).sort();
}

/**
 * A foreign id's answer equals a missing id's answer, once the id itself is swapped: nothing in
 * it (status, type, title, detail wording, errors, content type) tells the two apart.
 */
export function expectSameAsMissing(foreign: ApiResponse, missing: ApiResponse, foreignId: string, missingId: string): void {
  expectProblem(foreign, 404);
  expectProblem(missing, 404);
  const { instance: _a, ...f } = foreign.body;
  const { instance: _b, ...m } = missing.body;
  expect(JSON.parse(JSON.stringify(f).replaceAll(foreignId, '<id>'))).toEqual(JSON.parse(JSON.stringify(m).replaceAll(missingId, '<id>')));
  for (const h of ['content-type', 'cache-control', 'etag', 'location']) expect(foreign.headers.get(h)).toBe(missing.headers.get(h));
}

/** Polls until `check` holds; returns the milliseconds it took (or fails after `limitMs`). */
export async function within(limitMs: number, check: () => Promise<boolean>): Promise<number> {
  const started = Date.now();
  while (!(await check())) {
    if (Date.now() - started > limitMs) throw new Error(`not in force after ${limitMs} ms`);
    await new Promise((r) => setTimeout(r, 20));
  }
  return Date.now() - started;
}
