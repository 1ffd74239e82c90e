/**
 * The editor's API client (editor/src/api.ts) and sign-in session (editor/src/session.ts),
 * against a fake fetch and a fake sessionStorage: what goes over the wire, how problem+json
 * errors come back, and where the key is kept.
 */
import { describe, expect, it } from 'vitest';
import { ApiError, createApi, parseMe, parseProblem } from '../../editor/src/api.ts';
import { createSession, KEY_STORAGE } from '../../editor/src/session.ts';

type Call = { url: string; method: string; headers: Record<string, string>; body: string | undefined };

function fakeFetch(answer: (call: Call) => { status: number; body?: unknown; headers?: Record<string, string> }) {
  const calls: Call[] = [];
  const fetch = (async (url: string, init: RequestInit) => {
    const call = { url, method: init.method ?? 'GET', headers: init.headers as Record<string, string>, body: init.body as string | undefined };
    calls.push(call);
    const { status, body, headers } = answer(call);
    return new Response(body === undefined ? null : typeof body === 'string' ? body : JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json', ...headers } });
  }) as unknown as typeof globalThis.fetch;
  return { fetch, calls };
}

const ME = { tenant: 'solum', tenantName: 'Solum', language: 'ko', role: 'editor', keyId: '01K', permissions: ['decide', 'read', 'write', 'publish', 'self'] };

describe('the API client', () => {
  it('sends the key as a bearer token and reads GET /v1/me', async () => {
    const { fetch, calls } = fakeFetch(() => ({ status: 200, body: ME }));
    const me = await createApi({ key: 'pk_1', fetch }).me();
    expect(me).toEqual({ tenant: 'solum', tenantName: 'Solum', language: 'ko', role: 'editor', permissions: ME.permissions, keyId: '01K', keyName: null });
    expect(calls[0]).toMatchObject({ url: '/v1/me', method: 'GET', headers: { Authorization: 'Bearer pk_1', Accept: 'application/json' } });
  });

  it('saves a draft with If-None-Match: * first, then If-Match with the quoted ETag', async () => {
    const { fetch, calls } = fakeFetch(() => ({ status: 200, body: { etag: 'e2' } }));
    const api = createApi({ key: 'k', fetch });
    await api.saveDraft('returns', { key: 'returns' }, null);
    await api.saveDraft('returns', { key: 'returns' }, 'e1');
    expect(calls.map((c) => [c.method, c.url, c.headers['If-None-Match'], c.headers['If-Match'], c.headers['Content-Type']])).toEqual([
      ['PUT', '/v1/policies/returns/draft', '*', undefined, 'application/json'],
      ['PUT', '/v1/policies/returns/draft', undefined, '"e1"', 'application/json'],
    ]);
    expect(JSON.parse(calls[0]!.body!)).toEqual({ document: { key: 'returns' } });
  });

  it('answers null for a policy without a draft, and escapes policy keys in paths', async () => {
    const { fetch, calls } = fakeFetch(() => ({ status: 404, body: { type: '/problems/not-found', title: 'Not found', status: 404, detail: 'no draft', errors: [] } }));
    await expect(createApi({ key: 'k', fetch }).getDraft('a/b')).resolves.toBeNull();
    expect(calls[0]!.url).toBe('/v1/policies/a%2Fb/draft');
  });

  it('turns a problem+json answer into an ApiError with its title, detail, JSON paths and request id', async () => {
    const problem = { type: '/problems/invalid-body', title: 'Invalid body', status: 400, detail: 'the body does not match its schema', errors: [{ path: '/document', message: 'must be object' }] };
    const { fetch } = fakeFetch(() => ({ status: 400, body: problem, headers: { 'Content-Type': 'application/problem+json', 'X-Request-Id': 'req-1' } }));
    const err = await createApi({ key: 'k', fetch }).saveDraft('returns', 1, 'e').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect(err).toMatchObject({ status: 400, type: '/problems/invalid-body', title: 'Invalid body', detail: problem.detail, errors: problem.errors, requestId: 'req-1', message: 'Invalid body: the body does not match its schema' });
  });

  it('survives answers that are not problem+json (a proxy\'s HTML page) and an unreachable server', async () => {
    const html = parseProblem({ status: 502, statusText: 'Bad Gateway', headers: new Headers() }, '<html>bad gateway</html>');
    expect(html).toMatchObject({ status: 502, title: 'Bad Gateway', detail: '', errors: [] });
    const down = (async () => {
      throw new TypeError('fetch failed');
    }) as unknown as typeof globalThis.fetch;
    await expect(createApi({ key: 'k', fetch: down }).listPolicies()).rejects.toMatchObject({ status: 0, type: 'network', detail: 'fetch failed' });
  });

  it('normalises GET /v1/me, with the role\'s permissions when the server lists none', () => {
    expect(parseMe({ tenant: 't', role: 'viewer' })).toMatchObject({ tenantName: 't', permissions: ['read'] });
    expect(() => parseMe({ tenant: 't', role: 'root' })).toThrow(ApiError);
  });
});

function memoryStorage() {
  const map = new Map<string, string>();
  return { getItem: (k: string) => map.get(k) ?? null, setItem: (k: string, v: string) => void map.set(k, v), removeItem: (k: string) => void map.delete(k), map };
}

describe('the sign-in session', () => {
  it('signs in: keeps the key in session storage and knows the tenant and role', async () => {
    const storage = memoryStorage();
    const { fetch } = fakeFetch(() => ({ status: 200, body: ME }));
    const session = createSession({ storage, connect: (key) => createApi({ key, fetch }) });
    await session.signIn('  pk_good  ');
    const s = session.get();
    expect(s.status).toBe('signed-in');
    expect(s.status === 'signed-in' && [s.me.tenant, s.me.role]).toEqual(['solum', 'editor']);
    expect(storage.map.get(KEY_STORAGE)).toBe('pk_good');
    session.signOut();
    expect(session.get()).toEqual({ status: 'signed-out', error: null });
    expect(storage.map.size).toBe(0);
  });

  it('refuses a bad key plainly and keeps nothing', async () => {
    const storage = memoryStorage();
    storage.setItem(KEY_STORAGE, 'pk_revoked');
    const { fetch } = fakeFetch(() => ({ status: 401, body: { type: '/problems/unauthorized', title: 'Unauthorized', status: 401, detail: 'the API key is not valid', errors: [] } }));
    const session = createSession({ storage, connect: (key) => createApi({ key, fetch }) });
    expect(session.get()).toEqual({ status: 'signing-in', restoring: true, error: null });
    await session.restore();
    expect(session.get()).toEqual({ status: 'signed-out', error: 'This key is not valid: it is unknown, mistyped or revoked.' });
    expect(storage.map.size).toBe(0);
    await session.signIn('   ');
    expect(session.get()).toEqual({ status: 'signed-out', error: 'Paste an API key to sign in.' });
  });

  it('falls back to probing GET /v1/policies on a server without GET /v1/me', async () => {
    const { fetch, calls } = fakeFetch((call) => (call.url === '/v1/me' ? { status: 404, body: { type: '/problems/not-found', title: 'Not found', status: 404, detail: 'no route GET /v1/me', errors: [] } } : { status: 200, body: { at: '2024-01-01T00:00:00Z', policies: [] } }));
    const session = createSession({ storage: memoryStorage(), connect: (key) => createApi({ key, fetch }) });
    await session.signIn('pk_old_server');
    const s = session.get();
    expect(s.status === 'signed-in' && s.me.role).toBe('viewer');
    expect(calls.map((c) => c.url)).toEqual(['/v1/me', '/v1/policies']);
  });
});
