/**
 * Renders docs/api.md from the route table (allRouteSpecs and the public routes): one table per
 * resource tag with each route's permission and roles, body and answer schemas, and the error
 * statuses it can answer (the same rules as the OpenAPI document). Generated, so the overview
 * in the repository never drifts from what the server registers; test/docs/api-doc.test.ts
 * fails when it is stale (`npm run docs:api` rewrites it).
 */
import { PERMISSIONS, rolesOf } from '../server/api/openapi.ts';
import { errorResponseRefs } from '../server/api/openapi-errors.ts';
import { schemaComponentName } from '../server/api/openapi-schemas.ts';
import type { RouteSpec } from '../server/api/route-spec.ts';
import { publicRoutes } from '../server/api/routes/docs.ts';
import { allRouteSpecs } from '../server/api/routes/index.ts';
import type { Permission } from '../server/services/roles.ts';

const cell = (s: string) => s.replace(/\|/g, '\\|').replace(/\s+/g, ' ').trim();
const schemaLink = (id: string) => `[${schemaComponentName(id)}](../schemas/${id})`;

function answers(spec: RouteSpec): string {
  return Object.entries(spec.responses)
    .filter(([status]) => Number(status) < 400)
    .map(([status, r]) => `${status}${r.schema ? ` ${schemaLink(r.schema)}` : r.contentType ? ` ${r.contentType}` : ''}`)
    .join('<br>');
}

function row(spec: RouteSpec): string {
  const params = [...(spec.query ?? []).map((q) => `?${q.name}`), ...(spec.headers ?? []).map((h) => `${h.name}:`)];
  return [
    `\`${spec.method.toUpperCase()} ${spec.path}\`${params.length ? `<br>${params.map((p) => `\`${p}\``).join(' ')}` : ''}`,
    cell(spec.summary),
    spec.permission ? `\`${spec.permission}\` (${rolesOf(spec.permission).join(', ')})` : 'none',
    spec.body ? schemaLink(spec.body) : '',
    answers(spec),
    Object.keys(errorResponseRefs(spec)).join(' '),
  ].join(' | ');
}

export function renderApiDoc(): string {
  const specs = [...allRouteSpecs, ...Object.values(publicRoutes)];
  const tags = [...new Set(specs.map((s) => s.tag))];
  const out = [
    '# HTTP API',
    '',
    'Generated from the route table (`server/api/routes/index.ts`) by `npm run docs:api`; do not edit by hand.',
    'A running server describes the same routes, with every schema, in `GET /openapi.json` (OpenAPI 3.1)',
    'and renders them at `GET /docs`.',
    '',
    'Every `/v1` route needs `Authorization: Bearer <key>`; the key fixes the tenant and the role, and',
    'another tenant\'s resource answers exactly like a missing one (404). A route needs one permission:',
    '',
    '| permission | allows | roles |',
    '| --- | --- | --- |',
    ...Object.entries(PERMISSIONS).map(([p, what]) => `| \`${p}\` | ${cell(what)} | ${rolesOf(p as Permission).join(', ')} |`),
    '',
    'Errors are `application/problem+json` ([Problem](../schemas/api/problem.schema.json)); the last column lists',
    'the statuses a route can answer besides its own (5XX: the body names only the request id).',
    '',
  ];
  for (const tag of tags) {
    out.push(`## ${tag}`, '', '| route | what | permission | body | answer | errors |', '| --- | --- | --- | --- | --- | --- |');
    for (const spec of specs.filter((s) => s.tag === tag)) out.push(`| ${row(spec)} |`);
    out.push('');
  }
  return out.join('\n');
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { writeFileSync } = await import('node:fs');
  writeFileSync(new URL('../docs/api.md', import.meta.url), renderApiDoc());
  console.log('wrote docs/api.md');
}
