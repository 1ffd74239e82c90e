/**
 * Generated Solum return requests for the simulation benchmark: realistic, varied and the same
 * on every run (a seeded generator). Each case starts from one of Solum's 35 samples
 * (policies/solum/samples: the order shapes, categories, conditions, reasons and refund methods
 * staff wrote by hand) and moves it in time and size: the order placed on another day between
 * September 2023 and March 2024 (so about half fall in the 2023 holiday range), every timestamp
 * of the order moved with it, the return asked 0 to 60 days after delivery, other quantities
 * and prices, sometimes another refund method. A few cases keep the sample's own quirks (before
 * delivery, skus not in the order), so the set exercises every rule, manual reviews included.
 *
 * @example
 *   const cases = solumReturnCases(100_000);   // [{ id: 'G-000001', input: { order, request }, at }, ...]
 */
import { LocalCatalog } from '../server/catalog/local-catalog.ts';

export interface GeneratedCase {
  id: string;
  input: { order: Record<string, any>; request: Record<string, any> };
  at: string;
}

/** mulberry32: a small, fast, seeded generator (the same cases on every run). */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const DAY = 86_400_000;
const FROM = Date.parse('2023-09-01T00:00:00Z');
const SPAN_DAYS = 212; // through the end of March 2024
const REFUND_METHODS = ['credit_card', 'debit_card', 'paypal', 'bank_transfer', 'alipay'];

const iso = (ms: number) => new Date(ms).toISOString().replace('.000Z', 'Z');
const shift = (value: unknown, by: number) => (typeof value === 'string' ? iso(Date.parse(value) + by) : value);

interface Template {
  at: string;
  order: Record<string, any>;
  request: Record<string, any>;
}

function templates(): Template[] {
  const catalog = LocalCatalog.load();
  const solum = catalog.tenants.find((t) => t.tenant === 'solum')!;
  return solum.samples
    .map((s) => s.sample as { name: string; at: string; order: Record<string, any>; requests: Record<string, Record<string, any>> })
    .filter((s) => s.requests.returns !== undefined)
    .sort((a, b) => a.name.localeCompare(b.name))
    .map((s) => ({ at: s.at, order: s.order, request: s.requests.returns! }));
}

/** `count` return requests for solum/returns, deterministic for a given seed. */
export function solumReturnCases(count: number, seed = 20231011): GeneratedCase[] {
  const random = rng(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)]!;
  const base = templates();
  const out: GeneratedCase[] = new Array(count);
  for (let n = 0; n < count; n++) {
    const t = base[Math.floor(random() * base.length)]!;
    const placed = FROM + Math.floor(random() * SPAN_DAYS) * DAY + Math.floor(random() * 20) * 3_600_000;
    const by = placed - Date.parse(t.order.placedAt);
    const scale = 1 + Math.floor(random() * 4);
    const items = t.order.items.map((item: Record<string, any>) => ({
      ...item,
      unitPrice: Math.round(item.unitPrice * (0.8 + random() * 0.4) * 100) / 100,
      quantity: item.quantity * scale,
    }));
    const goods = items.reduce((s: number, i: Record<string, any>) => s + Math.round(i.unitPrice * i.quantity * 100), 0) / 100;
    const shipping = {
      ...t.order.shipping,
      shippedAt: shift(t.order.shipping.shippedAt, by),
      deliveredAt: shift(t.order.shipping.deliveredAt, by),
    };
    const order = {
      ...t.order,
      id: `SL-G-${String(n + 1).padStart(6, '0')}`,
      placedAt: iso(placed),
      paidAt: shift(t.order.paidAt, by),
      customer: { ...t.order.customer, id: `sc-g${Math.floor(random() * 20_000)}`, lastLoginAt: shift(t.order.customer.lastLoginAt, by) },
      payment: { ...t.order.payment, amountPaid: Math.round((goods + (t.order.shipping.cost ?? 0)) * 100) / 100 },
      shipping,
      items,
    };
    const request = {
      ...t.request,
      items: t.request.items.map((i: Record<string, any>) => {
        const line = items.find((o: Record<string, any>) => o.sku === i.sku);
        // Returned units scale with the order, never above what was ordered (a sample that asks for more keeps asking).
        const quantity = line && i.quantity <= line.quantity / scale ? Math.max(1, Math.min(line.quantity, i.quantity * scale - Math.floor(random() * scale))) : i.quantity;
        return { ...i, quantity };
      }),
      refundMethod: random() < 0.2 ? pick(REFUND_METHODS) : t.request.refundMethod,
    };
    // Asked 0-60 days after delivery (or, before delivery, 0-10 days after shipping or placing).
    const from = Date.parse(shipping.deliveredAt ?? shipping.shippedAt ?? order.placedAt);
    const after = shipping.deliveredAt ? Math.floor(random() * 61) : Math.floor(random() * 11);
    const at = iso(from + after * DAY + Math.floor(random() * 24) * 3_600_000);
    out[n] = { id: order.id, input: { order, request }, at };
  }
  return out;
}
