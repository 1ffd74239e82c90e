/**
 * GET /openapi.json and GET /docs against a real server: the document is valid OpenAPI 3.1 and
 * lint-clean (Redocly, recommended-strict), lists exactly the routes the app registers, every
 * $ref resolves and every schema compiles, and what it says about decide is what the server
 * does (its examples are accepted and the answers match the documented schema).
 *
 * Lint exceptions, each for a reason:
 *   info-license             off: the service is private (package.json "private", no license);
 *                            the document must not claim a license nobody granted.
 *   operation-4xx-response   allowed only on the public operations (/healthz, /metrics,
 *                            /openapi.json, /docs): they take no input and no key, so no client
 *                            error is possible; every /v1 operation must have its 4xx.
 */
import { createConfig, lintFromString } from '@redocly/openapi-core';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../server/api/app.ts';
import { createMetrics } from '../../server/metrics.ts';
import { honoPath } from '../../server/api/route-spec.ts';
import { allRouteSpecs } from '../../server/api/routes/index.ts';
import { publicRoutes, SCALAR_BUNDLE_PATH, seededPolicySchemas } from '../../server/api/routes/docs.ts';
import { rolesOf } from '../../server/api/openapi.ts';
import { schemaComponentName } from '../../server/api/openapi-schemas.ts';
import { ROLES } from '../../server/services/roles.ts';
import { startServer } from '../helpers/server.ts';
import type { TestServer } from '../helpers/server.ts';

const addFormats = addFormatsModule as unknown as (ajv: Ajv2020) => Ajv2020;
let server: TestServer;
let doc: any;
const pkg = JSON.parse(await import('node:fs').then((fs) => fs.readFileSync(new URL('../../package.json', import.meta.url), 'utf8')));
/** The app over the server's runtime, for its route table (own metrics: a registry takes each metric once). */
let app: ReturnType<typeof createApp>;
const operations = () => Object.entries(doc.paths as Record<string, Record<string, any>>).flatMap(([path, item]) => Object.entries(item).map(([method, op]) => ({ path, method, op })));

beforeAll(async () => {
  server = await startServer();
  const res = await server.get('/openapi.json');
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toMatch(/^application\/json/);
  doc = res.body;
  app = createApp({ ...server.runtime, metrics: createMetrics({ queueDepth: () => 0, defaultMetrics: false }) });
});
afterAll(() => server?.close());

/** The value at a local JSON Pointer ("#/components/schemas/Order/$defs/money"). */
function at(pointer: string): unknown {
  return pointer.slice(2).split('/').map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~')).reduce<any>((node, key) => node?.[key], doc);
}

/** An Ajv holding the whole document, so a schema can $ref "openapi.json#/components/...". */
function ajvOverDoc(): Ajv2020 {
  const ajv = addFormats(new Ajv2020({ strict: false, allErrors: true }));
  ajv.addSchema({ $id: 'openapi.json', components: { schemas: doc.components.schemas } });
  return ajv;
}
const absolute = (schema: object) => JSON.parse(JSON.stringify(schema).replaceAll('"#/components/', '"openapi.json#/components/'));

describe('GET /openapi.json', () => {
  it('is OpenAPI 3.1 with the package version, a bearer key scheme and the public routes open', () => {
    expect(doc.openapi).toBe('3.1.0');
    expect(doc.info).toMatchObject({ title: expect.any(String), version: pkg.version, description: expect.stringContaining('problem+json') });
    expect(doc.components.securitySchemes.apiKey).toMatchObject({ type: 'http', scheme: 'bearer' });
    for (const spec of Object.values(publicRoutes)) expect(doc.paths[spec.path].get.security, spec.path).toEqual([]);
  });

  it('is lint-clean under Redocly recommended-strict (see the header for the two exceptions)', async () => {
    const config = await createConfig({ extends: ['recommended-strict'], rules: { 'info-license': 'off' } });
    const problems = await lintFromString({ source: JSON.stringify(doc), absoluteRef: 'openapi.json', config });
    const publicPaths = Object.values(publicRoutes).map((s) => `#/paths/${s.path.replace(/\//g, '~1')}/`);
    const left = problems.filter((p) => !(p.ruleId === 'operation-4xx-response' && publicPaths.some((pp) => p.location[0]?.pointer?.startsWith(pp))));
    expect(left.map((p) => `${p.severity} ${p.ruleId}: ${p.message} at ${p.location[0]?.pointer}`)).toEqual([]);
  });

  it('lists exactly the /v1 routes the app registers, and the route table', () => {
    const registered = new Set(app.routes.filter((r) => r.method !== 'ALL' && r.path.startsWith('/v1/')).map((r) => `${r.method} ${r.path}`));
    const documented = new Set(operations().filter((o) => o.path.startsWith('/v1/')).map((o) => `${o.method.toUpperCase()} ${honoPath(o.path)}`));
    const table = new Set(allRouteSpecs.map((s) => `${s.method.toUpperCase()} ${honoPath(s.path)}`));
    expect([...documented].sort()).toEqual([...registered].sort());
    expect([...documented].sort()).toEqual([...table].sort());
    expect(documented.size).toBe(allRouteSpecs.length);
  });

  it('lists /healthz, /metrics, /openapi.json and /docs, which the app serves without a key', async () => {
    for (const spec of Object.values(publicRoutes)) {
      expect(doc.paths[spec.path]?.get, spec.path).toBeDefined();
      expect(app.routes.some((r) => r.method === 'GET' && r.path === spec.path), spec.path).toBe(true);
      expect((await server.get(spec.path)).status, spec.path).toBe(200);
    }
  });

  it('gives every operation a unique operationId, a tag, a summary and a description', () => {
    const ids = operations().map((o) => o.op.operationId);
    expect(new Set(ids).size).toBe(ids.length);
    for (const { path, method, op } of operations()) expect(op, `${method} ${path}`).toMatchObject({ tags: [expect.any(String)], summary: expect.any(String), description: expect.any(String) });
  });

  it('gives every /v1 operation 401 and 5XX problems, 403 when some role lacks its permission, 404 with a path parameter, 400/413/415 with a body', () => {
    for (const spec of allRouteSpecs) {
      const op = doc.paths[spec.path][spec.method];
      const statuses = Object.keys(op.responses);
      const expected = ['401', '5XX', ...(spec.permission && rolesOf(spec.permission).length < ROLES.length ? ['403'] : []), ...(spec.path.includes('{') ? ['404'] : []), ...(spec.body ? ['400', '413', '415'] : [])];
      expect(statuses, `${spec.method} ${spec.path}`).toEqual(expect.arrayContaining(expected));
      for (const s of statuses.filter((x) => x >= '4')) {
        const r: any = op.responses[s].$ref ? at(op.responses[s].$ref) : op.responses[s];
        expect(r.content['application/problem+json'].schema, `${spec.method} ${spec.path} ${s}`).toEqual({ $ref: '#/components/schemas/Problem' });
      }
    }
  });

  it('resolves every $ref and compiles every schema as JSON Schema 2020-12', () => {
    const refs: string[] = [];
    const walk = (n: unknown): void => {
      if (Array.isArray(n)) n.forEach(walk);
      else if (n && typeof n === 'object') for (const [k, v] of Object.entries(n)) (k === '$ref' && typeof v === 'string' ? refs.push(v) : walk(v));
    };
    walk(doc);
    expect(refs.length).toBeGreaterThan(50);
    for (const ref of refs) expect(at(ref), ref).toBeDefined();
    const ajv = ajvOverDoc();
    for (const name of Object.keys(doc.components.schemas)) expect(() => ajv.compile({ $ref: `openapi.json#/components/schemas/${name}` }), name).not.toThrow();
  });

  it('describes decide: its body, its answer, and each seeded policy\'s input and decision schemas', () => {
    const op = doc.paths['/v1/policies/{policy}/decide'].post;
    const body = op.requestBody.content['application/json'];
    expect(JSON.stringify(body.schema)).toContain('#/components/schemas/DecideRequest');
    expect(JSON.stringify(op.responses['200'].content['application/json'].schema)).toContain('#/components/schemas/DecisionAnswer');
    const seeded = seededPolicySchemas(server.runtime.config.policiesDir);
    expect(seeded.map((p) => `${p.tenant}/${p.policy}`)).toEqual(expect.arrayContaining(['solum/returns', 'soom/points', 'soom/layaway', 'soom/cancellation', 'soom/returns', 'soom/after-service', 'soom/membership']));
    for (const p of seeded) {
      expect(doc.components.schemas.PolicyInput.anyOf).toContainEqual({ $ref: `#/components/schemas/${schemaComponentName(p.input)}` });
      expect(doc.components.schemas.PolicyDecision.anyOf).toContainEqual({ $ref: `#/components/schemas/${schemaComponentName(p.decision)}` });
      expect(op.description).toContain(`${p.tenant}/${p.policy}`);
      expect(body.examples[`${p.tenant}-${p.policy}`], `${p.tenant}/${p.policy}`).toBeDefined();
    }
  });

  it('documents what the server does: each decide example is decided, and the answer matches the documented schema', async () => {
    const op = doc.paths['/v1/policies/{policy}/decide'].post;
    const ajv = ajvOverDoc();
    const request = ajv.compile(absolute(op.requestBody.content['application/json'].schema));
    const answer = ajv.compile(absolute(op.responses['200'].content['application/json'].schema));
    for (const [name, example] of Object.entries<any>(op.requestBody.content['application/json'].examples)) {
      const [tenant, ...policy] = name.split('-');
      expect(request(example.value), `${name}: ${JSON.stringify(request.errors)}`).toBe(true);
      const res = await server.post(`/v1/policies/${policy.join('-')}/decide`, example.value, await server.key(tenant!, 'decider'));
      expect(res.status, `${name}: ${res.text.slice(0, 300)}`).toBe(200);
      expect(answer(res.body), `${name}: ${JSON.stringify(answer.errors)}`).toBe(true);
    }
  });
});

describe('GET /docs', () => {
  it('serves the reference page, reading /openapi.json, with its script from this server (no CDN, fonts or telemetry)', async () => {
    const res = await server.get('/docs');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/html/);
    const scripts = [...res.text.matchAll(/<script[^>]*\bsrc="([^"]+)"/g)].map((m) => m[1]);
    expect(scripts).toEqual([SCALAR_BUNDLE_PATH]);
    expect(res.text).not.toMatch(/https?:\/\//);
    expect(res.text).toContain('"/openapi.json"');
    const bundle = await fetch(`${server.url}${SCALAR_BUNDLE_PATH}`, { headers: { 'Accept-Encoding': 'gzip' } });
    expect(bundle.status).toBe(200);
    expect(bundle.headers.get('content-type')).toMatch(/javascript/);
    expect((await bundle.text()).length).toBeGreaterThan(1_000_000);
  });
});
