/** Decision inputs for API tests, built from the seed samples of policies/ so they follow the tenants' input schemas. */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const policiesDir = fileURLToPath(new URL('../../policies/', import.meta.url));

export interface SampleFile {
  name: string;
  at: string;
  order: Record<string, any>;
  requests: Record<string, Record<string, unknown>>;
}

export function samples(tenant: string): SampleFile[] {
  const dir = join(policiesDir, tenant, 'samples');
  return readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((f) => JSON.parse(readFileSync(join(dir, f), 'utf8')) as SampleFile);
}

export function sample(tenant: string, name: string): SampleFile {
  const found = samples(tenant).find((s) => s.name === name);
  if (!found) throw new Error(`no sample ${tenant}/${name}`);
  return structuredClone(found);
}

/**
 * One ESL line bought on `placedAt` (delivered three days later), returned unopened for a
 * change of mind: DESIGN's holiday case.
 */
export function eslReturn(placedAt: string): { order: Record<string, unknown>; request: Record<string, unknown> } {
  const base = sample('solum', 'solum-holiday-placed-oct-11-asked-jan-20');
  const placed = Date.parse(placedAt);
  const day = 86_400_000;
  const esl = base.order.items.find((i: { category: string }) => i.category === 'esl');
  const order = {
    ...base.order,
    placedAt,
    paidAt: new Date(placed + 60_000).toISOString(),
    payment: { ...base.order.payment, amountPaid: esl.unitPrice * esl.quantity + base.order.shipping.cost },
    shipping: { ...base.order.shipping, shippedAt: new Date(placed + day).toISOString(), deliveredAt: new Date(placed + 3 * day).toISOString() },
    items: [esl],
  };
  return { order, request: { reason: 'changed_mind', items: [{ sku: esl.sku, quantity: esl.quantity, condition: 'original' }], refundMethod: 'credit_card' } };
}
