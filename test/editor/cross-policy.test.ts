/**
 * The "with other policies" panel's model (editor/src/cross-policy.ts): the cases it takes from
 * the main simulation's choice, the body it sends, the streamed answer gathered line by line, and
 * the rows it shows with their money written as the Simulate tab writes it.
 */
import { describe, expect, it } from 'vitest';
import { crossPolicyBody, crossPolicyCases, crossRunOf, emptyRun, otherPolicies, summaryRows } from '../../editor/src/cross-policy.ts';
import type { CaseChoice } from '../../editor/src/cross-policy.ts';
import { moneyMoved } from '../../editor/src/components/simulation-cross-policy.tsx';
import type { PolicySummary } from '../../editor/src/api.ts';
import type { SimulateTenantResponse } from '../../server/types/schemas.gen.ts';

const summary = (key: string, draft: boolean, activeVersion: number | null): PolicySummary => ({
  key, title: key, activeVersion, latestVersion: activeVersion, upcoming: [],
  draft: draft ? { etag: '"e"', baseVersion: 1, updatedAt: '2024-01-01T00:00:00Z', updatedBy: 'k' } : null,
});

describe('the other policies', () => {
  it('are every policy but the one being edited, in key order, saying whether each has a draft and decides now', () => {
    expect(otherPolicies([summary('returns', true, 1), summary('points', true, 1), summary('cancellation', false, 1), summary('new-one', true, null)], 'returns')).toEqual([
      { key: 'cancellation', title: 'cancellation', hasDraft: false, decides: true },
      { key: 'new-one', title: 'new-one', hasDraft: true, decides: false },
      { key: 'points', title: 'points', hasDraft: true, decides: true },
    ]);
  });
});

describe('the body', () => {
  const text = JSON.stringify({ key: 'returns', params: { inventoryChargeRate: { value: 0.3 } } });

  it('sends the document in the editor as this policy\'s candidate, drafts as changes, the unchanged ones as policies, over every sample', () => {
    expect(crossPolicyBody('returns', text, { points: 'draft', cancellation: 'active', layaway: 'skip' })).toEqual({
      ok: true,
      body: {
        changes: [{ policy: 'returns', candidate: { document: JSON.parse(text) } }, { policy: 'points', candidate: { draft: true } }],
        policies: ['cancellation'],
        cases: { samples: true },
      },
    });
    const onlyDrafts = crossPolicyBody('returns', text, { points: 'draft' });
    expect(onlyDrafts.ok && 'policies' in onlyDrafts.body).toBe(false);
  });

  it('refuses to run without another policy, or with a document that is not JSON', () => {
    expect(crossPolicyBody('returns', text, { points: 'skip' })).toEqual({ ok: false, message: 'Choose at least one other policy to simulate together.' });
    expect(crossPolicyBody('returns', text, { returns: 'draft' })).toMatchObject({ ok: false });
    expect(crossPolicyBody('returns', '{"key": ', { points: 'draft' })).toMatchObject({ ok: false, message: expect.stringMatching(/not valid JSON/) });
  });
});

describe('the cases: the main simulation\'s choice', () => {
  const choice = (over: Partial<CaseChoice>): CaseChoice => ({
    kind: 'samples', samples: { status: 'ready', list: [{ name: 's-1' }, { name: 's-2' }, { name: 's-3' }] }, selected: null, ordersText: '', ordersProblems: [], decisions: { from: '2024-01-01', until: '2024-01-31', limit: '' }, ...over,
  });
  const order = { id: 'SO-9', currency: 'USD' };

  it('every sample of the policy when none is chosen, by name (the list the main simulation decides), and the chosen ones otherwise', () => {
    expect(crossPolicyCases(choice({}), 'returns')).toEqual({ ok: true, cases: { samples: ['s-1', 's-2', 's-3'] }, label: 'every sample of returns (3)' });
    expect(crossPolicyCases(choice({ selected: ['s-3', 's-1'] }), 'returns')).toEqual({ ok: true, cases: { samples: ['s-3', 's-1'] }, label: 'the 2 chosen samples' });
    expect(crossPolicyCases(choice({ selected: ['s-2'] }), 'returns')).toMatchObject({ ok: true, label: 'the chosen sample' });
    expect(crossPolicyCases(choice({ selected: [] }), 'returns')).toEqual({ ok: false, message: 'Choose at least one sample under Cases.' });
    expect(crossPolicyCases(choice({ samples: { status: 'loading', list: [] } }), 'returns')).toEqual({ ok: false, message: 'Loading the samples…' });
  });

  it('the pasted orders: a sample keeps its requests for every policy, a case has its request for this policy', () => {
    const text = JSON.stringify([
      { name: 'pasted-sample', at: '2024-01-20T15:00:00Z', order, requests: { returns: { reason: 'defective' }, points: {} } },
      { id: 'case-1', at: '2024-01-21T15:00:00Z', input: { order, request: { reason: 'changed_mind' } } },
      { at: '2024-01-22T15:00:00Z', input: { order, request: {} } },
    ]);
    expect(crossPolicyCases(choice({ kind: 'orders', ordersText: text }), 'returns')).toEqual({
      ok: true,
      cases: {
        orders: [
          { id: 'pasted-sample', order, requests: { returns: { reason: 'defective' }, points: {} }, at: '2024-01-20T15:00:00Z' },
          { id: 'case-1', order, requests: { returns: { reason: 'changed_mind' } }, at: '2024-01-21T15:00:00Z' },
          { order, requests: { returns: {} }, at: '2024-01-22T15:00:00Z' },
        ],
      },
      label: 'the 3 pasted orders',
    });
    expect(crossPolicyCases(choice({ kind: 'orders', ordersText: JSON.stringify({ at: '2024-01-22T15:00:00Z', input: { order, request: {} } }) }), 'returns')).toMatchObject({ ok: true, label: 'the pasted order' });
    expect(crossPolicyCases(choice({ kind: 'orders', ordersText: '[{"at": 1}]', ordersProblems: [{ path: '/0/at', message: 'x' }] }), 'returns')).toEqual({ ok: false, message: 'Fix the problems of the pasted orders first.' });
    expect(crossPolicyCases(choice({ kind: 'orders' }), 'returns')).toEqual({ ok: false, message: 'Paste orders under Cases first.' });
  });

  it('the logged decisions of the chosen days, the last one included, with the limit', () => {
    expect(crossPolicyCases(choice({ kind: 'decisions' }), 'returns')).toEqual({ ok: true, cases: { decisions: { from: '2024-01-01T00:00:00Z', until: '2024-02-01T00:00:00Z' } }, label: 'the logged decisions of 2024-01-01 to 2024-01-31' });
    expect(crossPolicyCases(choice({ kind: 'decisions', decisions: { from: '2024-02-29', until: '2024-02-29', limit: '10' } }), 'returns')).toEqual({
      ok: true, cases: { decisions: { from: '2024-02-29T00:00:00Z', until: '2024-03-01T00:00:00Z', limit: 10 } }, label: 'the logged decisions of 2024-02-29 (the first 10 per policy)',
    });
    for (const decisions of [{ from: '2024-01-31', until: '2024-01-01', limit: '' }, { from: '2024-13-01', until: '2024-13-02', limit: '' }, { from: '2024-01-01', until: '2024-01-02', limit: '0' }]) {
      expect(crossPolicyCases(choice({ kind: 'decisions', decisions }), 'returns'), JSON.stringify(decisions)).toEqual({ ok: false, message: 'Fix the days of the logged decisions under Cases first.' });
    }
  });

  it('go into the body', () => {
    const text = JSON.stringify({ key: 'returns' });
    const cases = crossPolicyCases(choice({ selected: ['s-2'] }), 'returns');
    if (!cases.ok) throw new Error(cases.message);
    expect(crossPolicyBody('returns', text, { points: 'active' }, cases.cases)).toEqual({ ok: true, body: { changes: [{ policy: 'returns', candidate: { document: { key: 'returns' } } }], policies: ['points'], cases: { samples: ['s-2'] } } });
  });
});

describe('the streamed answer', () => {
  it('shows the progress in orders and the changed orders as they come, and is the whole answer at the summary line', () => {
    const changed = { index: 1, id: 'SO-2', at: '2024-01-20T15:00:00Z', changed: ['points'], decisions: {} } as never;
    const failure = { index: 2, id: 'SO-3', policy: 'points', at: '2024-01-20T15:00:00Z', after: { kind: 'evaluation', message: 'x' } } as never;
    let run = crossRunOf(emptyRun(), { progress: { evaluated: 0, total: 3 } });
    expect(run.progress).toEqual({ done: 0, total: 3 });
    run = crossRunOf(crossRunOf(crossRunOf(run, { order: changed }), { error: failure }), { progress: { evaluated: 2, total: 3 } });
    expect(run).toMatchObject({ progress: { done: 2, total: 3 }, orders: [changed], errors: [failure], answer: null });
    const summary = { orders: 3 } as never;
    run = crossRunOf(run, { summary, policies: [] });
    expect(run.progress).toEqual({ done: 3, total: 3 });
    expect(run.answer).toEqual({ policies: [], summary, orders: [changed], errors: [failure] });
    const stopped = crossRunOf(emptyRun(), { problem: { type: '/problems/timeout', title: 'Too slow', status: 422, detail: 'past 5000 ms', errors: [] } } as never);
    expect(stopped.problem).toEqual({ title: 'Too slow', detail: 'past 5000 ms', errors: [] });
  });
});

describe('the rows', () => {
  it('give each policy what decided after, its counts and the money it moved per currency, then the combination', () => {
    const side = { active: true as const };
    const s = (evaluated: number, changed: number, fields: Record<string, { changed: number; up: number; down: number; net: number }>) => ({ evaluated, changed, unchanged: evaluated - changed, errors: { before: 0, after: 0 }, byRule: [], fields });
    const answer: SimulateTenantResponse = {
      policies: [
        { policy: 'returns', changed: true, candidate: { document: true }, baseline: side },
        { policy: 'points', changed: true, candidate: { draft: true, etag: '"e"' }, baseline: side },
        { policy: 'cancellation', changed: false, candidate: side, baseline: side },
      ],
      summary: {
        orders: 5, changedOrders: 3, unchangedOrders: 2, evaluated: 8, changed: 4, errors: { before: 0, after: 1 },
        byPolicy: {
          returns: s(3, 1, { '/refundAmount': { changed: 1, up: 0, down: 6.1, net: -6.1 }, '/resolution': { changed: 1, up: 0, down: 0, net: 0 } }),
          points: s(4, 3, { '/earned': { changed: 3, up: 13.99, down: 0, net: 13.99 } }),
          cancellation: s(1, 0, {}),
        },
        byRule: [],
        // Summed whatever the currency: not what the rows show.
        fields: { '/earned': { changed: 3, up: 13.99, down: 0, net: 13.99 }, '/refundAmount': { changed: 2, up: 0, down: 5543.1, net: -5543.1 } },
        byCurrency: {
          USD: {
            fields: { '/earned': { changed: 3, up: 13.99, down: 0, net: 13.99 }, '/refundAmount': { changed: 1, up: 0, down: 6.1, net: -6.1 } },
            byPolicy: { returns: { '/refundAmount': { changed: 1, up: 0, down: 6.1, net: -6.1 } }, points: { '/earned': { changed: 3, up: 13.99, down: 0, net: 13.99 } } },
          },
          KRW: {
            fields: { '/refundAmount': { changed: 1, up: 0, down: 5537, net: -5537 } },
            byPolicy: { returns: { '/refundAmount': { changed: 1, up: 0, down: 5537, net: -5537 }, '/resolution': { changed: 1, up: 0, down: 0, net: 0 } } },
          },
        },
      },
      orders: [],
      errors: [],
    };
    expect(summaryRows(answer, 'returns')).toEqual([
      { policy: 'returns', compared: 'this document', evaluated: 3, changed: 1, failed: 0, money: [{ currency: 'KRW', field: '/refundAmount', net: -5537, up: 0, down: 5537 }, { currency: 'USD', field: '/refundAmount', net: -6.1, up: 0, down: 6.1 }] },
      { policy: 'points', compared: 'its draft', evaluated: 4, changed: 3, failed: 0, money: [{ currency: 'USD', field: '/earned', net: 13.99, up: 13.99, down: 0 }] },
      { policy: 'cancellation', compared: 'unchanged', evaluated: 1, changed: 0, failed: 0, money: [] },
      {
        policy: 'all', compared: 'combined', evaluated: 8, changed: 4, failed: 1,
        money: [{ currency: 'KRW', field: '/refundAmount', net: -5537, up: 0, down: 5537 }, { currency: 'USD', field: '/earned', net: 13.99, up: 13.99, down: 0 }, { currency: 'USD', field: '/refundAmount', net: -6.1, up: 0, down: 6.1 }],
      },
    ]);
    // Written as the Simulate tab writes money: in the orders' currency, signed, never added across currencies.
    expect(summaryRows(answer, 'returns').map((r) => moneyMoved(r.money))).toEqual(['refundAmount -₩5,537, refundAmount -$6.10', 'earned +$13.99', '–', 'refundAmount -₩5,537, earned +$13.99, refundAmount -$6.10']);
  });
});
