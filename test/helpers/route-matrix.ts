/**
 * The shared helper behind the route matrix (test/api/route-matrix.test.ts), in the manner of
 * unkey's `pkg/testutil/common-tests.ts`: everything is generated from allRouteSpecs, so a
 * route added to the table is checked for auth, roles and tenancy without anyone writing a
 * test for it. It builds a request for any spec (path values, a minimal body that passes the
 * body schema, the headers it reads), finds a tenant's real ids for each kind of path
 * parameter, and snapshots everything a tenant owns in the database.
 *
 * @example
 *   const req = matrixRequest(spec, await pathValues(db, spec, 'soom', 'solum'));
 *   const res = await server.request(req.method, req.path, { key, body: req.body, headers: req.headers });
 */
import type { Client } from '@libsql/client';
import { loadSchemaFiles, schemaRegistry } from '../../server/catalog/schema-files.ts';
import { honoPath, pathParams } from '../../server/api/route-spec.ts';
import type { RouteSpec } from '../../server/api/route-spec.ts';
import { allRouteSpecs } from '../../server/api/routes/index.ts';
import { minimalInstance } from './minimal-instance.ts';

/** Every /v1 route: the ones the matrix checks. */
export const v1Specs: RouteSpec[] = allRouteSpecs.filter((s) => s.path.startsWith('/v1/'));

export const routeName = (s: RouteSpec) => `${s.method.toUpperCase()} ${s.path}`;
export { honoPath };

/** A request for the route: `values` fills the path parameters (URL-encoded). */
export function matrixRequest(spec: RouteSpec, values: Record<string, string>): { method: string; path: string; body?: unknown; headers: Record<string, string> } {
  let path = spec.path.replace(/\{(\w+)\}/g, (_, name: string) => encodeURIComponent(values[name] ?? `no-such-${name}`));
  const query = (spec.query ?? []).filter((q) => q.required).map((q) => `${q.name}=${encodeURIComponent(String(minimalInstance(q.schema, '', files())))}`);
  if (query.length) path += `?${query.join('&')}`;
  const headers: Record<string, string> = {};
  for (const h of spec.headers ?? []) {
    // If-Match: a well-formed ETag that matches nothing, so the route gets past "send If-Match"
    // (428) to its lookup. If-None-Match only when required (it would contradict If-Match).
    if (/^if-match$/i.test(h.name)) headers[h.name] = '"0000000000000000"';
    else if (/^if-none-match$/i.test(h.name)) { if (h.required) headers[h.name] = '*'; }
    else if (h.required) headers[h.name] = String(minimalInstance(h.schema, '', files()));
  }
  return { method: spec.method.toUpperCase(), path, ...(spec.body ? { body: minimalBody(spec.body) } : {}), headers };
}

let schemaFiles: Record<string, object> | undefined;
const files = () => (schemaFiles ??= loadSchemaFiles());

/**
 * The smallest body for the route's body schema, meant to pass it so the handler (and its
 * lookup of the resource) answers rather than the validator.
 */
export function minimalBody(schemaId: string): unknown {
  return minimalInstance({ $ref: schemaId }, '', files());
}

/** Why minimalBody(schemaId) does not pass its schema ([] when it does): give the schema an `examples` entry (used first). */
export function minimalBodyProblems(schemaId: string): Array<{ path: string; message: string }> {
  return schemaRegistry().compile({ $ref: schemaId })(minimalBody(schemaId));
}

type Lookup = (db: Client, tenant: string, parents: Record<string, string>) => Promise<string[]>;
const column = async (db: Client, sql: string, args: Array<string | number>) => (await db.execute({ sql, args })).rows.map((r) => String(Object.values(r)[0]));

/**
 * A tenant's real ids, by the path segment that names their collection (/v1/keys/{id} → keys).
 * A route whose collection is not here fails the matrix with a message saying to add it.
 */
export const COLLECTIONS: Record<string, Lookup> = {
  policies: (db, t) => column(db, 'SELECT key FROM policies WHERE tenant = ? ORDER BY key', [t]),
  versions: (db, t, p) => column(db, 'SELECT version FROM policy_versions WHERE tenant = ? AND policy = ? ORDER BY version DESC', [t, p.policies ?? '']),
  // /versions/{a}/diff/{b}: b is another version of the same policy.
  diff: (db, t, p) => column(db, 'SELECT version FROM policy_versions WHERE tenant = ? AND policy = ? ORDER BY version DESC', [t, p.policies ?? '']),
  activations: (db, t, p) => column(db, 'SELECT seq FROM activations WHERE tenant = ? AND policy = ? ORDER BY seq DESC', [t, p.policies ?? '']),
  samples: (db, t) => column(db, 'SELECT name FROM samples WHERE tenant = ? ORDER BY name', [t]),
  keys: (db, t) => column(db, 'SELECT id FROM api_keys WHERE tenant = ? ORDER BY id', [t]),
  decisions: (db, t) => column(db, 'SELECT id FROM decisions WHERE tenant = ? ORDER BY id', [t]),
  audit: (db, t) => column(db, 'SELECT id FROM audit_log WHERE tenant = ? ORDER BY id', [t]),
};

/** Each path parameter with the collection segment before it: /v1/policies/{policy}/versions/{version} → [[policy, policies], [version, versions]]. */
export function paramCollections(spec: RouteSpec): Array<[param: string, collection: string]> {
  const segments = spec.path.split('/');
  return pathParams(spec).map((name) => [name, segments[segments.indexOf(`{${name}}`) - 1] ?? '']);
}

/**
 * Path values naming `owner`'s real resources that `caller` does not have under the same name
 * (soom's "points" for a solum key; never "returns", which both have). Null when `owner` has
 * none (e.g. no activation of the chosen policy).
 */
export async function foreignValues(db: Client, spec: RouteSpec, owner: string, caller: string): Promise<Record<string, string> | null> {
  const values: Record<string, string> = {};
  const parents: Record<string, string> = {};
  const callerParents: Record<string, string> = {};
  for (const [param, collection] of paramCollections(spec)) {
    const lookup = COLLECTIONS[collection];
    if (!lookup) throw new Error(`${routeName(spec)}: no lookup of real ids for "${collection}": add it to COLLECTIONS in test/helpers/route-matrix.ts`);
    const mine = new Set(await lookup(db, caller, callerParents));
    const theirs = await lookup(db, owner, parents);
    const value = theirs.find((v) => !mine.has(v)) ?? theirs[0];
    if (value === undefined) return null;
    values[param] = parents[collection] = callerParents[collection] = value;
  }
  return values;
}

/**
 * Several probes of `owner`'s names for the route: the path values of foreignValues with the
 * last parameter set in turn to each of up to `max` of the owner's names the caller does not
 * have (soom's policy keys points, layaway, cancellation for a solum key; B's sample names, key
 * ids, decision ids, activation ids, version numbers under B's policy). Empty when the owner has none.
 */
export async function foreignProbes(db: Client, spec: RouteSpec, owner: string, caller: string, max = 3): Promise<Array<Record<string, string>>> {
  const first = await foreignValues(db, spec, owner, caller);
  if (!first) return [];
  const params = paramCollections(spec);
  const [leaf, collection] = params.at(-1)!;
  const parents = Object.fromEntries(params.slice(0, -1).map(([p, c]) => [c, first[p]!]));
  const mine = new Set(await COLLECTIONS[collection]!(db, caller, parents));
  const theirs = (await COLLECTIONS[collection]!(db, owner, parents)).filter((v) => !mine.has(v) && v !== first[leaf]);
  return [first, ...theirs.slice(0, max - 1).map((v) => ({ ...first, [leaf]: v }))];
}

/**
 * For a nested route (/v1/policies/{policy}/activations/{id}): the caller's own parent with an
 * owner's leaf id the caller does not have, the way a tenant would probe another's activation or
 * version under its own policy. Null when the route has one parameter or no such id exists.
 */
export async function mixedValues(db: Client, spec: RouteSpec, owner: string, caller: string): Promise<Record<string, string> | null> {
  const params = paramCollections(spec);
  if (params.length < 2) return null;
  const foreign = await foreignValues(db, spec, owner, caller);
  if (!foreign) return null;
  const values: Record<string, string> = {};
  const parents: Record<string, string> = {};
  for (const [param, collection] of params.slice(0, -1)) {
    const own = (await COLLECTIONS[collection]!(db, caller, parents))[0];
    if (own === undefined) return null;
    values[param] = parents[collection] = own;
  }
  const [leaf, collection] = params.at(-1)!;
  const mine = new Set(await COLLECTIONS[collection]!(db, caller, parents));
  // The owner's ids under a parent of the same name first (both tenants have "returns": B's
  // version 3 of its returns under A's returns), then the foreign probe's.
  const candidates = [...(await COLLECTIONS[collection]!(db, owner, parents)), foreign[leaf]!];
  const pick = candidates.find((v) => !mine.has(v));
  if (pick === undefined) return null;
  values[leaf] = pick;
  return values;
}

/** A made-up id of the same shape as a real one (same length and character classes), so a format check cannot tell them apart. */
export function missingLike(value: string): string {
  if (/^\d+$/.test(value)) return '9'.repeat(value.length + 4);
  return value.replace(/[0-9]/g, '7').replace(/[A-Z]/g, 'Z').replace(/[a-z]/g, 'z');
}

/** Every row the tenant owns, in every table with a `tenant` column (tables added later included). */
export async function snapshotTenant(db: Client, tenant: string): Promise<Record<string, string[]>> {
  const tables = await column(db, "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name", []);
  const out: Record<string, string[]> = {};
  for (const table of tables) {
    const cols = (await db.execute(`PRAGMA table_info(${table})`)).rows.map((r) => String(r.name));
    if (!cols.includes('tenant')) continue;
    // last_used_at is written by authentication in the background, not by anything a request changes.
    const keep = cols.filter((c) => c !== 'last_used_at');
    const rs = await db.execute({ sql: `SELECT ${keep.join(', ')} FROM ${table} WHERE tenant = ?`, args: [tenant] });
    out[table] = rs.rows.map((r) => JSON.stringify(keep.map((c) => r[c]))).sort();
  }
  return out;
}

/**
 * What an answer may reveal, for comparing a foreign id's answer with a missing one's: the
 * status, the content type, the names of the headers and, for a problem, type/title/status, the detail and the error
 * paths/messages with the id itself replaced (instance and request id are per request).
 */
export function answerShape(res: { status: number; headers: Headers; body: unknown }, ids: string[]): unknown {
  const scrub = (s: unknown) => ids.reduce((t, id) => t.split(id).join('<id>').split(encodeURIComponent(id)).join('<id>'), String(s ?? ''));
  // Problems anywhere in the body (a batch answers 200 with per-item problems) are compared by
  // what they say; everything else by its structure, since ids and timestamps differ per call.
  const shape = (v: any): unknown => {
    if (Array.isArray(v)) return v.map(shape);
    if (!v || typeof v !== 'object') return v === null ? null : typeof v;
    if (typeof v.type === 'string' && typeof v.title === 'string' && typeof v.status === 'number') {
      return { type: v.type, title: v.title, status: v.status, detail: scrub(v.detail), errors: (v.errors ?? []).map((e: any) => ({ path: scrub(e.path), message: scrub(e.message) })) };
    }
    return Object.fromEntries(Object.keys(v).sort().map((k) => [k, shape(v[k])]));
  };
  // Which headers are present (an ETag, a Location or a Retry-After only for real resources would tell them apart).
  const headers = [...res.headers.keys()].filter((h) => h !== 'date').sort();
  return { status: res.status, contentType: res.headers.get('content-type'), headers, body: typeof res.body === 'string' ? 'text' : shape(res.body) };
}
