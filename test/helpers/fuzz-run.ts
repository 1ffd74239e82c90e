/**
 * Runs the API fuzz against a real server: builds the target from the server's own
 * /openapi.json and database (real ids and keys of both tenants, a revoked key), sends the
 * generated requests (fuzz.ts) with bounded concurrency over keep-alive sockets, byte for byte
 * with node:http (fetch would normalise `..` and refuse odd bytes), and checks every answer:
 * no 5xx, an answer within the timeout, and every error an application/problem+json with
 * `status`, `type`, `title` and `errors[{path, message}]`.
 *
 * Requests are sampled in chunks of CHUNK from seed + chunk number, so request i of a run is
 * `replay(target, seed, i)`; its ids and keys are those of the server it runs against.
 *
 * @example
 *   const target = await prepareTarget(server);
 *   const report = await runFuzz({ url: server.url, target, seed: 7, count: 10_000 });
 *   report.failures;   // [] when every answer was a clean 2xx-4xx
 */
import http from 'node:http';
import fc from 'fast-check';
import { allRouteSpecs } from '../../server/api/routes/index.ts';
import { loadPolicyDir } from '../../server/catalog/policy-files.ts';
import { createKey, revokeKey } from '../../server/services/api-keys.ts';
import { ROLES, permissionsOf } from '../../server/services/roles.ts';
import type { Role } from '../../server/services/roles.ts';
import { fuzzRequest } from './fuzz.ts';
import type { FuzzOperation, FuzzRequest, FuzzTarget } from './fuzz.ts';
import { samples } from './orders.ts';
import { COLLECTIONS, matrixRequest, minimalBody, paramCollections } from './route-matrix.ts';
import { sampleBody } from './server.ts';
import type { TestServer } from './server.ts';

export const CHUNK = 250;

/** Tenant → roles the fuzz holds keys of. Solum's keys cannot change anything (decider, viewer), so the decide checked after a run is Solum's. */
const FUZZ_KEYS: Record<string, Role[]> = { soom: [...ROLES], solum: ['decider', 'viewer'] };

/** The target of a run: the operations of the server's OpenAPI document, its real ids, keys of every role. */
export async function prepareTarget(server: Pick<TestServer, 'url' | 'runtime' | 'key' | 'actor' | 'get' | 'post'>): Promise<FuzzTarget> {
  const doc = (await server.get('/openapi.json')).body;
  const db = server.runtime.db;
  const keys: FuzzTarget['keys'] = [];
  for (const [tenant, roles] of Object.entries(FUZZ_KEYS)) {
    for (const role of roles) keys.push({ label: `${tenant}/${role}`, key: await server.key(tenant, role), permissions: permissionsOf(role) });
  }
  const own = new Set(await Promise.all(keys.map(async (k) => (await server.actor(...(k.label.split('/') as [string, Role]))).keyId)));
  // The platform operator's routes (templates, tenant creation) get past the role check too when the server has an OPERATOR_KEY.
  const operatorKey = server.runtime.config.operatorKey;
  if (operatorKey) keys.push({ label: 'operator', key: operatorKey, permissions: permissionsOf('operator') });
  const revoked = await createKey({ db }, { actor: 'fuzz', tenant: 'soom', role: 'admin', name: 'fuzz revoked' });
  await revokeKey({ db, auth: server.runtime.auth }, { actor: 'fuzz', tenant: 'soom', id: revoked.key.id });

  // Some logged decisions, so /v1/decisions/{id} has real ids.
  const bodies = decideBodies();
  for (const [tenant, byPolicy] of Object.entries(bodies)) {
    const key = await server.key(tenant, 'decider');
    for (const [policy, list] of Object.entries(byPolicy)) await server.post(`/v1/policies/${policy}/decide`, list[0], key);
  }
  const ids: Record<string, string[]> = {};
  for (const tenant of Object.keys(FUZZ_KEYS)) {
    const policies = await COLLECTIONS.policies!(db, tenant, {});
    const add = (collection: string, values: string[]) => (ids[collection] = [...new Set([...(ids[collection] ?? []), ...values])]);
    add('policies', policies);
    for (const policy of policies) {
      for (const c of ['versions', 'diff', 'activations']) add(c, await COLLECTIONS[c]!(db, tenant, { policies: policy }));
    }
    for (const c of ['samples', 'decisions', 'audit']) add(c, (await COLLECTIONS[c]!(db, tenant, {})).slice(0, 50));
    // Never the fuzz's own keys: DELETE /v1/keys/{id} would revoke them halfway through.
    add('keys', (await COLLECTIONS.keys!(db, tenant, {})).filter((id) => !own.has(id)));
  }

  const specs = new Map(allRouteSpecs.map((s) => [`${s.method} ${s.path}`, s]));
  const operations: FuzzOperation[] = [];
  for (const [path, item] of Object.entries<Record<string, any>>(doc.paths)) {
    for (const [method, op] of Object.entries<any>(item)) {
      const spec = specs.get(`${method} ${path}`);
      const base = spec ? matrixRequest(spec, {}) : { headers: {} as Record<string, string>, body: undefined };
      const schema = op.requestBody?.content?.['application/json']?.schema;
      const extra = spec?.body ? extraBodies(spec.body, bodies) : [];
      operations.push({
        method,
        path,
        params: spec ? paramCollections(spec) : [],
        query: (op.parameters ?? []).filter((p: any) => p.in === 'query').map((p: any) => ({ name: p.name, schema: p.schema })),
        headers: conditionalHeaders(base.headers),
        bodies: spec?.body ? [minimalBody(spec.body), ...extra] : [],
        fields: schema ? bodyFields(doc, schema) : [],
        permission: op['x-permission'] ?? null,
      });
    }
  }
  return { operations, ids, keys, revokedKey: revoked.secret, bodyLimitBytes: server.runtime.config.bodyLimitBytes };
}

/** The matrix's headers, and for a route that reads If-Match the sets that can succeed: any current version, or none yet. */
function conditionalHeaders(headers: Record<string, string>): Array<Record<string, string>> {
  if (!Object.keys(headers).some((h) => /^if-match$/i.test(h))) return [headers];
  return [headers, { ...headers, 'If-Match': '*' }, Object.fromEntries(Object.entries({ ...headers, 'If-None-Match': '*' }).filter(([h]) => !/^if-match$/i.test(h)))];
}

/** Valid decide bodies from the seed samples, by tenant and policy. */
export function decideBodies(): Record<string, Record<string, unknown[]>> {
  const out: Record<string, Record<string, unknown[]>> = {};
  for (const tenant of Object.keys(FUZZ_KEYS)) {
    for (const s of samples(tenant)) {
      for (const policy of Object.keys(s.requests)) ((out[tenant] ??= {})[policy] ??= []).push(sampleBody(s, policy));
    }
  }
  return out;
}

/** Bodies that pass besides the minimal one: real decisions, documents, simulations, samples. */
function extraBodies(schemaId: string, bodies: Record<string, Record<string, unknown[]>>): unknown[] {
  const decides = Object.values(bodies).flatMap((byPolicy) => Object.values(byPolicy).map((list) => list[0]));
  const documents = loadPolicyDir().tenants.flatMap((t) => t.policies.map((p) => p.versions.at(-1)!.document));
  switch (schemaId) {
    case 'api/decide-request.schema.json': return decides;
    case 'api/decide-batch-request.schema.json': return [{ requests: decides.slice(0, 3) }, { requests: decides }];
    case 'api/draft-save-request.schema.json': return documents.map((document) => ({ document }));
    case 'api/simulate-request.schema.json': return [
      { candidate: { version: 1 }, cases: { samples: true } },
      { candidate: { draft: true }, baseline: { version: 1 }, cases: { orders: [{ id: 'a', ...decides[0] as object }] }, page: { limit: 1 } },
      { candidate: { document: documents[0] }, cases: { samples: true } },
      { candidate: { version: 1 }, baseline: { logged: true }, cases: { decisions: { from: '2000-01-01T00:00:00Z', until: '2100-01-01T00:00:00Z', limit: 10 } } },
    ];
    case 'api/tenant-create-request.schema.json': return [
      { tenant: 'fuzz-made', name: 'Fuzz made', template: 'returns-standard', params: { returnAddress: 'Fuzz Street 1' } },
      { tenant: 'fuzz-dated', name: 'Fuzz dated', template: 'returns-standard', params: { returnAddress: 'x', returnWindowDays: 45 }, activeFrom: '2024-01-01T00:00:00Z', language: 'en' },
    ];
    case 'sample.schema.json': return samples('soom').slice(0, 2).map((s) => ({ ...s, name: `fuzz-${s.name}`.slice(0, 60) }));
    default: return [];
  }
}

/** Every field the request schema names (through $ref, allOf/anyOf/oneOf, properties and items), with its JSON types. */
export function bodyFields(doc: any, schema: unknown): FuzzOperation['fields'] {
  const found = new Map<string, Set<string>>();
  const walk = (s: any, pointer: string, depth: number) => {
    if (!s || typeof s !== 'object' || depth > 8 || found.size > 400) return;
    if (typeof s.$ref === 'string' && s.$ref.startsWith('#/components/schemas/')) walk(doc.components.schemas[decodeURIComponent(s.$ref.slice(21))], pointer, depth + 1);
    for (const sub of [...(s.allOf ?? []), ...(s.anyOf ?? []), ...(s.oneOf ?? [])]) walk(sub, pointer, depth + 1);
    if (pointer) {
      const types = found.get(pointer) ?? new Set<string>();
      for (const t of [s.type ?? []].flat()) types.add(t);
      found.set(pointer, types);
    }
    for (const [name, sub] of Object.entries(s.properties ?? {})) walk(sub, `${pointer}/${name.replace(/~/g, '~0').replace(/\//g, '~1')}`, depth + 1);
    if (s.items && typeof s.items === 'object') walk(s.items, `${pointer}/0`, depth + 1);
  };
  walk(schema, '', 0);
  return [...found].map(([pointer, types]) => ({ pointer, types: [...types] }));
}

// ---------------------------------------------------------------------------------------------
// Sending and checking

export type FuzzAnswer =
  | { kind: 'answer'; status: number; headers: http.IncomingHttpHeaders; body: Buffer; ms: number }
  | { kind: 'timeout'; ms: number }
  | { kind: 'error'; code: string; ms: number };

/** Most of an answer's body kept for checking (a simulation or /openapi.json can be large). */
const KEEP_BYTES = 4 << 20;

export function send(agent: http.Agent, url: URL, req: FuzzRequest, timeoutMs: number): Promise<FuzzAnswer> {
  const started = performance.now();
  return new Promise((resolve) => {
    let settled = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const done = (a: FuzzAnswer) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(a);
    };
    const headers: Record<string, string | number> = { ...req.headers };
    // Explicit framing: node's client sends a GET or DELETE body unframed unless told.
    if (req.body && !req.chunked) headers['Content-Length'] = req.body.length;
    if (req.body && req.chunked) headers['Transfer-Encoding'] = 'chunked';
    let r: http.ClientRequest;
    try {
      r = http.request({ host: url.hostname, port: url.port, method: req.method, path: req.path, headers, agent }, (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (c: Buffer) => {
          if (size < KEEP_BYTES) chunks.push(c);
          size += c.length;
        });
        res.on('end', () => done({ kind: 'answer', status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks), ms: performance.now() - started }));
        res.on('error', (err: NodeJS.ErrnoException) => done({ kind: 'error', code: err.code ?? err.message, ms: performance.now() - started }));
      });
    } catch (err) {
      // The client refused to send it (a generator bug, not a server finding).
      done({ kind: 'error', code: `client refused: ${(err as Error).message}`, ms: 0 });
      return;
    }
    timer = setTimeout(() => {
      done({ kind: 'timeout', ms: performance.now() - started });
      r.destroy();
    }, timeoutMs);
    r.on('error', (err: NodeJS.ErrnoException) => done({ kind: 'error', code: err.code ?? err.message, ms: performance.now() - started }));
    if (req.body && req.chunked) {
      const size = Math.max(1, Math.ceil(req.body.length / 3));
      for (let i = 0; i < req.body.length; i += size) r.write(req.body.subarray(i, i + size));
      r.end();
    } else {
      r.end(req.body);
    }
  });
}

/** What is wrong with the answer, or null: a 5xx, no answer, or an error that is not a well-formed problem. */
export function checkAnswer(req: FuzzRequest, a: FuzzAnswer, timeoutMs: number, bodyLimitBytes: number): string | null {
  if (a.kind === 'timeout') return `no answer within ${timeoutMs} ms`;
  if (a.kind === 'error') {
    // A body over the limit is refused from its Content-Length and the connection closed
    // (Connection: close) before the body is read: the client may see the reset before the answer.
    if (/^(ECONNRESET|EPIPE)$/.test(a.code) && req.body && req.body.length > bodyLimitBytes) return null;
    return `connection error ${a.code}`;
  }
  const type = String(a.headers['content-type'] ?? '');
  // The editor's page while dist/editor is missing or being rebuilt (by a test beside this one,
  // or never built): it depends on the checkout, not on the request.
  if (a.status === 503 && type.startsWith('text/html') && a.body.includes('Policy editor not built') && !/^\/v1(\/|$)/.test(req.path)) return null;
  if (a.status >= 500) return `answered ${a.status}: ${a.body.toString('utf8').slice(0, 300)}`;
  if (a.status < 400 || req.method === 'HEAD') return null;
  // The editor answers a browser's unknown page with its index.html and status 404 (editor.ts).
  if (a.status === 404 && /\btext\/html\b/.test(req.headers.Accept ?? '') && !/^\/v1(\/|$)/.test(req.path) && type.startsWith('text/html')) return null;
  if (type !== 'application/problem+json') return `answered ${a.status} as ${type || 'no content type'}, not application/problem+json: ${a.body.toString('utf8').slice(0, 200)}`;
  let problem: any;
  try {
    problem = JSON.parse(a.body.toString('utf8'));
  } catch {
    return `answered ${a.status} with a problem body that is not JSON`;
  }
  if (problem?.status !== a.status) return `problem status ${problem?.status} differs from HTTP ${a.status}`;
  if (typeof problem.type !== 'string' || typeof problem.title !== 'string') return 'problem without type or title';
  if (!Array.isArray(problem.errors) || !problem.errors.every((e: any) => typeof e?.path === 'string' && typeof e?.message === 'string')) return `problem errors are not [{path, message}]: ${JSON.stringify(problem.errors).slice(0, 200)}`;
  return null;
}

export interface FuzzReport {
  sent: number;
  byStatus: Record<string, number>;
  failures: Array<{ index: number; request: string; problem: string }>;
  ms: number;
  slowestMs: number;
  /** The slowest requests, slowest first. */
  slowest: Array<{ ms: number; request: string }>;
  /** Answers by operation and status: which operations the run reached past the key check. */
  byOperation: Record<string, Record<string, number>>;
}

/** Request `index` of a run with `seed`. */
export function replay(target: FuzzTarget, seed: number, index: number): FuzzRequest {
  return fc.sample(fuzzRequest(target), { seed: chunkSeed(seed, Math.floor(index / CHUNK)), numRuns: CHUNK })[index % CHUNK]!;
}

/** The seed of one chunk of a run: runs with nearby seeds share no chunk. */
function chunkSeed(seed: number, chunk: number): number {
  return (Math.imul(seed | 0, 0x9e3779b1) ^ Math.imul(chunk + 1, 0x85ebca6b)) | 0;
}

export async function runFuzz(options: {
  url: string;
  target: FuzzTarget;
  seed: number;
  count: number;
  concurrency?: number;
  timeoutMs?: number;
  /** Stop after this many failures (the rest would repeat them). */
  maxFailures?: number;
  onProgress?: (report: FuzzReport) => void;
}): Promise<FuzzReport> {
  const { target, seed, count } = options;
  const concurrency = options.concurrency ?? 8;
  const timeoutMs = options.timeoutMs ?? 15_000;
  const url = new URL(options.url);
  const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency });
  const arb = fuzzRequest(target);
  const report: FuzzReport = { sent: 0, byStatus: {}, failures: [], ms: 0, slowestMs: 0, slowest: [], byOperation: {} };
  const started = performance.now();
  let next = 0;
  let chunk: FuzzRequest[] = [];
  let chunkNo = -1;
  const take = (): [number, FuzzRequest] | null => {
    if (next >= count || report.failures.length >= (options.maxFailures ?? 20)) return null;
    const index = next++;
    const c = Math.floor(index / CHUNK);
    if (c !== chunkNo) {
      chunkNo = c;
      chunk = fc.sample(arb, { seed: chunkSeed(seed, c), numRuns: CHUNK });
    }
    return [index, chunk[index % CHUNK]!];
  };
  const worker = async () => {
    for (let item = take(); item; item = take()) {
      const [index, req] = item;
      const answer = await send(agent, url, req, timeoutMs);
      report.sent++;
      const label = answer.kind === 'answer' ? String(answer.status) : answer.kind;
      report.byStatus[label] = (report.byStatus[label] ?? 0) + 1;
      const byOp = (report.byOperation[req.operation] ??= {});
      byOp[label] = (byOp[label] ?? 0) + 1;
      report.slowestMs = Math.max(report.slowestMs, answer.ms);
      if (report.slowest.length < 10 || answer.ms > report.slowest.at(-1)!.ms) {
        report.slowest.push({ ms: Math.round(answer.ms), request: `${req.note.slice(0, 300)} → ${label}` });
        report.slowest.sort((a, b) => b.ms - a.ms).splice(10);
      }
      const problem = checkAnswer(req, answer, timeoutMs, target.bodyLimitBytes);
      if (problem) report.failures.push({ index, request: `${req.note} [${req.method} ${req.path.slice(0, 200)}]`, problem });
      if (report.sent % 1000 === 0) options.onProgress?.(report);
    }
  };
  try {
    await Promise.all(Array.from({ length: concurrency }, worker));
  } finally {
    agent.destroy();
  }
  report.ms = performance.now() - started;
  return report;
}
