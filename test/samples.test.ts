/**
 * policies/<tenant>/samples/*.json: realistic sample orders, each valid against
 * schemas/sample.schema.json, internally coherent (timeline, money) and sending every policy the
 * request shape of DESIGN.md's decision contract. Simulations and policy tests rely on them.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv2020 } from 'ajv/dist/2020.js';
import type { ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { describe, expect, it } from 'vitest';
import { loadSchemaFiles } from '../server/catalog/schema-files.ts';

// ajv-formats is CommonJS: Node hands us module.exports, a bundler may hand us its `default`.
const addFormats = ((addFormatsModule as unknown as { default?: unknown }).default ?? addFormatsModule) as (ajv: Ajv2020) => Ajv2020;

const policiesDir = fileURLToPath(new URL('../policies/', import.meta.url));
const schemaFiles = loadSchemaFiles();

const ajv = new Ajv2020({ strict: true, allErrors: true, allowUnionTypes: true });
addFormats(ajv);
ajv.addKeyword({ keyword: 'tsType', schemaType: 'string' }); // json-schema-to-typescript's annotation
for (const schema of Object.values(schemaFiles)) ajv.addSchema(schema);

// ---- the request shapes of DESIGN.md's decision-contract table ------------------------------------

const ORDER = 'common/order.schema.json#/$defs';
const CONDITION = { enum: ['original', 'opened', 'used', 'damaged', 'missing_parts'] };
const REASON = { enum: ['changed_mind', 'defective', 'damaged_in_transit', 'wrong_item', 'missing_item'] };
const EMPTY = { type: 'object', maxProperties: 0 };
const exactly = (properties: Record<string, object>, optional: string[] = []) => ({
  type: 'object',
  properties,
  required: Object.keys(properties).filter((k) => !optional.includes(k)),
  additionalProperties: false,
});

interface Tenant {
  categories: string[];
  requests: Record<string, object>;
}

const TENANTS: Record<string, Tenant> = {
  solum: {
    categories: ['esl', 'accessory', 'newton_link', 'demo_kit', 'software', 'subscription'],
    requests: {
      returns: exactly({
        reason: REASON,
        items: {
          type: 'array',
          minItems: 1,
          items: exactly(
            {
              sku: { type: 'string', minLength: 1 },
              quantity: { type: 'integer', minimum: 1 },
              condition: CONDITION,
              activated: { type: 'boolean' },
              accessed: { type: 'boolean' },
              supportTicketUsed: { type: 'boolean' },
            },
            ['activated', 'accessed', 'supportTicketUsed'],
          ),
        },
        refundMethod: { $ref: `${ORDER}/paymentMethod` },
      }),
    },
  },
  soom: {
    categories: ['doll', 'outfit', 'wig', 'eyes', 'shoes', 'parts', 'supplies'],
    requests: {
      points: EMPTY,
      layaway: EMPTY,
      cancellation: EMPTY,
      membership: EMPTY,
      returns: exactly({ reason: REASON, condition: CONDITION }),
      'after-service': exactly(
        {
          certificate: { type: 'boolean' },
          cause: { enum: ['manufacturing_defect', 'customer_damage'] },
          receivedAt: { $ref: `${ORDER}/timestamp` },
          prepaidShipping: { $ref: `${ORDER}/money` },
        },
        ['prepaidShipping'],
      ),
    },
  },
};

// ---- loading and small helpers ---------------------------------------------------------------------

interface Order {
  placedAt: string;
  paidAt: string | null;
  currency: string;
  customer: { member: boolean; lastLoginAt: string | null };
  payment: { layaway: boolean; amountPaid: number; pointsUsed: number; coupon: boolean; firstPaymentAt?: string | null };
  shipping: { cost: number; shippedAt: string | null; deliveredAt: string | null };
  items: Array<{ sku: string; category: string; unitPrice: number; quantity: number }>;
}
interface Sample {
  name: string;
  at: string;
  order: Order;
  requests: Record<string, Record<string, unknown>>;
}
interface SampleFile {
  file: string;
  sample: Sample;
}

function loadSamples(tenant: string): SampleFile[] {
  const dir = join(policiesDir, tenant, 'samples');
  return readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((f) => ({ file: `${tenant}/samples/${f}`, sample: JSON.parse(readFileSync(join(dir, f), 'utf8')) as Sample }));
}

function validator(ref: string | object): ValidateFunction {
  const fn = typeof ref === 'string' ? ajv.getSchema(ref) : ajv.compile(ref);
  if (!fn) throw new Error(`schema ${String(ref)} is not registered`);
  return fn;
}

/** One line per error: "<file> <instancePath> <message>". */
function schemaProblems(file: string, fn: ValidateFunction, value: unknown, prefix = ''): string[] {
  if (fn(value)) return [];
  return (fn.errors ?? []).map((e) => `${file} ${prefix}${e.instancePath || '/'} ${e.message ?? e.keyword}`);
}

/** Runs a per-sample check over every sample and expects no problem at all (all are listed). */
function expectEverySample(samples: SampleFile[], check: (s: Sample, file: string) => string[]): void {
  expect(samples.flatMap(({ sample, file }) => check(sample, file))).toEqual([]);
}

/** Every [JSON pointer, value] of a JSON value, depth first. */
function* walk(value: unknown, path = ''): Generator<[string, unknown]> {
  yield [path, value];
  if (value !== null && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) yield* walk(v, `${path}/${k}`);
  }
}

const ISO_UTC = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?Z$/;
const looksLikeDateTime = (v: unknown) => typeof v === 'string' && /^\d{4}-\d{2}-\d{2}T/.test(v);
const isTimestampKey = (path: string) => /\/(at|[A-Za-z]+At)$/.test(path);
const ms = (iso: string) => Date.parse(iso);

/** Minor units of an amount, per the currency's decimals (USD 2, JPY and KRW 0). */
function minorUnits(amount: number, currency: string): { units: number; exact: boolean } {
  const decimals = new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions().maximumFractionDigits ?? 2;
  const scaled = amount * 10 ** decimals;
  const units = Math.round(scaled);
  return { units, exact: Math.abs(scaled - units) < 1e-6 };
}

// ---- the tests ---------------------------------------------------------------------------------------

describe('schemas/', () => {
  it('registers every schema under its path as $id, so relative $refs resolve alike everywhere', () => {
    const mismatched = Object.entries(schemaFiles)
      .filter(([path, schema]) => (schema as { $id?: unknown }).$id !== path)
      .map(([path, schema]) => `${path} has $id ${JSON.stringify((schema as { $id?: unknown }).$id)}`);
    expect(mismatched).toEqual([]);
  });

  it('lets tenant schemas point at the common order definitions', () => {
    for (const def of ['item', 'customer', 'payment', 'shipping', 'timestamp', 'money', 'paymentMethod']) {
      expect(ajv.getSchema(`common/order.schema.json#/$defs/${def}`), def).toBeTypeOf('function');
    }
  });

  it('rejects an order missing a field, with a lower-case currency, a non-ISO timestamp, no items or an unknown payment method; accepts extra fields', () => {
    const [{ sample }] = loadSamples('soom') as [SampleFile];
    const validate = validator('common/order.schema.json');
    expect(validate(sample.order)).toBe(true);
    const broken = (patch: (o: Record<string, unknown>) => void) => {
      const o = structuredClone(sample.order) as unknown as Record<string, unknown>;
      patch(o);
      return validate(o) ? [] : (validate.errors ?? []).map((e) => e.instancePath);
    };
    expect(broken((o) => delete o.paidAt)).toContain('');
    expect(broken((o) => (o.currency = 'usd'))).toContain('/currency');
    expect(broken((o) => (o.placedAt = '2024-05-14 02:10'))).toContain('/placedAt');
    expect(broken((o) => (o.items = []))).toContain('/items');
    expect(broken((o) => ((o.payment as Record<string, unknown>).method = 'cash'))).toContain('/payment/method');
    expect(broken((o) => (o.extraField = { anything: true }))).toEqual([]);
  });
});

describe.each(Object.entries(TENANTS))('%s samples', (tenant, spec) => {
  const samples = loadSamples(tenant);
  const requestValidators = Object.fromEntries(Object.entries(spec.requests).map(([k, s]) => [k, validator(s)]));

  it('are at least 25', () => {
    expect(samples.length).toBeGreaterThanOrEqual(25);
  });

  it('each validate against schemas/sample.schema.json', () => {
    const validate = validator('sample.schema.json');
    expectEverySample(samples, (s, file) => schemaProblems(file, validate, s));
  });

  it('are each named after their file', () => {
    expectEverySample(samples, (s, file) => (file.endsWith(`/${s.name}.json`) ? [] : [`${file} is named ${JSON.stringify(s.name)}`]));
  });

  it('cover every category of the tenant, and only those', () => {
    const seen = new Set(samples.flatMap(({ sample }) => sample.order.items.map((i) => i.category)));
    expect([...seen].sort()).toEqual([...spec.categories].sort());
  });

  it('state every timestamp as ISO-8601 in UTC with Z', () => {
    expectEverySample(samples, (s, file) =>
      [...walk(s)]
        .filter(([path, v]) => looksLikeDateTime(v) || (isTimestampKey(path) && v !== null))
        .filter(([, v]) => typeof v !== 'string' || !ISO_UTC.test(v))
        .map(([path, v]) => `${file} ${path} ${JSON.stringify(v)}`),
    );
  });

  it("send each policy the request shape of DESIGN.md's decision contract", () => {
    expectEverySample(samples, (s, file) =>
      Object.entries(s.requests).flatMap(([policy, request]) => {
        const fn = requestValidators[policy];
        if (!fn) return [`${file} /requests/${policy} is not a ${tenant} policy`];
        return schemaProblems(file, fn, request, `/requests/${policy}`);
      }),
    );
  });

  it("validate as {order, request} against the tenant's input schema, where one exists", () => {
    expectEverySample(samples, (s, file) =>
      Object.entries(s.requests).flatMap(([policy, request]) => {
        const id = `${tenant}/${policy}.input.schema.json`;
        if (!(id in schemaFiles)) return [];
        return schemaProblems(file, validator(id), { order: s.order, request }, `(${id}) `);
      }),
    );
  });

  it('return only items the order has, in at most the quantity ordered', () => {
    expectEverySample(samples, (s, file) =>
      Object.entries(s.requests).flatMap(([policy, request]) =>
        ((request.items ?? []) as Array<{ sku: string; quantity: number }>).flatMap((r, i) => {
          const ordered = s.order.items.filter((it) => it.sku === r.sku).reduce((n, it) => n + it.quantity, 0);
          return r.quantity <= ordered ? [] : [`${file} /requests/${policy}/items/${i} returns ${r.quantity} x ${r.sku}, ordered ${ordered}`];
        }),
      ),
    );
  });

  it('have a coherent timeline: placed, paid, shipped, delivered in order, nothing after the decision but deliveries', () => {
    expectEverySample(samples, (s, file) => {
      const { order, at } = s;
      const problems: string[] = [];
      const before = (a: string | null | undefined, b: string | null | undefined, what: string) => {
        if (a && b && ms(a) > ms(b)) problems.push(`${file} ${what}: ${a} > ${b}`);
      };
      before(order.placedAt, order.payment.firstPaymentAt, 'placedAt > firstPaymentAt');
      before(order.payment.firstPaymentAt, order.paidAt, 'firstPaymentAt > paidAt');
      before(order.placedAt, order.paidAt, 'placedAt > paidAt');
      before(order.paidAt, order.shipping.shippedAt, 'paidAt > shippedAt');
      before(order.shipping.shippedAt, order.shipping.deliveredAt, 'shippedAt > deliveredAt');
      before(order.placedAt, at, 'placedAt > at');
      before(order.shipping.shippedAt, at, 'shippedAt > at');
      before(order.shipping.deliveredAt, at, 'deliveredAt > at');
      before(order.customer.lastLoginAt, at, 'lastLoginAt > at');
      if (order.shipping.shippedAt && !order.paidAt) problems.push(`${file} shipped before it was paid in full`);
      if (order.shipping.deliveredAt && !order.shipping.shippedAt) problems.push(`${file} delivered but never shipped`);
      if (order.payment.layaway !== 'firstPaymentAt' in order.payment) problems.push(`${file} firstPaymentAt must be given exactly for layaway orders`);
      if (!order.customer.member && order.customer.lastLoginAt !== null) problems.push(`${file} a guest has no lastLoginAt`);
      // A member orders while logged in: the last login is at most a day before the order.
      const login = order.customer.lastLoginAt;
      if (order.customer.member && login && ms(login) < ms(order.placedAt) - 86_400_000) problems.push(`${file} a member ordered a day after the last login`);
      for (const [path, v] of walk(s.requests)) {
        if (typeof v === 'string' && ISO_UTC.test(v)) {
          before(order.placedAt, v, `placedAt > /requests${path}`);
          before(v, at, `/requests${path} > at`);
        }
      }
      return problems;
    });
  });

  it("add up: amounts in the currency's minor unit, amountPaid + points = items + shipping once paid", () => {
    expectEverySample(samples, (s, file) => {
      const { order } = s;
      const problems: string[] = [];
      const units = (amount: number, path: string) => {
        const m = minorUnits(amount, order.currency);
        if (!m.exact) problems.push(`${file} ${path} ${amount} has more decimals than ${order.currency} allows`);
        return m.units;
      };
      const total =
        order.items.reduce((sum, it, i) => sum + units(it.unitPrice, `/order/items/${i}/unitPrice`) * it.quantity, 0) +
        units(order.shipping.cost, '/order/shipping/cost');
      const paid = units(order.payment.amountPaid, '/order/payment/amountPaid') + units(order.payment.pointsUsed, '/order/payment/pointsUsed');
      for (const [path, v] of walk(s.requests)) if (path.endsWith('/prepaidShipping')) units(v as number, `/requests${path}`);
      const fullyPaid = order.paidAt !== null;
      // A coupon's discount is not an order field: it shows only as amountPaid below the total.
      const addsUp = fullyPaid && !order.payment.coupon ? paid === total : paid < total;
      if (!addsUp) problems.push(`${file} paid ${paid} (minor units, with points) against a total of ${total} (paidAt ${order.paidAt}, coupon ${order.payment.coupon})`);
      if (!fullyPaid && !order.payment.layaway && order.payment.amountPaid !== 0) problems.push(`${file} an unpaid order has amountPaid ${order.payment.amountPaid}`);
      return problems;
    });
  });
});
