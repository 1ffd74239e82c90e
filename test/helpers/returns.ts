/**
 * Solum return inputs built from a few numbers, so a test can state an order in one line and
 * compute its refund by hand: every line is returned whole, in original condition, for a
 * change of mind, refunded to the credit card (fees apply; refund time 3–5 business days).
 *
 * `holidayCases` are five such returns with their refunds under versions 1 and 2 worked out by hand.
 *
 * @example
 *   solumReturn({ placedAt: '2023-11-15T10:00:00Z', deliveredAt: '2023-11-18T15:00:00Z', items: [['E29', 'esl', 21.5, 10]] });
 */

/** [sku, category, unitPrice, quantity] */
export type Line = [string, string, number, number];

export function solumReturn(o: {
  placedAt: string;
  deliveredAt: string | null;
  items: Line[];
  reason?: string;
  condition?: string;
  refundMethod?: string;
}): { order: Record<string, unknown>; request: Record<string, unknown> } {
  const placed = Date.parse(o.placedAt);
  const goods = o.items.reduce((sum, [, , price, qty]) => sum + Math.round(price * qty * 100), 0) / 100;
  const shippingCost = 20;
  return {
    order: {
      id: `SL-${o.placedAt.slice(0, 10)}-${o.items.map(([sku, , , qty]) => `${sku}x${qty}`).join('-')}`,
      placedAt: o.placedAt,
      paidAt: new Date(placed + 60_000).toISOString(),
      currency: 'USD',
      customer: { id: 'sc-test', member: true, lastLoginAt: o.placedAt, language: 'en' },
      payment: { method: 'credit_card', layaway: false, amountPaid: goods + shippingCost, pointsUsed: 0, coupon: false },
      shipping: { cost: shippingCost, shippedAt: new Date(placed + 86_400_000).toISOString(), deliveredAt: o.deliveredAt },
      items: o.items.map(([sku, category, unitPrice, quantity]) => ({ sku, name: sku, category, unitPrice, quantity })),
    },
    request: {
      reason: o.reason ?? 'changed_mind',
      items: o.items.map(([sku, , , quantity]) => ({ sku, quantity, condition: o.condition ?? 'original' })),
      refundMethod: o.refundMethod ?? 'credit_card',
    },
  };
}

export interface Case {
  id: string;
  input: { order: Record<string, unknown>; request: Record<string, unknown> };
  at: string;
}

/**
 * Five returns whose refunds under solum/returns version 1 (30 days) and version 2 (the 2023
 * holiday extension to Jan 31, 2024) are worked out by hand from policies/solum/returns.json
 * (return fees, changed_mind only, accepted items only: the highest perShipment among the shipped
 * items plus perItem x quantity — esl 0/0, accessory 5/0.25, newton_link 12/2):
 *
 * A: 10 ESL x 21.50, bought Nov 15 2023, delivered Nov 18, returned Jan 10 2024.
 *    v1: past Dec 18 → not returnable, 0.   v2: until Jan 31 → 215.00, ESL fee 0 → 215.00.
 * B: 2 ESL x 21.50 + 4 clips x 1.10, bought Dec 1, delivered Dec 4, returned Jan 20.
 *    v1: past Jan 3 → 0.   v2: 43.00 + 4.40 = 47.40 less fee 5 + 4 x 0.25 = 6.00 → 41.40.
 * C: 1 ESL, bought Sep 15 2023 (before the holiday range), returned Jan 10: 0 in both.
 * D: 1 NEWTON Link x 120, bought Nov 20, delivered Nov 23, returned Jan 5.
 *    v1: past the window, original condition → 80% = 96.00 less 12 + 2 = 14 → 82.00.
 *    v2: within the window → 120.00 less 14 → 106.00 (+24.00).
 * E: no currency: the input schema refuses it on both sides (an error, not a change).
 */
const A: Case = { id: 'A', input: solumReturn({ placedAt: '2023-11-15T10:00:00Z', deliveredAt: '2023-11-18T15:00:00Z', items: [['E29', 'esl', 21.5, 10]] }), at: '2024-01-10T12:00:00Z' };
const B: Case = { id: 'B', input: solumReturn({ placedAt: '2023-12-01T10:00:00Z', deliveredAt: '2023-12-04T15:00:00Z', items: [['E29', 'esl', 21.5, 2], ['CLIP', 'accessory', 1.1, 4]] }), at: '2024-01-20T12:00:00Z' };
const C: Case = { id: 'C', input: solumReturn({ placedAt: '2023-09-15T10:00:00Z', deliveredAt: '2023-09-18T15:00:00Z', items: [['E29', 'esl', 21.5, 1]] }), at: '2024-01-10T12:00:00Z' };
const D: Case = { id: 'D', input: solumReturn({ placedAt: '2023-11-20T10:00:00Z', deliveredAt: '2023-11-23T15:00:00Z', items: [['NL-1', 'newton_link', 120, 1]] }), at: '2024-01-05T12:00:00Z' };
const E: Case = (() => {
  const input = solumReturn({ placedAt: '2023-11-15T10:00:00Z', deliveredAt: '2023-11-18T15:00:00Z', items: [['E29', 'esl', 21.5, 1]] });
  delete (input.order as Record<string, unknown>).currency;
  return { id: 'E', input, at: '2024-01-10T12:00:00Z' };
})();
export const holidayCases = { A, B, C, D, E };
