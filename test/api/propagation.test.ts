/**
 * Several processes, one database: two app instances (each its own client, caches and change
 * poller) on the same database file. What one writes is in force on the other within a second.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { activate } from '../../server/services/activations.ts';
import { createKey, revokeKey } from '../../server/services/api-keys.ts';
import { eslReturn } from '../helpers/orders.ts';
import { startServer } from '../helpers/server.ts';
import type { TestServer } from '../helpers/server.ts';

let a: TestServer;
let b: TestServer;

beforeAll(async () => {
  a = await startServer();
  b = await startServer({ dir: a.dir });
});
afterAll(async () => {
  await b?.close();
  await a?.close();
});

/** Polls until `check` holds; returns the milliseconds it took (or fails after `limitMs`). */
async function within(limitMs: number, check: () => Promise<boolean>): Promise<number> {
  const started = Date.now();
  while (!(await check())) {
    if (Date.now() - started > limitMs) throw new Error(`not in force after ${limitMs} ms`);
    await new Promise((r) => setTimeout(r, 20));
  }
  return Date.now() - started;
}

describe('two processes on one database', () => {
  it('puts an activation made through one in force on the other within 1 s', async () => {
    const key = await b.key('solum', 'decider');
    // March 2024: outside the holiday window, version 1 decides (and B caches that).
    const body = { input: eslReturn('2024-03-01T10:00:00Z'), at: '2024-03-10T10:00:00Z' };
    expect((await b.post('/v1/policies/returns/decide', body, key)).body.version).toBe(1);

    await activate(a.runtime, { actor: await a.actor('solum', 'editor'), policy: 'returns', version: 2, from: '2024-03-01T00:00:00Z', reason: 'test: extend the holiday version' });
    expect((await a.post('/v1/policies/returns/decide', body, await a.key('solum', 'decider'))).body.version).toBe(2);
    const ms = await within(1000, async () => (await b.post('/v1/policies/returns/decide', body, key)).body.version === 2);
    console.log(`activation through A in force on B after ${ms} ms`);

    // Rollback is a new activation of the old version; it reaches B the same way.
    await activate(a.runtime, { actor: await a.actor('solum', 'editor'), policy: 'returns', version: 1, from: '2024-03-01T00:00:00Z', reason: 'test: roll back' });
    await within(1000, async () => (await b.post('/v1/policies/returns/decide', body, key)).body.version === 1);
  });

  it('stops accepting a key revoked through the other process within 1 s', async () => {
    const { key, secret } = await createKey(a.runtime, { actor: 'test', tenant: 'soom', role: 'decider' });
    const call = () => b.post('/v1/policies/points/decide', { input: {} }, secret);
    expect((await call()).status).not.toBe(401);
    await revokeKey(a.runtime, { actor: 'test', tenant: 'soom', id: key.id, reason: 'test' });
    const ms = await within(1000, async () => (await call()).status === 401);
    console.log(`revocation through A in force on B after ${ms} ms`);
  });
});
