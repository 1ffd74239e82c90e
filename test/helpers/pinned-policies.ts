/**
 * A policies/ folder for effective-date tests: Solum's tenant with its seed returns policy (pinTo
 * absent: "decision") and `returns-by-order`, the same two documents (version 1, and version 2
 * with the 2023 holiday params) with the same activations (v2 from 2023-10-11 until 2024-02-01),
 * but pinTo "order.placedAt". Decided from LocalCatalog, by the CLI (POLICIES_DIR) and by a
 * server seeded from it (startServer({ env: { POLICIES_DIR } })), so every level sees the same.
 *
 * `pinCases` are the two orders the brief names, with what each pin mode gives worked out by
 * hand from policies/solum/returns.json (one ESL line, changed mind, original condition):
 *
 * P: placed 2023-09-20, delivered 2023-09-23, decided 2023-11-01.
 *    "decision": the version active on Nov 1 is 2 (the holiday overlay). "order.placedAt": the
 *    version active on Sep 20 is 1. Both: delivery + 30 days = 2023-10-23, passed on Nov 1; Sep 20
 *    is before the holiday purchase range (Oct 11-Dec 25), so v2 gives the same: not returnable.
 * Q: placed 2023-11-20, delivered 2023-11-23, decided 2024-02-10.
 *    "decision": the overlay ended Feb 1: version 1, return by 2023-12-23 (delivery + 30).
 *    "order.placedAt": Nov 20 is inside the overlay: version 2, a holiday purchase, return by
 *    2024-01-31. Both past on Feb 10: not returnable.
 */
import { mkdtempSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { eslReturn } from './orders.ts';

const seedDir = fileURLToPath(new URL('../../policies/solum/', import.meta.url));

/** Writes the folder and returns its path (a fresh temp folder each call). */
export function pinnedPoliciesDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'policy-pinned-'));
  const solum = join(dir, 'solum');
  mkdirSync(solum);
  const document = JSON.parse(readFileSync(join(seedDir, 'returns.json'), 'utf8'));
  document.$schema = '../../schemas/policy.schema.json';
  writeFileSync(join(solum, 'returns.json'), JSON.stringify(document, null, 2));
  writeFileSync(join(solum, 'returns-by-order.json'), JSON.stringify({ ...document, key: 'returns-by-order', pinTo: 'order.placedAt' }, null, 2));
  const manifest = JSON.parse(readFileSync(join(seedDir, 'tenant.json'), 'utf8'));
  const returns = manifest.policies.returns;
  manifest.policies['returns-by-order'] = {
    versions: returns.versions.map((v: string | { file: string }) => (typeof v === 'string' ? 'returns-by-order.json' : { ...v, file: 'returns-by-order.json' })),
    activations: returns.activations,
  };
  writeFileSync(join(solum, 'tenant.json'), JSON.stringify(manifest, null, 2));
  return dir;
}

/** An ESL return placed on `placedAt` and delivered three days later (test/helpers/orders.ts). */
function order(placedAt: string) {
  return eslReturn(placedAt);
}

export const pinCases = {
  P: {
    input: order('2023-09-20T10:00:00Z'),
    at: '2023-11-01T12:00:00Z',
    decision: { version: 2, versionAsOf: '2023-11-01T12:00:00Z', eligible: false, returnBy: '2023-10-23' },
    order: { version: 1, versionAsOf: '2023-09-20T10:00:00Z', eligible: false, returnBy: '2023-10-23' },
  },
  Q: {
    input: order('2023-11-20T10:00:00Z'),
    at: '2024-02-10T12:00:00Z',
    decision: { version: 1, versionAsOf: '2024-02-10T12:00:00Z', eligible: false, returnBy: '2023-12-23' },
    order: { version: 2, versionAsOf: '2023-11-20T10:00:00Z', eligible: false, returnBy: '2024-01-31' },
  },
};
