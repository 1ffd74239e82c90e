/**
 * Every /v1 route is declared once as data (method, path, permission, body schema, query,
 * responses) and registered through `route()`, so the OpenAPI document, the role matrix and
 * the tenant-isolation tests are generated from exactly what the server does.
 *
 * @example
 *   export const policyRoutes = {
 *     get: { method: 'get', path: '/v1/policies/{policy}', tag: 'policies', permission: 'read',
 *            summary: 'Get a policy', responses: { 200: { description: 'the policy', schema: 'api/policy.schema.json' } } },
 *   } satisfies Record<string, RouteSpec>;
 *   route(app, policyRoutes.get, async (c) => c.json(await deps.policies.get(...)));
 */
import type { Context, Hono } from 'hono';
import { assertCan } from '../services/roles.ts';
import type { Permission } from '../services/roles.ts';
import { readJsonBody } from './body.ts';
import type { AppEnv } from './types.ts';

export interface ParameterSpec {
  name: string;
  description: string;
  required?: boolean;
  /** An inline JSON Schema for the value, e.g. {"type": "string", "format": "date-time"}. */
  schema: object;
}

export interface ResponseSpec {
  description: string;
  /** A schema $id under schemas/ (e.g. "api/policy.schema.json"); omitted for no body. */
  schema?: string;
  /** Content type when not application/json (e.g. "application/x-ndjson"). */
  contentType?: string;
  headers?: Record<string, { description: string; schema: object }>;
}

export interface RouteSpec {
  method: 'get' | 'post' | 'put' | 'patch' | 'delete';
  /** OpenAPI-style path: /v1/policies/{policy}/decide. */
  path: string;
  /** Resource group in the API reference. */
  tag: string;
  summary: string;
  description?: string;
  /** What the key's role must grant; null for public routes (/healthz, /metrics, /openapi.json). */
  permission: Permission | null;
  /** JSON body schema $id under schemas/, validated before the handler runs. */
  body?: string;
  query?: ParameterSpec[];
  /** Request headers the route reads (e.g. If-Match). */
  headers?: ParameterSpec[];
  /** Success responses; the error responses (problem+json) are added to the OpenAPI document for every route. */
  responses: Record<number, ResponseSpec>;
}

/** The Hono form of an OpenAPI path: {policy} → :policy. */
export function honoPath(path: string): string {
  return path.replace(/\{(\w+)\}/g, ':$1');
}

/** The path parameter names of a spec, in order. */
export function pathParams(spec: RouteSpec): string[] {
  return [...spec.path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]!);
}

/**
 * Registers a route from its spec: the permission check, then (for routes with a body) the
 * body read and validated against its schema, handed to the handler.
 */
export function route<B = unknown>(
  app: Hono<AppEnv>,
  spec: RouteSpec,
  handler: (c: Context<AppEnv>, body: B) => Response | Promise<Response>,
): void {
  const { permission } = spec;
  // The role is checked here, before the body is read (as `allow` would, a layer earlier): one
  // async layer fewer on every request to a permissioned route.
  const run = async (c: Context<AppEnv>) => {
    if (permission) assertCan(c.get('actor'), permission);
    return handler(c, spec.body ? await readJsonBody<B>(c, spec.body) : (undefined as B));
  };
  app.on(spec.method.toUpperCase(), [honoPath(spec.path)], run);
}
