/**
 * The error responses of the OpenAPI document: one reusable `components.responses` entry per
 * status, each an application/problem+json body with the problem types (server/errors.ts) that
 * status can carry, and the rules that say which statuses a route can answer, read off its spec.
 * They are derived, not declared per route, because they come from the shared middleware and
 * helpers that every route passes through (auth, the role check in route(), readJsonBody, the body limit), so a new
 * route is described correctly without anyone remembering to list them.
 *
 * @example
 *   errorResponseRefs(decideRoutes.decide)
 *   // { 400: {$ref: '#/components/responses/BadRequest'}, 401: …, 403: …, 404: …, 413: …, 415: …, 422: …, 5XX: … }
 */
import { ERROR_STATUS, problemType, ServiceError, toProblem } from '../errors.ts';
import type { ErrorCode } from '../errors.ts';
import { can, ROLES } from '../services/roles.ts';
import { componentRef } from './openapi-schemas.ts';
import { pathParams } from './route-spec.ts';
import type { RouteSpec } from './route-spec.ts';

interface ErrorRule {
  status: string;
  /** The components.responses name. */
  name: string;
  description: string;
  applies: (spec: RouteSpec) => boolean;
  headers?: Record<string, object>;
}

const v1 = (s: RouteSpec) => s.path.startsWith('/v1/');
const ifMatch = (s: RouteSpec) => s.headers?.find((h) => h.name.toLowerCase() === 'if-match');

/** In status order. */
const RULES: ErrorRule[] = [
  { status: '400', name: 'BadRequest', applies: (s) => !!s.body || !!s.query?.length, description: 'The request is malformed or does not match its schema; `errors` lists each problem with its JSON path.' },
  {
    status: '401', name: 'Unauthorized', applies: v1, description: 'No API key, or one that is malformed, unknown or revoked (all answered alike).',
    headers: { 'WWW-Authenticate': { description: 'Bearer realm="policy-service"', schema: { type: 'string' } } },
  },
  { status: '403', name: 'Forbidden', applies: (s) => !!s.permission && ROLES.some((r) => !can(r, s.permission!)), description: 'The key\'s role does not grant the route\'s permission. Checked before anything is looked up, so it says nothing about which resources exist.' },
  { status: '404', name: 'NotFound', applies: (s) => pathParams(s).length > 0, description: 'No such resource for the key\'s tenant; another tenant\'s resource answers exactly the same.' },
  { status: '412', name: 'PreconditionFailed', applies: (s) => !!ifMatch(s), description: 'If-Match names an ETag that is no longer current: someone saved in between. Read again and retry.' },
  { status: '413', name: 'PayloadTooLarge', applies: (s) => !!s.body, description: 'The body is larger than BODY_LIMIT_BYTES; the connection is closed.' },
  { status: '415', name: 'UnsupportedMediaType', applies: (s) => !!s.body, description: 'The body is not sent as JSON (Content-Type: application/json).' },
  { status: '422', name: 'Unprocessable', applies: (s) => s.permission === 'decide', description: 'Well-formed, but it cannot be done: e.g. no version of the policy is active at `at`, or the policy failed at run time (the decision id is in the problem).' },
  { status: '428', name: 'PreconditionRequired', applies: (s) => !!ifMatch(s)?.required, description: 'Send If-Match with the ETag you read, so a concurrent change is not overwritten.' },
  {
    status: '429', name: 'TooManyRequests', applies: v1,
    description: 'The key has sent more requests than RATE_LIMIT_PER_SECOND (with RATE_LIMIT_BURST) allows, or its address too many without a valid key (RATE_LIMIT_ANON_PER_SECOND). Retry after Retry-After seconds.',
    headers: { 'Retry-After': { description: 'Seconds to wait before retrying.', schema: { type: 'integer', minimum: 1 } } },
  },
  {
    status: '5XX', name: 'ServerError', applies: v1,
    description: 'The service failed or is unavailable (503 with Retry-After: no answer within REQUEST_TIMEOUT_MS, or shutting down; a decide answered 503 was not logged); the body names only the request id, the cause is in the server log.',
  },
];

const codesOf = (status: string): ErrorCode[] =>
  (Object.keys(ERROR_STATUS) as ErrorCode[]).filter((c) => (status === '5XX' ? ERROR_STATUS[c] >= 500 : String(ERROR_STATUS[c]) === status));

const problemContent = (example?: object) => ({
  'application/problem+json': { schema: { $ref: componentRef('api/problem.schema.json') }, ...(example ? { example } : {}) },
});

const requestId = { 'X-Request-Id': { $ref: '#/components/headers/RequestId' } };

/**
 * `components.responses`: one problem response per rule that some route uses, with the problem
 * types it can carry and an example (an unused component would be noise in the reference).
 */
export function errorResponses(specs: RouteSpec[]): Record<string, object> {
  const out: Record<string, object> = {};
  for (const rule of RULES) {
    if (!specs.some(rule.applies)) continue;
    const codes = codesOf(rule.status);
    const example = toProblem(new ServiceError(codes[0]!, rule.description), '01JD3Q6Z8K9V2M4N5P6R7S8T9V');
    out[rule.name] = {
      description: `${rule.description} Problem types: ${codes.map((c) => `\`${problemType(c)}\``).join(', ')}.`,
      headers: { ...requestId, ...rule.headers },
      content: problemContent(example),
    };
  }
  return out;
}

/** A route's error responses: the derived ones, then those its spec names (status >= 400). */
export function errorResponseRefs(spec: RouteSpec): Record<string, object> {
  const out: Record<string, object> = {};
  for (const rule of RULES) if (rule.applies(spec)) out[rule.status] = { $ref: `#/components/responses/${rule.name}` };
  for (const [status, r] of Object.entries(spec.responses)) {
    if (Number(status) < 400) continue;
    out[status] = { description: r.description, headers: { ...requestId, ...r.headers }, content: problemContent() };
  }
  return Object.fromEntries(Object.entries(out).sort(([a], [b]) => a.localeCompare(b)));
}

/** Every problem type of the closed list, for the document's introduction. */
export function problemTypesDoc(): string {
  return (Object.keys(ERROR_STATUS) as ErrorCode[]).map((c) => `\`${problemType(c)}\` (${ERROR_STATUS[c]})`).join(', ');
}
