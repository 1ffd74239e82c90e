/** The worker-thread write connection of the decision log: commits before it resolves, reports errors with their codes, survives its worker dying. */
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ulid } from 'ulid';
import { BatchWriter } from '../../server/store/batch-writer.ts';
import type { Client } from '../../server/store/client.ts';
import { openDatabase } from '../../server/store/client.ts';
import { getDecision, insertDecisionsStmts } from '../../server/store/decisions.ts';
import type { DecisionRecord } from '../../server/store/decisions.ts';
import { migrate } from '../../server/store/migrate.ts';

const dir = mkdtempSync(join(tmpdir(), 'policy-batch-writer-'));
const databaseUrl = `file:${join(dir, 'log.db')}`;
let db: Client;
let writer: BatchWriter;

beforeAll(async () => {
  db = await openDatabase({ databaseUrl });
  await migrate(db);
  writer = await BatchWriter.open({ databaseUrl });
});
afterAll(async () => {
  await writer?.close();
  db.close();
  rmSync(dir, { recursive: true, force: true });
});

function record(id = ulid()): DecisionRecord {
  return {
    id, tenant: 't', policy: 'p', version: 1, at: '2024-01-20T15:00:00Z', input: { order: { id: 'o' } },
    decision: { eligible: true, rule: 'r' }, trace: null, rule: 'r', error: null, keyId: 'k', createdAt: new Date().toISOString(), durationMs: 0.1,
  };
}

describe('BatchWriter', () => {
  it('has committed a batch when it resolves: the main connection reads every row', async () => {
    const records = Array.from({ length: 250 }, () => record());
    await writer.batch(insertDecisionsStmts(records), 'write');
    for (const r of [records[0]!, records[249]!]) expect((await getDecision(db, 't', r.id))?.decision).toEqual({ eligible: true, rule: 'r' });
    const rs = await db.execute({ sql: `SELECT COUNT(*) AS n FROM decisions WHERE id IN (${records.map(() => '?').join(',')})`, args: records.map((r) => r.id) });
    expect(Number(rs.rows[0]!.n)).toBe(250);
  });

  it('runs batches in the order they were sent, each one transaction: a failing one leaves nothing and carries its code', async () => {
    const first = record();
    const duplicate = record(first.id);
    const other = record();
    const results = await Promise.allSettled([
      writer.batch(insertDecisionsStmts([first]), 'write'),
      writer.batch(insertDecisionsStmts([other, duplicate]), 'write'),
    ]);
    expect(results[0].status).toBe('fulfilled');
    expect(results[1].status).toBe('rejected');
    const err = (results[1] as PromiseRejectedResult).reason as Error & { code?: string };
    expect(err.message).toMatch(/UNIQUE|constraint/i);
    expect(err.code).toMatch(/CONSTRAINT/);
    expect(await getDecision(db, 't', other.id)).toBeNull();
  });

  it('starts a new worker for the next batch when its worker has gone', async () => {
    const w = await BatchWriter.open({ databaseUrl });
    try {
      // Idle (between batches): terminating inside a libSQL call would abort the process.
      await (w as unknown as { worker: { terminate(): Promise<number> } }).worker.terminate();
      const r = record();
      await w.batch(insertDecisionsStmts([r]), 'write');
      expect(await getDecision(db, 't', r.id)).not.toBeNull();
    } finally {
      await w.close();
    }
  });

  it('keeps the WAL small under a steady stream of batches: the checkpointer copies it into the database beside the writer', async () => {
    const pad = 'x'.repeat(3000);
    // ~30 MB of decisions in 100 batches: without the checkpointer only the writer's backstop
    // (10,000 pages, ~40 MB) would ever checkpoint, and the WAL would hold all of it.
    for (let b = 0; b < 100; b++) {
      const records = Array.from({ length: 100 }, () => ({ ...record(), input: { pad } }));
      await writer.batch(insertDecisionsStmts(records), 'write');
      if (b % 10 === 9) await new Promise((r) => setTimeout(r, 120));
    }
    await new Promise((r) => setTimeout(r, 250));
    const wal = statSync(`${databaseUrl.slice('file:'.length)}-wal`).size;
    expect(wal).toBeLessThan(16 * 2 ** 20);
  });

  it('refuses batches once closed', async () => {
    const w = await BatchWriter.open({ databaseUrl });
    await w.close();
    await expect(w.batch([], 'write')).rejects.toThrow(/closed/);
  });
});
