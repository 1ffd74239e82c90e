/**
 * New tenants from templates (policies/_templates/, server/catalog/template-files.ts). A
 * platform operator (permission `tenants`) names the tenant, picks a template and fills in its
 * params; one write batch then makes the tenant, each template policy with version 1 (the
 * document with the filled params, content-hashed), an activation from now (or `activeFrom`),
 * the template's samples, an admin key for the tenant (its secret returned this once) and the
 * audit rows, so a failure leaves nothing half-made. An optional `language` is the tenant's
 * default language for explanations (as tenant.json's `language` for a seeded tenant).
 *
 * Param values are checked against each param's JSON Schema, and the filled documents must
 * compile and pass their embedded tests (as a publish must), before anything is written.
 *
 * @example
 *   const created = await createTenantFromTemplate({ db, policiesDir }, {
 *     actor, tenant: 'acme', name: 'Acme', template: 'returns-standard', params: { returnAddress: '1 Main St' } });
 *   created.secret;   // "pk_…": the new tenant's admin key, shown once
 */
import { LibsqlError } from '@libsql/client';
import { loadTemplates } from '../catalog/template-files.ts';
import type { TemplateParam, TemplateSource } from '../catalog/template-files.ts';
import { schemaRegistry } from '../catalog/schema-files.ts';
import { newId } from '../decisions/ids.ts';
import { compile, normalizeInstant, runPolicyTests } from '../engine/index.ts';
import type { Problem } from '../engine/index.ts';
import { ServiceError } from '../errors.ts';
import { insertActivationStmt } from '../store/activations.ts';
import { insertKeyStmt } from '../store/api-keys.ts';
import { auditStmt } from '../store/audit.ts';
import { changeStmt } from '../store/change-feed.ts';
import type { Client } from '../store/client.ts';
import { contentHash } from '../store/content-hash.ts';
import { insertPolicyStmt, insertVersionStmt } from '../store/policies.ts';
import { iso } from '../store/rows.ts';
import type { InStatement } from '../store/rows.ts';
import { insertSampleStmt } from '../store/samples.ts';
import { getTenant, insertTenantStmt } from '../store/tenants.ts';
import { generateKey, hashSecret } from './api-keys.ts';
import { assertCan } from './roles.ts';
import type { Actor } from './roles.ts';
import { unholdableInstant } from './instants.ts';

export interface TenantDeps {
  db: Client;
  /** The policies/ folder whose _templates/ holds the templates (config.policiesDir). */
  policiesDir: string;
}

/** A template as GET /v1/templates lists it: what it holds and every param a merchant fills in. */
export interface TemplateView {
  template: string;
  name: string;
  description: string;
  policies: Array<{ key: string; title: string }>;
  params: TemplateParam[];
  samples: number;
}

export interface CreateTenantInput {
  actor: Actor;
  tenant: string;
  name: string;
  description?: string | null;
  template: string;
  params?: Record<string, unknown>;
  /** The tenant's default language for explanations (BCP 47, as a decide request's language); default none (English). */
  language?: string | null;
  /** When version 1 of each policy starts deciding: default now; null = from the beginning (to replay older orders). */
  activeFrom?: string | null;
  reason?: string | null;
}

export interface TenantCreated {
  tenant: { id: string; name: string; description: string | null; language: string | null; template: string; createdAt: string };
  policies: Array<{ key: string; version: number; contentHash: string; activeFrom: string | null }>;
  samples: number;
  /** The values every param got (the filled ones and the defaults). */
  params: Record<string, unknown>;
  key: { id: string; role: 'admin'; prefix: string; name: string };
  /** The admin key itself: shown this once, stored only as a hash. */
  secret: string;
}

/**
 * A language tag as a decide request's `language` and tenant.json's `language` take it (the
 * pattern of schemas/api/decide-request.schema.json): checked here too, since the CLI calls
 * this service without the API's body schema.
 */
export const LANGUAGE_TAG = /^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$/;

const cache = new Map<string, { templates: TemplateSource[]; problems: Array<{ file: string; path: string; message: string }> }>();

/** The templates under `<policiesDir>/_templates`, read once per process. */
export function templatesOf(policiesDir: string): TemplateSource[] {
  let hit = cache.get(policiesDir);
  if (!hit) cache.set(policiesDir, (hit = loadTemplates(policiesDir)));
  return hit.templates;
}

export function listTemplates(deps: Pick<TenantDeps, 'policiesDir'>, { actor }: { actor: Actor }): TemplateView[] {
  assertCan(actor, 'tenants');
  return templatesOf(deps.policiesDir).map(view);
}

function view(t: TemplateSource): TemplateView {
  return { template: t.template, name: t.name, description: t.description, policies: t.policies.map((p) => ({ key: p.key, title: p.title })), params: t.params, samples: t.samples.length };
}

/**
 * The template's documents with the given param values, or the problems (paths under /params).
 * Every param not given keeps the template's default; a required one must be given.
 */
export function fillTemplate(template: TemplateSource, given: Record<string, unknown>): { ok: true; documents: Array<{ key: string; document: Record<string, unknown> }>; params: Record<string, unknown> } | { ok: false; problems: Problem[] } {
  const problems: Problem[] = [];
  const byName = new Map(template.params.map((p) => [p.name, p]));
  for (const [name, value] of Object.entries(given)) {
    const param = byName.get(name);
    if (!param) {
      problems.push({ path: `/params/${escape(name)}`, message: `template "${template.template}" has no param "${name}"; its params are ${template.params.map((p) => p.name).join(', ')}` });
      continue;
    }
    if (param.schema) problems.push(...mostSpecific(schemaRegistry().compile(param.schema)(value)).map((p) => ({ path: `/params/${escape(name)}${p.path}`, message: p.message })));
  }
  for (const p of template.params) {
    if (p.required && !Object.hasOwn(given, p.name)) problems.push({ path: `/params/${escape(p.name)}`, message: `is required: the template has no default for it${p.example === null ? '' : `, give a value such as ${JSON.stringify(p.example)}`} (${p.description})` });
  }
  if (problems.length) return { ok: false, problems };
  const params = Object.fromEntries(template.params.map((p) => [p.name, Object.hasOwn(given, p.name) ? given[p.name] : p.default]));
  const documents = template.policies.map((p) => {
    const document = structuredClone(p.document);
    delete document.$schema;
    const declared = (document.params ?? {}) as Record<string, { value: unknown }>;
    for (const name of Object.keys(declared)) if (Object.hasOwn(given, name)) declared[name]!.value = structuredClone(given[name]);
    return { key: p.key, document };
  });
  return { ok: true, documents, params };
}

export async function createTenantFromTemplate(deps: TenantDeps, input: CreateTenantInput): Promise<TenantCreated> {
  const { actor } = input;
  const { db } = deps;
  assertCan(actor, 'tenants');
  const language = input.language ?? null;
  if (language !== null && !LANGUAGE_TAG.test(language)) {
    throw new ServiceError('invalid_body', `language ${JSON.stringify(language)} is not a language tag`, [{ path: '/language', message: `must match pattern "${LANGUAGE_TAG.source}" (a BCP 47 tag such as "en" or "ko")` }]);
  }
  const template = templatesOf(deps.policiesDir).find((t) => t.template === input.template);
  if (!template) {
    const known = templatesOf(deps.policiesDir).map((t) => t.template);
    throw new ServiceError('invalid_body', `no template "${input.template}"`, [{ path: '/template', message: `must be one of ${known.join(', ') || '(no templates installed)'}` }]);
  }
  const filled = fillTemplate(template, input.params ?? {});
  if (!filled.ok) throw new ServiceError('invalid_body', `the params do not fit template "${template.template}"`, filled.problems);

  // As a publish: each filled document compiles and passes its embedded tests, or nothing is made.
  const failures: Problem[] = [];
  for (const { key, document } of filled.documents) {
    const compiled = compile(document, { registry: schemaRegistry() });
    if (!compiled.ok) {
      failures.push(...compiled.problems.map((p) => ({ path: paramPath(p.path) ?? `/template/${key}${p.path}`, message: p.message })));
      continue;
    }
    for (const t of runPolicyTests(compiled.policy)) {
      if (!t.passed) failures.push({ path: `/template/${key}${t.path}`, message: `test "${t.name}" fails with these params: ${t.error ? JSON.stringify(t.error) : t.mismatches.map((m) => `${m.path || '/'} ${m.message}`).join('; ')}` });
    }
  }
  if (failures.length) {
    if (failures.every((f) => f.path.startsWith('/params/'))) throw new ServiceError('invalid_body', `the params do not fit template "${template.template}"`, failures);
    throw new ServiceError('unprocessable', `template "${template.template}" with these params does not compile or pass its tests`, failures);
  }

  if (await getTenant(db, input.tenant)) throw new ServiceError('conflict', `tenant "${input.tenant}" already exists`, [{ path: '/tenant', message: 'is taken' }]);

  const at = iso();
  if (typeof input.activeFrom === 'string' && normalizeInstant(input.activeFrom) === null) throw unholdableInstant('/activeFrom');
  const activeFrom = input.activeFrom === undefined ? at : input.activeFrom === null ? null : iso(input.activeFrom);
  const by = actor.keyId;
  const tenant = input.tenant;
  const reason = input.reason ?? `created from template ${template.template}`;
  const audit = (action: string, target: string, detail?: unknown, why: string | null = reason) => auditStmt({ tenant, actor: by, action, target, reason: why, detail, at });
  const statements: InStatement[] = [
    insertTenantStmt({ id: tenant, name: input.name, description: input.description ?? null, language, createdBy: by, at }),
    audit('tenant.create', tenant, { template: template.template, params: filled.params, ...(language === null ? {} : { language }) }),
  ];
  const policies: TenantCreated['policies'] = [];
  for (const { key, document } of filled.documents) {
    const hash = contentHash(document);
    const title = typeof document.title === 'string' ? document.title : key;
    statements.push(
      insertPolicyStmt({ tenant, key, title, createdBy: by, at }),
      audit('policy.create', key),
      insertVersionStmt({ tenant, policy: key, version: 1, contentHash: hash, document, note: `template ${template.template}`, reason, createdBy: by, at }),
      audit('version.publish', `${key}@1`, { contentHash: hash, template: template.template }),
      insertActivationStmt({ tenant, policy: key, version: 1, from: activeFrom, until: null, reason, createdBy: by, at }),
      audit('activation.create', `${key}@1`, { from: activeFrom, until: null }),
      changeStmt(tenant, 'policy', key),
    );
    policies.push({ key, version: 1, contentHash: hash, activeFrom });
  }
  for (const s of template.samples) {
    const { $schema: _schema, ...document } = s.sample as Record<string, unknown>;
    statements.push(
      insertSampleStmt({ tenant, name: s.name, description: String(document.description ?? s.name), at: String(document.at), document, createdBy: by, createdAt: at }),
      audit('sample.create', s.name),
    );
  }
  const keyId = newId();
  const { prefix, secret, key } = generateKey();
  const keyName = 'admin (created with the tenant)';
  statements.push(
    insertKeyStmt({ id: keyId, tenant, role: 'admin', prefix, hash: hashSecret(secret), name: keyName, createdBy: by, at }),
    audit('key.create', keyId, { role: 'admin', name: keyName, prefix }, null),
  );
  try {
    await db.batch(statements, 'write');
  } catch (err) {
    // Another request made the same tenant in between: its primary key refuses ours, and the batch rolls back.
    if (err instanceof LibsqlError && /CONSTRAINT/.test(`${err.code} ${err.extendedCode ?? ''}`) && (await getTenant(db, tenant))) {
      throw new ServiceError('conflict', `tenant "${tenant}" already exists`, [{ path: '/tenant', message: 'is taken' }]);
    }
    throw err;
  }
  return {
    tenant: { id: tenant, name: input.name, description: input.description ?? null, language, template: template.template, createdAt: at },
    policies,
    samples: template.samples.length,
    params: filled.params,
    key: { id: keyId, role: 'admin', prefix, name: keyName },
    secret: key,
  };
}

/** A compile problem at /params/<name>/value/... is the caller's value: /params/<name>/... in the request. */
function paramPath(path: string): string | null {
  const m = /^\/params\/([^/]+)\/value(\/.*)?$/.exec(path);
  return m ? `/params/${m[1]}${m[2] ?? ''}` : null;
}

/**
 * The problems at the deepest paths: an anyOf (a holiday window or null) reports "must be null"
 * and "must match a schema in anyOf" at the param itself besides the real problem inside it.
 */
function mostSpecific(problems: Problem[]): Problem[] {
  return problems.filter((p) => !problems.some((q) => q.path !== p.path && q.path.startsWith(`${p.path}/`)));
}

/** JSON Pointer escaping of one segment. */
function escape(segment: string): string {
  return segment.replace(/~/g, '~0').replace(/\//g, '~1');
}
