/** The "with other policies" panel's model (editor/src/cross-policy.ts): the body it sends and the rows it shows. */
import { describe, expect, it } from 'vitest';
import { crossPolicyBody, otherPolicies, summaryRows } from '../../editor/src/cross-policy.ts';
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
  });
});
