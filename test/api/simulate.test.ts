/**
 * POST /v1/policies/{policy}/simulate against a real server: summaries checked against refunds
 * worked out by hand (holidayCases in test/helpers/returns.ts: version 1 is the 30-day window,
 * version 2 the same document with the 2023 holiday extension), the seeded samples, logged
 * decisions in a range, paging and NDJSON streaming, unsaved documents, roles and tenancy.
 * The draft and the limits are in simulate-bounds.test.ts.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { holidayCases, solumReturn } from '../helpers/returns.ts';
import { startServer } from '../helpers/server.ts';
import type { TestServer } from '../helpers/server.ts';

let server: TestServer;
let editor: string;
const path = '/v1/policies/returns/simulate';

beforeAll(async () => {
  server = await startServer();
  editor = await server.key('solum', 'editor');
});
afterAll(() => server?.close());

const sim = (body: unknown, key = editor) => server.post(path, body, key);

const { A, B, C, D, E } = holidayCases;
const orders = [A, B, C, D, E];

describe('version 1 against version 2 (the holiday extension) over inline orders', () => {
  it('counts and sums exactly what the hand computation gives', async () => {
    const res = await sim({ candidate: { version: 2 }, baseline: { version: 1 }, cases: { orders } });
    expect(res.status, res.text).toBe(200);
    const { summary } = res.body;
    expect(summary).toMatchObject({ evaluated: 5, changed: 3, unchanged: 2, errors: { before: 1, after: 1 } });
    expect(summary.byRule).toEqual([
      { from: 'nothing-returnable', to: 'refund-minus-return-fee', count: 2 },
      { from: 'refund-minus-return-fee', to: 'refund-minus-return-fee', count: 1 },
    ]);
    expect(summary.fields['/refundAmount']).toEqual({ changed: 3, up: 280.4, down: 0, net: 280.4 });
    expect(summary.fields['/itemsRefundAmount']).toEqual({ changed: 3, up: 286.4, down: 0, net: 286.4 });
    expect(summary.fields['/items/[]/refundAmount']).toEqual({ changed: 3, up: 286.4, down: 0, net: 286.4 });
    expect(summary.fields['/returnShippingFee']).toEqual({ changed: 1, up: 6, down: 0, net: 6 });
    expect(res.body.candidate).toEqual({ version: 2 });
    expect(res.body.baseline).toEqual({ version: 1 });
  });

  it('lists each changed case with before/after, rules and the changed fields, and the failed case with its paths', async () => {
    const res = await sim({ candidate: { version: 2 }, baseline: { version: 1 }, cases: { orders } });
    expect(res.body.changes.map((c: { id: string; index: number }) => [c.index, c.id])).toEqual([[0, 'A'], [1, 'B'], [3, 'D']]);
    const b = res.body.changes[1];
    expect(b).toMatchObject({ at: '2024-01-20T12:00:00Z', baselineVersion: 1, ruleBefore: 'nothing-returnable', ruleAfter: 'refund-minus-return-fee' });
    expect(b.before).toMatchObject({ eligible: false, refundAmount: 0, returnBy: '2024-01-03' });
    expect(b.after).toMatchObject({ eligible: true, refundAmount: 41.4, returnShippingFee: 6, returnBy: '2024-01-31', holidayExtensionApplied: true });
    expect(b.changes).toContainEqual({ path: '/refundAmount', before: 0, after: 41.4 });
    expect(b.changes).toContainEqual({ path: '/items/1/refundAmount', before: 0, after: 4.4 });
    const d = res.body.changes[2];
    expect(d.changes).toContainEqual({ path: '/items/0/refundRate', before: 0.8, after: 1 });
    expect(d.changes).toContainEqual({ path: '/refundAmount', before: 82, after: 106 });
    expect(res.body.errors).toHaveLength(1);
    expect(res.body.errors[0]).toMatchObject({ index: 4, id: 'E', before: { kind: 'input' }, after: { kind: 'input' } });
    expect(res.body.errors[0].after.problems.map((p: { path: string }) => p.path)).toContain('/order/currency');
    expect(res.body.nextCursor).toBeUndefined();
  });

  it('compares each case with the version active at its `at` by default', async () => {
    // Every order is returned inside the holiday overlay, where version 2 decides: nothing changes with 2.
    const same = await sim({ candidate: { version: 2 }, cases: { orders } });
    expect(same.body.summary).toMatchObject({ evaluated: 5, changed: 0 });
    expect(same.body.baseline).toEqual({ active: true });
    // Version 1 as the candidate moves the same money the other way.
    const back = await sim({ candidate: { version: 1 }, cases: { orders } });
    expect(back.body.summary.fields['/refundAmount']).toEqual({ changed: 3, up: 0, down: 280.4, net: -280.4 });
    expect(back.body.changes.map((c: { baselineVersion: number }) => c.baselineVersion)).toEqual([2, 2, 2]);
  });
});

describe('over the seeded samples', () => {
  it('changes every holiday purchase whose ordinary window ended before January 31, and nothing else', async () => {
    const res = await sim({ candidate: { version: 2 }, baseline: { version: 1 }, cases: { samples: true } });
    expect(res.status, res.text).toBe(200);
    // All 35 Solum samples have a returns request; 12 are holiday purchases, and one of those
    // (delivered late, asked Feb 3 within its own 30 days) keeps its later ordinary date.
    expect(res.body.summary).toMatchObject({ evaluated: 35, changed: 11, unchanged: 24, errors: { before: 0, after: 0 } });
    const ids: string[] = res.body.changes.map((c: { id: string }) => c.id);
    expect(ids.every((id) => id.startsWith('solum-holiday-'))).toBe(true);
    expect(ids).not.toContain('solum-holiday-late-delivery-asked-feb-3-within-30-days');
    expect(res.body.summary.fields['/returnBy'].changed).toBe(11);
    expect(res.body.summary.fields['/refundAmount'].changed).toBe(7);
  });

  it('with the active baseline, only the samples asked after the overlay ended change', async () => {
    const res = await sim({ candidate: { version: 2 }, cases: { samples: true } });
    expect(res.body.changes.map((c: { id: string }) => c.id)).toEqual(['solum-holiday-asked-feb-1-just-after-extension', 'solum-holiday-asked-feb-20']);
  });

  it('takes samples by name, and refuses an unknown name with its path', async () => {
    const ok = await sim({ candidate: { version: 2 }, baseline: { version: 1 }, cases: { samples: ['solum-holiday-placed-oct-11-asked-jan-20', 'solum-return-day-1-unopened-esl'] } });
    expect(ok.body.summary).toMatchObject({ evaluated: 2, changed: 1 });
    const bad = await sim({ candidate: { version: 2 }, cases: { samples: ['solum-return-day-1-unopened-esl', 'nope'] } });
    expect(bad.status).toBe(400);
    expect(bad.body.errors).toEqual([{ path: '/cases/samples/1', message: 'no sample named "nope"' }]);
  });
});

describe('over logged decisions', () => {
  it('replays each logged decision in the range with its own input and `at`', async () => {
    const decider = await server.key('solum', 'decider');
    for (const c of [A, B, C, D, { ...A, at: '2024-03-01T12:00:00Z' }]) {
      const res = await server.post('/v1/policies/returns/decide', { input: c.input, at: c.at }, decider);
      expect(res.status, res.text).toBe(200);
    }
    const range = { from: '2024-01-01T00:00:00Z', until: '2024-02-01T00:00:00Z' };
    const res = await sim({ candidate: { version: 1 }, cases: { decisions: range } });
    expect(res.status, res.text).toBe(200);
    // A, B, C, D decided in January (by version 2); the March decision is outside the range.
    expect(res.body.summary).toMatchObject({ evaluated: 4, changed: 3, errors: { before: 0, after: 0 } });
    expect(res.body.summary.fields['/refundAmount']).toEqual({ changed: 3, up: 0, down: 280.4, net: -280.4 });
    expect(res.body.changes.map((c: { at: string }) => c.at)).toEqual([D.at, A.at, B.at]);
    const logged = await sim({ candidate: { version: 1 }, baseline: { logged: true }, cases: { decisions: range } });
    expect(logged.body.summary).toEqual(res.body.summary);
    // The oldest two only: D and A.
    const limited = await sim({ candidate: { version: 1 }, cases: { decisions: { ...range, limit: 2 } } });
    expect(limited.body.summary).toMatchObject({ evaluated: 2, changed: 2 });
  });

  it('refuses {"logged": true} without logged decisions', async () => {
    const res = await sim({ candidate: { version: 1 }, baseline: { logged: true }, cases: { orders } });
    expect(res.status).toBe(400);
    expect(res.body.errors[0].path).toBe('/baseline/logged');
  });
});

describe('large sets', () => {
  // 250 variants of A (1..250 ESLs): every one changes, by 21.50 per ESL.
  const many = Array.from({ length: 250 }, (_, i) => ({ ...A, id: `A${i + 1}`, input: solumReturn({ placedAt: '2023-11-15T10:00:00Z', deliveredAt: '2023-11-18T15:00:00Z', items: [['E29', 'esl', 21.5, i + 1]] }) }));
  const body = { candidate: { version: 2 }, baseline: { version: 1 }, cases: { orders: many } };
  const total = (21.5 * 250 * 251) / 2; // 674,625.00

  it('pages the changes with a cursor while every page carries the whole summary', async () => {
    const seen: string[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const res = await sim({ ...body, page: { limit: 100, ...(cursor ? { cursor } : {}) } });
      expect(res.status, res.text).toBe(200);
      expect(res.body.summary).toMatchObject({ evaluated: 250, changed: 250 });
      expect(res.body.summary.fields['/refundAmount'].up).toBe(total);
      seen.push(...res.body.changes.map((c: { id: string }) => c.id));
      cursor = res.body.nextCursor;
      pages++;
    } while (cursor);
    expect(pages).toBe(3);
    expect(seen).toEqual(many.map((m) => m.id));
  });

  it('refuses a cursor with another body', async () => {
    const first = await sim({ ...body, page: { limit: 10 } });
    const other = await sim({ ...body, candidate: { version: 1 }, page: { limit: 10, cursor: first.body.nextCursor } });
    expect(other.status).toBe(400);
    expect(other.body.errors[0].path).toBe('/page/cursor');
    const junk = await sim({ ...body, page: { cursor: 'not-a-cursor' } });
    expect(junk.status).toBe(400);
  });

  it('streams application/x-ndjson: progress first, each change, the failed case, the summary last', async () => {
    const res = await fetch(`${server.url}${path}`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${editor}`, 'Content-Type': 'application/json', Accept: 'application/x-ndjson' },
      body: JSON.stringify({ candidate: { version: 2 }, baseline: { version: 1 }, cases: { orders: [...many, E] } }),
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/x-ndjson');
    const lines = (await res.text()).trimEnd().split('\n').map((l) => JSON.parse(l));
    expect(lines[0]).toEqual({ progress: { evaluated: 0, total: 251 } });
    expect(lines.filter((l) => l.change).map((l) => l.change.id)).toEqual(many.map((m) => m.id));
    expect(lines.filter((l) => l.error).map((l) => l.error.id)).toEqual(['E']);
    const last = lines[lines.length - 1];
    expect(last.summary).toMatchObject({ evaluated: 251, changed: 250, errors: { before: 1, after: 1 } });
    expect(last.summary.fields['/refundAmount'].up).toBe(total);
  });
});

describe('an unsaved document', () => {
  const document = JSON.parse(readFileSync(new URL('../../policies/solum/returns.json', import.meta.url), 'utf8'));

  it('is compiled on the fly: a 45-day window changes what a 30-day window refused', async () => {
    const edited = structuredClone(document);
    edited.params.returnWindowDays.value = 45;
    // C delivered Sep 18 and returned on day 32 (Oct 20): 21.50 instead of nothing. A, returned
    // on day 53, stays refused; only its last day moves, from Dec 18 to Jan 2.
    const late = { ...C, id: 'C45', at: '2023-10-20T12:00:00Z' };
    const res = await sim({ candidate: { document: edited }, baseline: { version: 1 }, cases: { orders: [late, A] } });
    expect(res.status, res.text).toBe(200);
    expect(res.body.candidate).toEqual({ document: true });
    expect(res.body.summary).toMatchObject({ evaluated: 2, changed: 2 });
    expect(res.body.summary.fields['/refundAmount']).toEqual({ changed: 1, up: 21.5, down: 0, net: 21.5 });
    expect(res.body.changes[0]).toMatchObject({ id: 'C45', before: { refundAmount: 0 }, after: { refundAmount: 21.5 } });
    expect(res.body.changes[1].changes).toEqual([{ path: '/returnBy', before: '2023-12-18', after: '2024-01-02' }]);
  });

  it('answers 400 with paths under /candidate/document when a rule does not compile', async () => {
    const broken = structuredClone(document);
    broken.rules[0].when = { frobnicate: [1] };
    const res = await sim({ candidate: { document: broken }, cases: { orders } });
    expect(res.status).toBe(400);
    expect(res.headers.get('content-type')).toBe('application/problem+json');
    expect(res.body.errors.length).toBeGreaterThan(0);
    for (const e of res.body.errors) expect(e.path).toMatch(/^\/candidate\/document\/rules\/0\/when/);
  });

  it('must be this policy', async () => {
    const res = await sim({ candidate: { document: { ...document, key: 'points' } }, cases: { orders } });
    expect(res.status).toBe(400);
    expect(res.body.errors[0].path).toBe('/candidate/document/key');
  });
});

describe('bad requests', () => {
  it('answers 422 with the path for a version that does not exist', async () => {
    const res = await sim({ candidate: { version: 9 }, cases: { orders } });
    expect(res.status).toBe(422);
    expect(res.body.errors).toEqual([{ path: '/candidate/version', message: 'no version 9' }]);
    const base = await sim({ candidate: { version: 1 }, baseline: { version: 7 }, cases: { orders } });
    expect(base.body.errors[0].path).toBe('/baseline/version');
  });

  it('answers 400 to a body that breaks its schema', async () => {
    const res = await sim({ candidate: { version: 2, draft: true }, cases: {} });
    expect(res.status).toBe(400);
    expect(res.body.type).toBe('/problems/invalid-body');
  });
});

describe('roles and tenants', () => {
  it('lets editors and admins simulate; viewers and deciders get 403', async () => {
    const body = { candidate: { version: 2 }, cases: { orders: [A] } };
    for (const role of ['admin', 'editor'] as const) expect((await sim(body, await server.key('solum', role))).status).toBe(200);
    for (const role of ['viewer', 'decider'] as const) expect((await sim(body, await server.key('solum', role))).status).toBe(403);
  });

  it("answers another tenant's policy exactly like a missing one (404)", async () => {
    const body = { candidate: { version: 1 }, cases: { orders: [A] } };
    const foreign = await server.post('/v1/policies/points/simulate', body, editor);
    const missing = await server.post('/v1/policies/no-such-policy/simulate', body, editor);
    expect(foreign.status).toBe(404);
    expect(missing.status).toBe(404);
    expect(foreign.body.detail.replace('points', 'X')).toBe(missing.body.detail.replace('no-such-policy', 'X'));
    expect(Object.keys(foreign.body).sort()).toEqual(Object.keys(missing.body).sort());
  });
});
