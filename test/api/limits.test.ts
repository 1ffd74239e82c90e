/**
 * The limits of issue 7 (README "Limits"), each shown refusing what is over it, with its
 * problem, and letting what is under it through: per-key and per-address rate limits (429 with
 * Retry-After, counted in /metrics), the request timeout (503, and what happens to a decision
 * already handed to the log), the evaluation work budget, the batch size. The body size and
 * the simulation's size and time have their own files (body-limit, simulate-bounds).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../server/api/app.ts';
import { LocalCatalog } from '../../server/catalog/local-catalog.ts';
import { TokenBuckets } from '../../server/api/rate-limit.ts';
import type { DecisionLogWriter } from '../../server/decisions/log-writer.ts';
import { createMetrics } from '../../server/metrics.ts';
import { createKey } from '../../server/services/api-keys.ts';
import { createDecider } from '../../server/services/decide.ts';
import type { PolicyCache } from '../../server/services/policy-cache.ts';
import { getDecision } from '../../server/store/decisions.ts';
import { sample } from '../helpers/orders.ts';
import { sampleBody, startServer } from '../helpers/server.ts';
import type { ApiResponse, TestServer } from '../helpers/server.ts';

const DECIDE = '/v1/policies/returns/decide';
const one = () => sampleBody(sample('solum', 'solum-holiday-placed-oct-11-asked-jan-20'), 'returns');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The 4-item Cyber Monday return with every item three times (other SKUs): 12 items. */
function twelveItems() {
  const s = sample('solum', 'solum-holiday-cyber-monday-multi-category-asked-jan-8');
  const copies = <T extends { sku: string }>(items: T[]) => [1, 2, 3].flatMap((n) => items.map((i) => ({ ...i, sku: n === 1 ? i.sku : `${i.sku}-${n}` })));
  s.order.items = copies(s.order.items);
  s.requests.returns!.items = copies(s.requests.returns!.items as Array<{ sku: string }>);
  return sampleBody(s, 'returns');
}

function expectProblem(res: ApiResponse, status: number, type: string) {
  expect(res.status, res.text.slice(0, 300)).toBe(status);
  expect(res.headers.get('content-type')).toBe('application/problem+json');
  expect(res.body).toMatchObject({ status, type, title: expect.any(String), errors: expect.any(Array) });
}

/** Sends until the first answer that is not `ok` (at most `max`): the answers before it, that one, and the seconds it took. */
async function untilRefused(send: () => Promise<ApiResponse>, ok: number, max = 20): Promise<{ passed: number; refused: ApiResponse | null; seconds: number }> {
  const started = performance.now();
  for (let passed = 0; passed < max; passed++) {
    const res = await send();
    if (res.status !== ok) return { passed, refused: res, seconds: (performance.now() - started) / 1000 };
  }
  return { passed: max, refused: null, seconds: (performance.now() - started) / 1000 };
}

describe('token buckets', () => {
  it('let a burst through, then one request per 1/rate seconds, and say how long to wait', () => {
    let now = 0;
    const buckets = new TokenBuckets(2, 3, () => now);
    expect([buckets.take('k'), buckets.take('k'), buckets.take('k')]).toEqual([0, 0, 0]);
    expect(buckets.take('k')).toBeCloseTo(0.5);
    expect(buckets.take('other')).toBe(0);
    now = 400;
    expect(buckets.empty('k')).toBe(true);
    expect(buckets.take('k')).toBeCloseTo(0.1);
    now = 500;
    expect(buckets.take('k')).toBe(0);
    now = 60_000;
    expect([0, 1, 2].map(() => buckets.take('k'))).toEqual([0, 0, 0]);
    expect(buckets.take('k')).toBeGreaterThan(0);
  });

  it('never refuse when the rate is 0 (off)', () => {
    const off = new TokenBuckets(0, 1, () => 0);
    for (let i = 0; i < 100; i++) expect(off.take('k')).toBe(0);
  });
});

describe('rate limits', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer({ env: { RATE_LIMIT_PER_SECOND: '1', RATE_LIMIT_BURST: '3', RATE_LIMIT_ANON_PER_SECOND: '1', RATE_LIMIT_ANON_BURST: '4' } });
  });
  afterAll(() => server?.close());

  it('answers 429 with Retry-After to a key past its burst, each key on its own, and counts it in /metrics', async () => {
    const key = await server.key('solum', 'decider');
    const { passed, refused, seconds } = await untilRefused(() => server.post(DECIDE, one(), key), 200);
    // The burst of 3, plus what one a second refilled meanwhile.
    expect(passed).toBeGreaterThanOrEqual(3);
    expect(passed).toBeLessThanOrEqual(3 + Math.ceil(seconds));
    expectProblem(refused!, 429, '/problems/too-many-requests');
    expect(Number(refused!.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(refused!.body.detail).toMatch(/RATE_LIMIT_PER_SECOND/);
    // Another key of the same tenant has its own bucket.
    const other = await server.post(DECIDE, one(), await server.key('solum', 'editor'));
    expect(other.status, other.text).toBe(200);
    // Once Retry-After has passed, the key is served again.
    await sleep(Number(refused!.headers.get('retry-after')) * 1000 + 100);
    expect((await server.post(DECIDE, one(), key)).status).toBe(200);
    const metrics = await server.get('/metrics');
    expect(metrics.text).toMatch(/policy_rate_limited_total\{scope="key"\} [1-9]/);
    expect(metrics.text).toMatch(/policy_http_requests_total\{[^}]*status="429"[^}]*\} [1-9]/);
  });

  it('answers 429 to an address sending bad keys, without looking them up, while a key it has used still works', async () => {
    const valid = await server.key('soom', 'viewer');
    expect((await server.get('/v1/me', valid)).status).toBe(200);
    let n = 0;
    const madeUp = () => `pk_${(n++).toString(16).padStart(12, 'a')}_${'A'.repeat(43)}`;
    // Counts the queries for keys: a made-up key is looked up until the address is over budget.
    const db = server.runtime.db;
    const execute = db.execute.bind(db);
    let keyQueries = 0;
    db.execute = ((...args: unknown[]) => {
      const stmt = args[0] as string | { sql: string };
      if (/api_keys/.test(typeof stmt === 'string' ? stmt : stmt.sql)) keyQueries++;
      return (execute as (...a: unknown[]) => unknown)(...args);
    }) as typeof db.execute;
    const { passed, refused, seconds } = await untilRefused(() => server.get('/v1/me', madeUp()), 401);
    expect(keyQueries).toBe(passed);
    // Up to the burst of 4 (less what the test above spent on /metrics), plus what refilled meanwhile.
    expect(passed).toBeGreaterThanOrEqual(1);
    expect(passed).toBeLessThanOrEqual(4 + Math.ceil(seconds));
    expectProblem(refused!, 429, '/problems/too-many-requests');
    expect(refused!.headers.get('retry-after')).toBe('1');
    expect(refused!.body.detail).toMatch(/RATE_LIMIT_ANON_PER_SECOND/);

    // While the address is over its budget, a made-up key costs no query.
    keyQueries = 0;
    for (let i = 0; i < 5; i++) expectProblem(await server.get('/v1/me', madeUp()), 429, '/problems/too-many-requests');
    expect(keyQueries).toBe(0);
    db.execute = execute;
    expectProblem(await server.get('/v1/me'), 429, '/problems/too-many-requests');
    // The public routes share the address's budget.
    expectProblem(await server.get('/healthz'), 429, '/problems/too-many-requests');
    // A key this process has verified is not refused with the address.
    expect((await server.get('/v1/me', valid)).status).toBe(200);
    expect(await server.runtime.metrics.registry.getSingleMetricAsString('policy_rate_limited_total')).toMatch(/scope="address"\} [1-9]/);
    // A second later, a token is back.
    await sleep(1100);
    expectProblem(await server.get('/v1/me', madeUp()), 401, '/problems/unauthorized');
  });
});

describe('work limits', () => {
  let server: TestServer;
  let plain: TestServer;
  let key: string;
  beforeAll(async () => {
    [server, plain] = await Promise.all([startServer({ env: { EVAL_MAX_STEPS: '100', DECIDE_BATCH_MAX: '3', REQUEST_TIMEOUT_MS: '300' } }), startServer()]);
    key = await server.key('solum', 'decider');
  });
  afterAll(async () => {
    await server?.close();
    await plain?.close();
  });

  it('stops an evaluation past EVAL_MAX_STEPS: a logged 422 naming the budget; a smaller order is decided', async () => {
    expect((await server.post(DECIDE, one(), key)).status).toBe(200);
    const res = await server.post(DECIDE, twelveItems(), key);
    expectProblem(res, 422, '/problems/evaluation-failed');
    expect(res.body.errors[0].message).toMatch(/budget/);
    const logged = await getDecision(server.runtime.db, 'solum', res.body.id);
    expect(logged?.error?.message).toMatch(/budget/);
    // The same order under the default budget (1,000,000 steps).
    const decided = await plain.post(DECIDE, twelveItems(), await plain.key('solum', 'decider'));
    expect(decided.status, decided.text).toBe(200);
    expect(decided.body.decision.items).toHaveLength(12);
  });

  it('decides a batch of DECIDE_BATCH_MAX requests and refuses one more with a 400', async () => {
    const ok = await server.post(`${DECIDE}/batch`, { requests: [one(), one(), one()] }, key);
    expect(ok.status, ok.text).toBe(200);
    expect(ok.body.results.map((r: { decision?: unknown }) => !!r.decision)).toEqual([true, true, true]);
    const over = await server.post(`${DECIDE}/batch`, { requests: [one(), one(), one(), one()] }, key);
    expectProblem(over, 400, '/problems/invalid-body');
    expect(over.body.errors).toEqual([{ path: '/requests', message: 'must have at most 3 items, got 4' }]);
  });

  describe('the request timeout (REQUEST_TIMEOUT_MS=300)', () => {
    /** The real app over the server's runtime, with a decider whose policy lookup or log append takes `ms` more. */
    function appWith(slow: { lookup?: number; log?: number }) {
      const rt = server.runtime;
      const cache = new Proxy(rt.cache, {
        get: (target, prop) =>
          prop === 'policy' ? async (...args: Parameters<PolicyCache['policy']>) => (await sleep(slow.lookup ?? 0), target.policy(...args)) : Reflect.get(target, prop, target),
      });
      const log = { append: async (entry: Parameters<DecisionLogWriter['append']>[0]) => (await sleep(slow.log ?? 0), rt.log.append(entry)), depth: 0 } as unknown as DecisionLogWriter;
      const inner = createDecider({ cache, log });
      // `settled` resolves when the decide has finished, answered or not: after a 503 it goes on.
      let settle!: () => void;
      const settled = new Promise<void>((resolve) => (settle = resolve));
      const decider = { ...inner, decide: (...args: Parameters<typeof inner.decide>) => inner.decide(...args).finally(settle) };
      return { app: createApp({ ...rt, metrics: createMetrics({ queueDepth: () => 0, defaultMetrics: false }), decider }), settled };
    }
    const decide = async ({ app }: { app: ReturnType<typeof createApp> }) => {
      const started = performance.now();
      const res = await app.request(DECIDE, { method: 'POST', body: JSON.stringify(one()), headers: { Authorization: `Bearer ${key}`, 'Content-Type': 'application/json' } });
      return { res, ms: performance.now() - started, body: await res.json() };
    };
    const logged = async () => Number((await server.runtime.db.execute("SELECT count(*) AS n FROM decisions WHERE tenant = 'solum'")).rows[0]!.n);

    it('answers 503 problem+json with Retry-After when a decide has not reached the log in time, and logs nothing', async () => {
      const before = await logged();
      const slow = appWith({ lookup: 1000 });
      const { res, ms, body } = await decide(slow);
      expect(res.status).toBe(503);
      expect(res.headers.get('content-type')).toBe('application/problem+json');
      expect(res.headers.get('retry-after')).toBe('1');
      expect(body).toMatchObject({ status: 503, type: '/problems/unavailable', errors: [] });
      expect(ms).toBeLessThan(900);
      // The handler went on after the 503: it must not have logged a decision nobody was told of.
      await slow.settled;
      expect(await logged()).toBe(before);
    });

    it('answers a decide whose decision was handed to the log in time, however long the log takes', async () => {
      const { res, ms, body } = await decide(appWith({ log: 700 }));
      expect(res.status, JSON.stringify(body)).toBe(200);
      expect(ms).toBeGreaterThan(600);
      expect(await getDecision(server.runtime.db, 'solum', body.id)).not.toBeNull();
    });

    it('answers a decide within the limit as usual', async () => {
      const { res } = await decide(appWith({ lookup: 20 }));
      expect(res.status).toBe(200);
    });

    it('lets both simulation routes run past it (SIMULATE_TIMEOUT_MS bounds them instead)', async () => {
      const rt = server.runtime;
      // Every sandbox task (the candidate document's evaluations) takes 500 ms more than the 300 ms limit.
      const sandbox = new Proxy(rt.sandbox, {
        get: (target, prop) => (prop === 'run' ? async (...args: Parameters<typeof target.run>) => (await sleep(500), target.run(...args)) : Reflect.get(target, prop, target)),
      });
      const app = createApp({ ...rt, metrics: createMetrics({ queueDepth: () => 0, defaultMetrics: false }), sandbox });
      const editor = await server.key('solum', 'editor');
      const document = LocalCatalog.load().policy('solum', 'returns')!.versions[0]!.document;
      const post = (path: string, body: unknown) => app.request(path, { method: 'POST', body: JSON.stringify(body), headers: { Authorization: `Bearer ${editor}`, 'Content-Type': 'application/json' } });
      const policy = await post('/v1/policies/returns/simulate', { candidate: { document }, cases: { samples: true } });
      expect(policy.status, await policy.clone().text()).toBe(200);
      const tenant = await post('/v1/simulate', { changes: [{ policy: 'returns', candidate: { document } }], cases: { samples: true } });
      expect(tenant.status, await tenant.clone().text()).toBe(200);
    });
  });
});
