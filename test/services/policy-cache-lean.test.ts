/**
 * A cached version keeps what deciding needs and not the document's embedded tests and
 * fixtures (nearly half of a seed document; test runs compile the document they test): it
 * decides every sample exactly as the whole document compiled does.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { schemaRegistry } from '../../server/catalog/schema-files.ts';
import { compile, evaluate } from '../../server/engine/index.ts';
import { PolicyCache } from '../../server/services/policy-cache.ts';
import type { Client } from '../../server/store/client.ts';
import { getVersion } from '../../server/store/policies.ts';
import { samples } from '../helpers/orders.ts';
import { tempSeededDatabase } from '../helpers/database.ts';

let db: Client;
let database: Awaited<ReturnType<typeof tempSeededDatabase>>;

beforeAll(async () => {
  database = await tempSeededDatabase('policy-cache-lean-');
  db = database.db;
});
afterAll(() => database.close());

describe('PolicyCache: cached versions without tests and fixtures', () => {
  it('leaves the tests and fixtures out and decides every sample as the whole document does', async () => {
    const cache = new PolicyCache(db, { max: 100, registry: schemaRegistry() });
    for (const version of [1, 2]) {
      const cached = await cache.compiled('solum', 'returns', version);
      if (!cached.ok) throw new Error('does not compile');
      const stored = (await getVersion(db, 'solum', 'returns', version))!.document as Record<string, unknown>;
      expect(cached.policy.document.tests).toBeUndefined();
      expect(cached.policy.document.fixtures).toBeUndefined();
      expect((stored.tests as unknown[]).length).toBeGreaterThan(0);
      const whole = compile(stored, { registry: schemaRegistry() });
      if (!whole.ok) throw new Error('does not compile');
      for (const s of samples('solum').filter((x) => x.requests.returns)) {
        const input = { order: s.order, request: s.requests.returns };
        expect(evaluate(cached.policy, input, s.at, { trace: true })).toEqual(evaluate(whole.policy, input, s.at, { trace: true }));
      }
    }
  });
});
