/**
 * `policy keys create|list|revoke` as a user runs them, on a fresh database (migrated and
 * seeded by the CLI itself), then the key used against the real server on that database.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.ts';
import { startServerProcess } from '../helpers/process.ts';
import type { ServerProcess } from '../helpers/process.ts';
import { eslReturn } from '../helpers/orders.ts';

const dir = mkdtempSync(join(tmpdir(), 'policy-keys-'));
const env = { DATABASE_URL: `file:${join(dir, 'policy.db')}` };
let server: ServerProcess | undefined;
afterAll(async () => {
  await server?.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('policy keys', () => {
  let key = '';
  let id = '';

  it('creates a key on a fresh database and prints it alone on the last line', async () => {
    const r = await runCli(['keys', 'create', '--tenant', 'solum', '--role', 'decider', '--name', 'checkout'], undefined, env);
    expect(r.code, r.stderr).toBe(0);
    const lines = r.stdout.trimEnd().split('\n');
    key = lines[lines.length - 1]!;
    expect(key).toMatch(/^pk_[0-9a-f]{12}_[A-Za-z0-9_-]{43}$/);
    id = /key (\w{26})/.exec(r.stdout)![1]!;
  });

  it('refuses an unknown tenant or role with exit 2', async () => {
    expect((await runCli(['keys', 'create', '--tenant', 'nobody', '--role', 'decider'], undefined, env)).code).toBe(2);
    const badRole = await runCli(['keys', 'create', '--tenant', 'solum', '--role', 'owner'], undefined, env);
    expect(badRole.code).toBe(2);
    expect(badRole.stderr).toContain('--role must be one of');
  });

  it('lists the tenant keys without their secrets', async () => {
    const r = await runCli(['keys', 'list', '--tenant', 'solum', '--json'], undefined, env);
    expect(r.code).toBe(0);
    const keys = JSON.parse(r.stdout);
    expect(keys).toHaveLength(1);
    expect(keys[0]).toMatchObject({ id, tenant: 'solum', role: 'decider', name: 'checkout', revokedAt: null });
    expect(r.stdout).not.toContain(key.slice(17));
    expect(keys[0].hash).toBeUndefined();
  });

  it('gives a key the running server accepts, deciding as the CLI does', async () => {
    server = await startServerProcess(env);
    expect(server.stdout()).toContain('npm run -s policy -- keys create --tenant solum --role decider');
    const body = { input: eslReturn('2023-11-15T10:00:00Z'), at: '2024-01-20T15:00:00Z' };
    const res = await fetch(`${server.url}/v1/policies/returns/decide`, { method: 'POST', headers: { Authorization: `Bearer ${key}`, 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
    expect(res.status).toBe(200);
    const answer = await res.json();
    const cli = await runCli(['decide', 'solum/returns', '--at', body.at, '--input', '-'], JSON.stringify(body.input));
    const { id: _a, ...fromApi } = answer;
    const { id: _b, ...fromCli } = JSON.parse(cli.stdout);
    expect(fromApi).toEqual(fromCli);
  });

  it('revokes a key: the running server refuses it within a second', async () => {
    const r = await runCli(['keys', 'revoke', id, '--reason', 'rotated'], undefined, env);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain(`Revoked decider key ${id}`);
    const started = Date.now();
    let status = 0;
    while (Date.now() - started < 1000) {
      status = (await fetch(`${server!.url}/v1/policies/returns/decide`, { method: 'POST', headers: { Authorization: `Bearer ${key}`, 'Content-Type': 'application/json' }, body: '{"input": {}}' })).status;
      if (status === 401) break;
      await new Promise((res) => setTimeout(res, 50));
    }
    expect(status).toBe(401);
  });
});
