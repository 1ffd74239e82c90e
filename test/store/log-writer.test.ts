/** The decision log writer: group commit, acknowledged only after commit, bounded queue, flush on close. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ulid } from 'ulid';
import { DecisionLogWriter, LogClosedError } from '../../server/decisions/log-writer.ts';
import type { Client } from '../../server/store/client.ts';
import { openDatabase } from '../../server/store/client.ts';
import type { DecisionRecord } from '../../server/store/decisions.ts';
import { getDecision } from '../../server/store/decisions.ts';
import { migrate } from '../../server/store/migrate.ts';

const dir = mkdtempSync(join(tmpdir(), 'policy-log-'));
let db: Client;

beforeAll(async () => {
  db = await openDatabase({ databaseUrl: `file:${join(dir, 'log.db')}` });
  await migrate(db);
});
afterAll(() => {
  db.close();
  rmSync(dir, { recursive: true, force: true });
});

function record(): DecisionRecord {
  return {
    id: ulid(), tenant: 't', policy: 'p', version: 1, at: '2024-01-20T15:00:00Z', input: { order: { id: 'o' } },
    decision: { eligible: true, rule: 'r' }, trace: null, rule: 'r', error: null, keyId: 'k', createdAt: new Date().toISOString(), durationMs: 0.1,
  };
}

async function count(): Promise<number> {
  return Number((await db.execute('SELECT COUNT(*) AS n FROM decisions')).rows[0]!.n);
}

describe('DecisionLogWriter', () => {
  it('writes many concurrent decisions in few transactions (group commit)', async () => {
    const flushes: number[] = [];
    const log = new DecisionLogWriter(db, { flushMs: 5, maxBatch: 500, maxQueue: 10_000, onFlush: (n) => flushes.push(n) });
    const before = await count();
    const records = Array.from({ length: 300 }, record);
    await Promise.all(records.map((r) => log.append(r)));
    expect(await count()).toBe(before + 300);
    expect(flushes.reduce((a, b) => a + b, 0)).toBe(300);
    expect(flushes.length).toBeLessThanOrEqual(2);
    await log.close();
  });

  it('resolves an append only once its row is committed', async () => {
    const log = new DecisionLogWriter(db, { flushMs: 20, maxBatch: 500, maxQueue: 100 });
    const r = record();
    let acknowledged = false;
    const pending = log.append(r).then(() => (acknowledged = true));
    expect(await getDecision(db, 't', r.id)).toBeNull();
    expect(acknowledged).toBe(false);
    await pending;
    const stored = await getDecision(db, 't', r.id);
    expect(stored?.decision).toEqual({ eligible: true, rule: 'r' });
    expect(stored?.input).toEqual({ order: { id: 'o' } });
    await log.close();
  });

  it('never holds more than maxQueue decisions: callers wait for room instead', async () => {
    let maxDepth = 0;
    const log = new DecisionLogWriter(db, { flushMs: 1, maxBatch: 10, maxQueue: 10, onFlush: () => (maxDepth = Math.max(maxDepth, log.depth)) });
    const appends = Array.from({ length: 100 }, () => log.append(record()));
    expect(log.depth).toBeLessThanOrEqual(10);
    await Promise.all(appends);
    expect(maxDepth).toBeLessThanOrEqual(10);
    expect(log.depth).toBe(0);
    await log.close();
  });

  it('flushes what is queued on close and refuses appends afterwards', async () => {
    const log = new DecisionLogWriter(db, { flushMs: 10_000, maxBatch: 500, maxQueue: 1000 });
    const records = Array.from({ length: 20 }, record);
    const appends = records.map((r) => log.append(r));
    await log.close();
    await Promise.all(appends);
    for (const r of records) expect(await getDecision(db, 't', r.id)).not.toBeNull();
    await expect(log.append(record())).rejects.toBeInstanceOf(LogClosedError);
  });

  it('rejects the waiting appends when the batch cannot be written, acknowledging none', async () => {
    const log = new DecisionLogWriter(db, { flushMs: 1, maxBatch: 500, maxQueue: 1000 });
    const dup = record();
    await log.append(dup);
    // The same id twice violates the primary key: the whole group fails, nothing is acknowledged.
    const fresh = record();
    const results = await Promise.allSettled([log.append(dup), log.append(fresh)]);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected']);
    expect(await getDecision(db, 't', fresh.id)).toBeNull();
    await log.close();
  });
});
