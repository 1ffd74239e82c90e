/**
 * Keys and "who am I" against a real server and a second one on the same database: the
 * secret shown once, keys only for the caller's own tenant, lists without secrets, revocation
 * in force at once here and within a second on the other process, self-revocation allowed but
 * never of the last admin key, admin-only routes, and another tenant's key id answering 404
 * exactly like a missing one.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectProblem, expectSameAsMissing, expectSchema, problemPaths, within } from '../helpers/problems.ts';
import { startServer } from '../helpers/server.ts';
import type { TestServer } from '../helpers/server.ts';

type Role = 'admin' | 'editor' | 'decider' | 'viewer';
let a: TestServer;
let b: TestServer;
const key = (role: Role, tenant = 'solum') => a.key(tenant, role);

beforeAll(async () => {
  a = await startServer();
  b = await startServer({ dir: a.dir });
});
afterAll(async () => {
  await b?.close();
  await a?.close();
});

const make = async (body: unknown, role: Role = 'admin', tenant = 'solum') => a.post('/v1/keys', body, await key(role, tenant));
const revoke = async (id: string, role: Role = 'admin', tenant = 'solum', server = a) => server.request('DELETE', `/v1/keys/${id}`, { key: await key(role, tenant) });

describe('GET /v1/me', () => {
  it.each([
    ['admin', ['decide', 'read', 'write', 'publish', 'keys', 'self']],
    ['editor', ['decide', 'read', 'write', 'publish', 'self']],
    ['decider', ['decide', 'self']],
    ['viewer', ['read', 'self']],
  ] as const)('tells a %s key its tenant, role, key id and permissions', async (role, permissions) => {
    const res = await a.get('/v1/me', await key(role));
    expect(res.status).toBe(200);
    expectSchema(res, 'api/who-am-i.schema.json');
    expect(res.body).toEqual({ tenant: 'solum', tenantName: 'Solum', language: 'en', role, keyId: (await a.actor('solum', role)).keyId, permissions });
  });

  it('answers 401 without a key or with a bad one', async () => {
    expectProblem(await a.get('/v1/me'), 401);
    expectProblem(await a.get('/v1/me', 'pk_nope'), 401);
  });
});

describe('POST /v1/keys', () => {
  it('makes a key of the admin\'s tenant: 201, the secret once, usable at once, audited', async () => {
    const res = await make({ role: 'decider', name: 'test checkout', reason: 'test: new checkout' });
    expect(res.status).toBe(201);
    expectSchema(res, 'api/api-key-created.schema.json');
    expect(res.body.secret).toMatch(new RegExp(`^pk_${res.body.key.prefix}_[A-Za-z0-9_-]{43}$`));
    expect(res.body.key).toEqual({ id: expect.any(String), prefix: expect.stringMatching(/^[0-9a-f]{12}$/), role: 'decider', name: 'test checkout', createdAt: expect.any(String), createdBy: (await a.actor('solum', 'admin')).keyId, lastUsedAt: null, revokedAt: null });
    expect((await a.get('/v1/me', res.body.secret)).body).toMatchObject({ tenant: 'solum', role: 'decider', keyId: res.body.key.id });
    expect((await b.get('/v1/me', res.body.secret)).status).toBe(200);
    const audit = await a.get(`/v1/audit?action=key.create&target=${res.body.key.id}`, await key('viewer'));
    expect(audit.body.entries).toEqual([expect.objectContaining({ actor: res.body.key.createdBy, role: 'admin', reason: 'test: new checkout', detail: { role: 'decider', name: 'test checkout', prefix: res.body.key.prefix } })]);
    expect(JSON.stringify(audit.body)).not.toContain(res.body.secret.split('_')[2]);
  });

  it('has no way to name another tenant: a tenant field is a 400 and Soom gets no key', async () => {
    const soomBefore = (await a.get('/v1/keys', await key('admin', 'soom'))).body.keys;
    const res = await make({ role: 'admin', tenant: 'soom' });
    expectProblem(res, 400, '/problems/invalid-body');
    expect(problemPaths(res)).toEqual(['/tenant']);
    expect((await a.get('/v1/keys', await key('admin', 'soom'))).body.keys).toEqual(soomBefore);
  });

  it('answers 400 with paths to a bad role or name', async () => {
    expect(problemPaths(await make({ role: 'root', name: '' }))).toEqual(['/name', '/role']);
    expect(problemPaths(await make({}))).toEqual(['/role']);
  });
});

describe('GET /v1/keys', () => {
  it('lists the tenant\'s keys only, oldest first, without secrets or hashes', async () => {
    const res = await a.get('/v1/keys', await key('admin'));
    expect(res.status).toBe(200);
    expectSchema(res, 'api/api-key-list.schema.json');
    const soomIds = (await a.get('/v1/keys', await key('admin', 'soom'))).body.keys.map((k: any) => k.id);
    expect(soomIds.length).toBeGreaterThan(0);
    expect(res.body.keys.filter((k: any) => soomIds.includes(k.id))).toEqual([]);
    expect(res.body.keys.map((k: any) => k.createdAt)).toEqual([...res.body.keys.map((k: any) => k.createdAt)].sort());
    for (const k of res.body.keys) expect(Object.keys(k).sort()).toEqual(['createdAt', 'createdBy', 'id', 'lastUsedAt', 'name', 'prefix', 'revokedAt', 'role']);
    expect(res.text).not.toMatch(/pk_[0-9a-f]{12}_|hash/);
  });

  it('shows when a key was last used (written in the background)', async () => {
    const viewer = await key('viewer');
    await a.get('/v1/me', viewer);
    await a.runtime.auth.flushTouches();
    const { keyId } = await a.actor('solum', 'viewer');
    const listed = (await a.get('/v1/keys', await key('admin'))).body.keys.find((k: any) => k.id === keyId);
    expect(listed.lastUsedAt).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:00\.000Z$/);
  });
});

describe('the keys routes by role', () => {
  it.each(['editor', 'decider', 'viewer'] as const)('answer 403 to a %s key and change nothing', async (role) => {
    const before = (await a.get('/v1/keys', await key('admin'))).body.keys;
    expectProblem(await make({ role: 'admin' }, role), 403);
    expectProblem(await a.get('/v1/keys', await key(role)), 403);
    expectProblem(await revoke(before[0].id, role), 403);
    expect((await a.get('/v1/keys', await key('admin'))).body.keys).toEqual(before);
  });
});

describe('DELETE /v1/keys/{id}', () => {
  it('revokes: refused here at once and on the other process within 1 s; a second revoke changes nothing', async () => {
    const { body } = await make({ role: 'decider', name: 'test to revoke' });
    expect((await b.get('/v1/me', body.secret)).status).toBe(200);
    const res = await a.request('DELETE', `/v1/keys/${body.key.id}?reason=${encodeURIComponent('test: leaked')}`, { key: await key('admin') });
    expect(res.status).toBe(200);
    expectSchema(res, 'api/api-key.schema.json');
    expect(res.body).toMatchObject({ id: body.key.id, revokedAt: expect.any(String) });
    expectProblem(await a.get('/v1/me', body.secret), 401);
    console.log(`revocation through A in force on B after ${await within(1000, async () => (await b.get('/v1/me', body.secret)).status === 401)} ms`);

    const again = await revoke(body.key.id);
    expect(again.status).toBe(200);
    expect(again.body.revokedAt).toBe(res.body.revokedAt);
    const audit = await a.get(`/v1/audit?action=key.revoke&target=${body.key.id}`, await key('viewer'));
    expect(audit.body.entries).toEqual([expect.objectContaining({ role: 'admin', reason: 'test: leaked', detail: { self: false } })]);
  });

  it('answers 404 for another tenant\'s key exactly as for a missing one, and that key keeps working', async () => {
    const soomKey = await key('decider', 'soom');
    const soomId = (await a.actor('soom', 'decider')).keyId;
    const missing = '01ZZZZZZZZZZZZZZZZZZZZZZZZ';
    expectSameAsMissing(await revoke(soomId), await revoke(missing), soomId, missing);
    expect((await a.get('/v1/me', soomKey)).status).toBe(200);
    expect((await a.get('/v1/keys', await key('admin', 'soom'))).body.keys.find((k: any) => k.id === soomId).revokedAt).toBeNull();
  });

  it('lets a key revoke itself (rotation), after which it is refused', async () => {
    const second = (await make({ role: 'admin', name: 'test rotation' })).body;
    const res = await a.request('DELETE', `/v1/keys/${second.key.id}`, { key: second.secret });
    expect(res.status).toBe(200);
    expectProblem(await a.get('/v1/me', second.secret), 401);
    const audit = await a.get(`/v1/audit?action=key.revoke&target=${second.key.id}`, await key('viewer'));
    expect(audit.body.entries[0]).toMatchObject({ actor: second.key.id, role: 'admin', detail: { self: true } });
  });

  it('refuses 409 to revoke the tenant\'s last admin key, which keeps working', async () => {
    const soomAdmin = await key('admin', 'soom');
    const id = (await a.actor('soom', 'admin')).keyId;
    const res = await revoke(id, 'admin', 'soom');
    expectProblem(res, 409, '/problems/conflict');
    expect(res.body.detail).toMatch(/last admin key/);
    expect((await a.get('/v1/me', soomAdmin)).status).toBe(200);
    expect((await a.get(`/v1/audit?action=key.revoke&target=${id}`, soomAdmin)).body.entries).toEqual([]);
  });
});
