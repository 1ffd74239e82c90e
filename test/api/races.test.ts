/**
 * Races on the other changing routes, through two app instances on one database file (each its
 * own client, caches and change poller, as two processes): creates of the same name, deletes and
 * revokes of the same thing, and two admin keys revoking each other. Each race has one winner,
 * the others get the answer they would get one after the other (409, 404, 200 "already
 * revoked"), never a 5xx, and exactly one audit row is written per change that happened.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listAudit } from '../../server/store/audit.ts';
import { sample } from '../helpers/orders.ts';
import { warrantyDoc } from '../helpers/policy-docs.ts';
import { startServer } from '../helpers/server.ts';
import type { ApiResponse, TestServer } from '../helpers/server.ts';

let a: TestServer;
let b: TestServer;
beforeAll(async () => {
  a = await startServer();
  b = await startServer({ dir: a.dir });
});
afterAll(async () => {
  await b?.close();
  await a?.close();
});

/** n calls at once, alternating between the two instances. */
const race = (n: number, call: (server: TestServer, i: number) => Promise<ApiResponse>) => Promise.all(Array.from({ length: n }, (_, i) => call(i % 2 ? b : a, i)));
const statuses = (results: ApiResponse[]) => results.map((r) => r.status).sort((x, y) => x - y);
const auditOf = async (action: string, target: string) => (await listAudit(a.runtime.db, 'solum', { action, limit: 1000 })).filter((r) => r.target === target);

describe('races on one name', () => {
  it('creates one sample of 8 with the same name: one 201, seven 409, one audit row', async () => {
    const { $schema: _schema, ...doc } = sample('solum', 'solum-holiday-asked-feb-20') as any;
    const results = await race(8, async (s, i) => s.post('/v1/samples', { ...doc, name: 'raced-sample', description: `written by writer ${i}` }, await s.key('solum', 'editor')));
    expect(statuses(results)).toEqual([201, ...Array(7).fill(409)]);
    for (const r of results.filter((x) => x.status === 409)) expect(r.headers.get('content-type')).toBe('application/problem+json');
    expect(await auditOf('sample.create', 'raced-sample')).toHaveLength(1);
  });

  it('creates one policy of 8 with the same key: one 201, seven 409, one audit row', async () => {
    const results = await race(8, async (s, i) => s.post('/v1/policies', { document: warrantyDoc({ title: `writer ${i}` }) }, await s.key('solum', 'editor')));
    expect(statuses(results)).toEqual([201, ...Array(7).fill(409)]);
    expect(await auditOf('policy.create', 'warranty')).toHaveLength(1);
  });

  it('deletes a sample once of 8 deletes at once: one 204, seven 404, one audit row', async () => {
    const results = await race(8, async (s) => s.request('DELETE', '/v1/samples/raced-sample?reason=race', { key: await s.key('solum', 'editor') }));
    expect(statuses(results)).toEqual([204, ...Array(7).fill(404)]);
    expect(await auditOf('sample.delete', 'raced-sample')).toHaveLength(1);
  });

  it('deletes a scheduled activation once of 8 deletes at once: one 204, the others 404, one audit row', async () => {
    const made = await a.post('/v1/policies/returns/activations', { version: 2, from: '2096-01-01T00:00:00Z', reason: 'to be raced' }, await a.key('solum', 'editor'));
    expect(made.status).toBe(201);
    const results = await race(8, async (s) => s.request('DELETE', `/v1/policies/returns/activations/${made.body.id}?reason=race`, { key: await s.key('solum', 'editor') }));
    expect(statuses(results)).toEqual([204, ...Array(7).fill(404)]);
    const rows = (await listAudit(a.runtime.db, 'solum', { action: 'activation.delete', limit: 1000 })).filter((r) => (r.detail as any)?.activation === made.body.id);
    expect(rows).toHaveLength(1);
  });
});

describe('races on keys', () => {
  it('revokes a key once of 8 revokes at once: every answer says revoked, one audit row', async () => {
    const made = await a.post('/v1/keys', { role: 'viewer', reason: 'to be raced' }, await a.key('solum', 'admin'));
    expect(made.status).toBe(201);
    const results = await race(8, async (s) => s.request('DELETE', `/v1/keys/${made.body.key.id}?reason=race`, { key: await s.key('solum', 'admin') }));
    expect(results.map((r) => r.status)).toEqual(Array(8).fill(200));
    for (const r of results) expect(r.body.revokedAt).toEqual(expect.any(String));
    expect(await auditOf('key.revoke', made.body.key.id)).toHaveLength(1);
  });

  it('never leaves a tenant without an admin key when its two admin keys revoke each other at once', async () => {
    let owner = await a.key('soom', 'admin');
    for (let round = 0; round < 5; round++) {
      // Two fresh admin keys of soom, then every other admin key revoked: exactly two left.
      const first = await a.post('/v1/keys', { role: 'admin', name: `first ${round}` }, owner);
      const second = await a.post('/v1/keys', { role: 'admin', name: `second ${round}` }, owner);
      expect([first.status, second.status]).toEqual([201, 201]);
      const pair = [first.body.key.id, second.body.key.id];
      const others = (await a.get('/v1/keys', first.body.secret)).body.keys.filter((k: any) => k.role === 'admin' && k.revokedAt === null && !pair.includes(k.id));
      for (const k of others) expect((await a.request('DELETE', `/v1/keys/${k.id}`, { key: first.body.secret })).status).toBe(200);
      // Each revokes the other at the same moment, through different instances.
      const [x, y] = await Promise.all([
        a.request('DELETE', `/v1/keys/${second.body.key.id}`, { key: first.body.secret }),
        b.request('DELETE', `/v1/keys/${first.body.key.id}`, { key: second.body.secret }),
      ]);
      expect([x.status, y.status].filter((st) => st === 200), `${x.text} ${y.text}`).toHaveLength(1);
      for (const r of [x, y]) expect([200, 401, 409]).toContain(r.status);
      const rows = await a.runtime.db.execute({ sql: "SELECT COUNT(*) AS n FROM api_keys WHERE tenant = 'soom' AND role = 'admin' AND revoked_at IS NULL", args: [] });
      expect(Number(rows.rows[0]!.n), `round ${round}`).toBe(1);
      // The survivor still manages keys, and starts the next round.
      owner = x.status === 200 ? first.body.secret : second.body.secret;
      expect((await a.get('/v1/keys', owner)).status).toBe(200);
    }
  });
});
