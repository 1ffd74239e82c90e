/**
 * POST /v1/simulate, the tenant-wide what-if, against a real server seeded from policies/: a
 * change to Soom's returns (the inventory handling cost 25% -> 30%) together with a change to
 * its points (1% -> 2%), cancellation evaluated unchanged, over five chosen samples. The
 * combined summary is worked out by hand from the seed texts:
 *
 * "we will refund the amount excluding inventory handling cost (25% of order amount)"
 *   soom-return-changed-mind-5-days-after-shipping: outfit 86 + wig 36 = 122; paid 150.
 *     25%: charge 30.50, refund 119.50.  30%: charge 36.60, refund 113.40 (charge +6.10, refund -6.10).
 *   soom-return-defective-doll-day-3-points-used and soom-return-damaged-in-transit-day-2 are a
 *     defect and transit damage: exchange or refund without the charge, unchanged.
 * "When purchasing as a member, 1% points of order amount will be credited."
 *   changed mind: 122 -> 1.22 at 1%, 2.44 at 2% (+1.22)
 *   defective doll: doll 589 + shoes 54 = 643 -> 6.43, 12.86 (+6.43)
 *   damaged in transit: doll 589 + parts 45 = 634 -> 6.34, 12.68 (+6.34)
 *   soom-points-guest-order: a guest ("When purchasing as a member"): 0 either way.
 * soom-cancel-layaway-49h-after-first-payment has only a cancellation (and layaway) request:
 *   decided by cancellation alone, unchanged.
 *
 * So: 5 orders, 3 changed (changed mind: returns and points; the two claims: points), 2 not;
 * decisions evaluated 3 returns + 4 points + 1 cancellation = 8, changed 1 + 3 = 4; points
 * earned +13.99 (1.22 + 6.43 + 6.34), returns inventoryCharge +6.10 and refundAmount -6.10.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer } from '../helpers/server.ts';
import type { TestServer } from '../helpers/server.ts';

let server: TestServer;
let soomEditor: string;
let solumEditor: string;

beforeAll(async () => {
  server = await startServer();
  soomEditor = await server.key('soom', 'editor');
  solumEditor = await server.key('solum', 'editor');
});
afterAll(() => server?.close());

const seedDocument = (policy: string) => JSON.parse(readFileSync(new URL(`../../policies/soom/${policy}.json`, import.meta.url), 'utf8'));
function withParam(policy: string, param: string, value: unknown) {
  const document = seedDocument(policy);
  expect(document.params[param], `${policy} has param ${param}`).toBeDefined();
  document.params[param].value = value;
  return document;
}

const samples = [
  'soom-return-changed-mind-5-days-after-shipping',
  'soom-return-defective-doll-day-3-points-used',
  'soom-return-damaged-in-transit-day-2',
  'soom-points-guest-order',
  'soom-cancel-layaway-49h-after-first-payment',
];
const body = () => ({
  changes: [
    { policy: 'returns', candidate: { document: withParam('returns', 'inventoryChargeRate', 0.3) } },
    { policy: 'points', candidate: { document: withParam('points', 'earnRate', 0.02) } },
  ],
  policies: ['cancellation'],
  cases: { samples },
});

describe('Soom returns and points changed together, cancellation unchanged, over five orders', () => {
  it('gives the combined summary worked out by hand', async () => {
    const res = await server.post('/v1/simulate', body(), soomEditor);
    expect(res.status, res.text).toBe(200);
    const { summary } = res.body;
    expect(summary).toMatchObject({ orders: 5, changedOrders: 3, unchangedOrders: 2, evaluated: 8, changed: 4, errors: { before: 0, after: 0 } });
    expect(summary.byPolicy.returns).toMatchObject({ evaluated: 3, changed: 1, unchanged: 2 });
    expect(summary.byPolicy.returns.fields).toEqual({
      '/inventoryCharge': { changed: 1, up: 6.1, down: 0, net: 6.1 },
      '/refundAmount': { changed: 1, up: 0, down: 6.1, net: -6.1 },
    });
    expect(summary.byPolicy.points).toMatchObject({ evaluated: 4, changed: 3, unchanged: 1 });
    expect(summary.byPolicy.points.fields).toEqual({ '/earned': { changed: 3, up: 13.99, down: 0, net: 13.99 } });
    expect(summary.byPolicy.cancellation).toMatchObject({ evaluated: 1, changed: 0, byRule: [], fields: {} });
    expect(summary.byRule).toEqual([
      { policy: 'points', from: 'credit-scheduled', to: 'credit-scheduled', count: 3 },
      { policy: 'returns', from: 'changed-mind-refund-minus-charge', to: 'changed-mind-refund-minus-charge', count: 1 },
    ]);
    // Combined: every policy's fields added up (here no field is shared by two policies).
    expect(summary.fields).toEqual({
      '/earned': { changed: 3, up: 13.99, down: 0, net: 13.99 },
      '/inventoryCharge': { changed: 1, up: 6.1, down: 0, net: 6.1 },
      '/refundAmount': { changed: 1, up: 0, down: 6.1, net: -6.1 },
    });
    // Every order is in dollars: one currency, the same figures.
    expect(summary.byCurrency).toEqual({ USD: { fields: summary.fields, byPolicy: { returns: summary.byPolicy.returns.fields, points: summary.byPolicy.points.fields } } });
    expect(res.body.policies).toEqual([
      { policy: 'returns', changed: true, candidate: { document: true }, baseline: { active: true } },
      { policy: 'points', changed: true, candidate: { document: true }, baseline: { active: true } },
      { policy: 'cancellation', changed: false, candidate: { active: true }, baseline: { active: true } },
    ]);
    expect(res.body.errors).toEqual([]);
  });

  it('lists each changed order with the policies that changed and their decisions before and after', async () => {
    const res = await server.post('/v1/simulate', body(), soomEditor);
    expect(res.body.orders.map((o: { id: string; changed: string[]; unchanged: string[] }) => [o.id, o.changed, o.unchanged])).toEqual([
      ['soom-return-changed-mind-5-days-after-shipping', ['returns', 'points'], []],
      ['soom-return-defective-doll-day-3-points-used', ['points'], ['returns']],
      ['soom-return-damaged-in-transit-day-2', ['points'], ['returns']],
    ]);
    const first = res.body.orders[0];
    expect(first.decisions.returns.changes).toEqual([
      { path: '/inventoryCharge', before: 30.5, after: 36.6 },
      { path: '/refundAmount', before: 119.5, after: 113.4 },
    ]);
    expect(first.decisions.points.changes).toEqual([{ path: '/earned', before: 1.22, after: 2.44 }]);
    expect(first.decisions.returns).toMatchObject({ index: 0, baselineVersion: 1, ruleBefore: 'changed-mind-refund-minus-charge' });
    expect(res.body.orders[1].decisions.points.changes).toEqual([{ path: '/earned', before: 6.43, after: 12.86 }]);
    expect(res.body.orders[2].decisions.points.changes).toEqual([{ path: '/earned', before: 6.34, after: 12.68 }]);
    expect(Object.keys(res.body.orders[1].decisions)).toEqual(['points']);
    expect(res.body.more).toBeUndefined();
    // A page cuts the list, never the summary; the cursor gives the next page of the same question.
    const one = await server.post('/v1/simulate', { ...body(), page: { limit: 1 } }, soomEditor);
    expect(one.body.orders.map((o: { id: string }) => o.id)).toEqual([samples[0]]);
    expect(one.body.more).toBe(2);
    expect(one.body.summary.changedOrders).toBe(3);
    const two = await server.post('/v1/simulate', { ...body(), page: { limit: 1, cursor: one.body.nextCursor } }, soomEditor);
    expect(two.body.orders.map((o: { id: string }) => o.id)).toEqual([samples[1]]);
    expect(two.body.more).toBe(1);
    expect(two.body.summary).toEqual(one.body.summary);
    const last = await server.post('/v1/simulate', { ...body(), page: { limit: 5, cursor: two.body.nextCursor } }, soomEditor);
    expect(last.body.orders.map((o: { id: string }) => o.id)).toEqual([samples[2]]);
    expect(last.body.more).toBeUndefined();
    expect(last.body.nextCursor).toBeUndefined();
    // A cursor answers only the question it came from.
    const other = await server.post('/v1/simulate', { ...body(), cases: { samples: samples.slice(0, 4) }, page: { cursor: one.body.nextCursor } }, soomEditor);
    expect(other.status).toBe(400);
    expect(other.body.errors).toEqual([{ path: '/page/cursor', message: 'does not match this simulation' }]);
    const forged = await server.post('/v1/simulate', { ...body(), page: { cursor: 'not-a-cursor' } }, soomEditor);
    expect(forged.status).toBe(400);
    expect(forged.body.errors[0].path).toBe('/page/cursor');
  });

  it('streams the same run as NDJSON: progress, each changed order, the summary last', async () => {
    const res = await fetch(`${server.url}/v1/simulate`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${soomEditor}`, 'Content-Type': 'application/json', Accept: 'application/x-ndjson' },
      body: JSON.stringify(body()),
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('application/x-ndjson');
    const lines = (await res.text()).trim().split('\n').map((l) => JSON.parse(l));
    expect(lines[0]).toEqual({ progress: { evaluated: 0, total: 5 } });
    expect(lines.filter((l) => l.order).map((l) => l.order.id)).toEqual(samples.slice(0, 3));
    const last = lines.at(-1);
    const whole = await server.post('/v1/simulate', body(), soomEditor);
    expect(last.summary).toEqual(whole.body.summary);
    expect(last.policies).toEqual(whole.body.policies);
  });

  it('takes inline orders with requests per policy (other policies\' requests ignored), and published versions as candidates', async () => {
    const s = JSON.parse(readFileSync(new URL(`../../policies/soom/samples/${samples[0]}.json`, import.meta.url), 'utf8'));
    const res = await server.post('/v1/simulate', {
      changes: [{ policy: 'points', candidate: { document: withParam('points', 'earnRate', 0.02) } }, { policy: 'returns', candidate: { version: 1 } }],
      cases: { orders: [{ order: s.order, requests: { ...s.requests, layaway: {} }, at: s.at }] },
    }, soomEditor);
    expect(res.status, res.text).toBe(200);
    // Version 1 of returns is the version that decides: unchanged. Points: +1.22 as above.
    expect(res.body.summary).toMatchObject({ orders: 1, changedOrders: 1, evaluated: 2, changed: 1 });
    expect(res.body.orders[0]).toMatchObject({ id: s.order.id, changed: ['points'], unchanged: ['returns'] });
    expect(res.body.summary.fields).toEqual({ '/earned': { changed: 1, up: 1.22, down: 0, net: 1.22 } });
  });
});

describe('orders in several currencies', () => {
  it('gives the money per currency: dollars and won are never added up there', async () => {
    // soom-krw-return-changed-mind-6-days-after-shipping, in KRW (no minor unit): wig 64,500 +
    // supplies 24,750 + 21,500 = 110,750 paid. 25%: 27,687.5 → charge 27,688, refund 83,062.
    // 30%: 33,225, refund 77,525 (charge +5,537, refund -5,537). Points 1%: 1,107.5 → 1,108;
    // 2%: 2,215 (+1,107).
    const res = await server.post('/v1/simulate', { ...body(), policies: [], cases: { samples: [samples[0], 'soom-krw-return-changed-mind-6-days-after-shipping'] } }, soomEditor);
    expect(res.status, res.text).toBe(200);
    const { byCurrency, fields } = res.body.summary;
    expect(byCurrency.KRW).toEqual({
      fields: {
        '/earned': { changed: 1, up: 1107, down: 0, net: 1107 },
        '/inventoryCharge': { changed: 1, up: 5537, down: 0, net: 5537 },
        '/refundAmount': { changed: 1, up: 0, down: 5537, net: -5537 },
      },
      byPolicy: {
        returns: { '/inventoryCharge': { changed: 1, up: 5537, down: 0, net: 5537 }, '/refundAmount': { changed: 1, up: 0, down: 5537, net: -5537 } },
        points: { '/earned': { changed: 1, up: 1107, down: 0, net: 1107 } },
      },
    });
    expect(byCurrency.USD.fields).toEqual({
      '/earned': { changed: 1, up: 1.22, down: 0, net: 1.22 },
      '/inventoryCharge': { changed: 1, up: 6.1, down: 0, net: 6.1 },
      '/refundAmount': { changed: 1, up: 0, down: 6.1, net: -6.1 },
    });
    // The plain fields add the numbers whatever the currency, as the policy simulation does.
    expect(fields['/refundAmount']).toEqual({ changed: 2, up: 0, down: 5543.1, net: -5543.1 });
  });
});

describe('what it refuses', () => {
  it('answers another tenant\'s policy names exactly as missing ones: 422 naming the body path', async () => {
    // Solum has no points or cancellation policy; Soom does.
    const send = (names: [string, string]) => server.post('/v1/simulate', { changes: [{ policy: names[0], candidate: { version: 1 } }], policies: [names[1]], cases: { samples: true } }, solumEditor);
    const foreign = await send(['points', 'cancellation']);
    const missing = await send(['no-points', 'no-cancellation']);
    expect(foreign.status).toBe(422);
    expect(foreign.body.errors).toEqual([
      { path: '/changes/0/policy', message: 'no policy "points"' },
      { path: '/policies/0', message: 'no policy "cancellation"' },
    ]);
    expect(missing.status).toBe(422);
    expect(JSON.stringify(missing.body.errors).replaceAll('no-', '')).toBe(JSON.stringify(foreign.body.errors));
    expect(foreign.body.detail).toBe(missing.body.detail);
  });

  it('refuses a policy named twice, a sample no policy of the simulation decides, and an order without requests for them', async () => {
    const twice = await server.post('/v1/simulate', { changes: [{ policy: 'points', candidate: { version: 1 } }], policies: ['points'], cases: { samples: true } }, soomEditor);
    expect(twice.status).toBe(422);
    expect(twice.body.errors).toEqual([{ path: '/policies/0', message: 'policy "points" is already in the simulation at /changes/0/policy' }]);
    const sample = await server.post('/v1/simulate', { changes: [{ policy: 'points', candidate: { version: 1 } }], cases: { samples: ['soom-cancel-unpaid-past-2-days'] } }, soomEditor);
    expect(sample.status).toBe(400);
    expect(sample.body.errors).toEqual([{ path: '/cases/samples/0', message: 'sample "soom-cancel-unpaid-past-2-days" has no request for any policy of the simulation' }]);
    const order = await server.post('/v1/simulate', { changes: [{ policy: 'points', candidate: { version: 1 } }], cases: { orders: [{ order: {}, requests: { returns: {} } }] } }, soomEditor);
    expect(order.status).toBe(400);
    expect(order.body.errors[0].path).toBe('/cases/orders/0/requests');
  });

  it('names the candidate document\'s problems under its change', async () => {
    const document = withParam('points', 'earnRate', 0.02);
    document.rules[0].when = { method: [1, 'toString'] };
    const res = await server.post('/v1/simulate', { changes: [{ policy: 'returns', candidate: { version: 1 } }, { policy: 'points', candidate: { document } }], cases: { samples: true } }, soomEditor);
    expect(res.status).toBe(400);
    expect(res.body.errors[0].path).toMatch(/^\/changes\/1\/candidate\/document\/rules\/0\/when/);
  });
});

describe('over logged decisions', () => {
  it('groups the policies\' logged decisions by order, the latest per order and policy, and gives the samples\' summary', async () => {
    const decider = await server.key('soom', 'decider');
    const logged: string[] = [];
    for (const name of samples) {
      const s = JSON.parse(readFileSync(new URL(`../../policies/soom/samples/${name}.json`, import.meta.url), 'utf8'));
      for (const policy of ['returns', 'points', 'cancellation']) {
        if (!s.requests[policy]) continue;
        const res = await server.post(`/v1/policies/${policy}/decide`, { input: { order: s.order, request: s.requests[policy] }, at: s.at }, decider);
        expect(res.status, res.text).toBe(200);
        logged.push(`${policy} ${s.order.id}`);
      }
    }
    // The first order's points asked again an hour later: only this later decision counts.
    const first = JSON.parse(readFileSync(new URL(`../../policies/soom/samples/${samples[0]}.json`, import.meta.url), 'utf8'));
    const again = new Date(Date.parse(first.at) + 3_600_000).toISOString();
    expect((await server.post('/v1/policies/points/decide', { input: { order: first.order, request: {} }, at: again }, decider)).status).toBe(200);
    expect(logged).toHaveLength(8);

    const fromLog = await server.post('/v1/simulate', { ...body(), cases: { decisions: { from: '2024-01-01T00:00:00Z' } } }, soomEditor);
    expect(fromLog.status, fromLog.text).toBe(200);
    const fromSamples = await server.post('/v1/simulate', body(), soomEditor);
    // Same orders, same decisions: the same summary (9 logged, 8 count: the repeated question once).
    expect(fromLog.body.summary).toEqual(fromSamples.body.summary);
    const firstOrder = fromLog.body.orders.find((o: { id: string }) => o.id === first.order.id);
    expect(firstOrder).toMatchObject({ changed: ['returns', 'points'], at: again.replace('.000Z', 'Z') });
    expect(firstOrder.decisions.points.at).toBe(again.replace('.000Z', 'Z'));
    expect(firstOrder.decisions.returns.at).toBe(first.at);
    // Order ids, not sample names, name the orders.
    const orderIdOf = (sampleName: string) => JSON.parse(readFileSync(new URL(`../../policies/soom/samples/${sampleName}.json`, import.meta.url), 'utf8')).order.id;
    expect(fromLog.body.orders.map((o: { id: string }) => o.id).sort()).toEqual(fromSamples.body.orders.map((o: { id: string }) => orderIdOf(o.id)).sort());
  });

  it('refuses a range that ends before it starts, naming /cases/decisions/until', async () => {
    const bad = await server.post('/v1/simulate', { ...body(), cases: { decisions: { from: '2024-02-01T00:00:00Z', until: '2024-01-01T00:00:00Z' } } }, soomEditor);
    expect(bad.status).toBe(400);
    expect(bad.body.errors).toEqual([{ path: '/cases/decisions/until', message: 'must be later than "from"' }]);
  });
});

describe('bounds', () => {
  it('counts decisions (orders times their policies) against SIMULATE_MAX_CASES', async () => {
    const small = await startServer({ env: { SIMULATE_MAX_CASES: '7' } });
    try {
      const editor = await small.key('soom', 'editor');
      // The five orders make 8 decisions (3 returns, 4 points, 1 cancellation): one too many.
      const res = await small.post('/v1/simulate', body(), editor);
      expect(res.status).toBe(400);
      expect(res.body.errors).toEqual([{ path: '/cases', message: 'holds 8 decisions (orders times their policies), more than 7' }]);
      // Without cancellation (and its one order): 7 decisions.
      const fewer = await small.post('/v1/simulate', { ...body(), policies: [], cases: { samples: samples.slice(0, 4) } }, editor);
      expect(fewer.status, fewer.text).toBe(200);
      expect(fewer.body.summary.evaluated).toBe(7);
    } finally {
      await small.close();
    }
  });
});
