/**
 * `policy tenants create` and `policy keys create --operator` as an operator runs them, on a
 * fresh database (migrated and seeded by the CLI itself), then the printed keys used against a
 * real server on that database: the new tenant's admin key decides a return with the filled
 * params, the operator key lists the templates. Bad params exit 2 naming their JSON path.
 * `policy test _templates` runs the templates' embedded tests.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.ts';
import { startServer } from '../helpers/server.ts';
import type { TestServer } from '../helpers/server.ts';

const dir = mkdtempSync(join(tmpdir(), 'policy-tenants-'));
const env = { DATABASE_URL: `file:${join(dir, 'policy.db')}` };
let server: TestServer | undefined;
afterAll(async () => {
  await server?.close();
  rmSync(dir, { recursive: true, force: true });
});

const lastLine = (s: string) => s.trimEnd().split('\n').at(-1)!;
const DAY = 86_400_000;

describe('policy tenants create', () => {
  let adminKey = '';
  let operatorKey = '';

  it('creates a tenant from a template with --param values and prints its admin key alone on the last line', async () => {
    writeFileSync(join(dir, 'params.json'), JSON.stringify({ restockingFeeRate: 0.2, returnAddress: 'from the file' }));
    const r = await runCli(['tenants', 'create', 'acme', '--template', 'returns-standard', '--name', 'Acme Outfitters', '--params', join(dir, 'params.json'), '--param', 'returnWindowDays=10', '--param', 'returnAddress=Acme returns, 9 Dock Road', '--param', 'excludedCategories=["gift_card"]', '--language', 'ko'], undefined, env);
    expect(r.code, r.stderr).toBe(0);
    adminKey = lastLine(r.stdout);
    expect(adminKey).toMatch(/^pk_[0-9a-f]{12}_[A-Za-z0-9_-]{43}$/);
    expect(r.stdout).toContain('Created tenant acme (Acme Outfitters) from template returns-standard: returns version 1');
    expect(r.stdout).toContain('Explanations default to language ko.');
  });

  it('makes an operator key alone on the last line', async () => {
    const r = await runCli(['keys', 'create', '--operator', '--name', 'ops'], undefined, env);
    expect(r.code, r.stderr).toBe(0);
    operatorKey = lastLine(r.stdout);
    expect(operatorKey).toMatch(/^po_[0-9a-f]{12}_[A-Za-z0-9_-]{43}$/);
    const list = await runCli(['keys', 'list', '--operator', '--json'], undefined, env);
    expect(JSON.parse(list.stdout)).toEqual([expect.objectContaining({ name: 'ops', revokedAt: null })]);
    expect(list.stdout).not.toContain(operatorKey.slice(16));
    expect((await runCli(['keys', 'create', '--operator', '--tenant', 'solum'], undefined, env)).code).toBe(2);
  });

  it('the admin key decides returns on a server over that database, with the filled params', async () => {
    server = await startServer({ dir });
    const at = Date.now() + 1000;
    const order = (deliveredDaysAgo: number) => ({
      id: 'A-1', placedAt: new Date(at - (deliveredDaysAgo + 2) * DAY).toISOString(), paidAt: null, currency: 'USD',
      customer: { id: 'c', member: false, lastLoginAt: null, language: 'en' },
      payment: { method: 'paypal', layaway: false, amountPaid: 100, pointsUsed: 0, coupon: false },
      shipping: { cost: 0, shippedAt: null, deliveredAt: new Date(at - deliveredDaysAgo * DAY).toISOString() },
      items: [{ sku: 'TEE', category: 'apparel', unitPrice: 50, quantity: 1 }, { sku: 'GIFT', category: 'gift_card', unitPrice: 50, quantity: 1 }],
    });
    const decide = (days: number, sku: string) => server!.post('/v1/policies/returns/decide', { input: { order: order(days), request: { reason: 'changed_mind', items: [{ sku, quantity: 1 }] } }, at: new Date(at).toISOString() }, adminKey);
    const inside = await decide(9, 'TEE');
    expect(inside.status, inside.text).toBe(200);
    expect(inside.body).toMatchObject({ tenant: 'acme', version: 1, decision: { eligible: true, refundAmount: 40, returnTo: 'Acme returns, 9 Dock Road' } });
    expect((await decide(11, 'TEE')).body.decision).toMatchObject({ eligible: false, items: [{ rule: 'past-return-window' }] });
    expect((await decide(2, 'GIFT')).body.decision).toMatchObject({ eligible: false, items: [{ rule: 'excluded-category' }] });
    // --language ko is the tenant's default explanation language.
    expect((await server.get('/v1/me', adminKey)).body).toMatchObject({ tenant: 'acme', language: 'ko' });
    const templates = await server.get('/v1/templates', operatorKey);
    expect(templates.status).toBe(200);
    expect(templates.body.templates.map((t: { template: string }) => t.template)).toContain('returns-standard');
  });

  it('refuses bad params, an unknown template and an existing tenant with exit 2, naming the JSON path', async () => {
    const bad = await runCli(['tenants', 'create', 'acme-2', '--template', 'returns-standard', '--param', 'returnWindowDays=-1', '--param', 'returnAddress=x'], undefined, env);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('/params/returnWindowDays: must be >= 1');
    const missing = await runCli(['tenants', 'create', 'acme-2', '--template', 'returns-standard'], undefined, env);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('/params/returnAddress: is required');
    expect(missing.stderr).toMatch(/no default for it, give a value such as "[^"]+"/);
    // The listing says the same: a required param shows an example, not a default.
    const listed = await runCli(['tenants', 'templates'], undefined, env);
    expect(listed.stdout).toMatch(/returnAddress: REQUIRED, no default \(e\.g\. "[^"]+"\)/);
    const language = await runCli(['tenants', 'create', 'acme-2', '--template', 'returns-standard', '--param', 'returnAddress=x', '--language', 'Korean'], undefined, env);
    expect(language.code).toBe(2);
    expect(language.stderr).toContain('--language "Korean": a BCP 47 language tag such as en or ko');
    const unknown = await runCli(['tenants', 'create', 'acme-2', '--template', 'nope'], undefined, env);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('/template: must be one of returns-standard');
    const taken = await runCli(['tenants', 'create', 'acme', '--template', 'returns-standard', '--param', 'returnAddress=x'], undefined, env);
    expect(taken.code).toBe(2);
    expect(taken.stderr).toContain('tenant "acme" already exists');
    expect((await runCli(['tenants', 'create', 'acme-2', '--template', 'returns-standard', '--param', 'oops'], undefined, env)).stderr).toContain('expected name=value');
  });

  it('keys revoke <id> revokes an operator key: the server refuses it from the next request on', async () => {
    const id = JSON.parse((await runCli(['keys', 'list', '--operator', '--json'], undefined, env)).stdout)[0].id;
    const r = await runCli(['keys', 'revoke', id], undefined, env);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain(`Revoked platform operator key ${id}`);
    expect((await server!.get('/v1/templates', operatorKey)).status).toBe(401);
  });

  it('policy test _templates runs the templates\' embedded tests', async () => {
    const r = await runCli(['test', '_templates', '-v'], undefined, env);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toMatch(/✓ _templates\/returns-standard\/returns day 30 after delivery/);
    expect(lastLine(r.stdout)).toMatch(/^(\d+) passed, 0 failed$/);
    expect(Number(/^(\d+) passed/.exec(lastLine(r.stdout))![1])).toBeGreaterThanOrEqual(10);
  });
});
