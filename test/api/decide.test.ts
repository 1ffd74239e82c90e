/**
 * POST /v1/policies/{policy}/decide end to end against a real server: the holiday case decided
 * by `at`, the same answers as the CLI, input problems with /input/... paths, tenant isolation,
 * and every decision in the log before its answer.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LocalCatalog } from '../../server/catalog/local-catalog.ts';
import { getDecision } from '../../server/store/decisions.ts';
import { eslReturn, samples } from '../helpers/orders.ts';
import { startServer } from '../helpers/server.ts';
import type { TestServer } from '../helpers/server.ts';

let server: TestServer;
let solum: string;
let soom: string;
const catalog = LocalCatalog.load();

beforeAll(async () => {
  server = await startServer();
  solum = await server.key('solum', 'decider');
  soom = await server.key('soom', 'decider');
});
afterAll(() => server?.close());

const decide = (policy: string, body: unknown, key = solum) => server.post(`/v1/policies/${policy}/decide`, body, key);

describe('the 2023 holiday extension, decided by `at`', () => {
  it('lets an ESL bought in November 2023 be returned on January 20, 2024', async () => {
    const res = await decide('returns', { input: eslReturn('2023-11-15T10:00:00Z'), at: '2024-01-20T15:00:00Z' });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ tenant: 'solum', policy: 'returns', version: 2, at: '2024-01-20T15:00:00Z' });
    expect(res.body.decision.eligible).toBe(true);
    expect(res.body.decision.refundAmount).toBeGreaterThan(0);
  });

  it('refuses the same ESL bought in September 2023', async () => {
    const res = await decide('returns', { input: eslReturn('2023-09-15T10:00:00Z'), at: '2024-01-20T15:00:00Z' });
    expect(res.status).toBe(200);
    expect(res.body.version).toBe(2);
    expect(res.body.decision.eligible).toBe(false);
  });

  it('decides with version 1 outside the holiday window', async () => {
    const res = await decide('returns', { input: eslReturn('2024-03-01T10:00:00Z'), at: '2024-03-10T10:00:00Z' });
    expect(res.body.version).toBe(1);
    expect(res.body.decision.eligible).toBe(true);
  });
});

describe('the answer', () => {
  it('has exactly the fields of the contract (and which instant chose the version), and the trace only on request', async () => {
    const body = { input: eslReturn('2023-11-15T10:00:00Z'), at: '2024-01-20T16:00:00+01:00' };
    const plain = await decide('returns', body);
    expect(Object.keys(plain.body).sort()).toEqual(['at', 'decision', 'id', 'pinTo', 'policy', 'tenant', 'version', 'versionAsOf']);
    expect(plain.body.at).toBe('2024-01-20T15:00:00Z');
    // The seed pins to the decision: the version active at `at` decided, as of `at`.
    expect(plain.body).toMatchObject({ version: 2, versionAsOf: '2024-01-20T15:00:00Z', pinTo: 'decision' });
    expect(plain.body.id).toMatch(/^[0-9A-HJKMNP-TV-Z]{26}$/);
    const traced = await decide('returns', { ...body, trace: true });
    expect(traced.body.trace).toMatchObject({ at: '2024-01-20T15:00:00Z', matched: traced.body.decision.rule });
  });

  it('defaults `at` to now', async () => {
    const before = Date.now();
    const res = await decide('returns', { input: eslReturn('2023-11-15T10:00:00Z') });
    expect(res.status).toBe(200);
    expect(Date.parse(res.body.at)).toBeGreaterThanOrEqual(before - 1000);
    expect(Date.parse(res.body.at)).toBeLessThanOrEqual(Date.now());
  });

  it('equals the CLI decision (LocalCatalog) for every sample of every policy', async () => {
    let compared = 0;
    for (const [tenant, key] of [['solum', solum], ['soom', soom]] as const) {
      for (const s of samples(tenant)) {
        for (const [policy, request] of Object.entries(s.requests)) {
          const input = { order: s.order, request };
          const cli = catalog.decide(tenant, policy, input, s.at);
          const res = await decide(policy, { input, at: s.at }, key);
          if (!cli.ok) {
            expect(res.status, `${s.name} → ${policy}: the CLI says ${cli.kind}`).toBeGreaterThanOrEqual(400);
            continue;
          }
          expect(res.status, `${s.name} → ${policy}: ${res.text}`).toBe(200);
          const { id: _a, ...api } = res.body;
          const { id: _b, ...local } = cli.answer;
          expect(api, `${s.name} → ${policy}`).toEqual(local);
          compared++;
        }
      }
    }
    expect(compared).toBeGreaterThan(50);
  });
});

describe('bad requests', () => {
  it('answers 400 problem+json listing each input problem under /input/...', async () => {
    const input = eslReturn('2023-11-15T10:00:00Z') as any;
    delete input.order.currency;
    input.request.reason = 'bored';
    const res = await decide('returns', { input, at: '2024-01-20T15:00:00Z' });
    expect(res.status).toBe(400);
    expect(res.headers.get('content-type')).toBe('application/problem+json');
    expect(res.body.type).toBe('/problems/invalid-input');
    const paths = res.body.errors.map((e: { path: string }) => e.path);
    expect(paths).toContain('/input/order/currency');
    expect(paths).toContain('/input/request/reason');
    for (const p of paths) expect(p).toMatch(/^\/input\//);
  });

  it('answers 400 with body paths for a body that breaks its schema, and for a bad `at`', async () => {
    const res = await decide('returns', { input: 'x', at: 'yesterday', extra: 1 });
    expect(res.status).toBe(400);
    expect(res.body.type).toBe('/problems/invalid-body');
    expect(res.body.errors.map((e: { path: string }) => e.path).sort()).toEqual(['/at', '/extra', '/input']);
    const local = await decide('returns', { input: eslReturn('2023-11-15T10:00:00Z'), at: '2024-01-20T15:00:00' });
    expect(local.status).toBe(400);
    expect(local.body.errors[0].path).toBe('/at');
  });

  it('answers 400 to malformed JSON and 415 to a body that is not JSON, never crashing', async () => {
    const bad = await server.request('POST', '/v1/policies/returns/decide', { key: solum, body: '{"input": {', headers: { 'Content-Type': 'application/json' } });
    expect(bad.status).toBe(400);
    expect(bad.body.type).toBe('/problems/malformed-json');
    const empty = await server.request('POST', '/v1/policies/returns/decide', { key: solum, body: '', headers: { 'Content-Type': 'application/json' } });
    expect(empty.status).toBe(400);
    expect(empty.body).toMatchObject({ type: '/problems/malformed-json', detail: 'the body is empty: send a JSON object (at least {})', errors: [{ path: '', message: 'is empty' }] });
    const form = await server.request('POST', '/v1/policies/returns/decide', { key: solum, body: 'input=1', headers: { 'Content-Type': 'application/x-www-form-urlencoded' } });
    expect(form.status).toBe(415);
    expect((await server.get('/healthz')).status).toBe(200);
  });

  it('answers a 5xx-free 413 to a body over the limit', async () => {
    const res = await decide('returns', { input: { pad: 'x'.repeat(1_100_000) } });
    expect(res.status).toBe(413);
    expect(res.headers.get('content-type')).toBe('application/problem+json');
  });
});

describe('tenant isolation', () => {
  it("answers a solum key asking for soom's policy exactly like a missing policy", async () => {
    const body = { input: { order: {}, request: {} } };
    const foreign = await decide('points', body, solum);
    const missing = await decide('no-such-policy', body, solum);
    expect(foreign.status).toBe(404);
    expect(missing.status).toBe(404);
    const shape = (b: any) => ({ ...b, detail: b.detail.replace(/"[^"]*"/, '"…"'), instance: undefined });
    expect(shape(foreign.body)).toEqual(shape(missing.body));
    // And soom's own key decides it.
    expect((await decide('points', body, soom)).status).not.toBe(404);
  });
});

describe('the decision log', () => {
  it('holds every decision, with input, version and rule, by the time the answer arrives', async () => {
    const input = eslReturn('2023-11-15T10:00:00Z');
    const res = await decide('returns', { input, at: '2024-01-20T15:00:00Z', trace: true });
    const logged = await getDecision(server.runtime.db, 'solum', res.body.id);
    expect(logged).toMatchObject({ tenant: 'solum', policy: 'returns', version: 2, input, decision: res.body.decision, rule: res.body.decision.rule, error: null });
    expect(logged!.at).toBe('2024-01-20T15:00:00.000Z');
    expect(logged!.trace).toEqual(res.body.trace);
    expect(logged!.keyId).toBe((await server.actor('solum', 'decider')).keyId);
    expect(await getDecision(server.runtime.db, 'soom', res.body.id)).toBeNull();
  });
});

describe('POST /v1/policies/{policy}/decide/batch', () => {
  it('answers each request in order: decisions and per-item problems', async () => {
    const good = { input: eslReturn('2023-11-15T10:00:00Z'), at: '2024-01-20T15:00:00Z' };
    const old = { input: eslReturn('2023-09-15T10:00:00Z'), at: '2024-01-20T15:00:00Z' };
    const bad = { input: { order: {}, request: {} }, at: '2024-01-20T15:00:00Z' };
    const res = await server.post('/v1/policies/returns/decide/batch', { requests: [good, bad, old] }, solum);
    expect(res.status).toBe(200);
    const [a, b, c] = res.body.results;
    expect(a.decision.eligible).toBe(true);
    expect(c.decision.eligible).toBe(false);
    expect(b).toMatchObject({ status: 400, type: '/problems/invalid-input' });
    expect(b.errors.every((e: { path: string }) => e.path.startsWith('/input/'))).toBe(true);
    for (const r of [a, c]) expect(await getDecision(server.runtime.db, 'solum', r.id)).not.toBeNull();
  });

  it('refuses more requests than DECIDE_BATCH_MAX with a 400 on /requests', async () => {
    const one = { input: eslReturn('2023-11-15T10:00:00Z'), at: '2024-01-20T15:00:00Z' };
    const res = await server.post('/v1/policies/returns/decide/batch', { requests: Array(server.runtime.config.decideBatchMax + 1).fill(one) }, solum);
    expect(res.status).toBe(400);
    expect(res.body.errors[0].path).toBe('/requests');
  });

  it('answers 404 for a foreign policy, as for a missing one', async () => {
    const res = await server.post('/v1/policies/points/decide/batch', { requests: [{ input: {} }] }, solum);
    expect(res.status).toBe(200);
    expect(res.body.results[0]).toMatchObject({ status: 404 });
  });
});
