/**
 * Tenants from templates, against a real server: a platform operator lists the templates and
 * creates a tenant from the returns template with its params filled in; the new tenant's
 * admin key (shown once) then decides returns end to end: inside and outside the window, the
 * restocking and return fees, an excluded category and the holiday window. Param values are
 * checked (400 naming /params/...), only operator keys may create tenants, the new tenant is
 * isolated from the others, and everything the creation wrote is in one transaction's audit.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../server/config.ts';
import { createOperatorKey, revokeOperatorKey } from '../../server/services/operator-keys.ts';
import { expectProblem, expectSchema, problemPaths } from '../helpers/problems.ts';
import { startServer } from '../helpers/server.ts';
import type { TestServer } from '../helpers/server.ts';

const OPERATOR_KEY = 'test-operator-key-0123456789-abcdefghij';
let server: TestServer;

beforeAll(async () => {
  server = await startServer({ env: { OPERATOR_KEY } });
});
afterAll(() => server?.close());

const DAY = 86_400_000;
const isoDay = (ms: number) => new Date(ms).toISOString().slice(0, 10);
/** How explanations write dates: "May 2, 2024", "Oct 11". */
const longDate = (day: string) => new Date(`${day}T00:00:00Z`).toLocaleDateString('en-US', { month: 'short', day: 'numeric', year: 'numeric', timeZone: 'UTC' });
const monthDay = (day: string) => new Date(`${day}T00:00:00Z`).toLocaleDateString('en-US', { month: 'short', day: 'numeric', timeZone: 'UTC' });

/** An order of two tees and a gift card, placed and delivered `placedDaysAgo`/`deliveredDaysAgo` before `at`. */
function order(at: number, placedDaysAgo: number, deliveredDaysAgo: number) {
  return {
    id: 'A-1', placedAt: new Date(at - placedDaysAgo * DAY).toISOString(), paidAt: new Date(at - placedDaysAgo * DAY).toISOString(), currency: 'USD',
    customer: { id: 'c-1', member: true, lastLoginAt: null, language: 'en' },
    payment: { method: 'credit_card', layaway: false, amountPaid: 130, pointsUsed: 0, coupon: false },
    shipping: { cost: 0, shippedAt: new Date(at - (deliveredDaysAgo + 1) * DAY).toISOString(), deliveredAt: new Date(at - deliveredDaysAgo * DAY).toISOString() },
    items: [
      { sku: 'TEE', category: 'apparel', unitPrice: 40, quantity: 2 },
      { sku: 'GIFT', category: 'gift_card', unitPrice: 50, quantity: 1 },
    ],
  };
}

describe('GET /v1/templates', () => {
  it('lists the returns template with every param a merchant fills in', async () => {
    const res = await server.get('/v1/templates', OPERATOR_KEY);
    expect(res.status, res.text).toBe(200);
    expectSchema(res, 'api/template-list.schema.json');
    const t = res.body.templates.find((x: { template: string }) => x.template === 'returns-standard');
    expect(t.policies).toEqual([{ key: 'returns', title: 'Returns and refunds' }, { key: 'cancellation', title: 'Order cancellation' }]);
    expect(t.params.find((p: { name: string }) => p.name === 'refundMethods').policies).toEqual(['returns', 'cancellation']);
    expect(t.samples).toBeGreaterThanOrEqual(5);
    const byName = Object.fromEntries(t.params.map((p: { name: string }) => [p.name, p]));
    expect(byName.returnWindowDays).toMatchObject({ default: 30, unit: 'days', required: false, policies: ['returns'], schema: { type: 'integer', minimum: 1 } });
    // A required param has no default: its sample value is an example, so the listing agrees with the 400 for a missing one.
    expect(byName.returnAddress).toMatchObject({ required: true, default: null });
    expect(typeof byName.returnAddress.example).toBe('string');
    expect(byName.returnWindowDays.example).toBeNull();
    expect(byName.holidayWindow.default).toBeNull();
    for (const p of t.params) expect(p.description.length, p.name).toBeGreaterThan(20);
  });
});

describe('POST /v1/tenants: a tenant from the returns template decides returns end to end', () => {
  let created: any;
  const now = Date.now();
  const holiday = { purchasedFrom: isoDay(now - 60 * DAY), purchasedThrough: isoDay(now - 30 * DAY), returnUntil: isoDay(now + 5 * DAY) };

  beforeAll(async () => {
    const res = await server.post('/v1/tenants', {
      tenant: 'acme', name: 'Acme Outfitters', template: 'returns-standard', reason: 'test: onboarding Acme',
      params: { returnWindowDays: 14, restockingFeeRate: 0.1, returnShippingFee: 4.5, excludedCategories: ['gift_card'], holidayWindow: holiday, returnAddress: 'Acme returns, 9 Dock Road', cancelWindowHours: 48, refundBusinessDays: { original_payment: { minBusinessDays: 3, maxBusinessDays: 7 }, store_credit: { minBusinessDays: 0, maxBusinessDays: 0 } } },
    }, OPERATOR_KEY);
    expect(res.status, res.text).toBe(201);
    expectSchema(res, 'api/tenant-created.schema.json');
    created = res.body;
  });

  const decide = async (input: unknown, at: number) => {
    const res = await server.post('/v1/policies/returns/decide', { input, at: new Date(at).toISOString() }, created.secret);
    expect(res.status, res.text).toBe(200);
    expect(res.body).toMatchObject({ tenant: 'acme', policy: 'returns', version: 1 });
    return res.body.decision;
  };

  it('answers the tenant, version 1 of its policy, the filled params and an admin key shown once', async () => {
    expect(created.tenant).toMatchObject({ id: 'acme', name: 'Acme Outfitters', template: 'returns-standard' });
    expect(created.policies).toEqual(['returns', 'cancellation'].map((key) => ({ key, version: 1, contentHash: expect.stringMatching(/^sha256:/), activeFrom: expect.any(String) })));
    expect(created.params).toMatchObject({ returnWindowDays: 14, returnShippingFee: 4.5, excludeFinalSale: true });
    expect(created.secret).toMatch(new RegExp(`^pk_${created.key.prefix}_`));
    const me = await server.get('/v1/me', created.secret);
    expect(me.body).toMatchObject({ tenant: 'acme', tenantName: 'Acme Outfitters', role: 'admin', keyId: created.key.id });
    const version = await server.get('/v1/policies/returns/versions/1', created.secret);
    expect(version.status, version.text).toBe(200);
    expect(version.body.document.params.returnWindowDays.value).toBe(14);
    expect(version.body.document.params.returnAddress.value).toBe('Acme returns, 9 Dock Road');
    expect((await server.get('/v1/samples', created.secret)).body.samples.length).toBe(created.samples);
  });

  it('inside the 14-day window: 10% restocking on each returned tee and the 4.50 return fee are deducted', async () => {
    const at = Date.now() + 1000;
    const d = await decide({ order: order(at, 12, 10), request: { reason: 'changed_mind', items: [{ sku: 'TEE', quantity: 2 }] } }, at);
    expect(d).toMatchObject({ eligible: true, rule: 'refund', itemsRefundAmount: 72, returnShippingFee: 4.5, refundAmount: 67.5, returnBy: isoDay(at - 10 * DAY + 14 * DAY), returnTo: 'Acme returns, 9 Dock Road', holidayWindowApplied: false, refundEta: { minBusinessDays: 3, maxBusinessDays: 7 } });
    expect(d.items).toEqual([expect.objectContaining({ sku: 'TEE', eligible: true, restockingFee: 8, refundAmount: 72, rule: 'returnable' })]);
  });

  it('outside the window (day 15 after delivery): nothing is refunded', async () => {
    const at = Date.now() + 1000;
    const d = await decide({ order: order(at, 17, 15), request: { reason: 'changed_mind', items: [{ sku: 'TEE', quantity: 1 }] } }, at);
    expect(d).toMatchObject({ eligible: false, rule: 'nothing-returnable', refundAmount: 0, returnBy: isoDay(at - 15 * DAY + 14 * DAY) });
    expect(d.items[0]).toMatchObject({ eligible: false, rule: 'past-return-window' });
  });

  it('its cancellation policy uses the filled window (48 hours) and the refund times both policies share', async () => {
    const at = Date.now() + 1000;
    const unshipped = (hoursAgo: number) => ({ ...order(at, 0, 0), placedAt: new Date(at - hoursAgo * 3_600_000).toISOString(), shipping: { cost: 0, shippedAt: null, deliveredAt: null } });
    const cancel = async (hoursAgo: number) => {
      const res = await server.post('/v1/policies/cancellation/decide', { input: { order: unshipped(hoursAgo), request: {} }, at: new Date(at).toISOString(), explain: true }, created.secret);
      expect(res.status, res.text).toBe(200);
      return res.body;
    };
    const inside = await cancel(30);
    expect(inside.decision).toMatchObject({ allowed: true, rule: 'cancel-and-refund', refundAmount: 130, refundMethod: 'original_payment', refundEta: { minBusinessDays: 3, maxBusinessDays: 7 } });
    expect(inside.explanation.reasons.map((r: { text: string }) => r.text)).toEqual(['Cancelled: $130.00 refunded ($0.00 cancellation fee kept)']);
    expect((await cancel(49)).decision).toMatchObject({ allowed: false, rule: 'past-cancel-window', refundAmount: 0 });
  });

  it('explains its decisions in the merchant\'s words, with what would have changed them', async () => {
    const at = Date.now() + 1000;
    const late = await server.post('/v1/policies/returns/decide', { input: { order: order(at, 17, 15), request: { reason: 'changed_mind', items: [{ sku: 'TEE', quantity: 1 }] } }, at: new Date(at).toISOString(), explain: true }, created.secret);
    expect(late.status, late.text).toBe(200);
    const lastDay = longDate(isoDay(at - 15 * DAY + 14 * DAY));
    expect(late.body.explanation.reasons.map((r: { text: string }) => r.text)).toEqual(['None of the returned items can be accepted: no refund', `TEE: delivered 15 days ago; the last day to return was ${lastDay}`]);
    expect(late.body.explanation.wouldChange.map((w: { text: string }) => w.text)).toEqual([`a return asked by ${lastDay} would have been accepted`]);
    const holidayOrder = await server.post('/v1/policies/returns/decide', { input: { order: order(at, 45, 40), request: { reason: 'changed_mind', items: [{ sku: 'TEE', quantity: 1 }] } }, at: new Date(at).toISOString(), explain: true }, created.secret);
    expect(holidayOrder.body.explanation.reasons.map((r: { text: string }) => r.text)).toEqual([
      'Refund of $31.50: $36.00 for the items minus a $4.50 return fee',
      `bought ${longDate(isoDay(at - 45 * DAY))}, inside the holiday window (${monthDay(holiday.purchasedFrom)}–${monthDay(holiday.purchasedThrough)}): returnable until ${longDate(holiday.returnUntil)}`,
      `TEE: returned by the last day (${longDate(holiday.returnUntil)}): $36.00 refunded, after a $4.00 restocking fee`,
    ]);
  });

  it('the excluded category is refused, and store credit waives the return fee', async () => {
    const at = Date.now() + 1000;
    const d = await decide({ order: order(at, 5, 3), request: { reason: 'changed_mind', items: [{ sku: 'GIFT', quantity: 1 }, { sku: 'TEE', quantity: 1 }], refundMethod: 'store_credit' } }, at);
    expect(d).toMatchObject({ eligible: true, refundMethod: 'store_credit', returnShippingFee: 0, refundAmount: 36, refundEta: { minBusinessDays: 0, maxBusinessDays: 0 } });
    expect(d.items.map((i: { rule: string }) => i.rule)).toEqual(['excluded-category', 'returnable']);
  });

  it('the holiday window: bought inside its dates, delivered 40 days ago, returnable until its end date', async () => {
    const at = Date.now() + 1000;
    const d = await decide({ order: order(at, 45, 40), request: { reason: 'changed_mind', items: [{ sku: 'TEE', quantity: 1 }] } }, at);
    expect(d).toMatchObject({ eligible: true, holidayWindowApplied: true, returnBy: holiday.returnUntil, refundAmount: 31.5 });
    // The same order bought the day after the holiday dates keeps the 14 days: long past.
    const late = await decide({ order: order(at, 29, 40), request: { reason: 'changed_mind', items: [{ sku: 'TEE', quantity: 1 }] } }, at);
    expect(late).toMatchObject({ eligible: false, holidayWindowApplied: false });
  });

  it('wrote the tenant, its version, activation, samples and key in one audited creation by the operator', async () => {
    const audit = await server.get('/v1/audit?limit=200', created.secret);
    expect(audit.status, audit.text).toBe(200);
    const actions = audit.body.entries.map((e: { action: string }) => e.action);
    for (const action of ['tenant.create', 'policy.create', 'version.publish', 'activation.create', 'sample.create', 'key.create']) expect(actions, action).toContain(action);
    expect(new Set(audit.body.entries.map((e: { actor: string }) => e.actor))).toEqual(new Set(['operator-env']));
    expect(audit.body.entries.find((e: { action: string }) => e.action === 'tenant.create').reason).toBe('test: onboarding Acme');
    expect(JSON.stringify(audit.body)).not.toContain(created.secret.split('_')[2]);
  });

  it('is isolated: it sees only its own policy and samples, and other tenants do not see it', async () => {
    const list = await server.get('/v1/policies', created.secret);
    expect(list.body.policies.map((p: { key: string }) => p.key).sort()).toEqual(['cancellation', 'returns']);
    expect((await server.get('/v1/policies/points', created.secret)).status).toBe(404);
    const sample = (await server.get('/v1/samples', created.secret)).body.samples[0].name;
    const solum = await server.key('solum', 'admin');
    expect((await server.get(`/v1/samples/${sample}`, solum)).status).toBe(404);
    const solumReturns = await server.get('/v1/policies/returns', solum);
    expect(solumReturns.body.active.document.title).toBe('Solum returns and refunds');
  });

  it('answers 409 for an existing tenant id and changes nothing', async () => {
    for (const tenant of ['acme', 'solum']) {
      const res = await server.post('/v1/tenants', { tenant, name: 'Again', template: 'returns-standard', params: { returnAddress: 'x' } }, OPERATOR_KEY);
      expectProblem(res, 409);
      expect(problemPaths(res)).toEqual(['/tenant']);
    }
    expect((await server.get('/v1/me', created.secret)).body.tenantName).toBe('Acme Outfitters');
  });
});

describe('POST /v1/tenants: bad params are refused with their JSON path, and nothing is written', () => {
  const cases: Array<[string, Record<string, unknown>, string[]]> = [
    ['a number of the wrong type', { returnAddress: 'x', returnWindowDays: 'thirty' }, ['/params/returnWindowDays']],
    ['a value below the minimum', { returnAddress: 'x', returnWindowDays: 0 }, ['/params/returnWindowDays']],
    ['a missing required param', { returnWindowDays: 30 }, ['/params/returnAddress']],
    ['a param the template does not have', { returnAddress: 'x', windowDays: 30 }, ['/params/windowDays']],
    ['a bad date inside the holiday window', { returnAddress: 'x', holidayWindow: { purchasedFrom: 'Nov 20', purchasedThrough: '2024-12-25', returnUntil: '2025-01-31' } }, ['/params/holidayWindow/purchasedFrom']],
    ['an unknown refund method', { returnAddress: 'x', refundMethods: ['cash'] }, ['/params/refundMethods/0']],
  ];
  it.each(cases)('%s', async (_, params, paths) => {
    const res = await server.post('/v1/tenants', { tenant: 'bad-params', name: 'Bad', template: 'returns-standard', params }, OPERATOR_KEY);
    expectProblem(res, 400);
    expect(problemPaths(res)).toEqual(paths);
    expect(res.body.errors[0].message.length).toBeGreaterThan(5);
    expect((await server.runtime.db.execute({ sql: 'SELECT COUNT(*) AS n FROM tenants WHERE id = ?', args: ['bad-params'] })).rows[0]!.n).toBe(0);
  });

  it('says a missing required param has no default and shows the listed example, not a default', async () => {
    const listed = (await server.get('/v1/templates', OPERATOR_KEY)).body.templates.find((x: { template: string }) => x.template === 'returns-standard');
    const address = listed.params.find((p: { name: string }) => p.name === 'returnAddress');
    const res = await server.post('/v1/tenants', { tenant: 'no-address', name: 'No address', template: 'returns-standard' }, OPERATOR_KEY);
    expectProblem(res, 400);
    expect(problemPaths(res)).toEqual(['/params/returnAddress']);
    expect(res.body.errors[0].message).toContain('is required: the template has no default for it');
    expect(res.body.errors[0].message).toContain(`such as ${JSON.stringify(address.example)}`);
    expect(address.default).toBeNull();
  });

  it('refuses an unknown template (/template) and a tenant id that is not a slug (/tenant)', async () => {
    const unknown = await server.post('/v1/tenants', { tenant: 'nope', name: 'Nope', template: 'no-such-template' }, OPERATOR_KEY);
    expectProblem(unknown, 400);
    expect(problemPaths(unknown)).toEqual(['/template']);
    expect(unknown.body.errors[0].message).toContain('returns-standard');
    const slug = await server.post('/v1/tenants', { tenant: '_templates', name: 'Nope', template: 'returns-standard', params: { returnAddress: 'x' } }, OPERATOR_KEY);
    expectProblem(slug, 400);
    expect(problemPaths(slug)).toEqual(['/tenant']);
  });
});

describe('POST /v1/tenants: the tenant\'s default explanation language', () => {
  let created: any;
  const at = Date.now() + 1000;
  /** An unshipped order placed 2 hours ago by a customer in `language` (the order schema requires one; Japanese: no policy here has texts in it). */
  const unshipped = (language: string) => {
    const o = order(at, 0, 0);
    return { ...o, placedAt: new Date(at - 2 * 3_600_000).toISOString(), customer: { ...o.customer, language }, shipping: { cost: 0, shippedAt: null, deliveredAt: null } };
  };
  const cancel = async (language = 'ja') => {
    const res = await server.post('/v1/policies/cancellation/decide', { input: { order: unshipped(language), request: {} }, at: new Date(at).toISOString(), explain: true }, created.secret);
    expect(res.status, res.text).toBe(200);
    return res.body.explanation;
  };

  beforeAll(async () => {
    const res = await server.post('/v1/tenants', { tenant: 'hangul', name: 'Hangul Dolls', template: 'returns-standard', params: { returnAddress: 'x' }, language: 'ko', activeFrom: null }, OPERATOR_KEY);
    expect(res.status, res.text).toBe(201);
    expectSchema(res, 'api/tenant-created.schema.json');
    created = res.body;
  });

  it('keeps the language given: in the answer, in GET /v1/me for the tenant\'s keys, and in the audit row', async () => {
    expect(created.tenant).toMatchObject({ id: 'hangul', language: 'ko' });
    const me = await server.get('/v1/me', created.secret);
    expectSchema(me, 'api/who-am-i.schema.json');
    expect(me.body).toMatchObject({ tenant: 'hangul', language: 'ko' });
    const audit = await server.get('/v1/audit?action=tenant.create', created.secret);
    expect(audit.body.entries[0].detail).toMatchObject({ template: 'returns-standard', language: 'ko' });
    // Without a language the tenant has none (English); the seeded tenants keep tenant.json's.
    const plain = await server.post('/v1/tenants', { tenant: 'plain', name: 'Plain', template: 'returns-standard', params: { returnAddress: 'x' } }, OPERATOR_KEY);
    expect(plain.body.tenant.language).toBeNull();
    expect((await server.get('/v1/me', plain.body.secret)).body.language).toBeNull();
  });

  it('explains in it when the customer\'s language is one the policy has no texts in, once the policy has texts in it; English before, and the customer\'s language first', async () => {
    // The template's texts are in English only: a Korean tenant's explanations fall back to them.
    expect(await cancel()).toMatchObject({ language: 'en', reasons: [{ text: 'Cancelled: $130.00 refunded ($0.00 cancellation fee kept)' }] });
    // The merchant writes the rule's reason in Korean too and publishes it.
    const current = await server.get('/v1/policies/cancellation/versions/1', created.secret);
    const document = structuredClone(current.body.document);
    const rule = document.otherwise;
    expect(rule.explain.reason).toEqual({ en: 'Cancelled: {then.refundAmount|money} refunded ({then.cancellationFee|money} cancellation fee kept)' });
    rule.explain.reason.ko = '취소되었습니다: {then.refundAmount|money} 환불 (취소 수수료 {then.cancellationFee|money})';
    const saved = await server.request('PUT', '/v1/policies/cancellation/draft', { key: created.secret, body: { document }, headers: { 'If-None-Match': '*' } });
    expect(saved.status, saved.text).toBe(201);
    const published = await server.request('POST', '/v1/policies/cancellation/draft/publish', { key: created.secret, body: { reason: 'test: Korean texts', activate: { from: new Date(at - 1000).toISOString() } }, headers: { 'If-Match': saved.headers.get('etag')! } });
    expect(published.status, published.text).toBe(201);
    // A Japanese customer, no Japanese texts: the tenant's language (ko).
    expect(await cancel()).toMatchObject({ language: 'ko', reasons: [{ text: '취소되었습니다: $130.00 환불 (취소 수수료 $0.00)' }] });
    // The customer's language comes before the tenant's.
    expect(await cancel('en')).toMatchObject({ language: 'en', reasons: [{ text: 'Cancelled: $130.00 refunded ($0.00 cancellation fee kept)' }] });
  });

  it('refuses a language that is not a language tag, naming /language, and creates nothing', async () => {
    for (const language of ['Korean', 'ko_KR', '', 'k']) {
      const res = await server.post('/v1/tenants', { tenant: 'bad-language', name: 'Bad', template: 'returns-standard', params: { returnAddress: 'x' }, language }, OPERATOR_KEY);
      expectProblem(res, 400);
      expect(problemPaths(res), language).toEqual(['/language']);
    }
    expect((await server.runtime.db.execute({ sql: 'SELECT COUNT(*) AS n FROM tenants WHERE id = ?', args: ['bad-language'] })).rows[0]!.n).toBe(0);
  });
});

describe('POST /v1/tenants: one transaction', () => {
  it('two creations of the same tenant at once: one 201, one 409, and exactly one set of rows', async () => {
    const body = { tenant: 'racer', name: 'Racer', template: 'returns-standard', params: { returnAddress: 'x' } };
    const results = await Promise.all([server.post('/v1/tenants', body, OPERATOR_KEY), server.post('/v1/tenants', body, OPERATOR_KEY)]);
    expect(results.map((r) => r.status).sort()).toEqual([201, 409]);
    const count = async (sql: string) => Number((await server.runtime.db.execute({ sql, args: ['racer'] })).rows[0]!.n);
    expect(await count('SELECT COUNT(*) AS n FROM tenants WHERE id = ?')).toBe(1);
    expect(await count('SELECT COUNT(*) AS n FROM policy_versions WHERE tenant = ?')).toBe(2);
    expect(await count('SELECT COUNT(*) AS n FROM activations WHERE tenant = ?')).toBe(2);
    expect(await count('SELECT COUNT(*) AS n FROM api_keys WHERE tenant = ?')).toBe(1);
    expect(await count('SELECT COUNT(*) AS n FROM samples WHERE tenant = ?')).toBe(results.find((r) => r.status === 201)!.body.samples);
    expect(await count("SELECT COUNT(*) AS n FROM audit_log WHERE tenant = ? AND action = 'tenant.create'")).toBe(1);
  });

  it('an activeFrom no Date can hold (a leap second) is a 400 at /activeFrom, and creates nothing', async () => {
    const res = await server.post('/v1/tenants', { tenant: 'leap', name: 'Leap', template: 'returns-standard', params: { returnAddress: 'x' }, activeFrom: '2026-12-31T23:59:60Z' }, OPERATOR_KEY);
    expect(res.status, res.text).toBe(400);
    expect(res.body.errors).toEqual([expect.objectContaining({ path: '/activeFrom' })]);
    expect((await server.post('/v1/tenants', { tenant: 'leap', name: 'Leap', template: 'returns-standard', params: { returnAddress: 'x' } }, OPERATOR_KEY)).status).toBe(201);
  });

  it('activeFrom null makes version 1 decide from the beginning (to replay older orders)', async () => {
    const res = await server.post('/v1/tenants', { tenant: 'history', name: 'History', template: 'returns-standard', params: { returnAddress: 'x' }, activeFrom: null }, OPERATOR_KEY);
    expect(res.status, res.text).toBe(201);
    expect(res.body.policies[0].activeFrom).toBeNull();
    const sample = (await server.get('/v1/samples', res.body.secret)).body.samples.find((s: { name: string }) => s.name === 'return-day-31-past-window');
    const full = await server.get(`/v1/samples/${sample.name}`, res.body.secret);
    const decided = await server.post('/v1/policies/returns/decide', { input: { order: full.body.order, request: full.body.requests.returns }, at: full.body.at }, res.body.secret);
    expect(decided.status, decided.text).toBe(200);
    expect(decided.body.decision).toMatchObject({ eligible: false, returnBy: '2024-04-04' });
  });
});

describe('OPERATOR_KEY', () => {
  it('is refused at start when it is short, has spaces or looks like a tenant key', () => {
    for (const bad of ['short', `has a space ${'x'.repeat(30)}`, `pk_${'x'.repeat(40)}`]) expect(() => parseConfig({ OPERATOR_KEY: bad }), bad).toThrow(/OPERATOR_KEY: must be at least 32 characters/);
    expect(parseConfig({ OPERATOR_KEY: OPERATOR_KEY }).operatorKey).toBe(OPERATOR_KEY);
    expect(parseConfig({}).operatorKey).toBeUndefined();
  });
});

describe('only platform operators create tenants', () => {
  const body = { tenant: 'sneaky', name: 'Sneaky', template: 'returns-standard', params: { returnAddress: 'x' } };

  it.each(['admin', 'editor', 'decider', 'viewer'] as const)('a tenant %s key gets 403 on both routes', async (role) => {
    const key = await server.key('solum', role);
    expectProblem(await server.post('/v1/tenants', body, key), 403);
    expectProblem(await server.get('/v1/templates', key), 403);
  });

  it('the 403 detail names the role with the right article', async () => {
    const admin = await server.post('/v1/tenants', body, await server.key('solum', 'admin'));
    expect(admin.body.detail).toBe('an admin key may not create tenants (a platform operator key may)');
    const viewer = await server.post('/v1/tenants', body, await server.key('solum', 'viewer'));
    expect(viewer.body.detail).toBe('a viewer key may not create tenants (a platform operator key may)');
    expect((await server.get('/v1/policies', OPERATOR_KEY)).body.detail).toBe('an operator key may not read');
  });

  it('no key, or a wrong operator key, gets 401', async () => {
    expectProblem(await server.post('/v1/tenants', body), 401);
    expectProblem(await server.post('/v1/tenants', body, `${OPERATOR_KEY}x`), 401);
    expectProblem(await server.get('/v1/templates', `po_000000000000_${'A'.repeat(43)}`), 401);
    expect((await server.runtime.db.execute({ sql: 'SELECT COUNT(*) AS n FROM tenants WHERE id = ?', args: ['sneaky'] })).rows[0]!.n).toBe(0);
  });

  it('an operator key reads no tenant\'s data: 403 on tenant routes, and /v1/me names no tenant', async () => {
    expectProblem(await server.get('/v1/policies', OPERATOR_KEY), 403);
    expectProblem(await server.post('/v1/policies/returns/decide', { input: {} }, OPERATOR_KEY), 403);
    expectProblem(await server.get('/v1/keys', OPERATOR_KEY), 403);
    const me = await server.get('/v1/me', OPERATOR_KEY);
    expectSchema(me, 'api/who-am-i.schema.json');
    expect(me.body).toEqual({ tenant: '', tenantName: 'Platform operator', language: null, role: 'operator', keyId: 'operator-env', permissions: ['tenants', 'self'] });
  });

  it('an operator key made on the database works until it is revoked', async () => {
    const { key, secret } = await createOperatorKey(server.runtime.db, { actor: 'test', name: 'ops' });
    expect(secret).toMatch(/^po_[0-9a-f]{12}_[A-Za-z0-9_-]{43}$/);
    expect((await server.get('/v1/templates', secret)).status).toBe(200);
    const made = await server.post('/v1/tenants', { tenant: 'by-db-operator', name: 'By DB operator', template: 'returns-standard', params: { returnAddress: 'x' } }, secret);
    expect(made.status, made.text).toBe(201);
    await revokeOperatorKey(server.runtime.db, { actor: 'test', id: key.id });
    expectProblem(await server.get('/v1/templates', secret), 401);
  });
});
