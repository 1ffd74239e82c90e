/**
 * A sample is an order as it stood at the sample's `at`: what it records as done (placed, paid,
 * shipped, delivered, the customer's last login, an A/S request received) happened by then.
 * The policies read a fact dated after `at` as not having happened yet (Soom cancellation's
 * shipped, Solum returns' and the template's deliveredAt), so a sample that broke this would
 * test a different case from the one its description tells.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadSamples } from '../../server/catalog/policy-files.ts';
import type { FileProblem } from '../../server/catalog/policy-files.ts';

const policies = fileURLToPath(new URL('../../policies/', import.meta.url));

/** Every samples folder: each tenant's and each template's. */
function sampleDirs(): string[] {
  const dirs: string[] = [];
  for (const entry of readdirSync(policies, { withFileTypes: true })) {
    if (!entry.isDirectory()) continue;
    if (entry.name === '_templates') {
      for (const t of readdirSync(join(policies, entry.name), { withFileTypes: true })) if (t.isDirectory()) dirs.push(join(policies, entry.name, t.name, 'samples'));
    } else dirs.push(join(policies, entry.name, 'samples'));
  }
  return dirs;
}

type Sample = { at: string; order: { placedAt?: string | null; paidAt?: string | null; customer?: { lastLoginAt?: string | null }; shipping?: { shippedAt?: string | null; deliveredAt?: string | null } }; requests?: Record<string, { receivedAt?: string | null }> };

function factsAfterAt(s: Sample): string[] {
  const at = Date.parse(s.at);
  const facts: Array<[string, string | null | undefined]> = [
    ['/order/placedAt', s.order.placedAt],
    ['/order/paidAt', s.order.paidAt],
    ['/order/customer/lastLoginAt', s.order.customer?.lastLoginAt],
    ['/order/shipping/shippedAt', s.order.shipping?.shippedAt],
    ['/order/shipping/deliveredAt', s.order.shipping?.deliveredAt],
    ...Object.entries(s.requests ?? {}).map(([policy, r]): [string, string | null | undefined] => [`/requests/${policy}/receivedAt`, r?.receivedAt]),
  ];
  return facts.filter(([, v]) => typeof v === 'string' && Date.parse(v.length === 10 ? `${v}T00:00:00Z` : v) > at).map(([path, v]) => `${path} ${v} is after at ${s.at}`);
}

describe('samples', () => {
  it('record nothing as done after their own `at`', () => {
    const problems: FileProblem[] = [];
    const samples = sampleDirs().flatMap((dir) => loadSamples(dir, problems));
    expect(problems).toEqual([]);
    expect(samples.length).toBeGreaterThan(50);
    const found = samples.flatMap((s) => factsAfterAt(s.sample as unknown as Sample).map((p) => `${s.name}: ${p}`));
    expect(found).toEqual([]);
  });
});
