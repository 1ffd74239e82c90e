/**
 * Explanations in merchant language (issue 8, point 1): the seed policies' reasons and "what
 * would have changed it", word for word, on the seed cases (each test quotes the sentence of
 * the merchant's text the reason restates); languages; formats; template checks at compile.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { evaluate, explain, testInput } from '../../server/engine/index.ts';
import type { CompiledPolicy, Explanation, ExplainOptions } from '../../server/engine/index.ts';
import { formatValue, labelFor, parseTemplate, renderTemplate } from '../../server/engine/explain-text.ts';
import { compileOk, compileProblems } from '../helpers/engine.ts';
import { normalizeQuote, seedTexts } from '../helpers/seeds.ts';

const read = (path: string) => JSON.parse(readFileSync(new URL(`../../policies/${path}`, import.meta.url), 'utf8')) as Record<string, unknown>;
const solumDoc = read('solum/returns.json');
const holidayParams = { holidayExtension: { purchasedFrom: '2023-10-11', purchasedThrough: '2023-12-25', returnUntil: '2024-01-31' } };
/** Version 2 of Solum returns as tenant.json makes it: the 2023 holiday extension set. */
const solumV2Doc = { ...solumDoc, params: { ...(solumDoc.params as object), holidayExtension: { ...(solumDoc.params as Record<string, object>).holidayExtension, value: holidayParams.holidayExtension } } };
const solum = compileOk(solumDoc);
const solumV2 = compileOk(solumV2Doc);
const soomCancellation = compileOk(read('soom/cancellation.json'));
const soomReturns = compileOk(read('soom/returns.json'));
const soomPoints = compileOk(read('soom/points.json'));
const soomAfterService = compileOk(read('soom/after-service.json'));
const texts = seedTexts();

function quoted(sentence: string): string {
  expect(texts.some((t) => t.includes(normalizeQuote(sentence))), `the seed texts say: ${sentence}`).toBe(true);
  return sentence;
}

function explained(policy: CompiledPolicy, input: unknown, at: string, options: ExplainOptions = {}): Explanation {
  const r = evaluate(policy, input, at, { trace: true, ...(options.params ? { params: options.params } : {}) });
  if (!r.ok) throw new Error(JSON.stringify(r.error));
  return explain(policy, input, r.trace!, r.decision, options);
}

/** The embedded test of that name: its input (fixture merged) and time. */
function seedCase(policy: CompiledPolicy, name: string): { input: Record<string, unknown>; at: string; params?: Record<string, unknown> } {
  const test = policy.document.tests?.find((t) => t.name === name);
  if (!test) throw new Error(`no test "${name}" in ${policy.key}`);
  return { input: testInput(policy, test), at: test.at, ...(test.params ? { params: test.params } : {}) };
}

function sample(name: string, policy: string): { input: Record<string, unknown>; at: string } {
  const s = read(`solum/samples/${name}.json`) as { order: unknown; requests: Record<string, unknown>; at: string };
  return { input: { order: s.order, request: s.requests[policy] }, at: s.at };
}

describe('Solum returns explained', () => {
  it('day 31, ESL in original condition: delivered 31 days ago, the window is 30 days; asked by May 2 it would have been accepted', () => {
    quoted('Items shipped from SAI, including Solum warehouse, can be returned within 30 days of delivery, with some exceptions:');
    quoted('ESL, Acc. more than 30 days after delivery');
    const { input, at } = sample('solum-return-day-31-esl-original', 'returns');
    const e = explained(solum, input, at);
    expect(e.language).toBe('en');
    expect(e.reasons.map((r) => r.text)).toEqual([
      'None of the returned items can be accepted: no refund',
      'NEWTON-42-BWRY: delivered 31 days ago; the return window is 30 days (last day May 2, 2024), and ESL and accessories are not returnable after it',
    ]);
    expect(e.reasons[1]).toMatchObject({ rule: 'esl-accessory-past-30-days', item: 0, path: '/each/rules/10' });
    expect(e.wouldChange).toEqual([
      {
        text: 'a return asked by May 2, 2024 would have been accepted',
        kind: 'avoid',
        rule: 'esl-accessory-past-30-days',
        item: 0,
        conditions: [{ path: '/each/rules/10/when/and/0', value: true }],
      },
    ]);
  });

  it('version 2, bought inside the holiday offer: the reason says so and gives the extended last day', () => {
    const sentence = quoted('For the 2023 Holiday Season, most of the items purchased between October 11 and December 25, 2023 can be returned until January 31, 2024.');
    const { input, at } = seedCase(solumV2, 'holiday: placed October 11 (first day), original ESL returned January 20: returnable until January 31');
    expect(solumV2.document.tests?.find((t) => t.at === at && t.source === sentence)).toBeTruthy();
    const e = explained(solumV2, input, at);
    expect(e.reasons.map((r) => r.text)).toEqual([
      'Refund of $215.00: $215.00 for the items minus $0.00 return shipping',
      'bought Oct 11, 2023, inside the holiday offer (Oct 11–Dec 25): returnable until Jan 31, 2024',
      'ESL-29: returned in original condition by the last day to return (Jan 31, 2024): refunded in full ($215.00)',
    ]);
    expect(e.reasons[1]).toEqual({ text: e.reasons[1]!.text, path: '/let/9' });
    expect(e.wouldChange).toBeUndefined();
  });

  it('version 2 after the extension: NEWTON Link at 80%, a return asked by Jan 31, 2024 would have been refunded in full', () => {
    quoted('Items in original condition past the return (30 days after delivery) 80% of the item price');
    const { input, at } = seedCase(solumV2, 'holiday: after the extension, NEWTON Link in original condition falls back to 80%');
    const e = explained(solumV2, input, at);
    expect(e.reasons.map((r) => r.text)).toContain('NLINK-AP: returned in original condition after the last day to return (Jan 31, 2024): 80% of the price refunded ($343.20)');
    expect(e.wouldChange).toEqual([
      { text: 'a return asked by Jan 31, 2024 would have been refunded in full', kind: 'avoid', rule: 'past-window-original-condition', item: 0, conditions: [{ path: '/each/rules/16/when', value: true }] },
    ]);
  });

  it('the same order under version 1 (no holiday offer) has no holiday reason', () => {
    const { input, at } = seedCase(solumV2, 'holiday: placed October 11 (first day), original ESL returned January 20: returnable until January 31');
    const e = explained(solum, input, at);
    expect(e.reasons.some((r) => r.text.includes('holiday'))).toBe(false);
    expect(e.reasons[1]!.text).toBe('ESL-29: delivered 95 days ago; the return window is 30 days (last day Nov 16, 2023), and ESL and accessories are not returnable after it');
  });

  it('an opened item (partial refund): in original condition it would have been refunded in full', () => {
    quoted('Items with damage, missing parts, not in original condition, or that have obvious signs of use for reasons not due to Solum store or seller error Up to 50% of the item price');
    const { input, at } = seedCase(solumV2, 'holiday: an opened demo kit inside the extension gets the condition rate (50%), not the late 80%');
    const e = explained(solumV2, input, at);
    expect(e.reasons.at(-1)!.text).toBe('DEMO-KIT returned opened, not in its original condition: 50% of the price refunded ($174.50)');
    expect(e.wouldChange).toEqual([
      {
        text: 'returned unopened, in its original condition, by Jan 31, 2024, it would have been refunded in full',
        kind: 'avoid',
        rule: 'not-original-condition',
        item: 0,
        conditions: [{ path: '/each/rules/15/when', value: 'opened', threshold: 'original' }],
      },
    ]);
  });

  it('explaining changes nothing in the decision', () => {
    const { input, at } = sample('solum-return-day-31-esl-original', 'returns');
    const plain = evaluate(solum, input, at);
    const traced = evaluate(solum, input, at, { trace: true });
    if (!plain.ok || !traced.ok) throw new Error('expected decisions');
    explain(solum, input, traced.trace!, traced.decision);
    expect(traced.decision).toEqual(plain.decision);
  });
});

describe('Soom explained, in the customer\'s language', () => {
  const koOrder = (input: Record<string, unknown>) => {
    const order = input.order as Record<string, unknown>;
    return { ...input, order: { ...order, customer: { ...(order.customer as object), language: 'ko' } } };
  };

  it('made-to-order after 48 hours (Korean customer): the reason and the last moment to cancel, in Korean', () => {
    quoted('Basically, "Made to Order" cannot be canceled after 48 hours from the payment date.');
    const { input, at } = seedCase(soomCancellation, 'made-to-order 48:00:01 after payment cannot be cancelled');
    const e = explained(soomCancellation, koOrder(input), at, { tenantLanguage: 'en' });
    expect(e.language).toBe('ko');
    expect(e.reasons.map((r) => r.text)).toEqual(['주문 제작 상품이 포함된 주문으로, 결제 후 48시간이 지났습니다. 주문 제작 주문은 결제 후 48시간 이내(2024년 1월 3일 10:00 UTC까지)에만 취소할 수 있습니다']);
    expect(e.wouldChange!.map((w) => w.text)).toEqual(['2024년 1월 3일 10:00 UTC까지 요청했다면 취소할 수 있었습니다']);
  });

  it('the language asked for wins over the customer\'s; an unknown one falls back to the tenant\'s', () => {
    const { input, at } = seedCase(soomCancellation, 'made-to-order 48:00:01 after payment cannot be cancelled');
    const en = explained(soomCancellation, koOrder(input), at, { language: 'en', tenantLanguage: 'ko' });
    expect(en.language).toBe('en');
    expect(en.wouldChange!.map((w) => w.text)).toEqual(['a cancellation asked by Jan 3, 2024, 10:00 UTC would have been accepted']);
    const order = input.order as Record<string, unknown>;
    const zhCustomer = { ...input, order: { ...order, customer: { ...(order.customer as object), language: 'zh' } } };
    expect(explained(soomCancellation, input, at, { language: 'zh', tenantLanguage: 'ko' }).language).toBe('en');
    expect(explained(soomCancellation, zhCustomer, at, { language: 'zh', tenantLanguage: 'ko' }).language).toBe('ko');
    expect(explained(soomCancellation, input, at, { language: 'ko-KR' }).language).toBe('ko');
  });

  it('cancelled after 24 hours: charge kept; a cancellation within 24 hours would have been refunded in full (an earlier, better rule)', () => {
    quoted('※ Cancellation of order can be refundable only if you cancel your order within 24 hours after payment.');
    const { input, at } = seedCase(soomCancellation, '24:00:01 after payment a made-to-order doll is charged 25% of the items (shipping excluded)');
    const e = explained(soomCancellation, input, at);
    expect(e.reasons.map((r) => r.text)).toEqual([
      'Cancelled after the 24-hour free window (it ended Jan 2, 2024, 10:00 UTC): the inventory charge of $112.50 is kept and $382.50 is refunded to the original payment',
    ]);
    expect(e.wouldChange).toEqual([
      {
        text: 'a cancellation asked by Jan 2, 2024, 10:00 UTC would have been refunded in full',
        kind: 'meet',
        rule: 'refundable-within-free-window',
        outcome: 'granted',
        conditions: [{ path: '/rules/6/when', value: false }],
      },
    ]);
  });

  it('a change of mind on the 11th day after shipping: refused, and the last day it would have been accepted', () => {
    quoted('If you request us a return within 10 days after the product has already been shipped, we will refund the amount excluding inventory handling cost (25% of order amount) and payment/cancellation fee.');
    const { input, at } = seedCase(soomReturns, 'a change of mind on the 11th day after shipment (00:00:00) is refused');
    const en = explained(soomReturns, input, at);
    expect(en.reasons.map((r) => r.text)).toEqual(['Asked 11 days after shipping; a change-of-mind return must be asked within 10 days of shipping']);
    expect(en.wouldChange!.map((w) => [w.text, w.conditions])).toEqual([
      ['a return asked by Jan 12, 2024, within 10 days of shipping (it was 11 days), would have been accepted', [{ path: '/rules/5/when', value: 11, threshold: 10 }]],
    ]);
    const ko = explained(soomReturns, koOrder(input), at);
    expect(ko.reasons.map((r) => r.text)).toEqual(['발송 후 11일이 지나 요청되었습니다. 단순 변심 반품은 발송 후 10일 이내에 요청해야 합니다']);
    expect(ko.wouldChange!.map((w) => w.text)).toEqual(['2024년 1월 12일까지, 즉 발송 후 10일 이내에 요청했다면 반품이 가능했습니다 (실제: 11일)']);
  });

  it('points: earned, credit date and the language ledger, in won for a KRW order', () => {
    quoted('8. Even if you have the same account, points will be credited separately according to the language you are using, and each of the points cannot be combined.');
    const { input, at, params } = seedCase(soomPoints, 'a KRW order earns won-points rounded to the won: 1% of 648,250 = 6,482.5 -> 6,483');
    const e = explained(soomPoints, input, at, params ? { params } : {});
    expect(e.reasons.map((r) => r.text)).toEqual(['6,483 points (1% of ₩648,250) will be credited on Dec 2, 2023, 7 days after delivery, to the en points ledger']);
    const ko = explained(soomPoints, koOrder(input), at, params ? { params } : {});
    expect(ko.reasons.map((r) => r.text)).toEqual(['₩648,250의 1%인 6,483 포인트가 배송 완료 7일 후인 2023년 12월 2일에 ko 포인트 계정으로 적립됩니다']);
  });
});

describe('every Soom policy explains itself', () => {
  it('after-service: "If the product is defective and A/S application is received within 7 days from the date of receiving the product, SOOM provides free repair service."', () => {
    quoted('If the product is defective and A/S application is received within 7 days from the date of receiving the product, SOOM provides free repair service.');
    const free = seedCase(soomAfterService, 'a defect received on the 7th day after arrival (23:59:59) is repaired free, Soom pays the shipping');
    expect(explained(soomAfterService, free.input, free.at).reasons.map((r) => r.text)).toEqual(["A defect reported 7 days after arrival, within 7 days: free repair, shipping at Soom's expense"]);
    const paid = seedCase(soomAfterService, "a defect received on the 8th day after arrival (00:00:00) is paid A/S at the customer's expense");
    expect(explained(soomAfterService, paid.input, paid.at, { language: 'ko' }).reasons.map((r) => r.text)).toEqual(['도착 후 8일 만에 신고된 제품 결함으로, 무상 수리 기간(7일)이 지나 배송비를 포함한 유상 A/S입니다']);
  });

  it.each(['returns', 'cancellation', 'points', 'layaway', 'after-service', 'membership'])('soom/%s gives a reason in English and Korean for every embedded test that decides', (key) => {
    const policy = compileOk(read(`soom/${key}.json`));
    for (const test of policy.document.tests ?? []) {
      const { input, at, params } = seedCase(policy, test.name);
      for (const language of ['en', 'ko']) {
        const r = evaluate(policy, input, at, { trace: true, ...(params ? { params } : {}) });
        if (!r.ok) continue;
        const e = explain(policy, input, r.trace!, r.decision, { language, ...(params ? { params } : {}) });
        expect(e.language, test.name).toBe(language);
        expect(e.reasons.length, test.name).toBeGreaterThan(0);
        // Every placeholder was filled: no braces left, no "undefined".
        for (const text of [...e.reasons, ...(e.wouldChange ?? [])].map((x) => x.text)) expect(text, test.name).not.toMatch(/[{}]|undefined/);
      }
    }
  });
});

describe('Soom returns in Korean write the product\'s condition in words (labels), English unchanged', () => {
  const reasonOf = (name: string, language: string) => {
    const { input, at } = seedCase(soomReturns, name);
    return explained(soomReturns, input, at, { language }).reasons.map((r) => r.text);
  };

  it('a change of mind on a used, opened, damaged or incomplete product: "all products should be returned as new, unused products"', () => {
    quoted('However, all products should be returned as new, unused products. All components of the product should be present without omission, and should be returned in a resaleable condition.');
    expect(reasonOf('a change of mind on a used product is refused', 'ko')).toEqual(['제품 상태: 사용함. 단순 변심 반품은 사용하지 않은 새 제품이어야 하며 구성품이 모두 있어야 합니다']);
    expect(reasonOf('a change of mind on an opened product is refused (not as new)', 'ko')).toEqual(['제품 상태: 개봉함. 단순 변심 반품은 사용하지 않은 새 제품이어야 하며 구성품이 모두 있어야 합니다']);
    expect(reasonOf('a change of mind on a damaged product is refused', 'ko')).toEqual(['제품 상태: 손상됨. 단순 변심 반품은 사용하지 않은 새 제품이어야 하며 구성품이 모두 있어야 합니다']);
    expect(reasonOf('a change of mind with parts missing is refused', 'ko')).toEqual(['제품 상태: 구성품 누락. 단순 변심 반품은 사용하지 않은 새 제품이어야 하며 구성품이 모두 있어야 합니다']);
    expect(reasonOf('a change of mind on a used product is refused', 'en')).toEqual(['Returned used: a change-of-mind return must be new, unused and complete']);
  });

  it('a claim whose condition the problem does not explain: "if the product and its accessories are damaged or lost and the value of the product is lost, it cannot be exchanged or get refund"', () => {
    quoted('Please note that if the product and its accessories are damaged or lost and the value of the product is lost, it cannot be exchanged or get refund.');
    expect(reasonOf('a defect claim on a used product goes to manual review', 'ko')).toEqual(['제품 상태(사용함)가 신고된 문제로 설명되지 않아 담당자가 판단합니다']);
    expect(reasonOf('a mis-delivery returned damaged goes to manual review', 'ko')).toEqual(['제품 상태(손상됨)가 신고된 문제로 설명되지 않아 담당자가 판단합니다']);
    expect(reasonOf('a defect claim on a used product goes to manual review', 'en')).toEqual(["The product's condition (used) is not what the reported problem explains: staff decide"]);
  });
});

describe('labels: words for values', () => {
  const labels = { condition: { ko: { used: '사용함' }, en: { used: 'used (worn)' }, 'ko-KP': { used: '씀' } } };

  it('are looked up in the language, its base, then the fallbacks; a value the list does not name is none', () => {
    expect(labelFor(labels, 'condition', 'used', 'ko', ['en'])).toBe('사용함');
    expect(labelFor(labels, 'condition', 'used', 'ko-KR', ['en'])).toBe('사용함');
    expect(labelFor(labels, 'condition', 'used', 'ko-KP', ['en'])).toBe('씀');
    expect(labelFor(labels, 'condition', 'used', 'ja', ['en'])).toBe('used (worn)');
    expect(labelFor(labels, 'condition', 'opened', 'ko', ['en'])).toBeNull();
    expect(labelFor(labels, 'reason', 'used', 'ko', ['en'])).toBeNull();
    expect(labelFor(undefined, 'condition', 'used', 'ko', [])).toBeNull();
  });

  it('read only own words of strings: no prototype member, no non-string value', () => {
    for (const value of ['__proto__', 'constructor', 'toString', 'hasOwnProperty']) expect(labelFor(labels, 'condition', value, 'ko', ['en']), value).toBeNull();
    expect(labelFor(labels, 'toString', 'used', 'ko', [])).toBeNull();
    expect(labelFor(labels, 'condition', 'used', 'constructor', ['__proto__'])).toBeNull();
    expect(labelFor(labels, 'condition', ['used'], 'ko', [])).toBeNull();
    expect(labelFor(labels, 'condition', 1, 'ko', [])).toBeNull();
  });

  it('write an unlabelled value as it is, and each element of a list', () => {
    const doc = structuredClone(read('soom/returns.json')) as { rules: Array<{ id: string; explain: { reason: Record<string, string> } }>; labels: Record<string, unknown> };
    doc.labels = { condition: { ko: { used: '사용함' } } };
    const policy = compileOk(doc);
    const opened = seedCase(policy, 'a change of mind on an opened product is refused (not as new)');
    expect(explained(policy, opened.input, opened.at, { language: 'ko' }).reasons[0]!.text).toBe('제품 상태: opened. 단순 변심 반품은 사용하지 않은 새 제품이어야 하며 구성품이 모두 있어야 합니다');
    const parsed = parseTemplate('{item.condition|label}');
    if ('error' in parsed) throw new Error(parsed.error);
    const ko = { language: 'ko', currency: null, label: (list: string, value: unknown) => labelFor(labels, list, value, 'ko', ['en']) };
    expect(renderTemplate(parsed.parts, () => ['used', 'opened'], ko)).toBe('사용함, opened');
    expect(renderTemplate(parsed.parts, () => undefined, ko)).toBe('없음');
  });

  it('are refused at compile where a |label placeholder names no list, and by the schema where they are not words per language', () => {
    const doc = structuredClone(read('soom/returns.json')) as { rules: Array<{ id: string; explain: { reason: Record<string, string> } }> };
    const rule = doc.rules.findIndex((r) => r.id === 'changed-mind-not-as-new');
    doc.rules[rule]!.explain.reason.ko = '사유: {request.reason|label}';
    expect(compileProblems(doc)).toEqual([{ path: `/rules/${rule}/explain/reason/ko`, message: '{request.reason|label}: no labels "reason" in this policy (declare the words in labels.reason.<language>; its lists: condition)' }]);
    for (const labels of [{ condition: { Korean: { used: 'x' } } }, { condition: { ko: { used: 1 } } }, { condition: { ko: { used: '' } } }, { 'no-dash': { ko: { used: 'x' } } }, { condition: { ko: {} } }]) {
      const bad = { ...structuredClone(read('soom/returns.json')), labels };
      expect(compileProblems(bad).some((p) => p.path.startsWith('/labels')), JSON.stringify(labels)).toBe(true);
    }
  });
});

describe('explanation texts', () => {
  const ctx = { language: 'en', currency: 'USD' };
  it('formats dates, money in the order currency, days, percents', () => {
    expect(formatValue('2024-01-31', null, ctx)).toBe('Jan 31, 2024');
    expect(formatValue('2024-01-31T23:59:59Z', 'date', ctx)).toBe('Jan 31, 2024');
    expect(formatValue('2023-10-11', 'monthDay', { language: 'ko', currency: null })).toBe('10월 11일');
    expect(formatValue(1999, 'money', { language: 'en', currency: 'JPY' })).toBe('¥1,999');
    expect(formatValue(30000, 'money', { language: 'ko', currency: 'KRW' })).toBe('₩30,000');
    expect(formatValue(215, 'money', ctx)).toBe('$215.00');
    expect(formatValue(1, 'days', ctx)).toBe('1 day');
    expect(formatValue(34, 'days', ctx)).toBe('34 days');
    expect(formatValue(0.5, 'percent', ctx)).toBe('50%');
    expect(formatValue(null, null, ctx)).toBe('none');
  });

  it('parses placeholders and escaped braces; refuses what it cannot read', () => {
    expect(parseTemplate('{{literal}} {a.b|days}')).toEqual({ parts: ['{literal} ', { name: 'a.b', segments: ['a', 'b'], format: 'days' }] });
    expect(parseTemplate('open {x')).toEqual({ error: 'the placeholder at character 6 is not closed with "}"' });
    expect(parseTemplate('{x|upper}')).toEqual({ error: 'unknown format "upper" in "{x|upper}" (formats: date, datetime, monthDay, money, days, percent, number, raw, label)' });
  });

  it('refuses at compile, with JSON paths, placeholders that name nothing and conditions that are not the rule\'s', () => {
    const doc = structuredClone(solumDoc) as { each: { rules: Array<Record<string, unknown>> }; rules: Array<Record<string, unknown>>; let: Array<Record<string, unknown>> };
    doc.each.rules[10]!.explain = { reason: { en: 'late by {dayzSinceDelivery} days', ko: '{params.noSuchParam}' }, conditions: { '/and/5': 'x', '/and/1': '{then.nope}' } };
    doc.rules[2]!.explain = { reason: '{item.sku} {condition.value}' };
    doc.let[9]!.explain = 'since {deliveryDate|weekday}';
    const problems = compileProblems(doc);
    expect(problems).toEqual(
      expect.arrayContaining([
        { path: '/each/rules/10/explain/reason/en', message: expect.stringContaining('unknown placeholder {dayzSinceDelivery}') },
        { path: '/each/rules/10/explain/reason/ko', message: '{params.noSuchParam}: no param "noSuchParam" in this policy' },
        { path: '/each/rules/10/explain/conditions/~1and~15', message: expect.stringContaining('"/and/5" is not a condition of this rule\'s "when"') },
        { path: '/each/rules/10/explain/conditions/~1and~11', message: expect.stringContaining('{then.nope}: the rule\'s outcome has no field "nope"') },
        { path: '/rules/2/explain/reason', message: expect.stringContaining('unknown placeholder {item.sku}') },
        { path: '/rules/2/explain/reason', message: '{condition.value}: "condition" is only known in a condition\'s text' },
        { path: '/let/9/explain', message: expect.stringContaining('unknown format "weekday"') },
      ]),
    );
    expect(problems).toHaveLength(7);
  });

  it('explains a rule without an explain text by its description, verbatim', () => {
    const doc = structuredClone(read('soom/membership.json')) as { rules: Array<Record<string, unknown>> };
    delete doc.rules[0]!.explain;
    const policy = compileOk(doc);
    const { input, at } = seedCase(policy, policy.document.tests!.find((t) => (t.expect as { rule?: string }).rule === 'guest-no-membership')!.name);
    expect(explained(policy, input, at, { language: 'ko' }).reasons).toEqual([
      { text: 'A guest (non-member) order: there is no membership to be active, dormant or canceled.', rule: 'guest-no-membership', path: '/rules/0' },
    ]);
  });

  it('refuses a text that is not a string or a map of language tags (schema)', () => {
    const doc = structuredClone(solumDoc) as { rules: Array<Record<string, unknown>> };
    doc.rules[2]!.explain = { reason: { EN: 'x' }, outcome: 'maybe' };
    const paths = compileProblems(doc).map((p) => p.path);
    expect(paths).toEqual(expect.arrayContaining(['/rules/2/explain/outcome']));
    expect(paths.some((p) => p.startsWith('/rules/2/explain/reason'))).toBe(true);
  });
});
