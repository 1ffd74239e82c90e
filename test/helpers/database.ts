/**
 * A real embedded libSQL database, migrated and seeded from policies/ as `npm start` does on
 * first start, for tests that use the store or start server processes on it.
 *
 * @example
 *   const db = await seededDatabase(`file:${join(dir, 'policy.db')}`);
 *   const temp = await tempSeededDatabase('policy-cache-');   // temp.db; temp.close() removes it
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDatabase } from '../../server/store/client.ts';
import type { Client } from '../../server/store/client.ts';
import { migrate } from '../../server/store/migrate.ts';
import { seedIfEmpty } from '../../server/store/seed.ts';

export async function seededDatabase(databaseUrl: string): Promise<Client> {
  const db = await openDatabase({ databaseUrl });
  await migrate(db);
  await seedIfEmpty(db);
  return db;
}

/** A seeded database in a new temporary folder; close() closes it and removes the folder. */
export async function tempSeededDatabase(prefix: string): Promise<{ db: Client; close(): void }> {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  const db = await seededDatabase(`file:${join(dir, 'cache.db')}`);
  return {
    db,
    close() {
      db.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
