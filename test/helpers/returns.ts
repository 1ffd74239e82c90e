/**
 * Solum return inputs built from a few numbers, so a test can state an order in one line and
 * compute its refund by hand: every line is returned whole, in original condition, for a
 * change of mind, refunded to the credit card (fees apply; refund time 3–5 business days).
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
