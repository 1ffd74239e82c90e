/**
 * Auth, roles and tenant isolation on every /v1 route, generated from the route table
 * (allRouteSpecs) against one real server: a route added to the table is covered here with no
 * test of its own. Tenant A is solum, tenant B is soom (they share the policy key "returns",
 * which is why B's ids are chosen among those A does not have).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROLES, can } from '../../server/services/roles.ts';
import { createOperatorKey } from '../../server/services/operator-keys.ts';
import type { Permission, Role } from '../../server/services/roles.ts';
import { readFileSync } from 'node:fs';
import { answerShape, foreignProbes, matrixRequest, minimalBodyProblems, missingLike, mixedValues, paramCollections, routeName, snapshotTenant, v1Specs } from '../helpers/route-matrix.ts';
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
  // B's "returns" (a name A has too) gets versions 2 and 3, which A's returns does not have.
  const editor = await server.key(B, 'editor');
  for (const title of ['Soom returns (second)', 'Soom returns (third)']) {
    const latest = (await server.get('/v1/policies/returns/versions', editor)).body.versions.at(-1).version;
    const document = { ...(await server.get(`/v1/policies/returns/versions/${latest}`, editor)).body.document, title };
    const draft = await server.request('PUT', '/v1/policies/returns/draft', { key: editor, body: { document }, headers: { 'If-None-Match': '*' } });
    expect(draft.status, draft.text).toBe(201);
    const published = await server.request('POST', '/v1/policies/returns/draft/publish', { key: editor, body: { reason: 'matrix: versions A lacks' }, headers: { 'If-Match': draft.headers.get('etag')! } });
    expect(published.status, published.text).toBe(201);
  }
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

it('calls exactly the /v1 operations of /openapi.json, each under the permission the document gives it', async () => {
  const res = await server.get('/openapi.json');
  expect(res.status).toBe(200);
  const methods = new Set(['get', 'put', 'post', 'delete', 'patch', 'head', 'options', 'trace']);
  const documented = Object.entries(res.body.paths as Record<string, Record<string, any>>)
    .filter(([path]) => path.startsWith('/v1/'))
    .flatMap(([path, item]) => Object.entries(item).filter(([m]) => methods.has(m)).map(([m, op]) => `${m.toUpperCase()} ${path} ${op['x-permission'] ?? 'public'}`));
  expect(documented.length).toBeGreaterThan(0);
  expect(v1Specs.map((s) => `${routeName(s)} ${s.permission ?? 'public'}`).sort()).toEqual(documented.sort());
});

/**
 * The role matrix as the README ("Roles") and the roles.ts header state it, written out here
 * rather than read from the code: admin everything; editor everything but keys; decider decide
 * only; viewer read only; every role may ask who it is (self).
 */
const DOCUMENTED: Record<Role, string[]> = {
  admin: ['decide', 'keys', 'publish', 'read', 'self', 'write'],
  editor: ['decide', 'publish', 'read', 'self', 'write'],
  decider: ['decide', 'self'],
  viewer: ['read', 'self'],
};

it('grants each tenant role exactly the documented permissions, in roles.ts and in docs/api.md', async () => {
  // docs/api.md's permission table: | `decide` | ... | admin, editor, decider |
  const apiDoc = readFileSync(new URL('../../docs/api.md', import.meta.url), 'utf8');
  const rows = [...apiDoc.matchAll(/^\| `(\w+)` \| [^|]+ \| ([a-z, ]+) \|$/gm)].map((m) => [m[1]! as Permission, m[2]!.split(', ')] as const);
  const permissions = [...new Set([...Object.values(DOCUMENTED).flat(), ...rows.map(([p]) => p)])].sort() as Permission[];
  // Permissions no tenant role has (a platform operator's, say) are outside this matrix: every tenant role lacks them.
  const granted = (role: Role) => permissions.filter((p) => can(role, p));
  expect(Object.fromEntries(ROLES.map((r) => [r, granted(r)]))).toEqual(DOCUMENTED);
  const tenantRoles = new Set<string>(ROLES);
  expect(Object.fromEntries(rows.map(([p, roles]) => [p, roles.filter((r) => tenantRoles.has(r)).sort()]))).toEqual(
    Object.fromEntries(permissions.map((p) => [p, ROLES.filter((r) => DOCUMENTED[r].includes(p)).sort()])),
  );
  // Every route needs a permission of that table.
  for (const spec of v1Specs) expect(rows.map(([p]) => p), routeName(spec)).toContain(spec.permission);
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

  it(`answers 403 to a platform operator key exactly when the operator lacks the permission (${spec.permission}), and 401 to a made-up one`, async () => {
    const res = await call(spec, placeholders(spec), await operatorKey());
    if (spec.permission && !can('operator', spec.permission)) {
      expectProblem(res, 403, route);
    } else {
      expect([401, 403], `${route} as operator: ${res.text.slice(0, 300)}`).not.toContain(res.status);
      expect(res.status, `${route} as operator: ${res.text.slice(0, 300)}`).toBeLessThan(500);
    }
    expectProblem(await call(spec, placeholders(spec), `po_000000000000_${'A'.repeat(43)}`), 401, route);
  });
});

it('grants a platform operator key only tenants (create tenants, list templates) and self, as roles.ts and docs/api.md say', () => {
  const all: Permission[] = ['decide', 'read', 'write', 'publish', 'keys', 'self', 'tenants'];
  expect(all.filter((p) => can('operator', p))).toEqual(['self', 'tenants']);
  expect(ROLES.filter((r) => can(r, 'tenants'))).toEqual([]);
  const apiDoc = readFileSync(new URL('../../docs/api.md', import.meta.url), 'utf8');
  expect(apiDoc).toMatch(/^\| `tenants` \| [^|]+ \| operator \|$/m);
});

/** A platform operator key (made once): it belongs to no tenant. */
let operator: Promise<string> | undefined;
const operatorKey = () => (operator ??= createOperatorKey(server.runtime.db, { actor: 'test', name: 'route matrix' }).then((k) => k.secret));

const withParams = v1Specs.filter((s) => paramCollections(s).length > 0);

describe('tenant isolation: another tenant\'s ids answer exactly like missing ones, and change nothing', () => {
  let before: Record<string, string[]>;
  beforeAll(async () => {
    before = await snapshotTenant(server.runtime.db, B);
  });

  it.each(withParams.map((s) => [routeName(s), s] as const))('%s', async (route, spec) => {
    // A 400 for the body would hide the lookup behind it: the minimal body must pass its schema.
    if (spec.body) expect(minimalBodyProblems(spec.body), `${route}: the minimal body does not pass ${spec.body}; give the schema "examples"`).toEqual([]);
    // B's names (several of them for the last parameter) under B's parents, and B's leaf id under A's own parent.
    const named = await foreignProbes(server.runtime.db, spec, B, A);
    expect(named.length, `${route}: tenant ${B} has no resource to probe with`).toBeGreaterThan(0);
    const mixed = await mixedValues(server.runtime.db, spec, B, A);
    const probes = [...named.map((values) => ({ values, mixed: false })), ...(mixed ? [{ values: mixed, mixed: true }] : [])];
    // Every role of A that may call the route (the others stop at 403 before any lookup).
    const roles = ROLES.filter((r) => !spec.permission || can(r, spec.permission));
    for (const [probe, role] of probes.flatMap((p) => roles.map((r) => [p, r] as const))) {
      const foreign = probe.values;
      const key = await server.key(A, role);
      const [leaf] = paramCollections(spec).at(-1)!;
      // The missing variant replaces B's ids (all of them, or the leaf of a mixed probe) by made-up ones of the same shape.
      const missing = Object.fromEntries(Object.entries(foreign).map(([p, v]) => [p, probe.mixed && p !== leaf ? v : missingLike(v)]));
      const ofB = await call(spec, foreign, key);
      const none = await call(spec, missing, key);
      const ids = [...Object.values(foreign), ...Object.values(missing)];
      expect(answerShape(ofB, ids), `${route} as ${A} ${role} with ${JSON.stringify(foreign)} vs ${JSON.stringify(missing)}`).toEqual(answerShape(none, ids));
      // Not vacuous: the made-up id got as far as the lookup (a 404, or per-item 404s in a batch), not a 400 before it.
      expect(none.status === 404 || JSON.stringify(none.body).includes('"/problems/not-found"'), `${route} as ${role}: ${none.text.slice(0, 300)}`).toBe(true);
    }
  });

  it(`answers ${B}'s names in queries and bodies exactly like made-up ones`, async () => {
    const db = server.runtime.db;
    const viewer = await server.key(A, 'viewer');
    const editor = await server.key(A, 'editor');
    const bSample = String((await db.execute({ sql: "SELECT name FROM samples WHERE tenant = ? AND name LIKE 'soom-%' ORDER BY name LIMIT 1", args: [B] })).rows[0]!.name);
    const bDecision = String((await db.execute({ sql: 'SELECT id, rule FROM decisions WHERE tenant = ? LIMIT 1', args: [B] })).rows[0]!.id);
    const bRule = String((await db.execute({ sql: 'SELECT rule FROM decisions WHERE tenant = ? AND rule IS NOT NULL LIMIT 1', args: [B] })).rows[0]!.rule);
    const bKey = (await server.actor(B, 'decider')).keyId;
    const { $schema: _schema, ...sampleOfA } = samples(A)[0] as any;
    const cases: Array<[string, (name: string) => Promise<ApiResponse>, string]> = [
      ['GET /v1/decisions?policy=', (n) => server.get(`/v1/decisions?policy=${encodeURIComponent(n)}`, viewer), 'points'],
      ['GET /v1/decisions?rule=', (n) => server.get(`/v1/decisions?rule=${encodeURIComponent(n)}`, viewer), bRule],
      ['GET /v1/decisions?cursor=', (n) => server.get(`/v1/decisions?cursor=${encodeURIComponent(n)}`, viewer), bDecision],
      ['GET /v1/audit?target=', (n) => server.get(`/v1/audit?target=${encodeURIComponent(n)}`, viewer), 'points'],
      ['GET /v1/audit?actor=', (n) => server.get(`/v1/audit?actor=${encodeURIComponent(n)}`, viewer), bKey],
      ['POST simulate cases.samples', (n) => server.post('/v1/policies/returns/simulate', { candidate: { version: 1 }, cases: { samples: [n] } }, editor), bSample],
      ['POST simulate cases.samples (a shared policy name)', (n) => server.post(`/v1/policies/${n}/simulate`, { candidate: { version: 1 }, cases: { samples: true } }, editor), 'points'],
      ['GET /v1/samples?policy=', (n) => server.get(`/v1/samples?policy=${encodeURIComponent(n)}`, viewer), 'points'],
      ['POST /v1/samples requests.<policy>', (n) => server.post('/v1/samples', { ...sampleOfA, name: `probe-${n}`, requests: { [n]: {} } }, editor), 'points'],
      ['POST /v1/simulate changes[].policy', (n) => server.post('/v1/simulate', { changes: [{ policy: n, candidate: { version: 1 } }], cases: { samples: true } }, editor), 'points'],
      ['POST /v1/simulate policies[]', (n) => server.post('/v1/simulate', { changes: [{ policy: 'returns', candidate: { version: 1 } }], policies: [n], cases: { samples: true } }, editor), 'cancellation'],
      ['POST /v1/simulate cases.samples', (n) => server.post('/v1/simulate', { changes: [{ policy: 'returns', candidate: { version: 1 } }], cases: { samples: [n] } }, editor), bSample],
    ];
    for (const [what, send, name] of cases) {
      const ofB = await send(name);
      const none = await send(missingLike(name));
      expect(answerShape(ofB, [name, missingLike(name)]), `${what} ${name}`).toEqual(answerShape(none, [name, missingLike(name)]));
      if (ofB.status === 200 && Array.isArray(ofB.body.decisions ?? ofB.body.entries)) expect((ofB.body.decisions ?? ofB.body.entries).length, what).toBe((none.body.decisions ?? none.body.entries).length);
    }
  });

  it(`left every row of ${B} as it was`, async () => {
    expect(await snapshotTenant(server.runtime.db, B)).toEqual(before);
  });
});
