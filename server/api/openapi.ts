/**
 * The OpenAPI 3.1 document, built once at start from the route specs (server/api/routes/index.ts)
 * and the schema files, so it describes exactly what the server registers and validates.
 *
 * Every operation gets its parameters, body and success responses from its spec, and its error
 * responses (application/problem+json) by rule from the spec's shape (openapi-errors.ts): a /v1
 * route can be 401, a route with a permission 403, one with a path parameter 404, a body 400,
 * 413 and 415, an If-Match header 412 (and 428 when required). A spec may name further error
 * statuses in `responses` (e.g. 409 with its reason); those are rendered as problems too.
 *
 * @example
 *   const doc = buildOpenApiDocument([...allRouteSpecs, ...Object.values(docsRoutes)], { version: '0.1.0', schemaFiles: loadSchemaFiles() });
 *   doc.paths['/v1/policies/{policy}/decide'].post.requestBody
 */
import { ACTOR_ROLES, can } from '../services/roles.ts';
import type { Permission } from '../services/roles.ts';
import { errorResponseRefs, errorResponses, problemTypesDoc } from './openapi-errors.ts';
import { collectSchemaComponents, componentRef, schemaComponentName } from './openapi-schemas.ts';
import { pathParams } from './route-spec.ts';
import type { ParameterSpec, ResponseSpec, RouteSpec } from './route-spec.ts';

/** A seeded policy's schemas (and an example body from its samples), for the decide routes. */
export interface PolicySchemas {
  tenant: string;
  policy: string;
  title: string;
  /** Schema ids under schemas/. */
  input: string;
  decision: string;
  example?: { summary: string; description?: string; value: unknown };
}

export interface OpenApiOptions {
  /** info.version: the package version. */
  version: string;
  /** Every schema under schemas/, keyed by its $id (loadSchemaFiles()). */
  schemaFiles: Record<string, object>;
  policies?: PolicySchemas[];
}

export type OpenApiDocument = Record<string, any>;

export const PERMISSIONS = {
  decide: 'ask for decisions (each is written to the decision log)',
  read: 'read policies, versions, drafts, activations, samples, decisions and the audit log',
  write: 'edit drafts and samples, run tests and simulations',
  publish: 'publish versions and change activations',
  keys: 'create, list and revoke API keys',
  self: 'see the key\'s own tenant, role and permissions',
  tenants: 'create tenants from a template and list the templates (platform operator keys only: they see no tenant\'s data)',
} satisfies Record<Permission, string>;

/** Tag descriptions for the reference's sections; a new tag without one gets a plain default. */
const TAGS: Record<string, string> = {
  decisions: 'Ask for decisions (the checkout integration), query the decision log, replay a logged decision.',
  policies: 'The tenant\'s policies: list, create, and each one\'s active version, draft and schedule.',
  drafts: 'The one editable draft of a policy: read and save it (ETag / If-Match), validate it, run its tests, publish it.',
  versions: 'Immutable, numbered, content-hashed versions of a policy, and the document diff of two.',
  simulation: 'Run a draft or a version against the active one over samples, inline orders or logged decisions: every changed decision and a summary.',
  activations: 'Which version decides when: open-ended or windowed activations, and the resolved timeline.',
  samples: 'The tenant\'s sample orders, the default cases of a simulation.',
  keys: 'API keys of the tenant (shown once, stored hashed) and who the calling key is.',
  audit: 'Every change, with who, when and why.',
  tenants: 'For platform operators (an operator key, not a tenant key): the templates a new tenant can start from, and creating a tenant from one.',
  operations: 'Health, metrics and this description; no key needed.',
};

const PARAMS: Record<string, string> = {
  policy: 'The policy key, e.g. `returns`. Policies belong to the tenant of the API key: another tenant\'s policy answers 404, exactly like a missing one.',
  version: 'A version number of the policy (1, 2, …).',
};

/** The seeded policies' input and decision schemas as the `input`/`decision` of the decide bodies. */
const DECIDE_REQUEST = 'api/decide-request.schema.json';
const DECISION_ANSWER = 'api/decision-answer.schema.json';

export const rolesOf = (permission: Permission) => ACTOR_ROLES.filter((r) => can(r, permission));

function parameter(where: 'path' | 'query' | 'header', p: ParameterSpec): object {
  return { name: p.name, in: where, required: where === 'path' ? true : !!p.required, description: p.description, schema: p.schema };
}

function operationId(spec: RouteSpec): string {
  const words = spec.path.split('/').filter((s) => s && s !== 'v1').map((s) => {
    const param = /^\{(\w+)\}$/.exec(s);
    return param ? `By-${param[1]}` : s;
  });
  return [spec.method, ...words].join('-').split(/[^A-Za-z0-9]+/).filter(Boolean)
    .map((w, i) => (i === 0 ? w : w[0]!.toUpperCase() + w.slice(1))).join('');
}

/** OpenAPI ignores header parameters of these names (they belong to content negotiation and security): the description carries them. */
const CONTENT_HEADERS = /^(accept|content-type|authorization)$/i;

function description(spec: RouteSpec, policies: PolicySchemas[]): string {
  const parts = [spec.description ?? spec.summary];
  for (const h of spec.headers ?? []) if (CONTENT_HEADERS.test(h.name)) parts.push(`Header \`${h.name}\`: ${h.description}`);
  if (spec.permission) parts.push(`Permission \`${spec.permission}\`: roles ${rolesOf(spec.permission).map((r) => `\`${r}\``).join(', ')}.`);
  if (spec.body === DECIDE_REQUEST && policies.length) {
    parts.push(
      '`input` and `decision` depend on the policy. The seeded policies (the tenant comes from the key):',
      ['| policy | input | decision |', '| --- | --- | --- |',
        ...policies.map((p) => `| \`${p.tenant}/${p.policy}\` (${p.title}) | \`${schemaComponentName(p.input)}\` | \`${schemaComponentName(p.decision)}\` |`)].join('\n'),
    );
  }
  return parts.join('\n\n');
}

/** The body schema, narrowed for the decide request: `input` is one of the policies' inputs. */
function bodySchema(id: string, policies: PolicySchemas[], field: 'input' | 'decision'): object {
  const ref = { $ref: componentRef(id) };
  if (!policies.length) return ref;
  return { allOf: [ref, { type: 'object', properties: { [field]: { $ref: `#/components/schemas/Policy${field === 'input' ? 'Input' : 'Decision'}` } } }] };
}

function responseSchema(r: ResponseSpec, policies: PolicySchemas[]): object {
  if (!r.schema) return { type: /json/.test(r.contentType ?? '') ? 'object' : 'string' };
  return r.schema === DECISION_ANSWER ? bodySchema(r.schema, policies, 'decision') : { $ref: componentRef(r.schema) };
}

function operation(spec: RouteSpec, policies: PolicySchemas[]): object {
  const decide = spec.body === DECIDE_REQUEST;
  const examples = decide ? policies.filter((p) => p.example).map((p) => [`${p.tenant}-${p.policy}`, p.example!] as const) : [];
  const responses: Record<string, object> = {};
  for (const [status, r] of Object.entries(spec.responses)) {
    if (Number(status) >= 400) continue;
    responses[status] = {
      description: r.description,
      headers: { 'X-Request-Id': { $ref: '#/components/headers/RequestId' }, ...r.headers },
      ...(r.schema || r.contentType ? { content: { [r.contentType ?? 'application/json']: { schema: responseSchema(r, policies) } } } : {}),
    };
  }
  return {
    operationId: operationId(spec),
    tags: [spec.tag],
    summary: spec.summary,
    description: description(spec, policies),
    security: spec.permission ? [{ apiKey: [] }] : [],
    ...(spec.permission ? { 'x-permission': spec.permission } : {}),
    parameters: [
      ...pathParams(spec).map((name) => parameter('path', { name, description: PARAMS[name] ?? `The ${name}.`, schema: { type: 'string' } })),
      ...(spec.query ?? []).map((p) => parameter('query', p)),
      ...(spec.headers ?? []).filter((h) => !CONTENT_HEADERS.test(h.name)).map((p) => parameter('header', p)),
    ],
    ...(spec.body
      ? { requestBody: { required: true, content: { 'application/json': { schema: decide ? bodySchema(spec.body, policies, 'input') : { $ref: componentRef(spec.body) }, ...(examples.length ? { examples: Object.fromEntries(examples) } : {}) } } } }
      : {}),
    responses: { ...responses, ...errorResponseRefs(spec) },
  };
}

function policyUnion(policies: PolicySchemas[], field: 'input' | 'decision'): object {
  return {
    description: `The ${field} of the policy named in the path: a seeded policy's ${field} schema, or, for a policy created since, its own.`,
    anyOf: [
      ...policies.map((p) => ({ $ref: componentRef(p[field]) })),
      { type: 'object', title: `Another policy's ${field}`, description: `Any other policy's ${field}, as its own ${field} schema says.` },
    ],
  };
}

export function buildOpenApiDocument(specs: RouteSpec[], options: OpenApiOptions): OpenApiDocument {
  const policies = [...(options.policies ?? [])].sort((a, b) => `${a.tenant}/${a.policy}`.localeCompare(`${b.tenant}/${b.policy}`));
  const paths: Record<string, Record<string, object>> = {};
  for (const spec of specs) {
    const item = (paths[spec.path] ??= {});
    if (item[spec.method]) throw new Error(`two route specs for ${spec.method.toUpperCase()} ${spec.path}`);
    item[spec.method] = operation(spec, policies);
  }
  const roots = new Set(['api/problem.schema.json', ...policies.flatMap((p) => [p.input, p.decision])]);
  for (const s of specs) {
    if (s.body) roots.add(s.body);
    for (const r of Object.values(s.responses)) if (r.schema) roots.add(r.schema);
  }
  const { schemas } = collectSchemaComponents(roots, options.schemaFiles);
  if (policies.length) {
    for (const name of ['PolicyInput', 'PolicyDecision']) if (schemas[name]) throw new Error(`a schema file would be the component ${name}, which the document generates`);
    Object.assign(schemas, { PolicyInput: policyUnion(policies, 'input'), PolicyDecision: policyUnion(policies, 'decision') });
  }
  const tags = [...new Set(specs.map((s) => s.tag))];
  return {
    openapi: '3.1.0',
    info: {
      title: 'Policy service API',
      version: options.version,
      description: infoDescription(),
    },
    servers: [{ url: '/', description: 'This server' }],
    security: [{ apiKey: [] }],
    tags: tags.map((name) => ({ name, description: TAGS[name] ?? `The ${name} routes.` })),
    paths,
    components: {
      securitySchemes: {
        apiKey: {
          type: 'http',
          scheme: 'bearer',
          bearerFormat: 'pk_<prefix>_<secret>',
          description: 'An API key: `Authorization: Bearer pk_…`. It belongs to one tenant and has one role; made with `npm run -s policy -- keys create --tenant <t> --role <role>` or `POST /v1/keys`. The `tenants` routes (templates, new tenants) take a platform operator key instead (`po_…`, made with `keys create --operator`, or the server\'s OPERATOR_KEY), which belongs to no tenant and may do nothing else.',
        },
      },
      headers: { RequestId: { description: 'The request id, also in a problem\'s `instance` (urn:request:<id>): quote it when reporting a failure.', schema: { type: 'string' } } },
      responses: errorResponses(specs),
      schemas,
    },
  };
}

function infoDescription(): string {
  return [
    'Decisions from versioned merchant policies (returns, refunds, points, layaway, after-service, membership), and the management of those policies.',
    '**Tenants and keys.** Every `/v1` request sends `Authorization: Bearer <key>`. The key fixes the tenant (nothing in the request can name another) and the role. Another tenant\'s resource answers exactly like a missing one (404).',
    '**Roles.** A route needs one permission; a role grants these:',
    ['| permission | what it allows | roles |', '| --- | --- | --- |',
      ...Object.entries(PERMISSIONS).map(([p, what]) => `| \`${p}\` | ${what} | ${rolesOf(p as Permission).join(', ')} |`)].join('\n'),
    `**Errors** are \`application/problem+json\` (RFC 9457) with an \`errors\` list of \`{path, message}\` (JSON Pointers into the request). Their \`type\` is one of: ${problemTypesDoc()}. A 5xx names only the request id (\`instance\` and the \`X-Request-Id\` header).`,
  ].join('\n\n');
}
