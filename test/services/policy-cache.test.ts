/** The per-process policy cache: compiled versions are kept, but the absence of a version is not. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { schemaRegistry } from '../../server/catalog/schema-files.ts';
import { PolicyCache } from '../../server/services/policy-cache.ts';
import type { Client } from '../../server/store/client.ts';
import { contentHash } from '../../server/store/content-hash.ts';
import { getVersion, insertPolicyStmt, insertVersionStmt } from '../../server/store/policies.ts';
import { tempSeededDatabase } from '../helpers/database.ts';

let db: Client;
let database: Awaited<ReturnType<typeof tempSeededDatabase>>;

beforeAll(async () => {
  database = await tempSeededDatabase('policy-cache-');
  db = database.db;
});
afterAll(() => database.close());

describe('PolicyCache.compiled', () => {
  it('compiles a version once and serves it from the cache after', async () => {
    const cache = new PolicyCache(db, { max: 100, registry: schemaRegistry() });
    const first = await cache.compiled('soom', 'points', 1);
    expect(first.ok).toBe(true);
    expect(await cache.compiled('soom', 'points', 1)).toBe(first);
  });

  it('finds a version published after it was first asked for (its absence is not cached)', async () => {
    const cache = new PolicyCache(db, { max: 100, registry: schemaRegistry() });
    const before = await cache.compiled('soom', 'points', 2);
    expect(before.ok).toBe(false);
    const v1 = await getVersion(db, 'soom', 'points', 1);
    await db.execute(insertVersionStmt({ tenant: 'soom', policy: 'points', version: 2, contentHash: contentHash(v1!.document), document: v1!.document, createdBy: 'test' }));
    expect((await cache.compiled('soom', 'points', 2)).ok).toBe(true);
  });

  it('compiles a document once for every version that has it, in any tenant', async () => {
    const cache = new PolicyCache(db, { max: 100, registry: schemaRegistry() });
    const points = await getVersion(db, 'soom', 'points', 1);
    // Another tenant with the very same document, and a different document under the same key.
    await db.batch([
      { sql: "INSERT INTO tenants (id, name, created_at, created_by) VALUES ('twin', 'Twin', '2024-01-01T00:00:00.000Z', 'test')", args: [] },
      insertPolicyStmt({ tenant: 'twin', key: 'points', title: 'Points', createdBy: 'test' }),
      insertVersionStmt({ tenant: 'twin', policy: 'points', version: 1, contentHash: points!.contentHash, document: points!.document, createdBy: 'test' }),
    ], 'write');
    const doc2 = { ...(points!.document as Record<string, unknown>), description: 'changed' };
    await db.execute(insertVersionStmt({ tenant: 'twin', policy: 'points', version: 2, contentHash: contentHash(doc2), document: doc2, createdBy: 'test' }));

    const soom = await cache.compiled('soom', 'points', 1);
    const twin = await cache.compiled('twin', 'points', 1);
    expect(soom.ok).toBe(true);
    expect(twin).toBe(soom);
    const other = await cache.compiled('twin', 'points', 2);
    expect(other.ok).toBe(true);
    expect(other).not.toBe(soom);
    expect(cache.stats()).toMatchObject({ versions: 3, documents: 2 });
  });
});
