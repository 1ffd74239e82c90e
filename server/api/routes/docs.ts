/**
 * The API's own description, no key needed:
 *   GET /openapi.json   the OpenAPI 3.1 document, built once when the app is made from every route
 *                       spec (allRouteSpecs + the public routes below) and schemas/
 *   GET /docs           the rendered API reference (Scalar), reading /openapi.json
 *   GET /docs/assets/…  Scalar's browser bundle, served from node_modules: by default the page
 *                       loads it from a public CDN, which a server without internet (or a
 *                       browser behind a strict proxy) cannot reach, and which would run code we
 *                       did not install. Fonts, telemetry and the AI agent are switched off for
 *                       the same reason: the page makes no request outside this server.
 * /healthz and /metrics are registered by health.ts; their specs are here so the document lists
 * them (they predate route specs).
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { Scalar } from '@scalar/hono-api-reference';
import type { Hono } from 'hono';
import { loadPolicyDir } from '../../catalog/policy-files.ts';
import { loadSchemaFiles } from '../../catalog/schema-files.ts';
import { buildOpenApiDocument } from '../openapi.ts';
import type { OpenApiDocument, PolicySchemas } from '../openapi.ts';
import { route } from '../route-spec.ts';
import type { RouteSpec } from '../route-spec.ts';
import type { AppDeps, AppEnv } from '../types.ts';
import { allRouteSpecs } from './index.ts';

const require = createRequire(import.meta.url);
const pkg = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { version: string };
const scalarFile = require.resolve('@scalar/api-reference/browser/standalone.js');
// package.json is not among the package's exports: read it beside dist/browser/.
const scalarVersion = (JSON.parse(readFileSync(join(dirname(scalarFile), '../../package.json'), 'utf8')) as { version: string }).version;
/** Versioned, so a browser may cache it for long and still picks up an upgrade at once. */
export const SCALAR_BUNDLE_PATH = `/docs/assets/scalar-api-reference-${scalarVersion}.js`;

export const publicRoutes = {
  openapi: {
    method: 'get', path: '/openapi.json', tag: 'operations', permission: null,
    summary: 'This OpenAPI document',
    description: 'The OpenAPI 3.1 description of every route, built from the route table and schemas/ when the server starts.',
    responses: { 200: { description: 'The OpenAPI document', contentType: 'application/json' } },
  },
  reference: {
    method: 'get', path: '/docs', tag: 'operations', permission: null,
    summary: 'API reference page',
    description: 'This document rendered for people (Scalar), with request examples; served entirely from this server.',
    responses: { 200: { description: 'An HTML page', contentType: 'text/html' } },
  },
  healthz: {
    method: 'get', path: '/healthz', tag: 'operations', permission: null,
    summary: 'Health check',
    description: 'Answers 200 `{status: "ok", database: {ok, ms}, decisionLog: {queued}}` when the database answers; for load balancers and monitors.',
    responses: { 200: { description: 'The service is healthy', contentType: 'application/json' }, 503: { description: 'The database does not answer' } },
  },
  metrics: {
    method: 'get', path: '/metrics', tag: 'operations', permission: null,
    summary: 'Prometheus metrics',
    description: 'Requests by route and status, latency, decisions by tenant/policy/outcome, decision-log queue and flushes, in the Prometheus text format. Bind HOST to a private interface to keep it private.',
    responses: { 200: { description: 'Metrics in the Prometheus text format', contentType: 'text/plain' } },
  },
} satisfies Record<string, RouteSpec>;

/** The seeded policies' input/decision schemas, each with its first sample as an example body. */
export function seededPolicySchemas(policiesDir: string): PolicySchemas[] {
  const out: PolicySchemas[] = [];
  for (const t of loadPolicyDir(policiesDir).tenants) {
    for (const p of t.policies) {
      const doc = p.versions.at(-1)?.document as { title?: string; input?: { $ref?: unknown }; output?: { $ref?: unknown } } | undefined;
      // Only schemas kept as files can be components; an inline one is described by its policy.
      if (typeof doc?.input?.$ref !== 'string' || typeof doc.output?.$ref !== 'string') continue;
      const sample = t.samples.find((s) => (s.sample.requests as Record<string, unknown> | undefined)?.[p.key] !== undefined);
      const example = sample && {
        summary: `${t.tenant}/${p.key}: ${sample.name}`,
        description: String(sample.sample.description ?? ''),
        value: { input: { order: sample.sample.order, request: (sample.sample.requests as Record<string, unknown>)[p.key] }, at: sample.sample.at },
      };
      out.push({ tenant: t.tenant, policy: p.key, title: doc.title ?? p.key, input: doc.input.$ref, decision: doc.output.$ref, ...(example ? { example } : {}) });
    }
  }
  return out;
}

/** The document this server publishes (also used by the tests and scripts/api-doc.ts). */
export function openApiDocument(policiesDir: string): OpenApiDocument {
  return buildOpenApiDocument([...allRouteSpecs, ...Object.values(publicRoutes)], {
    version: pkg.version,
    schemaFiles: loadSchemaFiles(),
    policies: seededPolicySchemas(policiesDir),
  });
}

export function registerDocs(app: Hono<AppEnv>, deps: Pick<AppDeps, 'config'>): void {
  // Built now, so a route spec naming a missing schema stops the start rather than a request.
  const body = JSON.stringify(openApiDocument(deps.config.policiesDir));
  route(app, publicRoutes.openapi, (c) => c.body(body, 200, { 'Content-Type': 'application/json; charset=utf-8' }));

  const page = Scalar<AppEnv>({
    url: '/openapi.json',
    cdn: SCALAR_BUNDLE_PATH,
    pageTitle: 'Policy service API',
    withDefaultFonts: false,
    telemetry: false,
    agent: { disabled: true },
    showDeveloperTools: 'never',
    hideClientButton: false,
  });
  route(app, publicRoutes.reference, (c) => page(c, async () => {}) as Promise<Response>);

  // Read on first use (3.5 MB): most processes never serve the page.
  let bundle: { plain: Buffer; gzip: Buffer } | undefined;
  app.get(SCALAR_BUNDLE_PATH, (c) => {
    bundle ??= (() => {
      const plain = readFileSync(scalarFile);
      return { plain, gzip: gzipSync(plain) };
    })();
    const gzip = /\bgzip\b/.test(c.req.header('Accept-Encoding') ?? '');
    const headers: Record<string, string> = { 'Content-Type': 'text/javascript; charset=utf-8', 'Cache-Control': 'public, max-age=31536000, immutable', Vary: 'Accept-Encoding' };
    if (gzip) headers['Content-Encoding'] = 'gzip';
    return c.body(new Uint8Array(gzip ? bundle.gzip : bundle.plain), 200, headers);
  });
}
