/**
 * Auth, roles and tenant isolation on every /v1 route, generated from the route table
 * (allRouteSpecs) against one real server: a route added to the table is covered here with no
 * test of its own. Tenant A is solum, tenant B is soom (they share the policy key "returns",
 * which is why B's ids are chosen among those A does not have).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROLES, can } from '../../server/services/roles.ts';
import type { Role } from '../../server/services/roles.ts';
import { answerShape, foreignValues, matrixRequest, minimalBodyProblems, missingLike, mixedValues, paramCollections, routeName, snapshotTenant, v1Specs } from '../helpers/route-matrix.ts';
import { samples } from '../helpers/orders.ts';
import { sampleBody, startServer } from '../helpers/server.ts';
import type { ApiResponse, TestServer } from '../helpers/server.ts';
import type { RouteSpec } from '../../server/api/route-spec.ts';

const A = 'solum';
const B = 'soom';
let server: TestServer;

beforeAll(async () => {
  server = await startServer();
  // B has a logged decision (logged before it is answered), so /v1/decisions/{id} has a real id of B to probe.
  const withPoints = samples(B).find((s) => s.requests.points)!;
  const decided = await server.post('/v1/policies/points/decide', sampleBody(withPoints, 'points'), await server.key(B, 'decider'));
  expect(decided.status, decided.text).toBe(200);
});
afterAll(() => server?.close());

async function call(spec: RouteSpec, values: Record<string, string>, key?: string): Promise<ApiResponse> {
  const req = matrixRequest(spec, values);
  return server.request(req.method, req.path, { ...(key ? { key } : {}), ...(req.body !== undefined ? { body: req.body } : {}), headers: req.headers });
}

const placeholders = (spec: RouteSpec) => Object.fromEntries(paramCollections(spec).map(([p]) => [p, `no-such-${p}`]));

function expectProblem(res: ApiResponse, status: number, route: string) {
  expect(res.status, `${route}: ${res.text.slice(0, 300)}`).toBe(status);
  expect(res.headers.get('content-type'), route).toBe('application/problem+json');
  expect(res.body, route).toMatchObject({ status, type: expect.any(String), title: expect.any(String), errors: expect.any(Array) });
}

it('covers at least the fixed entry points', () => {
  expect(v1Specs.map(routeName)).toEqual(expect.arrayContaining(['POST /v1/policies/{policy}/decide', 'POST /v1/policies/{policy}/decide/batch']));
});

describe.each(v1Specs.map((s) => [routeName(s), s] as const))('%s', (route, spec) => {
  it('answers 401 problem+json without a key and with a bad key', async () => {
    expectProblem(await call(spec, placeholders(spec)), 401, route);
    expectProblem(await call(spec, placeholders(spec), `pk_000000000000_${'A'.repeat(43)}`), 401, route);
    expectProblem(await call(spec, placeholders(spec), 'not-a-key'), 401, route);
  });

  it.each(ROLES.map((r) => [r] as [Role]))(`answers 403 to a %s key exactly when its role lacks the permission (${spec.permission})`, async (role) => {
    const res = await call(spec, placeholders(spec), await server.key(A, role));
    if (spec.permission && !can(role, spec.permission)) {
      expectProblem(res, 403, route);
    } else {
      expect([401, 403], `${route} as ${role}: ${res.text.slice(0, 300)}`).not.toContain(res.status);
      expect(res.status, `${route} as ${role}: ${res.text.slice(0, 300)}`).toBeLessThan(500);
    }
  });
});

const withParams = v1Specs.filter((s) => paramCollections(s).length > 0);

describe('tenant isolation: another tenant\'s ids answer exactly like missing ones, and change nothing', () => {
  let before: Record<string, string[]>;
  beforeAll(async () => {
    before = await snapshotTenant(server.runtime.db, B);
  });

  it.each(withParams.map((s) => [routeName(s), s] as const))('%s', async (route, spec) => {
    // A 400 for the body would hide the lookup behind it: the minimal body must pass its schema.
    if (spec.body) expect(minimalBodyProblems(spec.body), `${route}: the minimal body does not pass ${spec.body}; give the schema "examples"`).toEqual([]);
    const probes = [await foreignValues(server.runtime.db, spec, B, A), await mixedValues(server.runtime.db, spec, B, A)];
    expect(probes[0], `${route}: tenant ${B} has no resource to probe with`).not.toBeNull();
    // Every role of A that may call the route (the others stop at 403 before any lookup).
    const roles = ROLES.filter((r) => !spec.permission || can(r, spec.permission));
    for (const [foreign, role] of probes.flatMap((p) => roles.map((r) => [p, r] as const))) {
      if (!foreign) continue;
      const key = await server.key(A, role);
      const [leaf] = paramCollections(spec).at(-1)!;
      // The missing variant replaces B's ids (all of them, or the leaf of a mixed probe) by made-up ones of the same shape.
      const missing = Object.fromEntries(Object.entries(foreign).map(([p, v]) => [p, probes[1] === foreign && p !== leaf ? v : missingLike(v)]));
      const ofB = await call(spec, foreign, key);
      const none = await call(spec, missing, key);
      const ids = [...Object.values(foreign), ...Object.values(missing)];
      expect(answerShape(ofB, ids), `${route} as ${A} ${role} with ${JSON.stringify(foreign)} vs ${JSON.stringify(missing)}`).toEqual(answerShape(none, ids));
    }
  });

  it(`left every row of ${B} as it was`, async () => {
    expect(await snapshotTenant(server.runtime.db, B)).toEqual(before);
  });
});
