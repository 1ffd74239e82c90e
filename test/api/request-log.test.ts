/**
 * The request log: one JSON line per request (id, method, route, path, status, ms, and the
 * tenant and key id when authenticated), never the key; other log lines keep their redaction.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../server/api/app.ts';
import { parseConfig } from '../../server/config.ts';
import { createLogger } from '../../server/logger.ts';
import { startRuntime } from '../../server/runtime.ts';
import type { Runtime } from '../../server/runtime.ts';
import { createKey } from '../../server/services/api-keys.ts';
import { eslReturn } from '../helpers/orders.ts';

const dir = mkdtempSync(join(tmpdir(), 'policy-request-log-'));
const lines: Array<Record<string, unknown>> = [];
const sink = new Writable({
  write(chunk, _encoding, done) {
    for (const l of String(chunk).split('\n').filter(Boolean)) lines.push(JSON.parse(l));
    done();
  },
});
let runtime: Runtime;

beforeAll(async () => {
  const config = parseConfig({ DATABASE_URL: `file:${join(dir, 'policy.db')}`, LOG_LEVEL: 'info' });
  runtime = await startRuntime(config, { logger: createLogger('info', sink) });
});
afterAll(async () => {
  await runtime?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('request log', () => {
  it('writes one line per request with its route, status and actor, and never the key', async () => {
    const app = createApp(runtime);
    const { key, secret } = await createKey(runtime, { actor: 'test', tenant: 'solum', role: 'decider' });
    lines.length = 0;
    const res = await app.request('/v1/policies/returns/decide', {
      method: 'POST',
      headers: { Authorization: `Bearer ${secret}`, 'Content-Type': 'application/json', 'X-Request-Id': 'req-1' },
      body: JSON.stringify({ input: eslReturn('2024-03-01T10:00:00Z'), at: '2024-03-10T10:00:00Z' }),
    });
    expect(res.status).toBe(200);
    await app.request('/v1/policies/returns/decide', { method: 'POST' });
    const requests = lines.filter((l) => l.msg === 'request');
    expect(requests).toHaveLength(2);
    expect(requests[0]).toMatchObject({ level: 30, service: 'policy-service', requestId: 'req-1', method: 'POST', route: '/v1/policies/:policy/decide', path: '/v1/policies/returns/decide', status: 200, tenant: 'solum', keyId: key.id });
    expect(typeof requests[0]!.ms).toBe('number');
    expect(requests[1]).toMatchObject({ status: 401 });
    expect(requests[1]).not.toHaveProperty('tenant');
    expect(JSON.stringify(lines)).not.toContain(secret);
  });

  it('still redacts keys and secrets on the other lines', () => {
    runtime.logger.info({ key: 'pk_x', nested: { secret: 's' }, authorization: 'Bearer pk_x' }, 'other');
    const other = lines.find((l) => l.msg === 'other');
    expect(other).toMatchObject({ key: '[redacted]', nested: { secret: '[redacted]' }, authorization: '[redacted]' });
  });
});
