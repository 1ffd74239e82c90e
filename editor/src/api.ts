/**
 * The editor's client of the public HTTP API: one typed function per route it uses, the key
 * sent as `Authorization: Bearer`, and every error turned into an ApiError carrying the
 * problem+json (RFC 9457) title, detail and `errors` list of `{path, message}`, so screens show
 * the server's own words and JSON paths. Nothing here touches the DOM or storage.
 *
 * @example
 *   const api = createApi({ key });
 *   const me = await api.me();                       // { tenant: 'solum', role: 'editor', … }
 *   try { await api.saveDraft('returns', doc, etag); }
 *   catch (e) { if (e instanceof ApiError && e.status === 412) … }   // someone else saved first
 */
import type {
  ActivationCreateRequest, ActivationList, ActivationView, DecisionList, LoggedDecision, PolicyTimeline, PublishAnswer, PublishRequest, ReplayRequest, ReplayResponse, VersionDiff, VersionList,
} from '../../server/types/schemas.gen.ts';

import type { SampleSummary, SampleView, SimulateRequest, SimulateStreamLine } from '../../server/types/schemas.gen.ts';
import type { SimulateTenantRequest, SimulateTenantResponse, SimulateTenantStreamLine } from '../../server/types/schemas.gen.ts';
import type { TemplateList, TenantCreateRequest, TenantCreated } from '../../server/types/schemas.gen.ts';

/** A tenant key's role, or `operator`: a platform operator's key (no tenant; it creates tenants from templates). */
export type Role = 'admin' | 'editor' | 'decider' | 'viewer' | 'operator';
export type Permission = 'decide' | 'read' | 'write' | 'publish' | 'keys' | 'self' | 'tenants';

export interface PathProblem {
  path: string;
  message: string;
}

export class ApiError extends Error {
  override name = 'ApiError';
  constructor(
    readonly status: number,
    /** The problem type, e.g. "/problems/precondition-failed"; "network" when no answer came. */
    readonly type: string,
    readonly title: string,
    readonly detail: string,
    readonly errors: PathProblem[],
    readonly requestId: string | null,
    /** The problem's other members, e.g. a refused publish's failing `tests`, a 409's `version`. */
    readonly members: Record<string, unknown> = {},
  ) {
    super(detail ? `${title}: ${detail}` : title);
  }
}

export interface Me {
  tenant: string;
  /** The tenant's display name (e.g. "Solum"). */
  tenantName: string;
  /** The tenant's default explanation language (GET /v1/me); null: none set (English), an operator, or an older server. */
  language: string | null;
  role: Role;
  permissions: Permission[];
  keyId: string | null;
  keyName: string | null;
}

export interface ScheduleSegment {
  from: string | null;
  until: string | null;
  version: number | null;
}

export interface DraftSummary {
  etag: string;
  baseVersion: number | null;
  updatedAt: string;
  updatedBy: string;
}

export interface PolicySummary {
  key: string;
  title: string;
  activeVersion: number | null;
  latestVersion: number | null;
  draft: DraftSummary | null;
  upcoming: ScheduleSegment[];
}

export interface PolicyList {
  at: string;
  policies: PolicySummary[];
}

export interface VersionDetail {
  policy: string;
  version: number;
  contentHash: string;
  note: string | null;
  reason: string | null;
  createdAt: string;
  createdBy: string;
  document: Record<string, unknown>;
}

export interface PolicyDetail {
  key: string;
  title: string;
  at: string;
  active: VersionDetail | null;
  latestVersion: number | null;
  draft: DraftSummary | null;
  schedule: ScheduleSegment[];
  /** The live activations in the order they apply (later ones win where they overlap): which version decides at an instant. */
  activations?: Array<{ version: number; from: string | null; until?: string | null }>;
}

export interface Draft extends DraftSummary {
  policy: string;
  valid: boolean;
  problems: PathProblem[];
  document: Record<string, unknown>;
}

export interface Api {
  me(): Promise<Me>;
  /** Platform operators (screens/new-tenant.tsx): the templates, and a tenant made from one (its admin key in `secret`, shown once). */
  listTemplates(): Promise<TemplateList>;
  createTenant(body: TenantCreateRequest): Promise<TenantCreated>;
  listPolicies(): Promise<PolicyList>;
  getPolicy(policy: string): Promise<PolicyDetail>;
  getVersion(policy: string, version: number): Promise<VersionDetail>;
  /** The open draft, or null when the policy has none. */
  getDraft(policy: string): Promise<Draft | null>;
  /**
   * Saves the whole draft document. `etag` is the draft's current ETag (If-Match), or null to
   * start a draft (If-None-Match: *). A 412 ApiError means someone else saved in between.
   */
  saveDraft(policy: string, document: unknown, etag: string | null): Promise<Draft>;

  // Publishing, scheduling and history.
  /** Publishes the draft with this ETag (If-Match). 422: it does not compile or tests fail (`members.tests`); 409: identical to `members.version`. */
  publishDraft(policy: string, etag: string, body: PublishRequest): Promise<PublishAnswer>;
  listVersions(policy: string): Promise<VersionList>;
  diffVersions(policy: string, a: number, b: number): Promise<VersionDiff>;
  listActivations(policy: string): Promise<ActivationList>;
  activate(policy: string, body: ActivationCreateRequest): Promise<ActivationView>;
  /** Deletes an activation that has not started (409 once it has). */
  deleteActivation(policy: string, id: number, reason?: string): Promise<void>;
  timeline(policy: string, range?: { from?: string; until?: string }): Promise<PolicyTimeline>;
  listDecisions(query: DecisionQuery): Promise<DecisionList>;
  /** One logged decision; `recomputeTrace` asks for the trace when it was not stored. */
  /** `explain`: with the decision's reasons in plain language, recomputed by the server (GET /v1/decisions/{id}?explain=true). */
  getDecision(id: string, options?: { recomputeTrace?: boolean; explain?: boolean }): Promise<LoggedDecision>;
  replayDecision(id: string, body: ReplayRequest): Promise<ReplayResponse>;

  // Simulation (screens/simulate.tsx)
  /** The tenant's samples with a request for `policy`, without their orders. */
  listSamples(policy: string): Promise<SampleSummary[]>;
  getSample(name: string): Promise<SampleView>;
  /**
   * POST /v1/policies/{policy}/simulate answered as application/x-ndjson: onLine gets each line as
   * it arrives; resolves at the end of the stream (or quietly when `signal` aborts it). A refused
   * request (4xx) rejects with its ApiError.
   */
  simulateStream(policy: string, body: SimulateRequest, onLine: (line: SimulateStreamLine) => void, signal?: AbortSignal): Promise<void>;
  /** POST /v1/simulate: several policies of the tenant over the same orders, one combined summary (components/simulation-cross-policy.tsx). */
  simulateTenant(body: SimulateTenantRequest): Promise<SimulateTenantResponse>;
  /** POST /v1/simulate answered as application/x-ndjson (progress, each changed order, the summary last), as simulateStream. */
  simulateTenantStream(body: SimulateTenantRequest, onLine: (line: SimulateTenantStreamLine) => void, signal?: AbortSignal): Promise<void>;
}

/** GET /v1/decisions filters (absent or empty: not filtered). */
export interface DecisionQuery {
  policy?: string;
  version?: number;
  from?: string;
  until?: string;
  rule?: string;
  field?: string;
  value?: string;
  limit?: number;
  cursor?: string;
}

export interface ApiOptions {
  key: string;
  /** Origin of the API; '' (the default) is the page's own origin. */
  baseUrl?: string;
  fetch?: typeof fetch;
}

export function createApi(options: ApiOptions): Api {
  const base = options.baseUrl ?? '';
  const doFetch = options.fetch ?? ((input, init) => globalThis.fetch(input, init));

  async function call<T>(method: string, path: string, init: { body?: unknown; headers?: Record<string, string>; allow404?: boolean } = {}): Promise<T | null> {
    const headers: Record<string, string> = { Accept: 'application/json', Authorization: `Bearer ${options.key}`, ...init.headers };
    if (init.body !== undefined) headers['Content-Type'] = 'application/json';
    let res: Response;
    try {
      res = await doFetch(`${base}${path}`, { method, headers, ...(init.body !== undefined ? { body: JSON.stringify(init.body) } : {}) });
    } catch (err) {
      throw new ApiError(0, 'network', 'The server cannot be reached', (err as Error)?.message ?? String(err), [], null);
    }
    if (res.status === 404 && init.allow404) return null;
    const text = await res.text();
    if (!res.ok) throw parseProblem(res, text);
    return (text ? JSON.parse(text) : null) as T;
  }
  const enc = encodeURIComponent;

  return {
    me: async () => parseMe(await call('GET', '/v1/me')),
    listTemplates: async () => (await call<TemplateList>('GET', '/v1/templates'))!,
    createTenant: async (body) => (await call<TenantCreated>('POST', '/v1/tenants', { body }))!,
    listPolicies: async () => (await call<PolicyList>('GET', '/v1/policies'))!,
    getPolicy: async (policy) => (await call<PolicyDetail>('GET', `/v1/policies/${enc(policy)}`))!,
    getVersion: async (policy, version) => (await call<VersionDetail>('GET', `/v1/policies/${enc(policy)}/versions/${version}`))!,
    getDraft: (policy) => call<Draft>('GET', `/v1/policies/${enc(policy)}/draft`, { allow404: true }),
    saveDraft: async (policy, document, etag) =>
      (await call<Draft>('PUT', `/v1/policies/${enc(policy)}/draft`, {
        body: { document },
        headers: etag === null ? { 'If-None-Match': '*' } : { 'If-Match': `"${etag}"` },
      }))!,

    publishDraft: async (policy, etag, body) =>
      (await call<PublishAnswer>('POST', `/v1/policies/${enc(policy)}/draft/publish`, { body, headers: { 'If-Match': `"${etag}"` } }))!,
    listVersions: async (policy) => (await call<VersionList>('GET', `/v1/policies/${enc(policy)}/versions`))!,
    diffVersions: async (policy, a, b) => (await call<VersionDiff>('GET', `/v1/policies/${enc(policy)}/versions/${a}/diff/${b}`))!,
    listActivations: async (policy) => (await call<ActivationList>('GET', `/v1/policies/${enc(policy)}/activations`))!,
    activate: async (policy, body) => (await call<ActivationView>('POST', `/v1/policies/${enc(policy)}/activations`, { body }))!,
    deleteActivation: async (policy, id, reason) => {
      await call('DELETE', `/v1/policies/${enc(policy)}/activations/${id}${queryString({ reason })}`);
    },
    timeline: async (policy, range = {}) => (await call<PolicyTimeline>('GET', `/v1/policies/${enc(policy)}/timeline${queryString(range)}`))!,
    listDecisions: async (query) => (await call<DecisionList>('GET', `/v1/decisions${queryString(query)}`))!,
    getDecision: async (id, options = {}) => {
      const query = [options.recomputeTrace ? 'trace=recompute' : '', options.explain ? 'explain=true' : ''].filter(Boolean).join('&');
      return (await call<LoggedDecision>('GET', `/v1/decisions/${enc(id)}${query ? `?${query}` : ''}`))!;
    },
    replayDecision: async (id, body) => (await call<ReplayResponse>('POST', `/v1/decisions/${enc(id)}/replay`, { body }))!,

    // Simulation (screens/simulate.tsx)
    listSamples: async (policy) => (await call<{ samples: SampleSummary[] }>('GET', `/v1/samples?policy=${enc(policy)}`))!.samples,
    getSample: async (name) => (await call<SampleView>('GET', `/v1/samples/${enc(name)}`))!,
    simulateTenant: async (body) => (await call<SimulateTenantResponse>('POST', '/v1/simulate', { body }))!,
    simulateStream: (policy, body, onLine, signal) => stream(`/v1/policies/${enc(policy)}/simulate`, body, (line) => onLine(JSON.parse(line) as SimulateStreamLine), signal),
    simulateTenantStream: (body, onLine, signal) => stream('/v1/simulate', body, (line) => onLine(JSON.parse(line) as SimulateTenantStreamLine), signal),
  };

  /** POSTs `body` asking for NDJSON; onLine gets each line as it arrives. A refused request rejects with its ApiError; an abort resolves quietly. */
  async function stream(path: string, body: unknown, onLine: (line: string) => void, signal?: AbortSignal): Promise<void> {
    const headers = { Accept: 'application/x-ndjson', Authorization: `Bearer ${options.key}`, 'Content-Type': 'application/json' };
    let res: Response;
    try {
      res = await doFetch(`${base}${path}`, { method: 'POST', headers, body: JSON.stringify(body), ...(signal ? { signal } : {}) });
    } catch (err) {
      if (signal?.aborted) return;
      throw new ApiError(0, 'network', 'The server cannot be reached', (err as Error)?.message ?? String(err), [], null);
    }
    if (!res.ok) throw parseProblem(res, await res.text());
    await readLines(res, onLine, signal);
  }
}

/** Calls onLine with each non-empty line of a streamed answer as it arrives (NDJSON). */
export async function readLines(res: Response, onLine: (line: string) => void, signal?: AbortSignal): Promise<void> {
  const emit = (line: string) => {
    if (line.trim()) onLine(line);
  };
  if (!res.body) {
    for (const line of (await res.text()).split('\n')) emit(line);
    return;
  }
  const reader = res.body.getReader();
  const decoder = new TextDecoder();
  let buffered = '';
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      buffered += decoder.decode(value, { stream: true });
      let nl: number;
      while ((nl = buffered.indexOf('\n')) >= 0) {
        emit(buffered.slice(0, nl));
        buffered = buffered.slice(nl + 1);
      }
    }
  } catch (err) {
    if (signal?.aborted) return;
    throw new ApiError(0, 'network', 'The answer broke off', (err as Error)?.message ?? String(err), [], null);
  }
  emit(buffered + decoder.decode());
}

/** `?a=1&b=x` from the given values, skipping undefined and ''; '' when none is left. */
export function queryString(params: { [key: string]: string | number | undefined } | DecisionQuery): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== '') q.set(k, String(v));
  const s = q.toString();
  return s ? `?${s}` : '';
}

/** An error answer → ApiError, whether or not it is problem+json (a proxy's HTML 502 is not). */
export function parseProblem(res: Pick<Response, 'status' | 'statusText' | 'headers'>, text: string): ApiError {
  const requestId = res.headers.get('X-Request-Id');
  let body: Record<string, unknown> = {};
  try {
    const parsed = JSON.parse(text) as unknown;
    if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) body = parsed as Record<string, unknown>;
  } catch {
    // not JSON: fall back to the status line
  }
  const errors = Array.isArray(body.errors)
    ? body.errors.filter((e): e is PathProblem => !!e && typeof e === 'object' && typeof (e as PathProblem).message === 'string').map((e) => ({ path: String(e.path ?? ''), message: e.message }))
    : [];
  return new ApiError(
    res.status,
    typeof body.type === 'string' ? body.type : `http-${res.status}`,
    typeof body.title === 'string' ? body.title : res.statusText || `HTTP ${res.status}`,
    typeof body.detail === 'string' ? body.detail : '',
    errors,
    requestId,
    Object.fromEntries(Object.entries(body).filter(([k]) => !['type', 'title', 'status', 'detail', 'instance', 'errors'].includes(k))),
  );
}

const ROLES: readonly Role[] = ['admin', 'editor', 'decider', 'viewer', 'operator'];
const GRANTS: Record<Role, Permission[]> = {
  admin: ['decide', 'read', 'write', 'publish', 'keys'],
  editor: ['decide', 'read', 'write', 'publish'],
  decider: ['decide'],
  viewer: ['read'],
  operator: ['tenants'],
};

/** GET /v1/me → Me; the permissions are the role's when the server does not list them. */
export function parseMe(raw: unknown): Me {
  const body = (raw && typeof raw === 'object' ? raw : {}) as Record<string, unknown>;
  const key = (body.key && typeof body.key === 'object' ? body.key : {}) as Record<string, unknown>;
  const role = ROLES.find((r) => r === body.role);
  if (typeof body.tenant !== 'string' || !role) throw new ApiError(200, 'bad-answer', 'Unexpected answer from GET /v1/me', JSON.stringify(raw).slice(0, 200), [], null);
  const permissions = Array.isArray(body.permissions) ? (body.permissions.filter((p) => typeof p === 'string') as Permission[]) : GRANTS[role];
  const str = (v: unknown) => (typeof v === 'string' ? v : null);
  return { tenant: body.tenant, tenantName: str(body.tenantName) ?? body.tenant, language: str(body.language), role, permissions, keyId: str(body.keyId) ?? str(key.id), keyName: str(body.keyName) ?? str(key.name) };
}

export function can(me: Me, permission: Permission): boolean {
  return me.permissions.includes(permission);
}
