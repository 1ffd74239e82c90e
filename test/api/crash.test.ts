/**
 * A crash of `npm start` (SIGKILL, no shutdown at all) in the middle of a burst of decides:
 * every decision that was answered 200 is in the decision log afterwards, because an answer
 * is sent only once the transaction holding its decision has committed (on the decision log's
 * worker thread, with synchronous = FULL).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createKey } from '../../server/services/api-keys.ts';
import { openDatabase } from '../../server/store/client.ts';
import { migrate } from '../../server/store/migrate.ts';
import { seedIfEmpty } from '../../server/store/seed.ts';
import { eslReturn } from '../helpers/orders.ts';
import { startServerProcess } from '../helpers/process.ts';

const dir = mkdtempSync(join(tmpdir(), 'policy-crash-'));
const databaseUrl = `file:${join(dir, 'policy.db')}`;
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('SIGKILL', () => {
  it('loses no decision that was answered', async () => {
    const db = await openDatabase({ databaseUrl });
    await migrate(db);
    await seedIfEmpty(db);
    const { secret } = await createKey({ db }, { actor: 'test', tenant: 'solum', role: 'decider' });
    db.close();

    const server = await startServerProcess({ DATABASE_URL: databaseUrl });
    const body = JSON.stringify({ input: eslReturn('2023-11-15T10:00:00Z'), at: '2024-01-20T15:00:00Z' });
    const answered: string[] = [];
    const call = () =>
      fetch(`${server.url}/v1/policies/returns/decide`, { method: 'POST', headers: { Authorization: `Bearer ${secret}`, 'Content-Type': 'application/json' }, body })
        .then(async (r) => {
          if (r.status === 200) answered.push(((await r.json()) as { id: string }).id);
        })
        .catch(() => undefined);
    await call(); // compile before the load
    // 20 clients deciding in a loop until the process is gone.
    let killed = false;
    const clients = Array.from({ length: 20 }, async () => {
      while (!killed) await call();
    });
    while (answered.length < 300) await new Promise((r) => setTimeout(r, 5));
    const exit = server.stop('SIGKILL');
    killed = true;
    await exit;
    await Promise.all(clients);

    const check = await openDatabase({ databaseUrl });
    try {
      const found = new Set<string>();
      for (let i = 0; i < answered.length; i += 500) {
        const ids = answered.slice(i, i + 500);
        const rs = await check.execute({ sql: `SELECT id FROM decisions WHERE id IN (${ids.map(() => '?').join(',')})`, args: ids });
        for (const r of rs.rows) found.add(String(r.id));
      }
      expect(answered.filter((id) => !found.has(id))).toEqual([]);
      console.log(`${answered.length} decisions answered before SIGKILL; every one is in the log`);
    } finally {
      check.close();
    }
  });
});
