/** Key authentication and roles over HTTP: 401 without or with a bad or revoked key, 403 by role, keys hashed at rest. */
import { createHash } from 'node:crypto';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createKey, revokeKey } from '../../server/services/api-keys.ts';
import { eslReturn } from '../helpers/orders.ts';
import { startServer } from '../helpers/server.ts';
import type { TestServer } from '../helpers/server.ts';

let server: TestServer;
const body = { input: eslReturn('2023-11-15T10:00:00Z'), at: '2024-01-20T15:00:00Z' };
const decide = '/v1/policies/returns/decide';

beforeAll(async () => {
  server = await startServer();
});
afterAll(() => server?.close());

function expectProblem(res: { status: number; headers: Headers; body: any }, status: number) {
  expect(res.status).toBe(status);
  expect(res.headers.get('content-type')).toBe('application/problem+json');
  expect(res.body).toMatchObject({ status, type: expect.any(String), title: expect.any(String), detail: expect.any(String), errors: expect.any(Array) });
}

describe('authentication', () => {
  it('answers 401 problem+json without a key', async () => {
    const res = await server.post(decide, body);
    expectProblem(res, 401);
    expect(res.headers.get('www-authenticate')).toMatch(/^Bearer/);
  });

  it('answers 401 to a malformed key, an unknown key and a right prefix with a wrong secret, all alike', async () => {
    const good = await server.key('solum', 'decider');
    const wrongSecret = `${good.slice(0, 'pk_'.length + 13)}${'A'.repeat(43)}`;
    const bodies = [];
    for (const key of ['nonsense', `pk_000000000000_${'B'.repeat(43)}`, wrongSecret]) {
      const res = await server.post(decide, body, key);
      expectProblem(res, 401);
      bodies.push(res.body.detail);
    }
    expect(new Set(bodies).size).toBe(1);
  });

  it('answers 401 to a revoked key at once', async () => {
    const { secret, key } = await createKey(server.runtime, { actor: 'test', tenant: 'solum', role: 'decider' });
    expect((await server.post(decide, body, secret)).status).toBe(200);
    await revokeKey(server.runtime, { actor: 'test', tenant: 'solum', id: key.id });
    expectProblem(await server.post(decide, body, secret), 401);
  });

  it('stores only a hash: no secret appears anywhere in the database files', async () => {
    const secret = await server.key('solum', 'admin');
    await server.runtime.auth.flushTouches();
    const part = secret.split('_').slice(2).join('_');
    const files = readdirSync(server.dir).filter((f) => f.startsWith('policy.db'));
    expect(files.length).toBeGreaterThan(0);
    for (const f of files) expect(readFileSync(join(server.dir, f)).includes(part)).toBe(false);
    const rows = await server.runtime.db.execute("SELECT * FROM api_keys WHERE tenant = 'solum'");
    for (const r of rows.rows) expect(String(r.hash)).toMatch(/^[0-9a-f]{64}$/);
    // The admin key's row: its hash is the sha256 of the secret, and no column holds the secret.
    const { keyId } = await server.actor('solum', 'admin');
    const row = rows.rows.find((r) => r.id === keyId)!;
    expect(String(row.hash)).toBe(createHash('sha256').update(part).digest('hex'));
    expect(Object.values(row).some((v) => String(v).includes(part))).toBe(false);
  });

  it('records when a key was last used (in the background)', async () => {
    const secret = await server.key('soom', 'viewer');
    const { keyId } = await server.actor('soom', 'viewer');
    await server.post('/v1/policies/points/decide', { input: {} }, secret);
    await server.runtime.auth.flushTouches();
    const rs = await server.runtime.db.execute({ sql: 'SELECT last_used_at FROM api_keys WHERE id = ?', args: [keyId] });
    expect(rs.rows[0]!.last_used_at).toMatch(/^\d{4}-/);
  });
});

describe('roles', () => {
  it.each(['admin', 'editor', 'decider'] as const)('lets a %s key decide', async (role) => {
    const res = await server.post(decide, body, await server.key('solum', role));
    expect(res.status).toBe(200);
    expect(res.body.decision.eligible).toBe(true);
  });

  it('answers 403 to a viewer key on decide and batch decide, whatever the policy', async () => {
    const key = await server.key('solum', 'viewer');
    expectProblem(await server.post(decide, body, key), 403);
    expectProblem(await server.post('/v1/policies/returns/decide/batch', { requests: [body] }, key), 403);
    expectProblem(await server.post('/v1/policies/no-such-policy/decide', body, key), 403);
  });
});
