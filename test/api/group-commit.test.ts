/**
 * Group commit over HTTP: 200 concurrent decides, fired by a separate client process (as
 * checkout systems would: a client in the test's own event loop would hand the server one
 * request per turn), are all logged before they are answered, in far fewer transactions.
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eslReturn } from '../helpers/orders.ts';
import { startServer } from '../helpers/server.ts';
import type { TestServer } from '../helpers/server.ts';

let server: TestServer;

beforeAll(async () => {
  server = await startServer();
});
afterAll(() => server?.close());

/** Fires `count` identical POSTs at once from another process. */
function burst(path: string, key: string, body: unknown, count: number): Promise<Array<{ status: number; body: any }>> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [fileURLToPath(new URL('../helpers/burst.mjs', import.meta.url)), `${server.url}${path}`, key, String(count)]);
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve(JSON.parse(out)) : reject(new Error(`burst client exited ${code}`))));
    child.stdin.end(JSON.stringify(body));
  });
}

async function flushStats(): Promise<{ count: number; sum: number }> {
  const res = await server.get('/metrics');
  const value = (name: string) => Number(new RegExp(`^${name} (\\S+)$`, 'm').exec(res.text)?.[1] ?? 0);
  return { count: value('policy_decision_log_flush_batch_size_count'), sum: value('policy_decision_log_flush_batch_size_sum') };
}

describe('decision log group commit', () => {
  it('logs every one of 200 concurrent decisions before answering, sharing transactions', async () => {
    const key = await server.key('solum', 'decider');
    const body = { input: eslReturn('2023-11-15T10:00:00Z'), at: '2024-01-20T15:00:00Z' };
    await server.post('/v1/policies/returns/decide', body, key); // warm the cache: compile once
    const before = await flushStats();

    const answers = await burst('/v1/policies/returns/decide', key, body, 200);
    expect(answers.map((a) => a.status)).toEqual(Array(200).fill(200));
    const ids = answers.map((a) => a.body.id as string);
    expect(new Set(ids).size).toBe(200);

    // Each answer came after its commit: all 200 rows are there without waiting for anything.
    const placeholders = ids.map(() => '?').join(', ');
    const rs = await server.runtime.db.execute({ sql: `SELECT COUNT(*) AS n FROM decisions WHERE tenant = 'solum' AND id IN (${placeholders})`, args: ids });
    expect(Number(rs.rows[0]!.n)).toBe(200);

    const after = await flushStats();
    const flushes = after.count - before.count;
    expect(after.sum - before.sum).toBe(200);
    expect(flushes).toBeGreaterThan(0);
    expect(flushes).toBeLessThan(200);
    console.log(`200 concurrent decisions → ${flushes} decision-log transactions (mean batch ${(200 / flushes).toFixed(1)})`);
  });
});
