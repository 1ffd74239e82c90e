/**
 * Explanations over HTTP (issue 8, point 1): decide and decide/batch with `explain: true` answer
 * the reasons in plain language, word for word as the engine builds them from the seed
 * policies; without it the answer is unchanged; the language comes from the request, the
 * order's customer or the tenant (tenant.json); a logged decision is explained again by replay.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LocalCatalog } from '../../server/catalog/local-catalog.ts';
import { eslReturn, sample } from '../helpers/orders.ts';
import { sampleBody, startServer } from '../helpers/server.ts';
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
const withLanguage = (input: { order: Record<string, unknown> }, language: string) => ({ ...input, order: { ...input.order, customer: { ...(input.order.customer as object), language } } });

describe('POST /v1/policies/{policy}/decide with explain', () => {
  it('"For the 2023 Holiday Season, most of the items purchased between October 11 and December 25, 2023 can be returned until January 31, 2024.": bought Nov 20, returned Jan 20', async () => {
    const res = await decide('returns', { input: eslReturn('2023-11-20T10:00:00Z'), at: '2024-01-20T15:00:00Z', explain: true });
    expect(res.status).toBe(200);
    expect(res.body.version).toBe(2);
    expect(res.body.trace).toBeUndefined();
    expect(res.body.explanation.language).toBe('en');
    expect(res.body.explanation.reasons.map((r: { text: string }) => r.text)).toEqual([
      `Refund of $${res.body.decision.refundAmount.toFixed(2)}: $${res.body.decision.itemsRefundAmount.toFixed(2)} for the items minus $${res.body.decision.returnShippingFee.toFixed(2)} return shipping`,
      'bought Nov 20, 2023, inside the holiday offer (Oct 11–Dec 25): returnable until Jan 31, 2024',
      expect.stringMatching(/^[A-Z0-9-]+: returned in original condition by the last day to return \(Jan 31, 2024\): refunded in full \(\$[\d,]+\.\d\d\)$/),
    ]);
    expect(res.body.explanation.wouldChange).toBeUndefined();
  });

  it('"Items shipped from SAI, including Solum warehouse, can be returned within 30 days of delivery, with some exceptions:": day 31 is refused, with what would have changed it', async () => {
    const res = await decide('returns', { ...sampleBody(sample('solum', 'solum-return-day-31-esl-original'), 'returns'), explain: true });
    expect(res.body.decision.eligible).toBe(false);
    expect(res.body.explanation).toEqual({
      language: 'en',
      reasons: [
        { text: 'None of the returned items can be accepted: no refund', rule: 'nothing-returnable', path: '/rules/2' },
        {
          text: 'NEWTON-42-BWRY: delivered 31 days ago; the return window is 30 days (last day May 2, 2024), and ESL and accessories are not returnable after it',
          rule: 'esl-accessory-past-30-days',
          item: 0,
          path: '/each/rules/10',
        },
      ],
      wouldChange: [
        { text: 'a return asked by May 2, 2024 would have been accepted', kind: 'avoid', rule: 'esl-accessory-past-30-days', item: 0, conditions: [{ path: '/each/rules/10/when/and/0', value: true }] },
      ],
    });
  });

  it('answers exactly what it answers without explain, plus the explanation; the trace only when asked', async () => {
    const body = { input: eslReturn('2023-11-20T10:00:00Z'), at: '2024-01-20T15:00:00Z' };
    const plain = await decide('returns', body);
    expect(plain.body.explanation).toBeUndefined();
    const both = await decide('returns', { ...body, explain: true, trace: true });
    expect(both.body.decision).toEqual(plain.body.decision);
    expect(both.body.trace.matched).toBe(plain.body.decision.rule);
    expect(both.body.explanation.reasons.length).toBeGreaterThan(0);
  });

  it('"Basically, "Made to Order" cannot be canceled after 48 hours from the payment date.": in the customer\'s language, or the one asked for', async () => {
    const s = sampleBody(sample('soom', 'soom-cancel-25h-after-payment-made-to-order-doll'), 'cancellation') as { input: { order: Record<string, unknown> }; at: string };
    const ko = await decide('cancellation', { input: withLanguage(s.input, 'ko'), at: s.at, explain: true }, soom);
    expect(ko.status).toBe(200);
    expect(ko.body.explanation.language).toBe('ko');
    const en = await decide('cancellation', { input: withLanguage(s.input, 'ko'), at: s.at, explain: true, language: 'en' }, soom);
    expect(en.body.explanation.language).toBe('en');
    // The same decision, each text in its language; both as the engine (CLI) builds them.
    for (const [res, language] of [[ko, 'ko'], [en, 'en']] as const) {
      const local = catalog.decide('soom', 'cancellation', withLanguage(s.input, 'ko'), s.at, { explain: true, language });
      expect(local.ok && local.answer.explanation).toEqual(res.body.explanation);
    }
    expect(ko.body.explanation.wouldChange[0].text).toMatch(/^\d{4}년 \d{1,2}월 \d{1,2}일 \d\d:\d\d UTC까지 취소했다면 전액 환불되었습니다$/);
    expect(en.body.explanation.wouldChange[0].text).toMatch(/^a cancellation asked by [A-Z][a-z]{2} \d{1,2}, \d{4}, \d\d:\d\d UTC would have been refunded in full$/);
  });

  it('falls back to the tenant\'s language (tenant.json) for a language the policy has no texts in', async () => {
    const s = sampleBody(sample('soom', 'soom-cancel-47h-after-payment-made-to-order-alipay'), 'cancellation') as { input: { order: { customer: { language: string } } }; at: string };
    expect(s.input.order.customer.language).toBe('zh');
    const res = await decide('cancellation', { ...s, explain: true }, soom);
    expect(res.body.explanation.language).toBe('en');
  });

  it('refuses a language that is not a language tag, naming its path', async () => {
    const res = await decide('returns', { input: eslReturn('2023-11-20T10:00:00Z'), explain: true, language: 'Korean!' });
    expect(res.status).toBe(400);
    expect(res.body.errors).toEqual([expect.objectContaining({ path: '/language' })]);
  });
});

describe('the README\'s worked example', () => {
  it('shows exactly what the API answers for the sample it names', async () => {
    const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
    const section = readme.slice(readme.indexOf('### Explanations'));
    const shown = JSON.parse(/```json\n([\s\S]*?)```/.exec(section)![1]!);
    const res = await decide('returns', { ...sampleBody(sample('solum', 'solum-return-day-31-esl-original'), 'returns'), explain: true });
    expect({ version: res.body.version, eligible: res.body.decision.eligible, explanation: res.body.explanation }).toEqual(shown);
  });

  it('shows the Korean explanation the CLI (the same engine code) gives for the Soom sample it names', () => {
    const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
    const section = readme.slice(readme.indexOf('The same for a Soom cancellation, in Korean'));
    const shown = JSON.parse(/```json\n([\s\S]*?)```/.exec(section)![1]!);
    const s = sample('soom', 'soom-cancel-25h-after-payment-made-to-order-doll');
    expect(s.at).toBe('2024-07-02T14:03:00Z');
    const local = catalog.decide('soom', 'cancellation', { order: s.order, request: s.requests.cancellation }, s.at, { explain: true, language: 'ko' });
    expect(local.ok && local.answer.explanation).toEqual(shown);
  });
});

describe('decide/batch with explain', () => {
  it('explains the requests that ask, each on its own', async () => {
    const res = await server.post('/v1/policies/returns/decide/batch', {
      requests: [
        { input: eslReturn('2023-11-20T10:00:00Z'), at: '2024-01-20T15:00:00Z', explain: true },
        { input: eslReturn('2023-11-20T10:00:00Z'), at: '2024-01-20T15:00:00Z' },
      ],
    }, solum);
    expect(res.status).toBe(200);
    expect(res.body.results[0].explanation.reasons[1].text).toBe('bought Nov 20, 2023, inside the holiday offer (Oct 11–Dec 25): returnable until Jan 31, 2024');
    expect(res.body.results[1].explanation).toBeUndefined();
  });
});

describe('GET /v1/decisions/{id}?explain=true', () => {
  it('explains a logged decision again, as it was explained when decided, in another language on request', async () => {
    const s = sampleBody(sample('soom', 'soom-cancel-25h-after-payment-made-to-order-doll'), 'cancellation') as { input: { order: Record<string, unknown> }; at: string };
    const decided = await decide('cancellation', { ...s, explain: true }, soom);
    const viewer = await server.key('soom', 'viewer');
    const logged = await server.get(`/v1/decisions/${decided.body.id}?explain=true`, viewer);
    expect(logged.status).toBe(200);
    expect(logged.body.explanation).toEqual(decided.body.explanation);
    const ko = await server.get(`/v1/decisions/${decided.body.id}?explain=true&language=ko`, viewer);
    expect(ko.body.explanation.language).toBe('ko');
    expect(ko.body.explanation.reasons[0].text).toContain('재고 처리 비용');
    const none = await server.get(`/v1/decisions/${decided.body.id}`, viewer);
    expect(none.body.explanation).toBeUndefined();
  });
});
